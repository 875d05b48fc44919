//! Provider and package knowledge as data: the providers (`api_type` values, variables, hosts,
//! key formats), the AutoGen constructors and their packages, routing tables and the variables
//! the SDKs read. Each table names the package source it comes from. No logic beyond
//! constructors of rows: lookups are in `providers/mod.rs`.

use super::{Constructor, ConstructorKind, Generation, Provider, ProviderId};

const fn base(id: ProviderId, display: &'static str) -> Provider {
    Provider {
        id,
        display,
        api_types: &[],
        fallback_var: None,
        key_vars: &[],
        name_parts: &[],
        hosts: &[],
        key_prefixes: &[],
        reliable_prefix: None,
        hex32_keys: false,
        needs_key: true,
        aws_credentials: false,
    }
}

pub static PROVIDERS: &[Provider] = &[
    Provider {
        api_types: &["openai"],
        fallback_var: Some("OPENAI_API_KEY"),
        key_vars: &["OPENAI_API_KEY"],
        name_parts: &["OPENAI"],
        hosts: &["api.openai.com"],
        key_prefixes: &["sk-proj-", "sk-svcacct-", "sk-admin-", "sk-"],
        reliable_prefix: Some("sk-"),
        ..base(ProviderId::OpenAi, "OpenAI")
    },
    Provider {
        api_types: &["azure"],
        fallback_var: Some("AZURE_OPENAI_API_KEY"),
        key_vars: &["AZURE_OPENAI_API_KEY", "AZURE_OPENAI_KEY", "AZURE_API_KEY"],
        name_parts: &["AZURE"],
        hosts: &[
            ".openai.azure.com",
            ".cognitiveservices.azure.com",
            ".services.ai.azure.com",
        ],
        hex32_keys: true,
        ..base(ProviderId::Azure, "Azure OpenAI")
    },
    Provider {
        api_types: &["anthropic"],
        fallback_var: Some("ANTHROPIC_API_KEY"),
        key_vars: &["ANTHROPIC_API_KEY"],
        name_parts: &["ANTHROPIC", "CLAUDE"],
        hosts: &["api.anthropic.com"],
        key_prefixes: &["sk-ant-api03-", "sk-ant-"],
        reliable_prefix: Some("sk-ant-"),
        ..base(ProviderId::Anthropic, "Anthropic")
    },
    Provider {
        api_types: &["google"],
        fallback_var: Some("GOOGLE_GEMINI_API_KEY"),
        key_vars: &["GOOGLE_GEMINI_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY"],
        name_parts: &["GEMINI", "GOOGLE"],
        hosts: &["generativelanguage.googleapis.com"],
        key_prefixes: &["AIza"],
        reliable_prefix: Some("AIza"),
        ..base(ProviderId::Google, "Google Gemini")
    },
    Provider {
        api_types: &["mistral"],
        fallback_var: Some("MISTRAL_API_KEY"),
        key_vars: &["MISTRAL_API_KEY"],
        name_parts: &["MISTRAL"],
        hosts: &["api.mistral.ai"],
        ..base(ProviderId::Mistral, "Mistral")
    },
    Provider {
        api_types: &["together"],
        fallback_var: Some("TOGETHER_API_KEY"),
        key_vars: &["TOGETHER_API_KEY"],
        name_parts: &["TOGETHER"],
        hosts: &["api.together.xyz", "api.together.ai"],
        ..base(ProviderId::Together, "Together AI")
    },
    Provider {
        api_types: &["groq"],
        fallback_var: Some("GROQ_API_KEY"),
        key_vars: &["GROQ_API_KEY"],
        name_parts: &["GROQ"],
        hosts: &["api.groq.com"],
        key_prefixes: &["gsk_"],
        reliable_prefix: Some("gsk_"),
        ..base(ProviderId::Groq, "Groq")
    },
    Provider {
        api_types: &["cohere"],
        fallback_var: Some("COHERE_API_KEY"),
        key_vars: &["COHERE_API_KEY", "CO_API_KEY"],
        name_parts: &["COHERE"],
        hosts: &["api.cohere.com", "api.cohere.ai"],
        ..base(ProviderId::Cohere, "Cohere")
    },
    Provider {
        api_types: &["cerebras"],
        fallback_var: Some("CEREBRAS_API_KEY"),
        key_vars: &["CEREBRAS_API_KEY"],
        name_parts: &["CEREBRAS"],
        hosts: &["api.cerebras.ai"],
        key_prefixes: &["csk-"],
        ..base(ProviderId::Cerebras, "Cerebras")
    },
    Provider {
        api_types: &["ollama"],
        key_vars: &[],
        name_parts: &["OLLAMA"],
        hosts: &[],
        needs_key: false,
        ..base(ProviderId::Ollama, "Ollama")
    },
    Provider {
        api_types: &["bedrock"],
        key_vars: &["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"],
        name_parts: &["AWS", "BEDROCK"],
        hosts: &[".amazonaws.com"],
        aws_credentials: true,
        ..base(ProviderId::Bedrock, "AWS Bedrock")
    },
    Provider {
        key_vars: &["OPENROUTER_API_KEY"],
        name_parts: &["OPENROUTER"],
        hosts: &["openrouter.ai"],
        key_prefixes: &["sk-or-v1-", "sk-or-"],
        reliable_prefix: Some("sk-or-"),
        ..base(ProviderId::OpenRouter, "OpenRouter")
    },
    Provider {
        key_vars: &["XAI_API_KEY"],
        name_parts: &["XAI", "GROK"],
        hosts: &["api.x.ai"],
        key_prefixes: &["xai-"],
        reliable_prefix: Some("xai-"),
        ..base(ProviderId::XAi, "xAI")
    },
    Provider {
        key_vars: &[
            "HF_TOKEN",
            "HUGGINGFACE_API_KEY",
            "HUGGINGFACEHUB_API_TOKEN",
        ],
        name_parts: &["HF", "HUGGINGFACE", "HUGGINGFACEHUB"],
        hosts: &["huggingface.co"],
        key_prefixes: &["hf_"],
        reliable_prefix: Some("hf_"),
        ..base(ProviderId::HuggingFace, "Hugging Face")
    },
    Provider {
        key_vars: &["PERPLEXITY_API_KEY", "PPLX_API_KEY"],
        name_parts: &["PERPLEXITY", "PPLX"],
        hosts: &["api.perplexity.ai"],
        key_prefixes: &["pplx-"],
        reliable_prefix: Some("pplx-"),
        ..base(ProviderId::Perplexity, "Perplexity")
    },
    Provider {
        key_vars: &["DEEPSEEK_API_KEY"],
        name_parts: &["DEEPSEEK"],
        hosts: &["api.deepseek.com"],
        ..base(ProviderId::DeepSeek, "DeepSeek")
    },
    // Named by its exact variable only: `LLAMA_CLOUD_API_KEY` and the like belong to others.
    Provider {
        key_vars: &["LLAMA_API_KEY"],
        hosts: &["api.llama.com"],
        ..base(ProviderId::MetaLlama, "Meta Llama API")
    },
];

const V02_PACKAGES: &[&str] = &["autogen", "ag2"];
const V04_AGENT_PACKAGES: &[&str] = &["autogen_agentchat"];

const fn agent(name: &'static str, generation: Generation) -> Constructor {
    Constructor {
        name,
        packages: match generation {
            Generation::V04 => V04_AGENT_PACKAGES,
            _ => V02_PACKAGES,
        },
        kind: ConstructorKind::Agent,
        generation,
        provider: None,
        key_var: None,
        endpoint_kwarg: "",
        key_kwarg: "",
        alt_key_vars: &[],
        other_auth_kwargs: &[],
        cloud_credentials: false,
    }
}

const fn client(
    name: &'static str,
    packages: &'static [&'static str],
    generation: Generation,
    provider: ProviderId,
    endpoint_kwarg: &'static str,
    key_kwarg: &'static str,
) -> Constructor {
    Constructor {
        name,
        packages,
        kind: ConstructorKind::Client,
        generation,
        provider: Some(provider),
        key_var: None,
        endpoint_kwarg,
        key_kwarg,
        alt_key_vars: &[],
        other_auth_kwargs: &[],
        cloud_credentials: false,
    }
}

const AG2_CONFIG: &[&str] = &["ag2.config", "autogen.config", "ag2", "autogen"];

pub static CONSTRUCTORS: &[Constructor] = &[
    agent("AssistantAgent", Generation::V02),
    agent("ConversableAgent", Generation::V02),
    agent("UserProxyAgent", Generation::V02),
    agent("GroupChatManager", Generation::V02),
    agent("AssistantAgent", Generation::V04),
    agent("UserProxyAgent", Generation::V04),
    agent("CodeExecutorAgent", Generation::V04),
    agent("SocietyOfMindAgent", Generation::V04),
    Constructor {
        name: "LLMConfig",
        packages: V02_PACKAGES,
        kind: ConstructorKind::LlmConfig,
        generation: Generation::V02,
        provider: None,
        key_var: None,
        endpoint_kwarg: "base_url",
        key_kwarg: "api_key",
        alt_key_vars: &[],
        other_auth_kwargs: &[],
        cloud_credentials: false,
    },
    Constructor {
        name: "OpenAIWrapper",
        packages: V02_PACKAGES,
        kind: ConstructorKind::Wrapper,
        generation: Generation::V02,
        provider: None,
        key_var: None,
        endpoint_kwarg: "base_url",
        key_kwarg: "api_key",
        alt_key_vars: &[],
        other_auth_kwargs: &[],
        cloud_credentials: false,
    },
    client(
        "OpenAIChatCompletionClient",
        &["autogen_ext"],
        Generation::V04,
        ProviderId::OpenAi,
        "base_url",
        "api_key",
    ),
    client(
        "AzureOpenAIChatCompletionClient",
        &["autogen_ext"],
        Generation::V04,
        ProviderId::Azure,
        "azure_endpoint",
        "api_key",
    ),
    client(
        "AnthropicChatCompletionClient",
        &["autogen_ext"],
        Generation::V04,
        ProviderId::Anthropic,
        "base_url",
        "api_key",
    ),
    client(
        "AzureAIChatCompletionClient",
        &["autogen_ext"],
        Generation::V04,
        ProviderId::AzureAi,
        "endpoint",
        "credential",
    ),
    client(
        "OllamaChatCompletionClient",
        &["autogen_ext"],
        Generation::V04,
        ProviderId::Ollama,
        "host",
        "api_key",
    ),
    client(
        "OpenAIConfig",
        AG2_CONFIG,
        Generation::Ag2Config,
        ProviderId::OpenAi,
        "base_url",
        "api_key",
    ),
    client(
        "OpenAIResponsesConfig",
        AG2_CONFIG,
        Generation::Ag2Config,
        ProviderId::OpenAi,
        "base_url",
        "api_key",
    ),
    client(
        "AnthropicConfig",
        AG2_CONFIG,
        Generation::Ag2Config,
        ProviderId::Anthropic,
        "base_url",
        "api_key",
    ),
    // A google-genai client, which reads its own variables (google-genai 1.x `_api_client.py`).
    Constructor {
        key_var: Some("GEMINI_API_KEY"),
        ..client(
            "GeminiConfig",
            AG2_CONFIG,
            Generation::Ag2Config,
            ProviderId::Google,
            "base_url",
            "api_key",
        )
    },
    client(
        "MistralConfig",
        AG2_CONFIG,
        Generation::Ag2Config,
        ProviderId::Mistral,
        "base_url",
        "api_key",
    ),
    client(
        "OllamaConfig",
        AG2_CONFIG,
        Generation::Ag2Config,
        ProviderId::Ollama,
        "client_host",
        "api_key",
    ),
    client(
        "BedrockConfig",
        AG2_CONFIG,
        Generation::Ag2Config,
        ProviderId::Bedrock,
        "base_url",
        "api_key",
    ),
    // The providers' own SDK clients, with what each reads from the environment when no key
    // is given: the provider's `fallback_var` unless `key_var` says otherwise.
    OPENAI_CLIENT,
    Constructor {
        name: "AsyncOpenAI",
        ..OPENAI_CLIENT
    },
    // `Client = OpenAI`, `AsyncClient = AsyncOpenAI` (openai, anthropic and groq `_client.py`).
    Constructor {
        name: "Client",
        ..OPENAI_CLIENT
    },
    Constructor {
        name: "AsyncClient",
        ..OPENAI_CLIENT
    },
    AZURE_OPENAI_CLIENT,
    Constructor {
        name: "AsyncAzureOpenAI",
        ..AZURE_OPENAI_CLIENT
    },
    ANTHROPIC_CLIENT,
    Constructor {
        name: "AsyncAnthropic",
        ..ANTHROPIC_CLIENT
    },
    Constructor {
        name: "Client",
        ..ANTHROPIC_CLIENT
    },
    Constructor {
        name: "AsyncClient",
        ..ANTHROPIC_CLIENT
    },
    ANTHROPIC_BEDROCK,
    Constructor {
        name: "AsyncAnthropicBedrock",
        ..ANTHROPIC_BEDROCK
    },
    ANTHROPIC_VERTEX,
    Constructor {
        name: "AsyncAnthropicVertex",
        ..ANTHROPIC_VERTEX
    },
    // groq 1.7.0 `_client.py`: `GROQ_API_KEY` (raises without it), `GROQ_BASE_URL`.
    sdk("Groq", &["groq"], ProviderId::Groq, None, "base_url"),
    sdk("AsyncGroq", &["groq"], ProviderId::Groq, None, "base_url"),
    sdk("Client", &["groq"], ProviderId::Groq, None, "base_url"),
    sdk("AsyncClient", &["groq"], ProviderId::Groq, None, "base_url"),
    // mistralai 3.7.0 `client/sdk.py` (`Mistral.__init__`, `server_url=`) and
    // `client/utils/security.py`: `MISTRAL_API_KEY` when no `api_key` is given.
    sdk(
        "Mistral",
        &["mistralai"],
        ProviderId::Mistral,
        None,
        "server_url",
    ),
    // google-genai 3.6.1 `_api_client.py` (`get_env_api_key`): `GOOGLE_API_KEY`, else
    // `GEMINI_API_KEY` (GOOGLE_API_KEY wins when both are set); `vertexai=True` (or
    // `GOOGLE_GENAI_USE_VERTEXAI`), `project=`/`location=` and `credentials=` select Vertex AI
    // and its application-default credentials.
    Constructor {
        other_auth_kwargs: &["vertexai", "credentials", "project", "location"],
        ..sdk(
            "Client",
            &["google.genai"],
            ProviderId::Google,
            Some("GOOGLE_API_KEY"),
            "http_options",
        )
    },
];

/// A provider SDK's client class (one of [`SDK_CLIENTS`]).
const fn sdk(
    name: &'static str,
    packages: &'static [&'static str],
    provider: ProviderId,
    key_var: Option<&'static str>,
    endpoint_kwarg: &'static str,
) -> Constructor {
    Constructor {
        key_var,
        ..client(
            name,
            packages,
            Generation::Sdk,
            provider,
            endpoint_kwarg,
            "api_key",
        )
    }
}

const OPENAI_PKG: &[&str] = &["openai"];
const ANTHROPIC_PKG: &[&str] = &["anthropic"];

/// openai 3.57.0: `lib/_client_auth.py` (`sync__init__`, what `OpenAI.__init__` in
/// `_client.py` runs) reads `OPENAI_API_KEY` (or `OPENAI_ADMIN_KEY`) when `api_key` is not
/// given and raises "Missing credentials" without one; `workload_identity=` and `provider=`
/// authenticate instead.
const OPENAI_CLIENT: Constructor = Constructor {
    alt_key_vars: &["OPENAI_ADMIN_KEY"],
    other_auth_kwargs: &["workload_identity", "admin_api_key", "provider"],
    ..sdk("OpenAI", OPENAI_PKG, ProviderId::OpenAi, None, "base_url")
};

/// openai 3.57.0 `lib/azure.py` (`_resolve_azure_auth`, `AzureOpenAI.__init__`): with no
/// credential keyword it reads `AZURE_OPENAI_AD_TOKEN`, then `AZURE_OPENAI_API_KEY`; then
/// `OPENAI_API_VERSION` and `AZURE_OPENAI_ENDPOINT` (both raise `ValueError` when missing).
const AZURE_OPENAI_CLIENT: Constructor = Constructor {
    alt_key_vars: &["AZURE_OPENAI_AD_TOKEN"],
    ..sdk(
        "AzureOpenAI",
        OPENAI_PKG,
        ProviderId::Azure,
        None,
        "azure_endpoint",
    )
};

/// anthropic 2.16.0 `_client.py` (`static_credential_from_env`, `Anthropic.__init__`): reads
/// `ANTHROPIC_API_KEY`, then `ANTHROPIC_AUTH_TOKEN`, then the profile `ANTHROPIC_PROFILE` names;
/// `auth_token=`, `credentials=`, `config=` and `profile=` authenticate instead.
const ANTHROPIC_CLIENT: Constructor = Constructor {
    alt_key_vars: &["ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_PROFILE"],
    other_auth_kwargs: &["auth_token", "credentials", "config", "profile"],
    ..sdk(
        "Anthropic",
        ANTHROPIC_PKG,
        ProviderId::Anthropic,
        None,
        "base_url",
    )
};

/// anthropic 2.16.0 `lib/bedrock/_client.py`: AWS credentials (or the `api_key` /
/// `AWS_BEARER_TOKEN_BEDROCK` bearer token), never `ANTHROPIC_API_KEY`.
const ANTHROPIC_BEDROCK: Constructor = Constructor {
    cloud_credentials: true,
    ..sdk(
        "AnthropicBedrock",
        ANTHROPIC_PKG,
        ProviderId::Bedrock,
        Some("AWS_BEARER_TOKEN_BEDROCK"),
        "base_url",
    )
};

/// anthropic 2.16.0 `lib/vertex/_client.py`: Google Cloud credentials, no key at all.
const ANTHROPIC_VERTEX: Constructor = Constructor {
    cloud_credentials: true,
    key_kwarg: "",
    ..sdk(
        "AnthropicVertex",
        ANTHROPIC_PKG,
        ProviderId::Anthropic,
        None,
        "base_url",
    )
};

/// Azure AI Inference (`AzureAIChatCompletionClient`) takes a `credential`, never an env var.
pub static AZURE_AI: Provider = Provider {
    name_parts: &["AZURE"],
    hosts: &[
        ".services.ai.azure.com",
        ".inference.ai.azure.com",
        ".models.ai.azure.com",
    ],
    ..base(ProviderId::AzureAi, "Azure AI Inference")
};

/// Model-name prefixes that AutoGen 0.4's `OpenAIChatCompletionClient` routes to another
/// provider's OpenAI-compatible endpoint, with the variable it then reads
/// (autogen-ext 0.7.5, `models/openai/_openai_client.py`, `OpenAIChatCompletionClient.__init__`).
pub static V04_MODEL_ROUTES: &[(&str, ProviderId, &str)] = &[
    ("gemini-", ProviderId::Google, "GEMINI_API_KEY"),
    ("claude-", ProviderId::Anthropic, "ANTHROPIC_API_KEY"),
    ("Llama-", ProviderId::MetaLlama, "LLAMA_API_KEY"),
];

/// (Azure client?, keyword, variable): what the openai SDK reads when the keyword is not given
/// (openai 1.x `_client.py` `OpenAI.__init__`; `lib/azure.py` `AzureOpenAI.__init__`). A client
/// keyword that is dropped while its value reads that very variable changes nothing.
pub static SDK_ENV_DEFAULTS: &[(bool, &str, &str)] = &[
    (false, "api_key", "OPENAI_API_KEY"),
    (false, "base_url", "OPENAI_BASE_URL"),
    (false, "organization", "OPENAI_ORG_ID"),
    (false, "project", "OPENAI_PROJECT_ID"),
    (true, "api_key", "AZURE_OPENAI_API_KEY"),
    (true, "azure_endpoint", "AZURE_OPENAI_ENDPOINT"),
    (true, "api_version", "OPENAI_API_VERSION"),
    (true, "azure_ad_token", "AZURE_OPENAI_AD_TOKEN"),
    (true, "organization", "OPENAI_ORG_ID"),
];

/// (name no SDK of these reads, the name the SDK reads, what the SDK is): variables people set
/// for a client that never reads them. openai 1.x `_client.py` reads `OPENAI_API_KEY` and
/// `OPENAI_BASE_URL` (`OPENAI_API_BASE` was openai < 1's); `lib/azure.py` reads
/// `AZURE_OPENAI_ENDPOINT`; anthropic `_client.py` reads `ANTHROPIC_API_KEY`.
pub static UNREAD_VAR_NAMES: &[(&str, &str, &str)] = &[
    (
        "OPENAI_API_BASE",
        "OPENAI_BASE_URL",
        "openai 1.x (OPENAI_API_BASE was openai < 1's name)",
    ),
    (
        "AZURE_OPENAI_API_BASE",
        "AZURE_OPENAI_ENDPOINT",
        "the openai SDK's Azure client",
    ),
    ("OPENAI_KEY", "OPENAI_API_KEY", "the openai SDK"),
    ("OPEN_AI_API_KEY", "OPENAI_API_KEY", "the openai SDK"),
    ("OPENAI_APIKEY", "OPENAI_API_KEY", "the openai SDK"),
    ("ANTHROPIC_KEY", "ANTHROPIC_API_KEY", "the anthropic SDK"),
];

/// Top-level packages that read some of [`UNREAD_VAR_NAMES`] themselves (LangChain and
/// LiteLLM read `OPENAI_API_BASE`, for one): where one is imported, no claim is made.
pub static LEGACY_NAME_READERS: &[&str] = &[
    "langchain",
    "langchain_openai",
    "langchain_community",
    "langchain_anthropic",
    "litellm",
    "crewai",
    "llama_index",
    "dspy",
];

/// Variables that switch Google's clients to Vertex AI, which authenticates with the
/// application-default credentials instead of a key (google-genai 1.x `_api_client.py`).
pub static VERTEX_AI_VARS: &[&str] = &[
    "GOOGLE_GENAI_USE_VERTEXAI",
    "GOOGLE_CLOUD_PROJECT",
    "GOOGLE_APPLICATION_CREDENTIALS",
];

/// Variables a client library reads interchangeably: defining any one of a group provides the
/// key. google-genai's `Client` (AG2's `GeminiConfig`, autogen-ext's Gemini routing) reads
/// `GOOGLE_API_KEY`, then `GEMINI_API_KEY` (google-genai 1.x, `_api_client.py`).
pub static EQUIVALENT_KEY_VARS: &[&[&str]] = &[&["GEMINI_API_KEY", "GOOGLE_API_KEY"]];

/// Extra variables that hold Azure credentials besides an API key.
pub static AZURE_TOKEN_VARS: &[&str] = &["AZURE_OPENAI_AD_TOKEN"];

/// Variables that configure Azure without being credentials.
pub static AZURE_VERSION_VAR: &str = "OPENAI_API_VERSION";
pub static AZURE_ENDPOINT_VAR: &str = "AZURE_OPENAI_ENDPOINT";
pub static DEFAULT_AZURE_API_VERSION: &str = "2024-10-21";

/// Keys a 0.2 / AG2 config entry takes (did-you-mean for unknown keys, completion).
pub static CONFIG_ENTRY_KEYS: &[&str] = &[
    "model",
    "api_key",
    "base_url",
    "api_type",
    "api_version",
    "azure_endpoint",
    "azure_deployment",
    "azure_ad_token",
    "azure_ad_token_provider",
    "organization",
    "tags",
    "price",
    "max_tokens",
    "temperature",
    "top_p",
    "timeout",
    "max_retries",
    "default_headers",
    "http_client",
    "model_info",
    "model_capabilities",
    "response_format",
    "stream",
    "stop",
    "seed",
    "cache_seed",
    "credential",
    "endpoint",
    "host",
    "client_host",
    "region",
    "aws_region",
    "aws_access_key",
    "aws_secret_key",
    "aws_session_token",
    "aws_profile_name",
    "extra_body",
    "user",
    "n",
    "tools",
    "project",
];
/// Prefixes of the ids the APIs give their objects, which tests, fixtures and notebook outputs
/// are full of and which are no credential: OpenAI's API reference (`chatcmpl-` chat
/// completions, `cmpl-` completions, `call_` tool calls, `resp_` responses, `msg_`, `run_`,
/// `step_`, `thread_` and `asst_` of the Assistants API, `file-`, `batch_`, `ftjob-`) and
/// Anthropic's (`msg_` messages, `toolu_` tool uses, `req_` request ids).
pub static OBJECT_ID_PREFIXES: &[&str] = &[
    "chatcmpl-",
    "cmpl-",
    "call_",
    "resp_",
    "msg_",
    "run_",
    "step_",
    "thread_",
    "asst_",
    "file-",
    "batch_",
    "ftjob-",
    "toolu_",
    "req_",
];
/// Values local runtimes accept as a key.
pub static DUMMY_KEYS: &[&str] = &[
    "NULL",
    "EMPTY",
    "ollama",
    "lm-studio",
    "not-needed",
    "none",
    "dummy",
];

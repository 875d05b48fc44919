//! Everything keywire knows about LLM providers, in one table: `api_type` values, the environment
//! variables their SDKs read, their hosts, their key formats, and the AutoGen constructors that
//! target them. Rules look things up here and never hard-code provider facts.

use super::known_keys::KeyTable;

/// One LLM provider.
#[derive(Debug)]
pub struct Provider {
    pub id: &'static str,
    /// Name shown in messages.
    pub display: &'static str,
    /// AutoGen 0.2 / AG2 `api_type` values routed to this provider (`OpenAIWrapper` matches by
    /// prefix; anything unmatched goes to OpenAI).
    pub api_types: &'static [&'static str],
    /// The variable the client reads when no `api_key` is given (AutoGen 0.2 / AG2 and the SDK).
    pub fallback_var: Option<&'static str>,
    /// Conventional variable names for this provider's key; the first is the one suggested.
    pub key_vars: &'static [&'static str],
    /// Upper-case `_`-separated parts of a variable name that say it belongs to this provider.
    pub name_parts: &'static [&'static str],
    /// Host suffixes of the provider's endpoints.
    pub hosts: &'static [&'static str],
    /// Prefixes of the provider's API keys, longest first.
    pub key_prefixes: &'static [&'static str],
    /// A prefix every valid key of this provider has (absent when keys have no fixed prefix).
    pub reliable_prefix: Option<&'static str>,
    /// Azure OpenAI keys: 32 hexadecimal characters, no prefix.
    pub hex32_keys: bool,
    /// Whether calls need a key at all (local runtimes do not).
    pub needs_key: bool,
    /// Authenticates with AWS credentials rather than an API key.
    pub aws_credentials: bool,
}

const fn base(id: &'static str, display: &'static str) -> Provider {
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
        ..base("openai", "OpenAI")
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
        ..base("azure", "Azure OpenAI")
    },
    Provider {
        api_types: &["anthropic"],
        fallback_var: Some("ANTHROPIC_API_KEY"),
        key_vars: &["ANTHROPIC_API_KEY"],
        name_parts: &["ANTHROPIC", "CLAUDE"],
        hosts: &["api.anthropic.com"],
        key_prefixes: &["sk-ant-api03-", "sk-ant-"],
        reliable_prefix: Some("sk-ant-"),
        ..base("anthropic", "Anthropic")
    },
    Provider {
        api_types: &["google"],
        fallback_var: Some("GOOGLE_GEMINI_API_KEY"),
        key_vars: &["GOOGLE_GEMINI_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY"],
        name_parts: &["GEMINI", "GOOGLE"],
        hosts: &["generativelanguage.googleapis.com"],
        key_prefixes: &["AIza"],
        reliable_prefix: Some("AIza"),
        ..base("google", "Google Gemini")
    },
    Provider {
        api_types: &["mistral"],
        fallback_var: Some("MISTRAL_API_KEY"),
        key_vars: &["MISTRAL_API_KEY"],
        name_parts: &["MISTRAL"],
        hosts: &["api.mistral.ai"],
        ..base("mistral", "Mistral")
    },
    Provider {
        api_types: &["together"],
        fallback_var: Some("TOGETHER_API_KEY"),
        key_vars: &["TOGETHER_API_KEY"],
        name_parts: &["TOGETHER"],
        hosts: &["api.together.xyz", "api.together.ai"],
        ..base("together", "Together AI")
    },
    Provider {
        api_types: &["groq"],
        fallback_var: Some("GROQ_API_KEY"),
        key_vars: &["GROQ_API_KEY"],
        name_parts: &["GROQ"],
        hosts: &["api.groq.com"],
        key_prefixes: &["gsk_"],
        reliable_prefix: Some("gsk_"),
        ..base("groq", "Groq")
    },
    Provider {
        api_types: &["cohere"],
        fallback_var: Some("COHERE_API_KEY"),
        key_vars: &["COHERE_API_KEY", "CO_API_KEY"],
        name_parts: &["COHERE"],
        hosts: &["api.cohere.com", "api.cohere.ai"],
        ..base("cohere", "Cohere")
    },
    Provider {
        api_types: &["cerebras"],
        fallback_var: Some("CEREBRAS_API_KEY"),
        key_vars: &["CEREBRAS_API_KEY"],
        name_parts: &["CEREBRAS"],
        hosts: &["api.cerebras.ai"],
        key_prefixes: &["csk-"],
        ..base("cerebras", "Cerebras")
    },
    Provider {
        api_types: &["ollama"],
        key_vars: &[],
        name_parts: &["OLLAMA"],
        hosts: &[],
        needs_key: false,
        ..base("ollama", "Ollama")
    },
    Provider {
        api_types: &["bedrock"],
        key_vars: &["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"],
        name_parts: &["AWS", "BEDROCK"],
        hosts: &[".amazonaws.com"],
        aws_credentials: true,
        ..base("bedrock", "AWS Bedrock")
    },
    Provider {
        key_vars: &["OPENROUTER_API_KEY"],
        name_parts: &["OPENROUTER"],
        hosts: &["openrouter.ai"],
        key_prefixes: &["sk-or-v1-", "sk-or-"],
        reliable_prefix: Some("sk-or-"),
        ..base("openrouter", "OpenRouter")
    },
    Provider {
        key_vars: &["XAI_API_KEY"],
        name_parts: &["XAI", "GROK"],
        hosts: &["api.x.ai"],
        key_prefixes: &["xai-"],
        reliable_prefix: Some("xai-"),
        ..base("xai", "xAI")
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
        ..base("huggingface", "Hugging Face")
    },
    Provider {
        key_vars: &["PERPLEXITY_API_KEY", "PPLX_API_KEY"],
        name_parts: &["PERPLEXITY", "PPLX"],
        hosts: &["api.perplexity.ai"],
        key_prefixes: &["pplx-"],
        reliable_prefix: Some("pplx-"),
        ..base("perplexity", "Perplexity")
    },
    Provider {
        key_vars: &["DEEPSEEK_API_KEY"],
        name_parts: &["DEEPSEEK"],
        hosts: &["api.deepseek.com"],
        ..base("deepseek", "DeepSeek")
    },
];

/// Which AutoGen API family a constructor belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Generation {
    /// AutoGen 0.2 / `pyautogen` / AG2 (`llm_config`, `config_list`, `LLMConfig`).
    V02,
    /// AutoGen 0.4+ (`autogen_agentchat`, `autogen_ext` model clients).
    V04,
    /// AG2 1.x provider configs from `ag2.config`.
    Ag2Config,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConstructorKind {
    /// A model client or provider config whose keyword arguments form one config entry.
    Client,
    /// An agent class (takes `llm_config=` or `model_client=`).
    Agent,
    /// `LLMConfig(...)`: positional dict entries, `config_list=`, or entry kwargs.
    LlmConfig,
    /// `OpenAIWrapper(config_list=...)`.
    Wrapper,
}

/// A class whose calls keywire understands, and the packages it must be imported from.
#[derive(Debug, PartialEq)]
pub struct Constructor {
    pub name: &'static str,
    /// Module prefixes it may be imported from (`autogen_ext` matches `autogen_ext.models.openai`).
    pub packages: &'static [&'static str],
    pub kind: ConstructorKind,
    pub generation: Generation,
    /// Provider a client targets (None for agents and generic configs).
    pub provider: Option<&'static str>,
    /// Keyword that carries the endpoint.
    pub endpoint_kwarg: &'static str,
    /// Keyword that carries the credential.
    pub key_kwarg: &'static str,
}

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
        endpoint_kwarg: "",
        key_kwarg: "",
    }
}

const fn client(
    name: &'static str,
    packages: &'static [&'static str],
    generation: Generation,
    provider: &'static str,
    endpoint_kwarg: &'static str,
    key_kwarg: &'static str,
) -> Constructor {
    Constructor {
        name,
        packages,
        kind: ConstructorKind::Client,
        generation,
        provider: Some(provider),
        endpoint_kwarg,
        key_kwarg,
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
        endpoint_kwarg: "base_url",
        key_kwarg: "api_key",
    },
    Constructor {
        name: "OpenAIWrapper",
        packages: V02_PACKAGES,
        kind: ConstructorKind::Wrapper,
        generation: Generation::V02,
        provider: None,
        endpoint_kwarg: "base_url",
        key_kwarg: "api_key",
    },
    client(
        "OpenAIChatCompletionClient",
        &["autogen_ext"],
        Generation::V04,
        "openai",
        "base_url",
        "api_key",
    ),
    client(
        "AzureOpenAIChatCompletionClient",
        &["autogen_ext"],
        Generation::V04,
        "azure",
        "azure_endpoint",
        "api_key",
    ),
    client(
        "AnthropicChatCompletionClient",
        &["autogen_ext"],
        Generation::V04,
        "anthropic",
        "base_url",
        "api_key",
    ),
    client(
        "AzureAIChatCompletionClient",
        &["autogen_ext"],
        Generation::V04,
        "azure-ai",
        "endpoint",
        "credential",
    ),
    client(
        "OllamaChatCompletionClient",
        &["autogen_ext"],
        Generation::V04,
        "ollama",
        "host",
        "api_key",
    ),
    client(
        "OpenAIConfig",
        AG2_CONFIG,
        Generation::Ag2Config,
        "openai",
        "base_url",
        "api_key",
    ),
    client(
        "OpenAIResponsesConfig",
        AG2_CONFIG,
        Generation::Ag2Config,
        "openai",
        "base_url",
        "api_key",
    ),
    client(
        "AnthropicConfig",
        AG2_CONFIG,
        Generation::Ag2Config,
        "anthropic",
        "base_url",
        "api_key",
    ),
    client(
        "GeminiConfig",
        AG2_CONFIG,
        Generation::Ag2Config,
        "google",
        "base_url",
        "api_key",
    ),
    client(
        "MistralConfig",
        AG2_CONFIG,
        Generation::Ag2Config,
        "mistral",
        "base_url",
        "api_key",
    ),
    client(
        "OllamaConfig",
        AG2_CONFIG,
        Generation::Ag2Config,
        "ollama",
        "client_host",
        "api_key",
    ),
    client(
        "BedrockConfig",
        AG2_CONFIG,
        Generation::Ag2Config,
        "bedrock",
        "base_url",
        "api_key",
    ),
];

/// Azure AI Inference (`AzureAIChatCompletionClient`) takes a `credential`, never an env var.
pub static AZURE_AI: Provider = Provider {
    name_parts: &["AZURE"],
    hosts: &[
        ".services.ai.azure.com",
        ".inference.ai.azure.com",
        ".models.ai.azure.com",
    ],
    ..base("azure-ai", "Azure AI Inference")
};

/// Model-name prefixes that AutoGen 0.4's `OpenAIChatCompletionClient` routes to another
/// provider's OpenAI-compatible endpoint, with the variable it then reads.
pub static V04_MODEL_ROUTES: &[(&str, &str, &str)] = &[
    ("gemini-", "google", "GEMINI_API_KEY"),
    ("claude-", "anthropic", "ANTHROPIC_API_KEY"),
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

/// `var` and the variables its client reads in its place.
pub fn equivalent_vars(var: &str) -> Vec<&str> {
    EQUIVALENT_KEY_VARS
        .iter()
        .find(|group| group.contains(&var))
        .map_or_else(|| vec![var], |group| group.to_vec())
}

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

/// Keys an AutoGen 0.2 / AG2 config entry or `llm_config` may hold in some version keywire
/// knows: what `OpenAIWrapper` keeps, the client constructors' and `create()`'s keywords it
/// passes them to, what each provider's client reads, AG2's `LLMConfig` and entry fields (an
/// `llm_config` without `config_list` is itself the entry, and 0.2 merges top-level keys into
/// every entry), and the completion list above.
pub fn is_known_v02_key(key: &str) -> bool {
    use super::known_keys::*;
    [
        &AUTOGEN02_WRAPPER_KWARGS,
        &AUTOGEN02_PROVIDER_KEYS,
        &OPENAI_CLIENT_KWARGS,
        &AZURE_OPENAI_CLIENT_KWARGS,
        &OPENAI_CHAT_CREATE_KWARGS,
        &AG2_LLM_CONFIG_KEYS,
        &AG2_ENTRY_KEYS,
        &AG2_PROVIDER_KEYS,
    ]
    .iter()
    .any(|t| t.contains(key))
        || CONFIG_ENTRY_KEYS.contains(&key)
}

/// Candidates for a did-you-mean on an unknown 0.2 / AG2 key.
pub fn v02_keys() -> impl Iterator<Item = &'static str> {
    use super::known_keys::*;
    [
        &AUTOGEN02_WRAPPER_KWARGS,
        &OPENAI_CLIENT_KWARGS,
        &AZURE_OPENAI_CLIENT_KWARGS,
        &OPENAI_CHAT_CREATE_KWARGS,
        &AG2_LLM_CONFIG_KEYS,
        &AG2_ENTRY_KEYS,
    ]
    .into_iter()
    .flat_map(|t| t.keys.iter().copied())
    .chain(CONFIG_ENTRY_KEYS.iter().copied())
}

/// What a model client's constructor does with a keyword it does not declare.
#[derive(Clone, Copy, Debug)]
pub enum ClientKeywords {
    /// Keeps only these keys (compared lower-cased when `lowercase`) and drops every other one
    /// silently.
    Filtered {
        tables: &'static [&'static KeyTable],
        lowercase: bool,
    },
    /// Passes unknown keywords on to a constructor that takes `**kwargs`: keywire makes no
    /// claim about them.
    Forwarded,
}

/// How a model client's constructor treats keywords (None: not an autogen-ext client).
pub fn client_keywords(ctor: &Constructor) -> Option<ClientKeywords> {
    use super::known_keys::*;
    if ctor.kind != ConstructorKind::Client || ctor.generation != Generation::V04 {
        return None;
    }
    // `_openai_client_from_config` keeps `AsyncOpenAI()`'s keywords, `_create_args_from_config`
    // the create arguments; the rest of `OpenAIClientConfiguration` is read by the client.
    static OPENAI: &[&KeyTable] = &[
        &AUTOGEN_EXT_OPENAI_CLIENT_KEYS,
        &OPENAI_CLIENT_KWARGS,
        &OPENAI_CREATE_PARAMS_BASE,
        &AUTOGEN_EXT_OPENAI_EXTRA_CREATE_KEYS,
    ];
    static AZURE: &[&KeyTable] = &[
        &AUTOGEN_EXT_AZURE_OPENAI_CLIENT_KEYS,
        &AZURE_OPENAI_CLIENT_KWARGS,
        &OPENAI_CREATE_PARAMS_BASE,
        &AUTOGEN_EXT_OPENAI_EXTRA_CREATE_KEYS,
    ];
    static ANTHROPIC: &[&KeyTable] =
        &[&AUTOGEN_EXT_ANTHROPIC_CLIENT_KEYS, &ANTHROPIC_CLIENT_KWARGS];
    static OLLAMA: &[&KeyTable] = &[&AUTOGEN_EXT_OLLAMA_CLIENT_KEYS, &OLLAMA_CHAT_REQUEST_FIELDS];
    let filtered = |tables, lowercase| ClientKeywords::Filtered { tables, lowercase };
    Some(match ctor.name {
        "OpenAIChatCompletionClient" => filtered(OPENAI, false),
        "AzureOpenAIChatCompletionClient" => filtered(AZURE, false),
        "AnthropicChatCompletionClient" => filtered(ANTHROPIC, false),
        // Compares lower-cased keys.
        "OllamaChatCompletionClient" => filtered(OLLAMA, true),
        // Passes every keyword but `model_info` to azure-ai-inference's
        // `ChatCompletionsClient(**kwargs)`.
        _ => ClientKeywords::Forwarded,
    })
}

impl ClientKeywords {
    /// Whether the client keeps `key` (always true for forwarded keywords).
    pub fn accepts(self, key: &str) -> bool {
        match self {
            ClientKeywords::Filtered { tables, lowercase } => {
                let key = if lowercase {
                    std::borrow::Cow::Owned(key.to_ascii_lowercase())
                } else {
                    std::borrow::Cow::Borrowed(key)
                };
                tables.iter().any(|t| t.contains(&key))
            }
            ClientKeywords::Forwarded => true,
        }
    }

    /// The keys the client keeps (none listed for forwarded keywords).
    pub fn keys(self) -> impl Iterator<Item = &'static str> {
        let tables: &'static [&'static KeyTable] = match self {
            ClientKeywords::Filtered { tables, .. } => tables,
            ClientKeywords::Forwarded => &[],
        };
        tables.iter().flat_map(|t| t.keys.iter().copied())
    }
}

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

pub fn provider(id: &str) -> Option<&'static Provider> {
    if id == AZURE_AI.id {
        return Some(&AZURE_AI);
    }
    PROVIDERS.iter().find(|p| p.id == id)
}

/// The provider AutoGen 0.2 / AG2 routes an `api_type` to (prefix match; unknown → OpenAI).
pub fn provider_for_api_type(api_type: &str) -> &'static Provider {
    let lower = api_type.to_ascii_lowercase();
    PROVIDERS
        .iter()
        .find(|p| p.id != "openai" && p.api_types.iter().any(|t| lower.starts_with(t)))
        .unwrap_or(&PROVIDERS[0])
}

/// Whether `api_type` is one AutoGen knows (anything else silently means OpenAI).
pub fn is_known_api_type(api_type: &str) -> bool {
    let lower = api_type.to_ascii_lowercase();
    PROVIDERS
        .iter()
        .any(|p| p.api_types.iter().any(|t| lower.starts_with(t)))
}

/// All `api_type` values, for completion.
pub fn api_types() -> impl Iterator<Item = &'static str> {
    PROVIDERS.iter().flat_map(|p| p.api_types.iter().copied())
}

/// The provider whose key format `value` has, by prefix (or Azure's 32 hex characters).
pub fn provider_for_key(value: &str) -> Option<&'static Provider> {
    // `sk-` and 32 hex digits is no OpenAI format: DeepSeek, DashScope and other
    // OpenAI-compatible services issue such keys.
    if value
        .strip_prefix("sk-")
        .is_some_and(|rest| rest.len() == 32 && rest.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return None;
    }
    let mut best: Option<(&'static Provider, usize)> = None;
    for p in PROVIDERS {
        for prefix in p.key_prefixes {
            if value.starts_with(prefix) && best.is_none_or(|(_, len)| prefix.len() > len) {
                best = Some((p, prefix.len()));
            }
        }
    }
    if let Some((p, _)) = best {
        return Some(p);
    }
    if value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit()) {
        return PROVIDERS.iter().find(|p| p.hex32_keys);
    }
    None
}

/// The public prefix of a key (safe to show), if it has a known one.
pub fn public_prefix(value: &str) -> Option<&'static str> {
    PROVIDERS
        .iter()
        .flat_map(|p| p.key_prefixes.iter().copied())
        .filter(|prefix| value.starts_with(prefix))
        .max_by_key(|prefix| prefix.len())
}

/// The provider a variable name points at (`AZURE_OPENAI_API_KEY` → Azure, `GROQ_API_KEY` → Groq).
pub fn provider_for_var(name: &str) -> Option<&'static Provider> {
    let upper = name.to_ascii_uppercase();
    if let Some(p) = PROVIDERS
        .iter()
        .find(|p| p.key_vars.contains(&upper.as_str()))
    {
        return Some(p);
    }
    let parts: Vec<&str> = upper.split(['_', '-']).filter(|s| !s.is_empty()).collect();
    // Azure first: AZURE_OPENAI_* names carry both parts.
    PROVIDERS
        .iter()
        .filter(|p| p.name_parts.iter().any(|np| parts.contains(np)))
        .min_by_key(|p| if p.id == "azure" { 0 } else { 1 })
}

/// The provider whose endpoint `host` is (suffix match on a lower-cased host name).
pub fn provider_for_host(host: &str) -> Option<&'static Provider> {
    let host = host.to_ascii_lowercase();
    let host = host.trim_end_matches('.');
    let matches = |p: &&'static Provider| {
        p.hosts.iter().any(|h| {
            if let Some(suffix) = h.strip_prefix('.') {
                host.ends_with(h) || host == suffix
            } else {
                host == *h || host.ends_with(&format!(".{h}"))
            }
        })
    };
    PROVIDERS
        .iter()
        .find(matches)
        .or_else(|| Some(&AZURE_AI).filter(matches))
}

/// Host part of a URL-ish string (`https://x.openai.azure.com/openai` → `x.openai.azure.com`).
pub fn host_of(url: &str) -> Option<&str> {
    let rest = url.trim().split_once("://").map_or(url.trim(), |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        authority.split(':').next()?
    };
    (!host.is_empty()).then_some(host)
}

/// Local endpoints need no key: localhost, 127.0.0.0/8, 0.0.0.0, ::1, host.docker.internal, *.local.
pub fn is_local_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    host == "localhost"
        || host.ends_with(".localhost")
        || host.starts_with("127.")
        || host == "0.0.0.0"
        || host == "::1"
        || host == "host.docker.internal"
        || host.ends_with(".local")
}

pub fn is_dummy_key(value: &str) -> bool {
    DUMMY_KEYS
        .iter()
        .any(|d| d.eq_ignore_ascii_case(value.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_providers_by_longest_prefix() {
        assert_eq!(
            provider_for_key("sk-ant-api03-abc").unwrap().id,
            "anthropic"
        );
        assert_eq!(provider_for_key("sk-or-v1-abc").unwrap().id, "openrouter");
        assert_eq!(provider_for_key("sk-proj-abc").unwrap().id, "openai");
        // DeepSeek / DashScope: `sk-` and 32 hex digits.
        assert!(provider_for_key("sk-0f3a9c2e7b14d58a6c0e9f2b3d4a5c6e").is_none());
        assert_eq!(provider_for_key("gsk_abc").unwrap().id, "groq");
        assert_eq!(provider_for_key("AIzaSyabc").unwrap().id, "google");
        assert_eq!(
            provider_for_key("0123456789abcdef0123456789ABCDEF")
                .unwrap()
                .id,
            "azure"
        );
        assert!(provider_for_key("hello").is_none());
        assert_eq!(public_prefix("sk-ant-api03-zzz"), Some("sk-ant-api03-"));
    }

    #[test]
    fn variables_and_hosts_map_to_providers() {
        assert_eq!(
            provider_for_var("AZURE_OPENAI_API_KEY").unwrap().id,
            "azure"
        );
        assert_eq!(provider_for_var("OPENAI_API_KEY").unwrap().id, "openai");
        assert_eq!(provider_for_var("MY_OPENAI_KEY").unwrap().id, "openai");
        assert_eq!(provider_for_var("GROQ_API_KEY").unwrap().id, "groq");
        assert!(provider_for_var("API_KEY").is_none());
        assert_eq!(
            provider_for_host("my-res.openai.azure.com").unwrap().id,
            "azure"
        );
        assert_eq!(provider_for_host("api.openai.com").unwrap().id, "openai");
        assert_eq!(provider_for_host("api.groq.com").unwrap().id, "groq");
        assert!(provider_for_host("example.com").is_none());
        assert_eq!(
            host_of("https://x.openai.azure.com/openai/"),
            Some("x.openai.azure.com")
        );
        assert_eq!(host_of("http://[::1]:8000/v1"), Some("::1"));
        assert_eq!(host_of("http://localhost:11434"), Some("localhost"));
        assert!(is_local_host("127.0.0.1"));
        assert!(!is_local_host("api.openai.com"));
    }

    #[test]
    fn key_tables_are_sorted_and_name_their_source() {
        for table in crate::engine::known_keys::ALL {
            assert!(!table.keys.is_empty() && !table.sources.is_empty());
            assert!(
                table.keys.windows(2).all(|w| w[0] < w[1]),
                "{:?}",
                table.sources
            );
            for source in table.sources {
                // `package version `file Class``
                let mut words = source.split_whitespace();
                let (package, version) = (words.next().unwrap(), words.next().unwrap());
                assert!(
                    !package.is_empty()
                        && version.split('.').all(|n| n.parse::<u32>().is_ok())
                        && source.contains(".py"),
                    "{source}"
                );
            }
        }
    }

    #[test]
    fn valid_keys_are_known() {
        for key in [
            "seed",
            "cache_seed",
            "top_k",
            "temperature",
            "timeout",
            "config_list",
        ] {
            assert!(is_known_v02_key(key), "{key}");
        }
        for key in [
            "apikey",
            "api_base",
            "request_timeout",
            "engine",
            "retry_wait_time",
        ] {
            assert!(!is_known_v02_key(key), "{key}");
        }
        let client = |name| {
            let c = CONSTRUCTORS.iter().find(|c| c.name == name).unwrap();
            client_keywords(c).unwrap()
        };
        let azure = client("AzureOpenAIChatCompletionClient");
        assert!(azure.accepts("azure_endpoint") && !azure.accepts("endpoint"));
        assert!(client("OllamaChatCompletionClient").accepts("Top_K"));
        assert!(client("AzureAIChatCompletionClient").accepts("anything"));
    }

    #[test]
    fn api_types_route_by_prefix() {
        assert_eq!(provider_for_api_type("azure").id, "azure");
        assert_eq!(provider_for_api_type("google").id, "google");
        assert_eq!(provider_for_api_type("open_ai").id, "openai");
        assert!(!is_known_api_type("open_ai"));
        assert!(is_known_api_type("azure"));
    }
}

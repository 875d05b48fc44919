//! Everything keywire knows about LLM providers: `api_type` values, the environment
//! variables their SDKs read, their hosts, their key formats, and the AutoGen constructors that
//! target them. The tables are data (`data.rs`); this module holds their types and the lookups
//! over them. Rules look things up here and never hard-code provider facts (names, variables,
//! ids as strings).

use std::fmt;

use super::known_keys::KeyTable;

mod data;
pub use data::*;

/// A provider, as the tables and the rules name it. Messages show [`Provider::display`], never
/// the id's text ([`ProviderId::as_str`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProviderId {
    OpenAi,
    Azure,
    /// Azure AI Inference ([`AZURE_AI`]), apart from Azure OpenAI.
    AzureAi,
    Anthropic,
    Google,
    Mistral,
    Together,
    Groq,
    Cohere,
    Cerebras,
    Ollama,
    Bedrock,
    OpenRouter,
    XAi,
    HuggingFace,
    Perplexity,
    DeepSeek,
    /// Meta's Llama API (api.llama.com), not a model served elsewhere.
    MetaLlama,
}

impl ProviderId {
    pub const fn as_str(self) -> &'static str {
        match self {
            ProviderId::OpenAi => "openai",
            ProviderId::Azure => "azure",
            ProviderId::AzureAi => "azure-ai",
            ProviderId::Anthropic => "anthropic",
            ProviderId::Google => "google",
            ProviderId::Mistral => "mistral",
            ProviderId::Together => "together",
            ProviderId::Groq => "groq",
            ProviderId::Cohere => "cohere",
            ProviderId::Cerebras => "cerebras",
            ProviderId::Ollama => "ollama",
            ProviderId::Bedrock => "bedrock",
            ProviderId::OpenRouter => "openrouter",
            ProviderId::XAi => "xai",
            ProviderId::HuggingFace => "huggingface",
            ProviderId::Perplexity => "perplexity",
            ProviderId::DeepSeek => "deepseek",
            ProviderId::MetaLlama => "meta-llama",
        }
    }
}

impl fmt::Display for ProviderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// Comparing with the id's text: for code that matches words against ids (placeholder
// vocabulary in `secrets.rs`) and for tests. Rules compare variants.
impl PartialEq<str> for ProviderId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for ProviderId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// One LLM provider.
#[derive(Debug)]
pub struct Provider {
    pub id: ProviderId,
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

/// Which AutoGen API family a constructor belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Generation {
    /// AutoGen 0.2 / `pyautogen` / AG2 (`llm_config`, `config_list`, `LLMConfig`).
    V02,
    /// AutoGen 0.4+ (`autogen_agentchat`, `autogen_ext` model clients).
    V04,
    /// AG2 1.x provider configs from `ag2.config`.
    Ag2Config,
    /// A provider's own SDK client (`openai.OpenAI`, `anthropic.Anthropic`…), which AutoGen
    /// users build beside their agents and AutoGen 0.4's clients wrap. It takes no `model`
    /// and no AutoGen keyword: only the rules about its key and endpoint apply.
    Sdk,
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
    pub provider: Option<ProviderId>,
    /// The variable the client reads when no key is given, where that is not its provider's
    /// `fallback_var` (AG2's `GeminiConfig` builds a google-genai client, which reads its own
    /// variables: see [`EQUIVALENT_KEY_VARS`]).
    pub key_var: Option<&'static str>,
    /// Keyword that carries the endpoint.
    pub endpoint_kwarg: &'static str,
    /// Keyword that carries the credential (empty: the client takes no key).
    pub key_kwarg: &'static str,
    /// Variables the client reads in place of its key variable: defining one provides the
    /// credential (`AZURE_OPENAI_AD_TOKEN`, `ANTHROPIC_AUTH_TOKEN`).
    pub alt_key_vars: &'static [&'static str],
    /// Keywords that authenticate instead of the key (`auth_token=`, `vertexai=True`).
    pub other_auth_kwargs: &'static [&'static str],
    /// Authenticates with the cloud's own credentials (AWS, Google's application-default
    /// credentials), never with a key variable: a missing key is no mistake.
    pub cloud_credentials: bool,
}

/// `var` and the variables its client reads in its place.
pub fn equivalent_vars(var: &str) -> Vec<&str> {
    EQUIVALENT_KEY_VARS
        .iter()
        .find(|group| group.contains(&var))
        .map_or_else(|| vec![var], |group| group.to_vec())
}

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

pub fn provider(id: ProviderId) -> Option<&'static Provider> {
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
        .find(|p| p.id != ProviderId::OpenAi && p.api_types.iter().any(|t| lower.starts_with(t)))
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
        .min_by_key(|p| if p.id == ProviderId::Azure { 0 } else { 1 })
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

/// An API object's id (`chatcmpl-…`, `call_…`, `msg_…`: [`OBJECT_ID_PREFIXES`]), not a key.
pub fn is_object_id(value: &str) -> bool {
    OBJECT_ID_PREFIXES.iter().any(|p| value.starts_with(p)) && provider_for_key(value).is_none()
}

pub fn is_dummy_key(value: &str) -> bool {
    DUMMY_KEYS
        .iter()
        .any(|d| d.eq_ignore_ascii_case(value.trim()))
}

#[cfg(test)]
mod tests;

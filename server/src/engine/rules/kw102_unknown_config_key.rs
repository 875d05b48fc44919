//! KW102 unknown-config-key: a config key that is a misspelling or legacy form of a real one.
//!
//! AutoGen passes config-entry keys it does not know straight to
//! `client.chat.completions.create()`, so `{"apikey": "..."}` is not an error when the agent is
//! built: the key is simply never used (the client falls back to `OPENAI_API_KEY`, which is
//! often unset → HTTP 401), and the first LLM call fails with
//! `TypeError: create() got an unexpected keyword argument 'apikey'`.
//!
//! Recognised in config entries: `apikey`, `apiKey`, `api-key`, `API_KEY`, `openai_api_key`,
//! `key` → `api_key`; `api_base` (openai < 1.0), `base-url`, `baseurl`, `baseUrl` → `base_url`;
//! `request_timeout` → `timeout`; `engine`, `deployment_name`, `deployment_id` → `model` (Azure
//! deployments are named by `model`); `apiType` → `api_type`; `apiVersion`, `api-version` →
//! `api_version`; `"api_type": "open_ai"` → `"openai"`; `retry_wait_time` and
//! `max_retry_period` (AutoGen < 0.2 retry settings, gone with openai 1.x). At the top of an
//! `llm_config` dict: `config-list` / `configList` → `config_list`, and the legacy
//! `request_timeout`, `api_base`, `retry_wait_time`, `max_retry_period` (AutoGen 0.2 passes
//! them to `create()`, AG2's `LLMConfig` rejects them). Agent keyword `lm_config` /
//! `llmconfig` / `llmConfig` → `llm_config`. Other unknown keys within a small edit distance of
//! exactly one real key are reported too, except in entries for a custom `model_client_cls`
//! (which receives every key).
//!
//! autogen-ext model clients (`OpenAIChatCompletionClient`, `AzureOpenAIChatCompletionClient`,
//! `AnthropicChatCompletionClient`, `OllamaChatCompletionClient`) keep only the keywords they
//! know and drop the rest without a word: `AzureOpenAIChatCompletionClient(endpoint=...)` is
//! never used (the client takes `azure_endpoint`). Such a keyword is reported when a close
//! keyword the client does take exists. `AzureAIChatCompletionClient` passes its keywords on
//! to azure-ai-inference, so its keywords are not checked. Nor are those of the providers' own
//! SDK clients (`openai.OpenAI`, `anthropic.Anthropic`, …): they declare their keywords, and
//! Python raises a TypeError that names the keyword at construction.
//!
//! A key is reported only when no version keywire knows accepts it: the valid keys are read
//! from AutoGen 0.2 (`pyautogen`), AG2 0.x, autogen-ext and the openai, anthropic and ollama
//! SDKs (`server/src/engine/known_keys/` names the versions and files). So `seed` (an
//! OpenAI `create()` parameter and an AG2 `LLMConfig` field), Ollama's `top_k` and
//! `cache_seed` are never reported.
//!
//! The entries of an `OAI_CONFIG_LIST` file (AutoGen's JSON config list) are checked the same
//! way, templates (`OAI_CONFIG_LIST_sample`) included: a typo there is copied into every real
//! list.
//!
//! Bad:
//! ```python
//! {"model": "gpt-4o", "apikey": os.environ["OPENAI_API_KEY"]}
//! ```
//! Good:
//! ```python
//! {"model": "gpt-4o", "api_key": os.environ["OPENAI_API_KEY"]}
//! ```
//!
//! `request_timeout` and `api_base` were right on AutoGen 0.1 (openai < 1.0): in a module that
//! shows nothing of AutoGen 0.2 or later (`cache_seed`, `base_url`, `OpenAIWrapper`, `LLMConfig`, the 0.4 packages, `ag2`), or that uses 0.1's API
//! (`autogen.ChatCompletion`, an `api_base` key), they are reported as hints. When the
//! project's virtualenv, lock file or manifests say which `openai` it has, that decides: with
//! openai < 1 they are right and not reported (KW602 reports code that needs openai 1.x
//! there), with openai >= 1 they are errors whatever the module shows.
//!
//! Fix: rename the key (keeping its quotes). The rename is safe when the old key certainly
//! fails (AutoGen sends it to the OpenAI client's `create()`: a `TypeError`; an AG2 config
//! class rejects it; a misspelt agent keyword). It is unsafe when the old key is merely ignored
//! (a non-OpenAI `api_type`, an autogen-ext client dropping it): renaming changes what the
//! program does. A did-you-mean from edit distance is always unsafe (it is a guess).

use super::helpers::edits;
use super::helpers::keys::{rename_for, ENTRY_RENAMES};
use super::helpers::packages::openai_pre_v1;
use super::PyCtx;
use crate::engine::diagnostic::{Finding, Fix, Severity};
use crate::engine::providers::{self, ClientKeywords, ConstructorKind, Generation, ProviderId};
use crate::engine::python::{ConfigEntry, FieldValue};
use crate::engine::rules::Rule;
use crate::engine::text::Span;

/// openai < 1.0 names, right for AutoGen 0.1 (which ran on that SDK): renaming them changes a
/// working 0.1 program, so the rename is never applied in bulk.
const PRE_V1_NAMES: &[&str] = &["request_timeout", "api_base"];

/// Signs that a module is written for AutoGen 0.2 or later (openai >= 1.0), where the
/// [`PRE_V1_NAMES`] fail. Without one, the module may be AutoGen 0.1 code, where they are right:
/// the finding is a hint.
fn written_for_v02(text: &str) -> bool {
    let v02 = [
        "cache_seed",
        "\"base_url\"",
        "'base_url'",
        "base_url=",
        "OpenAIWrapper",
        "LLMConfig",
        "autogen_agentchat",
        "autogen_ext",
        "import ag2",
        "from ag2",
    ];
    // 0.1's API (`autogen.ChatCompletion`, `oai.Completion`) and `api_base` beside the key:
    // code of that generation, whatever else it mentions.
    let v01 = [
        "autogen.ChatCompletion",
        "openai.ChatCompletion",
        "oai.ChatCompletion",
        "oai.Completion",
        "\"api_base\"",
        "'api_base'",
    ];
    v02.iter().any(|m| text.contains(m)) && !v01.iter().any(|m| text.contains(m))
}

/// How an openai < 1.0 name fares in the checked module's project.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PreV1 {
    /// The project really has openai < 1: the name is right (KW602 reports code that needs
    /// openai 1.x there).
    Right,
    /// Nothing says which openai; the module may be AutoGen 0.1 code.
    Maybe,
    /// It fails (openai >= 1, or code written for AutoGen 0.2 or later).
    Fails,
}

/// The project's manifests, lock or virtualenv decide when they name an `openai`; else the
/// module's text.
fn pre_v1(ctx: &PyCtx, key: &str) -> PreV1 {
    if !PRE_V1_NAMES.contains(&key) {
        return PreV1::Fails;
    }
    match openai_pre_v1(ctx) {
        Some(true) => PreV1::Right,
        Some(false) => PreV1::Fails,
        None if written_for_v02(ctx.text) => PreV1::Fails,
        None => PreV1::Maybe,
    }
}

/// The severity for a finding about `key`: a hint when it may be right.
fn pre_v1_severity(ctx: &PyCtx, key: &str) -> Option<Severity> {
    (pre_v1(ctx, key) == PreV1::Maybe).then_some(Severity::Hint)
}

/// A finding about `key` is dropped: the project really has openai < 1, where it is right.
fn right_for_project(ctx: &PyCtx, key: &str) -> bool {
    pre_v1(ctx, key) == PreV1::Right
}

/// What a hint from [`pre_v1_severity`] adds to its message.
const PRE_V1_NOTE: &str =
    " (right on AutoGen 0.1 with openai<1.0; AutoGen 0.2 and AG2, what `pip install pyautogen` gives today, reject it)";

/// AutoGen < 0.2 retry settings (`autogen.Completion`), removed with openai 1.x; no key does the
/// same, so no rename is offered.
const LEGACY_RETRY_KEYS: &[&str] = &["retry_wait_time", "max_retry_period"];

/// Misspelt top-level `llm_config` keys. Top-level legacy keys are handled apart: AG2's
/// `LLMConfig` takes `timeout` but not `base_url`.
const TOP_LEVEL_RENAMES: &[(&str, &str)] = &[
    ("config-list", "config_list"),
    ("configList", "config_list"),
    ("config_lists", "config_list"),
    ("request_timeout", "timeout"),
];

const AGENT_RENAMES: &[(&str, &str)] = &[
    ("lm_config", "llm_config"),
    ("llmconfig", "llm_config"),
    ("llmConfig", "llm_config"),
    ("llm_configs", "llm_config"),
];

/// Keywords of autogen-ext clients that are another client's or an SDK's name for one the client
/// takes.
const CLIENT_RENAMES: &[(&str, &str, &str)] = &[
    (
        "AzureOpenAIChatCompletionClient",
        "endpoint",
        "azure_endpoint",
    ),
    (
        "AzureOpenAIChatCompletionClient",
        "api_base",
        "azure_endpoint",
    ),
    (
        "AzureOpenAIChatCompletionClient",
        "deployment",
        "azure_deployment",
    ),
    (
        "AzureOpenAIChatCompletionClient",
        "deployment_name",
        "azure_deployment",
    ),
    ("OpenAIChatCompletionClient", "api_base", "base_url"),
    ("AnthropicChatCompletionClient", "api_base", "base_url"),
];

fn rename_fix(ctx: &PyCtx, span: Span, from: &str, to: &str, safe: bool) -> Fix {
    Fix {
        title: format!("Rename `{from}` to `{to}`"),
        edits: vec![edits::replace_string_value(ctx, span, to)],
        safe,
        sensitive: false,
    }
}

/// Whether AutoGen sends an unknown key of this 0.2 / AG2 entry to the OpenAI SDK's `create()`,
/// which raises `TypeError` for it: the entry selects the OpenAI or Azure client (no `api_type`
/// means OpenAI) and no custom `model_client_cls`. Other clients ignore unknown keys. AutoGen
/// 0.2 merges an `llm_config`'s top-level keys into its entries, so one there decides nothing.
fn unknown_key_fails(ctx: &PyCtx, entry: &ConfigEntry) -> bool {
    if entry.field("model_client_cls").is_some() {
        return false;
    }
    let inherited = ctx.facts.llm_configs.iter().any(|c| {
        c.span.start < entry.span.start
            && entry.span.end <= c.span.end
            && c.keys
                .iter()
                .any(|(k, _)| k == "api_type" || k == "model_client_cls")
    });
    if inherited {
        return false;
    }
    match entry.field("api_type").map(|f| &f.value) {
        None => true,
        Some(FieldValue::Str(lit)) => {
            matches!(
                providers::provider_for_api_type(&lit.value).id,
                ProviderId::OpenAi | ProviderId::Azure
            )
        }
        Some(_) => false,
    }
}

pub(super) fn check(ctx: &PyCtx, out: &mut Vec<Finding>) {
    // Spans already reported, so a key of an `llm_config` that is also its entry is reported once.
    let mut reported: Vec<Span> = Vec::new();
    for entry in &ctx.facts.entries {
        // A provider SDK's client (`OpenAI(...)`) takes declared keywords only: Python raises
        // a clear TypeError at construction, at the line itself.
        if entry.generation == Generation::Sdk {
            continue;
        }
        let client = entry
            .constructor
            .filter(|c| c.kind == ConstructorKind::Client);
        if let Some(keywords) = client.and_then(providers::client_keywords) {
            check_client_keywords(ctx, entry, keywords, out);
            continue;
        }
        // Kwargs of AG2's config classes (dataclasses) are checked by Python itself (TypeError at
        // construction), so a rename there is safe; only dict entries need did-you-mean on
        // arbitrary keys.
        let fails = client.is_some() || unknown_key_fails(ctx, entry);
        let custom_client = entry.field("model_client_cls").is_some();
        for field in &entry.fields {
            if LEGACY_RETRY_KEYS.contains(&field.key.as_str())
                && !providers::is_known_v02_key(&field.key)
            {
                reported.push(field.key_span);
                out.push(legacy_retry(ctx, field.key_span, &field.key));
                continue;
            }
            let listed = rename_for(&field.key, ENTRY_RENAMES);
            let to = listed.or_else(|| {
                (client.is_none()
                    && entry.generation == Generation::V02
                    && !custom_client
                    && !providers::is_known_v02_key(&field.key))
                .then(|| near_known_key(&field.key, providers::v02_keys()))
                .flatten()
            });
            if let Some(to) = to {
                // `engine`/`deployment_name` only mean `model` for Azure-style entries.
                if matches!(
                    field.key.as_str(),
                    "engine" | "deployment_name" | "deployment_id"
                ) && entry.field("model").is_some()
                {
                    continue;
                }
                if right_for_project(ctx, &field.key) {
                    continue;
                }
                let mut finding = Finding::new(
                    Rule::KW102,
                    ctx.path,
                    field.key_span,
                    format!(
                        "unknown config key `{}`: did you mean `{to}`? AutoGen passes unknown keys to the API call, which fails at the first request",
                        field.key
                    ),
                );
                if let Some(severity) = pre_v1_severity(ctx, &field.key) {
                    finding.message.push_str(PRE_V1_NOTE);
                    finding = finding.severity(severity);
                }
                if entry.field(to).is_none() {
                    // Safe only when the old key certainly fails and the new name is not a guess.
                    let safe =
                        listed.is_some() && fails && !PRE_V1_NAMES.contains(&field.key.as_str());
                    finding = finding.fix(rename_fix(ctx, field.key_span, &field.key, to, safe));
                }
                reported.push(field.key_span);
                out.push(finding);
            }
            if field.key == "api_type" {
                if let FieldValue::Str(lit) = &field.value {
                    if lit.value == "open_ai" {
                        out.push(
                            Finding::new(
                                Rule::KW102,
                                ctx.path,
                                lit.span,
                                "`\"api_type\": \"open_ai\"` is the legacy openai<1.0 spelling: AutoGen 0.2 treats it as \"openai\", but AG2's LLMConfig rejects it",
                            )
                            // Works on AutoGen 0.1/0.2 (only an `azure` prefix is checked):
                            // a hint until the project's AutoGen version is known.
                            .severity(Severity::Hint)
                            .fix(Fix {
                                title: "Change to \"openai\"".into(),
                                edits: vec![edits::replace_string_value(ctx, lit.span, "openai")],
                                // AutoGen 0.2 routes the unknown "open_ai" to the OpenAI client
                                // just as "openai" (no change); AG2 rejects it (a fix).
                                safe: true,
                                sensitive: false,
                            }),
                        );
                    }
                }
            }
        }
    }
    for config in &ctx.facts.llm_configs {
        for (key, span) in &config.keys {
            if reported.contains(span) || providers::is_known_v02_key(key) {
                continue;
            }
            if LEGACY_RETRY_KEYS.contains(&key.as_str()) {
                out.push(legacy_retry(ctx, *span, key));
            } else if key == "api_base" && right_for_project(ctx, key) {
                continue;
            } else if key == "api_base" {
                // 0.2 takes a top-level `base_url`, AG2's `LLMConfig` does not: no single rename.
                let mut finding = Finding::new(
                    Rule::KW102,
                    ctx.path,
                    *span,
                    "`api_base` is the openai<1.0 name and not an llm_config key: AutoGen 0.2 passes it to the API call (TypeError) and AG2's LLMConfig rejects it; set `base_url` in each config_list entry",
                );
                if let Some(severity) = pre_v1_severity(ctx, key) {
                    finding.message.push_str(PRE_V1_NOTE);
                    finding = finding.severity(severity);
                }
                out.push(finding);
            } else {
                let listed = rename_for(key, TOP_LEVEL_RENAMES);
                let Some(to) = listed.or_else(|| near_known_key(key, providers::v02_keys())) else {
                    continue;
                };
                if config.keys.iter().any(|(k, _)| k == to) || right_for_project(ctx, key) {
                    continue;
                }
                let hint = pre_v1_severity(ctx, key);
                let note = if hint.is_some() { PRE_V1_NOTE } else { "" };
                out.push(
                    Finding::new(
                        Rule::KW102,
                        ctx.path,
                        *span,
                        format!("`{key}` is not an llm_config key: did you mean `{to}`?{note}"),
                    )
                    .severity(hint.unwrap_or(Severity::Error))
                    // AutoGen 0.2 passes the unknown key to `create()` (TypeError) and AG2's
                    // LLMConfig rejects it: the old key certainly fails. A near key is a guess.
                    .fix(rename_fix(
                        ctx,
                        *span,
                        key,
                        to,
                        listed.is_some() && !PRE_V1_NAMES.contains(&key.as_str()),
                    )),
                );
            }
        }
    }
    for agent in &ctx.facts.agents {
        if agent.constructor.generation != Generation::V02 {
            continue;
        }
        for kwarg in &agent.kwargs {
            if let Some(to) = rename_for(&kwarg.name, AGENT_RENAMES) {
                out.push(
                    Finding::new(
                        Rule::KW102,
                        ctx.path,
                        kwarg.name_span,
                        format!(
                            "{} has no parameter `{}`: did you mean `{to}`? Without it the agent has no model configuration",
                            agent.constructor.name, kwarg.name
                        ),
                    )
                    // The agent constructors take no such keyword: TypeError when it is built.
                    .fix(rename_fix(ctx, kwarg.name_span, &kwarg.name, to, true)),
                );
            }
        }
    }
}

fn legacy_retry(ctx: &PyCtx, span: Span, key: &str) -> Finding {
    Finding::new(
        Rule::KW102,
        ctx.path,
        span,
        format!(
            "`{key}` is an AutoGen < 0.2 retry setting: AutoGen 0.2 passes it to the API call (TypeError) and AG2 rejects it; the openai client retries by itself (`max_retries`)"
        ),
    )
}

/// An autogen-ext client keyword the client drops, when a close keyword it takes exists.
fn check_client_keywords(
    ctx: &PyCtx,
    entry: &ConfigEntry,
    keywords: ClientKeywords,
    out: &mut Vec<Finding>,
) {
    let ClientKeywords::Filtered { .. } = keywords else {
        return;
    };
    let Some(ctor) = entry.constructor else {
        return;
    };
    for field in &entry.fields {
        if keywords.accepts(&field.key) {
            continue;
        }
        let to = CLIENT_RENAMES
            .iter()
            .find(|(c, from, _)| *c == ctor.name && *from == field.key)
            .map(|(_, _, to)| *to)
            .or_else(|| rename_for(&field.key, ENTRY_RENAMES))
            .filter(|to| keywords.accepts(to))
            .or_else(|| near_known_key(&field.key, keywords.keys()));
        let Some(to) = to else {
            continue;
        };
        if entry.field(to).is_some() {
            continue;
        }
        // `endpoint=os.getenv("AZURE_OPENAI_ENDPOINT")`: the SDK reads that variable for
        // `azure_endpoint` anyway, so dropping the keyword changes nothing.
        let reads_sdk_default = match &field.value {
            FieldValue::Env(i) => ctx.facts.env_reads.get(*i).is_some_and(|read| {
                let azure = ctor.name.contains("Azure");
                providers::SDK_ENV_DEFAULTS
                    .iter()
                    .any(|(a, kw, var)| *a == azure && *kw == to && *var == read.name)
            }),
            _ => false,
        };
        if reads_sdk_default {
            continue;
        }
        out.push(
            Finding::new(
                Rule::KW102,
                ctx.path,
                field.key_span,
                format!(
                    "{} drops the unknown keyword `{}` without an error: did you mean `{to}`?",
                    ctor.name, field.key
                ),
            )
            // The program runs without the dropped keyword (the client may read its
            // environment instead): renaming changes what it does.
            .fix(rename_fix(ctx, field.key_span, &field.key, to, false)),
        );
    }
}

/// The one real key close to an unknown one: long keys only, and never two keys that differ
/// only in a one-letter part (`top_k` / `top_p` are both real).
fn near_known_key(key: &str, known: impl Iterator<Item = &'static str>) -> Option<&'static str> {
    if key.len() < 5 {
        return None;
    }
    let lower = key.to_ascii_lowercase().replace('-', "_");
    let mut best: Option<(&'static str, usize)> = None;
    let mut tie = false;
    for k in known {
        if k.len() < 5 || k == key || one_letter_part_differs(&lower, k) {
            continue;
        }
        let d = strsim::damerau_levenshtein(&lower, k);
        // Short keys tolerate one edit, longer ones two.
        if d > if k.len() < 8 { 1 } else { 2 } {
            continue;
        }
        match best {
            Some((b, bd)) if bd == d && b != k => tie = true,
            Some((_, bd)) if bd <= d => {}
            _ => {
                best = Some((k, d));
                tie = false;
            }
        }
    }
    best.filter(|_| !tie).map(|(k, _)| k)
}

/// `top_k` vs `top_p`: same parts but one, and that one is a single letter in both.
fn one_letter_part_differs(a: &str, b: &str) -> bool {
    let (pa, pb): (Vec<&str>, Vec<&str>) = (a.split('_').collect(), b.split('_').collect());
    if pa.len() != pb.len() {
        return false;
    }
    let differing: Vec<(&&str, &&str)> = pa.iter().zip(&pb).filter(|(x, y)| x != y).collect();
    differing.len() == 1 && differing[0].0.len() == 1 && differing[0].1.len() == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renamed_keys_are_never_valid() {
        for (from, to) in ENTRY_RENAMES.iter().chain(TOP_LEVEL_RENAMES) {
            assert!(!providers::is_known_v02_key(from), "{from}");
            assert!(providers::is_known_v02_key(to), "{to}");
        }
        for key in LEGACY_RETRY_KEYS.iter().chain(&["api_base"]) {
            assert!(!providers::is_known_v02_key(key), "{key}");
        }
        for (ctor, from, to) in CLIENT_RENAMES {
            let c = providers::CONSTRUCTORS
                .iter()
                .find(|c| c.name == *ctor)
                .unwrap();
            let kw = providers::client_keywords(c).unwrap();
            assert!(!kw.accepts(from) && kw.accepts(to), "{ctor} {from} {to}");
        }
    }

    #[test]
    fn near_keys_need_one_clear_candidate() {
        let near = |k| near_known_key(k, providers::v02_keys());
        assert_eq!(near("temprature"), Some("temperature"));
        assert_eq!(near("max_token"), Some("max_tokens"));
        assert_eq!(near("top_k"), None);
        assert_eq!(near("seed"), None);
        assert!(one_letter_part_differs("top_k", "top_p"));
        assert!(!one_letter_part_differs("max_token", "max_tokens"));
    }
}

//! KW102 unknown-config-key: a config key that is a misspelling or legacy form of a real one.
//!
//! AutoGen passes config-entry keys it does not know straight to
//! `client.chat.completions.create()`, so `{"apikey": "..."}` is not an error when the agent is
//! built: the key is simply never used (the client falls back to `OPENAI_API_KEY`, which is
//! often unset → HTTP 401), and the first LLM call fails with
//! `TypeError: create() got an unexpected keyword argument 'apikey'`.
//!
//! Recognised: `apikey`, `apiKey`, `api-key`, `API_KEY`, `openai_api_key`, `key` → `api_key`;
//! `api_base` (openai < 1.0), `base-url`, `baseurl`, `baseUrl` → `base_url`; `request_timeout`
//! → `timeout`; `engine`, `deployment_name`, `deployment_id` → `model` (Azure deployments are
//! named by `model`); `apiType` → `api_type`; `apiVersion`, `api-version` → `api_version`;
//! `"api_type": "open_ai"` → `"openai"`; at the top of an `llm_config`: `seed` → `cache_seed`,
//! `config-list` / `configList` → `config_list`; agent keyword `lm_config` / `llmconfig` /
//! `llmConfig` → `llm_config`. Other unknown keys within a small edit distance of a real one are
//! reported too.
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
//! Fix: rename the key (keeping its quotes).

use super::edits;
use super::PyCtx;
use crate::engine::diagnostic::{Finding, Fix};
use crate::engine::providers::{self, ConstructorKind, Generation};
use crate::engine::python::{ConfigEntry, Field, FieldValue};
use crate::engine::rules::Rule;
use crate::engine::text::Span;

const ENTRY_RENAMES: &[(&str, &str)] = &[
    ("apikey", "api_key"),
    ("apiKey", "api_key"),
    ("api-key", "api_key"),
    ("API_KEY", "api_key"),
    ("Api_Key", "api_key"),
    ("openai_api_key", "api_key"),
    ("key", "api_key"),
    ("api_base", "base_url"),
    ("base-url", "base_url"),
    ("baseurl", "base_url"),
    ("baseUrl", "base_url"),
    ("baseURL", "base_url"),
    ("request_timeout", "timeout"),
    ("engine", "model"),
    ("deployment_name", "model"),
    ("deployment_id", "model"),
    ("apiType", "api_type"),
    ("api-type", "api_type"),
    ("apiVersion", "api_version"),
    ("api-version", "api_version"),
];

const TOP_LEVEL_RENAMES: &[(&str, &str)] = &[
    ("seed", "cache_seed"),
    ("config-list", "config_list"),
    ("configList", "config_list"),
    ("config_lists", "config_list"),
];

const AGENT_RENAMES: &[(&str, &str)] = &[
    ("lm_config", "llm_config"),
    ("llmconfig", "llm_config"),
    ("llmConfig", "llm_config"),
    ("llm_configs", "llm_config"),
];

/// The field of `entry` that is a misspelling of `api_key`, if any.
pub(super) fn misspelled_key_field(entry: &ConfigEntry) -> Option<&Field> {
    entry
        .fields
        .iter()
        .find(|f| rename_for(&f.key, ENTRY_RENAMES) == Some("api_key"))
}

fn rename_for(key: &str, table: &[(&str, &'static str)]) -> Option<&'static str> {
    table
        .iter()
        .find(|(from, _)| *from == key)
        .map(|(_, to)| *to)
}

fn rename_fix(ctx: &PyCtx, span: Span, from: &str, to: &str) -> Fix {
    Fix {
        title: format!("Rename `{from}` to `{to}`"),
        edits: vec![edits::replace_string_value(ctx, span, to)],
        safe: true,
        sensitive: false,
    }
}

pub(super) fn check(ctx: &PyCtx, out: &mut Vec<Finding>) {
    for entry in &ctx.facts.entries {
        let kwargs = entry
            .constructor
            .is_some_and(|c| c.kind == ConstructorKind::Client);
        for field in &entry.fields {
            let to = rename_for(&field.key, ENTRY_RENAMES).or_else(|| {
                // Kwargs of a known client are checked by Python itself (TypeError at
                // construction); only dict entries need did-you-mean on arbitrary keys.
                (!kwargs && entry.generation == Generation::V02)
                    .then(|| near_known_key(&field.key))
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
                let mut finding = Finding::new(
                    Rule::KW102,
                    ctx.path,
                    field.key_span,
                    format!(
                        "unknown config key `{}`: did you mean `{to}`? AutoGen passes unknown keys to the API call, which fails at the first request",
                        field.key
                    ),
                );
                if entry.field(to).is_none() {
                    finding = finding.fix(rename_fix(ctx, field.key_span, &field.key, to));
                }
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
                                "`\"api_type\": \"open_ai\"` is the legacy openai<1.0 spelling; AutoGen expects \"openai\"",
                            )
                            .fix(Fix {
                                title: "Change to \"openai\"".into(),
                                edits: vec![edits::replace_string_value(ctx, lit.span, "openai")],
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
            if let Some(to) = rename_for(key, TOP_LEVEL_RENAMES) {
                if config.keys.iter().any(|(k, _)| k == to) {
                    continue;
                }
                out.push(
                    Finding::new(
                        Rule::KW102,
                        ctx.path,
                        *span,
                        format!("`{key}` is not an llm_config key: did you mean `{to}`?"),
                    )
                    .fix(rename_fix(ctx, *span, key, to)),
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
                    .fix(rename_fix(ctx, kwarg.name_span, &kwarg.name, to)),
                );
            }
        }
    }
}

/// A real key within edit distance 2 of an unknown one (long keys only, to avoid noise).
fn near_known_key(key: &str) -> Option<&'static str> {
    if key.len() < 5 || providers::CONFIG_ENTRY_KEYS.contains(&key) {
        return None;
    }
    let lower = key.to_ascii_lowercase().replace('-', "_");
    providers::CONFIG_ENTRY_KEYS
        .iter()
        .filter(|k| k.len() >= 5)
        .map(|k| (k, strsim::damerau_levenshtein(&lower, k)))
        .filter(|(_, d)| *d <= 2)
        .min_by_key(|(_, d)| *d)
        .map(|(k, _)| *k)
}

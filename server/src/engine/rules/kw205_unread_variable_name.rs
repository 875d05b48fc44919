//! KW205 unread-variable-name: a `.env` sets a variable under a name no client reads, while a
//! client relies on the environment for the real one.
//!
//! The SDKs read fixed names: openai 1.x reads `OPENAI_API_KEY` and `OPENAI_BASE_URL`
//! (`OPENAI_API_BASE` was openai < 1's), its Azure client `AZURE_OPENAI_ENDPOINT` (not
//! `AZURE_OPENAI_API_BASE`), anthropic `ANTHROPIC_API_KEY`. `OPENAI_KEY=sk-…` in `.env` next to a
//! client built without `api_key` leaves the key unread, and the call fails with 401 (or goes
//! to api.openai.com instead of the configured endpoint). The table of names is data in
//! `providers/data.rs` (`UNREAD_VAR_NAMES`).
//!
//! Reported only when no module reads the name itself, no package that reads such names is
//! imported (LangChain, LiteLLM, CrewAI, LlamaIndex, DSPy), the real name is defined nowhere,
//! and some client of the project relies on the real name: an entry without `api_key` whose
//! client falls back to it, or an OpenAI-style entry without an endpoint for the URL names
//! (outside test code, unless `tests = "all"`: tests mock their clients).
//!
//! Bad (`.env`, with `OpenAIChatCompletionClient(model="gpt-4o")` in the code):
//! ```text
//! OPENAI_KEY=sk-proj-…
//! ```
//! Good:
//! ```text
//! OPENAI_API_KEY=sk-proj-…
//! ```
//!
//! Fix (unsafe): rename the key.

use super::EnvCtx;
use crate::engine::diagnostic::{Edit, Finding, Fix};
use crate::engine::providers::{self, ConstructorKind, ProviderId, UNREAD_VAR_NAMES};
use crate::engine::python::{ConfigEntry, FieldValue};
use crate::engine::rules::Rule;

pub(super) fn check(ctx: &EnvCtx, out: &mut Vec<Finding>) {
    if ctx.file.template {
        return;
    }
    for entry in &ctx.parsed().entries {
        let Some(&(wrong, real, sdk)) = UNREAD_VAR_NAMES.iter().find(|(w, _, _)| *w == entry.key)
        else {
            continue;
        };
        if !unread_and_needed(ctx, wrong, real) {
            continue;
        }
        out.push(
            Finding::new(
                Rule::KW205,
                ctx.path,
                entry.key_span,
                format!("no client reads {wrong}: {sdk} reads {real}, which is defined nowhere, and a client here relies on it"),
            )
            .fix(Fix {
                title: format!("Rename to `{real}`"),
                edits: vec![Edit {
                    path: ctx.path.to_path_buf(),
                    span: entry.key_span,
                    new_text: real.to_string(),
                    create: false,
                }],
                safe: false,
                sensitive: false,
            }),
        );
    }
}

fn unread_and_needed(ctx: &EnvCtx, wrong: &str, real: &str) -> bool {
    let ws = ctx.ws;
    let real_defined = ws.env_files().any(|(_, f)| f.parsed.get(real).is_some())
        || ws.config.assume_defined.iter().any(|a| a == real);
    if real_defined {
        return false;
    }
    let mut needed = false;
    let reads_configs_of = ws.reads_configs_of();
    for (p, m) in ws.python_modules() {
        let facts = &m.facts;
        if facts
            .env_reads
            .iter()
            .any(|r| r.name == wrong || r.name == real)
            || facts.env_writes.iter().any(|w| w.name == real)
            || facts.imports.iter().any(|i| {
                let top = i.module.split('.').next().unwrap_or_default();
                providers::LEGACY_NAME_READERS.contains(&top)
            })
        {
            return false;
        }
        // Test code's mock clients are not what the program runs.
        needed |= reads_configs_of(p) && facts.entries.iter().any(|e| relies_on(e, real));
    }
    needed
}

/// The entry's client reads `real` from the environment: no field gives it instead.
fn relies_on(e: &ConfigEntry, real: &str) -> bool {
    if e.has_splat {
        return false;
    }
    let constructor = e.constructor.filter(|c| c.kind == ConstructorKind::Client);
    let api_type = e.field("api_type").map(|f| match &f.value {
        FieldValue::Str(s) => Some(s.value.as_str()),
        _ => None,
    });
    let client = match (constructor.and_then(|c| c.provider), api_type) {
        (Some(id), _) => providers::provider(id),
        (None, Some(Some(t))) => Some(providers::provider_for_api_type(t)),
        // A computed api_type: the client is unknown.
        (None, Some(None)) => None,
        (None, None) => providers::provider(ProviderId::OpenAi),
    };
    let Some(client) = client else {
        return false;
    };
    let key_var = constructor.and_then(|c| c.key_var).or(client.fallback_var);
    match real {
        "OPENAI_BASE_URL" => {
            client.id == ProviderId::OpenAi
                && !["base_url", "api_base"]
                    .iter()
                    .any(|k| e.field(k).is_some())
        }
        "AZURE_OPENAI_ENDPOINT" => {
            client.id == ProviderId::Azure
                && !["azure_endpoint", "base_url", "api_base"]
                    .iter()
                    .any(|k| e.field(k).is_some())
        }
        _ => key_var == Some(real) && e.field("api_key").is_none(),
    }
}

//! KW101 missing-api-key: a config entry or model client has no API key, and the variable its
//! client falls back to is not defined.
//!
//! When `api_key` is absent, AutoGen (and the OpenAI, Anthropic, … SDKs underneath) read a
//! provider-specific environment variable instead: `OPENAI_API_KEY` for OpenAI entries,
//! `AZURE_OPENAI_API_KEY` for `api_type: "azure"`, `ANTHROPIC_API_KEY`, `GOOGLE_GEMINI_API_KEY`
//! (`GEMINI_API_KEY` for AutoGen 0.4 `gemini-*` models), `MISTRAL_API_KEY`, `GROQ_API_KEY`,
//! `TOGETHER_API_KEY`, `COHERE_API_KEY`, `CEREBRAS_API_KEY`. If that variable is set nowhere
//! keywire can see — no loaded `.env`, no `os.environ[...] = ...`, not in `assume-defined` —
//! the first LLM call fails with "invalid API key" / HTTP 401.
//!
//! Not reported for local endpoints (localhost, 127.0.0.0/8, `*.local`, Ollama), for entries
//! that authenticate another way (`azure_ad_token`, `azure_ad_token_provider`, `credential`,
//! AWS credentials), or when KW102 found a misspelled `api_key` in the same entry.
//!
//! Bad:
//! ```python
//! config_list = [{"model": "gpt-4o"}]          # and OPENAI_API_KEY is set nowhere
//! ```
//! Good:
//! ```python
//! config_list = [{"model": "gpt-4o", "api_key": os.environ["OPENAI_API_KEY"]}]
//! ```
//! If the variable is only set in your shell or deployment, list it under `assume-defined` in
//! `[tool.keywire]`.
//!
//! Fix: insert `"api_key": os.environ["<VAR>"]` (`api_key=os.environ["<VAR>"]` for
//! constructors), adding `import os` when missing.

use super::edits;
use super::entry::{env_expr, EntryInfo};
use super::kw102_unknown_config_key::misspelled_key_field;
use super::PyCtx;
use crate::engine::diagnostic::{Finding, Fix};
use crate::engine::rules::Rule;

pub(super) fn check(ctx: &PyCtx, out: &mut Vec<Finding>) {
    for entry in &ctx.facts.entries {
        let info = EntryInfo::new(ctx, entry);
        if info.key.is_some() || info.local || info.other_auth || entry.has_splat {
            continue;
        }
        if misspelled_key_field(entry).is_some() {
            continue;
        }
        let what = match entry.constructor {
            Some(c) => format!("{} has no `{}`", c.name, c.key_kwarg),
            None => "config entry has no \"api_key\"".to_string(),
        };
        let Some(var) = info.fallback_var else {
            if entry
                .constructor
                .is_some_and(|c| c.key_kwarg == "credential")
            {
                out.push(Finding::new(
                    Rule::KW101,
                    ctx.path,
                    entry.anchor,
                    format!("{what}: {} needs a credential, e.g. `credential=AzureKeyCredential(os.environ[\"AZURE_AI_API_KEY\"])`", info.client.display),
                ));
            }
            continue;
        };
        let lookup = ctx.scope().lookup(var);
        if lookup.is_defined() {
            continue;
        }
        let mut message = format!(
            "{what} and {var} is not defined, so the {} client has no key",
            info.client.display
        );
        let mut finding_related = Vec::new();
        if let Some(def) = lookup.unloaded.first() {
            message.push_str(&format!(
                "; {var} is set in {}, but nothing on this module's import chain loads it",
                ctx.ws.display_path(def.env)
            ));
            finding_related.push((
                def.env.to_path_buf(),
                def.entry.key_span,
                format!("{var} is defined here"),
            ));
        } else if let Some(def) = lookup.templates.first() {
            message.push_str(&format!(
                "; it is only listed in {}",
                ctx.ws.display_path(def.env)
            ));
        }
        let mut edits = vec![edits::add_field(
            ctx,
            entry,
            entry_key_name(&info),
            &env_expr(var),
        )];
        edits.extend(edits::import_os(ctx));
        let mut finding = Finding::new(Rule::KW101, ctx.path, entry.anchor, message).fix(Fix {
            title: format!(
                "Add `{}`",
                entry.field_text(entry_key_name(&info), &env_expr(var))
            ),
            edits,
            safe: true,
            sensitive: false,
        });
        for (path, span, msg) in finding_related {
            finding = finding.related(path, span, msg);
        }
        out.push(finding);
    }
}

fn entry_key_name(info: &EntryInfo) -> &'static str {
    info.entry.constructor.map_or("api_key", |c| {
        if c.key_kwarg.is_empty() {
            "api_key"
        } else {
            c.key_kwarg
        }
    })
}

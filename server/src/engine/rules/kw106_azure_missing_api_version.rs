//! KW106 azure-missing-api-version: an Azure OpenAI entry or client has no `api_version`.
//!
//! Azure OpenAI requires an API version on every request. The `AzureOpenAI` client raises
//! "Must provide either the `api_version` argument or the `OPENAI_API_VERSION` environment
//! variable" when neither is set, and AutoGen only builds that client at the first call.
//! Reported when the entry has `"api_type": "azure"` (or is an `AzureOpenAIChatCompletionClient`,
//! or the openai SDK's own `AzureOpenAI` / `AsyncAzureOpenAI`, which raise that error when they
//! are built: openai 3.57.0 `lib/azure.py`) and neither an `api_version` field nor a defined
//! `OPENAI_API_VERSION` variable exists; not with `**kwargs`, which may hold it. In an
//! `OAI_CONFIG_LIST` file, where nothing says which program reads it, `OPENAI_API_VERSION` in
//! any `.env` counts.
//!
//! Bad:
//! ```python
//! {"model": "gpt-4o", "api_type": "azure", "base_url": AZURE_ENDPOINT, "api_key": ...}
//! ```
//! Good:
//! ```python
//! {"model": "gpt-4o", "api_type": "azure", "api_version": "2024-10-21", ...}
//! AzureOpenAI(azure_endpoint=..., api_version="2024-10-21")
//! ```
//!
//! Fix (unsafe): add `"api_version": "2024-10-21"` (a generally available version). The
//! deployment may set `OPENAI_API_VERSION`, which the pinned version would override.

use super::helpers::edits;
use super::helpers::entry::{defined_for_config_list, EntryInfo};
use super::PyCtx;
use crate::engine::diagnostic::{Finding, Fix};
use crate::engine::providers::{AZURE_VERSION_VAR, DEFAULT_AZURE_API_VERSION};
use crate::engine::rules::Rule;

pub(super) fn check(ctx: &PyCtx, out: &mut Vec<Finding>) {
    for entry in &ctx.facts.entries {
        let info = EntryInfo::new(ctx, entry);
        if !info.is_azure() || entry.field("api_version").is_some() || entry.has_splat {
            continue;
        }
        let defined = if ctx.config_list.is_some() {
            defined_for_config_list(ctx, AZURE_VERSION_VAR)
        } else {
            ctx.scope().lookup(AZURE_VERSION_VAR).is_defined()
        };
        if defined {
            continue;
        }
        let value = format!("\"{DEFAULT_AZURE_API_VERSION}\"");
        out.push(
            Finding::new(
                Rule::KW106,
                ctx.path,
                entry.anchor,
                format!("Azure OpenAI needs an API version: add `api_version` or define {AZURE_VERSION_VAR}"),
            )
            .fix(Fix {
                title: format!("Add `{}`", entry.field_text("api_version", &value)),
                edits: vec![edits::add_field(ctx, entry, "api_version", &value)],
                // The environment the program runs in may set OPENAI_API_VERSION: pinning a
                // version would then change the API it talks to.
                safe: false,
                sensitive: false,
            }),
        );
    }
}

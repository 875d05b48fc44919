//! KW108 key-format-mismatch: the key's value has another provider's format than the provider
//! the entry talks to.
//!
//! Provider keys have recognisable public prefixes: OpenAI `sk-`/`sk-proj-`, Anthropic
//! `sk-ant-`, Groq `gsk_`, Google `AIza`, OpenRouter `sk-or-`, xAI `xai-`, Hugging Face `hf_`,
//! Perplexity `pplx-`; Azure OpenAI keys are 32 hexadecimal characters. A key in the wrong
//! format is certain to be rejected with 401. The value is read from the literal, or from the
//! `.env` that defines the variable feeding `api_key` when the variable's name says nothing
//! about its provider (`API_KEY`, `LLM_KEY`); a provider-named variable holding the wrong key is
//! reported on its `.env` line by KW307. The message names both providers and where the value
//! is defined; it never shows the value.
//!
//! Bad (`.env` has `LLM_API_KEY=sk-ant-api03-...`):
//! ```python
//! {"model": "gpt-4o", "api_key": os.environ["LLM_API_KEY"]}
//! ```
//!
//! A key written into an `OAI_CONFIG_LIST` file, or given to a provider SDK's own client
//! (`Groq(api_key=...)`), is checked the same way.
//!
//! No automatic fix: put the right key in the `.env` file.

use super::helpers::entry::{EntryInfo, Resolved};
use super::PyCtx;
use crate::engine::diagnostic::{with_article, Finding};
use crate::engine::providers;
use crate::engine::rules::Rule;
use crate::engine::secrets;

pub(super) fn check(ctx: &PyCtx, out: &mut Vec<Finding>) {
    for entry in &ctx.facts.entries {
        let info = EntryInfo::new(ctx, entry);
        let Some(key) = info.key else { continue };
        if info.local || info.conflict || info.unknown_endpoint {
            continue;
        }
        let resolved = Resolved::of(ctx, key);
        let Some((value, def)) = resolved.value() else {
            continue;
        };
        let Some(key_provider) = providers::provider_for_key(value) else {
            continue;
        };
        if key_provider.id == info.target.id {
            continue;
        }
        // A variable whose name says its provider is checked on its .env line (KW307 when
        // the key is another provider's, KW107 when the entry is), not again here.
        if resolved
            .env_name()
            .and_then(providers::provider_for_var)
            .is_some()
        {
            continue;
        }
        // A bare `sk-` is used by several OpenAI-compatible services; only call it a mismatch
        // when the target's keys have a format of their own.
        let distinctive = providers::public_prefix(value).is_some_and(|p| p != "sk-")
            || key_provider.hex32_keys
            || info.target.reliable_prefix.is_some()
            || info.target.hex32_keys;
        if !distinctive {
            continue;
        }
        let where_ = match (&def, resolved.env_name()) {
            (Some(d), Some(name)) => format!(
                "{name} in {}:{}",
                ctx.ws.display_path(d.env),
                d.entry.line + 1
            ),
            _ => "the key".to_string(),
        };
        let mut finding = Finding::new(
            Rule::KW108,
            ctx.path,
            key.value_span,
            format!(
                "{where_} looks like {}, but this entry talks to {}",
                with_article(&secrets::describe(value)),
                info.target.display
            ),
        );
        if let Some(d) = def {
            finding = finding.related(d.env, d.entry.key_span, "the value is defined here");
        }
        out.push(finding);
    }
}

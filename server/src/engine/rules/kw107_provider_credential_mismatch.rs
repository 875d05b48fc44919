//! KW107 provider-credential-mismatch: the variable feeding the key belongs to another
//! provider than the one the entry talks to.
//!
//! `"api_key": os.environ["OPENAI_API_KEY"]` on an Azure entry, `AZURE_OPENAI_API_KEY` on an
//! api.openai.com entry, `ANTHROPIC_API_KEY` on an OpenAI entry: each sends one provider's key
//! to another, which answers 401 "invalid API key". The provider a variable belongs to comes
//! from its name (`AZURE_*`, `OPENAI_*`, `ANTHROPIC_*`, `GROQ_*`, …); generic names like
//! `API_KEY` or `LLM_API_KEY` are never reported. The providers' own SDK clients count as
//! talking to their provider (`Anthropic(api_key=os.environ["OPENAI_API_KEY"])`), unless their
//! endpoint names another one.
//!
//! Bad:
//! ```python
//! {"model": "gpt-4o", "api_type": "azure", "api_key": os.environ["OPENAI_API_KEY"], ...}
//! ```
//! Good:
//! ```python
//! {"model": "gpt-4o", "api_type": "azure", "api_key": os.environ["AZURE_OPENAI_API_KEY"], ...}
//! ```
//!
//! Fix (unsafe): switch to the target provider's conventional variable, offered when that variable is
//! defined.

use super::helpers::edits;
use super::helpers::entry::{EntryInfo, Resolved};
use super::PyCtx;
use crate::engine::diagnostic::{Finding, Fix};
use crate::engine::providers;
use crate::engine::rules::Rule;

pub(super) fn check(ctx: &PyCtx, out: &mut Vec<Finding>) {
    for entry in &ctx.facts.entries {
        let info = EntryInfo::new(ctx, entry);
        let Some(key) = info.key else { continue };
        if info.local || info.conflict || info.unknown_endpoint {
            continue;
        }
        let Resolved::Env { read, .. } = Resolved::of(ctx, key) else {
            continue;
        };
        let Some(var_provider) = providers::provider_for_var(&read.name) else {
            continue;
        };
        if var_provider.id == info.target.id {
            continue;
        }
        let mut finding = Finding::new(
            Rule::KW107,
            ctx.path,
            read.name_span,
            format!(
                "{} names {}, but this entry talks to {}",
                read.name, var_provider.display, info.target.display
            ),
        );
        if let Some(var) = info
            .target
            .key_vars
            .iter()
            .find(|v| ctx.scope().lookup(v).is_defined())
        {
            finding = finding.fix(Fix {
                title: format!("Use {var}"),
                edits: vec![edits::replace_string_value(ctx, read.name_span, var)],
                // Sends another credential: the variable may hold the right key after all.
                safe: false,
                sensitive: false,
            });
        } else if let Some(var) = info.target.key_vars.first() {
            finding
                .message
                .push_str(&format!(" (its key is conventionally in {var})"));
        }
        out.push(finding);
    }
}

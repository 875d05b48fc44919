//! KW103 placeholder-api-key: the API key is empty or a placeholder copied from documentation.
//!
//! `"api_key": "sk-..."`, `"YOUR_API_KEY"`, `"<your key>"`, `"xxxx"`, `"changeme"` or `""` on a
//! real endpoint is sent as-is and rejected with 401. A `sess-…` value is a ChatGPT web session
//! token, which the API never accepts. Local endpoints (localhost, Ollama, LM Studio) need no
//! key, so conventional dummy values there ("NULL", "EMPTY", "ollama", "lm-studio",
//! "not-needed") are fine.
//!
//! Bad:
//! ```python
//! OpenAIChatCompletionClient(model="gpt-4o", api_key="sk-...")
//! ```
//! Good:
//! ```python
//! OpenAIChatCompletionClient(model="gpt-4o", api_key=os.environ["OPENAI_API_KEY"])
//! ```
//!
//! The same holds for a placeholder or empty value written into the environment for a key
//! variable (`os.environ["OPENAI_API_KEY"] = ""`): the variable then counts as set, and every
//! client that falls back to it sends that value.
//!
//! No automatic fix: read the key from the environment, and keep the real key in `.env`.

use super::helpers::entry::EntryInfo;
use super::PyCtx;
use crate::engine::diagnostic::Finding;
use crate::engine::providers;
use crate::engine::python::FieldValue;
use crate::engine::rules::Rule;
use crate::engine::secrets::{self, Placeholder};

pub(super) fn check(ctx: &PyCtx, out: &mut Vec<Finding>) {
    for entry in &ctx.facts.entries {
        let info = EntryInfo::new(ctx, entry);
        let Some(key) = info.key else { continue };
        let FieldValue::Str(lit) = &key.value else {
            continue;
        };
        if info.local {
            continue;
        }
        let Some(kind) = secrets::placeholder_for(&key.key, &lit.value) else {
            continue;
        };
        if providers::is_dummy_key(&lit.value) && kind != Placeholder::Empty {
            continue;
        }
        // `{"api_key": "", "base_url": ""}`: a blank form the program fills in at run time.
        let blank_endpoint = info
            .endpoint
            .is_some_and(|f| matches!(&f.value, FieldValue::Str(s) if s.value.trim().is_empty()));
        if kind == Placeholder::Empty && blank_endpoint {
            continue;
        }
        let message = match kind {
            Placeholder::SessionToken => format!(
                "`{}` holds a `sess-` value: this is a ChatGPT session token, not an API key; create a key for {}",
                key.key, info.target.display
            ),
            _ => format!(
                "`{}` holds {}, which {} rejects with 401; read the real key from the environment",
                key.key,
                kind.describe(),
                info.target.display
            ),
        };
        out.push(Finding::new(Rule::KW103, ctx.path, lit.span, message));
    }
    for write in &ctx.facts.env_writes {
        let Some(lit) = &write.value else { continue };
        if !secrets::is_credential_name(&write.name) || providers::is_dummy_key(&lit.value) {
            continue;
        }
        let Some(kind) = secrets::placeholder_for(&write.name, &lit.value) else {
            continue;
        };
        out.push(Finding::new(
            Rule::KW103,
            ctx.path,
            lit.span,
            format!(
                "{} is set to {}: every client that reads it sends that and gets 401; set the real key in `.env` or your shell instead",
                write.name,
                kind.describe()
            ),
        ));
    }
}

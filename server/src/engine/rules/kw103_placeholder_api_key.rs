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
//! No automatic fix: read the key from the environment, and keep the real key in `.env`.

use super::entry::EntryInfo;
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
        let Some(kind) = secrets::placeholder_kind(&lit.value) else {
            continue;
        };
        if providers::is_dummy_key(&lit.value) && kind != Placeholder::Empty {
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
}

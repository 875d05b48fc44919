//! KW204 getenv-may-be-none: `os.getenv("X")` or `os.environ.get("X")` without a default feeds
//! an API key.
//!
//! When the variable is missing these return `None`, and `api_key=None` makes the client fall
//! back to another variable or fail much later with a confusing "invalid API key" / "api_key
//! client option must be set". `os.environ["X"]` fails immediately with `KeyError: 'X'`, which
//! names the missing variable.
//!
//! Bad:
//! ```python
//! {"model": "gpt-4o", "api_key": os.getenv("OPENAI_API_KEY")}
//! ```
//! Good:
//! ```python
//! {"model": "gpt-4o", "api_key": os.environ["OPENAI_API_KEY"]}
//! ```
//!
//! Not reported when the variable is the one the client falls back to anyway
//! (`api_key=os.getenv("OPENAI_API_KEY")` for OpenAI: on `None` the SDK reads the same variable
//! and raises its own clear error; google-genai's own `Client` reads `GOOGLE_API_KEY` and
//! `GEMINI_API_KEY` alike), or where `None` is handled: the value is bound to a name that is checked
//! afterwards (`if not key: raise ...`, `if key is None`, `assert key`, `key or default`), or
//! the variable's presence is checked (`if "X" not in os.environ`, `if not os.getenv("X")`).
//!
//! Fix (unsafe: code that handled `None` would raise `KeyError` instead): replace the read with
//! `os.environ["X"]` (adding `import os` when missing).

use super::helpers::edits;
use super::helpers::entry::{env_expr, EntryInfo};
use super::helpers::guards;
use super::PyCtx;
use crate::engine::diagnostic::{Finding, Fix};
use crate::engine::providers::{self, Generation};
use crate::engine::python::{EnvReadKind, FieldValue};
use crate::engine::rules::Rule;

pub(super) fn check(ctx: &PyCtx, out: &mut Vec<Finding>) {
    let mut seen = Vec::new();
    for entry in &ctx.facts.entries {
        let info = EntryInfo::new(ctx, entry);
        let Some(FieldValue::Env(i)) = info.key.map(|k| &k.value) else {
            continue;
        };
        let Some(read) = ctx.facts.env_reads.get(*i) else {
            continue;
        };
        if read.kind == EnvReadKind::Subscript
            || read.has_default
            || seen.contains(i)
            || guards::none_is_handled(ctx.text, read)
            || info.fallback_var == Some(read.name.as_str())
            // google-genai's own `Client` replaces `None` with either of its variables
            // (autogen-ext's `gemini-*` routing does not: it sends `None` on to the OpenAI SDK).
            || (entry.generation == Generation::Sdk
                && info
                    .fallback_var
                    .is_some_and(|v| providers::equivalent_vars(v).contains(&read.name.as_str())))
        {
            continue;
        }
        seen.push(*i);
        let mut edit_list = vec![edits::replace(ctx.path, read.span, env_expr(&read.name))];
        edit_list.extend(edits::import_os(ctx));
        out.push(
            Finding::new(
                Rule::KW204,
                ctx.path,
                read.span,
                format!(
                    "returns None when {} is unset, and the client then fails with a confusing auth error; `os.environ[\"{}\"]` fails fast with a clear KeyError",
                    read.name, read.name
                ),
            )
            .fix(Fix {
                title: format!("Use `{}`", env_expr(&read.name)),
                edits: edit_list,
                safe: false,
                sensitive: false,
            }),
        );
    }
}

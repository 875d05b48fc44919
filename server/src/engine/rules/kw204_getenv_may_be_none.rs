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
//! and raises its own clear error), or where `None` is handled: the value is bound to a name that is checked
//! afterwards (`if not key: raise ...`, `if key is None`, `assert key`, `key or default`), or
//! the variable's presence is checked (`if "X" not in os.environ`, `if not os.getenv("X")`).
//!
//! Fix (unsafe: code that handled `None` would raise `KeyError` instead): replace the read with
//! `os.environ["X"]` (adding `import os` when missing).

use super::edits;
use super::entry::{env_expr, EntryInfo};
use super::PyCtx;
use crate::engine::diagnostic::{Finding, Fix};
use crate::engine::python::{EnvRead, EnvReadKind, FieldValue};
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
            || none_is_handled(ctx.text, read)
            || info.fallback_var == Some(read.name.as_str())
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

/// Whether the code around `read` deals with a missing variable itself.
fn none_is_handled(text: &str, read: &EnvRead) -> bool {
    let quoted = text
        .get(read.name_span.start..read.name_span.end)
        .unwrap_or("");
    // Presence checked anywhere in the module: `"X" in os.environ`, `if not os.getenv("X")`.
    for probe in [
        format!("{quoted} in os.environ"),
        format!("{quoted} not in os.environ"),
    ] {
        if text.contains(&probe) {
            return true;
        }
    }
    let call = text.get(read.span.start..read.span.end).unwrap_or("");
    if !call.is_empty()
        && (text.contains(&format!("not {call}")) || text.contains(&format!("{call} is None")))
    {
        return true;
    }
    // `name = os.getenv("X")` (or `self.name = ...`, `name: str | None = ...`), then `name`
    // checked further down.
    let line_start = text[..read.span.start].rfind('\n').map_or(0, |i| i + 1);
    let before = text[line_start..read.span.start].trim_end();
    let Some(lhs) = before.strip_suffix('=') else {
        return false;
    };
    let lhs = lhs.split(':').next().unwrap_or(lhs).trim();
    let name = lhs.trim_start_matches("self.");
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return false;
    }
    let after = &text[read.span.end.min(text.len())..];
    guarded(after, lhs)
}

/// `name` is tested for a missing value in `code`.
fn guarded(code: &str, name: &str) -> bool {
    let patterns = [
        format!("if not {name}"),
        format!("if {name} is None"),
        format!("if {name} == None"),
        format!("if {name} is not None"),
        format!("if {name}:"),
        format!("assert {name}"),
        format!("{name} or "),
        format!("{name} is None"),
        format!("if not self.{name}"),
    ];
    patterns.iter().any(|p| {
        code.match_indices(p.as_str()).any(|(i, _)| {
            let end = i + p.len();
            // The whole name, not a longer one (`if not key_path`).
            let next = code[end..].chars().next();
            p.ends_with(':')
                || p.ends_with(' ')
                || !next.is_some_and(|c| c.is_alphanumeric() || c == '_')
        })
    })
}

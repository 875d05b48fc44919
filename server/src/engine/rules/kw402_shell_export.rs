//! KW402 shell-export: `!export X=…` (or `!set X=…`) in a notebook never sets `X` for the
//! notebook.
//!
//! Each `!` line runs in a shell of its own that exits when the line is done: the variable is
//! set in that shell only, and the kernel (every `os.environ["X"]`, every client that reads `X`)
//! never sees it. The notebook then fails with a missing-key error that the line above seems
//! to rule out. IPython's `%env X=…` sets the variable for the kernel.
//!
//! Not reported when the same line goes on to run a command that uses the variable
//! (`!export X=1; python run.py`, `&&`, `|`).
//!
//! Bad:
//! ```python
//! !export OPENAI_API_KEY=$MY_KEY
//! ```
//! Good:
//! ```python
//! %env OPENAI_API_KEY=$MY_KEY
//! ```
//!
//! Fixes: replace the line with `%env X=…` (applied by `--fix` when the value is a plain word;
//! unsafe when it uses shell syntax, which `%env` does not run). When the value is a hard-coded
//! key, `%env` would keep it in the notebook (and print it), so the fix moves it instead: it
//! appends `X=<key>` to the nearest `.env` (creating one at the project root if there is none),
//! removes the line, and adds `load_dotenv()` when nothing loads a `.env` yet. That fix carries
//! the key: front ends never print its edits.

use super::helpers::edits;
use super::PyCtx;
use crate::engine::diagnostic::{Edit, Finding, Fix};
use crate::engine::python::ShellExport;
use crate::engine::rules::Rule;
use crate::engine::secrets;
use crate::engine::text::Span;

pub(super) fn check(ctx: &PyCtx, out: &mut Vec<Finding>) {
    for export in &ctx.facts.shell_exports {
        let raw = export.value.value.trim();
        let value = unquote(raw);
        if raw.contains([';', '&', '|', '\n'])
            || (value == raw && raw.contains(char::is_whitespace))
        {
            continue;
        }
        let key = secrets::looks_like_key(value);
        let what = if key {
            format!(
                " (and the value is a hard-coded key: {})",
                secrets::describe(value)
            )
        } else {
            String::new()
        };
        let mut finding = Finding::new(
            Rule::KW402,
            ctx.path,
            export.span,
            format!(
                "this shell command sets {} in a throw-away shell only: the notebook never sees it{what}; use `%env {}=…`",
                export.name, export.name
            ),
        );
        let fix = if key {
            move_to_env(ctx, export, value)
        } else {
            let plain = value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.+/=:@,%".contains(c));
            Some(Fix {
                title: format!("Use `%env {}=…`", export.name),
                edits: vec![edits::replace(
                    ctx.path,
                    export.span,
                    format!("%env {}={value}", export.name),
                )],
                safe: plain,
                sensitive: false,
            })
        };
        if let Some(fix) = fix {
            finding = finding.fix(fix);
        }
        out.push(finding);
    }
}

/// A value a shell reads from `"…"` or `'…'` without its quotes.
fn unquote(raw: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = raw.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            if !inner.contains(q) {
                return inner;
            }
        }
    }
    raw
}

/// Move the key to `.env`, drop the line, load the `.env` when nothing does.
fn move_to_env(ctx: &PyCtx, export: &ShellExport, value: &str) -> Option<Fix> {
    let ws = ctx.ws;
    let scope = ctx.scope();
    let lookup = scope.lookup(&export.name);
    let known = match lookup.value() {
        Some((v, _)) if v == value => true,
        // Another value is defined already: which one is right is the user's call.
        Some(_) => return None,
        None => false,
    };
    let line_end = ctx.text[export.span.end..]
        .find('\n')
        .map_or(ctx.text.len(), |i| export.span.end + i + 1);
    let line_start = ctx.text[..export.span.start]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let mut list = vec![edits::replace(
        ctx.path,
        Span::new(line_start, line_end),
        "",
    )];
    if scope.env_loads().next().is_none() {
        list.push(edits::add_load_dotenv(ctx));
    }
    if !known {
        let safe_value = value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.+/=:".contains(c));
        let value = if safe_value {
            value.to_string()
        } else {
            format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
        };
        let nearest = edits::nearest_env(ctx);
        list.push(match nearest {
            Some(p) => {
                let text = &ws.env_file(&p)?.text;
                let sep = if text.is_empty() || text.ends_with('\n') {
                    ""
                } else {
                    "\n"
                };
                edits::replace(
                    &p,
                    Span::empty(text.len()),
                    format!("{sep}{}={value}\n", export.name),
                )
            }
            None => Edit {
                path: ws.root.join(".env"),
                span: Span::empty(0),
                new_text: format!("{}={value}\n", export.name),
                create: true,
            },
        });
    }
    Some(Fix {
        title: format!("Move the key to .env as {} and load it", export.name),
        edits: list,
        safe: false,
        sensitive: true,
    })
}

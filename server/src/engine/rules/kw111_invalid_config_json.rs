//! KW111 invalid-config-json: an `OAI_CONFIG_LIST` file that `json.load` rejects, or that is not
//! a list of objects.
//!
//! AutoGen reads a config list with Python's `json` module (`config_list_from_json`), which
//! accepts strict JSON only: a `//` or `#` comment, a trailing comma, single quotes, an
//! unquoted key, an empty or truncated file raise `json.JSONDecodeError` before any agent is
//! built. A file that parses but is not a list of objects (one object instead of a list, a
//! list of model names) fails when AutoGen uses its entries. The message is Python's
//! own, with its line, column and character position (`Expecting property name enclosed in
//! double quotes: line 4 column 5 (char 61)`), and the finding sits where Python stopped.
//!
//! Templates (a name with `sample`, `example` or `template`, like AutoGen's own
//! `OAI_CONFIG_LIST_sample`) may start with `//` comment lines that tell the reader what to
//! do, or be empty: that is fine until the file is copied to a real config list, so only a
//! template's other errors are reported.
//!
//! Bad (`OAI_CONFIG_LIST`):
//! ```text
//! [
//!     {"model": "gpt-4o", "api_key": "sk-...",},
//! ]
//! ```
//! Good:
//! ```text
//! [
//!     {"model": "gpt-4o", "api_key": "sk-..."}
//! ]
//! ```
//!
//! JSON has no comments, so there is no `# keywire: ignore` in a config list: use `ignore` in
//! the configuration.
//!
//! Fix (safe), for a file whose only problem is whole-line `//` comments: remove those lines.
//! `json.load` fails on the file as it is, so no working program can depend on them.

use super::ConfigJsonCtx;
use crate::engine::config_json::ConfigJsonError;
use crate::engine::diagnostic::{Edit, Finding, Fix};
use crate::engine::rules::Rule;
use crate::engine::text::Span;

pub(super) fn check(ctx: &ConfigJsonCtx, out: &mut Vec<Finding>) {
    let Some(error) = &ctx.file.parsed.error else {
        return;
    };
    // A template still to be written (empty) or that starts with instructions in `//` lines:
    // fine until it is copied to a real config list.
    if ctx.file.template && (error.comments_only || ctx.file.text.trim().is_empty()) {
        return;
    }
    let mut finding = Finding::new(Rule::KW111, ctx.path, error.span, message(error));
    if error.comments_only {
        let lines = comment_lines(&ctx.file.text);
        finding = finding.fix(Fix {
            title: "Remove the `//` comment lines".into(),
            edits: lines
                .into_iter()
                .map(|span| Edit {
                    path: ctx.path.to_path_buf(),
                    span,
                    new_text: String::new(),
                    create: false,
                })
                .collect(),
            safe: true,
            sensitive: false,
        });
    }
    out.push(finding);
}

fn message(error: &ConfigJsonError) -> String {
    if error.comments_only {
        format!(
            "JSON has no comments: json.load fails on the `//` lines ({}); remove them",
            error.message
        )
    } else {
        format!("AutoGen cannot read this config list: {}", error.message)
    }
}

/// Every whole line (line break included) whose first non-blank characters are `//`.
fn comment_lines(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with("//") {
            out.push(Span::new(start, start + line.len()));
        }
        start += line.len();
    }
    out
}

//! KW116 llm-config-not-dict: `llm_config` (or a `config_list`) is a one-element tuple, made by
//! a trailing comma.
//!
//! `llm_config = {"config_list": config_list, "seed": 42},` binds a tuple holding the dict, not
//! the dict. AutoGen 0.2 then does not read the config list at all: an agent built with it falls
//! back to its defaults (AutoGen issue 460: the agent silently used another model), and other
//! versions fail with a type error at the first call. A `config_list = [...],` or
//! `config_list = config_list_from_json(...),` is a tuple holding the list, whose one element
//! is no config entry. `llm_config=({...},)` written in the call is the same mistake.
//!
//! Bad:
//! ```python
//! llm_config = {"config_list": config_list, "temperature": 0},
//! assistant = AssistantAgent("assistant", llm_config=llm_config)
//! ```
//! Good:
//! ```python
//! llm_config = {"config_list": config_list, "temperature": 0}
//! ```
//!
//! Fix (safe): remove the trailing comma (and the tuple's parentheses).

use super::helpers::edits;
use super::PyCtx;
use crate::engine::diagnostic::{Finding, Fix};
use crate::engine::rules::Rule;
use crate::engine::text::Span;

pub(super) fn check(ctx: &PyCtx, out: &mut Vec<Finding>) {
    let mut reported: Vec<Span> = Vec::new();
    for t in &ctx.facts.one_tuples {
        // One finding per tuple, however often it is used.
        if reported.contains(&t.span) {
            continue;
        }
        reported.push(t.span);
        let what = match t.keyword {
            "llm_config" => "a dict",
            _ => "a list of entries",
        };
        let written_here = t.use_span == t.span;
        let message = if written_here {
            format!(
                "`{}` is a tuple holding {what} (the trailing comma makes the tuple): AutoGen needs {what} itself",
                t.keyword
            )
        } else {
            format!(
                "`{}` receives a tuple holding {what}: the trailing comma where it is assigned makes the tuple, and AutoGen needs {what} itself",
                t.keyword
            )
        };
        let (start, end) = (t.span.start, t.span.end);
        let text = ctx.text.get(start..end).unwrap_or_default();
        // `({...},)` loses its parentheses too; `{...},` only its comma.
        let edits = if text.starts_with('(') && text.ends_with(')') {
            vec![
                edits::replace(ctx.path, Span::new(start, t.element.start), ""),
                edits::replace(ctx.path, Span::new(t.element.end, end), ""),
            ]
        } else {
            vec![edits::replace(ctx.path, t.comma, "")]
        };
        let mut finding = Finding::new(Rule::KW116, ctx.path, t.use_span, message).fix(Fix {
            title: "Remove the trailing comma".into(),
            edits,
            safe: true,
            sensitive: false,
        });
        if !written_here {
            finding = finding.related(ctx.path, t.comma, "this comma makes the tuple");
        }
        out.push(finding);
    }
}

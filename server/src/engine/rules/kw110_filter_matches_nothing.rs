//! KW110 filter-matches-nothing: the `filter_dict` of a config list selects no entry, so the agent gets an empty config list.
//!
//! `config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})` (AutoGen 0.2,
//! AG2) and AG2's `LLMConfig.from_json(path=..., filter_dict=...)` / `.where(...)` keep only
//! the entries every criterion accepts. When none is left, the call returns `[]` and the agent
//! fails at its first reply (`ValueError`, or a silent fall back to no model).
//!
//! keywire resolves the list as AutoGen does (the variable named by the first argument, from a
//! loaded `.env` or code, holding a path or the JSON itself; else the file
//! `file_location/name` in the module's folder or at the workspace root) and follows
//! `filter_config` exactly: a list, set or tuple of accepted values, `tags` intersect, a lone
//! string tests membership in it. Reported only when the list is fully known (every entry read,
//! no variable that may be set elsewhere) and the filter is a literal, and when no AutoGen
//! version would keep an entry: a missing field with `None` accepted is kept up to 0.2.26 and
//! dropped from 0.2.27, so it counts as a possible match. The message names the filter and the
//! models present.
//!
//! A filter value made by implicit string concatenation (`["gpt-3.5-turbo" "gpt-4-32k"]`, a
//! missing comma) is one value that no model has: it is named as such, even when other values
//! still match (a warning when the list is not known).
//!
//! Bad (`OAI_CONFIG_LIST` holds `gpt-4` and `gpt-3.5-turbo`):
//! ```python
//! config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})
//! ```
//! Good:
//! ```python
//! config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4"]})
//! ```
//!
//! Fix (unsafe, never applied by `--fix`): separate concatenated values with commas.

use super::PyCtx;
use crate::engine::diagnostic::{Edit, Finding, Fix, Severity};
use crate::engine::python::{Arg, Filter, FilterValue};
use crate::engine::resolve::config_filter::{kept, Verdict};
use crate::engine::resolve::config_source::resolve_source;
use crate::engine::rules::Rule;
use crate::engine::secrets;
use crate::engine::text::Span;

pub(super) fn check(ctx: &PyCtx, out: &mut Vec<Finding>) {
    for source in &ctx.facts.config_sources {
        let (Arg::Known(filter), Arg::Known(where_filter)) = (&source.filter, &source.where_filter)
        else {
            continue;
        };
        let filters: Vec<&Filter> = [filter, where_filter].into_iter().flatten().collect();
        if filters.is_empty() {
            continue;
        }
        // Looking the list up reads other files: never a provisional finding.
        ctx.scope();
        let res = resolve_source(ctx.ws, ctx.path, source);
        let entries = res.as_ref().and_then(|r| r.entries.as_ref());
        let joined: Vec<&FilterValue> = filters
            .iter()
            .flat_map(|f| &f.criteria)
            .flat_map(|c| c.values.iter().map(move |v| (&c.key, v)))
            .filter(|(key, v)| {
                v.pieces.len() >= 2
                    && entries.is_none_or(|es| {
                        !es.iter()
                            .any(|e| e.str(key).is_some() && e.str(key) == v.value.as_deref())
                    })
            })
            .map(|(_, v)| v)
            .collect();
        let Some(entries) = entries.filter(|es| !es.is_empty()) else {
            for v in joined {
                out.push(joined_finding(ctx, v, Severity::Warning));
            }
            continue;
        };
        let Some(res) = res.as_ref() else {
            continue;
        };
        if entries.iter().any(|e| kept(&filters, e) != Verdict::Drops) {
            for v in &joined {
                out.push(joined_finding(ctx, v, Severity::Error));
            }
            continue;
        }
        let mut models: Vec<String> = entries
            .iter()
            .map(|e| {
                e.model()
                    .map_or_else(|| "(no model)".to_string(), shown_value)
            })
            .collect();
        models.dedup();
        let shown: Vec<String> = models.iter().take(6).cloned().collect();
        let more = if models.len() > shown.len() {
            format!(" and {} more", models.len() - shown.len())
        } else {
            String::new()
        };
        let filter_text = filters
            .iter()
            .map(|f| describe(f))
            .collect::<Vec<_>>()
            .join(" then ");
        let n = entries.len();
        let mut message = format!(
            "{filter_text} selects no entry of `{}` ({n} entr{}: {}{more}): the agent gets an empty config list",
            res.name.value,
            if n == 1 { "y" } else { "ies" },
            shown.join(", "),
        );
        for v in &joined {
            message.push_str(&format!("; {}", joined_text(ctx, v)));
        }
        let span = filters[0].span;
        let mut finding = Finding::new(Rule::KW110, ctx.path, span, message);
        if let (Some(holder), Some(first)) = (&res.holder, entries.first()) {
            finding = finding.related(holder, first.span, "the config list");
        }
        for v in &joined {
            finding = finding.fix(comma_fix(ctx, v));
        }
        out.push(finding);
    }
}

/// `filter_dict={"model": ["gpt-4o"]}` (values only: they are model names, never keys).
fn describe(f: &Filter) -> String {
    let parts: Vec<String> = f
        .criteria
        .iter()
        .map(|c| {
            let values: Vec<String> = c
                .values
                .iter()
                .map(|v| match &v.value {
                    Some(s) => shown_value(s),
                    None => "None".into(),
                })
                .collect();
            if c.scalar {
                format!("\"{}\": {}", c.key, values.join(", "))
            } else {
                format!("\"{}\": [{}]", c.key, values.join(", "))
            }
        })
        .collect();
    format!("the filter `{{{}}}`", parts.join(", "))
}

/// A model name as written, or described if it looks like a key (never printed).
fn shown_value(value: &str) -> String {
    if secrets::looks_like_key(value) {
        secrets::describe(value)
    } else {
        format!("\"{value}\"")
    }
}

fn joined_text(ctx: &PyCtx, v: &FilterValue) -> String {
    let pieces: Vec<&str> = v
        .pieces
        .iter()
        .filter_map(|p| ctx.text.get(p.start..p.end))
        .collect();
    format!(
        "`{}` is one value, \"{}\", made by implicit string concatenation (a missing comma?)",
        pieces.join(" "),
        v.value.as_deref().unwrap_or("")
    )
}

fn joined_finding(ctx: &PyCtx, v: &FilterValue, severity: Severity) -> Finding {
    let message = format!("{}: it matches no model", joined_text(ctx, v));
    Finding::new(Rule::KW110, ctx.path, v.span, message)
        .severity(severity)
        .fix(comma_fix(ctx, v))
}

fn comma_fix(ctx: &PyCtx, v: &FilterValue) -> Fix {
    let edits = v.pieces[..v.pieces.len() - 1]
        .iter()
        .map(|p| Edit {
            path: ctx.path.to_path_buf(),
            span: Span::empty(p.end),
            new_text: ",".into(),
            create: false,
        })
        .collect();
    Fix {
        title: "Separate the concatenated values with commas".into(),
        edits,
        safe: false,
        sensitive: false,
    }
}

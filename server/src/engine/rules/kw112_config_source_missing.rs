//! KW112 config-source-missing: neither the environment variable nor the file a config list is read from exists, so AutoGen raises `FileNotFoundError` at start-up.
//!
//! `config_list_from_json("OAI_CONFIG_LIST")` (AutoGen 0.2, AG2) and AG2's
//! `LLMConfig.from_json(path=...)` read the environment variable of that name when it is set,
//! else the file `file_location/OAI_CONFIG_LIST` relative to the working directory. keywire
//! looks for the variable in the `.env` files loaded for the module, in code and in
//! `assume-defined`, and for the file in the module's folder and at the workspace root.
//!
//! A variable can also come from the shell or a CI job, which keywire cannot see, so the
//! finding is an error only when nothing suggests the list is provided elsewhere: the project
//! keeps its environment in a `.env` (or template) in the module's folder or above, no `.env`,
//! template or code mentions the variable, no file of that name exists anywhere in the
//! workspace, no template (`OAI_CONFIG_LIST_sample`) sits beside it, and keywire reads every
//! file of that name (`OAI_CONFIG_LIST*`). Otherwise it is a hint. Nothing is reported for a
//! computed name or location, or a path outside the workspace.
//!
//! The message names the paths tried and close file names ("did you mean
//! `OAI_CONFIG_LIST.json`?").
//!
//! Bad (no `OAI_CONFIG_LIST` file, and no variable of that name):
//! ```python
//! config_list = autogen.config_list_from_json("OAI_CONFIG_LIST")
//! ```
//!
//! Fix (unsafe, never applied by `--fix`): create the file beside the module with one entry
//! for the model the filter asks for (`gpt-4o` without a filter) and no key: AutoGen then
//! reads the provider's variable (`OPENAI_API_KEY`), so no key is ever written into it.

use super::helpers::edits;
use super::PyCtx;
use crate::engine::diagnostic::{Edit, Finding, Fix, Severity};
use crate::engine::python::{Arg, ConfigSource, Filter};
use crate::engine::resolve::config_source::{resolve_source, Origin};
use crate::engine::rules::Rule;
use crate::engine::text::Span;

pub(super) fn check(ctx: &PyCtx, out: &mut Vec<Finding>) {
    for source in &ctx.facts.config_sources {
        let Some(res) = resolve_source(ctx.ws, ctx.path, source) else {
            continue;
        };
        let Origin::Missing(m) = &res.origin else {
            continue;
        };
        if m.outside_root || m.tried.is_empty() {
            continue;
        }
        let name = &res.name.value;
        let tried: Vec<String> = m
            .tried
            .iter()
            .map(|p| format!("`{}`", ctx.ws.display_path(p)))
            .collect();
        let mut message = format!(
            "`{name}` is neither an environment variable nor a file ({} not found): AutoGen raises FileNotFoundError here",
            tried.join(", ")
        );
        let sure = ctx.scope().env_in_scope
            && !m.var_mentioned
            && m.elsewhere.is_empty()
            && m.templates.is_empty()
            && m.name_is_read;
        if let Some(near) = m.near.first() {
            message.push_str(&format!("; did you mean `{}`?", ctx.ws.display_path(near)));
        } else if let Some(other) = m.elsewhere.first() {
            message.push_str(&format!(
                "; `{}` exists, read only when the program runs from its folder",
                ctx.ws.display_path(other)
            ));
        } else if let Some(t) = m.templates.first() {
            message.push_str(&format!(
                "; copy the template `{}` and fill it in",
                ctx.ws.display_path(t)
            ));
        } else if m.var_mentioned {
            message.push_str(&format!(
                "; the variable `{name}` is mentioned in a .env file or template, so it may be set at run time"
            ));
        } else if !sure {
            message.push_str(&format!(", unless the shell or CI sets `{name}`"));
        }
        let severity = if sure || !m.near.is_empty() {
            Severity::Error
        } else {
            Severity::Hint
        };
        let mut finding =
            Finding::new(Rule::KW112, ctx.path, res.name.span, message).severity(severity);
        if let Some(near) = m.near.first() {
            finding = finding.related(near, Span::empty(0), "a file with a close name");
        }
        // `config_list_from_json("OAI_CONFIG_LIST")` beside `OAI_CONFIG_LIST.json`: use that
        // name (when `file_location` is not in the way).
        let beside = m.tried.first().and_then(|t| t.parent());
        if let Some(near) = m.near.iter().find(|n| n.parent() == beside) {
            let file = near.file_name().map(|f| f.to_string_lossy().into_owned());
            let prefix = res
                .name
                .value
                .rsplit_once('/')
                .map(|(dir, _)| format!("{dir}/"));
            if let Some(file) = file {
                let value = format!("{}{file}", prefix.unwrap_or_default());
                finding = finding.fix(Fix {
                    title: format!("Use `{value}`"),
                    edits: vec![edits::replace_string_value(ctx, res.name.span, &value)],
                    safe: false,
                    sensitive: false,
                });
            }
        }
        // Only a name keywire reads as a config list wherever it is (the new file is checked).
        if let Some(fix) = create_fix(source, &m.tried[0]).filter(|_| m.name_is_read) {
            finding = finding.fix(fix);
        }
        out.push(finding);
    }
}

/// Create the file with one entry that passes the filter, naming no key.
fn create_fix(source: &ConfigSource, path: &std::path::Path) -> Option<Fix> {
    let filters: Vec<&Filter> = [&source.filter, &source.where_filter]
        .into_iter()
        .filter_map(|f| match f {
            Arg::Known(f) => f.as_ref(),
            Arg::Unknown => None,
        })
        .collect();
    let mut model = None;
    let mut tags = None;
    for c in filters.iter().flat_map(|f| &f.criteria) {
        // A value the entry must hold; `None` alone (the field absent) needs nothing.
        let value = c
            .values
            .iter()
            .find(|v| v.value.is_some() && v.pieces.is_empty())
            .and_then(|v| v.value.clone());
        match (c.key.as_str(), value) {
            ("model", Some(v)) if model.is_none() => model = Some(v),
            ("tags", Some(v)) if tags.is_none() && !c.scalar => tags = Some(v),
            (_, None) if c.values.iter().any(|v| v.value.is_none()) => {}
            // A criterion the entry cannot meet without provider details (api_type…).
            _ => return None,
        }
    }
    let model = model.unwrap_or_else(|| "gpt-4o".to_string());
    let mut fields = vec![format!("\"model\": {}", json_string(&model))];
    if let Some(tag) = tags {
        fields.push(format!("\"tags\": [{}]", json_string(&tag)));
    }
    let text = format!(
        "[\n    {{\n        {}\n    }}\n]\n",
        fields.join(",\n        ")
    );
    let file = path.file_name()?.to_string_lossy().into_owned();
    Some(Fix {
        title: format!("Create {file} with a {model} entry (the key comes from the environment)"),
        edits: vec![Edit {
            path: path.to_path_buf(),
            span: Span::empty(0),
            new_text: text,
            create: true,
        }],
        safe: false,
        sensitive: false,
    })
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

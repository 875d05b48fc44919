//! `textDocument/hover`: where a variable comes from, never what it is.
//!
//! - On an env read (`os.environ["X"]`, `os.getenv("X")`, a config field reading one): every
//!   .env defining X (file and line) and whether it is loaded for this module and by which
//!   `load_dotenv()`, configured `env-files`, writes in code, `assume-defined`; then the
//!   winning value *described* — provider its format looks like, length and fingerprint
//!   ([`secrets::describe`]) — and the provider the name suggests.
//! - On a hard-coded credential literal: the same description of the literal.
//! - On a `.env` key: the value described, other files defining it, and every module reading
//!   it (and whether this file is loaded for that module).
//! - On the name string of `config_list_from_json("OAI_CONFIG_LIST", ...)`: where the list
//!   resolves (the variable and where it is set, or the file and from which folder), how many
//!   entries it has and which the filter keeps: model, provider and the key described.
//!
//! - On a compose file's `environment:` entry: where the value comes from and which modules
//!   read the variable (`engine/compose_hover.rs`).
//!
//! Values themselves are never shown.

use std::fmt::Write;
use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};

use super::convert::Converter;
use super::cursor::{self, describe_load, line_of, At, Target};
use super::session::Shared;
use crate::engine::dotenv::Entry;
use crate::engine::python::{ConfigSource, ConfigSourceCall, EnvReadKind};
use crate::engine::resolve::config_filter::{ListEntry, Val, Verdict};
use crate::engine::resolve::config_source::{resolve_source, Base, Origin, VarSetter};
use crate::engine::resolve::ModuleScope;
use crate::engine::workflow::{EnvValue, EnvVar};
use crate::engine::workspace::{FileKind, Workspace};
use crate::engine::{providers, secrets};

pub async fn hover(shared: &Arc<Shared>, params: HoverParams) -> Result<Option<Hover>> {
    let pos = params.text_document_position_params;
    let Some(at) = cursor::at(shared, &pos.text_document.uri, pos.position).await else {
        return Ok(None);
    };
    let text = tokio::task::spawn_blocking(move || render(&at))
        .await
        .ok()
        .flatten();
    Ok(text.map(|(value, markdown)| Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: if markdown {
                MarkupKind::Markdown
            } else {
                MarkupKind::PlainText
            },
            value,
        }),
        range: None,
    }))
}

fn render(at: &At) -> Option<(String, bool)> {
    let ws = at.ws()?;
    if at.doc.kind == FileKind::Compose {
        let text = crate::engine::compose_hover::hover(ws, &at.doc.path, at.offset)?;
        return Some((text, at.markdown));
    }
    let python =
        at.doc.kind == FileKind::Python || (at.doc.kind == FileKind::Notebook && at.in_cell);
    if python {
        if let Some(text) =
            crate::engine::packages::hover::import_hover(ws, &at.doc.path, at.offset)
        {
            return Some((text, at.markdown));
        }
    }
    let conv = at.conv()?;
    let text = match at.target()? {
        Target::EnvRead(read) => env_read(&conv, ws, at, &read.name, read.kind),
        Target::KeyLiteral(lit) => format!(
            "**Hard-coded credential**\n\n{}\n\nMove it to a .env file and read it with `os.environ[...]`.",
            describe_value(&lit.value)
        ),
        Target::EnvKey(entry) => env_key(&conv, ws, at, entry),
        Target::ConfigSource(source) => config_source(&conv, ws, at, source),
        Target::WorkflowEnv(var) => workflow_env(&conv, ws, var),
    };
    Some((text, at.markdown))
}

/// `OpenAI key (sk-proj-…, 164 chars, fingerprint 1a2b3c4d)`, never the value.
fn describe_value(value: &str) -> String {
    format!("Value: {}", secrets::describe(value))
}

fn env_read(conv: &Converter, ws: &Workspace, at: &At, name: &str, kind: EnvReadKind) -> String {
    let scope = ModuleScope::new(ws, &at.doc.path);
    let lookup = scope.lookup(name);
    let mut out = format!("**`{name}`** · environment variable");
    if let Some(p) = providers::provider_for_var(name) {
        let _ = write!(out, " ({} by its name)", p.display);
    }
    out.push_str("\n\n");
    let def_line = |env: &std::path::Path, entry: &Entry| {
        format!("`{}` line {}", ws.display_path(env), entry.line + 1)
    };
    let mut lines = Vec::new();
    for (def, load) in &lookup.loaded {
        lines.push(format!(
            "- {} — loaded by {}",
            def_line(def.env, def.entry),
            describe_load(conv, ws, load)
        ));
    }
    for def in &lookup.configured {
        lines.push(format!(
            "- {} — listed in `env-files`",
            def_line(def.env, def.entry)
        ));
    }
    for (path, write) in &lookup.written {
        let line = line_of(conv, path, write.span).unwrap_or(0);
        lines.push(format!(
            "- set in code: `{}` line {line}",
            ws.display_path(path)
        ));
    }
    if lookup.assumed {
        lines.push("- assumed defined (`assume-defined` in the configuration)".into());
    }
    for def in &lookup.unloaded {
        lines.push(format!(
            "- {} — **not loaded** for this module",
            def_line(def.env, def.entry)
        ));
    }
    for def in &lookup.templates {
        lines.push(format!(
            "- {} — template, never loaded",
            def_line(def.env, def.entry)
        ));
    }
    if lookup.template_provided {
        lines.push(
            "- counted as provided: a template lists it and no `.env` sits beside it yet (copy the template to `.env`)"
                .into(),
        );
    }
    if lookup.shell_sourced {
        lines
            .push("- counted as provided: a file exports it for the shell (`export NAME=`)".into());
    }
    if lookup.is_defined() {
        out.push_str("Defined:\n");
    } else {
        out.push_str("**Not defined** for this module.\n");
        if kind == EnvReadKind::Subscript {
            out.push_str("`os.environ[...]` raises `KeyError` at run time.\n");
        }
    }
    if !lines.is_empty() {
        out.push('\n');
        out.push_str(&lines.join("\n"));
        out.push('\n');
    }
    if lookup.unknown_load {
        out.push_str("\nA `load_dotenv()` on the import chain loads a computed path.\n");
    }
    if lookup
        .loaded
        .iter()
        .any(|(_, load)| !load.point.override_env)
    {
        out.push_str(SHELL_WINS);
    }
    if let Some((value, _)) = lookup.value() {
        let _ = write!(out, "\n{}", describe_value(value));
        if let Some(p) = providers::provider_for_key(value) {
            let _ = write!(out, " — looks like a {} key", p.display);
        }
        out.push('\n');
    }
    out
}

fn env_key(conv: &Converter, ws: &Workspace, at: &At, entry: &Entry) -> String {
    let path = &at.doc.path;
    let mut out = format!(
        "**`{}`** · `{}` line {}",
        entry.key,
        ws.display_path(path),
        entry.line + 1
    );
    if let Some(p) = providers::provider_for_var(&entry.key) {
        let _ = write!(out, " ({} by its name)", p.display);
    }
    out.push_str("\n\n");
    match entry.value.as_deref() {
        None => out.push_str("No value (`KEY` without `=`: python-dotenv sets nothing).\n"),
        Some("") => out.push_str("Empty value.\n"),
        Some(value) => {
            out.push_str(&describe_value(value));
            if let Some(p) = providers::provider_for_key(value) {
                let _ = write!(out, " — looks like a {} key", p.display);
            }
            out.push('\n');
        }
    }
    let others: Vec<String> = ws
        .env_files()
        .filter(|(p, _)| *p != path)
        .filter_map(|(p, f)| {
            let e = f.parsed.get(&entry.key)?;
            Some(format!("- `{}` line {}", ws.display_path(p), e.line + 1))
        })
        .collect();
    if !others.is_empty() {
        let _ = write!(out, "\nAlso defined in:\n{}\n", others.join("\n"));
    }
    let readers = readers_of(ws, &entry.key);
    if readers.is_empty() {
        out.push_str("\nRead by no module in the workspace.\n");
    } else {
        out.push_str("\nRead by:\n");
        let mut shell_wins = false;
        for (module, span) in readers {
            let scope = ModuleScope::new(ws, &module);
            let lookup = scope.lookup(&entry.key);
            let how = if let Some((_, load)) = lookup.loaded.iter().find(|(d, _)| d.env == path) {
                shell_wins |= !load.point.override_env;
                format!("loaded by {}", describe_load(conv, ws, load))
            } else if lookup.configured.iter().any(|d| d.env == path) {
                "loaded through `env-files`".to_string()
            } else if let Some((_, r)) = lookup.run_loaded.iter().find(|(d, _)| d.env == path) {
                format!("loaded by `{}`", r.kind.describe())
            } else {
                "this file is **not loaded** for it".to_string()
            };
            let line = line_of(conv, &module, span).unwrap_or(0);
            let _ = writeln!(out, "- `{}` line {line} — {how}", ws.display_path(&module));
        }
        if shell_wins {
            out.push_str(SHELL_WINS);
        }
    }
    out
}

/// Every read of the variable `name` in the workspace's modules, by module and position.
fn readers_of(ws: &Workspace, name: &str) -> Vec<(std::path::PathBuf, crate::engine::Span)> {
    let mut readers: Vec<(std::path::PathBuf, crate::engine::Span)> = ws
        .python_modules()
        .flat_map(|(p, m)| {
            m.facts
                .env_reads
                .iter()
                .filter(|r| r.name == name)
                .map(move |r| (p.clone(), r.name_span))
        })
        .collect();
    readers.sort();
    readers
}

/// A stale exported key survives editing `.env`: python-dotenv keeps what the process has.
const SHELL_WINS: &str =
    "\nA value already set in the process environment (exported in the shell, \
    set by the terminal or the IDE) wins over `.env`: `load_dotenv()` does not replace it without \
    `override=True`.\n";

/// A workflow `env:` entry: what its value is (never a literal's text), and which modules
/// read the variable.
fn workflow_env(conv: &Converter, ws: &Workspace, var: &EnvVar) -> String {
    let mut out = format!("**`{}`** · workflow environment variable\n\n", var.name);
    let _ = writeln!(
        out,
        "{}",
        match &var.value {
            EnvValue::Secret(s) => format!("From the repository secret `{s}`."),
            EnvValue::Var(v) => format!("From the configuration variable `{v}`."),
            EnvValue::Expression => "An expression.".to_string(),
            EnvValue::Literal => "A literal value (written in the workflow).".to_string(),
        }
    );
    let readers = readers_of(ws, &var.name);
    if readers.is_empty() {
        out.push_str("\nRead by no module in the workspace.\n");
    } else {
        out.push_str("\nRead by:\n");
        for (module, span) in readers {
            let line = line_of(conv, &module, span).unwrap_or(0);
            let _ = writeln!(out, "- `{}` line {line}", ws.display_path(&module));
        }
    }
    out
}

fn config_source(conv: &Converter, ws: &Workspace, at: &At, source: &ConfigSource) -> String {
    let call = match source.call {
        ConfigSourceCall::ConfigListFromJson => "config_list_from_json",
        ConfigSourceCall::LlmConfigFromJson => "LLMConfig.from_json",
    };
    let name = source.name.as_ref().map_or("", |n| n.value.as_str());
    let mut out = format!("**`{name}`** · config list read by `{call}`\n\n");
    let Some(res) = resolve_source(ws, &at.doc.path, source) else {
        out.push_str("`file_location` is computed: keywire cannot tell where the list is.\n");
        return out;
    };
    let from = |base: &Base| match base {
        Base::ModuleDir => "found from this module's folder",
        Base::Root => "found at the workspace root",
        Base::Absolute => "an absolute path",
    };
    let setter = |s: &VarSetter| match s {
        VarSetter::Env { env, entry } => {
            format!("set in `{}` line {}", ws.display_path(env), entry.line + 1)
        }
        VarSetter::Code { module, span } => format!(
            "set in code: `{}` line {}",
            ws.display_path(module),
            line_of(conv, module, *span).unwrap_or(0)
        ),
    };
    match &res.origin {
        Origin::VarJson(s) => {
            let _ = writeln!(
                out,
                "From the environment variable `{name}`, {}: it holds the JSON itself.",
                setter(s)
            );
        }
        Origin::VarPath(s, path, base) => {
            let _ = writeln!(
                out,
                "From the environment variable `{name}`, {}: it names the file `{}` ({}).",
                setter(s),
                ws.display_path(path),
                from(base)
            );
        }
        Origin::File(path, base) => {
            let _ = writeln!(
                out,
                "From the file `{}` ({}); no variable `{name}` is set for this module.",
                ws.display_path(path),
                from(base)
            );
        }
        Origin::Written { path, module, span } => {
            let _ = writeln!(
                out,
                "From the file `{}`, which this module writes first (line {}); no variable `{name}` is set for this module.",
                ws.display_path(path),
                line_of(conv, module, *span).unwrap_or(0)
            );
        }
        Origin::Outside(why) => {
            let _ = writeln!(
                out,
                "From the environment variable `{name}`, which keywire cannot read: {why}."
            );
            return out;
        }
        Origin::Missing(m) => {
            let tried: Vec<String> = m
                .tried
                .iter()
                .map(|p| format!("`{}`", ws.display_path(p)))
                .collect();
            let _ = writeln!(
                out,
                "**Not found**: no variable `{name}` is set for this module, and no file at {}.",
                tried.join(" or ")
            );
            return out;
        }
    }
    let Some(entries) = &res.entries else {
        out.push_str("\nThe entries are not all known (not a list of literal objects).\n");
        return out;
    };
    let verdicts = res.verdicts(source);
    let kept = verdicts
        .as_ref()
        .map(|v| v.iter().filter(|v| **v == Verdict::Keeps).count());
    let n = entries.len();
    let _ = write!(out, "\n{n} entr{}", if n == 1 { "y" } else { "ies" });
    match (&verdicts, kept) {
        (Some(_), Some(k)) if has_filter(source) => {
            let _ = writeln!(out, "; the filter keeps {k}:");
        }
        (None, _) => out.push_str("; the filter is computed:\n"),
        _ => out.push_str(", no filter:\n"),
    }
    for (i, e) in entries.iter().enumerate() {
        let verdict = match verdicts.as_ref().and_then(|v| v.get(i)) {
            Some(Verdict::Keeps) => " — kept",
            Some(Verdict::Drops) => " — filtered out",
            Some(Verdict::Unknown) => " — kept or not, depending on the AutoGen version",
            None => "",
        };
        let verdict = if has_filter(source) { verdict } else { "" };
        let _ = writeln!(out, "- {}{verdict}", describe_entry(e));
    }
    out
}

fn has_filter(source: &ConfigSource) -> bool {
    use crate::engine::python::Arg;
    !matches!(
        (&source.filter, &source.where_filter),
        (Arg::Known(None), Arg::Known(None))
    )
}

/// `` `gpt-4o` · OpenAI · key: OpenAI key (sk-proj-…, 164 chars, fingerprint …) ``: never a
/// value that could be a secret.
fn describe_entry(e: &ListEntry) -> String {
    let model = match e.get("model") {
        Some(Val::Str(m)) if !secrets::looks_like_key(m) => format!("`{m}`"),
        Some(_) => "(model not a plain name)".to_string(),
        None => "(no model)".to_string(),
    };
    let provider = providers::provider_for_api_type(e.str("api_type").unwrap_or("")).display;
    let key = match e.get("api_key") {
        Some(Val::Str(k)) => format!("key: {}", secrets::describe(k)),
        Some(_) => "key: not a string".to_string(),
        None => "no `api_key` (read from the provider's variable)".to_string(),
    };
    format!("{model} · {provider} · {key}")
}

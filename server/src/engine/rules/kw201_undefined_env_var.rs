//! KW201 undefined-env-var: code reads a credential-like variable that is defined nowhere.
//!
//! Reported for reads of credential-like names (a `_`-separated part is KEY, TOKEN, SECRET,
//! PASSWORD or CREDENTIAL) and of any variable feeding a config field, when the name is not in
//! a `.env` file loaded on the module's import chain, not written by `os.environ[...] = ...`
//! in a module that runs in the same program (above the read, for a read at module level in the
//! same module), and not listed in `assume-defined`. Only checked when a `.env` or
//! `.env.example` sits in the module's directory or above (otherwise keywire cannot know where
//! your variables come from). Reads with an explicit default are intentional and exempt, and so
//! are variables a file defines with `export NAME=` (written to be `source`d by the shell).
//! Severity is error when the read feeds a config field, warning for an `os.environ["X"]` read
//! elsewhere (it raises `KeyError` there), and hint for an `os.getenv("X")` read elsewhere (it
//! returns None, which may never reach a client).
//!
//! A variable listed in a template (`.env.example`, `env.sample`, `example.env`…) with no real
//! `.env` beside it counts as defined when the module's import chain calls `load_dotenv()`: a
//! fresh clone, whose README says to copy the template. Without any `load_dotenv()`, the copy is
//! never read: reported, with that fix first. A variable commented out in a template
//! (`# OPENAI_API_KEY=`) is optional and never reported.
//!
//! The message says why: the variable's line in the loaded `.env` is commented out
//! (`# OPENAI_API_KEY=…`), a close name is defined ("did you mean `OPENAI_API_KEY`?"), the name
//! is only listed in `.env.example`, or it is in another `.env` this module does not load.
//!
//! Bad (`.env` defines `OPENAI_API_KEY`):
//! ```python
//! api_key = os.environ["OPENAI_KEY"]
//! ```
//!
//! Fixes (none applied by `--fix`): uncomment the line in the `.env`; add `load_dotenv()` when
//! only a template lists the name and nothing loads a `.env`; rename to the close defined name;
//! add `NAME=` to the `.env` file (then fill it in).

use super::helpers::edits;
use super::PyCtx;
use crate::engine::diagnostic::{Finding, Fix, Severity};
use crate::engine::dotenv::commented_definition;
use crate::engine::python::{EnvReadKind, FieldValue};
use crate::engine::resolve::LoadTarget;
use crate::engine::rules::Rule;
use crate::engine::secrets;
use crate::engine::text::Span;
use std::path::PathBuf;

pub(super) fn check(ctx: &PyCtx, out: &mut Vec<Finding>) {
    // Only env reads are judged: a module without one needs no scope (costly to build).
    if ctx.facts.env_reads.is_empty() {
        return;
    }
    // A .env with no definitions says nothing about where variables come from, unless the
    // variable's own line is there, commented out.
    let env_in_scope = ctx.scope().env_in_scope;
    if !env_in_scope && !ctx.ws.env_files().any(|(_, f)| f.parsed.entries.is_empty()) {
        return;
    }
    let has_env_loads = ctx.scope().env_loads().next().is_some();
    let mut feeds_config = vec![false; ctx.facts.env_reads.len()];
    for entry in &ctx.facts.entries {
        for field in &entry.fields {
            if let FieldValue::Env(i) = field.value {
                if let Some(slot) = feeds_config.get_mut(i) {
                    *slot = true;
                }
            }
        }
    }
    let mut candidates: Option<Vec<String>> = None;
    for (i, read) in ctx.facts.env_reads.iter().enumerate() {
        if read.has_default || !(feeds_config[i] || secrets::is_credential_name(&read.name)) {
            continue;
        }
        if !env_in_scope && commented_in_loaded_env(ctx, &read.name).is_none() {
            continue;
        }
        let lookup = ctx.scope().lookup(&read.name);
        let defined = if read.module_level {
            lookup.is_defined_at(ctx.path, read.span.start)
        } else {
            lookup.is_defined()
        };
        if defined || lookup.unknown_load {
            continue;
        }
        // Defined in a .env that nothing loads at all: KW202 says that.
        if !has_env_loads && !lookup.unloaded.is_empty() {
            continue;
        }
        let names = candidates.get_or_insert_with(|| ctx.scope().defined_names());
        let close = closest(&read.name, names);
        // A name the template lists itself needs no did-you-mean from it.
        let listed = if close.is_none() && lookup.templates.is_empty() {
            closest(&read.name, &template_names(ctx))
        } else {
            None
        };
        let mut message = format!("{} is not defined", read.name);
        let mut finding_related = None;
        let mut load_fix = false;
        let commented = commented_in_loaded_env(ctx, &read.name);
        if let Some((env, span)) = &commented {
            message.push_str(&format!(
                ": its line in {} is commented out",
                ctx.ws.display_path(env)
            ));
            finding_related = Some((
                env.as_path(),
                *span,
                format!("{} is commented out here", read.name),
            ));
        } else if let Some(def) = lookup.unloaded.first() {
            message.push_str(&format!(
                ": it is defined in {}, which this module does not load",
                ctx.ws.display_path(def.env)
            ));
            finding_related = Some((
                def.env,
                def.entry.key_span,
                format!("{} is defined here", read.name),
            ));
        } else if let Some(def) = lookup.templates.first().filter(|_| !has_env_loads) {
            message.push_str(&format!(
                ": it is listed in {}, but nothing on this module's import chain calls load_dotenv(), so a .env copied from it is never read",
                ctx.ws.display_path(def.env)
            ));
            load_fix = true;
            finding_related = Some((
                def.env,
                def.entry.key_span,
                format!("{} is listed here", read.name),
            ));
        } else if let Some(def) = lookup.templates.first() {
            message.push_str(&format!(
                ": it is listed in {} but missing from every .env this module loads",
                ctx.ws.display_path(def.env)
            ));
            finding_related = Some((
                def.env,
                def.entry.key_span,
                format!("{} is listed here", read.name),
            ));
        } else {
            message.push_str(" in any .env this module loads, in code, or in assume-defined");
        }
        if commented.is_some() {
            // The commented line is the answer; a close name is a guess.
        } else if let Some(name) = &close {
            message.push_str(&format!("; did you mean `{name}`?"));
        } else if let Some(name) = &listed {
            message.push_str(&format!(
                "; did you mean `{name}` (listed in a .env template)?"
            ));
        }
        // `os.environ["X"]` raises where it is read; `os.getenv("X")` only returns None, which
        // fails later if at all (it may never reach a client).
        let severity = if feeds_config[i] {
            Severity::Error
        } else if read.kind == EnvReadKind::Subscript {
            Severity::Warning
        } else {
            Severity::Hint
        };
        let mut finding =
            Finding::new(Rule::KW201, ctx.path, read.name_span, message).severity(severity);
        if let Some((path, span, msg)) = finding_related {
            finding = finding.related(path, span, msg);
        }
        if let Some((env, span)) = &commented {
            finding = finding.fix(Fix {
                title: format!("Uncomment `{}` in {}", read.name, ctx.ws.display_path(env)),
                edits: vec![edits::replace(env, *span, "")],
                // The line may hold an old value on purpose: review it.
                safe: false,
                sensitive: false,
            });
        }
        if load_fix {
            finding = finding.fix(edits::load_dotenv_fix(ctx));
        }
        if let Some(name) = close {
            finding = finding.fix(Fix {
                title: format!("Rename to `{name}`"),
                edits: vec![edits::replace_string_value(ctx, read.name_span, &name)],
                safe: false,
                sensitive: false,
            });
        }
        if let Some(fix) = edits::add_to_env(ctx, &read.name).filter(|_| commented.is_none()) {
            finding = finding.fix(fix);
        }
        out.push(finding);
    }
}

/// A real `.env` this module loads (that file found, not a template) where `name` is only on a
/// commented-out line: the file and the comment marker.
fn commented_in_loaded_env(ctx: &PyCtx, name: &str) -> Option<(PathBuf, Span)> {
    ctx.scope().env_loads().find_map(|load| {
        let LoadTarget::File(path) = &load.target else {
            return None;
        };
        let file = ctx.ws.env_file(path).filter(|f| !f.template)?;
        let span = commented_definition(&file.text, name)?;
        Some((path.clone(), span))
    })
}

/// The defined name closest to `name`: small edit distance, or the same provider parts
/// (`OPENAI_KEY` ~ `OPENAI_API_KEY`).
fn closest(name: &str, defined: &[String]) -> Option<String> {
    let upper = name.to_ascii_uppercase();
    let parts: Vec<&str> = upper.split('_').filter(|p| !p.is_empty()).collect();
    defined
        .iter()
        .filter(|d| d.as_str() != name)
        .filter_map(|d| {
            let score = strsim::normalized_damerau_levenshtein(&upper, &d.to_ascii_uppercase());
            let dparts: Vec<String> = d
                .to_ascii_uppercase()
                .split('_')
                .map(str::to_string)
                .collect();
            let shared = parts
                .iter()
                .filter(|p| dparts.iter().any(|q| q == *p))
                .count();
            let subset = shared == parts.len().min(dparts.len()) && shared >= 2;
            (score >= 0.75 || subset).then_some((d, score + if subset { 0.5 } else { 0.0 }))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(d, _)| d.clone())
}

/// Names listed in template files (.env.example …) in the workspace.
fn template_names(ctx: &PyCtx) -> Vec<String> {
    let mut names: Vec<String> = ctx
        .ws
        .env_files()
        .filter(|(_, f)| f.template)
        .flat_map(|(_, f)| f.parsed.entries.iter().map(|e| e.key.clone()))
        .collect();
    names.sort();
    names.dedup();
    names
}

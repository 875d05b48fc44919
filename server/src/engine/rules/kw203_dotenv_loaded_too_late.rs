//! KW203 dotenv-loaded-too-late: a module-level read runs before every `load_dotenv()` that
//! would define the variable.
//!
//! Module-level code runs at import time. If `config.py` does
//! `API_KEY = os.environ["OPENAI_API_KEY"]` and `main.py` imports `config` before calling
//! `load_dotenv()`, the read happens first and fails (or `os.getenv` returns `None`), even
//! though `.env` is loaded a moment later. The same happens when `load_dotenv()` comes later
//! in the same module, or only inside a function such as `main()`.
//! Reported on the read, with the late `load_dotenv()` call as related information. Only
//! reported when every load that defines the variable is late.
//!
//! Bad:
//! ```python
//! # main.py
//! from dotenv import load_dotenv
//! from app.config import llm_config   # reads OPENAI_API_KEY at import time
//! load_dotenv()
//! ```
//! Good:
//! ```python
//! from dotenv import load_dotenv
//! load_dotenv()
//! from app.config import llm_config
//! ```
//!
//! Fix (unsafe): move the `load_dotenv()` call (and its import, when needed) above the statement that
//! triggers the read.

use std::path::Path;

use super::helpers::edits;
use super::PyCtx;
use crate::engine::diagnostic::{Edit, Finding, Fix};
use crate::engine::python::{EnvRead, PyFacts};
use crate::engine::resolve::LoadRef;
use crate::engine::rules::Rule;
use crate::engine::text::Span;

enum Timing {
    Early,
    /// Late; the offset in the loading module before which the load must move.
    Late(usize),
    Unknown,
}

pub(super) fn check(ctx: &PyCtx, out: &mut Vec<Finding>) {
    // One finding per late load point (one mistake), at the first read it is late for.
    let mut groups: Vec<(&LoadRef, usize, &EnvRead, Vec<&str>)> = Vec::new();
    let lookups: Vec<_> = ctx
        .facts
        .env_reads
        .iter()
        .filter(|r| r.module_level && !r.has_default)
        .map(|r| (r, ctx.scope().lookup(&r.name)))
        .collect();
    'reads: for (read, lookup) in &lookups {
        if lookup.loaded.is_empty()
            || !lookup.written.is_empty()
            || lookup.assumed
            || !lookup.configured.is_empty()
        {
            continue;
        }
        let mut late: Option<(&LoadRef, usize)> = None;
        for (_, load) in &lookup.loaded {
            match timing(ctx, read, load) {
                Timing::Late(at) => {
                    late.get_or_insert((load, at));
                }
                Timing::Early | Timing::Unknown => continue 'reads,
            }
        }
        let Some((load, at)) = late else { continue };
        match groups
            .iter_mut()
            .find(|g| g.0.module == load.module && g.0.point.span == load.point.span)
        {
            Some(group) => {
                if !group.3.contains(&read.name.as_str()) {
                    group.3.push(&read.name);
                }
                group.1 = group.1.min(at);
            }
            None => groups.push((load, at, read, vec![&read.name])),
        }
    }
    for (load, at, read, names) in groups {
        let subject = match names.as_slice() {
            [one] => format!("{one} is"),
            [first, rest @ ..] => format!(
                "{first} and {} more variable{} are",
                rest.len(),
                if rest.len() > 1 { "s" } else { "" }
            ),
            [] => continue,
        };
        let message = if load.module == ctx.path && ctx.is_notebook() {
            format!("{subject} read here, before load_dotenv() runs further down this notebook (cells run top to bottom)")
        } else if load.module == ctx.path {
            format!("{subject} read here at import time, before load_dotenv() runs later in this module")
        } else {
            format!(
                "{subject} read at import time, but {} imports this module before it calls load_dotenv()",
                ctx.ws.display_path(load.module)
            )
        };
        let mut finding = Finding::new(Rule::KW203, ctx.path, read.span, message).related(
            load.module,
            load.point.span,
            "load_dotenv() is called here",
        );
        if let Some(fix) = move_fix(ctx, load, at) {
            finding = finding.fix(fix);
        }
        out.push(finding);
    }
}

fn timing(ctx: &PyCtx, read: &EnvRead, load: &LoadRef) -> Timing {
    let d = ctx.ws.derived();
    let first_import_of = |importer: &Path, target: &Path| {
        d.first_import_of(&ctx.ws.python_module(importer)?.facts, importer, target)
    };
    let point = load.point;
    if load.module == ctx.path {
        return if point.module_level && point.stmt_start < read.stmt_start {
            Timing::Early
        } else if point.module_level && point.span.end <= read.span.start {
            // The call comes first inside what the parser calls the read's statement: one
            // statement doing both, or (after a syntax error) an ERROR node spanning several.
            // Moving the call above that "statement" cannot help; nothing to report.
            Timing::Unknown
        } else {
            Timing::Late(read.stmt_start)
        };
    }
    if let Some(pos) = first_import_of(load.module, ctx.path) {
        // The loading module imports this one.
        return if !point.module_level || pos < point.stmt_start {
            Timing::Late(pos)
        } else {
            Timing::Early
        };
    }
    if let Some(pos) = first_import_of(ctx.path, load.module) {
        // This module imports the loading one.
        return if !point.module_level {
            Timing::Unknown
        } else if pos < read.stmt_start {
            Timing::Early
        } else {
            Timing::Late(read.stmt_start)
        };
    }
    Timing::Unknown
}

fn move_fix(ctx: &PyCtx, load: &LoadRef, at: usize) -> Option<Fix> {
    let facts: &PyFacts = if load.module == ctx.path {
        ctx.facts
    } else {
        &ctx.ws.python_module(load.module)?.facts
    };
    let ep = &facts.edit_points;
    let nl = ep.newline;
    let imported_before = facts
        .imports
        .iter()
        .any(|i| i.module == "dotenv" && i.module_level && i.stmt_start < at);
    let call = match (&ep.load_dotenv_name, imported_before) {
        (Some(name), true) => format!("{name}(){nl}"),
        _ => format!("from dotenv import load_dotenv{nl}load_dotenv(){nl}"),
    };
    let path: &Path = load.module;
    let mut list: Vec<Edit> = vec![edits::insert(path, at, call)];
    if load.point.module_level && load.point.stmt_span.start > at {
        list.push(edits::replace(path, delete_span(ctx, load), ""));
    }
    Some(Fix {
        title: if load.module == ctx.path {
            "Move `load_dotenv()` above this statement".into()
        } else {
            "Move `load_dotenv()` above the import that reads the variable".into()
        },
        edits: list,
        // Moves a load (and its import) earlier: every variable in the .env is set sooner.
        safe: false,
        sensitive: false,
    })
}

/// The load statement, with its line terminator when the text is at hand.
fn delete_span(ctx: &PyCtx, load: &LoadRef) -> Span {
    let span = load.point.stmt_span;
    if load.module != ctx.path {
        return span;
    }
    let rest = &ctx.text.as_bytes()[span.end.min(ctx.text.len())..];
    let extra = match rest {
        [b'\r', b'\n', ..] => 2,
        [b'\n', ..] => 1,
        _ => 0,
    };
    Span::new(span.start, span.end + extra)
}

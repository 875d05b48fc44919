//! Edits several Python fixes share: inserting a field, `import os`, `load_dotenv()`.

use std::path::Path;

use crate::engine::diagnostic::{Edit, Fix};
use crate::engine::python::ConfigEntry;
use crate::engine::resolve::LoadTarget;
use crate::engine::text::Span;

use crate::engine::rules::PyCtx;

pub(crate) fn insert(path: &Path, at: usize, text: impl Into<String>) -> Edit {
    Edit {
        path: path.to_path_buf(),
        span: Span::empty(at),
        new_text: text.into(),
        create: false,
    }
}

pub(crate) fn replace(path: &Path, span: Span, text: impl Into<String>) -> Edit {
    Edit {
        path: path.to_path_buf(),
        span,
        new_text: text.into(),
        create: false,
    }
}

/// Add `key: value` to an entry.
pub(crate) fn add_field(ctx: &PyCtx, entry: &ConfigEntry, key: &str, value: &str) -> Edit {
    let p = &entry.insert;
    insert(
        ctx.path,
        p.offset,
        format!("{}{}{}", p.before, entry.field_text(key, value), p.after),
    )
}

/// `import os` at the top when the module lacks it.
pub(crate) fn import_os(ctx: &PyCtx) -> Option<Edit> {
    let ep = &ctx.facts.edit_points;
    (!ep.has_import_os).then(|| {
        insert(
            ctx.path,
            ep.after_imports,
            format!("import os{}", ep.newline),
        )
    })
}

/// The fix that loads the module's `.env`: [`add_load_dotenv`]. Unsafe: loading a .env sets
/// every variable in it (and the deployment may set the variable itself), so the program's
/// environment changes.
pub(crate) fn load_dotenv_fix(ctx: &PyCtx) -> Fix {
    Fix {
        title: "Add `load_dotenv()` after the imports".into(),
        edits: vec![add_load_dotenv(ctx)],
        safe: false,
        sensitive: false,
    }
}

/// `from dotenv import load_dotenv` + `load_dotenv()` right after the imports.
pub(crate) fn add_load_dotenv(ctx: &PyCtx) -> Edit {
    let ep = &ctx.facts.edit_points;
    let nl = ep.newline;
    // The module's own name for load_dotenv only works when the import that binds it last
    // above the call is dotenv's: with `from dotenv import load_dotenv` further down the call
    // is a NameError, and after a later `import load_dotenv` it calls a module (either way the
    // finding would stay, so every `--fix` added another call). Otherwise import it afresh.
    let short = ep.load_dotenv_name.as_deref().filter(|name| {
        let local = name.split('.').next().unwrap_or(name);
        let binds = |i: &&crate::engine::python::Import| {
            i.module_level
                && i.span.end <= ep.after_imports
                && if i.names.is_empty() {
                    i.module.split('.').next() == Some(local)
                } else {
                    i.names.iter().any(|n| n == local)
                }
        };
        ctx.facts
            .imports
            .iter()
            .filter(binds)
            .max_by_key(|i| i.span.start)
            .is_some_and(|i| i.module == "dotenv" && i.level == 0)
    });
    let text = match short {
        Some(name) => format!("{nl}{name}(){nl}"),
        None => format!("from dotenv import load_dotenv{nl}{nl}load_dotenv(){nl}"),
    };
    let lead = line_break_before(ctx.text, ep.after_imports, nl);
    insert(ctx.path, ep.after_imports, format!("{lead}{text}"))
}

/// A line break when `at` is the end of a last line that has none (so an inserted line does
/// not join it).
fn line_break_before(text: &str, at: usize, newline: &'static str) -> &'static str {
    if at > 0 && at == text.len() && !text.ends_with('\n') {
        newline
    } else {
        ""
    }
}

/// Replace the contents of a string literal, keeping its prefix and quotes (`r"X"` → `r"Y"`).
/// A span that is no string literal (a keyword argument name) is replaced whole.
pub(crate) fn replace_string_value(ctx: &PyCtx, span: Span, value: &str) -> Edit {
    let written = ctx.text.get(span.start..span.end).unwrap_or_default();
    let Some(open) = written.find(['"', '\'']) else {
        return replace(ctx.path, span, value);
    };
    let quote = &written[open..open + 1];
    let triple = quote.repeat(3);
    let q = if written[open..].starts_with(&triple) && written.len() >= open + 6 {
        3
    } else {
        1
    };
    if written.len() < open + 2 * q {
        return replace(ctx.path, span, value);
    }
    replace(
        ctx.path,
        Span::new(span.start + open + q, span.end - q),
        value,
    )
}

/// The `.env` of the workspace nearest above this module (its own folder first).
pub(crate) fn nearest_env(ctx: &PyCtx) -> Option<std::path::PathBuf> {
    let ws = ctx.ws;
    ctx.path
        .ancestors()
        .skip(1)
        .take_while(|d| d.starts_with(&ws.root))
        .map(|d| d.join(".env"))
        .find(|p| ws.env_file(p).is_some())
}

/// Append `NAME=` to the .env this module loads (or the nearest one in scope).
pub(crate) fn add_to_env(ctx: &PyCtx, name: &str) -> Option<Fix> {
    // Only a name python-dotenv reads back as itself (no spaces, `=`, `#`, quotes…): anything
    // else would add a line that still leaves the variable undefined.
    crate::engine::dotenv::parse(&format!("{name}=\n")).get(name)?;
    let ws = ctx.ws;
    let target = ctx
        .scope()
        .env_loads()
        .find_map(|l| match &l.target {
            LoadTarget::File(p) => Some(p.clone()),
            _ => None,
        })
        .or_else(|| nearest_env(ctx))?;
    let file = ws.env_file(&target)?;
    // Already there (in a file the module does not load, or after a line that ends the file's
    // parse): a second line changes nothing.
    if file.parsed.entries.iter().any(|e| e.key == name) {
        return None;
    }
    let text = &file.text;
    let sep = if text.is_empty() || text.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    Some(Fix {
        title: format!("Add `{name}=` to {}", ws.display_path(&target)),
        edits: vec![replace(
            &target,
            Span::empty(text.len()),
            format!("{sep}{name}=\n"),
        )],
        safe: false,
        sensitive: false,
    })
}

//! KW503 secret-in-image: a Dockerfile puts a real credential into the image: a `COPY`/`ADD`
//! that brings in a `.env` (or `OAI_CONFIG_LIST`) holding a real key, or an `ENV`/`ARG` with a
//! key written out.
//!
//! Every layer of an image is readable by whoever can pull it: a key copied in or set with
//! `ENV` is published with the image, and stays in its history even when a later layer deletes
//! it. A build argument's value is kept in the image history too.
//!
//! Reported on the `COPY`/`ADD` whose source covers (`.`, a folder above the file, the file, a
//! glob) a `.env` file or config list of the build context (the Dockerfile's folder) that holds
//! a real-looking credential (as KW308 decides: a credential-like name, not a placeholder, a
//! stand-in or a reference) and that the context's `.dockerignore` does not exclude
//! (Docker's patterns: `**`, `!` exceptions, a folder pattern excluding what is in it). And on
//! an `ENV` or `ARG` whose literal value is such a credential. The key itself is never shown:
//! messages describe it (provider, length, fingerprint).
//!
//! Bad:
//! ```text
//! COPY . .                      # and .env holds OPENAI_API_KEY=sk-proj-…
//! ENV OPENAI_API_KEY=sk-proj-…
//! ```
//! Good: `.env` in `.dockerignore`; the key passed when the container starts
//! (`docker run -e OPENAI_API_KEY`, or compose `environment:`).
//!
//! Fix (not applied by `--fix`: a program that reads the copied `.env` in the container then
//! needs its variables some other way): add the file to `.dockerignore` (created if missing).
//! For `ENV`/`ARG` there is no automatic edit: remove the key, rotate it, and pass it at run time.

use super::helpers::deploy::{copy_covers, dockerignore, newline, relative};
use super::helpers::dotenv_values::{real_credential, without_quotes};
use super::DeployCtx;
use crate::engine::diagnostic::{Edit, Finding, Fix};
use crate::engine::python::FieldValue;
use crate::engine::rules::Rule;
use crate::engine::secrets;
use crate::engine::text::Span;
use crate::engine::workspace::DeployFacts;

pub(super) fn check(ctx: &DeployCtx, out: &mut Vec<Finding>) {
    let DeployFacts::Dockerfile(facts) = &ctx.file.facts else {
        return;
    };
    let Some(context) = ctx.path.parent() else {
        return;
    };
    for var in &facts.vars {
        let (Some(value), Some(span)) = (&var.value, var.value_span) else {
            continue;
        };
        if !real_credential(&var.name, value) {
            continue;
        }
        let what = if var.arg { "ARG" } else { "ENV" };
        out.push(Finding::new(
            Rule::KW503,
            ctx.path,
            span,
            format!(
                "`{what} {}` writes {} into the image, where anyone who can pull it reads it: \
                 remove it, rotate the key, and pass it at run time \
                 (`docker run -e {}`, or compose `environment:`)",
                var.name,
                secrets::describe(value),
                var.name
            ),
        ));
    }
    let ignore = dockerignore(ctx.ws, context);
    let secrets_in_context = secret_files(ctx, context);
    for copy in &facts.copies {
        for (path, rel, key_span, described) in &secrets_in_context {
            if !copy.sources.iter().any(|s| copy_covers(s, rel)) {
                continue;
            }
            if ignore.is_some_and(|i| i.excludes(rel)) {
                continue;
            }
            let word = &ctx.file.text[copy.span.start..copy.span.end]
                .split_whitespace()
                .next()
                .unwrap_or("COPY")
                .to_ascii_uppercase();
            let mut finding = Finding::new(
                Rule::KW503,
                ctx.path,
                copy.span,
                format!(
                    "this {word} puts `{rel}` into the image, with {described}: anyone who can \
                     pull the image reads it; exclude it in .dockerignore and pass the key at \
                     run time"
                ),
            )
            .related(path.clone(), *key_span, "the key the image would hold");
            if let Some(fix) = ignore_fix(ctx, context, rel) {
                finding = finding.fix(fix);
            }
            out.push(finding);
        }
    }
}

/// `.env` files and config lists under the context holding a real credential: (path, path
/// relative to the context, the key's span, its description).
fn secret_files(
    ctx: &DeployCtx,
    context: &std::path::Path,
) -> Vec<(std::path::PathBuf, String, Span, String)> {
    let mut out = Vec::new();
    for (path, file) in ctx.ws.env_files() {
        if file.template || !path.starts_with(context) {
            continue;
        }
        let Some(rel) = relative(path, context) else {
            continue;
        };
        let key = file.parsed.entries.iter().find_map(|e| {
            let literal = e.literal.as_deref()?;
            let value = without_quotes(literal);
            real_credential(&e.key, &value).then(|| (e.raw_span.unwrap_or(e.span), value))
        });
        if let Some((span, value)) = key {
            out.push((path.clone(), rel, span, secrets::describe(&value)));
        }
    }
    for (path, list) in ctx.ws.config_json_files() {
        if list.template || !path.starts_with(context) {
            continue;
        }
        let Some(rel) = relative(path, context) else {
            continue;
        };
        let key = list.parsed.entries.iter().find_map(|entry| {
            entry.fields.iter().find_map(|f| match &f.value {
                FieldValue::Str(lit) if real_credential(&f.key, &lit.value) => {
                    Some((lit.span, secrets::describe(&lit.value)))
                }
                _ => None,
            })
        });
        if let Some((span, described)) = key {
            out.push((path.clone(), rel, span, described));
        }
    }
    out
}

/// Add `/rel` to the context's `.dockerignore`, creating it when missing.
fn ignore_fix(ctx: &DeployCtx, context: &std::path::Path, rel: &str) -> Option<Fix> {
    if rel.contains(['*', '?', '[', '\\', '!', '#']) || rel.starts_with(' ') {
        return None;
    }
    let path = context.join(".dockerignore");
    let (span, text, create) = match ctx.ws.deploy_file(&path) {
        Some(file) => {
            let text = &file.text;
            let nl = newline(text);
            let sep = if text.is_empty() || text.ends_with('\n') {
                ""
            } else {
                nl
            };
            (Span::empty(text.len()), format!("{sep}{rel}{nl}"), false)
        }
        None => (Span::empty(0), format!("{rel}\n"), true),
    };
    Some(Fix {
        title: format!("Add `{rel}` to {}", ctx.ws.display_path(&path)),
        edits: vec![Edit {
            path,
            span,
            new_text: text,
            create,
        }],
        safe: false,
        sensitive: false,
    })
}

//! KW503 secret-in-image: a Dockerfile puts a real credential into the image: a `COPY`/`ADD`
//! that brings in a `.env` (or `OAI_CONFIG_LIST`) holding a real key, or an `ENV`/`ARG` with a
//! key written out.
//!
//! Every layer of an image is readable by whoever can pull it: a key copied in or set with
//! `ENV` is published with the image, and stays in its history even when a later layer deletes
//! it. A build argument's value is kept in the image history too.
//!
//! Reported on the `COPY`/`ADD` whose source covers (`.`, a folder above the file, the file, a
//! glob) a `.env` file or config list of the build context that holds a real-looking
//! credential (as KW308 decides: a credential-like name, not a placeholder, a stand-in or a
//! reference) and that the build's ignore file does not exclude (Docker's patterns: `**`, `!`
//! exceptions, a folder pattern excluding what is in it). And on an `ENV` or `ARG` whose
//! literal value is such a credential. The key itself is never shown: messages describe it
//! (provider, length, fingerprint).
//!
//! The build context is the one a compose service that builds the Dockerfile gives
//! (`build: ./app`, or `build: {context: ., dockerfile: docker/Dockerfile}`: `COPY` sources
//! are then relative to the project root), each of them when several do; else the
//! Dockerfile's folder, as `docker build .` beside it. The ignore file is the one BuildKit
//! reads: the Dockerfile's own `<Dockerfile>.dockerignore` beside it (`Dockerfile.dockerignore`,
//! `api.Dockerfile.dockerignore`) when there is one, else the `.dockerignore` at the root of
//! the context (not the one beside the Dockerfile, when the context is elsewhere).
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
//! needs its variables some other way): add the file to the build's ignore file (the
//! context's `.dockerignore`, created if missing).
//! For `ENV`/`ARG` there is no automatic edit: remove the key, rotate it, and pass it at run time.

use super::helpers::deploy::{build_contexts, copy_covers, dockerignore, newline, relative};
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
    let Some(dockerfile_dir) = ctx.path.parent() else {
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
    // A finding per COPY and file, whichever context (of several compose builds) brings it.
    let mut seen: Vec<(usize, std::path::PathBuf)> = Vec::new();
    for context in build_contexts(ctx.ws, ctx.path) {
        let (ignore_path, ignore) = dockerignore(ctx.ws, &context, ctx.path);
        let shown_context = if context.as_path() == dockerfile_dir {
            String::new()
        } else if context == ctx.ws.root {
            " (compose builds it with the project root as context)".to_string()
        } else {
            format!(
                " (compose builds it with context {}/)",
                ctx.ws.display_path(&context)
            )
        };
        for copy in &facts.copies {
            for (path, rel, key_span, described) in &secret_files(ctx, &context) {
                if !copy.sources.iter().any(|s| copy_covers(s, rel))
                    || ignore.is_some_and(|i| i.excludes(rel))
                    || seen.contains(&(copy.span.start, path.clone()))
                {
                    continue;
                }
                seen.push((copy.span.start, path.clone()));
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
                        "this {word} puts `{rel}` into the image{shown_context}, with {described}: \
                         anyone who can pull the image reads it; exclude it in {} and pass the \
                         key at run time",
                        ctx.ws.display_path(&ignore_path)
                    ),
                )
                .related(path.clone(), *key_span, "the key the image would hold");
                if let Some(fix) = ignore_fix(ctx, &ignore_path, rel) {
                    finding = finding.fix(fix);
                }
                out.push(finding);
            }
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

/// Add `rel` to the build's ignore file, creating it when missing.
fn ignore_fix(ctx: &DeployCtx, path: &std::path::Path, rel: &str) -> Option<Fix> {
    if rel.contains(['*', '?', '[', '\\', '!', '#']) || rel.starts_with(' ') {
        return None;
    }
    let (span, text, create) = match ctx.ws.deploy_file(path) {
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
        title: format!("Add `{rel}` to {}", ctx.ws.display_path(path)),
        edits: vec![Edit {
            path: path.to_path_buf(),
            span,
            new_text: text,
            create,
        }],
        safe: false,
        sensitive: false,
    })
}

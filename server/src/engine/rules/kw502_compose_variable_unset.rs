//! KW502 compose-variable-unset: a compose file uses `${X}` with no default and the `.env`
//! beside it gives `X` no value, so Compose substitutes an empty string.
//!
//! Compose interpolates `$X` and `${X}` from the shell that runs it and from the `.env` file in
//! the compose file's folder, read with Compose's own syntax (not python-dotenv's: see
//! `engine/compose_env.rs`). It never looks at a service's `environment:` or `env_file:` for
//! this. An unset variable only prints a warning and becomes `""`: a container started with
//! `OPENAI_API_KEY=` fails on its first request, far from the cause.
//!
//! Reported for each `$X` / `${X}` (not `${X:-default}`, `${X-default}`, `${X:?error}`, nor
//! `$$X`, which is a literal `$X`) whose name the `.env` beside the compose file does not
//! define. The message says which modules of the project read the variable. Said as a hint
//! when the shell may well export it: there is no `.env` beside the compose file at all, or a
//! template (`.env.example`) lists the name, as a README's "export these first" does.
//!
//! Bad (`.env` has no `OPENAI_API_KEY`):
//! ```yaml
//! services:
//!   app:
//!     environment:
//!       OPENAI_API_KEY: ${OPENAI_API_KEY}
//! ```
//! Good: `OPENAI_API_KEY=...` in the `.env` beside the compose file, or
//! `${OPENAI_API_KEY:?set OPENAI_API_KEY}` so that Compose stops with a clear error.
//!
//! Fix (not applied by `--fix`): add `X=` to that `.env` (created if missing), for you to
//! fill in. The value is never written by keywire.

use super::helpers::deploy::{compose_dotenv, readers, template_listing};
use super::DeployCtx;
use crate::engine::diagnostic::{Edit, Finding, Fix, Severity};
use crate::engine::rules::Rule;
use crate::engine::text::Span;
use crate::engine::workspace::DeployFacts;

pub(super) fn check(ctx: &DeployCtx, out: &mut Vec<Finding>) {
    let DeployFacts::Compose(compose) = &ctx.file.facts else {
        return;
    };
    let Some(dir) = ctx.path.parent() else {
        return;
    };
    let dotenv = compose_dotenv(ctx.ws, ctx.path);
    let env_path = dir.join(".env");
    let shown_env = ctx.ws.display_path(&env_path);
    let shown = ctx.ws.display_path(ctx.path);
    for r in &compose.refs {
        if !r.form.empty_when_unset() {
            continue;
        }
        if dotenv
            .as_ref()
            .is_some_and(|(_, env)| env.get(&r.name).is_some())
        {
            continue;
        }
        let name = &r.name;
        let template = template_listing(ctx.ws, dir, name);
        let reading = readers(ctx.ws, name);
        let mut message = format!(
            "`{name}` has no value in {shown_env}: Compose substitutes an empty string for `{}` in {shown}",
            &ctx.file.text[r.span.start..r.span.end]
        );
        match reading.len() {
            0 => {}
            1 => message.push_str(&format!(
                ", and {} reads `{name}`",
                ctx.ws.display_path(reading[0].0)
            )),
            n => message.push_str(&format!(", and {n} modules read `{name}`")),
        }
        let hint = if dotenv.is_none() {
            message.push_str(" (unless the shell that runs Compose exports it)");
            true
        } else if let Some(t) = &template {
            message.push_str(&format!(
                " ({} lists it: the shell may export it)",
                ctx.ws.display_path(t)
            ));
            true
        } else {
            false
        };
        let mut finding = Finding::new(Rule::KW502, ctx.path, r.span, message);
        if hint {
            finding = finding.severity(Severity::Hint);
        }
        for (path, read) in reading.iter().take(3) {
            finding = finding.related((*path).clone(), read.span, format!("`{name}` is read here"));
        }
        if let Some(fix) = add_line(ctx, &env_path, name) {
            finding = finding.fix(fix);
        }
        out.push(finding);
    }
}

/// Append `NAME=` to the `.env` beside the compose file (created when missing).
fn add_line(ctx: &DeployCtx, env_path: &std::path::Path, name: &str) -> Option<Fix> {
    // Only a name both readers read back as itself.
    crate::engine::compose_env::parse(&format!("{name}=\n")).get(name)?;
    let (span, sep, create) = match ctx.ws.env_file(env_path) {
        Some(file) => {
            let text = &file.text;
            let sep = if text.is_empty() || text.ends_with('\n') {
                ""
            } else {
                "\n"
            };
            (Span::empty(text.len()), sep, false)
        }
        None => (Span::empty(0), "", true),
    };
    Some(Fix {
        title: format!(
            "Add `{name}=` to {} (define {name} there)",
            ctx.ws.display_path(env_path)
        ),
        edits: vec![Edit {
            path: env_path.to_path_buf(),
            span,
            new_text: format!("{sep}{name}=\n"),
            create,
        }],
        safe: false,
        sensitive: false,
    })
}

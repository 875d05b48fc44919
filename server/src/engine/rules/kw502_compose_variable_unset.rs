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
//! template (`.env.example`) lists the name, as a README's "export these first" does. Not
//! reported when there is no `.env` beside the compose file yet and a template beside it
//! lists the name: the project's way is to copy the template to `.env` and fill it in.
//!
//! When the project states how it runs Compose on this file (a `docker compose` or
//! `docker-compose` line of a `Makefile`, a `justfile`, a `Procfile`, a shell script at the
//! root, or a GitHub Actions step's `run:`, in the compose file's folder or naming it with
//! `-f`), a variable one of those runs supplies is not unset: its shell is given it (`X=…`
//! before the command, an `export` of the file, make's `include .env` with `export`, just's
//! `set dotenv-load` or `set export`, `set -a; . ./.env`, `dotenv run`, `uv run --env-file`,
//! the step's, job's or workflow's `env:`, an `echo "X=…" >> $GITHUB_ENV` of an earlier
//! step), or the env file Compose reads then defines it. A script or job that writes an env
//! file itself (`cp .env.example .env`, `echo "X=…" >> .env`) may give anything: no claim. A run with `--env-file F` reads `F`
//! instead of the `.env` beside the compose file: when every run does so, `X` is judged
//! against `F` (reported, as a warning, when neither `F` nor the shell gives it, even if the
//! `.env` beside the compose file does). A file keywire does not hold (a `prod.env`, a path
//! it cannot place) may define anything: no claim.
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
//! Fix (not applied by `--fix`): add `X=` to the file Compose reads (that `.env`, or the
//! `--env-file` of the runs; created if missing), for you to fill in. The value is never
//! written by keywire.

use std::path::{Path, PathBuf};

use super::helpers::deploy::{
    compose_dotenv, compose_runs_of, normalize, readers, template_listing,
};
use super::DeployCtx;
use crate::engine::compose_env;
use crate::engine::diagnostic::{Edit, Finding, Fix, Severity};
use crate::engine::rules::Rule;
use crate::engine::runners::compose::ComposeRun;
use crate::engine::text::Span;
use crate::engine::workspace::{DeployFacts, Workspace};

/// What a documented run of Compose says about a variable.
enum Supply {
    /// Its shell, or the env file Compose reads, gives it (or may: a file keywire cannot read).
    Given,
    /// It reads `--env-file` files instead of the `.env` beside the compose file, and neither
    /// they nor its shell give the variable.
    Missing { env_file: PathBuf },
    /// It reads the `.env` beside the compose file, and its shell does not give the variable.
    Beside,
}

pub(super) fn check(ctx: &DeployCtx, out: &mut Vec<Finding>) {
    let DeployFacts::Compose(compose) = &ctx.file.facts else {
        return;
    };
    let Some(dir) = ctx.path.parent() else {
        return;
    };
    let dotenv = compose_dotenv(ctx.ws, ctx.path);
    let runs = compose_runs_of(ctx.ws, ctx.path);
    let shown = ctx.ws.display_path(ctx.path);
    for r in &compose.refs {
        if !r.form.empty_when_unset() {
            continue;
        }
        let name = &r.name;
        let beside = dotenv
            .as_ref()
            .is_some_and(|(_, env)| env.get(name).is_some());
        // The documented ways of running Compose decide when there are any: a variable one of
        // them supplies is not unset.
        let supplies: Vec<(&PathBuf, Supply)> = runs
            .iter()
            .map(|(file, run)| (*file, supply(ctx.ws, run, name, beside)))
            .collect();
        if supplies.iter().any(|(_, s)| matches!(s, Supply::Given)) {
            continue;
        }
        let missing_in = supplies.iter().find_map(|(file, s)| match s {
            Supply::Missing { env_file } => Some((*file, env_file)),
            _ => None,
        });
        let all_env_file = !supplies.is_empty()
            && supplies
                .iter()
                .all(|(_, s)| matches!(s, Supply::Missing { .. }));
        if beside && !all_env_file {
            continue;
        }
        let (env_path, via) = match missing_in {
            Some((file, env_file)) if all_env_file => (env_file.clone(), Some(file)),
            _ => (dir.join(".env"), None),
        };
        let shown_env = ctx.ws.display_path(&env_path);
        let template = template_listing(ctx.ws, dir, name);
        // No `.env` yet, and the template beside the compose file lists the name: the
        // documented way is to copy it to `.env` and fill it in.
        if via.is_none()
            && dotenv.is_none()
            && template.as_deref().and_then(Path::parent) == Some(dir)
        {
            continue;
        }
        let reading = readers(ctx.ws, name);
        let mut message = format!(
            "`{name}` has no value in {shown_env}: Compose substitutes an empty string for `{}` in {shown}",
            &ctx.file.text[r.span.start..r.span.end]
        );
        if let Some(file) = via {
            message = format!(
                "`{name}` has no value in {shown_env}, the `--env-file` {} runs Compose with, \
                 and its shell does not set it: Compose substitutes an empty string for `{}` in {shown}",
                ctx.ws.display_path(file),
                &ctx.file.text[r.span.start..r.span.end]
            );
        } else if let Some((file, _)) = supplies.first() {
            message.push_str(&format!(
                ", and {} runs Compose without setting it",
                ctx.ws.display_path(file)
            ));
        }
        match reading.len() {
            0 => {}
            1 => message.push_str(&format!(
                ", and {} reads `{name}`",
                ctx.ws.display_path(reading[0].0)
            )),
            n => message.push_str(&format!(", and {n} modules read `{name}`")),
        }
        let hint = if via.is_some() {
            false
        } else if dotenv.is_none() {
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
        if let Some((file, run)) = via.and_then(|f| runs.iter().find(|(p, _)| *p == f)) {
            finding = finding.related(
                (*file).clone(),
                Span::new(run.span.start, run.span.end),
                format!("Compose runs here, reading {shown_env}"),
            );
        }
        if let Some(fix) = add_line(ctx, &env_path, name) {
            finding = finding.fix(fix);
        }
        out.push(finding);
    }
}

/// Whether `run` supplies `name`: its shell is given it, or the env file Compose reads then
/// defines it (`beside`: the `.env` beside the compose file does). A file keywire does not
/// hold may define anything.
fn supply(ws: &Workspace, run: &ComposeRun, name: &str, beside: bool) -> Supply {
    if run.any_var || run.vars.iter().any(|v| v == name) {
        return Supply::Given;
    }
    let defines = |f: &PathBuf| match ws.env_file(&normalize(&run.cwd.join(f))) {
        Some(file) => compose_env::parse(&file.text).get(name).is_some(),
        None => true,
    };
    if run.loaded.iter().any(defines) {
        return Supply::Given;
    }
    if run.env_files.is_empty() {
        return if beside {
            Supply::Given
        } else {
            Supply::Beside
        };
    }
    if run.env_files.iter().any(defines) {
        return Supply::Given;
    }
    Supply::Missing {
        env_file: normalize(&run.cwd.join(&run.env_files[0])),
    }
}

/// Append `NAME=` to the env file Compose reads (created when missing).
fn add_line(ctx: &DeployCtx, env_path: &Path, name: &str) -> Option<Fix> {
    // Only a name both readers read back as itself.
    compose_env::parse(&format!("{name}=\n")).get(name)?;
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

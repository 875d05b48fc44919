//! KW501 container-missing-variable: a compose service builds Python that reads a credential
//! at start, and nothing gives the container that variable.
//!
//! A container sees only what Compose and its image give it: the service's `environment:`,
//! its `env_file:` files, and `ENV` lines of its Dockerfile. The `.env` beside the compose file
//! is for `${X}` interpolation in the compose file only; it does not reach the container. The
//! program then stops at `os.environ["OPENAI_API_KEY"]` (or sends no key) although the same
//! code works on the developer's machine, where `load_dotenv()` reads the local `.env`.
//!
//! Reported on the service's name, for a service whose `build:` context is inside the project
//! and holds Python modules (not test code) that read a variable at start (at module level or
//! under `if __name__ == "__main__":`, with no default, a credential or a config field's value,
//! as KW201 decides) when the variable is in none of: the service's `environment:`, an
//! `env_file:` the project has (a listed file keywire cannot read, or a missing optional one,
//! makes no claim at all), an `ENV` of the service's Dockerfile, or a `.env` the image carries
//! (copied by the Dockerfile, not excluded by the build's ignore file: the Dockerfile's own
//! `<Dockerfile>.dockerignore`, else the `.dockerignore` at the root of the service's build
//! context) that the program loads with
//! `load_dotenv()`. No claim either when the service's Dockerfile is not in the project.
//! Compose files of one folder (`compose.yaml` and `compose.override.yaml`) are merged as
//! Compose merges them: what any of them gives the service counts.
//!
//! Bad:
//! ```yaml
//! services:
//!   app:
//!     build: .        # app.py: key = os.environ["OPENAI_API_KEY"]
//! ```
//! Good:
//! ```yaml
//! services:
//!   app:
//!     build: .
//!     environment:
//!       OPENAI_API_KEY: ${OPENAI_API_KEY}
//! ```
//!
//! Fixes (not applied by `--fix`): add `X: ${X}` to the service's `environment:` (a `- X=${X}`
//! item in a list, the block created when missing, in the file's indentation), or
//! `${X:?X is not set}` when the `.env` beside the compose file does not define it, so that
//! Compose stops with that message instead of passing an empty value. When the service has an
//! `env_file:` list and that `.env` defines `X`: add `.env` to the list instead.

use std::path::{Path, PathBuf};

use super::helpers::deploy::{
    build_paths, compose_dotenv, copy_covers, dockerfile, dockerignore, line_end, line_indent,
    modules_under, newline, normalize, startup_reads,
};
use super::DeployCtx;
use crate::engine::compose::Service;
use crate::engine::diagnostic::{Edit, Finding, Fix};
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
    for service in &compose.services {
        check_service(ctx, dir, service, out);
    }
}

/// What the container is given: None when keywire cannot tell.
struct Given {
    names: Vec<String>,
}

fn check_service(ctx: &DeployCtx, dir: &Path, service: &Service, out: &mut Vec<Finding>) {
    let Some(build) = &service.build else {
        return;
    };
    let Some((context, dockerfile_path)) = build_paths(ctx.path, build) else {
        return;
    };
    if !context.starts_with(&ctx.ws.root) {
        return;
    }
    let Some(docker) = dockerfile(ctx.ws, &dockerfile_path) else {
        return;
    };
    let Some(given) = given(ctx, dir, &context, service, docker) else {
        return;
    };
    // Tests are not what the container runs at start.
    let modules: Vec<_> = modules_under(ctx.ws, &context)
        .into_iter()
        .filter(|(p, _)| !ctx.ws.is_test_code(p, ""))
        .collect();
    let loads = modules.iter().any(|(_, f)| !f.loads.is_empty());
    let baked = if loads {
        image_dotenv(ctx, &context, &dockerfile_path, docker)
    } else {
        Vec::new()
    };
    let dotenv = compose_dotenv(ctx.ws, ctx.path);
    let mut reported: Vec<&str> = Vec::new();
    for (path, facts) in &modules {
        for read in startup_reads(facts) {
            let name = read.name.as_str();
            if reported.contains(&name)
                || given.names.iter().any(|n| n == name)
                || baked.iter().any(|n| n == name)
                || facts.env_writes.iter().any(|w| w.name == name)
            {
                continue;
            }
            reported.push(name);
            let rel = ctx.ws.display_path(path);
            let mut finding = Finding::new(
                Rule::KW501,
                ctx.path,
                service.name_span,
                format!(
                    "service `{}` runs {rel}, which reads `{name}` at start, but nothing gives \
                     the container `{name}`: {}, {}, and no `ENV {name}` in {}",
                    service.name,
                    if service.environment.is_some() {
                        "its `environment:` does not list it"
                    } else {
                        "no `environment:`"
                    },
                    if service.env_files.is_some() {
                        "its `env_file:` files do not define it"
                    } else {
                        "no `env_file:`"
                    },
                    ctx.ws.display_path(&dockerfile_path)
                ),
            )
            .related((*path).clone(), read.span, format!("`{name}` is read here"));
            let local = dotenv
                .as_ref()
                .and_then(|(p, env)| Some((p, env.entry(name)?)));
            if let Some((p, entry)) = local {
                finding = finding.related(
                    p.clone(),
                    entry.name_span,
                    format!("`{name}` is defined here, for this machine only"),
                );
            }
            if let Some(fix) = environment_fix(ctx, service, name, local.is_some()) {
                finding = finding.fix(fix);
            }
            if local.is_some() {
                if let Some(fix) = env_file_fix(ctx, service) {
                    finding = finding.fix(fix);
                }
            }
            out.push(finding);
        }
    }
}

/// The names the service's `environment:`, `env_file:` files and Dockerfile `ENV` give; None
/// when an `env_file` cannot be read (it may give anything).
fn given(
    ctx: &DeployCtx,
    dir: &Path,
    _context: &Path,
    service: &Service,
    docker: &crate::engine::dockerfile::DockerfileFacts,
) -> Option<Given> {
    let mut names: Vec<String> = Vec::new();
    if let Some(env) = &service.environment {
        if env.flow && env.entries.is_empty() && !env.span.is_empty() {
            // `environment: ${VARS}` or another form keywire does not read.
            return None;
        }
        names.extend(env.entries.iter().map(|e| e.name.clone()));
    }
    if let Some(files) = &service.env_files {
        if files.files.is_empty() {
            return None;
        }
        for f in &files.files {
            if f.path.contains('$') {
                return None;
            }
            let path = normalize(&dir.join(&f.path));
            let file = ctx.ws.env_file(&path)?;
            names.extend(
                crate::engine::compose_env::parse(&file.text)
                    .entries
                    .into_iter()
                    .map(|e| e.name),
            );
        }
    }
    names.extend(
        docker
            .vars
            .iter()
            .filter(|v| !v.arg)
            .map(|v| v.name.clone()),
    );
    // Compose merges `compose.yaml` with `compose.override.yaml` (and the like) of the same
    // folder: what the other files give the same service counts.
    for (path, file) in ctx.ws.deploy_files() {
        let DeployFacts::Compose(other) = &file.facts else {
            continue;
        };
        if path.as_path() == ctx.path || path.parent() != Some(dir) {
            continue;
        }
        for s in other.services.iter().filter(|s| s.name == service.name) {
            if let Some(env) = &s.environment {
                names.extend(env.entries.iter().map(|e| e.name.clone()));
            }
            if s.env_files.is_some() {
                return None;
            }
        }
    }
    Some(Given { names })
}

/// The names of the context's `.env` when the Dockerfile copies it into the image and the
/// build's ignore file (the Dockerfile's own, else the context's) does not exclude it.
fn image_dotenv(
    ctx: &DeployCtx,
    context: &Path,
    dockerfile_path: &Path,
    docker: &crate::engine::dockerfile::DockerfileFacts,
) -> Vec<String> {
    let env_path: PathBuf = context.join(".env");
    let Some(file) = ctx.ws.env_file(&env_path) else {
        return Vec::new();
    };
    let copied = docker
        .copies
        .iter()
        .any(|c| c.sources.iter().any(|s| copy_covers(s, ".env")));
    let ignored = dockerignore(ctx.ws, context, dockerfile_path)
        .1
        .is_some_and(|i| i.excludes(".env"));
    if !copied || ignored {
        return Vec::new();
    }
    file.parsed.entries.iter().map(|e| e.key.clone()).collect()
}

/// Add the variable to the service's `environment:`, keeping the file's indentation.
fn environment_fix(ctx: &DeployCtx, service: &Service, name: &str, defined: bool) -> Option<Fix> {
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    let text: &str = &ctx.file.text;
    let nl = newline(text);
    let value = if defined {
        format!("${{{name}}}")
    } else {
        format!("${{{name}:?{name} is not set}}")
    };
    let (at, insert) = match &service.environment {
        Some(env) if env.flow => return None,
        Some(env) => {
            let first = env.entries.first()?;
            let last = env.entries.last()?;
            let indent = line_indent(text, first.span.start);
            let at = line_end(text, last.span.end);
            if env.list {
                (at, format!("{nl}{indent}- {name}={value}"))
            } else {
                (at, format!("{nl}{indent}{name}: {value}"))
            }
        }
        None => {
            let key_indent = line_indent(text, service.span.start);
            let name_indent = line_indent(text, service.name_span.start).len();
            let step = key_indent.len().saturating_sub(name_indent).max(1);
            let child = format!("{key_indent}{}", &" ".repeat(step));
            let at = line_end(text, service.span.end);
            (
                at,
                format!("{nl}{key_indent}environment:{nl}{child}{name}: {value}"),
            )
        }
    };
    // The edit must leave a compose file that gives the service the variable.
    verified_insert(
        ctx,
        service,
        at,
        insert,
        |s| {
            s.environment
                .as_ref()
                .is_some_and(|e| e.entries.iter().any(|e| e.name == name))
        },
        format!(
            "Add `{name}` to the `environment:` of service `{}`",
            service.name
        ),
    )
}

/// Add the `.env` beside the compose file to the service's block-list `env_file:` (it then
/// gives the container every variable of that file).
fn env_file_fix(ctx: &DeployCtx, service: &Service) -> Option<Fix> {
    let files = service.env_files.as_ref()?;
    if files.single || files.files.is_empty() {
        return None;
    }
    let text: &str = &ctx.file.text;
    let first = files.files.first()?;
    let last = files.files.last()?;
    // Block items only: a `- ` before each.
    let lead = line_indent(text, first.span.start);
    let line_start = text[..first.span.start].rfind('\n').map_or(0, |i| i + 1);
    if !text[line_start + lead.len()..].starts_with("- ") {
        return None;
    }
    let at = line_end(text, last.span.end);
    let insert = format!("{}{lead}- .env", newline(text));
    verified_insert(
        ctx,
        service,
        at,
        insert,
        |s| {
            s.env_files
                .as_ref()
                .is_some_and(|f| f.files.len() == files.files.len() + 1)
        },
        format!(
            "Add `.env` to the `env_file:` of service `{}` (every variable of it)",
            service.name
        ),
    )
}

/// A fix inserting `insert` at `at` of the compose file, offered only when the file it leaves
/// still reads without error and `gives` holds for the service there.
fn verified_insert(
    ctx: &DeployCtx,
    service: &Service,
    at: usize,
    insert: String,
    gives: impl Fn(&Service) -> bool,
    title: String,
) -> Option<Fix> {
    let text: &str = &ctx.file.text;
    let mut new_text = String::with_capacity(text.len() + insert.len());
    new_text.push_str(&text[..at]);
    new_text.push_str(&insert);
    new_text.push_str(&text[at..]);
    let after = crate::engine::compose::read(&new_text);
    let ok = after.error.is_none()
        && after
            .services
            .iter()
            .any(|s| s.name == service.name && gives(s));
    ok.then(|| Fix {
        title,
        edits: vec![Edit {
            path: ctx.path.to_path_buf(),
            span: Span::empty(at),
            new_text: insert,
            create: false,
        }],
        safe: false,
        sensitive: false,
    })
}

//! KW603 environment-out-of-sync: the virtualenv or the lock file holds another version of an
//! AutoGen distribution or `openai` than the manifest declares.
//!
//! The editor and a local run use the project's virtualenv (`.venv/`, `venv/`, `env/` beside
//! the code, `VIRTUAL_ENV`, or VS Code's `python.defaultInterpreterPath`); CI and a fresh
//! clone install what the manifest and lock file say. When they differ, the code is checked and
//! run against one AutoGen while it ships with another: an import that works locally fails in
//! CI, or a config that works in CI gets a 401 or a `TypeError` on the laptop. keywire reads
//! the virtualenv's `*.dist-info/METADATA` (never by running Python) and reports, at the
//! manifest's line: a declared distribution missing from the virtualenv, an installed version
//! the specifier does not admit, an installed version other than the lock's, and a lock whose
//! version the manifest no longer admits.
//!
//! No edit: the fix is a command, named in the message for the project's tool (`uv sync`,
//! `poetry install`, `pipenv sync`, `pdm sync`, `pip install -r requirements.txt`).
//!
//! Bad (`requirements.txt`: `autogen-agentchat>=0.4`, `.venv` has autogen-agentchat 0.2.40):
//! ```text
//! autogen-agentchat>=0.4
//! ```
//! Good: the same line, after `pip install -r requirements.txt`.

use std::path::Path;

use super::helpers::packages::environment;
use crate::engine::diagnostic::Finding;
use crate::engine::packages::{data, Environment, Manifest, ManifestKind, Tool};
use crate::engine::rules::Rule;
use crate::engine::workspace::Workspace;

pub(crate) fn check(ws: &Workspace, path: &Path, manifest: &Manifest, out: &mut Vec<Finding>) {
    let env = environment(ws, path);
    let command = command(ws, path, manifest, &env);
    let rel = |p: &Path| {
        p.strip_prefix(&ws.root)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/")
    };
    for req in &manifest.requirements {
        if req.name != data::OPENAI && !data::AUTOGEN_DISTS.contains(&req.name.as_str()) {
            continue;
        }
        let spec = req.spec_text();
        let locked = env.locked(&req.name);
        let mut problem = None;
        if let Some(installed) = env.installed {
            let venv = rel(&installed.root);
            match installed.dists.get(&req.name) {
                None => {
                    problem = Some(format!(
                        "{} is declared but not installed in {venv}",
                        req.name
                    ))
                }
                Some(d) if !req.admits(&d.version) => {
                    problem = Some(format!(
                        "{venv} has {} {}, which `{}{spec}` does not admit",
                        req.name, d.version, req.name
                    ))
                }
                Some(d) => {
                    if let Some((lock, v)) = locked.filter(|(_, v)| **v != d.version) {
                        problem = Some(format!(
                            "{venv} has {} {} but {} locks {v}",
                            req.name,
                            d.version,
                            rel(lock)
                        ));
                    }
                }
            }
        }
        if problem.is_none() {
            if let Some((lock, v)) = locked.filter(|(_, v)| !req.admits(v)) {
                problem = Some(format!(
                    "{} locks {} {v}, which `{}{spec}` does not admit (the lock file is stale)",
                    rel(lock),
                    req.name,
                    req.name
                ));
            }
        }
        if let Some(problem) = problem {
            out.push(Finding::new(
                Rule::KW603,
                path,
                req.span,
                format!("{problem}: the editor and local runs use another version than a fresh install; run `{command}`"),
            ));
        }
    }
}

/// The command that makes the virtualenv what the project declares.
fn command(ws: &Workspace, path: &Path, manifest: &Manifest, env: &Environment) -> String {
    if let Some((_, lock)) = env.locks.first() {
        return lock.kind.sync_command().to_string();
    }
    let file = path
        .strip_prefix(&ws.root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/");
    match (manifest.kind, manifest.tool) {
        (_, Some(Tool::Poetry)) => "poetry install".into(),
        (_, Some(Tool::Pipenv)) => "pipenv install".into(),
        (ManifestKind::Requirements, _) => format!("pip install -r {file}"),
        (ManifestKind::CondaEnv, _) => format!("conda env update -f {file}"),
        _ => "pip install -e .".into(),
    }
}

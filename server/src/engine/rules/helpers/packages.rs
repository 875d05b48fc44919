//! What the package rules share: a module's environment, and what an import needs.

use std::path::Path;

use crate::engine::packages::{self, data, Environment, Source, View};
use crate::engine::python::Import;
use crate::engine::workspace::Workspace;

/// The environment (manifests, locks, virtualenv) of code at `path`.
pub(crate) fn environment<'a>(ws: &'a Workspace, path: &Path) -> Environment<'a> {
    ws.packages().environment(&ws.root, path)
}

/// The top-level package of an absolute import (`autogen_ext` for
/// `from autogen_ext.models.openai import …`).
pub(crate) fn top_level(import: &Import) -> Option<&str> {
    (import.level == 0)
        .then(|| import.module.split('.').next())
        .flatten()
        .filter(|t| !t.is_empty())
}

/// The import sits in a `try:` block (an optional dependency the code handles itself).
pub(crate) fn guarded(text: &str, at: usize) -> bool {
    let line_start = text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let indent = |line: &str| line.len() - line.trim_start().len();
    let own = indent(&text[line_start..]);
    if own == 0 {
        return false;
    }
    for line in text[..line_start].lines().rev() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if indent(line) < own {
            return trimmed.starts_with("try:") || trimmed.starts_with("try :");
        }
    }
    false
}

/// The workspace holds the package itself (a folder or module of that name): the code imports
/// its own source, not an installed distribution.
pub(crate) fn local_package(ws: &Workspace, top: &str) -> bool {
    ws.python_modules().any(|(p, _)| {
        p.components().any(|c| c.as_os_str() == top) || p.file_stem().is_some_and(|s| s == top)
    })
}

/// Whether a view's distributions install `top` (and `autogen.LLMConfig` when needed).
pub(crate) fn provides(view: &View, top: &str, needs_llm_config: bool) -> bool {
    packages::provided_imports(view).contains(&top)
        && (!needs_llm_config || packages::provides_llm_config(view))
}

/// "requirements.txt declares autogen-agentchat>=0.4 (newest: 0.7.5)", ".venv has …".
pub(crate) fn describe_view(ws: &Workspace, env: &Environment, view: &View) -> String {
    let rel = |p: &Path| {
        p.strip_prefix(&ws.root)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/")
    };
    let dists: Vec<String> = view
        .dists
        .iter()
        .filter(|(d, _, _)| d != data::OPENAI)
        .map(|(d, v, decl)| match (view.source, decl) {
            (Source::Declared, Some((_, r))) if r.specifiers.is_some() => {
                let spec = r.spec_text();
                // `~=0.2` reads like "0.2.x" but admits every 0.x release.
                let note = match spec.strip_prefix("~=") {
                    Some(base) if base.split('.').count() == 2 => {
                        format!("; `~={base}` admits every release below the next major version")
                    }
                    _ => String::new(),
                };
                format!("{d}{spec} (a fresh install gets {v}{note})")
            }
            (Source::Declared, _) => format!("{d} (a fresh install gets {v})"),
            _ => format!("{d} {v}"),
        })
        .collect();
    let whence = match view.source {
        Source::Installed => env
            .installed
            .map(|i| format!("{} has", rel(&i.root)))
            .unwrap_or_else(|| "the virtualenv has".into()),
        Source::Locked => env
            .locks
            .first()
            .map(|(p, _)| format!("{} locks", rel(p)))
            .unwrap_or_else(|| "the lock file locks".into()),
        Source::Declared => {
            let files: Vec<String> = view
                .dists
                .iter()
                .filter_map(|(_, _, d)| d.map(|(p, _)| rel(p)))
                .fold(Vec::new(), |mut acc, f| {
                    if !acc.contains(&f) {
                        acc.push(f);
                    }
                    acc
                });
            format!("{} declares", files.join(", "))
        }
    };
    format!("{whence} {}", dists.join(", "))
}

/// Whether the project of the checked module has openai < 1 (`Some(true)`), >= 1
/// (`Some(false)`), or says nothing: the first of installed, locked, declared that names
/// `openai` or an AutoGen release that requires one.
pub(crate) fn openai_pre_v1(ctx: &crate::engine::rules::PyCtx) -> Option<bool> {
    let ws = ctx.beyond();
    if ws.packages().is_empty() {
        return None;
    }
    let env = environment(ws, ctx.path);
    let mut dists = vec![data::OPENAI];
    dists.extend_from_slice(data::AUTOGEN_DISTS);
    let one = pep440_rs::Version::new([1]);
    for view in env.views(&dists) {
        if let Some((_, v, _)) = view.dists.iter().find(|(d, _, _)| d == data::OPENAI) {
            return Some(*v < one);
        }
        for (d, v, _) in &view.dists {
            let needs = packages::line_of(d, v).and_then(|l| l.openai);
            if let Some(spec) = needs.and_then(|s| s.parse::<pep440_rs::VersionSpecifiers>().ok()) {
                return Some(
                    !spec.contains(&one) && !spec.contains(&pep440_rs::Version::new([1, 3])),
                );
            }
        }
    }
    None
}

//! What the compose file and Dockerfile rules share: paths of a build, the Python a build
//! context holds and what it reads at start, the `.env` Compose reads beside a compose file,
//! and edits that keep a YAML block's indentation.

use std::path::{Path, PathBuf};

use crate::engine::compose::Build;
use crate::engine::compose_env::{self, ComposeEnv};
use crate::engine::dockerfile::{DockerIgnore, DockerfileFacts};
use crate::engine::python::{EnvRead, FieldValue, PyFacts};
use crate::engine::runners::compose::ComposeRun;
use crate::engine::secrets;
use crate::engine::workspace::{DeployFacts, Workspace};

pub(crate) use crate::engine::paths::normalize;

/// `path` relative to `root` with `/`, or None outside it.
pub(crate) fn relative(path: &Path, root: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// The `.env` Compose reads for interpolation: the one beside the compose file, as Compose
/// parses it (None when the workspace holds no such file).
pub(crate) fn compose_dotenv(ws: &Workspace, compose: &Path) -> Option<(PathBuf, ComposeEnv)> {
    let path = compose.parent()?.join(".env");
    let file = ws.env_file(&path)?;
    Some((path.clone(), compose_env::parse(&file.text)))
}

/// The commands of the project that run Compose on `compose` (run files and workflow steps):
/// those naming it with `-f`, and those without `-f` running in its folder, or below it where
/// no compose file of their own folder comes first (Compose looks upward for one).
pub(crate) fn compose_runs_of<'a>(
    ws: &'a Workspace,
    compose: &Path,
) -> Vec<(&'a PathBuf, ComposeRun)> {
    let Some(dir) = compose.parent() else {
        return Vec::new();
    };
    let has_compose = |d: &Path| {
        ws.deploy_files()
            .any(|(p, f)| p.parent() == Some(d) && matches!(f.facts, DeployFacts::Compose(_)))
    };
    ws.compose_runs()
        .into_iter()
        .filter(|(_, run)| {
            if run.files.is_empty() {
                run.cwd == dir || (run.cwd.starts_with(dir) && !has_compose(&run.cwd))
            } else {
                run.files
                    .iter()
                    .any(|f| normalize(&run.cwd.join(f)) == compose)
            }
        })
        .collect()
}

/// A template (`.env.example`…) in the folder of `dir` or above that lists `name`: the shell
/// (or CI) may export it.
pub(crate) fn template_listing(ws: &Workspace, dir: &Path, name: &str) -> Option<PathBuf> {
    ws.env_files()
        .filter(|(p, f)| f.template && p.parent().is_some_and(|d| dir.starts_with(d)))
        .find(|(_, f)| f.parsed.get(name).is_some())
        .map(|(p, _)| p.clone())
}

/// A read the program cannot start without: at module level (which includes an
/// `if __name__ == "__main__":` block), no default, of a credential-like name or feeding a
/// config field (as KW201 decides which reads matter).
pub(crate) fn startup_reads(facts: &PyFacts) -> impl Iterator<Item = &EnvRead> {
    let feeds: Vec<usize> = facts
        .entries
        .iter()
        .flat_map(|e| e.fields.iter())
        .filter_map(|f| match f.value {
            FieldValue::Env(i) => Some(i),
            _ => None,
        })
        .collect();
    facts
        .env_reads
        .iter()
        .enumerate()
        .filter_map(move |(i, r)| {
            (r.module_level
                && !r.has_default
                && (feeds.contains(&i) || secrets::is_credential_name(&r.name)))
            .then_some(r)
        })
}

/// Every module the workspace holds under `dir`, sorted by path.
pub(crate) fn modules_under<'a>(
    ws: &'a Workspace,
    dir: &'a Path,
) -> Vec<(&'a PathBuf, &'a PyFacts)> {
    let mut out: Vec<_> = ws
        .python_modules()
        .filter(|(p, _)| p.starts_with(dir))
        .map(|(p, m)| (p, &*m.facts))
        .collect();
    out.sort_by(|a, b| a.0.cmp(b.0));
    out
}

/// Every module of the workspace that reads `name`, with the read, sorted by path.
pub(crate) fn readers<'a>(ws: &'a Workspace, name: &str) -> Vec<(&'a PathBuf, &'a EnvRead)> {
    let mut out: Vec<_> = ws
        .python_modules()
        .filter_map(|(p, m)| Some((p, m.facts.env_reads.iter().find(|r| r.name == name)?)))
        .collect();
    out.sort_by(|a, b| a.0.cmp(b.0));
    out
}

pub(crate) fn dockerfile<'a>(ws: &'a Workspace, path: &Path) -> Option<&'a DockerfileFacts> {
    match &ws.deploy_file(path)?.facts {
        DeployFacts::Dockerfile(f) => Some(f),
        _ => None,
    }
}

/// The ignore file a build of `dockerfile` with `context` uses, as BuildKit picks it: the
/// Dockerfile's own `<Dockerfile>.dockerignore` beside it when there is one (it replaces the
/// context's), else the `.dockerignore` at the context's root. Its path and patterns.
pub(crate) fn dockerignore<'a>(
    ws: &'a Workspace,
    context: &Path,
    dockerfile: &Path,
) -> (PathBuf, Option<&'a DockerIgnore>) {
    let mut own = dockerfile.as_os_str().to_owned();
    own.push(".dockerignore");
    for path in [PathBuf::from(own), context.join(".dockerignore")] {
        if let Some(DeployFacts::DockerIgnore(f)) = ws.deploy_file(&path).map(|f| &f.facts) {
            return (path, Some(f));
        }
    }
    (context.join(".dockerignore"), None)
}

/// A compose service's build: its context and Dockerfile, as normalised paths. None for a
/// context keywire cannot place (a URL, an interpolated path).
pub(crate) fn build_paths(compose: &Path, build: &Build) -> Option<(PathBuf, PathBuf)> {
    if build.context.contains("://") || build.context.contains('$') {
        return None;
    }
    let dir = compose.parent()?;
    let context = normalize(&dir.join(&build.context));
    let file = build.dockerfile.as_deref().unwrap_or("Dockerfile");
    if file.contains('$') {
        return None;
    }
    let dockerfile = normalize(&context.join(file));
    Some((context, dockerfile))
}

/// The build contexts `dockerfile` is built with: those of the compose services of the
/// project that build it, else its own folder (`docker build .` beside it).
pub(crate) fn build_contexts(ws: &Workspace, dockerfile: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    for (path, file) in ws.deploy_files() {
        let DeployFacts::Compose(compose) = &file.facts else {
            continue;
        };
        for build in compose.services.iter().filter_map(|s| s.build.as_ref()) {
            if let Some((context, built)) = build_paths(path, build) {
                if built == dockerfile && context.starts_with(&ws.root) && !out.contains(&context) {
                    out.push(context);
                }
            }
        }
    }
    if out.is_empty() {
        out.extend(dockerfile.parent().map(Path::to_path_buf));
    }
    out
}

/// Whether a `COPY`/`ADD` source (relative to the context) brings the file at `rel` into the
/// image: `.`, a folder above it, the file itself, or a glob matching it.
pub(crate) fn copy_covers(source: &str, rel: &str) -> bool {
    let src = source.trim_start_matches("./").trim_end_matches('/');
    if src.is_empty() || src == "." || src == "*" {
        return true;
    }
    if rel == src || rel.starts_with(&format!("{src}/")) {
        return true;
    }
    if src.contains(['*', '?', '[']) {
        let ig = DockerIgnore::parse(src);
        return ig.excludes(rel);
    }
    false
}

/// The leading blanks of the line holding byte `at`.
pub(crate) fn line_indent(text: &str, at: usize) -> &str {
    let start = text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[start..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// The byte offset of the end of the line holding `at` (before its `\r\n` or `\n`).
pub(crate) fn line_end(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    if end > at && text[..end].ends_with('\r') {
        end - 1
    } else {
        end
    }
}

/// The file's line break: `\r\n` when its first line ends so.
pub(crate) fn newline(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

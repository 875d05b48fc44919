//! Which runners load a `.env` file for a module: the runner loads it (`Runner::env_files`)
//! and runs the module, or an entry point that imports it (through the import graph), or
//! anything under its directory ([`Entry::Any`]). Reads the workspace and its import graph.

use rustc_hash::FxHashSet as HashSet;
use std::path::{Path, PathBuf};

use crate::engine::runners::{normalize, Entry, Runner};
use crate::engine::workspace::Workspace;

/// The runners that load `env` for `module`, with the file stating each: those that run it
/// outside an editor first (see `RunnerKind::is_editor`), then by file.
pub fn runners_loading<'a>(
    ws: &'a Workspace,
    module: &Path,
    env: &Path,
) -> Vec<(&'a Path, &'a Runner)> {
    let mut out: Vec<(&Path, &Runner)> = Vec::new();
    let mut importers: Option<HashSet<PathBuf>> = None;
    for (file, runner) in ws.runners() {
        if !runner.env_paths().any(|p| p == env) {
            continue;
        }
        let runs = runner
            .runs
            .iter()
            .any(|entry| runs_module(ws, runner, entry, module, &mut importers));
        if runs {
            out.push((file.as_path(), runner));
        }
    }
    out.sort_by_key(|(_, r)| r.kind.is_editor());
    out
}

/// Whether `entry` of `runner` runs `module`: it is the entry, or the entry imports it.
fn runs_module(
    ws: &Workspace,
    runner: &Runner,
    entry: &Entry,
    module: &Path,
    importers: &mut Option<HashSet<PathBuf>>,
) -> bool {
    let mut imported_by = |target: &Path| {
        target == module
            || importers
                .get_or_insert_with(|| ws.derived().ancestors(module))
                .contains(target)
    };
    let cwd = &runner.cwd;
    match entry {
        Entry::Any => module.starts_with(cwd),
        Entry::Script(p) => imported_by(&normalize(&cwd.join(p))),
        Entry::Module(name) => module_paths(cwd, name)
            .into_iter()
            .filter(|p| ws.python_module(p).is_some())
            .any(|p| imported_by(&p)),
        Entry::Tests => runs_tests(ws, module, cwd, importers),
        Entry::TestPath(p) => {
            let path = normalize(&cwd.join(p));
            if path.extension().is_some_and(|e| e == "py") {
                imported_by(&path)
            } else {
                runs_tests(ws, module, &path, importers)
            }
        }
    }
}

/// Whether pytest collecting under `dir` runs `module`: it is a test module there, or one
/// imports it.
fn runs_tests(
    ws: &Workspace,
    module: &Path,
    dir: &Path,
    importers: &mut Option<HashSet<PathBuf>>,
) -> bool {
    if !module.starts_with(dir) {
        return false;
    }
    if is_test_module(module, dir) {
        return true;
    }
    importers
        .get_or_insert_with(|| ws.derived().ancestors(module))
        .iter()
        .any(|p| is_test_module(p, dir))
}

/// Where `python -m name` finds the module, from `cwd` (and a `src/` layout).
fn module_paths(cwd: &Path, name: &str) -> Vec<PathBuf> {
    if name.is_empty()
        || name
            .split('.')
            .any(|p| p.is_empty() || p.contains(['/', '\\']))
    {
        return Vec::new();
    }
    let rel: PathBuf = name.split('.').collect();
    let mut out = Vec::new();
    for base in [cwd.to_path_buf(), cwd.join("src")] {
        let stem = base.join(&rel);
        out.push(stem.with_extension("py"));
        out.push(stem.join("__main__.py"));
        out.push(stem.join("__init__.py"));
    }
    out
}

/// What pytest run from `cwd` collects by default: `test_*.py`, `*_test.py` and
/// `conftest.py` under `cwd`, or a module in a `tests` / `test` folder below `cwd`.
fn is_test_module(path: &Path, cwd: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(cwd) else {
        return false;
    };
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name == "conftest.py"
        || (name.starts_with("test_") && name.ends_with(".py"))
        || name.ends_with("_test.py")
        || rel.parent().is_some_and(|d| {
            d.components()
                .any(|c| c.as_os_str() == "tests" || c.as_os_str() == "test")
        })
}

/// The workspace modules an entry starts, run from `cwd`: the script, the module `python -m`
/// finds, or every test module under `cwd`. Nothing for [`Entry::Any`].
pub fn entry_modules(ws: &Workspace, cwd: &Path, entry: &Entry) -> Vec<PathBuf> {
    match entry {
        Entry::Script(p) => {
            let path = normalize(&cwd.join(p));
            ws.python_module(&path).map(|_| path).into_iter().collect()
        }
        Entry::Module(name) => module_paths(cwd, name)
            .into_iter()
            .find(|p| ws.python_module(p).is_some())
            .into_iter()
            .collect(),
        Entry::Tests => test_modules(ws, cwd),
        Entry::TestPath(p) => {
            let path = normalize(&cwd.join(p));
            if path.extension().is_some_and(|e| e == "py") {
                ws.python_module(&path).map(|_| path).into_iter().collect()
            } else {
                test_modules(ws, &path)
            }
        }
        Entry::Any => Vec::new(),
    }
}

/// The test modules pytest collects under `dir`, sorted.
fn test_modules(ws: &Workspace, dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = ws
        .python_modules()
        .map(|(p, _)| p)
        .filter(|p| is_test_module(p, dir))
        .cloned()
        .collect();
    out.sort();
    out
}

/// `module` and the modules it imports at module level, directly or not: what runs when it
/// starts.
pub fn started_modules(ws: &Workspace, module: &Path) -> Vec<PathBuf> {
    let mut out = vec![module.to_path_buf()];
    let Some(m) = ws.python_module(module) else {
        return out;
    };
    out.extend(ws.derived().started_by(&m.facts, module));
    out
}

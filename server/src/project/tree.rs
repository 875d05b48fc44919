//! Loading a tree: everything under some paths, with the config that applies to them, into a
//! [`Workspace`] (see [`load`]).
//!
//! Owns the order of the steps (config discovery, walk, files named on the command line, .env
//! files above the paths, deferred prefilter work, .env texts with their git status). Must
//! never hold a file kind's own reading or extraction rules: those are the walk's and the
//! engine's.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::cache::{FactsCache, Outcome};
use super::config::find_config;
use super::git::GitIgnoreCache;
use super::paths::absolute_normalized;
use super::read::read_source;
use super::walk::{build_exclude, fast_facts, lock, walk, PyResult, WalkCtx};
use super::{FileUpdate, LoadError, LoadOptions, Loaded, Skipped, SourceFile};
use crate::engine::config::Config;
use crate::engine::python;
use crate::engine::test_code::UnreadConfigs;
use crate::engine::workspace::{file_kind, FileKind, Workspace};

/// Load everything under `roots` (directories or files; none means the current directory).
pub fn load(roots: &[PathBuf], opts: &LoadOptions) -> Result<Loaded, LoadError> {
    let (first, roots) = prepare_roots(roots)?;
    let start = if first.is_dir {
        first.path.clone()
    } else {
        first
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    };
    let found = find_config(&start)?;
    let (root, config, config_file, config_text) = match found {
        Some(found) => (found.dir, found.config, Some(found.file), Some(found.text)),
        None => {
            // No config: the git work tree is the project (where python-dotenv's upward
            // search for .env and the rules' "nearest .env" look); else the first path.
            let repo = start
                .ancestors()
                .find(|d| fs::symlink_metadata(d.join(".git")).is_ok())
                .map(Path::to_path_buf);
            (repo.unwrap_or(start), Config::default(), None, None)
        }
    };

    let exclude = build_exclude(&root, &config.exclude);
    let canonical_roots: Vec<PathBuf> = roots
        .iter()
        .filter_map(|r| {
            let dir = if r.is_dir {
                r.path.as_path()
            } else {
                r.path.parent()?
            };
            fs::canonicalize(dir).ok()
        })
        .collect();

    let cache = opts
        .cache
        .then(|| FactsCache::open(&root, &format!("{:?} {:?}", opts.prefilter, config)));
    let findings_cache = opts.cache.then(|| {
        let paths: Vec<PathBuf> = roots.iter().map(|r| r.path.clone()).collect();
        super::FindingsCache::new(&root, &paths)
    });
    let ctx = WalkCtx {
        cache: cache.as_ref(),
        opts,
        canonical_roots: &canonical_roots,
        exclude: exclude.as_deref(),
        root: &root,
        python: Mutex::new(Vec::new()),
        env: Mutex::new(Vec::new()),
        markers: Mutex::new(Vec::new()),
        run_files: Mutex::new(Vec::new()),
        skipped: Mutex::new(Vec::new()),
        loads_seen: Default::default(),
        tests: UnreadConfigs::new(&root, &config),
    };

    let dirs: Vec<&Path> = roots
        .iter()
        .filter(|r| r.is_dir)
        .map(|r| r.path.as_path())
        .collect();
    if !dirs.is_empty() {
        walk(&ctx, &dirs, exclude.clone());
    }

    // Files named on the command line are checked even when excluded or ignored.
    for r in roots.iter().filter(|r| !r.is_dir) {
        match file_kind(&r.path) {
            FileKind::Python | FileKind::Notebook => {
                let mut out = Vec::new();
                let mut skipped = Vec::new();
                ctx.python_file(&r.path, false, &mut out, &mut skipped);
                lock(&ctx.python).extend(out);
                lock(&ctx.skipped).extend(skipped);
            }
            FileKind::Env
            | FileKind::EnvTemplate
            | FileKind::ConfigJson { .. }
            | FileKind::Compose
            | FileKind::Dockerfile
            | FileKind::DockerIgnore => lock(&ctx.env).push(r.path.clone()),
            FileKind::RunFile | FileKind::Workflow | FileKind::Manifest => {
                lock(&ctx.run_files).push(r.path.clone())
            }
            FileKind::Other if r.path.extension().is_some_and(|e| e == "env") => {
                lock(&ctx.env).push(r.path.clone())
            }
            FileKind::Other => lock(&ctx.skipped).push(Skipped {
                path: r.path.clone(),
                reason: "not a Python, notebook, .env or OAI_CONFIG_LIST file".into(),
            }),
        }
    }

    // Context: .env files that modules under the paths may load but that lie above them (up to
    // the project root), and configured `env-files` outside the paths. Loaded, not reported.
    let mut context = Vec::new();
    for r in &roots {
        for dir in r.path.ancestors().skip(1) {
            if !dir.starts_with(&root) {
                break;
            }
            ctx.env_files_in(dir, None, &mut context, &mut lock(&ctx.skipped));
        }
    }
    for file in &config.env_files {
        let path = absolute_normalized(&root.join(file));
        if !path.is_file() {
            lock(&ctx.skipped).push(Skipped {
                path,
                reason: "listed in env-files but not found".into(),
            });
        } else if roots
            .iter()
            .any(|r| path == r.path || (r.is_dir && path.starts_with(&r.path)))
        {
            lock(&ctx.env).push(path);
        } else {
            context.push(path);
        }
    }

    let WalkCtx {
        python: py_results,
        env: env_paths,
        markers,
        run_files,
        skipped,
        ..
    } = ctx;
    let mut py_results = py_results.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut env_paths = env_paths.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut skipped = skipped.into_inner().unwrap_or_else(|e| e.into_inner());

    let mut workspace = Workspace::new(root.clone(), config);
    for (dir, found) in markers.into_inner().unwrap_or_else(|e| e.into_inner()) {
        workspace.set_dir_markers(dir, found);
    }
    let mut run_files = run_files.into_inner().unwrap_or_else(|e| e.into_inner());
    run_files.sort();
    run_files.dedup();
    sort_by_path(&mut py_results);
    py_results.dedup_by(|a, b| a.0 == b.0);
    // A workflow's steps read variables whatever .env files there are.
    let env_facts_matter = !env_paths.is_empty()
        || !context.is_empty()
        || run_files.iter().any(|p| file_kind(p) == FileKind::Workflow);
    // The files that say how the project runs are read (a lock file can take milliseconds to
    // parse) while the deferred modules are parsed.
    let mut workflows = Vec::new();
    let mut manifests = Vec::new();
    let unread = UnreadConfigs::new(&root, &workspace.config);
    rayon::join(
        || {
            read_run_files(
                &mut workspace,
                run_files,
                &roots,
                opts,
                &mut workflows,
                &mut manifests,
                &mut skipped,
            )
        },
        || parse_deferred(&mut py_results, env_facts_matter, &unread),
    );
    let imports_matter =
        workspace.runners().next().is_some() || workspace.workflows().next().is_some();
    scan_deferred(&mut py_results, opts.max_file_size, imports_matter, &unread);
    let cache_counts = cache.as_ref().map(FactsCache::counts);
    let max_file_size = opts.max_file_size;
    if let Some(cache) = cache {
        // What each file ended with, after the deferred reads: a later run skips those too.
        py_results.par_iter().for_each(|(path, text, facts, d)| {
            if let Some(c) = d.cached {
                let outcome = Outcome {
                    light: d.light,
                    env: d.env,
                    ..c.outcome
                };
                // A notebook's text is not kept: read again (only when a value is left out),
                // and used only if it is still what the facts came from.
                let module_text = || {
                    let text = match text.is_empty() {
                        true => read_source(path, max_file_size).ok()?,
                        false => text.clone(),
                    };
                    let same = super::cache::content_hash(text.as_bytes()) == c.hash;
                    same.then(|| super::cache::module_text(path, &text))?
                };
                cache.record(path, module_text, c, facts, outcome);
            }
        });
        let (hits, misses) = cache.counts();
        tracing::debug!("facts cache: {hits} files reused, {misses} read anew");
        let walked: Vec<PathBuf> = dirs.iter().map(|d| d.to_path_buf()).collect();
        cache.save(&walked);
    }
    let mut python = Vec::with_capacity(py_results.len());
    for (path, text, facts, deferred) in py_results {
        workspace.set_python_facts(path.clone(), Arc::new(facts));
        python.push(SourceFile {
            path,
            text,
            stamp: deferred.stamp,
            hash: deferred.cached.map(|c| c.hash),
            secrets_pending: deferred.secrets_pending,
            notebook: deferred.notebook,
        });
    }

    env_paths.sort();
    env_paths.dedup();
    // Config lists are found beside .env files, but nothing loads one from above the paths.
    let is_config_json = |p: &PathBuf| matches!(file_kind(p), FileKind::ConfigJson { .. });
    let is_deploy = |p: &PathBuf| {
        matches!(
            file_kind(p),
            FileKind::Compose | FileKind::Dockerfile | FileKind::DockerIgnore
        )
    };
    let (deploy_paths, env_paths): (Vec<PathBuf>, Vec<PathBuf>) =
        env_paths.into_iter().partition(is_deploy);
    let (config_paths, env_paths): (Vec<PathBuf>, Vec<PathBuf>) =
        env_paths.into_iter().partition(is_config_json);
    context.retain(|p| !is_config_json(p) && !is_deploy(p));
    context.sort();
    context.dedup();
    context.retain(|p| env_paths.binary_search(p).is_err());
    let mut git = GitIgnoreCache::default();
    let mut env = Vec::with_capacity(env_paths.len());
    let mut context_env = Vec::with_capacity(context.len());
    let all = env_paths
        .into_iter()
        .map(|p| (p, true))
        .chain(context.into_iter().map(|p| (p, false)));
    for (path, checked) in all {
        match read_source(&path, opts.max_file_size) {
            Ok(text) => {
                let status = git.status(&path);
                skipped.extend(git.take_problems());
                workspace.set_env(path.clone(), &text, status);
                if checked {
                    env.push(path);
                } else {
                    context_env.push(path);
                }
            }
            Err(reason) => skipped.push(Skipped { path, reason }),
        }
    }

    let mut config_json = Vec::with_capacity(config_paths.len());
    for path in config_paths {
        match read_source(&path, opts.max_file_size) {
            Ok(text) => {
                let status = git.status(&path);
                skipped.extend(git.take_problems());
                workspace.set_config_json(path.clone(), &text, status);
                config_json.push(path);
            }
            Err(reason) => skipped.push(Skipped { path, reason }),
        }
    }

    // Compose files, Dockerfiles and .dockerignore files: normal files, read as found.
    let mut deploy = Vec::with_capacity(deploy_paths.len());
    for path in deploy_paths {
        match read_source(&path, opts.max_file_size) {
            Ok(text) => {
                workspace.set_deploy(path.clone(), &text);
                if file_kind(&path) != FileKind::DockerIgnore {
                    deploy.push(path);
                }
            }
            Err(reason) => skipped.push(Skipped { path, reason }),
        }
    }

    // Second pass: files code names as its config list (any name, ignored or not).
    let named: Vec<(PathBuf, FileUpdate)> = python
        .iter()
        .filter_map(|f| Some((f.path.as_path(), workspace.python_module(&f.path)?)))
        .filter(|(_, m)| !m.facts.config_sources.is_empty())
        .flat_map(|(path, m)| super::config_lists_named_by(&workspace, path, &m.facts, &mut git))
        .collect();
    for (path, update) in named {
        // Checked like an `OAI_CONFIG_LIST` when it lies under the paths.
        let under = roots
            .iter()
            .any(|r| path == r.path || (r.is_dir && path.starts_with(&r.path)));
        if under && !config_json.contains(&path) {
            config_json.push(path.clone());
        }
        update.apply(&mut workspace, path);
    }
    config_json.sort();

    skipped.sort();
    skipped.dedup_by(|a, b| a.path == b.path);

    Ok(Loaded {
        root,
        config_file,
        config_text,
        workspace,
        python,
        env,
        config_json,
        deploy,
        workflows,
        manifests,
        context_env,
        skipped,
        cache_counts,
        findings_cache,
    })
}

/// Sort by path: facts are large, and the keyed sort puts each result in its place with one
/// swap rather than moving it at every comparison.
fn sort_by_path(results: &mut [PyResult]) {
    crate::engine::paths::sort_by_path(results, |r| &r.0);
}

/// A manifest with requirements is checked; one that cannot be read says why.
fn note_manifest(
    workspace: &Workspace,
    path: &Path,
    manifests: &mut Vec<PathBuf>,
    skipped: &mut Vec<Skipped>,
) {
    let packages = workspace.packages();
    if let Some(problem) = packages
        .manifest(path)
        .and_then(|m| m.problem.clone())
        .or_else(|| packages.lock(path).and_then(|l| l.problem.clone()))
    {
        skipped.push(Skipped {
            path: path.to_path_buf(),
            reason: problem,
        });
    }
    if packages
        .manifest(path)
        .is_some_and(|m| !m.requirements.is_empty())
    {
        manifests.push(path.to_path_buf());
    }
}

struct Root {
    path: PathBuf,
    is_dir: bool,
}

/// The first root (where config discovery starts) and the roots to walk.
fn prepare_roots(given: &[PathBuf]) -> Result<(Root, Vec<Root>), LoadError> {
    let default = [PathBuf::from(".")];
    let given = if given.is_empty() {
        &default[..]
    } else {
        given
    };
    let mut roots = Vec::with_capacity(given.len());
    for path in given {
        let mut path = absolute_normalized(path);
        let meta = match fs::symlink_metadata(&path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(LoadError::NotFound(path));
            }
            Err(error) => return Err(LoadError::Io { path, error }),
        };
        let mut is_dir = meta.is_dir();
        if meta.file_type().is_symlink() {
            let target = fs::metadata(&path).map_err(|error| LoadError::Io {
                path: path.clone(),
                error,
            })?;
            is_dir = target.is_dir();
            if is_dir {
                // The walker does not descend into a symlinked root; walk its target.
                if let Ok(real) = fs::canonicalize(&path) {
                    path = real;
                }
            }
        }
        roots.push(Root { path, is_dir });
    }
    // Drop directories inside other directory roots (and repeats). Files stay: one named on
    // the command line is checked even when the walk would skip it.
    let kept = roots
        .iter()
        .enumerate()
        .filter(|(i, r)| {
            !r.is_dir
                || !roots.iter().enumerate().any(|(j, k)| {
                    k.is_dir
                        && j != *i
                        && r.path.starts_with(&k.path)
                        && (k.path != r.path || j < *i)
                })
        })
        .map(|(_, r)| Root {
            path: r.path.clone(),
            is_dir: r.is_dir,
        })
        .collect();
    let first = roots.swap_remove(0);
    Ok((first, kept))
}

/// Read the files that say how the project runs: their runners (read, not checked), workflows
/// (checked), dependency manifests and what requirements files include; and the virtualenvs.
fn read_run_files(
    workspace: &mut Workspace,
    run_files: Vec<PathBuf>,
    roots: &[Root],
    opts: &LoadOptions,
    workflows: &mut Vec<PathBuf>,
    manifests: &mut Vec<PathBuf>,
    skipped: &mut Vec<Skipped>,
) {
    for path in run_files {
        match read_source(&path, opts.max_file_size) {
            Ok(text) if file_kind(&path) == FileKind::Workflow => {
                workflows.push(path.clone());
                workspace.set_workflow(path, &text);
            }
            Ok(text) if file_kind(&path) == FileKind::Manifest => {
                workspace.set_manifest(path.clone(), &text);
                note_manifest(workspace, &path, manifests, skipped);
            }
            Ok(text) if path.file_name().is_some_and(|n| n == "pyproject.toml") => {
                workspace.set_run_file(path.clone(), &text);
                note_manifest(workspace, &path, manifests, skipped);
            }
            Ok(text) => workspace.set_run_file(path, &text),
            Err(reason) => skipped.push(Skipped { path, reason }),
        }
    }
    // Files requirements files include under other names (`-r base.txt`, `-c constraints.txt`).
    let included = workspace.read_includes(|path| read_source(path, opts.max_file_size));
    for (path, result) in included {
        match result {
            Ok(()) => {
                let under = roots
                    .iter()
                    .any(|r| path == r.path || (r.is_dir && path.starts_with(&r.path)));
                if under {
                    note_manifest(workspace, &path, manifests, skipped);
                }
            }
            Err(reason) => skipped.push(Skipped {
                path,
                reason: format!("included by a requirements file: {reason}"),
            }),
        }
    }
    let installed = super::venv::find(workspace, opts.virtual_env.as_deref());
    if !installed.is_empty() {
        workspace.set_installed(installed);
    }
}

/// Give the files left without a light scan their imports after all when some module loads a
/// .env file (which modules run before it is what imports decide), or a runner loads one for
/// the modules its entry points import (`runners`). Their text was not kept: it is read again
/// (a file gone since keeps no facts).
fn scan_deferred(
    results: &mut [PyResult],
    max_file_size: u64,
    runners: bool,
    tests: &UnreadConfigs,
) {
    if !results.iter().any(|r| r.3.light)
        || !(runners || results.iter().any(|r| !r.2.loads.is_empty()))
    {
        return;
    }
    results.par_iter_mut().filter(|r| r.3.light).for_each(|r| {
        let text = if r.1.is_empty() {
            match read_source(&r.0, max_file_size) {
                Ok(text) => text,
                Err(_) => return,
            }
        } else {
            r.1.clone()
        };
        r.2 = fast_facts(&r.0, &text, tests.contains(&r.0)).unwrap_or_default();
        r.3.light = false;
        r.3.secrets_pending = false;
    });
}

/// Parse the files whose env facts were left out when they can matter after all: with .env
/// files around (KW201-KW203), or with model configurations (a write anywhere defines a
/// variable their rules look up).
fn parse_deferred(results: &mut [PyResult], has_env_files: bool, unread: &UnreadConfigs) {
    if !results.iter().any(|r| r.3.env) || !(has_env_files || results.iter().any(|r| r.3.configs)) {
        return;
    }
    results.par_iter_mut().filter(|r| r.3.env).for_each(|r| {
        // A test module is deferred for its env access (`prefilter_test`).
        r.2 = match unread.contains(&r.0) {
            true => python::extract_without_configs(&r.1),
            false => python::extract(&r.1),
        };
        r.3.env = false;
        // Imports and edit points included: `scan_deferred` has nothing left to add.
        r.3.light = false;
    });
}

#[cfg(test)]
mod tests {
    use std::fs;

    use crate::engine::workspace::GitStatus;
    use crate::engine::{Reach, Rule};
    use crate::project::testing::write;
    use crate::project::{load, LoadError, LoadOptions};

    #[test]
    fn loads_python_and_ignored_env_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        fs::create_dir_all(root.join(".git")).unwrap();
        write(&root.join(".gitignore"), ".env\nignored_dir/\n");
        write(&root.join("app.py"), "import os\n");
        write(&root.join("pkg/mod.py"), "x = 1\n");
        write(&root.join(".env"), "A=1\n");
        write(&root.join("pkg/.env.example"), "A=\n");
        write(&root.join("ignored_dir/x.py"), "x = 1\n");
        write(&root.join(".venv/lib/site.py"), "x = 1\n");
        write(&root.join("node_modules/a/b.py"), "x = 1\n");
        write(&root.join("excluded/gen.py"), "x = 1\n");
        write(&root.join("bin.py"), "x = 1\0\n");
        fs::write(root.join("latin1.py"), b"x = '\xe9'\n").unwrap();
        write(&root.join("keywire.toml"), "exclude = [\"excluded/\"]\n");

        let loaded = load(std::slice::from_ref(&root), &LoadOptions::default()).unwrap();
        assert_eq!(loaded.root, root);
        assert_eq!(loaded.config_file, Some(root.join("keywire.toml")));
        let py: Vec<_> = loaded.python.iter().map(|f| f.path.clone()).collect();
        assert_eq!(py, vec![root.join("app.py"), root.join("pkg/mod.py")]);
        assert_eq!(&*loaded.python[0].text, "import os\n");
        assert_eq!(
            loaded.env,
            vec![root.join(".env"), root.join("pkg/.env.example")]
        );
        let env = loaded.workspace.env_file(&root.join(".env")).unwrap();
        assert_eq!(env.git, GitStatus::Ignored);
        assert!(!env.template);
        let skipped: Vec<_> = loaded
            .skipped
            .iter()
            .map(|s| (s.path.clone(), s.reason.clone()))
            .collect();
        assert_eq!(
            skipped,
            vec![
                (
                    root.join("bin.py"),
                    "binary file (contains NUL bytes)".to_string()
                ),
                (
                    root.join("latin1.py"),
                    "not valid UTF-8 (invalid byte at offset 5)".to_string()
                ),
            ]
        );
        assert_eq!(loaded.file_count(), 4);
        assert!(loaded.text(&root.join(".env")).is_some());
    }

    #[test]
    fn a_checks_notebook_text_is_read_again_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        let nb = root.join("demo.ipynb");
        let text = r#"{"cells": [{"cell_type": "code", "source": ["import os\n", "k = os.environ[\"OPENAI_API_KEY\"]"], "metadata": {}, "outputs": [{"output_type": "stream", "name": "stdout", "text": ["a long output\n"]}], "execution_count": 1}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}"#;
        write(&nb, text);
        let opts = LoadOptions {
            prefilter: crate::project::Prefilter::Findings,
            ..LoadOptions::default()
        };
        let loaded = load(std::slice::from_ref(&root), &opts).unwrap();
        assert_eq!(&*loaded.python[0].text, "", "the outputs were kept");
        assert!(!loaded
            .workspace
            .python_module(&nb)
            .unwrap()
            .facts
            .env_reads
            .is_empty());
        assert_eq!(loaded.text(&nb).as_deref(), Some(text));
        assert!(!loaded.changed_since_scan(&nb));
        // Changed after the scan: its spans would point into another text.
        write(
            &nb,
            &text.replace("a long output", "another output, longer"),
        );
        assert_eq!(loaded.text(&nb), None);
        assert!(loaded.changed_since_scan(&nb));
        // Editors keep their texts (facts only, read on demand, by other means).
        let loaded = load(std::slice::from_ref(&root), &LoadOptions::default()).unwrap();
        assert!(loaded.python[0].stamp.is_none());
    }

    #[test]
    fn a_notebook_read_in_the_walk_checks_as_its_text_does() {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        fs::create_dir_all(root.join(".git")).unwrap();
        let nb = root.join("demo.ipynb");
        // A hard-coded key (KW104, whose fix rewrites the cell's source lines) and a key
        // printed in an output (KW401), with a markdown cell between two code cells.
        let key = format!("sk-proj-{}", "Zq3vT8kLmN2pR7sW4xY6bC1dF5gH9jK0aE3iO8uQ");
        let text = format!(
            r##"{{
 "cells": [
  {{
   "cell_type": "code",
   "execution_count": 1,
   "metadata": {{}},
   "outputs": [{{"output_type": "stream", "name": "stdout", "text": ["{key}\n"]}}],
   "source": [
    "import os\n",
    "from autogen import AssistantAgent\n",
    "config_list = [{{\"model\": \"gpt-4o\", \"api_key\": \"{key}\"}}]\n",
    "assistant = AssistantAgent(\"a\", llm_config={{\"config_list\": config_list}})"
   ]
  }},
  {{"cell_type": "markdown", "metadata": {{}}, "source": ["# Notes"]}},
  {{
   "cell_type": "code",
   "execution_count": 2,
   "metadata": {{}},
   "outputs": [],
   "source": ["base = os.environ[\"MISSING_BASE_URL\"]"]
  }}
 ],
 "metadata": {{}},
 "nbformat": 4,
 "nbformat_minor": 5
}}"##
        );
        write(&nb, &text);
        write(&root.join(".env"), "OTHER=1\n");
        let opts = LoadOptions {
            prefilter: crate::project::Prefilter::Findings,
            ..LoadOptions::default()
        };
        let loaded = load(std::slice::from_ref(&root), &opts).unwrap();
        let file = loaded.python.iter().find(|f| f.path == nb).unwrap();
        assert!(
            file.notebook.is_some(),
            "the walk read the notebook for its check"
        );
        let held = loaded.check_source(file);
        let read = loaded.workspace.check_file(&nb, &text, Reach::Workspace);
        for rule in [Rule::KW104, Rule::KW401] {
            assert!(
                held.iter().any(|f| f.rule == rule && !f.fixes.is_empty()),
                "no {rule:?} with a fix in {held:?}"
            );
        }
        assert_eq!(format!("{held:?}"), format!("{read:?}"));
    }

    #[test]
    fn a_config_list_code_names_is_checked_whatever_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        fs::create_dir_all(root.join(".git")).unwrap();
        write(
            &root.join("app.py"),
            "import autogen\nc = autogen.config_list_from_json(\"llm.json\", file_location=\"conf\")\n",
        );
        write(&root.join("conf/llm.json"), "[{\"model\": \"gpt-4\"}]");
        write(&root.join("conf/other.json"), "[]");
        let loaded = load(std::slice::from_ref(&root), &LoadOptions::default()).unwrap();
        assert_eq!(loaded.config_json, vec![root.join("conf/llm.json")]);
        assert!(loaded
            .checked_files()
            .contains(&root.join("conf/llm.json").as_path()));
    }

    #[test]
    fn loads_config_lists_even_when_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        fs::create_dir_all(root.join(".git")).unwrap();
        write(&root.join(".gitignore"), "OAI_CONFIG_LIST\n");
        write(&root.join("OAI_CONFIG_LIST"), "[{\"model\": \"gpt-4\"}]");
        write(&root.join("app/OAI_CONFIG_LIST_sample"), "// copy me\n[]\n");
        write(&root.join("app/OAI_CONFIG_LIST.md"), "notes\n");
        write(&root.join("up/OAI_CONFIG_LIST"), "[]");
        let loaded = load(&[root.join("app"), root.clone()], &LoadOptions::default()).unwrap();
        assert_eq!(
            loaded.config_json,
            vec![
                root.join("OAI_CONFIG_LIST"),
                root.join("app/OAI_CONFIG_LIST_sample"),
                root.join("up/OAI_CONFIG_LIST"),
            ]
        );
        let ignored = loaded
            .workspace
            .config_json(&root.join("OAI_CONFIG_LIST"))
            .unwrap();
        assert_eq!(ignored.git, GitStatus::Ignored);
        assert_eq!(ignored.parsed.entries.len(), 1);
        let sample = loaded
            .workspace
            .config_json(&root.join("app/OAI_CONFIG_LIST_sample"))
            .unwrap();
        assert!(sample.template);
        assert_eq!(
            sample.git,
            GitStatus::NotIgnored {
                repo_root: root.clone()
            }
        );
        let checked: Vec<_> = loaded.checked_files();
        assert!(checked.contains(&root.join("OAI_CONFIG_LIST").as_path()));
        assert!(loaded.text(&root.join("up/OAI_CONFIG_LIST")).is_some());
        assert_eq!(loaded.file_count(), 3);

        // Above the paths, nothing reads a config list: it is not loaded.
        let loaded = load(&[root.join("app")], &LoadOptions::default()).unwrap();
        assert_eq!(
            loaded.config_json,
            vec![root.join("app/OAI_CONFIG_LIST_sample")]
        );
        assert!(loaded
            .workspace
            .config_json(&root.join("OAI_CONFIG_LIST"))
            .is_none());
        // A file named on the command line is read whatever its directory.
        let loaded = load(&[root.join("up/OAI_CONFIG_LIST")], &LoadOptions::default()).unwrap();
        assert_eq!(loaded.config_json, vec![root.join("up/OAI_CONFIG_LIST")]);
    }

    #[test]
    fn env_files_above_the_paths_are_context() {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        fs::create_dir_all(root.join(".git")).unwrap();
        write(&root.join(".env"), "A=1\n");
        write(&root.join(".env.example"), "A=\n");
        write(&root.join("src/pkg/.env"), "B=1\n");
        write(&root.join("src/pkg/app.py"), "");
        write(&root.join("other/.env"), "C=1\n");
        let loaded = load(&[root.join("src")], &LoadOptions::default()).unwrap();
        assert_eq!(loaded.root, root, "the git work tree is the project");
        assert_eq!(loaded.env, vec![root.join("src/pkg/.env")]);
        assert_eq!(
            loaded.context_env,
            vec![root.join(".env"), root.join(".env.example")]
        );
        assert!(loaded.workspace.env_file(&root.join(".env")).is_some());
        assert!(loaded
            .workspace
            .env_file(&root.join("other/.env"))
            .is_none());
        assert_eq!(loaded.file_count(), 2);

        let loaded = load(&[root.join("src/pkg/app.py")], &LoadOptions::default()).unwrap();
        assert!(loaded.env.is_empty());
        assert_eq!(
            loaded.context_env,
            vec![
                root.join(".env"),
                root.join(".env.example"),
                root.join("src/pkg/.env")
            ]
        );
        assert_eq!(loaded.file_count(), 1);
    }

    #[test]
    fn missing_root_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = load(&[dir.path().join("nope")], &LoadOptions::default()).unwrap_err();
        assert!(matches!(err, LoadError::NotFound(_)));
    }
}

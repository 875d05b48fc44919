//! Loading a project from disk into a [`Workspace`]: config discovery, a gitignore-aware parallel
//! walk, reading and extracting Python files in parallel, and .env files with their git status.
//!
//! Shared by the CLI and the language server. The engine itself does no I/O; this is where it
//! happens.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::{WalkBuilder, WalkState};
use rayon::prelude::*;

use crate::engine::config::{Config, ConfigError};
use crate::engine::python::{self, PyFacts};
use crate::engine::workspace::{file_kind, DirMarkers, FileKind, GitStatus, Workspace};

/// Files larger than this are skipped (and reported).
pub const MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// Directories never walked into (besides `.git`), wherever they are.
pub const DEFAULT_SKIP_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "node_modules",
    "__pycache__",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "site-packages",
];

#[derive(Clone, Debug)]
pub struct LoadOptions {
    pub max_file_size: u64,
    /// Walker threads; 0 picks a number from the machine.
    pub threads: usize,
    pub prefilter: Prefilter,
    /// Keep every Python file's text in [`Loaded::python`] (the CLI prints code frames from
    /// them; the language server keeps facts only and reads a closed file when it needs one).
    pub keep_text: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_file_size: MAX_FILE_SIZE,
            threads: 0,
            prefilter: Prefilter::Facts,
            keep_text: true,
        }
    }
}

/// How much the byte prefilter ([`python::prefilter`]) may leave unparsed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Prefilter {
    /// Parse every file (for the differential tests).
    Off,
    /// Files without any trigger get their imports and edit points from the light scan; every
    /// fact anything reads is the same as with [`Prefilter::Off`].
    #[default]
    Facts,
    /// Also leave out the env reads and writes of files with nothing else, unless the workspace
    /// has .env files or model configurations, and do not keep the text of files without any
    /// trigger ([`Loaded::text`] is empty for them): the findings are the same as with
    /// [`Prefilter::Off`], not every fact is (an editor's references to a variable would miss
    /// them). For one-shot checks.
    Findings,
}

/// A Python file's text, kept for checking and for code frames.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: Arc<str>,
}

/// A file that was not loaded, and why (reported once, on stderr by the CLI).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

#[derive(Debug)]
pub struct Loaded {
    /// The project root: the directory of the config file, else the git work tree, else the
    /// first path's directory.
    pub root: PathBuf,
    /// The keywire.toml or pyproject.toml the config came from.
    pub config_file: Option<PathBuf>,
    pub workspace: Workspace,
    /// Python files, sorted by path.
    pub python: Vec<SourceFile>,
    /// .env files (and templates, and configured `env-files`) under the paths: checked. Sorted;
    /// texts are in the workspace.
    pub env: Vec<PathBuf>,
    /// .env files above the paths (up to the project root) and `env-files` outside them: in the
    /// workspace for the rules to see (what a module loads), but not checked themselves.
    pub context_env: Vec<PathBuf>,
    /// Sorted by path.
    pub skipped: Vec<Skipped>,
}

impl Loaded {
    /// The loaded text of a Python or .env file.
    pub fn text(&self, path: &Path) -> Option<Arc<str>> {
        if let Ok(i) = self.python.binary_search_by(|f| f.path.as_path().cmp(path)) {
            return Some(self.python[i].text.clone());
        }
        self.workspace.env_file(path).map(|f| f.text.clone())
    }

    /// Number of files loaded (Python and .env).
    pub fn file_count(&self) -> usize {
        self.python.len() + self.env.len()
    }
}

#[derive(Debug)]
pub enum LoadError {
    /// A path given to [`load`] does not exist.
    NotFound(PathBuf),
    Io {
        path: PathBuf,
        error: io::Error,
    },
    Config(ConfigError),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::NotFound(path) => write!(f, "{}: no such file or directory", path.display()),
            LoadError::Io { path, error } => write!(f, "{}: {}", path.display(), io_reason(error)),
            LoadError::Config(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for LoadError {}

impl From<ConfigError> for LoadError {
    fn from(e: ConfigError) -> Self {
        LoadError::Config(e)
    }
}

/// A configuration file found by [`find_config`].
#[derive(Clone, Debug)]
pub struct FoundConfig {
    pub dir: PathBuf,
    pub file: PathBuf,
    pub config: Config,
}

/// The nearest directory at or above `start` with a keywire.toml, or a pyproject.toml with a
/// `[tool.keywire]` table (keywire.toml wins in the same directory).
pub fn find_config(start: &Path) -> Result<Option<FoundConfig>, LoadError> {
    for dir in start.ancestors() {
        let file = dir.join("keywire.toml");
        if file.is_file() {
            let text = read_config(&file)?;
            let config = Config::from_keywire_toml(&text, &file)?;
            return Ok(Some(FoundConfig {
                dir: dir.to_path_buf(),
                file,
                config,
            }));
        }
        let file = dir.join("pyproject.toml");
        if file.is_file() {
            let text = read_config(&file)?;
            if let Some(config) = Config::from_pyproject(&text, &file)? {
                return Ok(Some(FoundConfig {
                    dir: dir.to_path_buf(),
                    file,
                    config,
                }));
            }
        }
    }
    Ok(None)
}

fn read_config(path: &Path) -> Result<String, LoadError> {
    fs::read_to_string(path).map_err(|error| LoadError::Io {
        path: path.to_path_buf(),
        error,
    })
}

/// Absolute, with `.` and `..` resolved lexically (symlinks are left alone).
pub fn normalize(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        match std::env::current_dir() {
            Ok(cwd) => cwd.join(path),
            Err(_) => path.to_path_buf(),
        }
    };
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                // `/..` is `/`; a relative path (no working directory) keeps its `..`.
                if !out.pop() && !out.has_root() {
                    out.push(component);
                }
            }
            other => out.push(other),
        }
    }
    out
}

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
    let (root, config, config_file) = match found {
        Some(found) => (found.dir, found.config, Some(found.file)),
        None => {
            // No config: the git work tree is the project (where python-dotenv's upward
            // search for .env and the rules' "nearest .env" look); else the first path.
            let repo = start
                .ancestors()
                .find(|d| fs::symlink_metadata(d.join(".git")).is_ok())
                .map(Path::to_path_buf);
            (repo.unwrap_or(start), Config::default(), None)
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

    let ctx = WalkCtx {
        opts,
        canonical_roots: &canonical_roots,
        exclude: exclude.as_deref(),
        root: &root,
        python: Mutex::new(Vec::new()),
        env: Mutex::new(Vec::new()),
        markers: Mutex::new(Vec::new()),
        skipped: Mutex::new(Vec::new()),
        loads_seen: Default::default(),
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
            FileKind::Python => {
                let mut out = Vec::new();
                let mut skipped = Vec::new();
                ctx.python_file(&r.path, &mut out, &mut skipped);
                lock(&ctx.python).extend(out);
                lock(&ctx.skipped).extend(skipped);
            }
            FileKind::Env | FileKind::EnvTemplate => lock(&ctx.env).push(r.path.clone()),
            FileKind::Other if r.path.extension().is_some_and(|e| e == "env") => {
                lock(&ctx.env).push(r.path.clone())
            }
            FileKind::Other => lock(&ctx.skipped).push(Skipped {
                path: r.path.clone(),
                reason: "not a Python or .env file".into(),
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
            ctx.env_files_in(dir, &mut context, &mut lock(&ctx.skipped));
        }
    }
    for file in &config.env_files {
        let path = normalize(&root.join(file));
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

    py_results.sort_by(|a, b| a.0.cmp(&b.0));
    py_results.dedup_by(|a, b| a.0 == b.0);
    scan_deferred(&mut py_results, opts.max_file_size);
    parse_deferred(
        &mut py_results,
        !env_paths.is_empty() || !context.is_empty(),
    );
    let mut python = Vec::with_capacity(py_results.len());
    for (path, text, facts, _) in py_results {
        workspace.set_python_facts(path.clone(), Arc::new(facts));
        python.push(SourceFile { path, text });
    }

    env_paths.sort();
    env_paths.dedup();
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

    skipped.sort();
    skipped.dedup_by(|a, b| a.path == b.path);

    Ok(Loaded {
        root,
        config_file,
        workspace,
        python,
        env,
        context_env,
        skipped,
    })
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
        let mut path = normalize(path);
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

fn build_exclude(root: &Path, globs: &[String]) -> Option<Arc<Gitignore>> {
    if globs.is_empty() {
        return None;
    }
    let mut builder = GitignoreBuilder::new(root);
    for glob in globs {
        // Validated when the config was parsed.
        let _ = builder.add_line(None, glob);
    }
    builder.build().ok().map(Arc::new)
}

fn is_excluded(exclude: Option<&Gitignore>, root: &Path, path: &Path, is_dir: bool) -> bool {
    exclude.is_some_and(|ex| path.starts_with(root) && ex.matched(path, is_dir).is_ignore())
}

/// A Python file and its facts, with what the prefilter left out.
type PyResult = (PathBuf, Arc<str>, PyFacts, Deferred);

/// What [`Prefilter::Findings`] noted about a file.
#[derive(Clone, Copy, Default)]
struct Deferred {
    /// Its env facts were left out.
    env: bool,
    /// It has model configurations (its rules look variables up in the whole workspace).
    configs: bool,
    /// Its imports and edit points were left out (no light scan).
    light: bool,
}

/// Give the files left without a light scan their imports after all when some module loads a
/// .env file (which modules run before it is what imports decide). Their text was not kept:
/// it is read again (a file gone since keeps no facts).
fn scan_deferred(results: &mut [PyResult], max_file_size: u64) {
    if !results.iter().any(|r| r.3.light) || !results.iter().any(|r| !r.2.loads.is_empty()) {
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
        r.2 = python::extract_fast(&text);
        r.3.light = false;
    });
}

/// Parse the files whose env facts were left out when they can matter after all: with .env
/// files around (KW201-KW203), or with model configurations (a write anywhere defines a
/// variable their rules look up).
fn parse_deferred(results: &mut [PyResult], has_env_files: bool) {
    if !results.iter().any(|r| r.3.env) || !(has_env_files || results.iter().any(|r| r.3.configs)) {
        return;
    }
    results.par_iter_mut().filter(|r| r.3.env).for_each(|r| {
        r.2 = python::extract(&r.1);
        r.3.env = false;
    });
}

struct WalkCtx<'a> {
    opts: &'a LoadOptions,
    canonical_roots: &'a [PathBuf],
    exclude: Option<&'a Gitignore>,
    root: &'a Path,
    python: Mutex<Vec<PyResult>>,
    env: Mutex<Vec<PathBuf>>,
    /// Directories holding files that say how their programs run (see [`DirMarkers`]).
    markers: Mutex<Vec<(PathBuf, DirMarkers)>>,
    skipped: Mutex<Vec<Skipped>>,
    /// A module with a load point was seen: imports matter, every file gets its light scan
    /// (the files read before are scanned again at the end, [`scan_deferred`]).
    loads_seen: std::sync::atomic::AtomicBool,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Per-thread results, merged into the shared lists when the walker drops its visitor.
struct Sink<'a, 'c> {
    ctx: &'c WalkCtx<'a>,
    python: Vec<PyResult>,
    env: Vec<PathBuf>,
    skipped: Vec<Skipped>,
}

impl Drop for Sink<'_, '_> {
    fn drop(&mut self) {
        lock(&self.ctx.python).append(&mut self.python);
        lock(&self.ctx.env).append(&mut self.env);
        lock(&self.ctx.skipped).append(&mut self.skipped);
    }
}

/// Files the walker's ignore rules are read from in a directory it enters. Opening one that is
/// a FIFO blocks until a writer comes (forever, for `mkfifo .gitignore`).
const IGNORE_FILES: &[&str] = &[".gitignore", ".ignore", ".git/info/exclude"];

/// An ignore file in `dir` that cannot be read without blocking (a FIFO, socket or device).
fn blocking_ignore_file(dir: &Path) -> Option<PathBuf> {
    IGNORE_FILES.iter().map(|f| dir.join(f)).find(|p| {
        fs::metadata(p).is_ok_and(|m| {
            let t = m.file_type();
            #[cfg(unix)]
            {
                use std::os::unix::fs::FileTypeExt;
                t.is_fifo() || t.is_socket() || t.is_char_device() || t.is_block_device()
            }
            #[cfg(not(unix))]
            {
                !t.is_file() && !t.is_dir()
            }
        })
    })
}

fn walk(ctx: &WalkCtx, dirs: &[&Path], exclude: Option<Arc<Gitignore>>) {
    let mut builder = WalkBuilder::new(dirs[0]);
    for dir in &dirs[1..] {
        builder.add(dir);
    }
    // The walker reads the ignore files of the roots and of their parents before anything
    // else: with one that would block, it reads none.
    let blocking_above: Vec<PathBuf> = dirs
        .iter()
        .flat_map(|d| d.ancestors())
        .filter_map(blocking_ignore_file)
        .collect();
    if !blocking_above.is_empty() {
        builder
            .git_ignore(false)
            .ignore(false)
            .git_exclude(false)
            .parents(false);
        lock(&ctx.skipped).extend(blocking_above.into_iter().map(|path| Skipped {
            path,
            reason: "not a regular file: no ignore rules were read".into(),
        }));
    }
    let root = ctx.root.to_path_buf();
    let blocked = Arc::new(Mutex::new(Vec::new()));
    let blocked_in_filter = blocked.clone();
    builder
        .hidden(false)
        .follow_links(false)
        .threads(ctx.opts.threads)
        .filter_entry(move |entry| {
            if entry.depth() == 0 {
                return true;
            }
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            let name = entry.file_name();
            if name == ".git" {
                return false;
            }
            if is_dir && DEFAULT_SKIP_DIRS.iter().any(|d| name == *d) {
                return false;
            }
            if is_dir {
                if let Some(file) = blocking_ignore_file(entry.path()) {
                    lock(&blocked_in_filter).push(Skipped {
                        path: file,
                        reason: "not a regular file: its directory is not checked".into(),
                    });
                    return false;
                }
            }
            !is_excluded(exclude.as_deref(), &root, entry.path(), is_dir)
        });
    builder.build_parallel().run(|| {
        let mut sink = Sink {
            ctx,
            python: Vec::new(),
            env: Vec::new(),
            skipped: Vec::new(),
        };
        Box::new(move |result| {
            match result {
                Ok(entry) => {
                    let Some(file_type) = entry.file_type() else {
                        return WalkState::Continue;
                    };
                    let path = entry.path();
                    if file_type.is_dir() {
                        ctx.env_files_in(path, &mut sink.env, &mut sink.skipped);
                    } else if file_type.is_symlink() {
                        // Python files behind a symlink inside the roots are walked under their
                        // real path; .env symlinks are found by `env_files_in`.
                        if file_kind(path) == FileKind::Python {
                            if let Some(reason) = ctx.symlink_problem(path) {
                                sink.skipped.push(Skipped {
                                    path: path.to_path_buf(),
                                    reason,
                                });
                            }
                        } else if let Err(e) = fs::canonicalize(path) {
                            if is_loop(&e) {
                                sink.skipped.push(Skipped {
                                    path: path.to_path_buf(),
                                    reason: "symlink loop".into(),
                                });
                            }
                        }
                    } else if file_type.is_file() && file_kind(path) == FileKind::Python {
                        ctx.python_file(path, &mut sink.python, &mut sink.skipped);
                    }
                }
                Err(err) => {
                    if let Some(skipped) = walk_error(err) {
                        sink.skipped.push(skipped);
                    }
                }
            }
            WalkState::Continue
        })
    });
    lock(&ctx.skipped).append(&mut lock(&blocked));
}

impl WalkCtx<'_> {
    fn python_file(&self, path: &Path, out: &mut Vec<PyResult>, skipped: &mut Vec<Skipped>) {
        thread_local! {
            // One read buffer per walker thread: no allocation per file for texts not kept.
            static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let keep = |text: &str| {
            if self.opts.keep_text {
                Arc::from(text)
            } else {
                Arc::from("")
            }
        };
        let read = BUF.with_borrow_mut(|buf| {
            let text = read_source_into(path, self.opts.max_file_size, buf)?;
            Ok(match self.opts.prefilter {
                Prefilter::Off => (keep(text), python::extract(text), Deferred::default()),
                Prefilter::Facts => (keep(text), python::extract_fast(text), Deferred::default()),
                Prefilter::Findings => {
                    use std::sync::atomic::Ordering::Relaxed;
                    let p = if self.loads_seen.load(Relaxed) {
                        python::prefilter(text)
                    } else {
                        python::prefilter_findings(text)
                    };
                    let deferred = Deferred {
                        env: p.relevance == python::Relevance::EnvOnly,
                        configs: p.configs,
                        light: p.light_left_out,
                    };
                    match p.light {
                        // Nothing can be reported in a quiet file: its text is not kept.
                        Some(light) if p.relevance == python::Relevance::Quiet => {
                            (Arc::from(""), light, deferred)
                        }
                        // Kept whatever `keep_text` says: `parse_deferred` may need it.
                        Some(light) => (Arc::from(text), light, deferred),
                        None => {
                            let facts = python::extract(text);
                            if !facts.loads.is_empty() {
                                self.loads_seen.store(true, Relaxed);
                            }
                            (keep(text), facts, deferred)
                        }
                    }
                }
            })
        });
        match read {
            Ok((text, facts, deferred)) => out.push((path.to_path_buf(), text, facts, deferred)),
            Err(reason) => skipped.push(Skipped {
                path: path.to_path_buf(),
                reason,
            }),
        }
    }

    /// `.env` / `.env.*` files in `dir`, gitignored or not.
    fn env_files_in(&self, dir: &Path, out: &mut Vec<PathBuf>, skipped: &mut Vec<Skipped>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        let mut markers = DirMarkers::default();
        for entry in entries.flatten() {
            let name = entry.file_name();
            markers.note(&name.to_string_lossy());
            if !name.as_encoded_bytes().windows(3).any(|w| w == b"env") {
                continue;
            }
            let path = entry.path();
            if !matches!(file_kind(&path), FileKind::Env | FileKind::EnvTemplate) {
                continue;
            }
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            if file_type.is_dir() || is_excluded(self.exclude, self.root, &path, false) {
                continue;
            }
            if file_type.is_symlink() {
                if let Some(reason) = self.symlink_problem(&path) {
                    skipped.push(Skipped { path, reason });
                    continue;
                }
                if !path.is_file() {
                    continue;
                }
            }
            out.push(path);
        }
        if markers != DirMarkers::default() {
            lock(&self.markers).push((dir.to_path_buf(), markers));
        }
    }

    /// Why a symlinked file cannot be read: a loop, a dangling link, or a target outside the
    /// roots (never followed). None when its target is a file inside the roots.
    fn symlink_problem(&self, path: &Path) -> Option<String> {
        match fs::canonicalize(path) {
            Err(e) if is_loop(&e) => Some("symlink loop".into()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Some("broken symlink".into()),
            Err(e) => Some(io_reason(&e)),
            Ok(real) if !self.canonical_roots.iter().any(|r| real.starts_with(r)) => {
                Some("symlink to a file outside the checked paths (not followed)".into())
            }
            Ok(_) => None,
        }
    }
}

/// A walker error worth reporting: loops, and unreadable directories or relevant files.
fn walk_error(err: ignore::Error) -> Option<Skipped> {
    fn path_of(err: &ignore::Error) -> Option<&Path> {
        match err {
            ignore::Error::WithPath { path, .. } => Some(path),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                path_of(err)
            }
            ignore::Error::Loop { child, .. } => Some(child),
            _ => None,
        }
    }
    fn inner(err: &ignore::Error) -> &ignore::Error {
        match err {
            ignore::Error::WithPath { err, .. }
            | ignore::Error::WithDepth { err, .. }
            | ignore::Error::WithLineNumber { err, .. } => inner(err),
            other => other,
        }
    }
    let path = path_of(&err)?.to_path_buf();
    let reason = match inner(&err) {
        ignore::Error::Loop { .. } => "symlink loop".to_string(),
        ignore::Error::Io(e) if is_loop(e) => "symlink loop".to_string(),
        ignore::Error::Io(e) => {
            let relevant = file_kind(&path) != FileKind::Other || path.is_dir();
            if !relevant {
                return None;
            }
            io_reason(e)
        }
        // Bad globs in someone's .gitignore and the like: not about a file we check.
        _ => return None,
    };
    Some(Skipped { path, reason })
}

fn is_loop(e: &io::Error) -> bool {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    const ELOOP: i32 = 40;
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    const ELOOP: i32 = 62;
    cfg!(unix) && e.raw_os_error() == Some(ELOOP)
}

/// A short reason for an I/O error, for `keywire: skipped path: reason`.
pub fn io_reason(e: &io::Error) -> String {
    if is_loop(e) {
        return "symlink loop".into();
    }
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            // Drop the " (os error N)" suffix.
            let text = e.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_string(),
                None => text,
            }
        }
    }
}

/// Read a text file for checking: at most `max_size` bytes, no NUL bytes, valid UTF-8.
pub fn read_source(path: &Path, max_size: u64) -> Result<Arc<str>, String> {
    let mut buf = Vec::new();
    read_source_into(path, max_size, &mut buf).map(Arc::from)
}

/// [`read_source`] into a reusable buffer (no allocation per file): the text, in `buf`.
pub fn read_source_into<'b>(
    path: &Path,
    max_size: u64,
    buf: &'b mut Vec<u8>,
) -> Result<&'b str, String> {
    let too_large = || {
        format!(
            "larger than {} MB",
            (max_size as f64 / (1024.0 * 1024.0)).round() as u64
        )
    };
    // Opening a FIFO blocks until a writer comes (forever, for `mkfifo .env`), and a device
    // never ends: only regular files (or symlinks to them) are opened.
    let target = fs::metadata(path).map_err(|e| io_reason(&e))?;
    if !target.is_file() && !target.is_dir() {
        return Err("not a regular file".into());
    }
    let file = fs::File::open(path).map_err(|e| io_reason(&e))?;
    let meta = file.metadata().map_err(|e| io_reason(&e))?;
    if meta.is_dir() {
        return Err("is a directory".into());
    }
    if meta.len() > max_size {
        return Err(too_large());
    }
    buf.clear();
    buf.reserve(meta.len() as usize + 1);
    file.take(max_size + 1)
        .read_to_end(buf)
        .map_err(|e| io_reason(&e))?;
    if buf.len() as u64 > max_size {
        return Err(too_large());
    }
    if memchr::memchr(0, buf).is_some() {
        return Err("binary file (contains NUL bytes)".into());
    }
    match std::str::from_utf8(buf) {
        Ok(text) => Ok(text),
        Err(e) => Err(format!(
            "not valid UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        )),
    }
}

/// Finds out whether files are ignored by their git repository: its root and nested
/// .gitignore files and `.git/info/exclude` (not the user's global excludes, which protect
/// nobody else who clones the repository), and whether git tracks them: git's index (read once
/// per repository). Caches matchers and indexes between calls.
#[derive(Default)]
pub struct GitIgnoreCache {
    repo_roots: HashMap<PathBuf, Option<PathBuf>>,
    gitignores: HashMap<PathBuf, Option<Arc<Gitignore>>>,
    excludes: HashMap<PathBuf, Option<Arc<Gitignore>>>,
    /// Per repository root: the .env files its index lists, None when it could not be read.
    tracked: HashMap<PathBuf, Option<Arc<TrackedEnv>>>,
    /// Indexes that exist but could not be read (once each), for the CLI to report.
    problems: Vec<Skipped>,
}

impl GitIgnoreCache {
    /// `path` must be absolute and normalized.
    pub fn status(&mut self, path: &Path) -> GitStatus {
        let Some(parent) = path.parent() else {
            return GitStatus::Unknown;
        };
        let Some(repo_root) = self.repo_root(parent) else {
            return GitStatus::NotInRepo;
        };
        let ignored = self.ignored(path, parent, &repo_root);
        let tracked = self
            .tracked_env(&repo_root)
            .is_some_and(|t| t.contains(path, &repo_root));
        match (tracked, ignored) {
            (true, ignored) => GitStatus::Tracked { repo_root, ignored },
            (false, true) => GitStatus::Ignored,
            (false, false) => GitStatus::NotIgnored { repo_root },
        }
    }

    /// Git indexes that could not be read since the last call (each reported once).
    pub fn take_problems(&mut self) -> Vec<Skipped> {
        std::mem::take(&mut self.problems)
    }

    fn ignored(&mut self, path: &Path, parent: &Path, repo_root: &Path) -> bool {
        // Directories from the repository root down to the file's directory.
        let mut chain: Vec<&Path> = parent
            .ancestors()
            .take_while(|d| d.starts_with(repo_root))
            .collect();
        chain.reverse();
        let matchers: Vec<(PathBuf, Arc<Gitignore>)> = chain
            .iter()
            .filter_map(|dir| Some((dir.to_path_buf(), self.gitignore(dir)?)))
            .collect();
        let exclude = self.info_exclude(repo_root);
        // A file inside an ignored directory is ignored whatever its own patterns say.
        chain
            .iter()
            .skip(1)
            .any(|dir| is_ignored(dir, true, &matchers, exclude.as_deref()))
            || is_ignored(path, false, &matchers, exclude.as_deref())
    }

    fn tracked_env(&mut self, repo_root: &Path) -> Option<Arc<TrackedEnv>> {
        if let Some(cached) = self.tracked.get(repo_root) {
            return cached.clone();
        }
        let read = match TrackedEnv::read(repo_root) {
            Ok(found) => found.map(Arc::new),
            Err(problem) => {
                tracing::warn!("{}: {}", problem.path.display(), problem.reason);
                self.problems.push(problem);
                None
            }
        };
        self.tracked.insert(repo_root.to_path_buf(), read.clone());
        read
    }

    fn repo_root(&mut self, dir: &Path) -> Option<PathBuf> {
        if let Some(cached) = self.repo_roots.get(dir) {
            return cached.clone();
        }
        let found = dir
            .ancestors()
            .find(|d| fs::symlink_metadata(d.join(".git")).is_ok())
            .map(Path::to_path_buf);
        self.repo_roots.insert(dir.to_path_buf(), found.clone());
        found
    }

    fn gitignore(&mut self, dir: &Path) -> Option<Arc<Gitignore>> {
        if let Some(cached) = self.gitignores.get(dir) {
            return cached.clone();
        }
        let file = dir.join(".gitignore");
        let matcher = build_gitignore(dir, &file);
        self.gitignores.insert(dir.to_path_buf(), matcher.clone());
        matcher
    }

    fn info_exclude(&mut self, repo_root: &Path) -> Option<Arc<Gitignore>> {
        if let Some(cached) = self.excludes.get(repo_root) {
            return cached.clone();
        }
        let file = repo_root.join(".git").join("info").join("exclude");
        let matcher = build_gitignore(repo_root, &file);
        self.excludes
            .insert(repo_root.to_path_buf(), matcher.clone());
        matcher
    }
}

/// Indexes larger than this are not read (the index of a repository with a million files is
/// about 100 MB).
const MAX_INDEX_SIZE: u64 = 512 * 1024 * 1024;

/// The .env files (and templates) a repository's index lists: paths relative to its root, with
/// `/`, as `git ls-files` prints them.
#[derive(Debug, Default)]
struct TrackedEnv {
    paths: std::collections::HashSet<Vec<u8>>,
}

impl TrackedEnv {
    fn contains(&self, path: &Path, repo_root: &Path) -> bool {
        let Ok(rel) = path.strip_prefix(repo_root) else {
            return false;
        };
        let mut key = Vec::new();
        for (i, part) in rel.components().enumerate() {
            if i > 0 {
                key.push(b'/');
            }
            key.extend_from_slice(part.as_os_str().to_string_lossy().as_bytes());
        }
        self.paths.contains(&key)
    }

    /// Read the index of the repository at `repo_root`. `Ok(None)` when there is none to read
    /// (no index yet, a `.git` file pointing nowhere): which files git tracks is then unknown.
    /// A corrupt or unsupported index is a problem to report, never a panic.
    fn read(repo_root: &Path) -> Result<Option<TrackedEnv>, Skipped> {
        let Some(git_dir) = git_dir(repo_root) else {
            return Ok(None);
        };
        let index = git_dir.join("index");
        let problem = |reason: String| Skipped {
            path: index.clone(),
            reason: format!("{reason}: which .env files git tracks is unknown"),
        };
        let meta = match fs::metadata(&index) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(problem(io_reason(&e))),
        };
        if !meta.is_file() {
            return Err(problem("not a regular file".into()));
        }
        if meta.len() > MAX_INDEX_SIZE {
            return Err(problem(format!(
                "git index larger than {} MB",
                MAX_INDEX_SIZE / (1024 * 1024)
            )));
        }
        let options = gix_index::decode::Options {
            thread_limit: Some(1),
            alloc_limit_bytes: Some(4 * MAX_INDEX_SIZE as usize),
            ..Default::default()
        };
        // The checksum is verified: a torn or foreign (SHA-256) index is reported, not misread.
        let opened = std::panic::catch_unwind(|| {
            gix_index::File::at(&index, gix_index::hash::Kind::Sha1, false, options)
        });
        let file = match opened {
            Ok(Ok(file)) => file,
            Ok(Err(e)) => {
                let text = e.to_string();
                let first = text.lines().next().unwrap_or("").trim();
                return Err(problem(format!("unreadable git index ({first})")));
            }
            Err(_) => return Err(problem("unreadable git index".into())),
        };
        let mut paths = std::collections::HashSet::new();
        for entry in file.entries() {
            let path: &[u8] = entry.path(&file);
            let name = path.rsplit(|&b| b == b'/').next().unwrap_or(path);
            let Ok(name) = std::str::from_utf8(name) else {
                continue;
            };
            if matches!(
                file_kind(Path::new(name)),
                FileKind::Env | FileKind::EnvTemplate
            ) {
                paths.insert(path.to_vec());
            }
        }
        Ok(Some(TrackedEnv { paths }))
    }
}

/// The git directory of the work tree at `repo_root`: `.git` itself, or where a `.git` file
/// (`gitdir: …`, in linked worktrees and submodules) points.
fn git_dir(repo_root: &Path) -> Option<PathBuf> {
    let dot_git = repo_root.join(".git");
    let meta = fs::metadata(&dot_git).ok()?;
    if meta.is_dir() {
        return Some(dot_git);
    }
    if !meta.is_file() || meta.len() > 4096 {
        return None;
    }
    let text = fs::read_to_string(&dot_git).ok()?;
    let target = text.lines().next()?.strip_prefix("gitdir:")?.trim();
    if target.is_empty() {
        return None;
    }
    Some(normalize(&repo_root.join(target)))
}

fn build_gitignore(root: &Path, file: &Path) -> Option<Arc<Gitignore>> {
    if !file.is_file() {
        return None;
    }
    let mut builder = GitignoreBuilder::new(root);
    // Partial errors (a bad line) keep the good lines, as git does.
    let _ = builder.add(file);
    let matcher = builder.build().ok()?;
    (!matcher.is_empty()).then(|| Arc::new(matcher))
}

/// Git's precedence: the deepest .gitignore with a matching pattern decides (its last matching
/// line), then `.git/info/exclude`.
fn is_ignored(
    path: &Path,
    is_dir: bool,
    matchers: &[(PathBuf, Arc<Gitignore>)],
    exclude: Option<&Gitignore>,
) -> bool {
    for (dir, matcher) in matchers.iter().rev() {
        if path == dir || !path.starts_with(dir) {
            continue;
        }
        let m = matcher.matched(path, is_dir);
        if m.is_ignore() {
            return true;
        }
        if m.is_whitelist() {
            return false;
        }
    }
    exclude.is_some_and(|ex| ex.matched(path, is_dir).is_ignore())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    #[test]
    fn normalizes_lexically() {
        assert_eq!(normalize(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
        assert_eq!(normalize(Path::new("/..")), PathBuf::from("/"));
        assert!(normalize(Path::new("x")).is_absolute());
    }

    #[test]
    fn git_status_follows_git_precedence() {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        fs::create_dir_all(root.join(".git/info")).unwrap();
        write(&root.join(".gitignore"), ".env\nbuild/\n");
        write(&root.join("app/.gitignore"), "!.env\n");
        write(&root.join(".git/info/exclude"), ".env.local\n");
        write(&root.join("sub/.gitignore"), "# nothing\n");
        let mut cache = GitIgnoreCache::default();
        assert_eq!(cache.status(&root.join(".env")), GitStatus::Ignored);
        assert_eq!(cache.status(&root.join("sub/.env")), GitStatus::Ignored);
        assert_eq!(
            cache.status(&root.join("app/.env")),
            GitStatus::NotIgnored {
                repo_root: root.clone()
            }
        );
        assert_eq!(cache.status(&root.join(".env.local")), GitStatus::Ignored);
        assert_eq!(
            cache.status(&root.join(".env.production")),
            GitStatus::NotIgnored {
                repo_root: root.clone()
            }
        );
        // A whitelist cannot re-include a file inside an ignored directory.
        write(&root.join("build/.gitignore"), "!.env.prod\n");
        assert_eq!(
            cache.status(&root.join("build/.env.prod")),
            GitStatus::Ignored
        );

        let outside = tempfile::tempdir().unwrap();
        let outside = fs::canonicalize(outside.path()).unwrap();
        let mut cache = GitIgnoreCache::default();
        // The temp dir might itself live in a repository; only check when it does not.
        if outside.ancestors().all(|d| !d.join(".git").exists()) {
            assert_eq!(cache.status(&outside.join(".env")), GitStatus::NotInRepo);
        }
    }

    /// Runs git in `dir` with no user or system configuration.
    fn git(dir: &Path, args: &[&str]) {
        let out = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args([
                "-c",
                "commit.gpgsign=false",
                "-c",
                "init.defaultBranch=main",
            ])
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .expect("the git tests need git");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A repository whose `.env` was committed before `.gitignore` listed it, a tracked
    /// `sub/.env` nobody ignores, an ignored untracked `.env.local` and an untracked
    /// `other/.env`.
    fn repo_with_tracked_env() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        git(&root, &["init", "-q"]);
        write(&root.join(".env"), "OPENAI_API_KEY=sk-1111\n");
        write(&root.join("sub/.env"), "A_KEY=1\n");
        write(&root.join("app.py"), "");
        git(&root, &["add", "."]);
        git(&root, &["commit", "-q", "-m", "first"]);
        write(&root.join(".gitignore"), "/.env\n.env.local\n");
        write(&root.join(".env.local"), "A_KEY=1\n");
        git(&root, &["add", "."]);
        git(&root, &["commit", "-q", "-m", "ignore"]);
        write(&root.join("other/.env"), "A_KEY=1\n");
        (dir, root)
    }

    #[test]
    fn git_status_reads_the_index() {
        let (_dir, root) = repo_with_tracked_env();
        let mut cache = GitIgnoreCache::default();
        assert_eq!(
            cache.status(&root.join(".env")),
            GitStatus::Tracked {
                repo_root: root.clone(),
                ignored: true
            }
        );
        assert_eq!(
            cache.status(&root.join("sub/.env")),
            GitStatus::Tracked {
                repo_root: root.clone(),
                ignored: false
            }
        );
        assert_eq!(cache.status(&root.join(".env.local")), GitStatus::Ignored);
        assert_eq!(
            cache.status(&root.join("other/.env")),
            GitStatus::NotIgnored {
                repo_root: root.clone()
            }
        );
        assert!(cache.take_problems().is_empty());

        // `git rm --cached` untracks it: what is left is the ignore line.
        git(&root, &["rm", "-q", "--cached", ".env"]);
        let mut cache = GitIgnoreCache::default();
        assert_eq!(cache.status(&root.join(".env")), GitStatus::Ignored);

        // The loader hands the status on.
        let loaded = load(std::slice::from_ref(&root), &LoadOptions::default()).unwrap();
        let status = |p: &str| {
            loaded
                .workspace
                .env_file(&root.join(p))
                .unwrap()
                .git
                .clone()
        };
        assert_eq!(status(".env"), GitStatus::Ignored);
        assert!(status("sub/.env").is_tracked());
        assert!(loaded.skipped.is_empty(), "{:?}", loaded.skipped);
    }

    #[test]
    fn git_status_follows_a_dot_git_file() {
        let (_dir, root) = repo_with_tracked_env();
        let linked = root.join("linked");
        git(&root, &["worktree", "add", "-q", "linked"]);
        assert!(linked.join(".git").is_file());
        let mut cache = GitIgnoreCache::default();
        assert_eq!(
            cache.status(&linked.join(".env")),
            GitStatus::Tracked {
                repo_root: linked.clone(),
                ignored: true
            }
        );
        assert_eq!(
            cache.status(&linked.join("other/.env")),
            GitStatus::NotIgnored {
                repo_root: linked.clone()
            }
        );
        // A `.git` file pointing nowhere: tracking is unknown, the ignore rules still apply.
        write(&linked.join(".git"), "gitdir: /nonexistent/git/dir\n");
        let mut cache = GitIgnoreCache::default();
        assert_eq!(cache.status(&linked.join(".env")), GitStatus::Ignored);
        assert!(cache.take_problems().is_empty());
    }

    #[test]
    fn a_corrupt_index_falls_back_to_the_ignore_rules() {
        let (_dir, root) = repo_with_tracked_env();
        let index = root.join(".git/index");
        let good = fs::read(&index).unwrap();
        let mut flipped = good.clone();
        let middle = flipped.len() / 2;
        flipped[middle] ^= 0xff;
        let corrupt: [&[u8]; 5] = [
            b"",
            b"not an index at all",
            &good[..good.len() / 2],
            &good[..12],
            &flipped,
        ];
        for bytes in corrupt {
            fs::write(&index, bytes).unwrap();
            let mut cache = GitIgnoreCache::default();
            assert_eq!(cache.status(&root.join(".env")), GitStatus::Ignored);
            assert_eq!(
                cache.status(&root.join("sub/.env")),
                GitStatus::NotIgnored {
                    repo_root: root.clone()
                }
            );
            let problems = cache.take_problems();
            assert_eq!(problems.len(), 1, "read once per repository: {problems:?}");
            assert_eq!(problems[0].path, index);
            assert!(
                problems[0]
                    .reason
                    .ends_with(": which .env files git tracks is unknown"),
                "{problems:?}"
            );
        }
        // The check goes on, and says why on stderr.
        let loaded = load(std::slice::from_ref(&root), &LoadOptions::default()).unwrap();
        assert_eq!(loaded.env.len(), 4);
        assert_eq!(loaded.skipped.len(), 1);
        assert_eq!(loaded.skipped[0].path, index);
        // No index at all (a repository before its first `git add`): nothing to report.
        fs::remove_file(&index).unwrap();
        let mut cache = GitIgnoreCache::default();
        assert_eq!(cache.status(&root.join(".env")), GitStatus::Ignored);
        assert!(cache.take_problems().is_empty());
    }

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
    fn pyproject_needs_a_keywire_table_and_keywire_toml_wins() {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        write(
            &root.join("pyproject.toml"),
            "[tool.keywire]\nignore = [\"KW1\"]\n",
        );
        write(
            &root.join("sub/pyproject.toml"),
            "[project]\nname = \"x\"\n",
        );
        write(&root.join("sub/deep/a.py"), "");
        let found = find_config(&root.join("sub/deep")).unwrap().unwrap();
        assert_eq!(found.dir, root);
        assert_eq!(found.config.ignore, vec!["KW1".to_string()]);
        write(&root.join("keywire.toml"), "ignore = [\"KW2\"]\n");
        let found = find_config(&root.join("sub/deep")).unwrap().unwrap();
        assert_eq!(found.file, root.join("keywire.toml"));
        write(&root.join("sub/keywire.toml"), "bogus = 1\n");
        let err = find_config(&root.join("sub/deep")).unwrap_err();
        assert!(err.to_string().contains("bogus: unknown key"), "{err}");
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

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_root_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let base = fs::canonicalize(dir.path()).unwrap();
        let root = base.join("proj");
        write(&root.join("a.py"), "");
        write(&base.join("outside/b.py"), "");
        write(&base.join("outside/.env"), "A=1\n");
        std::os::unix::fs::symlink(base.join("outside"), root.join("linkdir")).unwrap();
        std::os::unix::fs::symlink(base.join("outside/b.py"), root.join("b.py")).unwrap();
        std::os::unix::fs::symlink(base.join("outside/.env"), root.join(".env")).unwrap();
        std::os::unix::fs::symlink(root.join("a.py"), root.join("alias.py")).unwrap();
        std::os::unix::fs::symlink(root.join("loop.py"), root.join("loop.py")).unwrap();
        let loaded = load(std::slice::from_ref(&root), &LoadOptions::default()).unwrap();
        let py: Vec<_> = loaded.python.iter().map(|f| f.path.clone()).collect();
        assert_eq!(py, vec![root.join("a.py")]);
        assert!(loaded.env.is_empty());
        let reasons: Vec<_> = loaded
            .skipped
            .iter()
            .map(|s| (s.path.file_name().unwrap().to_owned(), s.reason.as_str()))
            .collect();
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert!(reasons
            .iter()
            .any(|(n, r)| n == "loop.py" && *r == "symlink loop"));
        assert!(reasons
            .iter()
            .any(|(n, r)| n == "b.py" && r.contains("outside the checked paths")));
        assert!(reasons
            .iter()
            .any(|(n, r)| n == ".env" && r.contains("outside the checked paths")));
    }
}

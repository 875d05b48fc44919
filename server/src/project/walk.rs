//! The walk: a gitignore-aware parallel walk of the roots that reads and extracts Python files
//! as it goes, and lists the .env files (gitignored or not) and the run markers of every
//! directory it enters.
//!
//! Owns what is walked into and what is skipped (default skip dirs, `exclude`, symlinks out of
//! the roots, ignore files that would block). Must never read a .env file's text (the caller
//! does, with its git status) nor build the workspace.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::{WalkBuilder, WalkState};

use super::cache::{self, FactsCache, FileStat, Keep, Outcome};
use super::read::{io_reason, is_loop, read_file_into};
use super::{LoadOptions, Prefilter, Skipped};
use crate::engine::notebook_facts::{self, Depth};
use crate::engine::python::{self, PyFacts};
use crate::engine::test_code::UnreadConfigs;
use crate::engine::workspace::{file_kind, DirMarkers, FileKind};
use crate::engine::CheckedNotebook;

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
    cache::CACHE_DIR,
    "site-packages",
];

pub(super) fn build_exclude(root: &Path, globs: &[String]) -> Option<Arc<Gitignore>> {
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
pub(super) type PyResult = (PathBuf, Arc<str>, PyFacts, Deferred);

/// A file's facts, what the walk keeps of it, and a notebook read for its check.
type Read = (PyFacts, Outcome, Option<Arc<CheckedNotebook>>);

/// The facts of a Python file or notebook for [`Prefilter::Facts`]; None for a notebook that
/// cannot be read. `test`: the file is test code whose model configurations no rule reads
/// ([`python::prefilter_test`]).
pub(super) fn fast_facts(path: &Path, text: &str, test: bool) -> Option<PyFacts> {
    if file_kind(path) == FileKind::Notebook {
        notebook_facts::facts(text, Depth::Fast).ok()
    } else if test {
        Some(python::extract_fast_test(text))
    } else {
        Some(python::extract_fast(text))
    }
}

/// What [`Prefilter::Findings`] noted about a file.
#[derive(Clone, Default)]
pub(super) struct Deferred {
    /// Its text was not kept: read it again ([`super::SourceFile::stamp`]).
    pub(super) stamp: Option<super::Stamp>,
    /// Its env facts were left out.
    pub(super) env: bool,
    /// It has model configurations (its rules look variables up in the whole workspace).
    pub(super) configs: bool,
    /// Its imports and edit points were left out (no light scan).
    pub(super) light: bool,
    /// How the facts cache knows it, when there is one.
    pub(super) cached: Option<cache::Cached>,
    /// Its facts came without their secret values ([`super::SourceFile::secrets_pending`]).
    pub(super) secrets_pending: bool,
    /// A notebook read for its check ([`super::SourceFile::notebook`]).
    pub(super) notebook: Option<Arc<CheckedNotebook>>,
}

pub(super) struct WalkCtx<'a> {
    pub(super) opts: &'a LoadOptions,
    pub(super) canonical_roots: &'a [PathBuf],
    pub(super) exclude: Option<&'a Gitignore>,
    pub(super) root: &'a Path,
    pub(super) python: Mutex<Vec<PyResult>>,
    pub(super) env: Mutex<Vec<PathBuf>>,
    /// Directories holding files that say how their programs run (see [`DirMarkers`]).
    pub(super) markers: Mutex<Vec<(PathBuf, DirMarkers)>>,
    /// Files that say how the project runs (`FileKind::RunFile`), whatever git thinks of them:
    /// read for their runners, not checked.
    pub(super) run_files: Mutex<Vec<PathBuf>>,
    pub(super) skipped: Mutex<Vec<Skipped>>,
    /// A module with a load point was seen: imports matter, every file gets its light scan
    /// (the files read before are scanned again at the end, [`scan_deferred`]).
    pub(super) loads_seen: std::sync::atomic::AtomicBool,
    /// Facts of unchanged files from earlier runs ([`FactsCache`]).
    pub(super) cache: Option<&'a FactsCache>,
    /// Test code whose configurations are not parsed for.
    pub(super) tests: UnreadConfigs<'a>,
}

pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
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
    IGNORE_FILES.iter().find_map(|f| special_file(dir.join(f)))
}

/// `path` when it is a FIFO, socket or device (a symlink followed).
fn special_file(path: PathBuf) -> Option<PathBuf> {
    fs::metadata(&path)
        .is_ok_and(|m| is_special(m.file_type()))
        .then_some(path)
}

fn is_special(t: fs::FileType) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        t.is_fifo() || t.is_socket() || t.is_char_device() || t.is_block_device()
    }
    #[cfg(not(unix))]
    {
        !t.is_file() && !t.is_dir()
    }
}

/// A directory's entries, read once: the walk's filter lists a directory before the walker
/// enters it (to find an ignore file that would block), and the visit reads the same listing
/// for the files the walker does not give ([`WalkCtx::env_files_in`]).
type Listings = Arc<Mutex<HashMap<PathBuf, Vec<Listed>>>>;

/// One entry of a directory listing: its name and type (no `fs::DirEntry`, which keeps its
/// directory open).
pub(super) struct Listed {
    name: std::ffi::OsString,
    file_type: Option<fs::FileType>,
}

impl Listed {
    fn read(dir: &Path) -> Option<Vec<Listed>> {
        let entries = fs::read_dir(dir).ok()?;
        Some(
            entries
                .flatten()
                .map(|e| Listed {
                    name: e.file_name(),
                    file_type: e.file_type().ok(),
                })
                .collect(),
        )
    }
}

/// `dir`'s entries, and an ignore file among them that would block: [`blocking_ignore_file`]
/// from one listing, the entries' types coming with it (a symlink is followed, and
/// `.git/info/exclude` is looked at only when there is a `.git`).
fn list_dir(dir: &Path) -> (Vec<Listed>, Option<PathBuf>) {
    // The walker reports what it cannot read.
    let entries = Listed::read(dir).unwrap_or_default();
    let blocking = entries.iter().find_map(|e| {
        let name = &e.name;
        let t = e.file_type?;
        if name == ".git" {
            return special_file(dir.join(".git/info/exclude"));
        }
        if name != ".gitignore" && name != ".ignore" {
            return None;
        }
        match t.is_symlink() {
            true => special_file(dir.join(name)),
            false => is_special(t).then(|| dir.join(name)),
        }
    });
    (entries, blocking)
}

pub(super) fn walk(ctx: &WalkCtx, dirs: &[&Path], exclude: Option<Arc<Gitignore>>) {
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
    let listings: Listings = Arc::default();
    let listed = listings.clone();
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
            if !is_dir {
                return !is_excluded(exclude.as_deref(), &root, entry.path(), false);
            }
            let (entries, blocking) = list_dir(entry.path());
            if let Some(file) = blocking {
                lock(&blocked_in_filter).push(Skipped {
                    path: file,
                    reason: "not a regular file: its directory is not checked".into(),
                });
                return false;
            }
            if is_excluded(exclude.as_deref(), &root, entry.path(), true) {
                return false;
            }
            lock(&listed).insert(entry.path().to_path_buf(), entries);
            true
        });
    let listings = &listings;
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
                        let entries = lock(listings).remove(path);
                        ctx.env_files_in(path, entries, &mut sink.env, &mut sink.skipped);
                    } else if file_type.is_symlink() {
                        // Python files behind a symlink inside the roots are walked under their
                        // real path; .env symlinks are found by `env_files_in`.
                        if matches!(file_kind(path), FileKind::Python | FileKind::Notebook) {
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
                    } else if file_type.is_file() {
                        match file_kind(path) {
                            FileKind::Python | FileKind::Notebook => {
                                ctx.python_file(path, true, &mut sink.python, &mut sink.skipped)
                            }
                            FileKind::Workflow => lock(&ctx.run_files).push(path.to_path_buf()),
                            _ => {}
                        }
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
    /// `listed_regular`: the directory listing gave `path` as a regular file (not a symlink),
    /// so it is opened without a `stat` first.
    pub(super) fn python_file(
        &self,
        path: &Path,
        listed_regular: bool,
        out: &mut Vec<PyResult>,
        skipped: &mut Vec<Skipped>,
    ) {
        thread_local! {
            // One read buffer per walker thread: no allocation per file for texts not kept.
            static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let meta = self.cache.and_then(|_| fs::metadata(path).ok());
        let stat = meta.as_ref().and_then(FileStat::of);
        let unread = self
            .cache
            .zip(stat)
            .and_then(|(cache, stat)| cache.get_unread(path, stat, self.opts.report_only));
        if let Some((facts, cached, pending)) = unread {
            // Unchanged since the last run: not read. A text the read would have kept is read
            // again when a check or a code frame needs it.
            self.note_loads(&facts);
            let outcome = cached.outcome;
            let deferred = Deferred {
                stamp: (outcome.stamp || self.keeps(outcome.keep)).then(|| super::Stamp {
                    len: cached.len,
                    modified: meta.as_ref().and_then(|m| m.modified().ok()),
                }),
                env: outcome.env,
                configs: outcome.configs,
                light: outcome.light,
                cached: Some(cached),
                secrets_pending: pending,
                notebook: None,
            };
            out.push((path.to_path_buf(), Arc::from(""), facts, deferred));
            return;
        }
        let read = BUF.with_borrow_mut(|buf| {
            let text = read_file_into(path, self.opts.max_file_size, buf, listed_regular)?;
            let hash = self.cache.map(|_| cache::content_hash(text.as_bytes()));
            let hit = self.cache.zip(hash).and_then(|(c, h)| c.get(path, text, h));
            let was_hit = hit.is_some();
            let (facts, outcome, notebook) = match hit {
                Some((facts, outcome)) => (facts, outcome, None),
                None => self.facts_of(path, text)?,
            };
            self.note_loads(&facts);
            let kept: Arc<str> = match self.keeps(outcome.keep) {
                true => Arc::from(text),
                false => Arc::from(""),
            };
            let deferred = Deferred {
                stamp: outcome.stamp.then(|| super::Stamp::of(path, text.len())),
                env: outcome.env,
                configs: outcome.configs,
                light: outcome.light,
                cached: hash.map(|hash| cache::Cached {
                    len: text.len() as u64,
                    hash,
                    outcome,
                    hit: was_hit,
                    stat,
                }),
                secrets_pending: false,
                notebook,
            };
            Ok::<_, String>((kept, facts, deferred))
        });
        match read {
            Ok((text, facts, deferred)) => out.push((path.to_path_buf(), text, facts, deferred)),
            Err(reason) => skipped.push(Skipped {
                path: path.to_path_buf(),
                reason,
            }),
        }
    }

    /// Whether a file's text is kept from the walk to the check.
    fn keeps(&self, keep: Keep) -> bool {
        match keep {
            Keep::Always => true,
            Keep::PerOptions => self.opts.keep_text,
            Keep::Never => false,
        }
    }

    /// A module with a load point: imports matter from now on ([`WalkCtx::loads_seen`]).
    fn note_loads(&self, facts: &PyFacts) {
        if !facts.loads.is_empty() {
            self.loads_seen
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }

    /// The facts of a Python file or notebook just read, and what else the walk keeps of it.
    fn facts_of(&self, path: &Path, text: &str) -> Result<Read, String> {
        use std::sync::atomic::Ordering::Relaxed;
        if file_kind(path) == FileKind::Notebook {
            return self.notebook(path, text);
        }
        let per_options = Outcome {
            keep: Keep::PerOptions,
            ..Outcome::default()
        };
        // By its path alone, as the rules judge whose configurations they read.
        let test = self.tests.contains(path);
        let facts = match self.opts.prefilter {
            Prefilter::Off => (python::extract(text), per_options),
            Prefilter::Facts => (
                fast_facts(path, text, test).unwrap_or_default(),
                per_options,
            ),
            Prefilter::Findings => {
                let findings_only = !self.loads_seen.load(Relaxed);
                let p = match (test, findings_only) {
                    (true, _) => python::prefilter_test(text, findings_only),
                    (false, true) => python::prefilter_findings(text),
                    (false, false) => python::prefilter(text),
                };
                let outcome = Outcome {
                    keep: match (&p.light, p.relevance) {
                        // Nothing can be reported in a quiet file: its text is not kept.
                        (Some(_), python::Relevance::Quiet) if !p.imports_matter => Keep::Never,
                        // Kept whatever `keep_text` says: `parse_deferred` may need it.
                        (Some(_), _) => Keep::Always,
                        (None, _) => Keep::PerOptions,
                    },
                    stamp: false,
                    env: p.relevance == python::Relevance::EnvOnly,
                    configs: p.configs,
                    light: p.light_left_out,
                };
                match p.light {
                    Some(light) => (light, outcome),
                    None if p.parse_configs => (python::extract(text), outcome),
                    None => (python::extract_without_configs(text), outcome),
                }
            }
        };
        Ok((facts.0, facts.1, None))
    }

    /// A notebook's facts. With [`Prefilter::Findings`], one whose bytes can hold no fact
    /// ([`notebook_facts::may_hold_fact`]) is not parsed: its imports are left out (read when
    /// some module loads a .env, like a quiet Python file's) and its text is not kept.
    fn notebook(&self, path: &Path, text: &str) -> Result<Read, String> {
        use std::sync::atomic::Ordering::Relaxed;
        let depth = match self.opts.prefilter {
            Prefilter::Off => Depth::Full,
            Prefilter::Facts => Depth::Fast,
            Prefilter::Findings if notebook_facts::may_hold_fact(text) => Depth::Full,
            Prefilter::Findings if self.loads_seen.load(Relaxed) => {
                let facts = notebook_facts::facts(text, Depth::Fast).map_err(|e| e.message)?;
                return Ok((facts, Outcome::default(), None));
            }
            Prefilter::Findings => {
                let outcome = Outcome {
                    light: true,
                    ..Outcome::default()
                };
                return Ok((PyFacts::default(), outcome, None));
            }
        };
        if self.opts.prefilter == Prefilter::Findings {
            // A one-shot check: the notebook is read once, for its facts and its check, and
            // what the check needs is held instead of the text (its outputs can be megabytes).
            // The text is read again only for a fix or a code frame.
            let checked = CheckedNotebook::read(path, text).map_err(|e| e.message)?;
            let outcome = Outcome {
                stamp: true,
                ..Outcome::default()
            };
            return Ok((checked.facts(depth), outcome, Some(Arc::new(checked))));
        }
        let facts = notebook_facts::facts(text, depth).map_err(|e| e.message)?;
        let outcome = Outcome {
            keep: Keep::PerOptions,
            ..Outcome::default()
        };
        Ok((facts, outcome, None))
    }

    /// `.env` / `.env.*` files and `OAI_CONFIG_LIST*` files in `dir`, gitignored or not (AutoGen
    /// reads a config list whatever git thinks of it, as python-dotenv reads a `.env`).
    /// `listed`: the directory's entries when the walk's filter has read them.
    pub(super) fn env_files_in(
        &self,
        dir: &Path,
        listed: Option<Vec<Listed>>,
        out: &mut Vec<PathBuf>,
        skipped: &mut Vec<Skipped>,
    ) {
        let Some(entries) = listed.or_else(|| Listed::read(dir)) else {
            return;
        };
        let mut markers = DirMarkers::default();
        let mut run_files = Vec::new();
        for entry in &entries {
            let name = &entry.name;
            markers.note(&name.to_string_lossy());
            self.note_run_files(dir, entry, &mut run_files);
            let bytes = name.as_encoded_bytes();
            if !bytes.windows(3).any(|w| w == b"env")
                && !bytes.starts_with(b"OAI_CONFIG_LIST")
                && !bytes
                    .windows(6)
                    .any(|w| w == b"ompose" || w == b"ockerf" || w == b"ockeri")
            {
                continue;
            }
            let path = dir.join(name);
            if !matches!(
                file_kind(&path),
                FileKind::Env
                    | FileKind::EnvTemplate
                    | FileKind::ConfigJson { .. }
                    | FileKind::Compose
                    | FileKind::Dockerfile
                    | FileKind::DockerIgnore
            ) {
                continue;
            }
            let Some(file_type) = entry.file_type else {
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
        if !run_files.is_empty() {
            lock(&self.run_files).append(&mut run_files);
        }
    }

    /// A run file among `dir`'s entries (a shell script only at the root), or VS Code's files
    /// in a `.vscode` folder.
    fn note_run_files(&self, dir: &Path, entry: &Listed, out: &mut Vec<PathBuf>) {
        let Some(file_type) = entry.file_type else {
            return;
        };
        let path = dir.join(&entry.name);
        let candidates = if file_type.is_dir() {
            if entry.name != ".vscode" {
                return;
            }
            vec![path.join("launch.json"), path.join("settings.json")]
        } else if matches!(file_kind(&path), FileKind::RunFile | FileKind::Manifest)
            && (dir == self.root || path.extension().is_none_or(|e| e != "sh"))
        {
            vec![path]
        } else {
            return;
        };
        for path in candidates {
            if path.is_file() && !is_excluded(self.exclude, self.root, &path, false) {
                if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink())
                    && self.symlink_problem(&path).is_some()
                {
                    continue;
                }
                out.push(path);
            }
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

#[cfg(test)]
mod tests {
    use std::fs;

    use crate::project::testing::write;
    use crate::project::{load, LoadOptions};

    #[test]
    fn run_files_are_read_for_their_runners() {
        use crate::engine::runners::RunnerKind;
        use crate::engine::Reach;
        use crate::project::Prefilter;

        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        write(&root.join("keywire.toml"), "");
        write(&root.join(".gitignore"), ".vscode/\n");
        let agents = "import os\nKEY = os.environ[\"OPENAI_API_KEY\"]\n";
        write(&root.join("agents.py"), agents);
        write(&root.join("app.py"), "from agents import KEY\n");
        write(&root.join(".env"), "OPENAI_API_KEY=x\n");
        write(
            &root.join("Makefile"),
            "run:\n\t@dotenv run -- python app.py\n",
        );
        write(
            &root.join(".vscode/launch.json"),
            "{\"configurations\": [{\"type\": \"debugpy\"},]}",
        );
        write(
            &root.join("scripts/run.sh"),
            "dotenv run -- python app.py\n",
        );
        write(&root.join("sub/Procfile"), "web: python app.py\n");
        let opts = LoadOptions {
            prefilter: Prefilter::Findings,
            ..LoadOptions::default()
        };
        let loaded = load(std::slice::from_ref(&root), &opts).unwrap();
        let ws = &loaded.workspace;
        let runners: Vec<_> = ws
            .runners()
            .map(|(p, r)| (p.strip_prefix(&root).unwrap().to_path_buf(), r.kind))
            .collect();
        assert_eq!(
            runners,
            vec![
                (".vscode/launch.json".into(), RunnerKind::VsCodeLaunch),
                ("Makefile".into(), RunnerKind::DotenvCli),
            ]
        );
        // app.py has no trigger of its own: its imports are read all the same.
        let findings = ws.check_file(&root.join("agents.py"), agents, Reach::Workspace);
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn workflows_are_found_and_checked() {
        use crate::engine::Reach;

        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        write(&root.join("keywire.toml"), "");
        // No trigger in the module but the read: its facts are kept for the workflow.
        write(
            &root.join("app.py"),
            "import os\nKEY = os.environ[\"OPENAI_API_KEY\"]\n",
        );
        let ci = root.join(".github/workflows/ci.yml");
        let text = "on: push\njobs:\n  t:\n    steps:\n      - run: python app.py\n";
        write(&ci, text);
        write(&root.join(".github/workflows/notes.txt"), "");
        let opts = LoadOptions {
            prefilter: crate::project::Prefilter::Findings,
            ..LoadOptions::default()
        };
        let loaded = load(std::slice::from_ref(&root), &opts).unwrap();
        assert_eq!(loaded.workflows, vec![ci.clone()]);
        assert!(loaded.checked_files().contains(&ci.as_path()));
        assert_eq!(loaded.text(&ci).as_deref(), Some(text));
        let findings = loaded.workspace.check_file(&ci, text, Reach::Workspace);
        assert_eq!(findings.len(), 1, "{findings:?}");
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

//! The project layer: everything that reads the disk for the engine, shared by the CLI and the
//! language server. The engine does no I/O; this is where it happens.
//!
//! One file per concern: [`config`] (discovery), [`walk`] (the gitignore-aware parallel walk),
//! [`read`] (the read policy), [`git`] (git status of .env and config list files), [`paths`]
//! (normalising user-given paths), [`tree`] (loading a tree with all of them). This file is the
//! API both faces use:
//!
//! - [`load`]: a tree, into a [`Loaded`] workspace;
//! - [`load_file`] / [`update_from_text`]: one file (any kind), into a [`FileUpdate`] to apply
//!   to a workspace;
//! - [`env_files_in`] / [`env_files_applying`]: the .env files of a folder, and those that apply
//!   to it;
//! - [`config_lists_named_by`]: the config list files a module's code names, whatever their
//!   name.
//!
//! A new file kind needs a reader and an extractor here (dispatched in [`update_from_text`] and
//! the walk), never code in the CLI or the server. Nothing here knows about LSP or output.

pub mod cache;
mod config;
mod config_refs;
mod findings_cache;
mod git;
mod paths;
mod read;
mod tree;
mod venv;
mod walk;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use cache::{FactsCache, CACHE_DIR};
pub use config::{find_config, FoundConfig};
pub use config_refs::config_lists_named_by;
pub use findings_cache::{for_report, FindingsCache};
pub use git::GitIgnoreCache;
pub use paths::absolute_normalized;
pub use read::{io_reason, read_source, read_source_into, read_text, MAX_FILE_SIZE};
pub use tree::load;
pub use walk::DEFAULT_SKIP_DIRS;

use crate::engine::config::ConfigError;
use crate::engine::notebook_facts;
use crate::engine::python::{self, PyFacts};
use crate::engine::workspace::{file_kind, FileKind, GitStatus, Workspace};
use crate::engine::{CheckedNotebook, Finding, Reach};

#[derive(Clone, Debug)]
pub struct LoadOptions {
    pub max_file_size: u64,
    /// Walker threads; 0 picks a number from the machine.
    pub threads: usize,
    pub prefilter: Prefilter,
    /// The virtualenv the user activated (`VIRTUAL_ENV`), for the whole workspace when no
    /// `.venv/`-style folder is found beside the code.
    pub virtual_env: Option<PathBuf>,
    /// Keep every Python file's text in [`Loaded::python`] (the CLI prints code frames from
    /// them; the language server keeps facts only and reads a closed file when it needs one).
    pub keep_text: bool,
    /// Reuse and update the facts cache in the project root ([`FactsCache`]), and the report
    /// cache ([`FindingsCache`]).
    pub cache: bool,
    /// Only a report is made of this load (no fix, no diff): with the cache, a file unchanged
    /// since the last run may keep its secret values out of its facts until
    /// [`Loaded::report_findings`] has to run the rules.
    pub report_only: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_file_size: MAX_FILE_SIZE,
            threads: 0,
            prefilter: Prefilter::Facts,
            virtual_env: None,
            keep_text: true,
            cache: false,
            report_only: false,
        }
    }
}

/// How much the byte prefilter ([`python::prefilter`]) may leave unparsed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Prefilter {
    /// Parse every file (for the differential tests).
    Off,
    /// Files without any trigger get their imports and edit points from the light scan; every
    /// fact anything reads is the same as with [`Prefilter::Off`] (test code's model
    /// configurations are not parsed when nothing reads them: `python::prefilter_test`).
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
    /// Set when the text is not kept but read again when needed ([`Loaded::text`]): a
    /// notebook's outputs (megabytes of images, copies of keys) stay on disk between the scan
    /// and the check.
    pub stamp: Option<Stamp>,
    /// The hash of the bytes read, when the facts cache is on ([`Loaded::digest`]).
    pub hash: Option<u64>,
    /// Its facts came from the cache without their secret values, which are read again from
    /// the text before any rule runs ([`LoadOptions::report_only`]).
    pub secrets_pending: bool,
    /// A notebook the walk read for its check ([`Loaded::check_source`]): its text is not
    /// kept, and is read again only for a fix or a code frame.
    pub notebook: Option<Arc<CheckedNotebook>>,
}

/// What identifies the version of a file that was read: its length and modification time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl Stamp {
    /// The stamp of the file at `path` whose text, just read, has `len` bytes.
    pub fn of(path: &Path, len: usize) -> Stamp {
        Stamp {
            len: len as u64,
            modified: std::fs::metadata(path).and_then(|m| m.modified()).ok(),
        }
    }
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
    /// That file's text, as read when it was found.
    pub config_text: Option<String>,
    pub workspace: Workspace,
    /// Python files and notebooks, sorted by path.
    pub python: Vec<SourceFile>,
    /// .env files (and templates, and configured `env-files`) under the paths: checked. Sorted;
    /// texts are in the workspace.
    pub env: Vec<PathBuf>,
    /// `OAI_CONFIG_LIST*` files under the paths (gitignored or not): checked. Sorted; texts are
    /// in the workspace.
    pub config_json: Vec<PathBuf>,
    /// Compose files and Dockerfiles under the paths (and `.dockerignore` files, read for them,
    /// which hold no finding): checked. Sorted; texts are in the workspace.
    pub deploy: Vec<PathBuf>,
    /// GitHub Actions workflows under the paths: checked. Sorted; texts are in the workspace.
    pub workflows: Vec<PathBuf>,
    /// Dependency manifests with requirements under the paths (`requirements.txt`,
    /// `pyproject.toml`…): checked. Sorted; texts are in the workspace.
    pub manifests: Vec<PathBuf>,
    /// .env files above the paths (up to the project root) and `env-files` outside them: in the
    /// workspace for the rules to see (what a module loads), but not checked themselves.
    pub context_env: Vec<PathBuf>,
    /// Sorted by path.
    pub skipped: Vec<Skipped>,
    /// With the facts cache: how many Python files and notebooks had their facts from it, and
    /// how many were read anew.
    pub cache_counts: Option<(usize, usize)>,
    /// With the facts cache, the report cache of these paths ([`Loaded::report_findings`]).
    pub findings_cache: Option<FindingsCache>,
}

impl Loaded {
    /// The loaded text of a Python, .env or config list file. A text that was not kept is read
    /// again: None when the file changed since it was scanned (its facts and spans are of the
    /// old text) or cannot be read.
    pub fn text(&self, path: &Path) -> Option<Arc<str>> {
        if let Ok(i) = self.python.binary_search_by(|f| f.path.as_path().cmp(path)) {
            return self.source_text(&self.python[i]);
        }
        self.workspace
            .env_file(path)
            .map(|f| f.text.clone())
            .or_else(|| self.workspace.config_json(path).map(|f| f.text.clone()))
            .or_else(|| self.workspace.deploy_file(path).map(|f| f.text.clone()))
            .or_else(|| self.workspace.workflow(path).map(|f| f.text.clone()))
            .or_else(|| self.workspace.packages().text(path))
    }

    /// [`Loaded::text`] of one of [`Loaded::python`].
    pub fn source_text(&self, file: &SourceFile) -> Option<Arc<str>> {
        let Some(stamp) = file.stamp else {
            return Some(file.text.clone());
        };
        read_source(&file.path, stamp.len)
            .ok()
            .filter(|t| Stamp::of(&file.path, t.len()) == stamp)
    }

    /// The findings of one of [`Loaded::python`] (see [`Workspace::check_file`]).
    pub fn check_source(&self, file: &SourceFile) -> Vec<Finding> {
        if let Some(nb) = &file.notebook {
            return self
                .workspace
                .check_read_notebook(&file.path, nb, Reach::Workspace);
        }
        // A text read again for the check is dropped with its findings made.
        let text = self.source_text(file).unwrap_or_else(|| Arc::from(""));
        self.workspace
            .check_file(&file.path, &text, Reach::Workspace)
    }

    /// Every file to check, whatever its kind; sorted by kind, then path. Its text is
    /// [`Loaded::text`] (read again for a text not kept).
    pub fn checked_files(&self) -> Vec<&Path> {
        let python = self.python.iter().map(|f| f.path.as_path());
        let env = self.env.iter().map(PathBuf::as_path);
        let config_json = self.config_json.iter().map(PathBuf::as_path);
        let deploy = self.deploy.iter().map(PathBuf::as_path);
        let workflows = self.workflows.iter().map(PathBuf::as_path);
        let manifests = self.manifests.iter().map(PathBuf::as_path);
        python
            .chain(env)
            .chain(config_json)
            .chain(deploy)
            .chain(workflows)
            .chain(manifests)
            .collect()
    }

    /// The file's text was not kept and the file changed since it was scanned.
    pub fn changed_since_scan(&self, path: &Path) -> bool {
        self.python
            .binary_search_by(|f| f.path.as_path().cmp(path))
            .ok()
            .and_then(|i| self.python[i].stamp)
            .is_some_and(|stamp| Stamp::of(path, stamp.len as usize) != stamp)
    }

    /// Number of files loaded (Python, .env, config lists, compose files, Dockerfiles and
    /// workflows).
    pub fn file_count(&self) -> usize {
        self.python.len()
            + self.env.len()
            + self.config_json.len()
            + self.deploy.len()
            + self.workflows.len()
            + self.manifests.len()
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

/// What one file means for a workspace now: its facts, its text, or nothing.
#[derive(Clone, Debug)]
pub enum FileUpdate {
    Python(Arc<PyFacts>),
    Env {
        text: Arc<str>,
        git: GitStatus,
    },
    /// An `OAI_CONFIG_LIST` file.
    ConfigJson {
        text: Arc<str>,
        git: GitStatus,
    },
    /// A compose file, Dockerfile or `.dockerignore`.
    Deploy(Arc<str>),
    /// A file that says how the project runs (`FileKind::RunFile`): its runners.
    RunFile {
        text: Arc<str>,
    },
    /// A GitHub Actions workflow.
    Workflow {
        text: Arc<str>,
    },
    /// A dependency manifest or lock file.
    Manifest {
        text: Arc<str>,
    },
    /// Gone, unreadable, or of no kind a workspace holds.
    Remove,
}

impl FileUpdate {
    /// Put the update for the file at `path` into `ws`.
    pub fn apply(self, ws: &mut Workspace, path: PathBuf) {
        match self {
            FileUpdate::Python(facts) => ws.set_python_facts(path, facts),
            FileUpdate::Env { text, git } => ws.set_env(path, &text, git),
            FileUpdate::ConfigJson { text, git } => ws.set_config_json(path, &text, git),
            FileUpdate::Deploy(text) => ws.set_deploy(path, &text),
            FileUpdate::RunFile { text } => ws.set_run_file(path, &text),
            FileUpdate::Workflow { text } => ws.set_workflow(path, &text),
            FileUpdate::Manifest { text } => ws.set_manifest(path, &text),
            FileUpdate::Remove => ws.remove(&path),
        }
    }
}

/// Load (or reload) one file from disk by its kind, with the read policy of a tree load. The
/// git status of a .env or config list file comes from `git` (a cache the caller keeps across files).
pub fn load_file(path: &Path, git: &mut GitIgnoreCache) -> FileUpdate {
    match read_source(path, MAX_FILE_SIZE) {
        Ok(text) => update_from_text(path, text, || git.status(path)),
        Err(_) => FileUpdate::Remove,
    }
}

/// The update for a file whose text is at hand (read from disk, or an editor's buffer). `git`
/// is asked only for the kinds that keep a git status.
pub fn update_from_text(
    path: &Path,
    text: Arc<str>,
    git: impl FnOnce() -> GitStatus,
) -> FileUpdate {
    match file_kind(path) {
        FileKind::Python => FileUpdate::Python(Arc::new(python::extract(&text))),
        // A notebook is a Python module; one that cannot be read holds nothing.
        FileKind::Notebook => match notebook_facts::facts(&text, notebook_facts::Depth::Full) {
            Ok(facts) => FileUpdate::Python(Arc::new(facts)),
            Err(_) => FileUpdate::Remove,
        },
        FileKind::Env | FileKind::EnvTemplate => FileUpdate::Env { text, git: git() },
        FileKind::ConfigJson { .. } => FileUpdate::ConfigJson { text, git: git() },
        FileKind::Compose | FileKind::Dockerfile | FileKind::DockerIgnore => {
            FileUpdate::Deploy(text)
        }
        FileKind::RunFile => FileUpdate::RunFile { text },
        FileKind::Workflow => FileUpdate::Workflow { text },
        FileKind::Manifest => FileUpdate::Manifest { text },
        FileKind::Other => FileUpdate::Remove,
    }
}

/// The .env files (and templates) right in `dir` that are files (or links to files), sorted.
pub fn env_files_in(dir: &Path) -> Vec<PathBuf> {
    let mut envs: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| matches!(file_kind(p), FileKind::Env | FileKind::EnvTemplate) && p.is_file())
        .collect();
    envs.sort();
    envs
}

/// The .env files that apply to `dir`: those in it and in each folder above it up to `root`
/// (python-dotenv's upward search stops at the project), nearest folder first.
pub fn env_files_applying(dir: &Path, root: &Path) -> Vec<PathBuf> {
    dir.ancestors()
        .take_while(|d| d.starts_with(root))
        .flat_map(env_files_in)
        .collect()
}

#[cfg(test)]
pub(crate) mod testing {
    use std::fs;
    use std::path::Path;

    /// Write `text` to `path`, creating its folders.
    pub fn write(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
}

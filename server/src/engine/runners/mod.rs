//! Runners: commands a project states it runs with (in a `Makefile`, a `justfile`, a
//! `Procfile`, `pyproject.toml` task tables, shell scripts at the root, VS Code's
//! `.vscode/launch.json` and `.vscode/settings.json`) whose tool loads `.env` files into the
//! environment itself, and the Python code each runs. Pure readers: a file's path and text in,
//! [`Runner`]s out; no I/O.
//!
//! What loads a `.env` (and what does not):
//! - `uv run --env-file F …` and `UV_ENV_FILE=F uv run …` (several files space-separated);
//!   plain `uv run` loads nothing, and `--no-env-file` cancels both;
//! - python-dotenv's CLI, `dotenv run -- …` (the `.env` of the directory it runs in) and
//!   `dotenv -f F run …`;
//! - `just` with `set dotenv-load` (or `dotenv-filename` / `dotenv-path`): every recipe;
//! - pytest with pytest-dotenv (`env_files` in `pyproject.toml`'s `[tool.pytest.ini_options]`):
//!   the tests;
//! - VS Code's Python extension: a launch configuration's `envFile`, and `python.envFile` of
//!   the workspace settings, both `${workspaceFolder}/.env` by default. Only runs started
//!   from VS Code get them ([`RunnerKind::is_editor`]).
//!
//! A front end hands each such file to [`read`]; the workspace keeps the runners by file
//! (`Workspace::set_run_file`) and `engine::resolve::runners` answers which runners load a
//! `.env` for a module (the module is an entry they run, or is imported by one). Another file
//! kind whose tool loads `.env` files (Compose's `env_file`) adds a [`RunnerKind`] and builds
//! the same [`Runner`] values.

mod command;
pub mod compose;
mod files;
mod vscode;

use std::ops::Range;
use std::path::{Path, PathBuf};

pub use command::{entries_of, line_entries, runners_of_line};

/// What loads the `.env` files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RunnerKind {
    /// `uv run --env-file F` or `UV_ENV_FILE`.
    Uv,
    /// python-dotenv's `dotenv run`.
    DotenvCli,
    /// `just` with `set dotenv-load`.
    Just,
    /// pytest with the pytest-dotenv plugin (`env_files` in `[tool.pytest.ini_options]`).
    PytestDotenv,
    /// A VS Code launch configuration's `envFile`.
    VsCodeLaunch,
    /// VS Code's `python.envFile` setting.
    VsCodeSettings,
}

impl RunnerKind {
    /// Only runs started from an editor get the files: a terminal, Docker or CI do not.
    pub fn is_editor(self) -> bool {
        matches!(self, RunnerKind::VsCodeLaunch | RunnerKind::VsCodeSettings)
    }

    /// A short description for messages.
    pub fn describe(self) -> &'static str {
        match self {
            RunnerKind::Uv => "uv run --env-file",
            RunnerKind::DotenvCli => "dotenv run",
            RunnerKind::Just => "just (set dotenv-load)",
            RunnerKind::PytestDotenv => "pytest-dotenv",
            RunnerKind::VsCodeLaunch => "VS Code's envFile",
            RunnerKind::VsCodeSettings => "VS Code's python.envFile",
        }
    }
}

/// What a runner runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// A Python file (`python app.py`, `streamlit run app.py`), relative to the runner's `cwd`
    /// as written (normalised when resolved).
    Script(PathBuf),
    /// A module (`python -m pkg.mod`, `uvicorn pkg.mod:app`).
    Module(String),
    /// pytest: the test modules under `cwd`.
    Tests,
    /// pytest given a path: a test file (`tests/test_a.py`, `tests/test_a.py::test_b`), or the
    /// test modules under a folder. Relative to `cwd` as written.
    TestPath(PathBuf),
    /// A command keywire does not follow (a console script, `${file}`): anything under `cwd`
    /// may run.
    Any,
}

/// A command whose tool loads `.env` files, and what it runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Runner {
    pub kind: RunnerKind,
    /// The bytes of the file that state it (a recipe line, a configuration).
    pub span: Range<usize>,
    /// The directory it runs in: entries and `env_files` are relative to it.
    pub cwd: PathBuf,
    /// The `.env` files it loads, as written (relative to `cwd` unless absolute).
    pub env_files: Vec<PathBuf>,
    pub runs: Vec<Entry>,
}

impl Runner {
    /// The `.env` files it loads, as lexically normalised paths.
    pub fn env_paths(&self) -> impl Iterator<Item = PathBuf> + '_ {
        self.env_files.iter().map(|f| normalize(&self.cwd.join(f)))
    }
}

/// Whether `path` is a file [`read`] reads, by its name (and, for VS Code's files, its
/// directory's): `Makefile`, `justfile`, `Procfile`, `pyproject.toml`, `*.sh`,
/// `.vscode/launch.json`, `.vscode/settings.json`.
pub fn is_run_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    match name {
        "Makefile" | "makefile" | "GNUmakefile" | "justfile" | "Justfile" | ".justfile"
        | "Procfile" | "pyproject.toml" => true,
        "launch.json" | "settings.json" => path
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|d| d == ".vscode"),
        _ => name.ends_with(".sh") && name.len() > 3,
    }
}

/// The runners a run file states. `path` is absolute; a VS Code file's workspace folder is
/// the parent of its `.vscode` directory, anything else runs in its own directory. Never
/// fails: what cannot be read states nothing.
pub fn read(path: &Path, text: &str) -> Vec<Runner> {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return Vec::new();
    };
    let Some(dir) = path.parent() else {
        return Vec::new();
    };
    match name {
        "launch.json" => vscode::launch(text, dir.parent().unwrap_or(dir)),
        "settings.json" => vscode::settings(text, dir.parent().unwrap_or(dir)),
        "justfile" | "Justfile" | ".justfile" => files::justfile(text, dir),
        "Procfile" => files::procfile(text, dir),
        "pyproject.toml" => files::pyproject(text, dir),
        "Makefile" | "makefile" | "GNUmakefile" => files::makefile(text, dir),
        _ => files::shell(text, dir),
    }
}

pub(crate) use crate::engine::paths::normalize;

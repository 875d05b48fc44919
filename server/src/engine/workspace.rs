//! The workspace model: every Python module's facts and every .env file, keyed by path, plus
//! the import graph between modules. Built from file facts handed in by a front end (the CLI's
//! disk walk, the language server's documents); it does no I/O itself and runs no rule (that
//! is the check driver's, `engine/check.rs`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use super::compose::{self, ComposeFile};
use super::config::Config;
use super::config_json::{self, ConfigJsonFile};
use super::dockerfile::{self, DockerIgnore, DockerfileFacts};
use super::dotenv::{self, DotenvFile};
use super::notebook::NotebookError;
use super::notebook_facts;
use super::packages;
use super::python::{self, PyFacts};
use super::resolve::graph::Derived;
use super::runners::compose::ComposeRun;
use super::runners::{self, Runner};
use super::suppression::parse_suppression;
use super::test_code::{TestCode, UnreadConfigs};
use super::workflow::{self, Workflow};

mod digest;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Python,
    /// A Jupyter notebook (`.ipynb`): its code cells are one Python module (`engine/notebook.rs`).
    Notebook,
    /// `.env`, `.env.local`, `.env.production`…: loaded by python-dotenv.
    Env,
    /// `.env.example`, `.env.sample`, `.env.template`, `.env.dist`: documentation, never loaded.
    EnvTemplate,
    /// AutoGen's JSON config list: `OAI_CONFIG_LIST`, `OAI_CONFIG_LIST.json`,
    /// `OAI_CONFIG_LIST_sample`… (read by `config_list_from_json`). `template` when the name
    /// says it is an example to copy (`sample`, `example`, `template`).
    ConfigJson {
        template: bool,
    },
    /// A Docker Compose file: `compose.yaml`, `docker-compose.yml`, their `.override.`
    /// variants (`engine/compose.rs`).
    Compose,
    /// `Dockerfile`, `Dockerfile.*`, `*.Dockerfile` (`engine/dockerfile.rs`).
    Dockerfile,
    /// `.dockerignore` (at a build context's root) or `<Dockerfile>.dockerignore` (beside its
    /// Dockerfile): read for builds, never checked itself.
    DockerIgnore,
    /// A file that says how the project runs, with commands whose tool may load `.env` files
    /// itself: `Makefile`, `justfile`, `Procfile`, `pyproject.toml`, `*.sh`,
    /// `.vscode/launch.json`, `.vscode/settings.json` (`engine/runners/`).
    RunFile,
    /// A GitHub Actions workflow: `.github/workflows/*.yml` / `*.yaml` (`engine/workflow.rs`).
    Workflow,
    /// A dependency manifest or lock file: `requirements*.txt` (and the files of a
    /// `requirements/` folder), `setup.cfg`, `Pipfile`, `environment.yml`, `uv.lock`,
    /// `poetry.lock`, `Pipfile.lock`, `pdm.lock` (`engine/packages/`). `pyproject.toml` is a
    /// [`FileKind::RunFile`] whose dependencies are read too.
    Manifest,
    Other,
}

/// The file name AutoGen's `config_list_from_json` reads by default.
pub const CONFIG_LIST_NAME: &str = "OAI_CONFIG_LIST";

/// Extensions of files named `OAI_CONFIG_LIST*` that hold something else than the JSON list
/// (notes about it, another format).
const NOT_CONFIG_JSON: &[&str] = &[
    "md", "rst", "yaml", "yml", "toml", "ipynb", "html", "sh", "ps1", "bat", "csv",
];

/// Words that make a config list file a template to copy.
const CONFIG_TEMPLATE_WORDS: &[&str] = &["sample", "example", "template"];

const TEMPLATE_SUFFIXES: &[&str] = &["example", "sample", "template", "dist", "tmpl", "tpl"];

/// Globs of every file whose change can change a finding: the file kinds of [`file_kind`] and
/// the files the project layer reads besides (the language server watches them). A new file
/// kind adds its names here.
pub const WATCHED_GLOBS: &[&str] = &[
    "**/.env*",
    // Templates named another way (`env.sample`, `example.env`, `.example_env`…).
    "**/env.*",
    "**/*.env",
    "**/*_env",
    "**/*.py",
    // Jupyter notebooks, and AutoGen's JSON config lists (`OAI_CONFIG_LIST`,
    // `OAI_CONFIG_LIST_sample`…).
    "**/*.ipynb",
    "**/OAI_CONFIG_LIST*",
    // Compose files, Dockerfiles and what a build context leaves out.
    "**/*compose*.y*ml",
    "**/*Dockerfile*",
    "**/.dockerignore",
    "**/.gitignore",
    "**/pyproject.toml",
    "**/keywire.toml",
    // Files that say how the project runs, whose runners may load .env files.
    "**/Makefile",
    "**/makefile",
    "**/GNUmakefile",
    "**/justfile",
    "**/Justfile",
    "**/.justfile",
    "**/Procfile",
    "**/*.sh",
    "**/.vscode/launch.json",
    "**/.vscode/settings.json",
    "**/.github/workflows/*.yml",
    "**/.github/workflows/*.yaml",
    // Dependency manifests and lock files, and what a virtualenv holds.
    "**/requirements*.txt",
    "**/requirements*.in",
    "**/requirements/*.txt",
    "**/setup.cfg",
    "**/Pipfile",
    "**/Pipfile.lock",
    "**/environment.y*ml",
    "**/uv.lock",
    "**/poetry.lock",
    "**/pdm.lock",
    "**/site-packages/*.dist-info/METADATA",
];

/// Classify by file name only (editors disagree on language ids for .env files).
pub fn file_kind(path: &Path) -> FileKind {
    // Lossy: a file name that is not UTF-8 (`bad\xffname.py`) is still a Python file.
    let Some(name) = path.file_name().map(|n| n.to_string_lossy()) else {
        return FileKind::Other;
    };
    let name = &*name;
    if name.ends_with(".py") || name.ends_with(".pyi") {
        return FileKind::Python;
    }
    if name.ends_with(".ipynb") {
        return FileKind::Notebook;
    }
    if name == ".env" {
        return FileKind::Env;
    }
    if let Some(kind) = deploy_kind(name) {
        return kind;
    }
    if name != "pyproject.toml"
        && (packages::manifest_kind(path).is_some() || packages::lock_kind(path).is_some())
    {
        return FileKind::Manifest;
    }
    if let Some(rest) = name.strip_prefix(CONFIG_LIST_NAME) {
        let extension = rest.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        if !extension.is_some_and(|e| NOT_CONFIG_JSON.contains(&e.as_str())) {
            let lower = rest.to_ascii_lowercase();
            return FileKind::ConfigJson {
                template: CONFIG_TEMPLATE_WORDS.iter().any(|w| lower.contains(w)),
            };
        }
    }
    if let Some(suffix) = name.strip_prefix(".env.") {
        let last = suffix
            .rsplit('.')
            .next()
            .unwrap_or(suffix)
            .to_ascii_lowercase();
        return if TEMPLATE_SUFFIXES.contains(&last.as_str()) {
            FileKind::EnvTemplate
        } else {
            FileKind::Env
        };
    }
    // Templates named another way: `.env_sample`, `.env-example`, `.example_env`, `env.sample`,
    // `example.env`, `sample.env`… (an `env` word and a template word, nothing else).
    let lower = name.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .trim_start_matches('.')
        .split(['.', '_', '-'])
        .collect();
    if words.len() == 2
        && words.contains(&"env")
        && words.iter().any(|w| TEMPLATE_SUFFIXES.contains(w))
    {
        return FileKind::EnvTemplate;
    }
    if runners::is_run_file(path) {
        return FileKind::RunFile;
    }
    if workflow::is_workflow(path) {
        return FileKind::Workflow;
    }
    FileKind::Other
}

/// Compose files, Dockerfiles and `.dockerignore`, by name.
fn deploy_kind(name: &str) -> Option<FileKind> {
    if name == ".dockerignore" {
        return Some(FileKind::DockerIgnore);
    }
    // BuildKit's ignore file of one Dockerfile: `Dockerfile.dockerignore`,
    // `api.Dockerfile.dockerignore`, beside it.
    if let Some(dockerfile) = name.strip_suffix(".dockerignore") {
        return (deploy_kind(dockerfile) == Some(FileKind::Dockerfile))
            .then_some(FileKind::DockerIgnore);
    }
    // `compose.yaml`, `docker-compose.override.yml`…: asked of every file the walk meets.
    if let Some(rest) = name
        .strip_prefix("docker-")
        .unwrap_or(name)
        .strip_prefix("compose.")
    {
        if matches!(
            rest.strip_prefix("override.").unwrap_or(rest),
            "yaml" | "yml"
        ) {
            return Some(FileKind::Compose);
        }
    }
    let dockerfile = name == "Dockerfile"
        || name.starts_with("Dockerfile.")
        || (name.ends_with(".Dockerfile") && name.len() > ".Dockerfile".len());
    dockerfile.then_some(FileKind::Dockerfile)
}

/// A .env file's place in git, as the front end found out: ignored, tracked (in git's index,
/// so committed or about to be, whatever .gitignore says), both, or neither.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum GitStatus {
    #[default]
    Unknown,
    NotInRepo,
    /// Ignored and not tracked (or git's index could not be read).
    Ignored,
    /// In a git work tree, not ignored and not tracked (or git's index could not be read): its
    /// root .gitignore is where the fix goes.
    NotIgnored {
        repo_root: PathBuf,
    },
    /// In git's index: the file is in the repository (or will be with the next commit), even
    /// when `ignored` (a .gitignore line added after it was committed does not untrack it).
    Tracked {
        repo_root: PathBuf,
        ignored: bool,
    },
}

impl GitStatus {
    /// Whether git tracks the file.
    pub fn is_tracked(&self) -> bool {
        matches!(self, GitStatus::Tracked { .. })
    }
}

/// What the files of one directory say about how its code runs, as the front end saw them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DirMarkers {
    /// A project of its own starts here (`pyproject.toml`, `requirements.txt`, `setup.py`,
    /// `Pipfile`, `Dockerfile`): templates above it describe another project.
    pub project_root: bool,
    /// A `Pipfile`: `pipenv run` and `pipenv shell` load this directory's `.env` themselves.
    pub pipenv: bool,
}

impl DirMarkers {
    /// Take note of one file name of the directory.
    pub fn note(&mut self, name: &str) {
        match name {
            "Pipfile" => {
                self.pipenv = true;
                self.project_root = true;
            }
            "pyproject.toml" | "requirements.txt" | "setup.py" | "setup.cfg" | "Dockerfile" => {
                self.project_root = true;
            }
            _ => {}
        }
    }
}

#[derive(Clone, Debug)]
pub struct EnvFile {
    pub text: Arc<str>,
    pub parsed: DotenvFile,
    pub template: bool,
    pub git: GitStatus,
    /// Its `# keywire: ignore` comments: (line, codes; empty = all rules), like a Python
    /// module's `PyFacts::suppressions`.
    pub suppressions: Vec<(usize, Vec<String>)>,
}

/// An `OAI_CONFIG_LIST` file: its text, its config entries (spans into the text) and its
/// place in git.
#[derive(Clone, Debug)]
pub struct ConfigListFile {
    pub text: Arc<str>,
    pub parsed: ConfigJsonFile,
    /// Named as an example to copy (`OAI_CONFIG_LIST_sample`).
    pub template: bool,
    pub git: GitStatus,
}

/// A compose file, Dockerfile or `.dockerignore`: its text and what it says.
#[derive(Clone, Debug)]
pub struct DeployFile {
    pub text: Arc<str>,
    pub facts: DeployFacts,
}

#[derive(Clone, Debug)]
pub enum DeployFacts {
    Compose(ComposeFile),
    Dockerfile(DockerfileFacts),
    DockerIgnore(DockerIgnore),
}

/// A GitHub Actions workflow: its text, its facts and its `# keywire: ignore` comments.
#[derive(Clone, Debug)]
pub struct WorkflowFile {
    pub text: Arc<str>,
    /// Read from the text when a rule first asks: a check whose stored report still holds
    /// needs only the text (for its digest), and YAML is slow to parse.
    facts: OnceLock<Workflow>,
    pub suppressions: Vec<(usize, Vec<String>)>,
}

impl WorkflowFile {
    pub fn facts(&self) -> &Workflow {
        self.facts.get_or_init(|| workflow::read(&self.text))
    }
}

#[derive(Clone, Debug)]
pub struct PyModule {
    pub facts: Arc<PyFacts>,
}

#[derive(Clone, Debug, Default)]
pub struct Workspace {
    pub root: PathBuf,
    pub config: Config,
    python: rustc_hash::FxHashMap<PathBuf, PyModule>,
    envs: BTreeMap<PathBuf, EnvFile>,
    config_lists: BTreeMap<PathBuf, ConfigListFile>,
    deploy: BTreeMap<PathBuf, DeployFile>,
    dirs: BTreeMap<PathBuf, DirMarkers>,
    /// Runners that load `.env` files, by the file that states them (`engine/runners/`).
    runners: BTreeMap<PathBuf, Arc<[Runner]>>,
    /// Commands that run Docker Compose, by the run file that states them.
    compose_runs: BTreeMap<PathBuf, Arc<[ComposeRun]>>,
    workflows: BTreeMap<PathBuf, Arc<WorkflowFile>>,
    /// Dependency manifests, lock files and virtualenvs (`engine/packages/`).
    packages: packages::Store,
    /// Import graph and write index, rebuilt lazily after any change.
    derived: OnceLock<Arc<Derived>>,
}

impl Workspace {
    pub fn new(root: impl Into<PathBuf>, config: Config) -> Self {
        Workspace {
            root: root.into(),
            config,
            ..Default::default()
        }
    }

    /// Add or replace a Python module from its text.
    pub fn set_python(&mut self, path: PathBuf, text: &str) -> Arc<PyFacts> {
        let facts = Arc::new(python::extract(text));
        self.set_python_facts(path, facts.clone());
        facts
    }

    pub fn set_python_facts(&mut self, path: PathBuf, facts: Arc<PyFacts>) {
        // Most edits (a keystroke) change no import, env write or load point: the import graph
        // stays valid, and rebuilding it would cost a pass over every module of the workspace.
        let same_graph = self
            .python
            .get(&path)
            .is_some_and(|old| Derived::same_inputs(&old.facts, &facts));
        self.python.insert(path, PyModule { facts });
        if !same_graph {
            self.derived = OnceLock::new();
        }
    }

    /// Add or replace a notebook from its JSON text: its code cells as one Python module
    /// (`engine/notebook_facts.rs`). A text that is no notebook keywire reads leaves the
    /// workspace without it, and says why.
    pub fn set_notebook(&mut self, path: PathBuf, text: &str) -> Result<(), NotebookError> {
        match notebook_facts::facts(text, notebook_facts::Depth::Full) {
            Ok(facts) => {
                self.set_python_facts(path, Arc::new(facts));
                Ok(())
            }
            Err(e) => {
                self.remove(&path);
                Err(e)
            }
        }
    }

    /// Add or replace a .env file (or template) from its text.
    pub fn set_env(&mut self, path: PathBuf, text: &str, git: GitStatus) {
        let template = file_kind(&path) == FileKind::EnvTemplate;
        let parsed = dotenv::parse(text);
        self.envs.insert(
            path,
            EnvFile {
                text: text.into(),
                parsed,
                template,
                git,
                suppressions: comment_suppressions(text),
            },
        );
        // The import graph is made of Python modules only: it stays.
    }

    /// Add or replace an `OAI_CONFIG_LIST` file from its text.
    pub fn set_config_json(&mut self, path: PathBuf, text: &str, git: GitStatus) {
        let template = matches!(file_kind(&path), FileKind::ConfigJson { template: true });
        self.config_lists.insert(
            path,
            ConfigListFile {
                text: text.into(),
                parsed: config_json::read(text),
                template,
                git,
            },
        );
    }

    /// Add or replace a compose file, Dockerfile or `.dockerignore` from its text (a path of
    /// another kind is ignored).
    pub fn set_deploy(&mut self, path: PathBuf, text: &str) {
        let facts = match file_kind(&path) {
            FileKind::Compose => DeployFacts::Compose(compose::read(text)),
            FileKind::Dockerfile => DeployFacts::Dockerfile(dockerfile::read(text)),
            FileKind::DockerIgnore => DeployFacts::DockerIgnore(DockerIgnore::parse(text)),
            _ => return,
        };
        self.deploy.insert(
            path,
            DeployFile {
                text: text.into(),
                facts,
            },
        );
    }

    pub fn deploy_file(&self, path: &Path) -> Option<&DeployFile> {
        self.deploy.get(path)
    }

    /// Every compose file, Dockerfile and `.dockerignore`, sorted by path.
    pub fn deploy_files(&self) -> impl Iterator<Item = (&PathBuf, &DeployFile)> {
        self.deploy.iter()
    }

    /// Record what a directory's files say about how its code runs.
    pub fn set_dir_markers(&mut self, dir: PathBuf, markers: DirMarkers) {
        self.dirs.insert(dir, markers);
    }

    /// Add or replace a run file (`FileKind::RunFile`) from its text: the runners it states
    /// that load `.env` files. A shell script counts only at the workspace root (where a
    /// project's `run.sh` sits; scripts elsewhere run from anywhere).
    pub fn set_run_file(&mut self, path: PathBuf, text: &str) {
        let (read, compose) = if path.extension().is_some_and(|e| e == "sh")
            && path.parent() != Some(self.root.as_path())
        {
            (Vec::new(), Vec::new())
        } else {
            (
                runners::read(&path, text),
                runners::compose::of_run_file(&path, text),
            )
        };
        if path.file_name().is_some_and(|n| n == "pyproject.toml") {
            self.packages.set_file(path.clone(), text);
        }
        if compose.is_empty() {
            self.compose_runs.remove(&path);
        } else {
            self.compose_runs.insert(path.clone(), compose.into());
        }
        self.set_runners(path, read);
    }

    /// Add or replace a dependency manifest or lock file (`FileKind::Manifest`, or a
    /// `pyproject.toml`) from its text.
    pub fn set_manifest(&mut self, path: PathBuf, text: &str) {
        self.packages.set_file(path, text);
    }

    /// Read the files requirements files include (`-r`/`-c`), whatever their names, a few
    /// levels deep, with `read` (the caller's I/O); a file `read` cannot give is recorded empty
    /// so that it is not asked for again. Returns each file asked for, with `read`'s answer.
    pub fn read_includes<E>(
        &mut self,
        mut read: impl FnMut(&Path) -> Result<Arc<str>, E>,
    ) -> Vec<(PathBuf, Result<(), E>)> {
        let mut out = Vec::new();
        for _ in 0..4 {
            let pending = self.packages.pending_includes();
            if pending.is_empty() {
                break;
            }
            for (path, home, constraint) in pending {
                let (text, result) = match read(&path) {
                    Ok(text) => (text, Ok(())),
                    Err(e) => (Arc::from(""), Err(e)),
                };
                self.packages
                    .set_included(path.clone(), &text, home, constraint);
                out.push((path, result));
            }
        }
        out
    }

    /// The virtualenvs the project layer found, with what they hold.
    pub fn set_installed(&mut self, installed: Vec<packages::Installed>) {
        self.packages.set_installed(installed);
    }

    pub fn packages(&self) -> &packages::Store {
        &self.packages
    }

    /// Every command of a run file or a workflow step that runs Docker Compose, with the file
    /// that states it, sorted by file.
    pub fn compose_runs(&self) -> Vec<(&PathBuf, ComposeRun)> {
        let mut out: Vec<(&PathBuf, ComposeRun)> = self
            .compose_runs
            .iter()
            .flat_map(|(p, runs)| runs.iter().map(move |r| (p, r.clone())))
            .collect();
        for (path, wf) in &self.workflows {
            out.extend(
                runners::compose::of_workflow(path, wf.facts())
                    .into_iter()
                    .map(|r| (path, r)),
            );
        }
        out.sort_by(|a, b| a.0.cmp(b.0));
        out
    }

    /// Set the runners a file states (any file kind whose tool loads `.env` files: see
    /// `engine/runners/`). None removes them.
    pub fn set_runners(&mut self, path: PathBuf, read: Vec<Runner>) {
        let was_empty = self.runners.is_empty();
        if read.is_empty() {
            self.runners.remove(&path);
        } else {
            self.runners.insert(path, read.into());
        }
        // The import graph is built for runners' entry points too.
        if was_empty != self.runners.is_empty() {
            self.derived = OnceLock::new();
        }
    }

    /// Add or replace a GitHub Actions workflow from its text.
    pub fn set_workflow(&mut self, path: PathBuf, text: &str) {
        let was_empty = self.workflows.is_empty();
        let file = WorkflowFile {
            text: text.into(),
            facts: OnceLock::new(),
            suppressions: comment_suppressions(text),
        };
        self.workflows.insert(path, Arc::new(file));
        // The import graph is built for the code workflows run too.
        if was_empty {
            self.derived = OnceLock::new();
        }
    }

    pub fn workflow(&self, path: &Path) -> Option<&WorkflowFile> {
        self.workflows.get(path).map(|w| &**w)
    }

    /// Every workflow, sorted by path.
    pub fn workflows(&self) -> impl Iterator<Item = (&PathBuf, &WorkflowFile)> {
        self.workflows.iter().map(|(p, w)| (p, &**w))
    }

    /// Every runner that loads `.env` files, with the file that states it, sorted by file.
    pub fn runners(&self) -> impl Iterator<Item = (&PathBuf, &Runner)> {
        self.runners
            .iter()
            .flat_map(|(path, rs)| rs.iter().map(move |r| (path, r)))
    }

    pub fn dir_markers(&self, dir: &Path) -> DirMarkers {
        self.dirs.get(dir).copied().unwrap_or_default()
    }

    /// The nearest directory at or above `path`'s (inside the workspace) where a project of its
    /// own starts, if any.
    pub fn project_dir_of<'p>(&self, path: &'p Path) -> Option<&'p Path> {
        path.ancestors()
            .skip(1)
            .take_while(|d| d.starts_with(&self.root))
            .find(|d| self.dir_markers(d).project_root)
    }

    pub fn remove(&mut self, path: &Path) {
        if self.python.remove(path).is_some() {
            self.derived = OnceLock::new();
        }
        self.envs.remove(path);
        self.config_lists.remove(path);
        if self.runners.contains_key(path) {
            self.set_runners(path.to_path_buf(), Vec::new());
        }
        self.compose_runs.remove(path);
        if self.workflows.remove(path).is_some() && self.workflows.is_empty() {
            self.derived = OnceLock::new();
        }
        self.deploy.remove(path);
        self.packages.remove(path);
    }

    pub fn python_modules(&self) -> impl Iterator<Item = (&PathBuf, &PyModule)> {
        self.python.iter()
    }

    pub fn python_module(&self, path: &Path) -> Option<&PyModule> {
        self.python.get(path)
    }

    pub fn env_files(&self) -> impl Iterator<Item = (&PathBuf, &EnvFile)> {
        self.envs.iter()
    }

    pub fn env_file(&self, path: &Path) -> Option<&EnvFile> {
        self.envs.get(path)
    }

    /// Every `OAI_CONFIG_LIST` file, sorted by path.
    pub fn config_json_files(&self) -> impl Iterator<Item = (&PathBuf, &ConfigListFile)> {
        self.config_lists.iter()
    }

    pub fn config_json(&self, path: &Path) -> Option<&ConfigListFile> {
        self.config_lists.get(path)
    }

    /// A path for messages: relative to the workspace root, with `/`.
    pub fn display_path(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        let s = rel.to_string_lossy().replace('\\', "/");
        if s.is_empty() {
            ".".to_string()
        } else {
            s
        }
    }

    /// Test code: under a `test`/`tests` folder (inside the workspace), `conftest.py`, a
    /// `test_*.py` / `*_test.py` module that holds tests (`def test…`, pytest, unittest; scripts
    /// named `llm_test.py` that try a model out are not), or matched by `test-paths`.
    pub fn is_test_code(&self, path: &Path, text: &str) -> bool {
        // Compiled per call: rare (only with `test-paths`), and `config` may be replaced.
        TestCode::new(&self.root, &self.config).contains(path, text)
    }

    /// Whether rules read the model configurations of the module at `path` (its entries and
    /// config sources) beyond its own findings. Not those of test code, by its path alone,
    /// unless test code is checked like any other (`tests = "all"`): tests build configurations
    /// with dummy keys and mock models, which say nothing of what the program needs; and a
    /// one-shot check does not parse a test module for them (`python::prefilter_test`).
    /// Asked of many modules in a row: `test-paths` are compiled once.
    pub fn reads_configs_of(&self) -> impl Fn(&Path) -> bool + '_ {
        let unread = UnreadConfigs::new(&self.root, &self.config);
        move |path| !unread.contains(path)
    }

    pub(crate) fn derived(&self) -> &Derived {
        self.derived.get_or_init(|| {
            let modules = self.python.iter().map(|(path, m)| (path, &*m.facts));
            // Runners' and workflows' entry points need the imports too.
            let imports = !self.runners.is_empty() || !self.workflows.is_empty();
            Arc::new(Derived::build(&self.root, modules, imports))
        })
    }
}

/// Suppression comments in a .env or compose file: on their own or after a value
/// (` # keywire: ignore`).
pub(crate) fn comment_suppressions(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    if !text.contains("keywire:") {
        return out;
    }
    for (line, content) in text.lines().enumerate() {
        if let Some(pos) = content
            .find("# keywire:")
            .or_else(|| content.find("#keywire:"))
        {
            if let Some(codes) = parse_suppression(&content[pos..]) {
                out.push((line, codes));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_kinds_come_from_names() {
        assert_eq!(file_kind(Path::new("a/b.py")), FileKind::Python);
        assert_eq!(file_kind(Path::new("a/.env")), FileKind::Env);
        assert_eq!(file_kind(Path::new(".env.local")), FileKind::Env);
        assert_eq!(file_kind(Path::new(".env.example")), FileKind::EnvTemplate);
        assert_eq!(file_kind(Path::new(".envrc")), FileKind::Other);
        assert_eq!(file_kind(Path::new("nb/demo.ipynb")), FileKind::Notebook);
        for template in [
            ".env_sample",
            ".env_example",
            ".env-example",
            ".example_env",
            "env.sample",
            "env.example",
            "example.env",
            "sample.env",
            ".env.template",
        ] {
            assert_eq!(
                file_kind(Path::new(template)),
                FileKind::EnvTemplate,
                "{template}"
            );
        }
        for other in ["environment.py", "env.py", "my.env", "env", "sample.json"] {
            assert_ne!(
                file_kind(Path::new(other)),
                FileKind::EnvTemplate,
                "{other}"
            );
        }
        assert_eq!(file_kind(Path::new("run.sh")), FileKind::RunFile);
        assert_eq!(
            file_kind(Path::new(".vscode/launch.json")),
            FileKind::RunFile
        );
        assert_eq!(file_kind(Path::new("launch.json")), FileKind::Other);
        assert_eq!(file_kind(Path::new("Makefile")), FileKind::RunFile);
        assert_eq!(
            file_kind(Path::new("OAI_CONFIG_LIST.sh")),
            FileKind::RunFile
        );
    }

    #[test]
    fn deploy_kinds_come_from_names() {
        for compose in [
            "compose.yaml",
            "compose.yml",
            "docker-compose.yml",
            "deploy/docker-compose.yaml",
            "compose.override.yml",
            "docker-compose.override.yaml",
        ] {
            assert_eq!(
                file_kind(Path::new(compose)),
                FileKind::Compose,
                "{compose}"
            );
        }
        for docker in ["Dockerfile", "app/Dockerfile.prod", "api.Dockerfile"] {
            assert_eq!(
                file_kind(Path::new(docker)),
                FileKind::Dockerfile,
                "{docker}"
            );
        }
        for ignore in [
            ".dockerignore",
            "Dockerfile.dockerignore",
            "docker/api.Dockerfile.dockerignore",
            "Dockerfile.prod.dockerignore",
        ] {
            assert_eq!(
                file_kind(Path::new(ignore)),
                FileKind::DockerIgnore,
                "{ignore}"
            );
        }
        for other in [
            "compose.json",
            "notes.dockerignore",
            "my-compose.yml",
            "docker-docker-compose.yml",
            "compose.override.override.yml",
            "compose.yaml.bak",
            ".Dockerfile",
            "config.yaml",
        ] {
            assert_eq!(file_kind(Path::new(other)), FileKind::Other, "{other}");
        }
    }

    #[test]
    fn config_lists_come_from_names() {
        let config = FileKind::ConfigJson { template: false };
        let template = FileKind::ConfigJson { template: true };
        for (name, kind) in [
            ("a/OAI_CONFIG_LIST", config),
            ("OAI_CONFIG_LIST.json", config),
            ("OAI_CONFIG_LIST_gpt4", config),
            ("OAI_CONFIG_LIST.local", config),
            ("OAI_CONFIG_LIST_sample", template),
            ("OAI_CONFIG_LIST_SAMPLE.json", template),
            ("OAI_CONFIG_LIST.example", template),
            ("OAI_CONFIG_LIST_template.json", template),
            ("OAI_CONFIG_LIST.py", FileKind::Python),
            ("OAI_CONFIG_LIST.md", FileKind::Other),
            ("OAI_CONFIG_LIST.yaml", FileKind::Other),
            ("oai_config_list.json", FileKind::Other),
            ("MY_OAI_CONFIG_LIST", FileKind::Other),
        ] {
            assert_eq!(file_kind(Path::new(name)), kind, "{name}");
        }
    }

    #[test]
    fn config_lists_are_stored_by_path() {
        let mut ws = Workspace::new("/p", Config::default());
        let path = PathBuf::from("/p/OAI_CONFIG_LIST_sample");
        ws.set_config_json(path.clone(), "[{\"model\": \"gpt-4\"}]", GitStatus::Ignored);
        let file = ws.config_json(&path).unwrap();
        assert!(file.template);
        assert_eq!(file.git, GitStatus::Ignored);
        assert_eq!(file.parsed.entries.len(), 1);
        assert_eq!(ws.config_json_files().count(), 1);
        ws.remove(&path);
        assert!(ws.config_json(&path).is_none());
    }
}

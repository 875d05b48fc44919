//! A module's view of the workspace (`ModuleScope`): the load points that run with it, the
//! `.env` file each loads, and `Lookup`, everything known about one variable name from there.
//! Reads the workspace model and its import graph; never changes either.

use std::path::{Path, PathBuf};

use crate::engine::dotenv::Entry;
use crate::engine::python::{EnvWrite, LoadKind, LoadPath, LoadPoint};
use crate::engine::runners::Runner;
use crate::engine::workspace::{file_kind, FileKind, Workspace};

use super::runners::runners_loading;

/// Which file a load point loads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadTarget {
    File(PathBuf),
    /// The path is computed: keywire makes no claim about it.
    Unknown,
    /// A default search found no .env, or a literal path names a file that isn't there.
    Missing,
}

/// A load point on a module's import chain.
#[derive(Clone, Debug)]
pub struct LoadRef<'a> {
    pub module: &'a Path,
    pub point: &'a LoadPoint,
    pub target: LoadTarget,
}

/// A definition of a variable in a .env file.
#[derive(Clone, Copy, Debug)]
pub struct EnvDef<'a> {
    pub env: &'a Path,
    pub entry: &'a Entry,
}

/// Everything known about a variable name as seen from one module.
#[derive(Clone, Debug, Default)]
pub struct Lookup<'a> {
    /// Definitions in .env files some load point on the chain loads, with that load point.
    pub loaded: Vec<(EnvDef<'a>, LoadRef<'a>)>,
    /// Definitions in `env-files` from the configuration, or in the .env a Pipfile's directory
    /// holds (pipenv loads it).
    pub configured: Vec<EnvDef<'a>>,
    /// `os.environ[...] = ...` in a module that runs in the same program.
    pub written: Vec<(&'a Path, &'a EnvWrite)>,
    pub assumed: bool,
    /// Some load point on the chain loads a file keywire cannot determine.
    pub unknown_load: bool,
    /// Definitions in .env files a runner loads for the module (`uv run --env-file`,
    /// `dotenv run`…: see `engine/runners/`), with the runner.
    pub run_loaded: Vec<(EnvDef<'a>, &'a Runner)>,
    /// Definitions in real .env files that nothing on the chain loads.
    pub unloaded: Vec<EnvDef<'a>>,
    /// Definitions in template files (.env.example …), which are never loaded.
    pub templates: Vec<EnvDef<'a>>,
    /// Some template lists the variable and no real .env sits beside it: a fresh clone, whose
    /// README says to copy the template. The variable counts as provided.
    pub template_provided: bool,
    /// A .env or template that nothing loads defines it with `export NAME=`: written to be
    /// `source`d by the shell, which is where the variable comes from.
    pub shell_sourced: bool,
}

impl Lookup<'_> {
    pub fn is_defined(&self) -> bool {
        !self.written.is_empty() || self.defined_outside_code()
    }

    /// [`Lookup::is_defined`] as seen from a module-level statement at `offset` of `module`:
    /// a write further down the same module has not run yet.
    pub fn is_defined_at(&self, module: &Path, offset: usize) -> bool {
        self.defined_outside_code()
            || self
                .written
                .iter()
                .any(|(p, w)| *p != module || w.span.start < offset)
    }

    fn defined_outside_code(&self) -> bool {
        !self.loaded.is_empty()
            || !self.configured.is_empty()
            || !self.run_loaded.is_empty()
            || self.assumed
            || self.template_provided
            || self.shell_sourced
            || (self.unknown_load && !self.unloaded.is_empty())
    }

    /// The winning definition's value, when the variable comes from a loaded .env.
    pub fn value(&self) -> Option<(&str, EnvDef<'_>)> {
        let def = self
            .configured
            .first()
            .copied()
            .or_else(|| self.loaded.first().map(|(d, _)| *d))
            .or_else(|| self.run_loaded.first().map(|(d, _)| *d))?;
        Some((def.entry.value.as_deref()?, def))
    }
}

/// A module's view of the workspace: its import chain and the load points on it.
#[derive(Debug)]
pub struct ModuleScope<'a> {
    ws: &'a Workspace,
    pub path: &'a Path,
    /// Every load point in a module that runs in a program that runs this one: in a module
    /// that imports it (transitively), in one it imports, or in one imported by an importer (including `dotenv_values()`, which loads nothing).
    pub loads: Vec<LoadRef<'a>>,
    /// A .env or template that defines something sits in this module's directory or an
    /// ancestor inside the workspace.
    pub env_in_scope: bool,
    /// Where the module's own project starts (see [`Workspace::project_dir_of`]).
    project: Option<&'a Path>,
}

impl<'a> ModuleScope<'a> {
    pub fn new(ws: &'a Workspace, path: &'a Path) -> Self {
        let d = ws.derived();
        // A loading module runs in the same program as this one when some module imports (or
        // is) both: their sets of importers-or-self intersect (precomputed per module).
        let mut loads = Vec::new();
        for module in d.loaders_for(path) {
            let Some(m) = ws.python_module(module) else {
                continue;
            };
            for point in &m.facts.loads {
                loads.push(LoadRef {
                    module: module.as_path(),
                    point,
                    target: load_target(ws, module, point),
                });
            }
        }
        // An empty .env says nothing about where variables come from, and a template above
        // the module's own project describes another project.
        let project = ws.project_dir_of(path);
        let env_in_scope = ws.env_files().any(|(env, file)| {
            !file.parsed.entries.is_empty()
                && (!file.template || project.is_none_or(|p| env.starts_with(p)))
                && env
                    .parent()
                    .is_some_and(|dir| path.starts_with(dir) && dir.starts_with(&ws.root))
        });
        ModuleScope {
            ws,
            path,
            loads,
            env_in_scope,
            project,
        }
    }

    /// Load points that set the environment (`load_dotenv`, `config_list_from_dotenv` with a path).
    pub fn env_loads(&self) -> impl Iterator<Item = &LoadRef<'a>> {
        self.loads.iter().filter(|l| sets_environment(l.point))
    }

    pub fn lookup(&self, name: &str) -> Lookup<'a> {
        let ws = self.ws;
        let mut out = Lookup {
            assumed: ws.config.assume_defined.iter().any(|a| a == name),
            ..Default::default()
        };
        let configured = configured_env_files(ws);
        for load in self.env_loads() {
            if load.target == LoadTarget::Unknown {
                out.unknown_load = true;
            }
        }
        // Copied to .env, a template's variables are there only if something loads that .env.
        let copies_load =
            self.env_loads().next().is_some() || ws.derived().orphan_near_loader(self.path);
        for (env_path, file) in ws.env_files() {
            if file.template && commented_out(&file.text, name) {
                // `# OPENAI_API_KEY=` in a template: an optional variable, e.g. for a provider
                // the project lets the user choose.
                out.template_provided = true;
            }
            let Some(entry) = file.parsed.get(name).filter(|e| e.value.is_some()) else {
                continue;
            };
            let def = EnvDef {
                env: env_path,
                entry,
            };
            if entry.export {
                out.shell_sourced = true;
            }
            if file.template && self.project.is_some_and(|p| !env_path.starts_with(p)) {
                // Another project's template (this module's project starts below it).
                continue;
            }
            if file.template {
                out.templates.push(def);
                let dir = env_path.parent();
                if copies_load
                    && !ws
                        .env_files()
                        .any(|(p, f)| !f.template && p.parent() == dir)
                {
                    out.template_provided = true;
                }
                continue;
            }
            // `pipenv run` loads the .env beside the Pipfile for everything below it.
            let pipenv = env_path
                .parent()
                .is_some_and(|dir| ws.dir_markers(dir).pipenv && self.path.starts_with(dir));
            if pipenv || configured.iter().any(|c| c == env_path) {
                out.configured.push(def);
                continue;
            }
            let mut loaded = false;
            for load in self.env_loads() {
                if load.target == LoadTarget::File(env_path.clone()) {
                    out.loaded.push((def, load.clone()));
                    loaded = true;
                }
            }
            if !loaded {
                // Runners outside an editor load it for every run; an editor's only for its
                // own runs (the variable stays unloaded: see KW202).
                let runners = runners_loading(ws, self.path, env_path);
                match runners.first() {
                    Some((_, runner)) if !runner.kind.is_editor() => {
                        out.run_loaded.push((def, runner));
                    }
                    _ => out.unloaded.push(def),
                }
            }
        }
        // The template nearest the module first: the one its README tells it to copy.
        out.templates.sort_by_key(|d| {
            let dir = d.env.parent().unwrap_or(Path::new(""));
            let ancestor = self.path.starts_with(dir);
            (!ancestor, std::cmp::Reverse(dir.components().count()))
        });
        if let Some(writes) = ws.derived().writes.get(name) {
            for (path, i) in writes {
                if !ws.derived().shares_program_with_writer(self.path, path) {
                    continue;
                }
                if let Some(m) = ws.python_module(path) {
                    if let Some(w) = m.facts.env_writes.get(*i) {
                        out.written.push((path.as_path(), w));
                    }
                }
            }
        }
        out
    }

    /// The project keeps its environment in files keywire can see: a .env or template in this
    /// module's directory or above, a loaded .env, or `env-files`. Otherwise variables come from
    /// the shell or the deployment (or from a .env the user creates after cloning), which
    /// keywire cannot see.
    pub fn sees_env_files(&self) -> bool {
        self.env_in_scope
            || !self.ws.config.env_files.is_empty()
            || self
                .env_loads()
                .any(|l| matches!(l.target, LoadTarget::File(_)))
    }

    /// Names defined for this module: loaded or configured .env keys, written names, assumed.
    pub fn defined_names(&self) -> Vec<String> {
        let ws = self.ws;
        let mut names: Vec<String> = ws.config.assume_defined.clone();
        let configured = configured_env_files(ws);
        for (env_path, file) in ws.env_files() {
            let loaded = configured.contains(env_path)
                || self.env_loads().any(|l| {
                    l.target == LoadTarget::File(env_path.clone())
                        || l.target == LoadTarget::Unknown
                });
            if loaded && !file.template {
                names.extend(
                    file.parsed
                        .entries
                        .iter()
                        .filter(|e| e.value.is_some())
                        .map(|e| e.key.clone()),
                );
            }
        }
        names.extend(ws.derived().writes.keys().cloned());
        names.sort();
        names.dedup();
        names
    }

    /// The workspace this scope belongs to.
    pub fn workspace(&self) -> &'a Workspace {
        self.ws
    }
}

/// The `env-files` of the configuration, as paths.
fn configured_env_files(ws: &Workspace) -> Vec<PathBuf> {
    ws.config
        .env_files
        .iter()
        .map(|p| ws.root.join(p))
        .collect()
}

/// `# NAME=…` (or `#NAME=`, `# export NAME=`) on a line of its own.
fn commented_out(text: &str, name: &str) -> bool {
    crate::engine::dotenv::commented_definition(text, name).is_some()
}

pub fn sets_environment(point: &LoadPoint) -> bool {
    match point.kind {
        LoadKind::LoadDotenv => true,
        LoadKind::ConfigListFromDotenv => point.has_dotenv_file_path,
        LoadKind::DotenvValues => false,
    }
}

/// The .env file python-dotenv would load for `point` in `module`.
pub fn load_target(ws: &Workspace, module: &Path, point: &LoadPoint) -> LoadTarget {
    let nearest_from = |dir: Option<&Path>| {
        let mut dir = dir;
        while let Some(d) = dir {
            let candidate = d.join(".env");
            if ws.env_file(&candidate).is_some() {
                return LoadTarget::File(candidate);
            }
            if d == ws.root {
                break;
            }
            dir = d.parent();
        }
        LoadTarget::Missing
    };
    match (&point.kind, &point.path) {
        (LoadKind::ConfigListFromDotenv, LoadPath::Default) => LoadTarget::Missing,
        (_, LoadPath::Default) | (_, LoadPath::FindDotenv { usecwd: false }) => {
            nearest_from(module.parent())
        }
        (_, LoadPath::FindDotenv { usecwd: true }) => nearest_from(Some(&ws.root)),
        (_, LoadPath::Literal(p)) => {
            let rel = Path::new(p);
            let mut candidates = vec![];
            if rel.is_absolute() {
                candidates.push(rel.to_path_buf());
            } else {
                candidates.push(normalize(&ws.root.join(rel)));
                if let Some(dir) = module.parent() {
                    candidates.push(normalize(&dir.join(rel)));
                }
            }
            candidates
                .into_iter()
                .find(|c| {
                    ws.env_file(c).is_some()
                        && matches!(file_kind(c), FileKind::Env | FileKind::EnvTemplate)
                })
                .map_or(LoadTarget::Missing, LoadTarget::File)
        }
        (_, LoadPath::Unknown) => LoadTarget::Unknown,
    }
}

pub use crate::engine::paths::normalize;

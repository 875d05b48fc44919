//! Cross-file facts: the import graph between workspace modules, which .env file each load point
//! loads, and where a variable is defined as seen from one module.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};

use super::dotenv::Entry;
use super::python::{EnvWrite, LoadKind, LoadPath, LoadPoint};
use super::workspace::{FileKind, Workspace};

/// Workspace-wide indexes, rebuilt after any change to the model.
#[derive(Debug, Default)]
pub struct Derived {
    /// importer → (imported module, index of the import in the importer's facts).
    imports: HashMap<PathBuf, Vec<(PathBuf, usize)>>,
    importers: HashMap<PathBuf, Vec<PathBuf>>,
    /// Variable name → modules that write it (`os.environ[...] = ...`).
    writes: HashMap<String, Vec<(PathBuf, usize)>>,
    /// Each module with load points, with the modules that import it (transitively) and itself.
    loaders: Vec<(PathBuf, HashSet<PathBuf>)>,
}

impl Derived {
    pub(crate) fn build(ws: &Workspace) -> Derived {
        let mut d = Derived::default();
        let module_dirs: HashSet<&Path> = ws
            .python_modules()
            .filter_map(|(p, _)| p.parent())
            .collect();
        for (path, module) in ws.python_modules() {
            let mut edges = Vec::new();
            for (i, import) in module.facts.imports.iter().enumerate() {
                for target in resolve_import(
                    ws,
                    &module_dirs,
                    path,
                    &import.module,
                    import.level,
                    &import.names,
                ) {
                    if &target != path {
                        edges.push((target, i));
                    }
                }
            }
            for (target, _) in &edges {
                d.importers
                    .entry(target.clone())
                    .or_default()
                    .push(path.clone());
            }
            if !edges.is_empty() {
                d.imports.insert(path.clone(), edges);
            }
            for (i, w) in module.facts.env_writes.iter().enumerate() {
                d.writes
                    .entry(w.name.clone())
                    .or_default()
                    .push((path.clone(), i));
            }
        }
        let mut loaders: Vec<(PathBuf, HashSet<PathBuf>)> = ws
            .python_modules()
            .filter(|(_, m)| !m.facts.loads.is_empty())
            .map(|(p, _)| (p.clone(), HashSet::new()))
            .collect();
        loaders.sort_by(|a, b| a.0.cmp(&b.0));
        for (path, up) in &mut loaders {
            *up = d.ancestors(path);
            up.insert(path.clone());
        }
        d.loaders = loaders;
        d
    }

    fn reachable(&self, start: &Path, forward: bool) -> HashSet<PathBuf> {
        let mut seen = HashSet::new();
        let mut queue = VecDeque::from([start.to_path_buf()]);
        while let Some(p) = queue.pop_front() {
            let next: Vec<&PathBuf> = if forward {
                self.imports
                    .get(&p)
                    .map(|v| v.iter().map(|(t, _)| t).collect())
                    .unwrap_or_default()
            } else {
                self.importers
                    .get(&p)
                    .map(|v| v.iter().collect())
                    .unwrap_or_default()
            };
            for n in next {
                if seen.insert(n.clone()) {
                    queue.push_back(n.clone());
                }
            }
        }
        seen.remove(start);
        seen
    }

    /// Modules `path` imports, directly or transitively.
    pub fn descendants(&self, path: &Path) -> HashSet<PathBuf> {
        self.reachable(path, true)
    }

    /// Modules that import `path`, directly or transitively.
    pub fn ancestors(&self, path: &Path) -> HashSet<PathBuf> {
        self.reachable(path, false)
    }

    /// Start of the first statement of `importer` that (transitively) imports `target`, counting
    /// only imports that run at module level.
    pub fn first_import_of(&self, ws: &Workspace, importer: &Path, target: &Path) -> Option<usize> {
        let facts = &ws.python_module(importer)?.facts;
        let edges = self.imports.get(importer)?;
        let mut best: Option<usize> = None;
        for (t, i) in edges {
            let import = &facts.imports[*i];
            if !import.module_level || best.is_some_and(|b| b <= import.stmt_start) {
                continue;
            }
            if t == target || self.descendants(t).contains(target) {
                best = Some(import.stmt_start);
            }
        }
        best
    }
}

/// Candidate files for an import, kept only when they are workspace modules.
fn resolve_import(
    ws: &Workspace,
    module_dirs: &HashSet<&Path>,
    importer: &Path,
    module: &str,
    level: u32,
    names: &[String],
) -> Vec<PathBuf> {
    let parts: Vec<&str> = module.split('.').filter(|p| !p.is_empty()).collect();
    let mut bases: Vec<PathBuf> = Vec::new();
    if level > 0 {
        let mut base = importer.parent().map(Path::to_path_buf);
        for _ in 1..level {
            base = base.and_then(|b| b.parent().map(Path::to_path_buf));
        }
        bases.extend(base);
    } else {
        // A script's own directory is on sys.path; so are the project root and a `src/` layout.
        bases.extend(importer.parent().map(Path::to_path_buf));
        bases.push(ws.root.clone());
        bases.push(ws.root.join("src"));
    }
    let mut out = Vec::new();
    let exists = |p: &Path| ws.python_module(p).is_some();
    for base in bases {
        let mut dir = base.clone();
        let mut found_module = parts.is_empty();
        for (k, part) in parts.iter().enumerate() {
            let init = dir.join(part).join("__init__.py");
            if exists(&init) {
                out.push(init);
            }
            if k + 1 == parts.len() {
                let file = dir.join(format!("{part}.py"));
                if exists(&file) {
                    out.push(file);
                    found_module = true;
                }
                let package = dir.join(part);
                if exists(&package.join("__init__.py")) || module_dirs.contains(package.as_path()) {
                    found_module = true;
                }
            }
            dir = dir.join(part);
        }
        if found_module {
            for name in names {
                let file = dir.join(format!("{name}.py"));
                if exists(&file) {
                    out.push(file);
                }
                let init = dir.join(name).join("__init__.py");
                if exists(&init) {
                    out.push(init);
                }
            }
        }
        if !out.is_empty() {
            break;
        }
    }
    out.sort();
    out.dedup();
    out
}

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
    /// Definitions in `env-files` from the configuration.
    pub configured: Vec<EnvDef<'a>>,
    /// `os.environ[...] = ...` anywhere in the workspace.
    pub written: Vec<(&'a Path, &'a EnvWrite)>,
    pub assumed: bool,
    /// Some load point on the chain loads a file keywire cannot determine.
    pub unknown_load: bool,
    /// Definitions in real .env files that nothing on the chain loads.
    pub unloaded: Vec<EnvDef<'a>>,
    /// Definitions in template files (.env.example …), which are never loaded.
    pub templates: Vec<EnvDef<'a>>,
}

impl Lookup<'_> {
    pub fn is_defined(&self) -> bool {
        !self.loaded.is_empty()
            || !self.configured.is_empty()
            || !self.written.is_empty()
            || self.assumed
            || (self.unknown_load && !self.unloaded.is_empty())
    }

    /// The winning definition's value, when the variable comes from a loaded .env.
    pub fn value(&self) -> Option<(&str, EnvDef<'_>)> {
        let def = self
            .configured
            .first()
            .copied()
            .or_else(|| self.loaded.first().map(|(d, _)| *d))?;
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
    /// A .env or template sits in this module's directory or an ancestor inside the workspace.
    pub env_in_scope: bool,
}

impl<'a> ModuleScope<'a> {
    pub fn new(ws: &'a Workspace, path: &'a Path) -> Self {
        let d = ws.derived();
        let mut up = d.ancestors(path);
        up.insert(path.to_path_buf());
        // A loading module runs in the same program as this one when some module imports (or
        // is) both: their sets of importers-or-self intersect.
        let mut loads = Vec::new();
        for (module, loader_up) in &d.loaders {
            let shares_program = if up.len() <= loader_up.len() {
                up.iter().any(|a| loader_up.contains(a))
            } else {
                loader_up.iter().any(|a| up.contains(a))
            };
            if !shares_program {
                continue;
            }
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
        let env_in_scope = ws.env_files().any(|(env, _)| {
            env.parent()
                .is_some_and(|dir| path.starts_with(dir) && dir.starts_with(&ws.root))
        });
        ModuleScope {
            ws,
            path,
            loads,
            env_in_scope,
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
        let configured: Vec<PathBuf> = ws
            .config
            .env_files
            .iter()
            .map(|p| ws.root.join(p))
            .collect();
        for load in self.env_loads() {
            if load.target == LoadTarget::Unknown {
                out.unknown_load = true;
            }
        }
        for (env_path, file) in ws.env_files() {
            let Some(entry) = file.parsed.get(name).filter(|e| e.value.is_some()) else {
                continue;
            };
            let def = EnvDef {
                env: env_path,
                entry,
            };
            if file.template {
                out.templates.push(def);
                continue;
            }
            if configured.iter().any(|c| c == env_path) {
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
                out.unloaded.push(def);
            }
        }
        if let Some(writes) = ws.derived().writes.get(name) {
            for (path, i) in writes {
                if let Some(m) = ws.python_module(path) {
                    if let Some(w) = m.facts.env_writes.get(*i) {
                        out.written.push((path.as_path(), w));
                    }
                }
            }
        }
        out
    }

    /// Names defined for this module: loaded or configured .env keys, written names, assumed.
    pub fn defined_names(&self) -> Vec<String> {
        let ws = self.ws;
        let mut names: Vec<String> = ws.config.assume_defined.clone();
        let configured: Vec<PathBuf> = ws
            .config
            .env_files
            .iter()
            .map(|p| ws.root.join(p))
            .collect();
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
                        && matches!(
                            super::workspace::file_kind(c),
                            FileKind::Env | FileKind::EnvTemplate
                        )
                })
                .map_or(LoadTarget::Missing, LoadTarget::File)
        }
        (_, LoadPath::Unknown) => LoadTarget::Unknown,
    }
}

/// Resolve `.` and `..` lexically.
pub fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

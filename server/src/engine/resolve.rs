//! Cross-file facts: the import graph between workspace modules, which .env file each load point
//! loads, and where a variable is defined as seen from one module.

use std::collections::{HashMap, HashSet, VecDeque};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use super::dotenv::Entry;
use super::python::{EnvWrite, LoadKind, LoadPath, LoadPoint, PyFacts};
use super::workspace::{FileKind, PyModule, Workspace};

/// Workspace-wide indexes, rebuilt after any change to the model. The import graph is kept by
/// module index (modules sorted by path), so walking it hashes no paths.
#[derive(Debug, Default)]
pub struct Derived {
    /// Workspace modules, sorted; the indexes below refer to them.
    paths: Vec<PathBuf>,
    index: HashMap<PathBuf, u32>,
    /// Per module: (imported module, index of the import in the importer's facts).
    imports: Vec<Vec<(u32, usize)>>,
    /// Per module: the modules that import it.
    importers: Vec<Vec<u32>>,
    /// Variable name → modules that write it (`os.environ[...] = ...`).
    writes: HashMap<String, Vec<(PathBuf, usize)>>,
    /// Modules with load points, sorted.
    loaders: Vec<PathBuf>,
    /// Per module, `words` words of bits over `loaders`: the loaders whose module runs in a
    /// program that runs this one (see [`shared_loaders`]). Empty without loaders.
    shares: Vec<u64>,
    words: usize,
    /// Modules with env writes, sorted, and per module the writers sharing a program with it
    /// (the same bitsets as for loaders).
    writers: Vec<PathBuf>,
    writer_shares: Vec<u64>,
    writer_words: usize,
}

impl Derived {
    /// Whether two versions of a module give the same graph: [`Derived::build`] reads only
    /// the module's imports (what they name, in order), its env writes' names (in order) and
    /// whether it has load points, never a span.
    pub(crate) fn same_inputs(a: &PyFacts, b: &PyFacts) -> bool {
        a.imports.len() == b.imports.len()
            && a.imports
                .iter()
                .zip(&b.imports)
                .all(|(x, y)| x.module == y.module && x.level == y.level && x.names == y.names)
            && a.env_writes.len() == b.env_writes.len()
            && a.env_writes
                .iter()
                .zip(&b.env_writes)
                .all(|(x, y)| x.name == y.name)
            && a.loads.is_empty() == b.loads.is_empty()
    }

    pub(crate) fn build(ws: &Workspace) -> Derived {
        let mut modules: Vec<(&PathBuf, &PyModule)> = ws.python_modules().collect();
        modules.sort_by(|a, b| a.0.cmp(b.0));
        let n = modules.len();
        let mut d = Derived {
            paths: modules.iter().map(|(p, _)| (*p).clone()).collect(),
            imports: vec![Vec::new(); n],
            importers: vec![Vec::new(); n],
            ..Derived::default()
        };
        d.index = d
            .paths
            .iter()
            .enumerate()
            .map(|(i, p)| (p.clone(), i as u32))
            .collect();
        d.loaders = modules
            .iter()
            .filter(|(_, m)| !m.facts.loads.is_empty())
            .map(|(p, _)| (*p).clone())
            .collect();
        d.writers = modules
            .iter()
            .filter(|(_, m)| !m.facts.env_writes.is_empty())
            .map(|(p, _)| (*p).clone())
            .collect();
        // Imports matter only for which load points and env writes run with a module: without
        // any, the graph stays empty (most of a large tree's build time is resolving imports).
        let tree = (!d.loaders.is_empty() || !d.writers.is_empty())
            .then(|| ModuleTree::new(&modules).with_root(&ws.root));
        for (m, (path, module)) in modules.iter().enumerate() {
            if let Some(tree) = &tree {
                let here = path.parent().and_then(|dir| tree.find(dir));
                for (i, import) in module.facts.imports.iter().enumerate() {
                    let names = &import.names;
                    for target in tree.resolve_import(here, &import.module, import.level, names) {
                        if target as usize != m {
                            d.imports[m].push((target, i));
                            d.importers[target as usize].push(m as u32);
                        }
                    }
                }
            }
            for (i, w) in module.facts.env_writes.iter().enumerate() {
                d.writes
                    .entry(w.name.clone())
                    .or_default()
                    .push(((*path).clone(), i));
            }
        }
        if !d.loaders.is_empty() {
            let loaders: Vec<u32> = d.loaders.iter().map(|p| d.index[p]).collect();
            d.words = loaders.len().div_ceil(64);
            d.shares = shared_loaders(&d.imports, &loaders);
        }
        if !d.writers.is_empty() {
            let writers: Vec<u32> = d.writers.iter().map(|p| d.index[p]).collect();
            d.writer_words = writers.len().div_ceil(64);
            d.writer_shares = shared_loaders(&d.imports, &writers);
        }
        d
    }

    /// `path` is imported by no module keywire can see (loaded by a framework or a registry,
    /// or through a dynamic import) and sits in a package below a module that loads a .env
    /// (`backend/main.py` and `backend/factory/tools.py`): it may well run in that module's
    /// program. Sibling scripts in one folder are separate programs and do not count.
    pub fn orphan_near_loader(&self, path: &Path) -> bool {
        let Some(&i) = self.index.get(path) else {
            return false;
        };
        let Some(here) = path.parent() else {
            return false;
        };
        self.importers[i as usize].is_empty()
            && self.loaders.iter().any(|l| {
                l.parent()
                    .is_some_and(|dir| here != dir && here.starts_with(dir))
            })
    }

    /// Whether `writer`'s env writes run in a program that runs `path`: it is `path`, or is
    /// imported by, imports, or shares an importer with it. A write in an unrelated script
    /// defines nothing for this module.
    pub fn shares_program_with_writer(&self, path: &Path, writer: &Path) -> bool {
        let (Some(&i), Ok(w)) = (
            self.index.get(path),
            self.writers.binary_search_by(|p| p.as_path().cmp(writer)),
        ) else {
            return false;
        };
        let words = self.writer_words;
        self.writer_shares
            .get(i as usize * words + w / 64)
            .is_some_and(|bits| bits & (1 << (w % 64)) != 0)
    }

    /// Modules reachable from `start` by one or more import edges (forward: what it imports;
    /// backward: what imports it), `start` itself excluded.
    fn reachable(&self, start: &Path, forward: bool) -> HashSet<PathBuf> {
        let Some(&s) = self.index.get(start) else {
            return HashSet::new();
        };
        let mut seen = vec![false; self.paths.len()];
        let mut queue = VecDeque::from([s]);
        while let Some(p) = queue.pop_front() {
            let p = p as usize;
            let next = if forward {
                Either::Left(self.imports[p].iter().map(|&(t, _)| t))
            } else {
                Either::Right(self.importers[p].iter().copied())
            };
            for n in next {
                if !seen[n as usize] {
                    seen[n as usize] = true;
                    queue.push_back(n);
                }
            }
        }
        seen[s as usize] = false;
        seen.iter()
            .enumerate()
            .filter(|(_, &s)| s)
            .map(|(i, _)| self.paths[i].clone())
            .collect()
    }

    /// Whether `to` is reachable from `from` by one or more imports.
    fn imports_transitively(&self, from: u32, to: u32) -> bool {
        let mut seen = vec![false; self.paths.len()];
        let mut stack = vec![from];
        while let Some(p) = stack.pop() {
            for &(t, _) in &self.imports[p as usize] {
                if t == to {
                    return true;
                }
                if !seen[t as usize] {
                    seen[t as usize] = true;
                    stack.push(t);
                }
            }
        }
        false
    }

    /// Modules `path` imports, directly or transitively (none when no module has a load point:
    /// the graph is only built for them).
    pub fn descendants(&self, path: &Path) -> HashSet<PathBuf> {
        self.reachable(path, true)
    }

    /// Modules that import `path`, directly or transitively (none without load points).
    pub fn ancestors(&self, path: &Path) -> HashSet<PathBuf> {
        self.reachable(path, false)
    }

    /// Start of the first statement of `importer` that (transitively) imports `target`, counting
    /// only imports that run at module level.
    pub fn first_import_of(&self, ws: &Workspace, importer: &Path, target: &Path) -> Option<usize> {
        let facts = &ws.python_module(importer)?.facts;
        let edges = &self.imports[*self.index.get(importer)? as usize];
        let target = self.index.get(target).copied();
        let mut best: Option<usize> = None;
        for &(t, i) in edges {
            let import = &facts.imports[i];
            if !import.module_level || best.is_some_and(|b| b <= import.stmt_start) {
                continue;
            }
            if target.is_some_and(|target| t == target || self.imports_transitively(t, target)) {
                best = Some(import.stmt_start);
            }
        }
        best
    }

    /// The loaders sharing a program with `path` (see [`shared_loaders`]), in path order.
    fn loaders_for(&self, path: &Path) -> impl Iterator<Item = &PathBuf> {
        let bits: &[u64] = match self.index.get(path) {
            Some(&i) if self.words > 0 => {
                &self.shares[i as usize * self.words..(i as usize + 1) * self.words]
            }
            _ => &[],
        };
        self.loaders
            .iter()
            .enumerate()
            .filter(move |(l, _)| bits.get(l / 64).is_some_and(|w| w & (1 << (l % 64)) != 0))
            .map(|(_, p)| p)
    }
}

/// One of two iterators.
enum Either<L, R> {
    Left(L),
    Right(R),
}

impl<T, L: Iterator<Item = T>, R: Iterator<Item = T>> Iterator for Either<L, R> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        match self {
            Either::Left(l) => l.next(),
            Either::Right(r) => r.next(),
        }
    }
}

/// For every module `p`, the loaders `l` such that some module imports (transitively) or is
/// both `p` and `l` — `up(p) ∩ up(l) ≠ ∅`, where `up(m)` is `m` and its transitive importers —
/// as `loaders.len().div_ceil(64)` words of bits per module.
///
/// Computed once for the workspace, linear in the import graph times the number of words:
/// `below(m)`, the loaders `m` reaches by imports (itself included), comes from the strongly
/// connected components in reverse topological order; then `shares(p) = ⋃ below(a)` over
/// `a ∈ up(p)` is `below(p) ∪ ⋃ shares(a)` over the importers `a` of `p`, pushed along the
/// imports in topological order.
fn shared_loaders(imports: &[Vec<(u32, usize)>], loaders: &[u32]) -> Vec<u64> {
    let fwd: Vec<Vec<u32>> = imports
        .iter()
        .map(|edges| edges.iter().map(|&(t, _)| t).collect())
        .collect();
    let (comp, count) = strongly_connected(&fwd);
    let words = loaders.len().div_ceil(64);
    let mut below = vec![0u64; count * words];
    for (l, &m) in loaders.iter().enumerate() {
        below[comp[m as usize] as usize * words + l / 64] |= 1 << (l % 64);
    }
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); count];
    for (v, &c) in comp.iter().enumerate() {
        members[c as usize].push(v as u32);
    }
    let or_into = |bits: &mut Vec<u64>, to: usize, from: usize| {
        for k in 0..words {
            bits[to * words + k] |= bits[from * words + k];
        }
    };
    // Components come sinks first: what a component imports is done before it.
    for (c, vs) in members.iter().enumerate() {
        for &v in vs {
            for &w in &fwd[v as usize] {
                let cw = comp[w as usize] as usize;
                if cw != c {
                    or_into(&mut below, c, cw);
                }
            }
        }
    }
    let mut shares = below;
    for c in (0..count).rev() {
        for &v in &members[c] {
            for &w in &fwd[v as usize] {
                let cw = comp[w as usize] as usize;
                if cw != c {
                    or_into(&mut shares, cw, c);
                }
            }
        }
    }
    let mut out = vec![0u64; fwd.len() * words];
    for (v, &c) in comp.iter().enumerate() {
        let c = c as usize;
        out[v * words..(v + 1) * words].copy_from_slice(&shares[c * words..(c + 1) * words]);
    }
    out
}

/// Tarjan's strongly connected components, iteratively: each node's component, numbered in
/// reverse topological order (a component's number is above those of all it reaches), and the
/// number of components.
fn strongly_connected(fwd: &[Vec<u32>]) -> (Vec<u32>, usize) {
    const NONE: u32 = u32::MAX;
    let n = fwd.len();
    let mut order = vec![NONE; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<u32> = Vec::new();
    let mut comp = vec![NONE; n];
    let mut count = 0u32;
    let mut next = 0u32;
    let mut calls: Vec<(u32, usize)> = Vec::new();
    for root in 0..n {
        if order[root] != NONE {
            continue;
        }
        order[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root as u32);
        on_stack[root] = true;
        calls.push((root as u32, 0));
        while let Some(&(v, e)) = calls.last() {
            let v = v as usize;
            if let Some(&w) = fwd[v].get(e) {
                if let Some(top) = calls.last_mut() {
                    top.1 += 1;
                }
                let w = w as usize;
                if order[w] == NONE {
                    order[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w as u32);
                    on_stack[w] = true;
                    calls.push((w as u32, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(order[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(u, _)) = calls.last() {
                let u = u as usize;
                low[u] = low[u].min(low[v]);
            }
            if low[v] == order[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w as usize] = false;
                    comp[w as usize] = count;
                    if w as usize == v {
                        break;
                    }
                }
                count += 1;
            }
        }
    }
    (comp, count as usize)
}

/// The workspace's module files as a directory tree, to resolve imports by walking names
/// instead of building and hashing candidate paths. Only directories with modules at or below
/// them are nodes, so a missing node proves no candidate below it exists.
struct ModuleTree<'a> {
    nodes: Vec<DirNode<'a>>,
    /// `root` and `root/src`.
    root: Option<u32>,
    src: Option<u32>,
}

struct DirNode<'a> {
    parent: Option<u32>,
    children: HashMap<&'a OsStr, u32>,
    /// The modules directly here: file name → module index.
    files: HashMap<&'a OsStr, u32>,
}

impl<'a> ModuleTree<'a> {
    /// `modules` sorted by path (their indexes are the module indexes).
    fn new(modules: &[(&'a PathBuf, &'a PyModule)]) -> Self {
        let node = |parent| DirNode {
            parent,
            children: HashMap::new(),
            files: HashMap::new(),
        };
        let mut tree = ModuleTree {
            nodes: vec![node(None)],
            root: None,
            src: None,
        };
        for (m, (path, _)) in modules.iter().enumerate() {
            let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
                continue;
            };
            let mut n = 0u32;
            for c in dir.components() {
                let key = c.as_os_str();
                n = match tree.nodes[n as usize].children.get(key) {
                    Some(&child) => child,
                    None => {
                        let child = tree.nodes.len() as u32;
                        // `Path::parent` of a root (`/`, `C:\\`) is None.
                        let is_root = matches!(
                            c,
                            std::path::Component::RootDir | std::path::Component::Prefix(_)
                        );
                        tree.nodes.push(node((!is_root).then_some(n)));
                        tree.nodes[n as usize].children.insert(key, child);
                        child
                    }
                };
            }
            tree.nodes[n as usize].files.insert(name, m as u32);
        }
        tree
    }

    fn with_root(mut self, root: &Path) -> Self {
        self.root = self.find(root);
        self.src = self.root.and_then(|r| self.child(r, "src"));
        self
    }

    fn find(&self, dir: &Path) -> Option<u32> {
        let mut n = 0u32;
        for c in dir.components() {
            n = *self.nodes[n as usize].children.get(c.as_os_str())?;
        }
        Some(n)
    }

    fn child(&self, n: u32, name: &str) -> Option<u32> {
        self.nodes[n as usize]
            .children
            .get(OsStr::new(name))
            .copied()
    }

    fn module(&self, n: u32, file: &str) -> Option<u32> {
        self.nodes[n as usize].files.get(OsStr::new(file)).copied()
    }

    /// The workspace modules an import may load, by index, sorted: for each base in turn (the
    /// importer's package for a relative import; else the importer's directory `here`, the
    /// project root and its `src/`), the packages on the way (`__init__.py`), the module
    /// (`m.py`, or a package or namespace directory), and the imported names that are
    /// submodules; the first base with any is used.
    fn resolve_import(
        &self,
        here: Option<u32>,
        module: &str,
        level: u32,
        names: &[String],
    ) -> Vec<u32> {
        let parts: Vec<&str> = module.split('.').filter(|p| !p.is_empty()).collect();
        // Bases without a node have no module below them: nothing to find there.
        let mut bases: Vec<Option<u32>> = Vec::with_capacity(4);
        if level > 0 {
            let mut base = here;
            for _ in 1..level {
                base = base.and_then(|b| self.nodes[b as usize].parent);
            }
            bases.push(base);
        } else {
            bases.extend([here, self.root, self.src]);
            // The folder of the script that was run is on sys.path for every module of its
            // program: `backend/main.py` makes `from handlers.x import y` in
            // `backend/factory/f.py` find `backend/handlers/x.py`. Its ancestors stand in for it.
            let mut up = here.and_then(|h| self.nodes[h as usize].parent);
            while let Some(dir) = up {
                if Some(dir) == self.root {
                    break;
                }
                if Some(dir) != self.src {
                    bases.push(Some(dir));
                }
                up = self.nodes[dir as usize].parent;
            }
        }
        let mut out = Vec::new();
        let mut file = String::new();
        for base in bases.into_iter().flatten() {
            let mut dir = Some(base);
            let mut found_module = parts.is_empty();
            for (k, part) in parts.iter().enumerate() {
                let child = dir.and_then(|d| self.child(d, part));
                out.extend(child.and_then(|c| self.module(c, "__init__.py")));
                if k + 1 == parts.len() {
                    file.clear();
                    file.push_str(part);
                    file.push_str(".py");
                    if let Some(m) = dir.and_then(|d| self.module(d, &file)) {
                        out.push(m);
                        found_module = true;
                    }
                    // A package, or a namespace directory (modules directly in it).
                    if child.is_some_and(|c| !self.nodes[c as usize].files.is_empty()) {
                        found_module = true;
                    }
                }
                dir = child;
            }
            if let Some(d) = dir.filter(|_| found_module) {
                for name in names {
                    file.clear();
                    file.push_str(name);
                    file.push_str(".py");
                    out.extend(self.module(d, &file));
                    out.extend(
                        self.child(d, name)
                            .and_then(|c| self.module(c, "__init__.py")),
                    );
                }
            }
            if !out.is_empty() {
                break;
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
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
    /// Definitions in `env-files` from the configuration, or in the .env a Pipfile's directory
    /// holds (pipenv loads it).
    pub configured: Vec<EnvDef<'a>>,
    /// `os.environ[...] = ...` in a module that runs in the same program.
    pub written: Vec<(&'a Path, &'a EnvWrite)>,
    pub assumed: bool,
    /// Some load point on the chain loads a file keywire cannot determine.
    pub unknown_load: bool,
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
                out.unloaded.push(def);
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

/// `# NAME=…` (or `#NAME=`, `# export NAME=`) on a line of its own.
fn commented_out(text: &str, name: &str) -> bool {
    text.contains(name)
        && text.lines().any(|line| {
            let Some(rest) = line.trim_start().strip_prefix('#') else {
                return false;
            };
            let rest = rest.trim_start();
            let rest = rest.strip_prefix("export ").unwrap_or(rest).trim_start();
            rest.strip_prefix(name)
                .is_some_and(|after| after.trim_start().starts_with('='))
        })
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

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};
    use std::path::{Path, PathBuf};
    use std::sync::Arc;

    use super::super::config::Config;
    use super::super::python::{Import, LoadKind, LoadPath, LoadPoint, PyFacts};
    use super::super::text::Span;
    use super::super::workspace::Workspace;
    use super::ModuleScope;

    /// `shares` against the definition: some module imports (or is) both.
    #[test]
    fn loaders_sharing_a_program_match_the_definition() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut rand = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for round in 0..60 {
            let n = 2 + rand(30) as usize;
            let density = 1 + rand(4);
            let mut edges: Vec<Vec<usize>> = vec![Vec::new(); n];
            let mut ws = Workspace::new("/ws", Config::default());
            let mut loaders = Vec::new();
            for (i, out) in edges.iter_mut().enumerate() {
                let mut facts = PyFacts::default();
                for j in 0..n {
                    // Mostly forward edges, some back edges (cycles), some self-imports.
                    let p = if j > i { density * 8 } else { density * 2 };
                    if rand(100) < p {
                        out.push(j);
                        facts.imports.push(Import {
                            module: format!("m{j}"),
                            level: 0,
                            names: Vec::new(),
                            span: Span::new(0, 1),
                            module_level: true,
                            stmt_start: 0,
                        });
                    }
                }
                if rand(100) < 20 {
                    loaders.push(i);
                    facts.loads.push(LoadPoint {
                        kind: LoadKind::LoadDotenv,
                        path: LoadPath::Default,
                        span: Span::new(0, 1),
                        module_level: true,
                        stmt_start: 0,
                        stmt_span: Span::new(0, 1),
                        override_env: false,
                        has_dotenv_file_path: false,
                    });
                }
                ws.set_python_facts(PathBuf::from(format!("/ws/m{i}.py")), Arc::new(facts));
            }
            // up(m): m and everything that imports it, transitively.
            let up = |m: usize| {
                let mut seen = HashSet::from([m]);
                let mut todo = vec![m];
                while let Some(x) = todo.pop() {
                    for (a, out) in edges.iter().enumerate() {
                        if out.contains(&x) && seen.insert(a) {
                            todo.push(a);
                        }
                    }
                }
                seen
            };
            let ups: HashMap<usize, HashSet<usize>> = (0..n).map(|m| (m, up(m))).collect();
            let name = |m: usize| PathBuf::from(format!("/ws/m{m}.py"));
            let d = ws.derived();
            // Without load points the graph is not built.
            for p in (0..n).filter(|_| !loaders.is_empty()) {
                // Ancestors: up(p) without p itself (even when p is on a cycle).
                let want: HashSet<PathBuf> = ups[&p]
                    .iter()
                    .filter(|&&a| a != p)
                    .map(|&a| name(a))
                    .collect();
                assert_eq!(
                    d.ancestors(&name(p)),
                    want,
                    "ancestors of m{p}, edges {edges:?}"
                );
                let want: HashSet<PathBuf> = (0..n)
                    .filter(|&q| q != p && ups[&q].contains(&p))
                    .map(name)
                    .collect();
                assert_eq!(
                    d.descendants(&name(p)),
                    want,
                    "descendants of m{p}, edges {edges:?}"
                );
            }
            for p in 0..n {
                let path = PathBuf::from(format!("/ws/m{p}.py"));
                let scope = ModuleScope::new(&ws, &path);
                let mut got: Vec<&Path> = scope.loads.iter().map(|l| l.module).collect();
                got.dedup();
                let mut want: Vec<PathBuf> = loaders
                    .iter()
                    .filter(|&&l| !ups[&p].is_disjoint(&ups[&l]))
                    .map(|l| PathBuf::from(format!("/ws/m{l}.py")))
                    .collect();
                want.sort();
                let want: Vec<&Path> = want.iter().map(PathBuf::as_path).collect();
                assert_eq!(got, want, "round {round}, module m{p}, edges {edges:?}");
            }
        }
    }

    /// The import resolution before `ModuleTree` (paths built and looked up one by one).
    /// Candidate files for an import, kept only when they are workspace modules.
    fn reference_resolve_import(
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
            // The run script's folder may be any ancestor (up to the root).
            let mut up = importer.parent().and_then(Path::parent);
            while let Some(d) = up {
                if d == ws.root || !d.starts_with(&ws.root) {
                    break;
                }
                if d != ws.root.join("src") {
                    bases.push(d.to_path_buf());
                }
                up = d.parent();
            }
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
                    if exists(&package.join("__init__.py"))
                        || module_dirs.contains(package.as_path())
                    {
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

    /// `ModuleTree::resolve_import` against the path-by-path reference, on random trees.
    #[test]
    fn tree_resolution_matches_the_reference() {
        use super::ModuleTree;
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut rand = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let dirs = ["a", "b", "src", "pkg", "x"];
        let files = [
            "__init__.py",
            "x.py",
            "y.py",
            "a.py",
            "b.py",
            "m.pyi",
            "src.py",
        ];
        let modules = [
            "", "a", "b", "x", "y", "pkg", "src", "a.b", "a.x", "pkg.a", "pkg.a.x", "src.a",
            "b.a.y", "m",
        ];
        let names = ["x", "y", "a", "b", "*", "pkg", "m"];
        let mut resolved = 0;
        for _ in 0..200 {
            let mut ws = Workspace::new("/ws", Config::default());
            let mut paths = Vec::new();
            for _ in 0..1 + rand(25) {
                let mut p = PathBuf::from("/ws");
                for _ in 0..rand(4) {
                    p.push(dirs[rand(dirs.len())]);
                }
                p.push(files[rand(files.len())]);
                ws.set_python_facts(p.clone(), Arc::new(PyFacts::default()));
                paths.push(p);
            }
            let module_dirs: HashSet<&Path> = ws
                .python_modules()
                .filter_map(|(p, _)| p.parent())
                .collect();
            let mut sorted: Vec<_> = ws.python_modules().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            let tree = ModuleTree::new(&sorted).with_root(&ws.root);
            for importer in &paths {
                for _ in 0..20 {
                    let module = modules[rand(modules.len())];
                    let level = if rand(2) == 0 { 0 } else { rand(5) as u32 };
                    let picked: Vec<String> = (0..rand(3))
                        .map(|_| names[rand(names.len())].to_string())
                        .collect();
                    let want = reference_resolve_import(
                        &ws,
                        &module_dirs,
                        importer,
                        module,
                        level,
                        &picked,
                    );
                    let here = importer.parent().and_then(|d| tree.find(d));
                    let got: Vec<PathBuf> = tree
                        .resolve_import(here, module, level, &picked)
                        .into_iter()
                        .map(|m| sorted[m as usize].0.clone())
                        .collect();
                    resolved += usize::from(!want.is_empty());
                    assert_eq!(
                        got,
                        want,
                        "{} imports {module:?} level {level} names {picked:?}; modules {paths:?}",
                        importer.display()
                    );
                }
            }
        }
        assert!(
            resolved > 2000,
            "only {resolved} imports resolved to anything"
        );
    }
}

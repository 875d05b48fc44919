//! The import graph between workspace modules (`Derived`): which modules import which, which
//! write which variables, and which loaders and writers run in a program with a module. Built
//! from modules' facts alone; it never reads `.env` files or the workspace model (so that the
//! model can hold it without depending on the rest of `resolve`).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::module_tree::ModuleTree;
use crate::engine::python::PyFacts;

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
    pub(super) writes: HashMap<String, Vec<(PathBuf, usize)>>,
    /// Modules with load points, sorted.
    loaders: Vec<PathBuf>,
    /// Per module, `words` words of bits over `loaders`: the loaders whose module runs in a
    /// program that runs this one (see [`shared_loaders`]). Empty without loaders.
    shares: Vec<u64>,
    words: usize,
    /// Modules with env writes, sorted, and per module the writers sharing a program with it
    /// (the same bitsets as for loaders).
    writers: Vec<PathBuf>,
    /// Per module: its position in `writers` (`u32::MAX` for none), so that a lookup hashes
    /// one path instead of comparing paths component by component.
    writer_of: Vec<u32>,
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

    /// The graph of `modules` (every Python module of the workspace, with its facts) under the
    /// workspace `root`. `runners`: the workspace has runners or workflows, whose entry
    /// points' imports matter (see `resolve::runners`).
    pub(crate) fn build<'m>(
        root: &Path,
        modules: impl Iterator<Item = (&'m PathBuf, &'m PyFacts)>,
        runners: bool,
    ) -> Derived {
        let mut modules: Vec<(&PathBuf, &PyFacts)> = modules.collect();
        crate::engine::paths::sort_by_path(&mut modules, |m| m.0);
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
            .filter(|(_, facts)| !facts.loads.is_empty())
            .map(|(p, _)| (*p).clone())
            .collect();
        d.writers = modules
            .iter()
            .filter(|(_, facts)| !facts.env_writes.is_empty())
            .map(|(p, _)| (*p).clone())
            .collect();
        // Imports matter only for which load points, env writes and runners run with a module:
        // without any, the graph stays empty (most of a large tree's build time is resolving imports).
        let tree = (runners || !d.loaders.is_empty() || !d.writers.is_empty())
            .then(|| ModuleTree::new(&modules).with_root(root));
        if let Some(tree) = &tree {
            // Resolving imports is most of the build: on every core.
            d.imports = modules
                .par_iter()
                .enumerate()
                .map(|(m, (path, facts))| {
                    let here = path.parent().and_then(|dir| tree.find(dir));
                    let mut out = Vec::new();
                    for (i, import) in facts.imports.iter().enumerate() {
                        let names = &import.names;
                        for target in tree.resolve_import(here, &import.module, import.level, names)
                        {
                            if target as usize != m {
                                out.push((target, i));
                            }
                        }
                    }
                    out
                })
                .collect();
            for (m, imports) in d.imports.iter().enumerate() {
                for &(target, _) in imports {
                    d.importers[target as usize].push(m as u32);
                }
            }
        }
        for (path, facts) in &modules {
            for (i, w) in facts.env_writes.iter().enumerate() {
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
            d.writer_of = vec![u32::MAX; d.paths.len()];
            for (w, &m) in writers.iter().enumerate() {
                d.writer_of[m as usize] = w as u32;
            }
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
        let (Some(&i), Some(w)) = (
            self.index.get(path),
            self.index
                .get(writer)
                .and_then(|&m| self.writer_of.get(m as usize))
                .filter(|&&w| w != u32::MAX)
                .map(|&w| w as usize),
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
            return HashSet::default();
        };
        let mut seen = vec![false; self.paths.len()];
        self.spread(&mut seen, vec![s], forward);
        seen[s as usize] = false;
        self.marked(&seen)
    }

    /// The paths of the modules marked in `seen`, in the graph's (path) order.
    fn marked<C: FromIterator<PathBuf>>(&self, seen: &[bool]) -> C {
        seen.iter()
            .enumerate()
            .filter(|(_, &s)| s)
            .map(|(i, _)| self.paths[i].clone())
            .collect()
    }

    /// Mark in `seen` every module reachable from `todo` by imports (`forward`) or by
    /// importers; `todo`'s own marks are the caller's.
    fn spread(&self, seen: &mut [bool], mut todo: Vec<u32>, forward: bool) {
        while let Some(p) = todo.pop() {
            let p = p as usize;
            let next = if forward {
                Either::Left(self.imports[p].iter().map(|&(t, _)| t))
            } else {
                Either::Right(self.importers[p].iter().copied())
            };
            for n in next {
                if !seen[n as usize] {
                    seen[n as usize] = true;
                    todo.push(n);
                }
            }
        }
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

    /// The modules that run when `path` starts, in path order, `path` left out: what its
    /// module-level imports import, directly or not (as [`Self::first_import_of`] counts them
    /// for each of [`Self::descendants`], in one walk). `facts` are `path`'s.
    pub fn started_by(&self, facts: &PyFacts, path: &Path) -> Vec<PathBuf> {
        let Some(&s) = self.index.get(path) else {
            return Vec::new();
        };
        let mut seen = vec![false; self.paths.len()];
        let mut first: Vec<u32> = Vec::new();
        for &(t, i) in &self.imports[s as usize] {
            if facts.imports.get(i).is_some_and(|i| i.module_level) && !seen[t as usize] {
                seen[t as usize] = true;
                first.push(t);
            }
        }
        self.spread(&mut seen, first, true);
        seen[s as usize] = false;
        self.marked(&seen)
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
    /// `facts` are the importer's.
    pub fn first_import_of(
        &self,
        facts: &PyFacts,
        importer: &Path,
        target: &Path,
    ) -> Option<usize> {
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
    pub(super) fn loaders_for(&self, path: &Path) -> impl Iterator<Item = &PathBuf> {
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

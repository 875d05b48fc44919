//! Property tests of the import graph and resolution against their definitions, on random
//! workspaces.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::module_tree::ModuleTree;
use super::ModuleScope;
use crate::engine::config::Config;
use crate::engine::python::{Import, LoadKind, LoadPath, LoadPoint, PyFacts};
use crate::engine::text::Span;
use crate::engine::workspace::Workspace;

/// A seeded xorshift generator: the random workspaces below are the same on every run, so a
/// failure reproduces without a saved seed.
struct XorShift(u64);

impl XorShift {
    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// A module-level `load_dotenv()`.
fn load_point() -> LoadPoint {
    LoadPoint {
        kind: LoadKind::LoadDotenv,
        path: LoadPath::Default,
        span: Span::new(0, 1),
        module_level: true,
        stmt_start: 0,
        stmt_span: Span::new(0, 1),
        override_env: false,
        has_dotenv_file_path: false,
    }
}

/// `shares` against the definition: some module imports (or is) both.
#[test]
fn loaders_sharing_a_program_match_the_definition() {
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    let mut rand = move |n: u64| rng.below(n);
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
                facts.loads.push(load_point());
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
            let want: rustc_hash::FxHashSet<PathBuf> = ups[&p]
                .iter()
                .filter(|&&a| a != p)
                .map(|&a| name(a))
                .collect();
            assert_eq!(
                d.ancestors(&name(p)),
                want,
                "ancestors of m{p}, edges {edges:?}"
            );
            let want: rustc_hash::FxHashSet<PathBuf> = (0..n)
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

/// `started_by` against its definition: every descendant that a module-level import of the
/// module imports, directly or not (`first_import_of`), sorted.
#[test]
fn started_modules_match_the_definition() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut rand = move |n: u64| rng.below(n);
    let name = |m: usize| PathBuf::from(format!("/ws/m{m}.py"));
    for round in 0..80 {
        let n = 2 + rand(25) as usize;
        let mut ws = Workspace::new("/ws", Config::default());
        for i in 0..n {
            let mut facts = PyFacts::default();
            for j in 0..n {
                if rand(100) < 12 {
                    facts.imports.push(Import {
                        module: format!("m{j}"),
                        level: 0,
                        names: Vec::new(),
                        span: Span::new(0, 1),
                        module_level: rand(3) > 0,
                        stmt_start: 10 * j,
                    });
                }
            }
            if i == 0 {
                facts.loads.push(load_point());
            }
            ws.set_python_facts(name(i), Arc::new(facts));
        }
        let d = ws.derived();
        for p in 0..n {
            let path = name(p);
            let facts = &ws.python_module(&path).unwrap().facts;
            let mut want: Vec<PathBuf> = d
                .descendants(&path)
                .into_iter()
                .filter(|t| d.first_import_of(facts, &path, t).is_some())
                .collect();
            want.sort();
            assert_eq!(d.started_by(facts, &path), want, "round {round}, m{p}");
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

/// `ModuleTree::resolve_import` against the path-by-path reference, on random trees.
#[test]
fn tree_resolution_matches_the_reference() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut rand = move |n: usize| rng.below(n as u64) as usize;
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
        "", "a", "b", "x", "y", "pkg", "src", "a.b", "a.x", "pkg.a", "pkg.a.x", "src.a", "b.a.y",
        "m",
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
                let want =
                    reference_resolve_import(&ws, &module_dirs, importer, module, level, &picked);
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

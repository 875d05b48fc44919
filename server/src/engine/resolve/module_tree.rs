//! Import resolution over the workspace's module files laid out as a directory tree. Pure path
//! logic: it never looks inside a module.

use rustc_hash::FxHashMap as HashMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// The workspace's module files as a directory tree, to resolve imports by walking names
/// instead of building and hashing candidate paths. Only directories with modules at or below
/// them are nodes, so a missing node proves no candidate below it exists.
pub(super) struct ModuleTree<'a> {
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
    pub(super) fn new<T>(modules: &[(&'a PathBuf, T)]) -> Self {
        let node = |parent| DirNode {
            parent,
            children: HashMap::default(),
            files: HashMap::default(),
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

    pub(super) fn with_root(mut self, root: &Path) -> Self {
        self.root = self.find(root);
        self.src = self.root.and_then(|r| self.child(r, "src"));
        self
    }

    pub(super) fn find(&self, dir: &Path) -> Option<u32> {
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
    pub(super) fn resolve_import(
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

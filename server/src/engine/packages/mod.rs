//! Which AutoGen and `openai` a project has: what its manifests declare (`requirements*.txt`,
//! `pyproject.toml`, `setup.cfg`, `Pipfile`, `environment.yml`), what its lock files resolve
//! (`uv.lock`, `poetry.lock`, `Pipfile.lock`, `pdm.lock`) and what its virtualenv holds (read
//! by the project layer from `*.dist-info/METADATA`, never by running Python).
//!
//! A module's [`Environment`] is the manifests and locks of the nearest folder above it that has
//! any, and the nearest virtualenv. Each source gives a [`View`] (installed, locked, declared):
//! a version per distribution, where a declaration's version is the newest release that
//! satisfies it (what a fresh install gets: [`releases`]). What each version installs is data
//! ([`data`]).

pub mod data;
pub mod hover;
pub mod model_info;
pub mod read;
mod releases;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use pep440_rs::{Version, VersionSpecifiers};

use crate::engine::Span;
use data::{Line, LINES};

pub use releases::{MODELS, MODELS_FROM};

/// PEP 503 name normalisation: lower case, runs of `-`, `_`, `.` become one `-`.
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ManifestKind {
    Requirements,
    Pyproject,
    Pipfile,
    SetupCfg,
    CondaEnv,
}

/// The tool a manifest or lock belongs to, for the command that installs from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    Poetry,
    Pipenv,
}

/// One declared requirement.
#[derive(Clone, Debug, PartialEq)]
pub struct Requirement {
    /// Normalised name.
    pub name: String,
    pub extras: Vec<String>,
    /// `None`: any version.
    pub specifiers: Option<VersionSpecifiers>,
    /// The requirement as written (name, extras, specifiers; without markers), or a constraint
    /// string (Poetry, Pipfile).
    pub span: Span,
    /// `span` is only the version constraint (`pyautogen = "^0.2"`), not a PEP 508 string.
    pub constraint: bool,
}

impl Requirement {
    pub fn admits(&self, v: &Version) -> bool {
        self.specifiers.as_ref().is_none_or(|s| s.contains(v))
    }

    /// What to write at [`Requirement::span`] so that the requirement reads `specifiers`.
    pub fn rewritten(&self, specifiers: &str) -> String {
        if self.constraint {
            return specifiers.to_string();
        }
        let extras = if self.extras.is_empty() {
            String::new()
        } else {
            format!("[{}]", self.extras.join(","))
        };
        format!("{}{extras}{specifiers}", self.name)
    }

    /// The specifiers as PEP 440 text (empty for any version).
    pub fn spec_text(&self) -> String {
        self.specifiers
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    pub kind: ManifestKind,
    pub requirements: Vec<Requirement>,
    /// `-r` files of a requirements file, as written.
    pub includes: Vec<String>,
    /// `-c` files of a requirements file, as written.
    pub constraints: Vec<String>,
    /// The project's own distribution (`[project] name`).
    pub own_name: Option<String>,
    pub tool: Option<Tool>,
    /// Why the file could not be read (its requirements are then empty).
    pub problem: Option<String>,
}

impl Manifest {
    fn new(kind: ManifestKind) -> Self {
        Manifest {
            kind,
            requirements: Vec::new(),
            includes: Vec::new(),
            constraints: Vec::new(),
            own_name: None,
            tool: None,
            problem: None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockKind {
    Uv,
    Poetry,
    Pipenv,
    Pdm,
}

impl LockKind {
    /// The command that installs what the lock says.
    pub fn sync_command(self) -> &'static str {
        match self {
            LockKind::Uv => "uv sync",
            LockKind::Poetry => "poetry install",
            LockKind::Pipenv => "pipenv sync",
            LockKind::Pdm => "pdm sync",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Lock {
    pub kind: LockKind,
    pub versions: BTreeMap<String, Version>,
    pub problem: Option<String>,
}

/// A virtualenv's distributions keywire judges, read from its `*.dist-info/METADATA`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Installed {
    /// The virtualenv's folder.
    pub root: PathBuf,
    /// The folder whose code runs with it (the virtualenv's parent), or `None` for one that
    /// applies to the whole workspace (`VIRTUAL_ENV`, the editor's interpreter).
    pub applies_to: Option<PathBuf>,
    pub dists: BTreeMap<String, InstalledDist>,
    /// The model names of its `autogen_ext.models.openai`, when installed.
    pub models: Option<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct InstalledDist {
    pub version: Version,
    /// Its `METADATA` file.
    pub metadata: PathBuf,
}

/// What a file name says it is, for the file kinds of the project layer.
pub fn manifest_kind(path: &Path) -> Option<ManifestKind> {
    let name = path.file_name()?.to_str()?;
    let in_requirements_dir = path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|d| d == "requirements");
    match name {
        "pyproject.toml" => Some(ManifestKind::Pyproject),
        "Pipfile" => Some(ManifestKind::Pipfile),
        "setup.cfg" => Some(ManifestKind::SetupCfg),
        "environment.yml" | "environment.yaml" => Some(ManifestKind::CondaEnv),
        _ if (name.starts_with("requirements") || in_requirements_dir)
            && (name.ends_with(".txt") || name.ends_with(".in")) =>
        {
            Some(ManifestKind::Requirements)
        }
        _ => None,
    }
}

pub fn lock_kind(path: &Path) -> Option<LockKind> {
    match path.file_name()?.to_str()? {
        "uv.lock" => Some(LockKind::Uv),
        "poetry.lock" => Some(LockKind::Poetry),
        "Pipfile.lock" => Some(LockKind::Pipenv),
        "pdm.lock" => Some(LockKind::Pdm),
        _ => None,
    }
}

/// The folder whose code a manifest or lock describes: its own, or the parent of a
/// `requirements/` folder.
pub fn home_of(path: &Path) -> PathBuf {
    let dir = path.parent().unwrap_or(Path::new(""));
    if dir.file_name().is_some_and(|d| d == "requirements") {
        dir.parent().unwrap_or(dir).to_path_buf()
    } else {
        dir.to_path_buf()
    }
}

/// Every manifest, lock and virtualenv of a workspace.
#[derive(Clone, Debug, Default)]
pub struct Store {
    manifests: BTreeMap<PathBuf, Arc<Manifest>>,
    /// Manifests' texts (small; lock files' are not kept).
    texts: BTreeMap<PathBuf, Arc<str>>,
    /// Files a requirements file includes (`-r`, `-c`) under other names: the folder of the
    /// file that includes them, and whether they only constrain (`-c`).
    included: BTreeMap<PathBuf, (PathBuf, bool)>,
    locks: BTreeMap<PathBuf, Arc<Lock>>,
    installed: Vec<Arc<Installed>>,
    /// The manifests that say something (requirements or a name) and the locks, by the folder
    /// they describe: built when an environment is first asked for, dropped by any change.
    by_home: OnceLock<BTreeMap<PathBuf, Homed>>,
}

/// The files of [`Store::by_home`] for one folder, in path order.
#[derive(Clone, Debug, Default)]
struct Homed {
    manifests: Vec<(PathBuf, Arc<Manifest>)>,
    locks: Vec<(PathBuf, Arc<Lock>)>,
}

/// `files` as the borrowed pairs an [`Environment`] lists.
fn borrowed<T>(files: &[(PathBuf, Arc<T>)]) -> Vec<(&Path, &T)> {
    files.iter().map(|(p, f)| (p.as_path(), &**f)).collect()
}

impl Store {
    pub fn is_empty(&self) -> bool {
        self.manifests.is_empty() && self.locks.is_empty() && self.installed.is_empty()
    }

    /// Read a manifest or lock file from its text (by its name); false when the name is neither.
    pub fn set_file(&mut self, path: PathBuf, text: &str) -> bool {
        self.by_home = OnceLock::new();
        if let Some(kind) = lock_kind(&path) {
            self.locks.insert(path, Arc::new(read::lock(kind, text)));
            true
        } else if let Some(kind) = manifest_kind(&path) {
            self.texts.insert(path.clone(), text.into());
            self.manifests
                .insert(path, Arc::new(read::manifest(kind, text)));
            true
        } else {
            false
        }
    }

    pub fn remove(&mut self, path: &Path) {
        self.by_home = OnceLock::new();
        self.manifests.remove(path);
        self.texts.remove(path);
        self.included.remove(path);
        self.locks.remove(path);
    }

    pub fn set_installed(&mut self, installed: Vec<Installed>) {
        self.installed = installed.into_iter().map(Arc::new).collect();
    }

    pub fn manifest(&self, path: &Path) -> Option<&Manifest> {
        self.manifests.get(path).map(|m| &**m)
    }

    /// The folder whose code a manifest or lock describes ([`home_of`], or for an included
    /// file, that of the file including it).
    pub fn home(&self, path: &Path) -> PathBuf {
        match self.included.get(path) {
            Some((home, _)) => home.clone(),
            None => home_of(path),
        }
    }

    /// Files that requirements files include and that are not read yet: (file, the includer's
    /// folder, constraints only).
    pub fn pending_includes(&self) -> Vec<(PathBuf, PathBuf, bool)> {
        let mut out = Vec::new();
        for (path, m) in &self.manifests {
            let dir = path.parent().unwrap_or(Path::new(""));
            let home = self.home(path);
            let constrained = self.included.get(path).is_some_and(|(_, c)| *c);
            let files = m
                .includes
                .iter()
                .map(|f| (f, constrained))
                .chain(m.constraints.iter().map(|f| (f, true)));
            for (file, constraint) in files {
                let target = crate::engine::paths::normalize(&dir.join(file));
                if !self.manifests.contains_key(&target) {
                    out.push((target, home.clone(), constraint));
                }
            }
        }
        out.sort();
        out.dedup_by(|a, b| a.0 == b.0);
        out
    }

    /// Read a file a requirements file includes, whatever its name.
    pub fn set_included(&mut self, path: PathBuf, text: &str, home: PathBuf, constraint: bool) {
        self.by_home = OnceLock::new();
        self.included.insert(path.clone(), (home, constraint));
        self.texts.insert(path.clone(), text.into());
        self.manifests.insert(
            path,
            Arc::new(read::manifest(ManifestKind::Requirements, text)),
        );
    }

    pub fn text(&self, path: &Path) -> Option<Arc<str>> {
        self.texts.get(path).cloned()
    }

    pub fn lock(&self, path: &Path) -> Option<&Lock> {
        self.locks.get(path).map(|l| &**l)
    }

    /// The environment of code at `path` (a module, or a manifest: its home), within `root`.
    pub fn environment(&self, root: &Path, path: &Path) -> Environment<'_> {
        // A manifest or lock (an included file too, whatever its name) describes its home.
        let start = if self.manifests.contains_key(path)
            || self.locks.contains_key(path)
            || manifest_kind(path).is_some()
            || lock_kind(path).is_some()
        {
            self.home(path)
        } else {
            path.parent().unwrap_or(Path::new("")).to_path_buf()
        };
        let by_home = self.by_home.get_or_init(|| {
            let mut by_home: BTreeMap<PathBuf, Homed> = BTreeMap::new();
            for (p, m) in &self.manifests {
                if !m.requirements.is_empty() || m.own_name.is_some() {
                    let homed = by_home.entry(self.home(p)).or_default();
                    homed.manifests.push((p.clone(), m.clone()));
                }
            }
            for (p, l) in &self.locks {
                let homed = by_home.entry(self.home(p)).or_default();
                homed.locks.push((p.clone(), l.clone()));
            }
            by_home
        });
        let mut env = Environment::default();
        for dir in start.ancestors() {
            if let Some(homed) = by_home.get(dir) {
                let manifests = borrowed(&homed.manifests);
                env.dir = dir.to_path_buf();
                env.constraints = manifests
                    .iter()
                    .filter(|(p, _)| self.included.get(*p).is_some_and(|(_, c)| *c))
                    .map(|(p, _)| *p)
                    .collect();
                env.manifests = manifests;
                env.locks = borrowed(&homed.locks);
                break;
            }
            if dir == root || !dir.starts_with(root) {
                break;
            }
        }
        env.installed = self
            .installed
            .iter()
            .filter(|i| i.applies_to.as_ref().is_some_and(|d| start.starts_with(d)))
            .max_by_key(|i| i.applies_to.as_ref().map(|d| d.components().count()))
            .or_else(|| self.installed.iter().find(|i| i.applies_to.is_none()))
            .map(|i| &**i);
        env
    }
}

/// The manifests and locks that describe one folder's code, and the virtualenv it runs with.
#[derive(Debug, Default)]
pub struct Environment<'a> {
    pub dir: PathBuf,
    pub manifests: Vec<(&'a Path, &'a Manifest)>,
    /// The manifests among them that only constrain (`-c` files).
    pub constraints: Vec<&'a Path>,
    pub locks: Vec<(&'a Path, &'a Lock)>,
    pub installed: Option<&'a Installed>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    Installed,
    Locked,
    Declared,
}

impl Source {
    pub fn describe(self) -> &'static str {
        match self {
            Source::Installed => "installed",
            Source::Locked => "locked",
            Source::Declared => "declared",
        }
    }
}

/// A requirement and the manifest that states it.
pub type Declaration<'a> = (&'a Path, &'a Requirement);

/// One source's versions of the distributions keywire judges.
#[derive(Debug)]
pub struct View<'a> {
    pub source: Source,
    /// Distribution, its version (for a declaration: the newest release it admits), and the
    /// declaration (file and requirement) when there is one.
    pub dists: Vec<(String, Version, Option<Declaration<'a>>)>,
}

impl<'a> Environment<'a> {
    /// Every requirement on `dist`, with its file.
    pub fn declared(&self, dist: &str) -> Vec<(&'a Path, &'a Requirement)> {
        let all: Vec<(&'a Path, &'a Requirement, bool)> = self
            .manifests
            .iter()
            .flat_map(|(p, m)| {
                let constraint = self.constraints.contains(p);
                m.requirements.iter().map(move |r| (*p, r, constraint))
            })
            .filter(|(_, r, _)| r.name == dist)
            .collect();
        // A constraint (`-c`) narrows what something declares; alone it installs nothing.
        if all.iter().all(|(_, _, c)| *c) {
            return Vec::new();
        }
        let mut out: Vec<(&'a Path, &'a Requirement)> = all
            .iter()
            .filter(|(_, _, c)| !c)
            .map(|(p, r, _)| (*p, *r))
            .collect();
        out.extend(all.iter().filter(|(_, _, c)| *c).map(|(p, r, _)| (*p, *r)));
        out
    }

    pub fn locked(&self, dist: &str) -> Option<(&'a Path, &'a Version)> {
        self.locks
            .iter()
            .find_map(|(p, l)| l.versions.get(dist).map(|v| (*p, v)))
    }

    /// The project's own distributions (`[project] name`).
    pub fn own_names(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.manifests
            .iter()
            .filter_map(|(_, m)| m.own_name.as_deref())
    }

    /// The views that know about `dists` at all, installed first.
    pub fn views(&self, dists: &[&str]) -> Vec<View<'a>> {
        let mut out = Vec::new();
        if let Some(installed) = self.installed {
            let found: Vec<_> = dists
                .iter()
                .filter_map(|d| {
                    Some((
                        d.to_string(),
                        installed.dists.get(*d)?.version.clone(),
                        None,
                    ))
                })
                .collect();
            if !found.is_empty() {
                out.push(View {
                    source: Source::Installed,
                    dists: found,
                });
            }
        }
        let locked: Vec<_> = dists
            .iter()
            .filter_map(|d| Some((d.to_string(), self.locked(d)?.1.clone(), None)))
            .collect();
        if !locked.is_empty() {
            out.push(View {
                source: Source::Locked,
                dists: locked,
            });
        }
        let mut declared = Vec::new();
        for d in dists {
            let reqs = self.declared(d);
            let Some(first) = reqs.first() else {
                continue;
            };
            if let Some(v) = newest_admitted(d, reqs.iter().map(|(_, r)| *r)) {
                declared.push((d.to_string(), v, Some(*first)));
            }
        }
        if !declared.is_empty() {
            out.push(View {
                source: Source::Declared,
                dists: declared,
            });
        }
        out
    }
}

/// The newest release of `dist` that every requirement admits (pre-releases aside).
pub fn newest_admitted<'r>(
    dist: &str,
    reqs: impl Iterator<Item = &'r Requirement> + Clone,
) -> Option<Version> {
    releases_of(dist)
        .iter()
        .find(|v| reqs.clone().all(|r| r.admits(v)))
        .cloned()
}

/// The releases of a distribution keywire judges, newest first.
pub fn releases_of(dist: &str) -> &'static [Version] {
    static PARSED: OnceLock<BTreeMap<&'static str, Vec<Version>>> = OnceLock::new();
    let all = PARSED.get_or_init(|| {
        releases::RELEASES
            .iter()
            .map(|(d, vs)| {
                (
                    *d,
                    vs.split(' ')
                        .filter_map(|v| Version::from_str(v).ok())
                        .collect(),
                )
            })
            .collect()
    });
    all.get(dist).map_or(&[], Vec::as_slice)
}

/// The data line of `dist` at version `v`.
pub fn line_of(dist: &str, v: &Version) -> Option<&'static Line> {
    // `0.4.0.dev6` belongs to the 0.4 line, though it sorts before 0.4.
    let v = &v.only_release();
    LINES.iter().find(|l| {
        l.dist == dist
            && (l.from.is_empty() || Version::from_str(l.from).is_ok_and(|f| *v >= f))
            && (l.below.is_empty() || Version::from_str(l.below).is_ok_and(|b| *v < b))
    })
}

/// The import names a set of distributions provides, with what they pull in.
pub fn provided_imports(view: &View) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut pending: Vec<&'static Line> = view
        .dists
        .iter()
        .filter_map(|(d, v, _)| line_of(d, v))
        .collect();
    let mut seen = Vec::new();
    while let Some(line) = pending.pop() {
        if seen.contains(&line.dist) {
            continue;
        }
        seen.push(line.dist);
        out.extend_from_slice(line.imports);
        for req in line.requires {
            if let Some(v) = releases_of(req).first() {
                if let Some(l) = line_of(req, v) {
                    pending.push(l);
                }
            }
        }
    }
    out
}

/// Whether a view's distributions provide `autogen.LLMConfig`.
pub fn provides_llm_config(view: &View) -> bool {
    view.dists
        .iter()
        .filter_map(|(d, v, _)| line_of(d, v))
        .any(|l| l.llm_config)
}

/// A `*.dist-info` folder name of a distribution keywire judges (`autogen_agentchat-0.7.5.dist-info`):
/// the ones whose `METADATA` a virtualenv reader reads.
pub fn judged_dist_info(dir_name: &str) -> bool {
    let Some(stem) = dir_name.strip_suffix(".dist-info") else {
        return false;
    };
    let name = stem.rsplit_once('-').map_or(stem, |(n, _)| n);
    let name = normalize_name(name);
    name == data::OPENAI || data::AUTOGEN_DISTS.contains(&name.as_str())
}

/// Where a file inside a virtualenv is: the virtualenv's folder and the path inside
/// `site-packages` (`.venv/lib/python3.11/site-packages/x` or, on Windows, `.venv/Lib/site-packages/x`).
pub fn in_site_packages(path: &Path) -> Option<(PathBuf, PathBuf)> {
    let comps: Vec<_> = path.components().collect();
    let i = comps
        .iter()
        .position(|c| c.as_os_str() == "site-packages")?;
    let lib = comps[..i]
        .iter()
        .rposition(|c| c.as_os_str() == "lib" || c.as_os_str() == "Lib")?;
    let root: PathBuf = comps[..lib].iter().collect();
    let inside: PathBuf = comps[i + 1..].iter().collect();
    Some((root, inside))
}

impl Installed {
    /// An empty virtualenv at `root`; its code is what lies under its parent folder.
    pub fn new(root: PathBuf) -> Self {
        let applies_to = root.parent().map(Path::to_path_buf);
        Installed {
            root,
            applies_to,
            dists: BTreeMap::new(),
            models: None,
        }
    }

    /// Take in one file of its `site-packages` (`inside`: the path there): a judged
    /// distribution's `METADATA`, or autogen-ext's model table. Anything else is ignored.
    pub fn add_file(&mut self, inside: &Path, full: &Path, text: &str) {
        let mut parts = inside.components().map(|c| c.as_os_str().to_string_lossy());
        let first = parts.next().unwrap_or_default();
        let second = parts.next();
        if judged_dist_info(&first) && second.as_deref() == Some("METADATA") {
            if let Some((name, version)) = read::metadata(text) {
                self.dists.insert(
                    name,
                    InstalledDist {
                        version,
                        metadata: full.to_path_buf(),
                    },
                );
            }
        } else if inside == Path::new(model_info::MODEL_INFO_FILE) {
            self.models = model_info::read(text);
        }
    }
}

impl Store {
    /// The folders manifests and locks describe (where a virtualenv beside them is looked for).
    pub fn homes(&self) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = self
            .manifests
            .keys()
            .chain(self.locks.keys())
            .map(|p| self.home(p))
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(dist: &str, spec: &str) -> Requirement {
        read::manifest(ManifestKind::Requirements, &format!("{dist}{spec}\n"))
            .requirements
            .remove(0)
    }

    /// The environment is asked for between changes (as the language server does): each
    /// change shows in the next answer, though the folder index is kept between them.
    #[test]
    fn environment_follows_every_change() {
        let root = Path::new("/w");
        let module = Path::new("/w/app/sub/main.py");
        let names = |s: &Store| -> Vec<PathBuf> {
            let env = s.environment(root, module);
            (env.manifests.iter().map(|(p, _)| p.to_path_buf()))
                .chain(env.locks.iter().map(|(p, _)| p.to_path_buf()))
                .collect()
        };
        let mut s = Store::default();
        assert!(names(&s).is_empty());
        s.set_file("/w/requirements.txt".into(), "pyautogen==0.2.35\n");
        assert_eq!(names(&s), [PathBuf::from("/w/requirements.txt")]);
        // A nearer folder's manifest wins; one without requirements or a name says nothing.
        s.set_file("/w/app/requirements.txt".into(), "# none yet\n");
        assert_eq!(names(&s), [PathBuf::from("/w/requirements.txt")]);
        s.set_file("/w/app/requirements.txt".into(), "openai>=1\n");
        assert_eq!(names(&s), [PathBuf::from("/w/app/requirements.txt")]);
        s.set_file("/w/app/uv.lock".into(), "version = 1\n");
        assert_eq!(
            names(&s),
            [
                PathBuf::from("/w/app/requirements.txt"),
                PathBuf::from("/w/app/uv.lock")
            ]
        );
        // An included file describes its includer's folder, whatever its own.
        s.set_included(
            "/w/app/sub/pins/base.txt".into(),
            "ag2==0.9\n",
            "/w/app/sub".into(),
            false,
        );
        assert_eq!(names(&s), [PathBuf::from("/w/app/sub/pins/base.txt")]);
        s.remove(Path::new("/w/app/sub/pins/base.txt"));
        s.remove(Path::new("/w/app/uv.lock"));
        assert_eq!(names(&s), [PathBuf::from("/w/app/requirements.txt")]);
        s.remove(Path::new("/w/app/requirements.txt"));
        assert_eq!(names(&s), [PathBuf::from("/w/requirements.txt")]);
    }

    /// Every repair a fix writes gives, on a fresh install, a release that installs the import.
    #[test]
    fn every_repair_installs_its_import() {
        for (dist, top, llm, spec) in data::REPAIRS {
            let r = req(dist, spec);
            let v = newest_admitted(dist, std::iter::once(&r))
                .unwrap_or_else(|| panic!("{dist}{spec}"));
            let view = View {
                source: Source::Declared,
                dists: vec![(dist.to_string(), v.clone(), None)],
            };
            assert!(
                provided_imports(&view).contains(top),
                "{dist}{spec} gives {v}"
            );
            assert!(!llm || provides_llm_config(&view), "{dist}{spec} gives {v}");
        }
    }

    #[test]
    fn what_a_fresh_install_gets() {
        let newest = |dist: &str, spec: &str| {
            newest_admitted(dist, std::iter::once(&req(dist, spec)))
                .unwrap()
                .to_string()
        };
        // `~=0.2` is `>=0.2, ==0.*`: today's 0.x, not 0.2.
        assert_ne!(newest("autogen-agentchat", "~=0.2"), "0.2.40");
        assert_eq!(newest("autogen-agentchat", "~=0.2.0"), "0.2.40");
        assert_eq!(newest("pyautogen", "<0.2"), "0.1.14");
        let line = line_of(
            "autogen-agentchat",
            &Version::from_str("0.4.0.dev6").unwrap(),
        )
        .unwrap();
        assert_eq!(line.imports, ["autogen_agentchat"]);
    }

    #[test]
    fn names_normalise() {
        assert_eq!(normalize_name("Autogen_AgentChat"), "autogen-agentchat");
        assert_eq!(normalize_name("a.-_b"), "a-b");
        assert!(judged_dist_info("autogen_agentchat-0.7.5.dist-info"));
        assert!(judged_dist_info("openai-1.0.0.dist-info"));
        assert!(!judged_dist_info("requests-2.0.dist-info"));
        let (root, inside) =
            in_site_packages(Path::new("/p/.venv/lib/python3.11/site-packages/x/y.py")).unwrap();
        assert_eq!(
            (root.as_path(), inside.as_path()),
            (Path::new("/p/.venv"), Path::new("x/y.py"))
        );
        assert_eq!(in_site_packages(Path::new("/p/app.py")), None);
    }
}

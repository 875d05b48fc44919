//! Fixture directories as in-memory workspaces: load one (with git status from its
//! `.git-tracked` list), check it, render findings, apply fixes, compare findings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use keywire::engine::config::Config;
use keywire::engine::fix;
use keywire::engine::resolve::config_source::candidates;
use keywire::engine::workspace::{file_kind, FileKind, GitStatus, Workspace};
use keywire::engine::{Finding, LineIndex, Reach};

/// Files of a fixture, keyed by path relative to the fixture root.
pub type Files = BTreeMap<PathBuf, String>;

/// A fixture whose root holds this file is a git work tree: the paths it lists (one a line,
/// relative to the fixture root, `#` comments) are in git's index, and the root `.gitignore`
/// says what is ignored. The .env files of other fixtures have no git status.
pub const GIT_TRACKED: &str = ".git-tracked";

/// The fixture's Python and .env files, and its root `.gitignore` and [`GIT_TRACKED`].
pub fn read_dir(dir: &Path) -> Files {
    let mut files = Files::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if file_kind(&path) != FileKind::Other
                || marks_dir(&path)
                || keywire::engine::packages::in_site_packages(&path).is_some()
                || path.extension().is_some_and(|e| e == "json" || e == "txt")
                || (d == dir
                    && [".gitignore", GIT_TRACKED]
                        .iter()
                        .any(|n| path.ends_with(n)))
            {
                let text = std::fs::read_to_string(&path).unwrap();
                files.insert(path.strip_prefix(dir).unwrap().to_path_buf(), text);
            }
        }
    }
    files
}

/// Virtual root all fixtures are mounted at.
pub fn root() -> PathBuf {
    PathBuf::from("/ws")
}

pub fn workspace(files: &Files, config: Config) -> Workspace {
    let mut ws = Workspace::new(root(), config);
    // Virtualenvs: read as the project layer reads one, never as the project's code.
    let mut venvs: Vec<keywire::engine::packages::Installed> = Vec::new();
    for (rel, text) in files {
        let path = root().join(rel);
        if let Some((venv, inside)) = keywire::engine::packages::in_site_packages(&path) {
            if !venvs.iter().any(|v| v.root == venv) {
                venvs.push(keywire::engine::packages::Installed::new(venv.clone()));
            }
            if let Some(v) = venvs.iter_mut().find(|v| v.root == venv) {
                v.add_file(&inside, &path, text);
            }
        }
    }
    if !venvs.is_empty() {
        ws.set_installed(venvs);
    }
    for (rel, text) in files {
        let path = root().join(rel);
        if keywire::engine::packages::in_site_packages(&path).is_some() {
            continue;
        }
        match file_kind(&path) {
            FileKind::Python => {
                ws.set_python(path, text);
            }
            FileKind::Notebook => {
                // A fixture that is no notebook is checked as absent (no findings).
                let _ = ws.set_notebook(path, text);
            }
            FileKind::Env | FileKind::EnvTemplate => ws.set_env(path, text, git_status(files, rel)),
            FileKind::ConfigJson { .. } => ws.set_config_json(path, text, git_status(files, rel)),
            FileKind::Compose | FileKind::Dockerfile | FileKind::DockerIgnore => {
                if marks_dir(&path) {
                    let dir = path.parent().unwrap().to_path_buf();
                    let mut markers = ws.dir_markers(&dir);
                    markers.note(&path.file_name().unwrap().to_string_lossy());
                    ws.set_dir_markers(dir, markers);
                }
                ws.set_deploy(path, text);
            }
            FileKind::Workflow => ws.set_workflow(path, text),
            FileKind::RunFile | FileKind::Other | FileKind::Manifest => {
                if file_kind(&path) == FileKind::Manifest {
                    ws.set_manifest(path.clone(), text);
                }
                if file_kind(&path) == FileKind::RunFile {
                    ws.set_run_file(path.clone(), text);
                }
                if marks_dir(&path) {
                    let dir = path.parent().unwrap().to_path_buf();
                    let mut markers = ws.dir_markers(&dir);
                    markers.note(&path.file_name().unwrap().to_string_lossy());
                    ws.set_dir_markers(dir, markers);
                }
            }
        }
    }
    // Config lists of other names, read because code names them (as the project layer does).
    let named: Vec<PathBuf> = ws
        .python_modules()
        .flat_map(|(module, m)| {
            m.facts
                .config_sources
                .iter()
                .filter_map(|s| Some((s.name.as_ref()?, s.file_location.known()?)))
                .flat_map(|(name, location)| candidates(&ws, module, location, &name.value))
                .map(|(p, _)| p)
                .collect::<Vec<_>>()
        })
        .filter(|p| file_kind(p) == FileKind::Other)
        .collect();
    for path in named {
        let rel = path.strip_prefix(root()).unwrap_or(&path).to_path_buf();
        if let Some(text) = files.get(&rel) {
            ws.set_config_json(path, text, git_status(files, &rel));
        }
    }
    // Files requirements files include (`-r base.txt`), as the project layer reads them.
    ws.read_includes(|path| {
        let rel = path.strip_prefix(root()).unwrap_or(path);
        files
            .get(rel)
            .map(|t| std::sync::Arc::from(t.as_str()))
            .ok_or(())
    });
    ws
}

/// A file that says how its directory's code runs (`Pipfile`, `requirements.txt`…), as the
/// loader notes it.
fn marks_dir(path: &Path) -> bool {
    let mut markers = keywire::engine::workspace::DirMarkers::default();
    markers.note(&path.file_name().unwrap_or_default().to_string_lossy());
    markers != keywire::engine::workspace::DirMarkers::default()
}

/// The git status of a fixture's .env or config list file (see [`GIT_TRACKED`]).
pub fn git_status(files: &Files, rel: &Path) -> GitStatus {
    let Some(tracked) = files.get(Path::new(GIT_TRACKED)) else {
        return GitStatus::Unknown;
    };
    let tracked = tracked
        .lines()
        .map(str::trim)
        .any(|line| !line.starts_with('#') && Path::new(line) == rel);
    let mut gitignore = ignore::gitignore::GitignoreBuilder::new(root());
    for line in files
        .get(Path::new(".gitignore"))
        .map_or("", String::as_str)
        .lines()
    {
        gitignore.add_line(None, line).unwrap();
    }
    let ignored = gitignore
        .build()
        .unwrap()
        .matched_path_or_any_parents(root().join(rel), false)
        .is_ignore();
    match (tracked, ignored) {
        (true, ignored) => GitStatus::Tracked {
            repo_root: root(),
            ignored,
        },
        (false, true) => GitStatus::Ignored,
        (false, false) => GitStatus::NotIgnored { repo_root: root() },
    }
}

pub fn check(files: &Files, config: &Config) -> Vec<Finding> {
    let ws = workspace(files, config.clone());
    let mut out = Vec::new();
    for (rel, text) in files {
        let path = root().join(rel);
        if keywire::engine::packages::in_site_packages(&path).is_some() {
            continue;
        }
        match file_kind(&path) {
            FileKind::Python => out.extend(ws.check_python(&path, text)),
            FileKind::Notebook => out.extend(ws.check_file(&path, text, Reach::Workspace)),
            FileKind::Env | FileKind::EnvTemplate => out.extend(ws.check_env(&path)),
            FileKind::ConfigJson { .. } | FileKind::Compose | FileKind::Dockerfile => {
                out.extend(ws.check_file(&path, text, keywire::engine::Reach::Workspace))
            }
            FileKind::Workflow | FileKind::Manifest | FileKind::RunFile => {
                out.extend(ws.check_file(&path, text, keywire::engine::Reach::Workspace))
            }
            FileKind::DockerIgnore => {}
            // A config list of another name, when code names it.
            FileKind::Other => out.extend(ws.check_file(&path, text, Reach::Workspace)),
        }
    }
    out
}

fn rel(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// `path:line:col-line:col CODE severity: message` per finding, with fixes and related info.
pub fn render(files: &Files, findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let r = rel(&f.path);
        let text = files.get(Path::new(&r)).map(String::as_str).unwrap_or("");
        let idx = LineIndex::new(text);
        let (l1, c1) = idx.line_col_chars(text, f.span.start);
        let (l2, c2) = idx.line_col_chars(text, f.span.end);
        let snippet = text.get(f.span.start..f.span.end).unwrap_or("<bad span>");
        out.push_str(&format!(
            "{r}:{}:{}-{}:{} {} {}: {}\n    at `{}`\n",
            l1 + 1,
            c1 + 1,
            l2 + 1,
            c2 + 1,
            f.rule.code(),
            f.severity.as_str(),
            f.message,
            snippet
        ));
        for rel_info in &f.related {
            out.push_str(&format!(
                "    related {}: {}\n",
                rel(&rel_info.path),
                rel_info.message
            ));
        }
        for fix in &f.fixes {
            out.push_str(&format!(
                "    fix{}: {}\n",
                if fix.safe { " (safe)" } else { "" },
                fix.title
            ));
        }
    }
    out
}

/// Apply one fix's edits to a copy of the files.
pub fn apply_fix(files: &Files, fix: &keywire::engine::Fix) -> Files {
    let mut out = files.clone();
    let mut by_path: BTreeMap<PathBuf, Vec<&keywire::engine::Edit>> = BTreeMap::new();
    for e in &fix.edits {
        by_path.entry(e.path.clone()).or_default().push(e);
    }
    for (path, edits) in by_path {
        let rel = path.strip_prefix(root()).unwrap().to_path_buf();
        let text = out.get(&rel).cloned().unwrap_or_default();
        let new = fix::apply(&text, &edits)
            .unwrap_or_else(|e| panic!("fix `{}` does not apply: {e}", fix.title));
        out.insert(rel, new);
    }
    out
}

/// Findings as comparable keys that survive edits elsewhere in the file.
pub fn keys(findings: &[Finding]) -> Vec<(String, String, String)> {
    let mut k: Vec<_> = findings
        .iter()
        .map(|f| (rel(&f.path), f.rule.code().to_string(), f.message.clone()))
        .collect();
    k.sort();
    k
}

/// Number of findings per (file, rule).
pub fn rule_counts(findings: &[Finding]) -> BTreeMap<(String, String), usize> {
    let mut counts = BTreeMap::new();
    for f in findings {
        *counts
            .entry((rel(&f.path), f.rule.code().to_string()))
            .or_default() += 1;
    }
    counts
}

/// Findings rendered with everything in them, sorted; and the facts cache's counts (files
/// reused, files read anew) when it was used.
pub type Checked = (Vec<String>, Option<(usize, usize)>);

/// A whole check of the tree at `dir` loaded from disk with `opts` (as `keywire check` loads
/// it). None when the tree does not load (a fixture broken on purpose).
pub fn check_loaded(dir: &Path, opts: &keywire::project::LoadOptions) -> Option<Checked> {
    let loaded = keywire::project::load(&[dir.to_path_buf()], opts).ok()?;
    Some(rendered(keywire::cli::check::check_all(&loaded), &loaded))
}

/// [`check_loaded`] as `keywire check` reports without fixing: through the report cache when
/// `opts` turn it on (sensitive fixes without edits either way).
pub fn report_loaded(dir: &Path, opts: &keywire::project::LoadOptions) -> Option<Checked> {
    let opts = keywire::project::LoadOptions {
        report_only: true,
        ..opts.clone()
    };
    let mut loaded = keywire::project::load(&[dir.to_path_buf()], &opts).ok()?;
    let findings = loaded.report_findings(keywire::cli::check::check_all);
    Some(rendered(findings, &loaded))
}

fn rendered(findings: Vec<keywire::engine::Finding>, loaded: &keywire::project::Loaded) -> Checked {
    let mut out: Vec<String> = findings.iter().map(|f| format!("{f:?}")).collect();
    out.sort();
    (out, loaded.cache_counts)
}

//! Fixes for `keywire check --fix` and `--diff`: choosing the fixes of a pass
//! ([`plan_fixes`]), making the new texts ([`plan_texts`]), writing them ([`apply_plan`]) or
//! running every pass in memory ([`preview`]).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::engine::fix;
use crate::engine::workspace::GitStatus;
use crate::engine::{Edit, Finding, Reach, Rule};
use crate::project::{self, Loaded};

/// Fix passes at most: a pass applies every non-overlapping applicable fix, then re-checks.
pub const MAX_FIX_PASSES: usize = 10;

/// Every finding of every loaded file (checked in parallel).
pub fn check_all(loaded: &Loaded) -> Vec<Finding> {
    let ws = &loaded.workspace;
    loaded
        .checked_files()
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, path)| {
            // Python files come first, in `loaded.python`'s order: no search by path for them.
            if let Some(file) = loaded.python.get(i).filter(|f| f.path == *path) {
                return loaded.check_source(file);
            }
            let text = loaded
                .text(path)
                .unwrap_or_else(|| std::sync::Arc::from(""));
            ws.check_file(path, &text, Reach::Workspace)
        })
        .collect()
}

/// What identifies a finding across re-checks: rule, file and message.
pub type FindingKey = (Rule, PathBuf, String);

pub fn key(f: &Finding) -> FindingKey {
    (f.rule, f.path.clone(), f.message.clone())
}

/// The edits of the fixes chosen for one pass, per file.
#[derive(Debug, Default)]
pub struct FixPlan {
    pub edits: BTreeMap<PathBuf, Vec<Edit>>,
    pub fixes: Vec<PlannedFix>,
}

#[derive(Debug)]
pub struct PlannedFix {
    pub finding: FindingKey,
    /// The files the fix touches.
    pub paths: Vec<PathBuf>,
}

/// Choose at most one fix per finding (its [`Finding::bulk_fix`]: safe ones only unless
/// `unsafe_fixes`, and none for hints) whose edits overlap no edit already chosen in the same
/// file. An edit identical to a chosen one is shared, not repeated.
pub fn plan_fixes<'a>(
    findings: impl IntoIterator<Item = &'a Finding>,
    unsafe_fixes: bool,
) -> FixPlan {
    let mut plan = FixPlan::default();
    let mut order: Vec<&Finding> = findings.into_iter().collect();
    order.sort_by(|a, b| (&a.path, a.span.start, a.rule).cmp(&(&b.path, b.span.start, b.rule)));
    for finding in order {
        let Some(fix) = finding.bulk_fix(unsafe_fixes) else {
            continue;
        };
        let mut new: Vec<Edit> = Vec::new();
        let mut conflict = false;
        for edit in &fix.edits {
            let edit = Edit {
                path: project::absolute_normalized(&edit.path),
                ..edit.clone()
            };
            let chosen = plan.edits.get(&edit.path).map(Vec::as_slice).unwrap_or(&[]);
            if chosen.contains(&edit) || new.contains(&edit) {
                continue;
            }
            let same_file = chosen
                .iter()
                .chain(new.iter().filter(|e| e.path == edit.path));
            if same_file.clone().any(|e| overlaps(e, &edit)) {
                conflict = true;
                break;
            }
            new.push(edit);
        }
        if conflict {
            continue;
        }
        let mut paths: Vec<PathBuf> = fix
            .edits
            .iter()
            .map(|e| project::absolute_normalized(&e.path))
            .collect();
        paths.sort();
        paths.dedup();
        for edit in new {
            plan.edits.entry(edit.path.clone()).or_default().push(edit);
        }
        plan.fixes.push(PlannedFix {
            finding: key(finding),
            paths,
        });
    }
    plan
}

fn overlaps(a: &Edit, b: &Edit) -> bool {
    a.span.start < b.span.end && b.span.start < a.span.end
}

pub struct FixOutcome {
    /// Fixes whose every file was written.
    pub applied: usize,
    pub failed: Vec<(PathBuf, String)>,
}

/// A file's text before and after a plan's edits.
#[derive(Debug)]
pub struct NewText {
    pub path: PathBuf,
    /// `None`: the file does not exist yet (an edit creates it).
    pub old: Option<String>,
    pub new: String,
}

/// The texts a plan makes, in memory: each file's edits applied to its text in `overlay` (what
/// earlier passes of a preview made), else its loaded text, else the disk's (or an empty text
/// for a file to create). Files whose text cannot be read or edited are in the second list.
pub fn plan_texts(
    plan: &FixPlan,
    loaded: &Loaded,
    overlay: &HashMap<PathBuf, String>,
) -> (Vec<NewText>, Vec<(PathBuf, String)>) {
    let mut texts = Vec::new();
    let mut failed = Vec::new();
    for (path, edits) in &plan.edits {
        let creates = edits.iter().any(|e| e.create);
        if !overlay.contains_key(path) && loaded.changed_since_scan(path) {
            failed.push((
                path.clone(),
                "changed on disk while it was checked".to_string(),
            ));
            continue;
        }
        let base: Option<String> = match overlay.get(path) {
            Some(text) => Some(text.clone()),
            None => match loaded.text(path) {
                Some(text) => Some(text.to_string()),
                None => match fs::read_to_string(path) {
                    Ok(text) => Some(text),
                    Err(e) if e.kind() == io::ErrorKind::NotFound && creates => None,
                    Err(e) => {
                        failed.push((path.clone(), project::io_reason(&e)));
                        continue;
                    }
                },
            },
        };
        let refs: Vec<&Edit> = edits.iter().collect();
        match fix::apply(base.as_deref().unwrap_or_default(), &refs) {
            Ok(new) => texts.push(NewText {
                path: path.clone(),
                old: base,
                new,
            }),
            Err(e) => failed.push((path.clone(), e.to_string())),
        }
    }
    (texts, failed)
}

/// Apply a plan: edit loaded texts (or the disk's, or an empty text for files to create) and
/// write the files.
pub fn apply_plan(plan: &FixPlan, loaded: &Loaded) -> FixOutcome {
    let (texts, mut failed) = plan_texts(plan, loaded, &HashMap::new());
    for t in texts {
        if t.old.is_none() {
            if let Some(parent) = t.path.parent() {
                if let Err(e) = fs::create_dir_all(parent) {
                    failed.push((t.path, project::io_reason(&e)));
                    continue;
                }
            }
        }
        if let Err(e) = fs::write(&t.path, t.new) {
            failed.push((t.path, project::io_reason(&e)));
        }
    }
    let applied = applied_count(plan, &failed);
    FixOutcome { applied, failed }
}

/// The plan's fixes none of whose files failed.
fn applied_count(plan: &FixPlan, failed: &[(PathBuf, String)]) -> usize {
    let failed_paths: HashSet<&Path> = failed.iter().map(|(p, _)| p.as_path()).collect();
    plan.fixes
        .iter()
        .filter(|f| f.paths.iter().all(|p| !failed_paths.contains(p.as_path())))
        .count()
}

/// What `--fix` would do, done in memory (`--diff`).
#[derive(Debug, Default)]
pub struct Preview {
    /// Each changed file: its text before (`None`: created) and after every pass.
    pub files: BTreeMap<PathBuf, (Option<String>, String)>,
    /// Fixes applied.
    pub fixed: usize,
    /// Findings whose fix carries a secret (moving a key into .env): left out of a preview,
    /// which must not show it.
    pub sensitive: usize,
    pub failed: Vec<(PathBuf, String)>,
}

/// Run the passes of `--fix` (see [`MAX_FIX_PASSES`]) on the texts of `loaded`, writing nothing:
/// after each pass the loaded files that changed are re-read from their new texts and checked
/// again. Fixes marked sensitive are never applied here.
pub fn preview(loaded: &mut Loaded, findings: Vec<Finding>, unsafe_fixes: bool) -> Preview {
    let sensitive_fix = |f: &Finding| f.bulk_fix(unsafe_fixes).is_some_and(|x| x.sensitive);
    let mut out = Preview::default();
    let mut sensitive: HashSet<FindingKey> = HashSet::new();
    let mut attempted: HashSet<FindingKey> = HashSet::new();
    let mut current: HashMap<PathBuf, String> = HashMap::new();
    let mut originals: BTreeMap<PathBuf, Option<String>> = BTreeMap::new();
    let mut findings = findings;
    for _ in 0..MAX_FIX_PASSES {
        sensitive.extend(findings.iter().filter(|f| sensitive_fix(f)).map(key));
        let plan = plan_fixes(
            findings
                .iter()
                .filter(|f| !sensitive_fix(f) && !attempted.contains(&key(f))),
            unsafe_fixes,
        );
        if plan.fixes.is_empty() {
            break;
        }
        let (texts, failed) = plan_texts(&plan, loaded, &current);
        let applied = applied_count(&plan, &failed);
        let failed_any = !failed.is_empty();
        out.fixed += applied;
        out.failed.extend(failed);
        attempted.extend(plan.fixes.iter().map(|f| f.finding.clone()));
        for t in texts {
            update_loaded(loaded, &t.path, &t.new);
            originals.entry(t.path.clone()).or_insert(t.old);
            current.insert(t.path, t.new);
        }
        findings = check_all(loaded);
        if applied == 0 || failed_any {
            break;
        }
    }
    out.sensitive = sensitive.len();
    for (path, old) in originals {
        if let Some(new) = current.remove(&path) {
            if old.as_deref() != Some(new.as_str()) {
                out.files.insert(path, (old, new));
            }
        }
    }
    out
}

/// Give a loaded file (Python module, notebook, .env or config list) a new text, keeping its
/// git status. Other files (a .gitignore) are not checked: nothing to update.
fn update_loaded(loaded: &mut Loaded, path: &Path, text: &str) {
    let text: Arc<str> = Arc::from(text);
    if let Ok(i) = loaded
        .python
        .binary_search_by(|f| f.path.as_path().cmp(path))
    {
        loaded.python[i].text = text.clone();
        project::update_from_text(path, text, GitStatus::default)
            .apply(&mut loaded.workspace, path.to_path_buf());
        return;
    }
    let ws = &loaded.workspace;
    let git = ws
        .env_file(path)
        .map(|f| f.git.clone())
        .or_else(|| ws.config_json(path).map(|f| f.git.clone()));
    if let Some(git) = git {
        project::update_from_text(path, text, || git)
            .apply(&mut loaded.workspace, path.to_path_buf());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Severity;
    use crate::engine::{Fix, Span};
    use crate::project::LoadOptions;

    fn finding(path: &str, start: usize, edits: &[(usize, usize, &str)], safe: bool) -> Finding {
        Finding::new(Rule::KW301, path, Span::new(start, start + 1), "m").fix(Fix {
            title: "t".into(),
            edits: edits
                .iter()
                .map(|&(s, e, t)| Edit {
                    path: path.into(),
                    span: Span::new(s, e),
                    new_text: t.into(),
                    create: false,
                })
                .collect(),
            safe,
            sensitive: false,
        })
    }

    #[test]
    fn plan_skips_overlaps_unsafe_fixes_and_shares_identical_edits() {
        let findings = vec![
            finding("/p/.env", 0, &[(0, 5, "a")], true),
            finding("/p/.env", 3, &[(3, 8, "b")], true),
            finding("/p/.env", 10, &[(10, 12, "c")], false),
            finding("/p/.env", 20, &[(20, 20, "x"), (0, 5, "a")], true),
            finding("/p/.gitignore", 0, &[(0, 0, ".env\n")], true),
            finding("/p/.gitignore", 1, &[(0, 0, ".env\n")], true),
        ];
        let plan = plan_fixes(&findings, false);
        assert_eq!(plan.fixes.len(), 4);
        let env = &plan.edits[Path::new("/p/.env")];
        assert_eq!(
            env.iter().map(|e| e.new_text.as_str()).collect::<Vec<_>>(),
            vec!["a", "x"]
        );
        assert_eq!(plan.edits[Path::new("/p/.gitignore")].len(), 1);
    }

    #[test]
    fn unsafe_fixes_only_when_asked_and_never_for_hints() {
        let hint = finding("/p/.env", 30, &[(30, 31, "h")], true).severity(Severity::Hint);
        let findings = vec![
            finding("/p/.env", 10, &[(10, 12, "c")], false),
            hint,
            finding("/p/.env", 40, &[(40, 41, "w")], true).severity(Severity::Warning),
        ];
        let texts = |plan: &FixPlan| {
            plan.edits[Path::new("/p/.env")]
                .iter()
                .map(|e| e.new_text.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(texts(&plan_fixes(&findings, false)), vec!["w"]);
        assert_eq!(texts(&plan_fixes(&findings, true)), vec!["c", "w"]);
        assert!(findings[0].has_only_unsafe_bulk_fix());
        assert!(!findings[1].has_only_unsafe_bulk_fix());
    }

    #[test]
    fn apply_plan_edits_loaded_and_disk_files_and_creates_new_ones() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        fs::write(root.join("app.py"), "x = 1\n").unwrap();
        fs::write(root.join(".gitignore"), "target/\n").unwrap();
        let loaded = project::load(std::slice::from_ref(&root), &LoadOptions::default()).unwrap();
        let edit = |path: PathBuf, s: usize, e: usize, t: &str, create: bool| Edit {
            path,
            span: Span::new(s, e),
            new_text: t.into(),
            create,
        };
        let fix = |edits: Vec<Edit>| {
            Finding::new(Rule::KW104, root.join("app.py"), Span::new(0, 1), "m").fix(Fix {
                title: "t".into(),
                edits,
                safe: true,
                sensitive: true,
            })
        };
        let findings = vec![
            fix(vec![
                edit(root.join("app.py"), 4, 5, "2", false),
                edit(root.join("config/.env"), 0, 0, "K=v\n", true),
            ]),
            fix(vec![edit(root.join(".gitignore"), 8, 8, ".env\n", false)]),
        ];
        let plan = plan_fixes(&findings, false);
        let outcome = apply_plan(&plan, &loaded);
        assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
        assert_eq!(outcome.applied, 2);
        assert_eq!(fs::read_to_string(root.join("app.py")).unwrap(), "x = 2\n");
        assert_eq!(
            fs::read_to_string(root.join("config/.env")).unwrap(),
            "K=v\n"
        );
        assert_eq!(
            fs::read_to_string(root.join(".gitignore")).unwrap(),
            "target/\n.env\n"
        );

        // An edit past the end of a file is refused, and its fix not counted.
        let stale = vec![fix(vec![edit(root.join(".gitignore"), 99, 99, "x", false)])];
        let outcome = apply_plan(&plan_fixes(&stale, false), &loaded);
        assert_eq!(outcome.applied, 0);
        assert_eq!(outcome.failed.len(), 1);
    }
}

//! `keywire check`: load, check, optionally fix, report.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anstream::ColorChoice;
use rayon::prelude::*;

use crate::engine::config::check_selector;
use crate::engine::fix;
use crate::engine::{Edit, Finding, Reach, Rule, Severity};
use crate::project::{self, LoadError, LoadOptions, Loaded};

use super::output::{self, text::TextOptions, Sources};
use super::{
    display_path_text, print_error, CheckArgs, CliError, ColorWhen, Format, EXIT_CLEAN, EXIT_ERROR,
    EXIT_FINDINGS,
};

/// Fix passes at most: a pass applies every non-overlapping applicable fix, then re-checks.
const MAX_FIX_PASSES: usize = 10;

pub fn run(args: &CheckArgs) -> u8 {
    match check(args) {
        Ok(code) => code,
        Err(e) => {
            print_error(&e);
            EXIT_ERROR
        }
    }
}

struct Session<'a> {
    args: &'a CheckArgs,
    cwd: Option<PathBuf>,
    opts: LoadOptions,
    reported: HashSet<PathBuf>,
}

fn check(args: &CheckArgs) -> Result<u8, CliError> {
    for (flag, list) in [
        ("--select", args.select.as_deref().unwrap_or_default()),
        ("--ignore", args.ignore.as_slice()),
    ] {
        for selector in list {
            check_selector(selector).map_err(|m| CliError(format!("{flag}: {m}")))?;
        }
    }
    let cwd = std::env::current_dir().ok();
    for path in &args.paths {
        if fs::symlink_metadata(path).is_err() {
            return Err(CliError(format!(
                "{}: no such file or directory",
                path.display()
            )));
        }
    }
    let mut session = Session {
        args,
        cwd,
        // One-shot check: only findings matter, so env-only files need no parse (see `Prefilter::Findings`).
        opts: LoadOptions {
            prefilter: project::Prefilter::Findings,
            ..LoadOptions::default()
        },
        reported: HashSet::new(),
    };

    let mut loaded = session.load()?;
    let mut findings = check_all(&loaded);
    let mut fixed = 0;
    let mut write_failed = false;
    let fixing = args.fix || args.unsafe_fixes;
    if fixing {
        // A finding whose fix was applied is not fixed again in a later pass (should a fix not
        // remove its finding, it must not be applied ten times).
        let mut attempted: HashSet<FindingKey> = HashSet::new();
        for _ in 0..MAX_FIX_PASSES {
            let plan = plan_fixes(
                findings.iter().filter(|f| !attempted.contains(&key(f))),
                args.unsafe_fixes,
            );
            if plan.fixes.is_empty() {
                break;
            }
            let outcome = apply_plan(&plan, &loaded);
            for (path, reason) in &outcome.failed {
                print_error(&format!(
                    "cannot apply fixes to {}: {reason}",
                    display_path_text(path, session.cwd.as_deref())
                ));
                write_failed = true;
            }
            fixed += outcome.applied;
            attempted.extend(plan.fixes.iter().map(|f| f.finding.clone()));
            loaded = session.load()?;
            findings = check_all(&loaded);
            if outcome.applied == 0 || !outcome.failed.is_empty() {
                break;
            }
        }
    }

    let cwd = session.cwd.as_deref();
    let mut sources = Sources::new(&loaded);
    let diags = output::prepare(findings, &mut sources, cwd);
    let mut summary = output::summarize(&diags, loaded.file_count());
    if args.unsafe_fixes {
        // Given already: what is left conflicted with another fix.
        summary.unsafe_fixable = 0;
    }
    let fails = diags
        .iter()
        .any(|d| d.finding.severity >= Severity::Warning);

    let color = use_color(args);
    let mut out = String::new();
    match args.format {
        Format::Json => {
            out = output::json::render(&diags, &mut sources, cwd);
            if fixing && !args.quiet {
                eprintln!("{}", output::text::fixed_line(fixed));
                if summary.unsafe_fixable > 0 {
                    eprintln!("{}", output::text::unsafe_line(summary.unsafe_fixable));
                }
            }
        }
        Format::Text => {
            let opts = TextOptions { color };
            for diag in &diags {
                output::text::render_diag(&mut out, diag, &mut sources, cwd, &opts);
            }
            if !args.quiet {
                if fixing {
                    out.push_str(&output::text::fixed_line(fixed));
                    out.push('\n');
                }
                out.push_str(&output::text::summary_line(&summary, color));
                out.push('\n');
            }
        }
    }
    write_stdout(&out, color)?;
    // The process ends here: freeing every module's facts one by one would only cost time.
    drop(sources);
    std::mem::forget(loaded);

    Ok(if write_failed {
        EXIT_ERROR
    } else if fails {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

impl Session<'_> {
    /// Load the paths, apply `--select`/`--ignore`, report newly skipped files on stderr.
    fn load(&mut self) -> Result<Loaded, CliError> {
        let cwd = self.cwd.as_deref();
        let mut loaded = project::load(&self.args.paths, &self.opts).map_err(|e| match e {
            LoadError::Config(c) => {
                let shown = display_path_text(&c.path, cwd);
                CliError(c.with_path(shown).to_string())
            }
            LoadError::NotFound(p) => CliError(format!(
                "{}: no such file or directory",
                display_path_text(&p, cwd)
            )),
            LoadError::Io { path, error } => CliError(format!(
                "{}: {}",
                display_path_text(&path, cwd),
                project::io_reason(&error)
            )),
        })?;
        if self.args.select.is_some() || !self.args.ignore.is_empty() {
            loaded
                .workspace
                .config
                .apply_selection(self.args.select.clone(), self.args.ignore.clone());
        }
        let mut err = io::stderr().lock();
        for s in &loaded.skipped {
            if self.reported.insert(s.path.clone()) {
                let _ = writeln!(
                    err,
                    "keywire: skipped {}: {}",
                    display_path_text(&s.path, cwd),
                    s.reason
                );
            }
        }
        Ok(loaded)
    }
}

/// Every finding of every loaded file (checked in parallel).
pub fn check_all(loaded: &Loaded) -> Vec<Finding> {
    let ws = &loaded.workspace;
    loaded
        .checked_files()
        .par_iter()
        .flat_map_iter(|path| {
            // A text read again for the check (a notebook's) is dropped with its findings made.
            let text = loaded
                .text(path)
                .unwrap_or_else(|| std::sync::Arc::from(""));
            ws.check_file(path, &text, Reach::Workspace)
        })
        .collect()
}

/// What identifies a finding across re-checks: rule, file and message.
pub type FindingKey = (Rule, PathBuf, String);

fn key(f: &Finding) -> FindingKey {
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

/// Apply a plan: edit loaded texts (or the disk's, or an empty text for files to create) and
/// write the files.
pub fn apply_plan(plan: &FixPlan, loaded: &Loaded) -> FixOutcome {
    let mut failed = Vec::new();
    for (path, edits) in &plan.edits {
        let creates = edits.iter().any(|e| e.create);
        if loaded.changed_since_scan(path) {
            failed.push((
                path.clone(),
                "changed on disk while it was checked".to_string(),
            ));
            continue;
        }
        let base: String = match loaded.text(path) {
            Some(text) => text.to_string(),
            None => match fs::read_to_string(path) {
                Ok(text) => text,
                Err(e) if e.kind() == io::ErrorKind::NotFound && creates => String::new(),
                Err(e) => {
                    failed.push((path.clone(), project::io_reason(&e)));
                    continue;
                }
            },
        };
        let refs: Vec<&Edit> = edits.iter().collect();
        let new_text = match fix::apply(&base, &refs) {
            Ok(t) => t,
            Err(e) => {
                failed.push((path.clone(), e.to_string()));
                continue;
            }
        };
        if creates {
            if let Some(parent) = path.parent() {
                if let Err(e) = fs::create_dir_all(parent) {
                    failed.push((path.clone(), project::io_reason(&e)));
                    continue;
                }
            }
        }
        if let Err(e) = fs::write(path, new_text) {
            failed.push((path.clone(), project::io_reason(&e)));
        }
    }
    let failed_paths: HashSet<&Path> = failed.iter().map(|(p, _)| p.as_path()).collect();
    let applied = plan
        .fixes
        .iter()
        .filter(|f| f.paths.iter().all(|p| !failed_paths.contains(p.as_path())))
        .count();
    FixOutcome { applied, failed }
}

fn use_color(args: &CheckArgs) -> bool {
    if args.no_color || args.format == Format::Json {
        return false;
    }
    match args.color {
        ColorWhen::Never => false,
        ColorWhen::Always => true,
        ColorWhen::Auto => anstream::AutoStream::choice(&io::stdout()) != ColorChoice::Never,
    }
}

fn write_stdout(text: &str, color: bool) -> Result<(), CliError> {
    let choice = if color {
        ColorChoice::Always
    } else {
        ColorChoice::Never
    };
    let mut stdout = anstream::AutoStream::new(io::stdout().lock(), choice);
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Ok(()) => Ok(()),
        // `keywire check | head`: stop quietly.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError(format!("cannot write to stdout: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Fix, Span};

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

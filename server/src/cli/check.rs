//! `keywire check`: load, check, optionally fix, report.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::PathBuf;

use anstream::ColorChoice;

use crate::engine::config::check_selector;
use crate::engine::{Finding, Severity};
use crate::project::{self, LoadError, LoadOptions, Loaded};

use super::fixes::{self, key, MAX_FIX_PASSES};
pub use super::fixes::{
    apply_plan, check_all, plan_fixes, FindingKey, FixOutcome, FixPlan, PlannedFix,
};

use super::output::{self, text::TextOptions, Sources};
use super::{
    display_path_text, print_error, CheckArgs, CliError, ColorWhen, Format, EXIT_CLEAN, EXIT_ERROR,
    EXIT_FINDINGS,
};

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
    check_flags(args)?;
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
            virtual_env: std::env::var_os("VIRTUAL_ENV").map(PathBuf::from),
            // `--diff` writes nothing, not even the cache.
            cache: !args.no_cache && !args.diff && !no_cache_from_env(),
            report_only: !(args.fix || args.unsafe_fixes || args.diff),
            ..LoadOptions::default()
        },
        reported: HashSet::new(),
    };

    let mut loaded = session.load()?;
    let fixing = args.fix || args.unsafe_fixes;
    if args.diff {
        let findings = check_all(&loaded);
        return show_diff(&session, loaded, findings);
    }
    // A report alone may come from the report cache; fixes need every edit, checked anew.
    let mut findings = match fixing {
        true => check_all(&loaded),
        false => loaded.report_findings(check_all),
    };
    let mut fixed = 0;
    let mut write_failed = false;
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
    if args.statistics {
        let rows = output::stats::rows(&diags, args.unsafe_fixes);
        out = match args.format {
            Format::Json => output::stats::json(&rows),
            _ => output::stats::text(&rows),
        };
    } else {
        match args.format {
            Format::Json => out = output::json::render(&diags, &mut sources, cwd),
            Format::Sarif => out = output::sarif::render(&diags, &mut sources, cwd),
            Format::Github => out = output::github::render(&diags, &mut sources),
            Format::Gitlab => out = output::gitlab::render(&diags, &mut sources),
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
    }
    if args.format != Format::Text && fixing && !args.quiet {
        eprintln!("{}", output::text::fixed_line(fixed));
        if summary.unsafe_fixable > 0 {
            eprintln!("{}", output::text::unsafe_line(summary.unsafe_fixable));
        }
    }
    emit(args, &out, color)?;
    // The process ends here: freeing every module's facts one by one would only cost time.
    drop(sources);
    std::mem::forget(loaded);

    Ok(if write_failed {
        EXIT_ERROR
    } else if fails && !args.exit_zero {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

/// Flags that do not go together, and an output file whose folder does not exist: refused
/// before any work.
fn check_flags(args: &CheckArgs) -> Result<(), CliError> {
    if args.statistics && !matches!(args.format, Format::Text | Format::Json) {
        return Err(CliError(
            "--statistics prints text or JSON: use it with --format text or --format json".into(),
        ));
    }
    if args.diff && args.format != Format::Text {
        return Err(CliError(
            "--diff prints a diff: it takes no --format but text".into(),
        ));
    }
    if args.diff && args.statistics {
        return Err(CliError(
            "--diff and --statistics cannot be used together".into(),
        ));
    }
    if let Some(file) = &args.output_file {
        if file.is_dir() {
            return Err(CliError(format!(
                "--output-file {}: is a directory",
                file.display()
            )));
        }
        if let Some(parent) = file.parent() {
            if !parent.as_os_str().is_empty() && !parent.is_dir() {
                return Err(CliError(format!(
                    "--output-file {}: no such directory: {}",
                    file.display(),
                    parent.display()
                )));
            }
        }
    }
    Ok(())
}

/// `--diff`: run the fix passes in memory and print the change of every file. Exit code 1 when
/// there is one (0 with `--exit-zero`), 2 when a file to fix cannot be read.
fn show_diff(
    session: &Session,
    mut loaded: Loaded,
    findings: Vec<Finding>,
) -> Result<u8, CliError> {
    let args = session.args;
    let cwd = session.cwd.as_deref();
    let preview = fixes::preview(&mut loaded, findings, args.unsafe_fixes);
    for (path, reason) in &preview.failed {
        print_error(&format!(
            "cannot apply fixes to {}: {reason}",
            display_path_text(path, cwd)
        ));
    }
    let mut out = String::new();
    for (path, (old, new)) in &preview.files {
        let env = loaded.workspace.env_file(path).is_some()
            || loaded.workspace.deploy_file(path).is_some()
            || path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(".env"));
        let shown = display_path_text(path, cwd);
        out.push_str(&output::diff::unified(&shown, old.as_deref(), new, env));
    }
    if !args.quiet {
        eprintln!("{}", would_fix_line(preview.fixed));
        match preview.sensitive {
            0 => {}
            1 => eprintln!("1 fix not shown: it moves a key into .env (--fix applies it)"),
            n => eprintln!("{n} fixes not shown: they move keys into .env (--fix applies them)"),
        }
    }
    emit(args, &out, false)?;
    std::mem::forget(loaded);
    Ok(if !preview.failed.is_empty() {
        EXIT_ERROR
    } else if !out.is_empty() && !args.exit_zero {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

fn would_fix_line(n: usize) -> String {
    format!(
        "Would fix {n} {}",
        if n == 1 { "finding" } else { "findings" }
    )
}

/// The report to `--output-file` or stdout.
fn emit(args: &CheckArgs, text: &str, color: bool) -> Result<(), CliError> {
    match &args.output_file {
        Some(file) => fs::write(file, text).map_err(|e| {
            CliError(format!(
                "cannot write {}: {}",
                file.display(),
                project::io_reason(&e)
            ))
        }),
        None => write_stdout(text, color),
    }
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

fn use_color(args: &CheckArgs) -> bool {
    if args.no_color || args.format != Format::Text || args.output_file.is_some() {
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

/// `KEYWIRE_NO_CACHE` set to anything but empty, `0` or `false`: as `--no-cache`.
fn no_cache_from_env() -> bool {
    std::env::var("KEYWIRE_NO_CACHE")
        .is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

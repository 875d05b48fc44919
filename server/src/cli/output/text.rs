//! ruff/rustc-style terminal output: a `path:line:col: CODE [severity] message` header, a code
//! frame with the span underlined, `= help:` lines for fixes and `= note:` lines for related
//! locations, then a summary line.

use std::fmt::Write as _;

use annotate_snippets::renderer::{AnsiColor, Effects, Style};
use annotate_snippets::{normalize_untrusted_str, AnnotationKind, Group, Level, Renderer, Snippet};

use crate::engine::{Severity, Span};

use super::{Diag, Sources, Summary};
use crate::cli::redact::redact;
use crate::cli::{display_path_text, printable_text};

pub struct TextOptions {
    pub color: bool,
}

/// Append one finding (header, code frame, help and notes) and a blank line to `out`.
pub fn render_diag(
    out: &mut String,
    diag: &Diag,
    sources: &mut Sources,
    cwd: Option<&std::path::Path>,
    opts: &TextOptions,
) {
    let f = &diag.finding;
    let severity = f.severity;
    let level_style = severity_style(severity);
    let bold = Style::new().effects(Effects::BOLD);
    let mut path = normalize_untrusted_str(&printable_text(&diag.path));
    if let Some(w) = &f.within {
        // `nb.ipynb:cell 3:2:5:`, like ruff.
        let _ = write!(path, ":{} {}", w.label, w.number);
    }
    let message = normalize_untrusted_str(&f.message);
    if opts.color {
        let _ = writeln!(
            out,
            "{bold}{path}:{}:{}:{bold:#} {level_style}{}{level_style:#} [{level_style}{}{level_style:#}] {message}",
            diag.start.line,
            diag.start.column,
            f.rule.code(),
            severity.as_str(),
        );
    } else {
        let _ = writeln!(
            out,
            "{path}:{}:{}: {} [{}] {message}",
            diag.start.line,
            diag.start.column,
            f.rule.code(),
            severity.as_str(),
        );
    }

    let mut notes: Vec<(Level<'static>, String)> = Vec::new();
    for fix in &f.fixes {
        // Only the title, ever: the edits of a sensitive fix carry a secret.
        notes.push((Level::HELP, normalize_untrusted_str(&fix.title)));
    }
    for rel in &f.related {
        let rel_path = display_path_text(&rel.path, cwd);
        let at = match &rel.within {
            Some(w) => format!("{rel_path}:{} {}:{}", w.label, w.number, w.start.0),
            None => format!("{rel_path}:{}", sources.range(&rel.path, rel.span).0.line),
        };
        notes.push((
            Level::NOTE,
            normalize_untrusted_str(&format!("{at}: {}", rel.message)),
        ));
    }

    let renderer = if opts.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    // No frame for a span on lines of megabytes (a one-line notebook with its images).
    const MAX_FRAME: usize = 16 * 1024;
    let frame = sources.get(&f.path).and_then(|src| {
        let span = src.clamp(f.span);
        let text: &str = &src.text;
        let first = src.index.line_of(span.start);
        let mut last = src.index.line_of(span.end);
        if span.end > span.start && text.as_bytes()[span.end - 1] == b'\n' {
            last = src.index.line_of(span.end - 1);
        }
        let begin = src.index.line_start(first);
        let end = src.index.line_span(text, last).end.max(begin);
        if end - begin > MAX_FRAME {
            return None;
        }
        let slice = redact(&text[begin..end], src.env).into_owned();
        let local = Span::new(
            (span.start - begin).min(slice.len()),
            (span.end.saturating_sub(begin)).min(slice.len()),
        );
        Some((slice, first + 1, local))
    });
    let mut group = Group::with_level(level(severity));
    if let Some((slice, line_start, local)) = &frame {
        group = group.element(
            Snippet::source(slice.as_str())
                .line_start(*line_start)
                .annotation(AnnotationKind::Primary.span(local.start..local.end)),
        );
    }
    for (lvl, text) in &notes {
        group = group.element(lvl.clone().message(text.as_str()));
    }
    if frame.is_some() || !notes.is_empty() {
        out.push_str(&renderer.render(&[group]));
        out.push('\n');
    }
    out.push('\n');
}

/// `Found 3 problems (1 error, 2 warnings) in 2 files; 1 fixable with --fix` or
/// `No problems found in 4 files`.
pub fn summary_line(s: &Summary, color: bool) -> String {
    let total = s.total();
    if total == 0 {
        let line = format!("No problems found in {}", plural(s.files, "file", "files"));
        return if color {
            let green = AnsiColor::Green.on_default().effects(Effects::BOLD);
            format!("{green}{line}{green:#}")
        } else {
            line
        };
    }
    let mut parts = vec![
        plural(s.errors, "error", "errors"),
        plural(s.warnings, "warning", "warnings"),
    ];
    if s.infos > 0 {
        parts.push(plural(s.infos, "info", "infos"));
    }
    if s.hints > 0 {
        parts.push(plural(s.hints, "hint", "hints"));
    }
    let mut line = format!(
        "Found {} ({}) in {}",
        plural(total, "problem", "problems"),
        parts.join(", "),
        plural(s.files_with_problems, "file", "files"),
    );
    if s.fixable > 0 {
        let _ = write!(line, "; {} fixable with --fix", s.fixable);
    }
    if s.unsafe_fixable > 0 {
        let _ = write!(line, "; {}", unsafe_line(s.unsafe_fixable));
    }
    if color {
        let bold = Style::new().effects(Effects::BOLD);
        format!("{bold}{line}{bold:#}")
    } else {
        line
    }
}

pub fn fixed_line(n: usize) -> String {
    format!("Fixed {}", plural(n, "finding", "findings"))
}

/// "2 fixes available with --unsafe-fixes".
pub fn unsafe_line(n: usize) -> String {
    format!(
        "{} available with --unsafe-fixes",
        plural(n, "fix", "fixes")
    )
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
        Severity::Hint => Level::NOTE,
    }
}

fn severity_style(severity: Severity) -> Style {
    let color = match severity {
        Severity::Error => AnsiColor::BrightRed,
        Severity::Warning => AnsiColor::Yellow,
        Severity::Info => AnsiColor::BrightBlue,
        Severity::Hint => AnsiColor::BrightGreen,
    };
    color.on_default().effects(Effects::BOLD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_lines() {
        let mut s = Summary {
            files: 4,
            ..Default::default()
        };
        assert_eq!(summary_line(&s, false), "No problems found in 4 files");
        s.files = 1;
        assert_eq!(summary_line(&s, false), "No problems found in 1 file");
        s.errors = 1;
        s.warnings = 2;
        s.files_with_problems = 2;
        s.fixable = 1;
        assert_eq!(
            summary_line(&s, false),
            "Found 3 problems (1 error, 2 warnings) in 2 files; 1 fixable with --fix"
        );
        s.hints = 1;
        s.fixable = 0;
        assert_eq!(
            summary_line(&s, false),
            "Found 4 problems (1 error, 2 warnings, 1 hint) in 2 files"
        );
        assert_eq!(fixed_line(1), "Fixed 1 finding");
        s.unsafe_fixable = 2;
        assert_eq!(
            summary_line(&s, false),
            "Found 4 problems (1 error, 2 warnings, 1 hint) in 2 files; 2 fixes available with --unsafe-fixes"
        );
    }
}

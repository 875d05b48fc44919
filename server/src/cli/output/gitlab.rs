//! `--format gitlab`: a GitLab Code Quality report (a JSON array), for
//! `artifacts: reports: codequality:` in `.gitlab-ci.yml`:
//!
//! ```json
//! [{"description","check_name","fingerprint","severity","location":{"path","lines":{"begin","end"}}}]
//! ```
//!
//! `check_name` is the rule code; severities are `major` (errors), `minor` (warnings) and
//! `info` (infos and hints). Lines of a finding inside a notebook cell are lines of the
//! notebook file's text; its description names the cell. Fingerprints are those of
//! [`super::fingerprints`]: stable across runs, never derived from source text.

use serde::Serialize;

use super::{fingerprints, message_with_part, Diag, Sources};
use crate::engine::Severity;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

/// The report, pretty-printed, with a trailing newline.
pub fn render(diags: &[Diag], sources: &mut Sources) -> String {
    let issues: Vec<Issue> = diags
        .iter()
        .zip(fingerprints(diags))
        .map(|(d, fingerprint)| {
            let f = &d.finding;
            let (start, end) = sources.range(&f.path, f.span);
            Issue {
                description: format!(
                    "{} ({}): {}",
                    f.rule.code(),
                    f.rule.name(),
                    message_with_part(f)
                ),
                check_name: f.rule.code(),
                fingerprint,
                severity: match f.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Info | Severity::Hint => "info",
                },
                location: Location {
                    path: &d.path,
                    lines: Lines {
                        begin: start.line,
                        end: end.line.max(start.line),
                    },
                },
            }
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".into());
    out.push('\n');
    out
}

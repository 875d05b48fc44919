//! `--format json`:
//!
//! ```json
//! {"version":1,"diagnostics":[{"code","name","severity","message","path",["cell",]
//!   "range":{"start":{"line","column"},"end":{"line","column"}},
//!   "fixes":[{"title","applicability","edits":[{"path","range","new_text"}]}],
//!   "related":[{"path","range","message"}]}]}
//! ```
//!
//! Paths are relative to the current directory with `/`; lines and columns are 1-based, columns
//! counted in Unicode scalar values. A finding in a notebook has `"cell"` (1-based, among all
//! cells) and its `range` counts lines and columns inside that cell's source; edits and related
//! locations keep positions in the file. `applicability` is `"safe"` (`--fix` applies it) or
//! `"unsafe"` (only `--unsafe-fixes` does). A sensitive fix has `"edits": []` and
//! `"sensitive": true`: its edits carry a secret.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::{Diag, Pos, Sources};
use crate::cli::display_path;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    diagnostics: Vec<JsonDiag<'a>>,
}

#[derive(Serialize)]
struct JsonDiag<'a> {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    message: &'a str,
    path: &'a str,
    /// `"cell": 3` for a finding inside a notebook cell.
    #[serde(flatten)]
    within: BTreeMap<&'static str, usize>,
    range: Range,
    fixes: Vec<JsonFix<'a>>,
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct Range {
    start: Pos,
    end: Pos,
}

impl Serialize for Pos {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Pos", 2)?;
        st.serialize_field("line", &self.line)?;
        st.serialize_field("column", &self.column)?;
        st.end()
    }
}

#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    applicability: &'static str,
    edits: Vec<JsonEdit<'a>>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    sensitive: bool,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    path: String,
    range: Range,
    new_text: &'a str,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    path: String,
    range: Range,
    message: &'a str,
}

/// The whole report as pretty-printed JSON (with a trailing newline).
pub fn render(diags: &[Diag], sources: &mut Sources, cwd: Option<&Path>) -> String {
    let mut diagnostics = Vec::with_capacity(diags.len());
    for d in diags {
        let f = &d.finding;
        let fixes = f
            .fixes
            .iter()
            .map(|fix| JsonFix {
                title: &fix.title,
                applicability: if fix.safe { "safe" } else { "unsafe" },
                edits: if fix.sensitive {
                    Vec::new()
                } else {
                    fix.edits
                        .iter()
                        .map(|e| {
                            let (start, end) = sources.range(&e.path, e.span);
                            JsonEdit {
                                path: display_path(&e.path, cwd),
                                range: Range { start, end },
                                new_text: &e.new_text,
                            }
                        })
                        .collect()
                },
                sensitive: fix.sensitive,
            })
            .collect();
        let related = f
            .related
            .iter()
            .map(|r| {
                let (start, end) = sources.range(&r.path, r.span);
                JsonRelated {
                    path: display_path(&r.path, cwd),
                    range: Range { start, end },
                    message: &r.message,
                }
            })
            .collect();
        diagnostics.push(JsonDiag {
            code: f.rule.code(),
            name: f.rule.name(),
            severity: f.severity.as_str(),
            message: &f.message,
            path: &d.path,
            within: f.within.iter().map(|w| (w.label, w.number)).collect(),
            range: Range {
                start: d.start,
                end: d.end,
            },
            fixes,
            related,
        });
    }
    let report = Report {
        version: 1,
        diagnostics,
    };
    let mut out = serde_json::to_string_pretty(&report).unwrap_or_else(|_| {
        // Serializing plain strings and numbers cannot fail; stay valid JSON regardless.
        "{\"version\":1,\"diagnostics\":[]}".to_string()
    });
    out.push('\n');
    out
}

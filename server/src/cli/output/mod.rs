//! Turning findings into terminal text or JSON.

pub mod json;
pub mod text;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::engine::text::{floor_char_boundary, LineIndex};
use crate::engine::{Finding, Severity, Span};
use crate::project::{self, Loaded};

use super::display_path;

/// Texts and line indexes of the files findings point into: loaded files first, then (for
/// related locations and edits in other files, e.g. a .gitignore) the disk.
pub struct Sources<'a> {
    loaded: &'a Loaded,
    cache: HashMap<PathBuf, Option<Arc<Source>>>,
}

pub struct Source {
    pub text: Arc<str>,
    pub index: LineIndex,
    pub env: bool,
}

impl<'a> Sources<'a> {
    pub fn new(loaded: &'a Loaded) -> Self {
        Sources {
            loaded,
            cache: HashMap::new(),
        }
    }

    pub fn loaded(&self) -> &'a Loaded {
        self.loaded
    }

    pub fn get(&mut self, path: &Path) -> Option<Arc<Source>> {
        if let Some(hit) = self.cache.get(path) {
            return hit.clone();
        }
        let env = self.loaded.workspace.env_file(path).is_some();
        let text = self.loaded.text(path).or_else(|| project::read_text(path));
        let source = text.map(|text| {
            Arc::new(Source {
                index: LineIndex::new(&text),
                text,
                env,
            })
        });
        self.cache.insert(path.to_path_buf(), source.clone());
        source
    }

    /// 1-based (line, column in Unicode scalar values) of both ends of `span`.
    pub fn range(&mut self, path: &Path, span: Span) -> (Pos, Pos) {
        match self.get(path) {
            Some(src) => (src.pos(span.start), src.pos(span.end.max(span.start))),
            None => (Pos::START, Pos::START),
        }
    }
}

impl Source {
    pub fn pos(&self, offset: usize) -> Pos {
        let (line, col) = self.index.line_col_chars(&self.text, offset);
        Pos {
            line: line + 1,
            column: col + 1,
        }
    }

    /// `span` clamped to the text and to char boundaries.
    pub fn clamp(&self, span: Span) -> Span {
        let start = floor_char_boundary(&self.text, span.start);
        let end = floor_char_boundary(&self.text, span.end.max(span.start));
        Span::new(start, end)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, column: 1 };
}

/// A finding ready for output.
pub struct Diag {
    pub finding: Finding,
    pub path: String,
    pub start: Pos,
    pub end: Pos,
}

/// Counts for the summary line.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub hints: usize,
    /// Findings `--fix` would fix (warnings and errors with a safe fix).
    pub fixable: usize,
    /// Findings only `--unsafe-fixes` would fix.
    pub unsafe_fixable: usize,
    /// Files with at least one finding.
    pub files_with_problems: usize,
    /// Files checked.
    pub files: usize,
}

impl Summary {
    pub fn total(&self) -> usize {
        self.errors + self.warnings + self.infos + self.hints
    }
}

/// Sort findings by display path, position and code; compute positions.
pub fn prepare(findings: Vec<Finding>, sources: &mut Sources, cwd: Option<&Path>) -> Vec<Diag> {
    let mut diags: Vec<Diag> = findings
        .into_iter()
        .map(|finding| {
            // Inside a numbered part (a notebook cell): positions count from its start.
            let (start, end) = match &finding.within {
                Some(w) => (
                    Pos {
                        line: w.start.0,
                        column: w.start.1,
                    },
                    Pos {
                        line: w.end.0,
                        column: w.end.1,
                    },
                ),
                None => sources.range(&finding.path, finding.span),
            };
            Diag {
                path: display_path(&finding.path, cwd),
                start,
                end,
                finding,
            }
        })
        .collect();
    let part = |d: &Diag| d.finding.within.as_ref().map(|w| w.number);
    diags.sort_by(|a, b| {
        (
            &a.path,
            part(a),
            a.start,
            a.finding.rule,
            a.end,
            &a.finding.message,
        )
            .cmp(&(
                &b.path,
                part(b),
                b.start,
                b.finding.rule,
                b.end,
                &b.finding.message,
            ))
    });
    diags
}

pub fn summarize(diags: &[Diag], files: usize) -> Summary {
    let mut s = Summary {
        files,
        ..Default::default()
    };
    let mut last_path: Option<&str> = None;
    for d in diags {
        match d.finding.severity {
            Severity::Error => s.errors += 1,
            Severity::Warning => s.warnings += 1,
            Severity::Info => s.infos += 1,
            Severity::Hint => s.hints += 1,
        }
        if d.finding.bulk_fix(false).is_some() {
            s.fixable += 1;
        } else if d.finding.has_only_unsafe_bulk_fix() {
            s.unsafe_fixable += 1;
        }
        if last_path != Some(d.path.as_str()) {
            s.files_with_problems += 1;
            last_path = Some(&d.path);
        }
    }
    s
}

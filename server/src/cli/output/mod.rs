//! Turning findings into terminal text, JSON, SARIF, GitHub workflow commands, GitLab Code
//! Quality reports, statistics, or the diff of what `--fix` would change.

pub mod diff;
pub mod github;
pub mod gitlab;
pub mod json;
pub mod sarif;
pub mod stats;
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

/// A file's text and line index: a loaded file's, else the disk's.
fn read(loaded: &Loaded, path: &Path) -> Option<Arc<Source>> {
    // Compose files and Dockerfiles set variables as .env files do (`X=v`, `X: v`).
    let env =
        loaded.workspace.env_file(path).is_some() || loaded.workspace.deploy_file(path).is_some();
    let text = loaded.text(path).or_else(|| project::read_text(path))?;
    Some(Arc::new(Source {
        index: LineIndex::new(&text),
        text,
        env,
    }))
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
        let source = read(self.loaded, path);
        self.cache.insert(path.to_path_buf(), source.clone());
        source
    }

    /// Read the files of `paths` not read yet, all at once on every core: a report's files
    /// may be notebooks of megabytes, read again for their code frames.
    pub fn prefetch<'p>(&mut self, paths: impl IntoIterator<Item = &'p Path>) {
        use rayon::prelude::*;
        let mut todo: Vec<&Path> = paths
            .into_iter()
            .filter(|p| !self.cache.contains_key(*p))
            .collect();
        todo.sort_unstable();
        todo.dedup();
        let loaded = self.loaded;
        let read: Vec<(PathBuf, Option<Arc<Source>>)> = todo
            .par_iter()
            .map(|p| (p.to_path_buf(), read(loaded, p)))
            .collect();
        self.cache.extend(read);
    }

    /// 1-based (line, column in Unicode scalar values) of both ends of `span`.
    pub fn range(&mut self, path: &Path, span: Span) -> (Pos, Pos) {
        match self.get(path) {
            Some(src) => (src.pos(span.start), src.pos(span.end.max(span.start))),
            None => (Pos::START, Pos::START),
        }
    }

    /// [`Sources::range`] with columns counted in UTF-16 code units (SARIF's default, and what
    /// GitHub's and GitLab's web pages count in).
    pub fn range_utf16(&mut self, path: &Path, span: Span) -> (Pos, Pos) {
        match self.get(path) {
            Some(src) => (
                src.pos_utf16(span.start),
                src.pos_utf16(span.end.max(span.start)),
            ),
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

    /// 1-based line and column, the column counted in UTF-16 code units.
    pub fn pos_utf16(&self, offset: usize) -> Pos {
        let offset = floor_char_boundary(&self.text, offset);
        let line = self.index.line_of(offset);
        let start = self.index.line_start(line).min(offset);
        Pos {
            line: line + 1,
            column: self.text[start..offset].encode_utf16().count() + 1,
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
    sources.prefetch(
        findings
            .iter()
            .flat_map(|f| std::iter::once(&f.path).chain(f.related.iter().map(|r| &r.path)))
            .map(PathBuf::as_path),
    );
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

/// The message for formats that show no cell in their location: a finding inside a notebook
/// cell says which (`… (cell 3)`); its location is in the notebook file's text.
pub fn message_with_part(f: &Finding) -> String {
    match &f.within {
        Some(w) => format!("{} ({} {})", f.message, w.label, w.number),
        None => f.message.clone(),
    }
}

/// A fingerprint per finding that stays the same across runs while the finding does: a hash of
/// the rule, the displayed path, the message without its digits (line numbers move) and the
/// finding's rank among those with the same three. Never of source text, so never of a key.
pub fn fingerprints(diags: &[Diag]) -> Vec<String> {
    use sha2::{Digest, Sha256};
    let mut seen: HashMap<(&'static str, &str, String), usize> = HashMap::new();
    diags
        .iter()
        .map(|d| {
            let message: String = d
                .finding
                .message
                .chars()
                .filter(|c| !c.is_ascii_digit())
                .collect();
            let rank = seen
                .entry((d.finding.rule.code(), d.path.as_str(), message.clone()))
                .or_insert(0);
            let mut hash = Sha256::new();
            for part in [d.finding.rule.code(), d.path.as_str(), message.as_str()] {
                hash.update(part.as_bytes());
                hash.update([0]);
            }
            hash.update(rank.to_string().as_bytes());
            *rank += 1;
            hash.finalize()[..16]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Rule;

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let text: Arc<str> = Arc::from("a\n日本😀x\n");
        let src = Source {
            index: LineIndex::new(&text),
            text,
            env: false,
        };
        // `x` is after 2 BMP characters (1 unit each) and an emoji (2 units).
        let x = "a\n日本😀".len();
        assert_eq!(src.pos_utf16(x), Pos { line: 2, column: 5 });
        assert_eq!(src.pos(x), Pos { line: 2, column: 4 });
        // Inside a character: its start.
        assert_eq!(src.pos_utf16(x - 1), Pos { line: 2, column: 3 });
    }

    #[test]
    fn fingerprints_ignore_digits_and_rank_duplicates() {
        let diag = |msg: &str, line: usize| Diag {
            finding: Finding::new(Rule::KW101, "/p/a.py", Span::new(0, 1), msg),
            path: "a.py".into(),
            start: Pos { line, column: 1 },
            end: Pos { line, column: 2 },
        };
        let a = fingerprints(&[diag("x at line 3", 3), diag("x at line 9", 9)]);
        let b = fingerprints(&[diag("x at line 4", 4), diag("x at line 10", 10)]);
        assert_eq!(a, b);
        assert_ne!(a[0], a[1]);
        assert_eq!(a[0].len(), 32);
    }
}

//! Checking a notebook: the Python rules run over its module (the code cells joined, see
//! [`crate::engine::notebook`]), and every finding span, related location and fix edit is
//! mapped from module offsets to offsets of the notebook's JSON text, so that every front end
//! gets positions in the file it has. A finding also says which cell it is in
//! ([`Finding::within`]). A fix edit becomes a rewrite of the touched lines of that cell's
//! `source` list, written the way Jupyter writes it; a fix whose edits cannot be mapped exactly
//! (across cells, or on an IPython line the parser never saw) is dropped.

use std::path::Path;

use super::check::Reach;
use super::diagnostic::{Edit, Finding, Fix, Within};
use super::notebook::{Module, Notebook, NotebookError};
use super::notebook_facts::{self, Depth};
use super::python::PyFacts;
use super::rules::{self, Rule};
use super::text::Span;
use super::workspace::Workspace;

/// A notebook read for its check: its cells without their outputs, its module, and what
/// KW401 found in the outputs (before the configuration has its say). A one-shot check reads
/// each notebook's JSON once, in the walk, and holds this instead of the text until the check.
#[derive(Debug)]
pub struct CheckedNotebook {
    nb: Notebook,
    module: Module,
    in_outputs: Vec<Finding>,
}

impl CheckedNotebook {
    /// Reads the notebook at `path` from its JSON text.
    pub fn read(path: &Path, text: &str) -> Result<CheckedNotebook, NotebookError> {
        let mut nb = Notebook::parse(text)?;
        let module = nb.module();
        let mut in_outputs = Vec::new();
        rules::kw401_secret_in_output::check(path, text, &nb, &mut in_outputs);
        for cell in &mut nb.cells {
            cell.outputs = Vec::new();
        }
        Ok(CheckedNotebook {
            nb,
            module,
            in_outputs,
        })
    }

    /// Its facts, as [`notebook_facts::facts`] gives them.
    pub fn facts(&self, depth: Depth) -> PyFacts {
        notebook_facts::module_facts(&self.nb, &self.module, depth)
    }
}

impl Workspace {
    /// Findings for one notebook, given its JSON text; none when it is no notebook keywire
    /// reads (the front ends report why when they load it).
    pub(super) fn check_notebook(&self, path: &Path, text: &str, reach: Reach) -> Vec<Finding> {
        match CheckedNotebook::read(path, text) {
            Ok(nb) => self.check_read_notebook(path, &nb, reach),
            Err(_) => Vec::new(),
        }
    }

    /// [`Workspace::check_file`] for a notebook already read.
    pub fn check_read_notebook(
        &self,
        path: &Path,
        checked: &CheckedNotebook,
        reach: Reach,
    ) -> Vec<Finding> {
        let (nb, module) = (&checked.nb, &checked.module);
        let findings = self.check_python_with(path, &module.text, reach == Reach::Local);
        let map = Mapper { nb, module, path };
        let mut findings: Vec<Finding> = findings.into_iter().map(|f| map.finding(f)).collect();
        // Rules over the committed outputs read the notebook itself: their findings are in
        // offsets of the JSON text already.
        let test = self.is_test_code(path, &module.text);
        let rule = Rule::KW401;
        if self.config.enabled(rule) && (!test || self.config.tests.reports(rule)) {
            let mut out = checked.in_outputs.clone();
            for f in &mut out {
                f.severity = self.config.severity_for(f.rule, f.severity);
            }
            findings.append(&mut out);
            findings.sort_by_key(|f| (f.span.start, f.rule));
        }
        findings
    }
}

/// An edit of one cell's source: a range of [`super::notebook::Cell::source`] and its new text.
type CellEdit = (std::ops::Range<usize>, String);

struct Mapper<'a> {
    nb: &'a Notebook,
    module: &'a Module,
    path: &'a Path,
}

impl Mapper<'_> {
    fn finding(&self, mut f: Finding) -> Finding {
        let (span, within) = self.span(f.span);
        f.span = span;
        f.within = within;
        for r in &mut f.related {
            if r.path == self.path {
                (r.span, r.within) = self.span(r.span);
            }
        }
        let rule = f.rule;
        f.fixes = std::mem::take(&mut f.fixes)
            .into_iter()
            .filter_map(|fix| self.fix(fix, rule))
            .collect();
        f
    }

    /// The cell, and the range inside its source, of a module span (clamped to the cell the
    /// span starts in).
    fn cell_range(&self, span: Span) -> Option<(usize, usize, usize)> {
        let (cell, start) = self.module.locate(span.start)?;
        let cell_start = self.module.cell_start(cell)?;
        let len = self.nb.cell(cell)?.source.len();
        let end = (span.end.max(span.start) - cell_start).min(len);
        Some((cell, start.min(len), end))
    }

    fn span(&self, span: Span) -> (Span, Option<Within>) {
        let mapped = self.cell_range(span).and_then(|(index, s, e)| {
            let cell = self.nb.cell(index)?;
            let start = cell.notebook_offset(s)?;
            let end = if e == s {
                start
            } else {
                cell.notebook_end_offset(e)?.max(start)
            };
            let within = Within {
                label: Within::CELL,
                number: index + 1,
                start: cell.line_col(s),
                end: cell.line_col(e),
            };
            Some((Span::new(start, end), Some(within)))
        });
        // An empty cell has no string to point into: its `source` value, or the file start.
        mapped.unwrap_or_else(|| {
            let at = self
                .module
                .locate(span.start)
                .and_then(|(c, _)| self.nb.cell(c)?.source_span.clone())
                .map_or(0, |s| s.start);
            (Span::new(at, at), None)
        })
    }

    fn fix(&self, fix: Fix, rule: Rule) -> Option<Fix> {
        let mut edits = Vec::with_capacity(fix.edits.len());
        // Per cell: the edits in source offsets.
        let mut cells: Vec<(usize, Vec<CellEdit>)> = Vec::new();
        for edit in fix.edits {
            if edit.path != self.path {
                edits.push(edit);
                continue;
            }
            // IPython lines are blanks in the module: a fix may delete one whole, and KW402's
            // replace one knowingly; any other edit there was made for text that is not there.
            let blind = self.module.magics.iter().any(|m| {
                let (s, e) = (edit.span.start, edit.span.end);
                let touches = if s == e {
                    m.line.start < s && s < m.line.end
                } else {
                    s < m.line.end && m.line.start < e
                };
                let deletes = edit.new_text.is_empty()
                    && edit.span.start <= m.line.start
                    && m.line.end <= edit.span.end;
                touches && !deletes && rule != Rule::KW402
            });
            if blind {
                return None;
            }
            let (cell, s, e) = self.cell_range(edit.span)?;
            let cell_start = self.module.cell_start(cell)?;
            // The line break the module puts after a cell's last line is no cell's: an edit
            // may end right after it (deleting that line), not further.
            let separator = e + 1 == edit.span.end - cell_start
                && self.module.text.as_bytes().get(edit.span.end - 1) == Some(&b'\n');
            if edit.span.end - cell_start != e && !separator {
                return None; // Spans more than one cell.
            }
            match cells.iter_mut().find(|(c, _)| *c == cell) {
                Some((_, list)) => list.push((s..e, edit.new_text)),
                None => cells.push((cell, vec![(s..e, edit.new_text)])),
            }
        }
        for (cell, list) in cells {
            let (range, new_text) = self.nb.cell(cell)?.rewrite(&list)?;
            edits.push(Edit {
                path: self.path.to_path_buf(),
                span: Span::new(range.start, range.end),
                new_text,
                create: false,
            });
        }
        Some(Fix { edits, ..fix })
    }
}

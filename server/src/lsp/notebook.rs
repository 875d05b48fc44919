//! Notebooks synced cell by cell (LSP 3.17 `notebookDocumentSync`): the cells as the client
//! holds them, the nbformat 4 JSON text made from them, and the mapping between that text and
//! the cells.
//!
//! A synced notebook is analysed as the file it is on disk: on every `notebookDocument/*` event
//! its cells are written out as nbformat 4 JSON (code cells' sources; outputs are not synced)
//! and that text becomes the open document at the notebook's path, so the workspace sees one
//! notebook module and the engine checks it like a notebook read from disk. Findings (spans in
//! that JSON text) come back to the cells through [`engine::notebook`]: each is published on
//! its cell's URI, in the cell's own positions; a fix's edits of the notebook are applied to the
//! JSON text and the cells whose source changed get one edit each (a fix that changes anything
//! but cell sources is dropped).
//!
//! Pure glue: no disk, no session. The handlers (`server.rs`) apply events here, the worker
//! checks the JSON document like any other and calls [`cell_results`].

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use ropey::Rope;
use tower_lsp_server::ls_types::{
    Diagnostic, DiagnosticRelatedInformation, Location, NotebookCell, NotebookCellKind, Range,
    TextDocumentContentChangeEvent, TextDocumentItem, Uri,
};

use super::convert::{safe_title, Converter, DiagnosticData, FileEdit, FixData};
use super::position::{self, Encoding, LineIndex};
use crate::engine::notebook::Notebook;
use crate::engine::{fix, Finding, Fix, Span};

/// The notebooks the server asks to be synced, and the cells of them it wants.
pub const NOTEBOOK_TYPE: &str = "jupyter-notebook";
pub const CELL_LANGUAGE: &str = "python";

/// What a cell is in the notebook's JSON text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellType {
    /// A Python code cell.
    Code,
    Markdown,
    /// A code cell in another language: kept, never analysed as Python.
    Raw,
}

impl CellType {
    fn of(kind: &NotebookCellKind, language: &str) -> CellType {
        if *kind == NotebookCellKind::MARKUP {
            CellType::Markdown
        } else if language == CELL_LANGUAGE {
            CellType::Code
        } else {
            CellType::Raw
        }
    }

    fn name(self) -> &'static str {
        match self {
            CellType::Code => "code",
            CellType::Markdown => "markdown",
            CellType::Raw => "raw",
        }
    }
}

/// One cell as the client holds it.
#[derive(Debug)]
pub struct SyncedCell {
    pub uri: Uri,
    kind: NotebookCellKind,
    language: String,
    pub version: i32,
    text: Rope,
    /// What was last published for it: version and a hash of the diagnostics.
    pub published: Option<(i32, u64)>,
    /// Hash of the diagnostics last returned by a pull (a client that pulls a cell's
    /// diagnostics gets no pushes for it).
    pub pulled: Option<u64>,
}

impl SyncedCell {
    fn new(cell: &NotebookCell, item: Option<&TextDocumentItem>) -> SyncedCell {
        if item.is_none() {
            tracing::warn!("no text for cell {}: empty", cell.document.as_str());
        }
        SyncedCell {
            uri: cell.document.clone(),
            kind: cell.kind.clone(),
            language: item.map(|i| i.language_id.clone()).unwrap_or_default(),
            version: item.map_or(0, |i| i.version),
            text: Rope::from_str(item.map_or("", |i| i.text.as_str())),
            published: None,
            pulled: None,
        }
    }

    fn snap(&self) -> CellSnap {
        CellSnap {
            uri: self.uri.clone(),
            version: self.version,
            kind: CellType::of(&self.kind, &self.language),
            text: Arc::from(self.text.to_string()),
        }
    }

    /// Apply one `textContent` change batch (ranges in the cell's own positions).
    pub fn apply_changes(
        &mut self,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        enc: Encoding,
    ) {
        for change in changes {
            match change.range {
                None => self.text = Rope::from_str(&change.text),
                Some(range) => {
                    let a = position::rope_offset(&self.text, range.start, enc);
                    let b = position::rope_offset(&self.text, range.end, enc);
                    let start = self.text.byte_to_char(a.min(b));
                    let end = self.text.byte_to_char(a.max(b));
                    self.text.remove(start..end);
                    self.text.insert(start, &change.text);
                }
            }
        }
        self.version = version;
    }

    /// The cell's current text.
    pub fn text(&self) -> Arc<str> {
        Arc::from(self.text.to_string())
    }
}

/// A notebook synced cell by cell.
#[derive(Debug, Default)]
pub struct SyncedNotebook {
    pub cells: Vec<SyncedCell>,
    /// Bumped on every event: the version of the JSON document made from the cells.
    pub revision: i32,
}

impl SyncedNotebook {
    pub fn new(cells: &[NotebookCell], items: Vec<TextDocumentItem>) -> SyncedNotebook {
        let items: HashMap<Uri, TextDocumentItem> =
            items.into_iter().map(|i| (i.uri.clone(), i)).collect();
        SyncedNotebook {
            cells: cells
                .iter()
                .map(|c| SyncedCell::new(c, items.get(&c.document)))
                .collect(),
            revision: 0,
        }
    }

    /// `cells.structure.array`: `delete` cells from `start` replaced by `cells` (their texts in
    /// `opened`). Returns the URIs of the cells that went away.
    pub fn splice(
        &mut self,
        start: u32,
        delete: u32,
        cells: &[NotebookCell],
        opened: Vec<TextDocumentItem>,
    ) -> Vec<Uri> {
        let items: HashMap<Uri, TextDocumentItem> =
            opened.into_iter().map(|i| (i.uri.clone(), i)).collect();
        let start = (start as usize).min(self.cells.len());
        let end = start.saturating_add(delete as usize).min(self.cells.len());
        let new: Vec<SyncedCell> = cells
            .iter()
            .map(|c| SyncedCell::new(c, items.get(&c.document)))
            .collect();
        self.cells.splice(start..end, new).map(|c| c.uri).collect()
    }

    /// `cells.data`: new kinds for cells already there.
    pub fn update_cells(&mut self, data: &[NotebookCell]) {
        for d in data {
            if let Some(cell) = self.cell_mut(&d.document) {
                cell.kind = d.kind.clone();
            }
        }
    }

    pub fn cell_mut(&mut self, uri: &Uri) -> Option<&mut SyncedCell> {
        self.cells.iter_mut().find(|c| c.uri == *uri)
    }

    pub fn cell(&self, uri: &Uri) -> Option<&SyncedCell> {
        self.cells.iter().find(|c| c.uri == *uri)
    }

    /// The cells as of now, for the JSON document, and that document's text.
    pub fn snapshot(&mut self) -> (Arc<[CellSnap]>, String) {
        self.revision += 1;
        let cells: Arc<[CellSnap]> = self.cells.iter().map(SyncedCell::snap).collect();
        let json = notebook_json(&cells);
        (cells, json)
    }
}

/// A cell as a check sees it.
#[derive(Clone, Debug)]
pub struct CellSnap {
    pub uri: Uri,
    pub version: i32,
    pub kind: CellType,
    pub text: Arc<str>,
}

/// The nbformat 4 JSON text of `cells`: each source as a list of lines (`\n` kept), no outputs.
pub fn notebook_json(cells: &[CellSnap]) -> String {
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    let mut out = String::from("{\n \"cells\": [");
    for (i, cell) in cells.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        out.push_str("  {\n   \"cell_type\": ");
        out.push_str(&quote(cell.kind.name()));
        if cell.kind == CellType::Code {
            out.push_str(",\n   \"execution_count\": null");
        }
        out.push_str(",\n   \"metadata\": {}");
        if cell.kind == CellType::Code {
            out.push_str(",\n   \"outputs\": []");
        }
        out.push_str(",\n   \"source\": [");
        for (j, line) in cell.text.split_inclusive('\n').enumerate() {
            out.push_str(if j == 0 { "\n    " } else { ",\n    " });
            out.push_str(&quote(line));
        }
        out.push_str(if cell.text.is_empty() { "]" } else { "\n   ]" });
        out.push_str("\n  }");
    }
    out.push_str(if cells.is_empty() { "],\n" } else { "\n ],\n" });
    out.push_str(" \"metadata\": {},\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n");
    out
}

/// One cell's diagnostics, computed for its `version`.
#[derive(Clone, Debug)]
pub struct CellChecked {
    pub uri: Uri,
    pub version: i32,
    pub diagnostics: Vec<Diagnostic>,
}

/// The notebook's JSON text read back, with the cells it was made from.
struct Mapping<'a> {
    json: &'a str,
    notebook: Notebook,
    cells: &'a [CellSnap],
    enc: Encoding,
    indexes: Vec<LineIndex>,
}

impl<'a> Mapping<'a> {
    fn new(json: &'a str, cells: &'a [CellSnap], enc: Encoding) -> Option<Mapping<'a>> {
        let notebook = match Notebook::parse(json) {
            Ok(nb) => nb,
            Err(e) => {
                tracing::error!("a synced notebook's JSON does not read back: {}", e.message);
                return None;
            }
        };
        if notebook.cells.len() != cells.len() {
            tracing::error!("a synced notebook's JSON has another number of cells");
            return None;
        }
        let indexes = cells.iter().map(|c| LineIndex::new(&c.text)).collect();
        Some(Mapping {
            json,
            notebook,
            cells,
            enc,
            indexes,
        })
    }

    /// The cell holding a span of the JSON text, and the span in that cell's text (its end
    /// clamped to the cell).
    fn locate(&self, span: Span) -> Option<(usize, Span)> {
        let (cell, start) = self.notebook.locate_json(span.start)?;
        let len = self.cells.get(cell)?.text.len();
        let end = match self.notebook.locate_json(span.end) {
            Some((c, end)) if c == cell && end >= start => end,
            _ => len,
        };
        Some((cell, Span::new(start.min(len), end.min(len))))
    }

    fn range(&self, cell: usize, span: Span) -> Range {
        self.indexes[cell].range(&self.cells[cell].text, span, self.enc)
    }

    fn location(&self, span: Span) -> Option<Location> {
        let (cell, span) = self.locate(span)?;
        Some(Location::new(
            self.cells[cell].uri.clone(),
            self.range(cell, span),
        ))
    }

    /// A fix as edits of cells (and of other files): the notebook's edits are applied to the
    /// JSON text, and each cell whose source changed gets one edit. None when the edits do not
    /// apply, or change anything but cell sources (outputs, structure, another cell's bounds).
    fn fix(&self, conv: &Converter, path: &Path, fix: &Fix) -> Option<FixData> {
        let (mine, others): (Vec<_>, Vec<_>) = fix.edits.iter().partition(|e| e.path == path);
        let mut edits = Vec::new();
        if !mine.is_empty() {
            let new_json = fix::apply(self.json, &mine).ok()?;
            let new = Notebook::parse(&new_json).ok()?;
            if new.cells.len() != self.notebook.cells.len()
                || skeleton(self.json, &self.notebook) != skeleton(&new_json, &new)
            {
                return None;
            }
            for (i, (old, new)) in self.notebook.cells.iter().zip(&new.cells).enumerate() {
                if old.source == new.source {
                    continue;
                }
                let (span, text) = replacement(&old.source, &new.source);
                edits.push(FileEdit {
                    uri: self.cells[i].uri.clone(),
                    version: Some(self.cells[i].version),
                    range: self.range(i, span),
                    new_text: text.to_string(),
                    create: false,
                });
            }
            if edits.is_empty() {
                return None;
            }
        }
        if !others.is_empty() {
            let rest = Fix {
                edits: others.into_iter().cloned().collect(),
                ..fix.clone()
            };
            edits.extend(conv.fix(&rest)?.edits);
        }
        Some(FixData {
            title: safe_title(&fix.title),
            safe: fix.safe,
            sensitive: fix.sensitive,
            edits,
        })
    }

    /// The diagnostic of a finding on its cell, or None when its span is in no cell.
    fn diagnostic(
        &self,
        conv: &Converter,
        path: &Path,
        f: &Finding,
    ) -> Option<(usize, Diagnostic)> {
        let (cell, span) = self.locate(f.span)?;
        let version = self.cells[cell].version;
        let mut d = conv.diagnostic(f, path, version);
        d.range = self.range(cell, span);
        if let Some(related) = d.related_information.as_mut() {
            *related = f
                .related
                .iter()
                .filter_map(|r| {
                    let location = if r.path == path {
                        self.location(r.span)?
                    } else {
                        conv.location(&r.path, r.span)?
                    };
                    Some(DiagnosticRelatedInformation {
                        location,
                        message: r.message.clone(),
                    })
                })
                .collect();
        }
        let data = DiagnosticData {
            version,
            fixes: f
                .fixes
                .iter()
                .filter_map(|fix| self.fix(conv, path, fix))
                .collect(),
        };
        d.data = serde_json::to_value(data).ok();
        Some((cell, d))
    }

    /// The cell a finding is on.
    fn cell_of(&self, f: &Finding) -> Option<usize> {
        self.locate(f.span).map(|(cell, _)| cell)
    }
}

/// The JSON text with every cell's source left out: equal before and after a fix that only
/// edits cell sources.
fn skeleton(json: &str, nb: &Notebook) -> String {
    let mut out = String::with_capacity(json.len());
    let mut pos = 0;
    for span in nb.cells.iter().filter_map(|c| c.source_span.clone()) {
        out.push_str(&json[pos..span.start]);
        out.push('\u{0}');
        pos = span.end;
    }
    out.push_str(&json[pos..]);
    out
}

/// The one replacement turning `old` into `new`: the span of `old` between their common prefix
/// and suffix, and what replaces it.
fn replacement<'n>(old: &str, new: &'n str) -> (Span, &'n str) {
    let mut prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    (
        Span::new(prefix, old.len() - suffix),
        &new[prefix..new.len() - suffix],
    )
}

/// Each cell's diagnostics from the findings of the notebook's JSON document (`json`, at
/// `path`): every cell gets an entry, empty when it has none.
pub fn cell_results(
    conv: &Converter,
    enc: Encoding,
    path: &Path,
    json: &str,
    cells: &[CellSnap],
    findings: &[Finding],
) -> Vec<CellChecked> {
    let mut out: Vec<CellChecked> = cells
        .iter()
        .map(|c| CellChecked {
            uri: c.uri.clone(),
            version: c.version,
            diagnostics: Vec::new(),
        })
        .collect();
    let Some(mapping) = Mapping::new(json, cells, enc) else {
        return out;
    };
    for f in findings {
        match mapping.diagnostic(conv, path, f) {
            Some((cell, d)) => out[cell].diagnostics.push(d),
            None => tracing::debug!("{} in {} is in no cell", f.rule.code(), path.display()),
        }
    }
    out
}

/// The bulk fixes (as `source.fixAll` takes them) of the findings on one cell, as cell edits.
pub fn cell_fixes<'f>(
    conv: &Converter,
    enc: Encoding,
    path: &Path,
    json: &str,
    cells: &[CellSnap],
    cell: &Uri,
    fixes: impl Iterator<Item = (&'f Finding, &'f Fix)>,
) -> Vec<(&'f Fix, FixData)> {
    let Some(mapping) = Mapping::new(json, cells, enc) else {
        return Vec::new();
    };
    fixes
        .filter(|(f, _)| {
            mapping
                .cell_of(f)
                .is_some_and(|i| mapping.cells[i].uri == *cell)
        })
        .filter_map(|(_, fix)| Some((fix, mapping.fix(conv, path, fix)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(uri: &str, kind: CellType, text: &str) -> CellSnap {
        CellSnap {
            uri: uri.parse().unwrap(),
            version: 1,
            kind,
            text: Arc::from(text),
        }
    }

    #[test]
    fn json_reads_back_as_the_cells() {
        let cells = [
            cell("cell:a", CellType::Markdown, "# 見出し 😀\n"),
            cell(
                "cell:b",
                CellType::Code,
                "import os\nkey = os.environ[\"K\"]\t\\\n",
            ),
            cell("cell:c", CellType::Code, ""),
            cell("cell:d", CellType::Raw, "SELECT 1"),
        ];
        let json = notebook_json(&cells);
        let nb = Notebook::parse(&json).unwrap();
        assert_eq!(nb.cells.len(), 4);
        for (read, cell) in nb.cells.iter().zip(&cells) {
            assert_eq!(read.source, &*cell.text);
        }
        assert_eq!(nb.module().text, "import os\nkey = os.environ[\"K\"]\t\\\n");
        assert_eq!(
            notebook_json(&[]).trim_end(),
            "{\n \"cells\": [],\n \"metadata\": {},\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}"
        );
        serde_json::from_str::<serde_json::Value>(&json).unwrap();
    }

    #[test]
    fn json_spans_map_to_cell_positions_in_utf16_and_utf8() {
        let cells = [
            cell("cell:a", CellType::Code, "s = \"日本😀\"\n"),
            cell("cell:b", CellType::Code, "x = \"😀\"; key = 1\n"),
        ];
        let json = notebook_json(&cells);
        let nb = Notebook::parse(&json).unwrap();
        let at = cells[1].text.find("key").unwrap();
        let raw = nb.cells[1].notebook_offset(at).unwrap();
        let end = nb.cells[1].notebook_offset(at + 3).unwrap();
        for (enc, col) in [(Encoding::Utf16, 10), (Encoding::Utf8, 12)] {
            let m = Mapping::new(&json, &cells, enc).unwrap();
            let (i, span) = m.locate(Span::new(raw, end)).unwrap();
            assert_eq!((i, span), (1, Span::new(at, at + 3)));
            let range = m.range(i, span);
            assert_eq!((range.start.line, range.start.character), (0, col));
            assert_eq!(range.end.character - range.start.character, 3);
        }
    }

    #[test]
    fn replacements_are_minimal_and_on_char_boundaries() {
        assert_eq!(replacement("abc", "abXc"), (Span::new(2, 2), "X"));
        assert_eq!(replacement("aéb", "aèb"), (Span::new(1, 3), "è"));
        assert_eq!(replacement("aaa", "aa"), (Span::new(2, 3), ""));
        assert_eq!(replacement("", "x\n"), (Span::new(0, 0), "x\n"));
    }

    #[test]
    fn skeleton_ignores_sources_only() {
        let cells = [cell("cell:a", CellType::Code, "a = 1\n")];
        let json = notebook_json(&cells);
        let nb = Notebook::parse(&json).unwrap();
        let edited = json.replace("a = 1", "a = 2");
        let nb2 = Notebook::parse(&edited).unwrap();
        assert_eq!(skeleton(&json, &nb), skeleton(&edited, &nb2));
        let outputs = json.replace("\"outputs\": []", "\"outputs\": [1]");
        let nb3 = Notebook::parse(&outputs).unwrap();
        assert_ne!(skeleton(&json, &nb), skeleton(&outputs, &nb3));
    }

    #[test]
    fn cells_splice_and_edit() {
        let item = |uri: &str, text: &str| TextDocumentItem {
            uri: uri.parse().unwrap(),
            language_id: "python".into(),
            version: 1,
            text: text.into(),
        };
        let nb_cell = |uri: &str| NotebookCell {
            kind: NotebookCellKind::CODE,
            document: uri.parse().unwrap(),
            metadata: None,
            execution_summary: None,
        };
        let mut nb = SyncedNotebook::new(
            &[nb_cell("cell:a"), nb_cell("cell:b")],
            vec![item("cell:a", "a = 1\n"), item("cell:b", "b = 2\n")],
        );
        let gone = nb.splice(0, 1, &[nb_cell("cell:c")], vec![item("cell:c", "c = 😀\n")]);
        assert_eq!(gone, vec!["cell:a".parse::<Uri>().unwrap()]);
        let c = nb.cell_mut(&"cell:c".parse().unwrap()).unwrap();
        c.apply_changes(
            2,
            vec![TextDocumentContentChangeEvent {
                range: Some(Range::new(
                    tower_lsp_server::ls_types::Position::new(0, 6),
                    tower_lsp_server::ls_types::Position::new(0, 6),
                )),
                range_length: None,
                text: "!".into(),
            }],
            Encoding::Utf16,
        );
        let (cells, json) = nb.snapshot();
        assert_eq!(&*cells[0].text, "c = 😀!\n");
        assert_eq!(cells[0].version, 2);
        assert_eq!(
            Notebook::parse(&json).unwrap().module().text,
            "c = 😀!\nb = 2\n"
        );
    }
}

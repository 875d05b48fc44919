//! An open document: its text as a [`Rope`], its version, and for Python a tree-sitter [`Tree`]
//! kept up to date incrementally.
//!
//! `didChange` applies each content change in order: the LSP range is converted once (through
//! [`super::position`]) to a byte range of the current rope, the rope is edited and the tree
//! gets the matching [`InputEdit`]. The reparse is left to whoever next reads the tree
//! ([`Document::tree`], or the analysis worker off the session lock, [`parse_text`]): a
//! keystroke whose facts follow from the last ones ([`FactsBase::reuse`]) needs none. Points
//! given to tree-sitter count rows the way the rope counts lines (`\n`, `\r\n` and a lone
//! `\r`); tree-sitter itself only counts `\n`, so in a Python file with a lone `\r` the rows
//! of some nodes are off. Nothing reads rows from the tree (byte offsets are used throughout),
//! and reuse during reparse is driven by byte offsets.

use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::Arc;

use ropey::Rope;
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};
use tree_sitter::{InputEdit, Parser, Point, Tree};

use super::notebook::CellSnap;
use super::position::{self, Encoding};
use crate::engine::python::FactsBase;
use crate::engine::workspace::FileKind;

/// Python files above this size get no tree (the engine parses its own copy anyway).
const MAX_TREE_BYTES: usize = 4 * 1024 * 1024;

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

fn with_parser<R>(f: impl FnOnce(&mut Parser) -> R) -> Option<R> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut parser = Parser::new();
            parser
                .set_language(&tree_sitter_python::LANGUAGE.into())
                .ok()?;
            *slot = Some(parser);
        }
        slot.as_mut().map(f)
    })
}

/// Parse `rope`, reusing `old` (already edited) when given.
pub fn parse_rope(rope: &Rope, old: Option<&Tree>) -> Option<Tree> {
    if rope.len_bytes() > MAX_TREE_BYTES {
        return None;
    }
    with_parser(|parser| {
        let len = rope.len_bytes();
        let mut read = |byte: usize, _: Point| -> &[u8] {
            if byte >= len {
                return &[];
            }
            let (chunk, chunk_start, _, _) = rope.chunk_at_byte(byte);
            &chunk.as_bytes()[byte - chunk_start..]
        };
        parser.parse_with_options(&mut read, old, None)
    })
    .flatten()
}

/// Parse `text`, reusing `old` (already edited to match it) when given.
pub fn parse_text(text: &str, old: Option<&Tree>) -> Option<Tree> {
    if text.len() > MAX_TREE_BYTES {
        return None;
    }
    with_parser(|parser| parser.parse(text, old)).flatten()
}

#[derive(Debug)]
pub struct Document {
    pub uri: Uri,
    /// The file's path; for a non-file URI a made-up `.py` path that names nothing on disk.
    pub path: PathBuf,
    pub kind: FileKind,
    /// Not a `file:` URI: analysed on its own, with no workspace around it.
    pub standalone: bool,
    pub version: i32,
    rope: Rope,
    tree: Option<Tree>,
    /// `tree` (or its absence) does not match the text yet: edited, not reparsed.
    tree_stale: bool,
    /// The facts of an earlier version, which later ones may follow from without a parse.
    pub facts_base: Option<Arc<FactsBase>>,
    /// The whole text of this version, built on first use.
    text: Option<Arc<str>>,
    /// `(scope generation, version)` installed in the engine workspace.
    pub installed: Option<(u64, i32)>,
    /// What was last published: version and a hash of the diagnostics.
    pub published: Option<(i32, u64)>,
    /// Hash of the diagnostics last returned by a pull (`textDocument/diagnostic`).
    pub pulled: Option<u64>,
    /// The user was told that this document is too large to check.
    pub too_large_noted: bool,
    /// A notebook synced cell by cell: the cells this (JSON) text was made from. Its
    /// diagnostics go to them, never to the notebook's own URI.
    pub cells: Option<Arc<[CellSnap]>>,
}

impl Document {
    pub fn new(
        uri: Uri,
        path: PathBuf,
        kind: FileKind,
        standalone: bool,
        version: i32,
        text: &str,
    ) -> Document {
        let rope = Rope::from_str(text);
        let tree = if kind == FileKind::Python {
            parse_rope(&rope, None)
        } else {
            None
        };
        Document {
            uri,
            path,
            kind,
            standalone,
            version,
            rope,
            tree,
            tree_stale: false,
            facts_base: None,
            text: None,
            installed: None,
            published: None,
            pulled: None,
            too_large_noted: false,
            cells: None,
        }
    }

    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    /// The tree of the current text (reparsed here if edits are pending).
    pub fn tree(&mut self) -> Option<&Tree> {
        if self.tree_stale {
            self.tree = parse_rope(&self.rope, self.tree.as_ref());
            self.tree_stale = false;
        }
        self.tree.as_ref()
    }

    /// The tree as it is, and whether it still needs a reparse ([`parse_text`]) to match the
    /// current text: for the analysis worker, which reparses off the session lock.
    pub fn tree_as_is(&self) -> (Option<Tree>, bool) {
        (self.tree.clone(), self.tree_stale)
    }

    /// Take a tree reparsed elsewhere for `version`, if the document is still at it.
    pub fn adopt_tree(&mut self, version: i32, tree: Tree) {
        if self.version == version && self.tree_stale {
            self.tree = Some(tree);
            self.tree_stale = false;
        }
    }

    /// Size of the current text in bytes.
    pub fn len_bytes(&self) -> usize {
        self.rope.len_bytes()
    }

    /// The current text (shared; cheap after the first call for a version).
    pub fn text(&mut self) -> Arc<str> {
        self.text
            .get_or_insert_with(|| Arc::from(self.rope.to_string()))
            .clone()
    }

    /// The current text without caching it (for `&self` callers).
    pub fn text_snapshot(&self) -> Arc<str> {
        match &self.text {
            Some(text) => text.clone(),
            None => Arc::from(self.rope.to_string()),
        }
    }

    /// Apply one `didChange` batch for `version`. The caller has checked that the version is
    /// newer.
    pub fn apply_changes(
        &mut self,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        enc: Encoding,
    ) {
        for change in changes {
            match change.range {
                None => {
                    self.rope = Rope::from_str(&change.text);
                    self.tree = None;
                }
                Some(range) => {
                    let a = position::rope_offset(&self.rope, range.start, enc);
                    let b = position::rope_offset(&self.rope, range.end, enc);
                    let (start, old_end) = (a.min(b), a.max(b));
                    let start_position = point(&self.rope, start);
                    let old_end_position = point(&self.rope, old_end);
                    let start_char = self.rope.byte_to_char(start);
                    let old_end_char = self.rope.byte_to_char(old_end);
                    self.rope.remove(start_char..old_end_char);
                    self.rope.insert(start_char, &change.text);
                    if let Some(tree) = self.tree.as_mut() {
                        let new_end = start + change.text.len();
                        tree.edit(&InputEdit {
                            start_byte: start,
                            old_end_byte: old_end,
                            new_end_byte: new_end,
                            start_position,
                            old_end_position,
                            new_end_position: point(&self.rope, new_end),
                        });
                    }
                }
            }
        }
        self.version = version;
        self.text = None;
        self.tree_stale = self.kind == FileKind::Python;
    }
}

/// Tree-sitter point of byte `offset` (row as the rope counts lines, column in bytes).
fn point(rope: &Rope, offset: usize) -> Point {
    let offset = offset.min(rope.len_bytes());
    let row = rope.byte_to_line(offset);
    Point::new(row, offset - rope.line_to_byte(row))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{Position, Range};

    fn change(l0: u32, c0: u32, l1: u32, c1: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l0, c0), Position::new(l1, c1))),
            range_length: None,
            text: text.into(),
        }
    }

    fn doc(text: &str) -> Document {
        Document::new(
            "file:///t/a.py".parse().unwrap(),
            "/t/a.py".into(),
            FileKind::Python,
            false,
            1,
            text,
        )
    }

    fn fresh_sexp(d: &Document) -> String {
        parse_rope(d.rope(), None).unwrap().root_node().to_sexp()
    }

    #[test]
    fn incremental_edits_match_a_fresh_parse() {
        let mut d = doc("import os\nx = os.environ[\"A\"]\n");
        d.apply_changes(
            2,
            vec![
                change(1, 16, 1, 17, "日本"),
                change(0, 0, 0, 0, "# 😀\n"),
                change(2, 0, 2, 1, "y"),
            ],
            Encoding::Utf16,
        );
        assert_eq!(&*d.text(), "# 😀\nimport os\ny = os.environ[\"日本\"]\n");
        assert_eq!(d.version, 2);
        let sexp = d.tree().unwrap().root_node().to_sexp();
        assert_eq!(sexp, fresh_sexp(&d));
        d.apply_changes(3, vec![change(0, 2, 0, 4, "")], Encoding::Utf16);
        assert_eq!(&*d.text(), "# \nimport os\ny = os.environ[\"日本\"]\n");
        // Full replacement.
        d.apply_changes(
            4,
            vec![TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: "def f(:\n".into(),
            }],
            Encoding::Utf8,
        );
        assert!(d.tree().unwrap().root_node().has_error());
        let sexp = d.tree().unwrap().root_node().to_sexp();
        assert_eq!(sexp, fresh_sexp(&d));
    }

    #[test]
    fn out_of_range_changes_clamp() {
        let mut d = doc("ab\r\ncd");
        d.apply_changes(2, vec![change(0, 9, 9, 9, "!")], Encoding::Utf16);
        assert_eq!(&*d.text(), "ab!");
        d.apply_changes(3, vec![change(5, 0, 0, 1, "")], Encoding::Utf16);
        assert_eq!(&*d.text(), "a");
    }
}

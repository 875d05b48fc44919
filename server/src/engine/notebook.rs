//! Jupyter notebooks (nbformat 4) as keywire sees them: the code cells, in order, joined into
//! one Python module with IPython syntax masked, a map from that module back to each cell and
//! to the notebook's JSON text, the magics that matter for credentials (`%env`, `%dotenv`,
//! `!export`), and the text of committed outputs. A leaf over [`crate::engine::json`]: no I/O.
//!
//! Masking replaces every byte of an IPython line (`%…`, `!…`, `?…`, `…?`, and whole `%%` cells)
//! with a space, so byte offsets in the module equal offsets in the cell and tree-sitter sees
//! plain Python.

use std::ops::Range;

use super::json::{self, Json, JsonKind};

/// Why a notebook could not be read; the message names the problem as a user would fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotebookError {
    pub message: String,
    /// Byte offset into the notebook text.
    pub offset: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    Code,
    Markdown,
    Raw,
    Other,
}

/// One cell: its source as Jupyter holds it (the list of lines joined) and where each piece
/// of it sits in the notebook's JSON text.
#[derive(Debug, Clone)]
pub struct Cell {
    /// 0-based index among all cells (text output shows it 1-based, like Jupyter's UI).
    pub index: usize,
    pub kind: CellKind,
    pub source: String,
    /// Span of the cell object in the notebook text.
    pub span: Range<usize>,
    /// Span of the `source` value (a list of strings, or one string).
    pub source_span: Option<Range<usize>>,
    pieces: Vec<Piece>,
    /// Text of the committed outputs, each with the span of the JSON value it came from.
    pub outputs: Vec<OutputText>,
    /// Span of the `outputs` value, for a fix that clears it.
    pub outputs_span: Option<Range<usize>>,
    /// A code cell's source as written in the text, for [`Cell::rewrite`].
    raw: Option<RawSource>,
}

/// The notebook text around a code cell's `source` value: from the start of the line where the
/// value starts to its end. It is all [`Cell::rewrite`] reads of the text, so a notebook read
/// once can be checked, fixes included, without holding its outputs.
#[derive(Debug, Clone)]
struct RawSource {
    /// Offset of `text` in the notebook text.
    base: usize,
    text: String,
}

impl RawSource {
    fn byte(&self, offset: usize) -> Option<u8> {
        self.text
            .as_bytes()
            .get(offset.checked_sub(self.base)?)
            .copied()
    }

    /// The blanks that start the line holding `offset` (a notebook text offset).
    fn indent_of(&self, offset: usize) -> Option<&str> {
        let at = offset.checked_sub(self.base)?;
        self.text.get(..at)?;
        Some(indent_of(&self.text, at))
    }
}

/// One JSON string of a cell's `source`: where its decoded text starts in [`Cell::source`],
/// and the map from decoded offsets to the raw text.
#[derive(Debug, Clone)]
struct Piece {
    start: usize,
    map: json::StringMap,
}

#[derive(Debug, Clone)]
pub struct OutputText {
    pub text: String,
    pub span: Range<usize>,
}

/// A notebook read from its JSON text.
#[derive(Debug, Clone)]
pub struct Notebook {
    pub cells: Vec<Cell>,
}

/// What an IPython line does that matters here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Magic {
    /// `%env KEY=VALUE`, `%env KEY VALUE`, `%set_env KEY VALUE`: sets `KEY` for the kernel.
    SetEnv {
        key: String,
        key_span: Range<usize>,
        value_span: Range<usize>,
    },
    /// `%dotenv [-o] [path]` (after `%load_ext dotenv`): loads a `.env` like `load_dotenv()`.
    Dotenv {
        path: Option<String>,
        override_: bool,
    },
    /// `!export KEY=VALUE` / `!set KEY=VALUE`: sets `KEY` only in a throw-away shell.
    ShellExport {
        key: String,
        key_span: Range<usize>,
        value_span: Range<usize>,
    },
    /// `%pip install …`, `!pip install …`, `!uv pip install …`: the requirements it installs
    /// into the kernel's environment (options and files left out).
    PipInstall { requirements: Vec<String> },
}

/// A magic found in the module, with the span of its whole line (module offsets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MagicLine {
    pub magic: Magic,
    pub line: Range<usize>,
}

/// The code cells as one Python module.
#[derive(Debug, Clone, Default)]
pub struct Module {
    pub text: String,
    /// `(module offset where the cell starts, cell index)`, ascending.
    starts: Vec<(usize, usize)>,
    pub magics: Vec<MagicLine>,
}

impl Module {
    /// The cell holding a module offset and the offset inside that cell's source.
    pub fn locate(&self, offset: usize) -> Option<(usize, usize)> {
        let i = self.starts.partition_point(|&(start, _)| start <= offset);
        let &(start, cell) = self.starts.get(i.checked_sub(1)?)?;
        Some((cell, offset - start))
    }

    /// Module offset of the start of a cell, if it is a code cell.
    pub fn cell_start(&self, cell: usize) -> Option<usize> {
        self.starts
            .iter()
            .find(|&&(_, c)| c == cell)
            .map(|&(s, _)| s)
    }
}

impl Notebook {
    /// Reads a notebook's JSON text. Fails on invalid JSON (Python's message and position),
    /// on nbformat 3 and older, and on a document without a `cells` list.
    pub fn parse(text: &str) -> Result<Notebook, NotebookError> {
        Self::parse_with(text, unread)
    }

    /// [`Notebook::parse`] without the outputs (checked as JSON, not kept): for the facts of
    /// its code, which need none.
    pub fn parse_code(text: &str) -> Result<Notebook, NotebookError> {
        Self::parse_with(text, |key| key == "outputs" || unread(key))
    }

    fn parse_with(text: &str, skip: fn(&str) -> bool) -> Result<Notebook, NotebookError> {
        let root = json::parse_skipping(text, skip).map_err(|e| NotebookError {
            message: format!(
                "not a notebook: invalid JSON ({})",
                json::python_message(text, &e, true)
            ),
            offset: e.offset,
        })?;
        let fail = |message: &str, offset: usize| NotebookError {
            message: message.to_string(),
            offset,
        };
        if root.members().is_none() {
            return Err(fail(
                "not a notebook: the JSON is not an object",
                root.span.start,
            ));
        }
        if let Some(m) = root.get("nbformat") {
            let major = &text[m.value.span.clone()];
            if major.parse::<u64>().is_ok_and(|v| v < 4) {
                return Err(fail(
                    &format!("nbformat {major} notebook: keywire reads nbformat 4 (open and save it in a current Jupyter to convert it)"),
                    m.value.span.start,
                ));
            }
        }
        let Some(cells) = root.get("cells").and_then(|m| m.value.items()) else {
            return Err(fail("not a notebook: no `cells` list", root.span.start));
        };
        let cells = cells
            .iter()
            .enumerate()
            .map(|(index, cell)| read_cell(text, index, cell))
            .collect();
        Ok(Notebook { cells })
    }

    /// The code cells, in order, as one module with IPython syntax masked.
    pub fn module(&self) -> Module {
        let mut module = Module::default();
        for cell in self.cells.iter().filter(|c| c.kind == CellKind::Code) {
            if !module.text.is_empty() && !module.text.ends_with('\n') {
                module.text.push('\n');
            }
            let start = module.text.len();
            module.starts.push((start, cell.index));
            mask_cell(&cell.source, &mut module);
        }
        module
    }

    pub fn cell(&self, index: usize) -> Option<&Cell> {
        self.cells.get(index)
    }

    /// The cell whose source holds a byte offset of the notebook text, and the offset inside
    /// that cell's [`Cell::source`]: the inverse of [`Cell::notebook_offset`].
    pub fn locate_json(&self, offset: usize) -> Option<(usize, usize)> {
        let cell = self
            .cells
            .iter()
            .find(|c| c.source_span.as_ref().is_some_and(|s| s.contains(&offset)))?;
        let piece = cell
            .pieces
            .iter()
            .rev()
            .find(|p| p.map.raw_start() <= offset)?;
        Some((cell.index, piece.start + piece.map.decoded_offset(offset)))
    }
}

impl Cell {
    /// Byte offset in the notebook text of a byte offset in [`Cell::source`]. Inside an
    /// escape sequence (`\n`, `\"`, `\u00e9`) it is the escape's backslash.
    pub fn notebook_offset(&self, offset: usize) -> Option<usize> {
        let i = self.pieces.partition_point(|p| p.start <= offset);
        let piece = self.pieces.get(i.checked_sub(1)?)?;
        Some(piece.map.raw_offset(offset - piece.start))
    }
}

impl Cell {
    /// [`Cell::notebook_offset`] for the end of a range: at the end of a line, the closing
    /// quote of that line's string rather than the start of the next one.
    pub fn notebook_end_offset(&self, offset: usize) -> Option<usize> {
        if offset == 0 {
            return self.notebook_offset(0);
        }
        let i = self.pieces.partition_point(|p| p.start < offset);
        let piece = self.pieces.get(i.checked_sub(1)?)?;
        Some(piece.map.raw_offset(offset - piece.start))
    }

    /// 1-based line and column (in Unicode scalar values) of a byte offset of the source.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let before = self.source.get(..offset).unwrap_or(&self.source);
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (
            before.matches('\n').count() + 1,
            before[line_start..].chars().count() + 1,
        )
    }

    /// The replacement, in the notebook text the cell was read from, that applies `edits`
    /// (ranges of [`Cell::source`], not overlapping) the way Jupyter writes a source: a list with
    /// one string per line, one item per line indented one space deeper than the `"source"` key.
    /// Only the strings of the lines the edits touch are rewritten; every other byte stays. None
    /// when an edit falls outside the source, or the cell is not a code cell read from a text.
    pub fn rewrite(&self, edits: &[(Range<usize>, String)]) -> Option<(Range<usize>, String)> {
        let source_span = self.source_span.clone()?;
        let raw = self.raw.as_ref()?;
        let len = self.source.len();
        let mut sorted: Vec<&(Range<usize>, String)> = edits.iter().collect();
        sorted.sort_by_key(|(r, _)| (r.start, r.end));
        let lo = sorted.first()?.0.start;
        let hi = sorted.iter().map(|(r, _)| r.end).max()?;
        if hi > len || sorted.windows(2).any(|w| w[1].0.start < w[0].0.end) {
            return None;
        }
        let is_list = raw.byte(source_span.start) == Some(b'[');
        // The lines (strings) the edits touch, or the whole source.
        let (first, last) = match self.pieces.len() {
            0 => (0, 0),
            n => {
                let first = self.pieces.partition_point(|p| p.start <= lo).max(1) - 1;
                let last = (self.pieces.partition_point(|p| p.start < hi).max(1) - 1).max(first);
                (first, last.min(n - 1))
            }
        };
        let whole = !is_list || self.pieces.is_empty();
        let (from, to) = if whole {
            (0, len)
        } else {
            let to = self.pieces.get(last + 1).map_or(len, |p| p.start);
            (self.pieces[first].start, to)
        };
        let mut region = String::new();
        let mut at = from;
        for (r, new) in &sorted {
            if r.start < from || r.end > to {
                return None;
            }
            region.push_str(self.source.get(at..r.start)?);
            region.push_str(new);
            at = r.end;
        }
        region.push_str(self.source.get(at..to)?);
        let key_indent = raw.indent_of(source_span.start)?;
        let item_indent = format!("{key_indent} ");
        let lines: Vec<String> = region
            .split_inclusive('\n')
            .map(|l| serde_json::to_string(l).unwrap_or_default())
            .collect();
        if whole || lines.is_empty() {
            let mut all = String::new();
            if !whole {
                // The touched lines became empty: rewrite the whole list.
                all.push_str(self.source.get(..from)?);
                all.push_str(&region);
                all.push_str(self.source.get(to..)?);
            } else {
                all = region;
            }
            let lines: Vec<String> = all
                .split_inclusive('\n')
                .map(|l| serde_json::to_string(l).unwrap_or_default())
                .collect();
            let value = if lines.is_empty() {
                "[]".to_string()
            } else {
                format!(
                    "[\n{item_indent}{}\n{key_indent}]",
                    lines.join(&format!(",\n{item_indent}"))
                )
            };
            return Some((source_span, value));
        }
        let start = self.pieces[first].map.raw_start() - 1;
        let last_piece = &self.pieces[last];
        let last_len = self.pieces.get(last + 1).map_or(len, |p| p.start) - last_piece.start;
        let end = last_piece.map.raw_offset(last_len) + 1;
        // The separator between items as the file has it, else Jupyter's.
        let indent = raw.indent_of(start)?;
        let indent = if indent.is_empty() {
            item_indent
        } else {
            indent.to_string()
        };
        Some((start..end, lines.join(&format!(",\n{indent}"))))
    }
}

/// The blanks that start the line holding `offset`.
fn indent_of(text: &str, offset: usize) -> &str {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

fn read_cell(text: &str, index: usize, cell: &Json) -> Cell {
    let kind = match cell.get("cell_type").and_then(|m| m.value.as_str()) {
        Some("code") => CellKind::Code,
        Some("markdown") => CellKind::Markdown,
        Some("raw") => CellKind::Raw,
        _ => CellKind::Other,
    };
    let mut source = String::new();
    let mut pieces = Vec::new();
    let source_value = cell.get("source").map(|m| &m.value);
    let strings: Vec<&Json> = match source_value.map(|v| &v.kind) {
        Some(JsonKind::String(_)) => source_value.into_iter().collect(),
        Some(JsonKind::Array(items)) => items.iter().filter(|v| v.as_str().is_some()).collect(),
        _ => Vec::new(),
    };
    for s in strings {
        pieces.push(Piece {
            start: source.len(),
            map: json::StringMap::new(text, s.span.clone()),
        });
        source.push_str(s.as_str().unwrap_or_default());
    }
    let raw = match (kind, source_value) {
        (CellKind::Code, Some(v)) => {
            let base = text[..v.span.start].rfind('\n').map_or(0, |i| i + 1);
            text.get(base..v.span.end).map(|t| RawSource {
                base,
                text: t.to_string(),
            })
        }
        _ => None,
    };
    let outputs_value = cell.get("outputs").map(|m| &m.value);
    let mut outputs = Vec::new();
    for output in outputs_value.and_then(Json::items).unwrap_or_default() {
        collect_output_text(output, &mut outputs);
    }
    Cell {
        index,
        kind,
        source,
        span: cell.span.clone(),
        source_span: source_value.map(|v| v.span.clone()),
        pieces,
        outputs,
        outputs_span: outputs_value.map(|v| v.span.clone()),
        raw,
    }
}

/// Members no reader of a notebook here looks at (metadata, attachments, output data that is
/// not text: images above all): [`json::parse_skipping`] need not build them.
fn unread(key: &str) -> bool {
    matches!(key, "metadata" | "attachments") || (key.contains('/') && !output_text_mime(key))
}

/// Output data whose text [`collect_output_text`] keeps.
fn output_text_mime(key: &str) -> bool {
    key.starts_with("text/") || key.ends_with("json")
}

/// Text a reader of the committed notebook sees: streams, `text/*` and JSON data of results
/// and displays, tracebacks. Images and other binary data are skipped.
fn collect_output_text(output: &Json, out: &mut Vec<OutputText>) {
    let mut push = |v: &Json| {
        let text = match &v.kind {
            JsonKind::String(s) => s.clone(),
            JsonKind::Array(items) => items.iter().filter_map(Json::as_str).collect(),
            _ => return,
        };
        out.push(OutputText {
            text,
            span: v.span.clone(),
        });
    };
    for field in ["text", "traceback", "evalue"] {
        if let Some(m) = output.get(field) {
            push(&m.value);
        }
    }
    for m in output
        .get("data")
        .and_then(|d| d.value.members())
        .unwrap_or_default()
    {
        if output_text_mime(&m.key) {
            push(&m.value);
        }
    }
}

/// Appends a cell's source to the module, masking IPython syntax and recording magics.
fn mask_cell(source: &str, module: &mut Module) {
    if source.trim_start().starts_with("%%") {
        module.text.extend(source.bytes().map(blank));
        return;
    }
    let mut continued = false;
    for line in source.split_inclusive('\n') {
        let start = module.text.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start();
        let automagic = !continued && is_automagic(trimmed);
        let ipython = continued
            || automagic
            || trimmed.starts_with(['%', '!', '?'])
            || (trimmed.ends_with('?') && !trimmed.starts_with('#') && is_help_query(trimmed));
        if ipython {
            if !continued {
                let indent = body.len() - trimmed.len();
                let magic = match automagic {
                    true => parse_magic(&format!("%{trimmed}"), start + indent),
                    false => parse_magic(trimmed, start + indent),
                };
                if let Some(magic) = magic {
                    module.magics.push(MagicLine {
                        magic,
                        line: start..start + body.len(),
                    });
                }
            }
            continued = body.ends_with('\\');
            module.text.extend(body.bytes().map(blank));
            module.text.push_str(&line[body.len()..]);
        } else {
            module.text.push_str(line);
        }
    }
}

fn blank(_: u8) -> char {
    ' '
}

/// `pip install x` / `conda install x` without `%`: IPython's automagic (on by default) runs
/// them as the `%pip` / `%conda` line magics. Only a word after the name: `pip = 1` and
/// `pip.main()` are Python.
fn is_automagic(line: &str) -> bool {
    let Some(rest) = line
        .strip_prefix("pip")
        .or_else(|| line.strip_prefix("conda"))
    else {
        return false;
    };
    rest.starts_with([' ', '\t'])
        && rest
            .trim_start()
            .starts_with(|c: char| c.is_ascii_alphabetic())
}

/// `obj?` / `obj??`: IPython's help syntax (a dotted name followed by question marks).
fn is_help_query(line: &str) -> bool {
    let name = line.trim_end_matches('?');
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
}

/// `%env`, `%set_env`, `%dotenv`, `!export`, `!set`, `%pip install` at `at` (module offset of `%` or `!`).
fn parse_magic(line: &str, at: usize) -> Option<Magic> {
    // `! pip install x`: IPython allows a space after `!`.
    if let Some(rest) = line.strip_prefix("! ") {
        let cmd = rest.trim_start();
        if cmd.starts_with("pip") || cmd.starts_with("uv ") {
            return parse_magic(&format!("!{cmd}"), at);
        }
    }
    let (head, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let rest_at = at + line.len() - rest.len();
    match head {
        "%env" | "%set_env" => {
            assignment(rest, rest_at, true).map(|(key, key_span, value_span)| Magic::SetEnv {
                key,
                key_span,
                value_span,
            })
        }
        "%dotenv" => {
            let mut override_ = false;
            let mut path = None;
            for word in rest.split_whitespace() {
                match word {
                    "-o" | "--override" => override_ = true,
                    w if w.starts_with('-') => {}
                    w => path = Some(w.to_string()),
                }
            }
            Some(Magic::Dotenv { path, override_ })
        }
        "!pip" | "%pip" | "!pip3" | "%pip3" | "!uv" | "%uv" => {
            let rest = rest.trim_start();
            let rest = if head.ends_with("uv") {
                rest.strip_prefix("pip")?.trim_start()
            } else {
                rest
            };
            let args = rest.strip_prefix("install")?;
            let mut requirements = Vec::new();
            let mut skip_next = false;
            for word in args.split_whitespace() {
                if std::mem::take(&mut skip_next) {
                    continue;
                }
                if word.starts_with('-') {
                    // Options with a value: a file, an index, a target.
                    skip_next = matches!(
                        word,
                        "-r" | "--requirement"
                            | "-c"
                            | "--constraint"
                            | "-e"
                            | "--editable"
                            | "-i"
                            | "--index-url"
                            | "--extra-index-url"
                            | "-t"
                            | "--target"
                            | "-f"
                            | "--find-links"
                    );
                    continue;
                }
                let word = word.trim_matches(|c| c == '"' || c == '\'');
                if !word.is_empty() && !word.starts_with(['$', '{', '.', '/']) {
                    requirements.push(word.to_string());
                }
            }
            Some(Magic::PipInstall { requirements })
        }
        "!export" | "!set" => {
            assignment(rest, rest_at, false).map(|(key, key_span, value_span)| Magic::ShellExport {
                key,
                key_span,
                value_span,
            })
        }
        _ => None,
    }
}

/// `KEY=VALUE`, or with `space_separated`, `KEY VALUE` too (IPython's `%env` accepts both).
fn assignment(
    rest: &str,
    at: usize,
    space_separated: bool,
) -> Option<(String, Range<usize>, Range<usize>)> {
    let text = rest.trim_start();
    let at = at + rest.len() - text.len();
    let text = text.trim_end();
    let eq = text.find('=');
    let space = text.find(char::is_whitespace);
    let split = match (eq, space) {
        (Some(e), Some(s)) if s < e && space_separated => s,
        (Some(e), _) => e,
        (None, Some(s)) if space_separated => s,
        _ => return None,
    };
    let key = text[..split].trim_end();
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    let value = text[split + 1..].trim_start();
    let value_start = at + text.len() - value.len();
    Some((
        key.to_string(),
        at..at + key.len(),
        value_start..value_start + value.len(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notebook(cells: &[(&str, &[&str])]) -> String {
        let cells: Vec<String> = cells
            .iter()
            .map(|(kind, lines)| {
                let lines: Vec<String> = lines
                    .iter()
                    .map(|l| serde_json::to_string(l).unwrap())
                    .collect();
                format!(
                    "  {{\n   \"cell_type\": \"{kind}\",\n   \"metadata\": {{}},\n   \"outputs\": [],\n   \"source\": [\n    {}\n   ]\n  }}",
                    lines.join(",\n    ")
                )
            })
            .collect();
        format!(
            "{{\n \"cells\": [\n{}\n ],\n \"metadata\": {{}},\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}}\n",
            cells.join(",\n")
        )
    }

    #[test]
    fn code_cells_join_in_order_and_map_back() {
        let text = notebook(&[
            ("markdown", &["# Title\n"]),
            ("code", &["import os\n", "key = os.environ[\"K\"]"]),
            ("code", &["print(\"é\\t\")\n"]),
        ]);
        let nb = Notebook::parse(&text).unwrap();
        let module = nb.module();
        assert_eq!(
            module.text,
            "import os\nkey = os.environ[\"K\"]\nprint(\"é\\t\")\n"
        );
        let at = module.text.find("\"K\"").unwrap();
        let (cell, offset) = module.locate(at).unwrap();
        assert_eq!(cell, 1);
        let raw = nb.cell(cell).unwrap().notebook_offset(offset).unwrap();
        assert_eq!(&text[raw..raw + 4], "\\\"K\\");
        let at = module.text.find('é').unwrap();
        let (cell, offset) = module.locate(at).unwrap();
        assert_eq!(cell, 2);
        let raw = nb.cell(cell).unwrap().notebook_offset(offset).unwrap();
        assert!(text[raw..].starts_with("é\\\\t"));
    }

    #[test]
    fn json_offsets_map_back_to_cells() {
        let text = notebook(&[
            ("markdown", &["# T\n"]),
            ("code", &["a = \"é\\n\"\n", "key = 1"]),
        ]);
        let nb = Notebook::parse(&text).unwrap();
        let cell = nb.cell(1).unwrap();
        for (offset, _) in cell.source.char_indices() {
            let raw = cell.notebook_offset(offset).unwrap();
            assert_eq!(nb.locate_json(raw), Some((1, offset)), "offset {offset}");
        }
        assert_eq!(nb.locate_json(0), None);
    }

    #[test]
    fn pip_installs_are_read() {
        let reqs = |line: &str| match parse_magic(line, 0) {
            Some(Magic::PipInstall { requirements }) => requirements,
            other => panic!("{line}: {other:?}"),
        };
        assert_eq!(
            reqs("!pip install -q ag2[openai] \"openai<1\""),
            ["ag2[openai]", "openai<1"]
        );
        assert_eq!(
            reqs("! pip install -U autogen-agentchat -r req.txt"),
            ["autogen-agentchat"]
        );
        assert_eq!(
            reqs("%pip install --index-url https://x pyautogen==0.2.35"),
            ["pyautogen==0.2.35"]
        );
        assert_eq!(
            reqs("!uv pip install autogen-ext[openai] ."),
            ["autogen-ext[openai]"]
        );
        assert_eq!(parse_magic("!pip list", 0), None);
    }

    #[test]
    fn ipython_lines_are_masked_and_magics_understood() {
        let text = notebook(&[(
            "code",
            &[
                "!pip install pyautogen\n",
                "%env OPENAI_API_KEY=sk-test\n",
                "%load_ext dotenv\n",
                "%dotenv -o ../.env\n",
                "!export AZURE_KEY=abc\n",
                "os.environ?\n",
                "x = 1\n",
            ],
        )]);
        let module = Notebook::parse(&text).unwrap().module();
        assert!(module.text.starts_with("                      \n"));
        assert!(module.text.ends_with("x = 1\n"));
        let mut kinds: Vec<_> = module.magics.iter().map(|m| &m.magic).collect();
        assert_eq!(
            kinds.remove(0),
            &Magic::PipInstall {
                requirements: vec!["pyautogen".into()]
            }
        );
        assert!(matches!(kinds[0], Magic::SetEnv { key, .. } if key == "OPENAI_API_KEY"));
        assert_eq!(
            kinds[1],
            &Magic::Dotenv {
                path: Some("../.env".into()),
                override_: true
            }
        );
        assert!(matches!(kinds[2], Magic::ShellExport { key, .. } if key == "AZURE_KEY"));
        let Magic::SetEnv { value_span, .. } = &module.magics[1].magic else {
            unreachable!()
        };
        assert_eq!(
            &Notebook::parse(&text).unwrap().cells[0].source[value_span.clone()],
            "sk-test"
        );
    }

    #[test]
    fn automagic_pip_lines_are_magics() {
        let text = notebook(&[(
            "code",
            &[
                "pip install \"autogen-ext[openai]\"\n",
                "conda install -y numpy\n",
                "pip = 1\n",
                "pip.main(['list'])\n",
                "pipx install x\n",
            ],
        )]);
        let module = Notebook::parse(&text).unwrap().module();
        let lines: Vec<&str> = module.text.lines().collect();
        assert_eq!(lines[0].trim(), "");
        assert_eq!(lines[1].trim(), "");
        assert_eq!(lines[2], "pip = 1");
        assert_eq!(lines[3], "pip.main(['list'])");
        assert_eq!(lines[4], "pipx install x");
        assert_eq!(
            module.magics.first().map(|m| &m.magic),
            Some(&Magic::PipInstall {
                requirements: vec!["autogen-ext[openai]".into()]
            })
        );
    }

    #[test]
    fn percent_percent_cells_are_masked_whole() {
        let text = notebook(&[
            ("code", &["%%bash\n", "export X=1\n"]),
            ("code", &["y = 2"]),
        ]);
        let module = Notebook::parse(&text).unwrap().module();
        assert_eq!(module.text.trim(), "y = 2");
    }

    #[test]
    fn outputs_keep_text_and_skip_images() {
        let text = r#"{"cells": [{"cell_type": "code", "source": "config_list", "outputs": [
            {"output_type": "execute_result", "data": {"text/plain": ["[{'api_key': 'x'}]"], "image/png": "iVBOR"}},
            {"output_type": "stream", "name": "stdout", "text": "hello\n"}]}], "nbformat": 4}"#;
        let nb = Notebook::parse(text).unwrap();
        let texts: Vec<_> = nb.cells[0]
            .outputs
            .iter()
            .map(|o| o.text.as_str())
            .collect();
        assert_eq!(texts, ["[{'api_key': 'x'}]", "hello\n"]);
        assert_eq!(nb.module().text, "config_list");
        // Read for its code only: the same cells and module, no outputs.
        let code = Notebook::parse_code(text).unwrap();
        assert!(code.cells[0].outputs.is_empty());
        assert_eq!(code.cells[0].outputs_span, nb.cells[0].outputs_span);
        assert_eq!(code.module().text, nb.module().text);
        // An output that is no JSON fails both.
        let bad = text.replace("\"hello\\n\"", "\"hello\\q\"");
        assert_eq!(
            Notebook::parse_code(&bad).unwrap_err().message,
            Notebook::parse(&bad).unwrap_err().message
        );
    }

    #[test]
    fn hostile_notebooks_give_messages() {
        let msg = |t: &str| Notebook::parse(t).unwrap_err().message;
        assert!(msg("{\"cells\": [").starts_with("not a notebook: invalid JSON (Expecting value"));
        assert!(msg(r#"{"nbformat": 3, "worksheets": []}"#).starts_with("nbformat 3 notebook"));
        assert_eq!(msg("[]"), "not a notebook: the JSON is not an object");
        assert_eq!(msg("{}"), "not a notebook: no `cells` list");
        // Cells with missing fields or odd types are read as far as they go.
        let nb =
            Notebook::parse(r#"{"cells": [{}, {"cell_type": "code", "source": 3}, 7]}"#).unwrap();
        assert_eq!(nb.cells.len(), 3);
        assert_eq!(nb.module().text, "");
    }
}

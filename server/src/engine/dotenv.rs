//! `.env` files parsed exactly as python-dotenv parses them (what the user's program runs), with
//! byte spans for every statement.

use crate::engine::text::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quote {
    Single,
    Double,
}

/// One `KEY=value` (or bare `KEY`) statement python-dotenv accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    /// The value after unquoting and escapes, before `${VAR}` interpolation. None for `KEY`
    /// without `=` (python-dotenv yields None, and `load_dotenv` sets nothing).
    pub literal: Option<String>,
    /// The value as python-dotenv's `dotenv_values()` returns it (interpolated against earlier
    /// values of the same file; the process environment is taken as empty).
    pub value: Option<String>,
    /// The value as written, quotes included (empty span right after `=` for `KEY=`).
    pub raw_span: Option<Span>,
    pub quote: Option<Quote>,
    /// `export KEY=...`
    pub export: bool,
    /// The statement (possibly several lines for multi-line quoted values), without the
    /// trailing line terminator.
    pub span: Span,
    /// 0-based line where the statement starts.
    pub line: usize,
}

/// A statement python-dotenv cannot parse: it warns and skips it whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub span: Span,
    pub line: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DotenvFile {
    /// Entries in file order, duplicates included.
    pub entries: Vec<Entry>,
    pub errors: Vec<ParseError>,
}

impl DotenvFile {
    /// The winning (last) definition of `key`.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().rev().find(|e| e.key == key)
    }
}

/// Parse `.env` text.
pub fn parse(_text: &str) -> DotenvFile {
    DotenvFile::default()
}

//! The light scanner: the facts a file without any trigger still contributes — its imports (for
//! the import graph) and its edit points — read with a Python tokenizer instead of tree-sitter.
//!
//! It walks logical lines: indentation, brackets, strings (f-strings with nested replacement
//! fields), comments, `\` continuations and `;`. Only statement starts are looked at: `import` /
//! `from` statements are parsed; `def` / `class` headers open scopes (a line indented no deeper
//! than the header closes them); other compound headers matter only for a body on the same line
//! (`if x: import y`). Everything else is skipped bytewise.
//!
//! The output must equal what [`super::extract`] gives for the same text (the differential tests
//! check it). Anything unusual makes the scan give up ([`scan`] returns None) and the caller
//! parses the file: tabs or form feeds in indentation, a lone `\r`, a byte-order mark, unbalanced
//! brackets, unterminated strings, an import statement that is not plain Python.
//!
//! Along the way it notes whether a plain string literal (or implicit concatenation of them)
//! that looks like an API key sits where KW104 could report it (see [`LightScan::key_risk`]):
//! such a file is parsed.

mod imports;
mod key_risk;
#[cfg(test)]
mod key_risk_tests;
mod literals;
#[cfg(test)]
mod tests;

use memchr::memchr;

use super::key_sites::Sites;
use super::lex::{
    after_imports_offset, ident_at, is_ident_byte, is_ident_start, is_prefix_letter, newline_of,
    BACKSLASH, CLASS, CLOSE, DEPTH, HASH, NL, OPEN, QUOTE, SEMI, STOP,
};
use super::{EditPoints, Import, PyFacts};

/// What the light scan of a file found.
#[derive(Debug)]
pub(super) struct LightScan {
    /// Imports and edit points only.
    pub facts: PyFacts,
    /// A plain string literal looks like an API key where KW104 could report it: as the value
    /// of an assignment to a credential-like name, or in a statement that touches `environ`.
    pub key_risk: bool,
}

/// Scan `text`; None when the scanner is not sure to agree with tree-sitter. `environ` lists
/// where `environ` occurs in the text, in order.
pub(super) fn scan(text: &str, environ: &[usize]) -> Option<LightScan> {
    let b = text.as_bytes();
    if b.starts_with("\u{feff}".as_bytes()) {
        return None;
    }
    // A lone `\r` is a line break to Python; the scanner only knows `\n` and `\r\n`.
    let mut from = 0;
    while let Some(k) = memchr(b'\r', &b[from..]) {
        if b.get(from + k + 1) != Some(&b'\n') {
            return None;
        }
        from += k + 1;
    }
    let mut s = Scanner::new(text, environ);
    s.run()?;
    let after_imports = after_imports_offset(text, s.last_import.or(s.docstring));
    Some(LightScan {
        facts: PyFacts {
            imports: s.imports,
            edit_points: EditPoints {
                has_import_os: s.has_import_os,
                load_dotenv_name: None,
                after_imports,
                newline: newline_of(text),
            },
            ..PyFacts::default()
        },
        key_risk: s.key_risk,
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    Function,
    Class,
    Other,
}

/// Where a statement sits.
#[derive(Clone, Copy)]
struct Ctx {
    /// Inside a function body (imports there are not module level).
    function: bool,
    /// Inside a function or class body (not the module scope).
    scope: bool,
    /// A direct child of the module.
    top: bool,
}

/// How a statement ended.
enum End {
    /// At its terminator (`;`, a comment, a line break, the end), not consumed.
    Stmt,
    /// The rest of the logical line was consumed (a compound header and its body).
    Line,
}

struct Scanner<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
    /// Bracket depth inside the current logical line.
    depth: usize,
    /// Open `def` / `class` bodies: the header's indentation.
    blocks: Vec<(usize, Block)>,
    /// Start of the current top-level statement.
    top_start: usize,
    /// The previous top-level line was a decorator (the decorated definition starts there).
    after_decorator: bool,
    imports: Vec<Import>,
    has_import_os: bool,
    /// The leading run of imports (and a first docstring) has ended.
    lead_done: bool,
    lead_first: bool,
    last_import: Option<usize>,
    docstring: Option<usize>,
    key_risk: bool,
    /// Start of the statement being scanned.
    stmt: usize,
    /// End of the last plain string literal, and the run of adjacent literals it ends.
    last_str_end: Option<usize>,
    run: Vec<(usize, usize)>,
    /// How many parts of `run` are in `run_value`.
    run_decoded: usize,
    run_value: String,
    run_dead: bool,
    /// Where KW104 could report a key-like literal.
    sites: Sites<'a>,
    /// The statement being scanned is inside a function.
    stmt_in_function: bool,
    /// The names the imports bind, when asked for ([`import_statement`]).
    binds: Option<Vec<ImportBind>>,
}

/// A name an import statement binds, as the extractor binds it: `local` is its span in the
/// text; `import a.b` binds `a` to the module `a`, `import a.b as x` binds `x` to `a.b`, and
/// `from m import n as x` binds `x` to `n` of `m` (with `level` leading dots).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ImportBind {
    pub(super) local: std::ops::Range<usize>,
    pub(super) module: String,
    pub(super) name: Option<String>,
    pub(super) level: u32,
}

/// The `Import` facts of the `import` or `from` statement at `start`, alone on its logical
/// line (which ends at `end`, a trailing comment included), as the extractor gives them, with
/// the names it binds; None when it is not plain enough to be sure. At module level without
/// `in_function`; else in a function body, in the module-level statement starting there.
pub(super) fn import_statement(
    text: &str,
    start: usize,
    end: usize,
    in_function: Option<usize>,
) -> Option<(Vec<Import>, Vec<ImportBind>)> {
    let mut s = Scanner::new(text, &[]);
    s.binds = Some(Vec::new());
    s.i = start;
    s.top_start = in_function.unwrap_or(start);
    let ctx = Ctx {
        function: in_function.is_some(),
        scope: in_function.is_some(),
        top: in_function.is_none(),
    };
    if !matches!(s.word_at(start), b"import" | b"from") {
        return None;
    }
    s.statement(ctx, 0)?;
    s.inline_ws()?;
    let rest = text.as_bytes().get(s.i..end)?;
    (rest.is_empty() || rest[0] == b'#').then_some((s.imports, s.binds.unwrap_or_default()))
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str, environ: &'a [usize]) -> Self {
        Scanner {
            text,
            b: text.as_bytes(),
            i: 0,
            depth: 0,
            blocks: Vec::new(),
            top_start: 0,
            after_decorator: false,
            imports: Vec::new(),
            has_import_os: false,
            lead_done: false,
            lead_first: true,
            last_import: None,
            docstring: None,
            key_risk: false,
            stmt: 0,
            last_str_end: None,
            run: Vec::new(),
            run_decoded: 0,
            run_value: String::new(),
            run_dead: true,
            sites: Sites::new(text, environ),
            stmt_in_function: false,
            binds: None,
        }
    }
}

impl Scanner<'_> {
    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    fn run(&mut self) -> Option<()> {
        let n = self.b.len();
        while self.i < n {
            let line_start = self.i;
            let mut j = self.i;
            while j < n && matches!(self.b[j], b' ' | b'\t' | 0x0c) {
                j += 1;
            }
            if j >= n {
                break;
            }
            match self.b[j] {
                b'\n' => {
                    self.i = j + 1;
                    continue;
                }
                b'\r' => {
                    self.i = j + 2;
                    continue;
                }
                b'#' => {
                    self.i = memchr(b'\n', &self.b[j..]).map_or(n, |k| j + k + 1);
                    continue;
                }
                _ => {}
            }
            if self.b[line_start..j].iter().any(|&c| c != b' ') {
                return None;
            }
            self.i = j;
            self.logical_line(j - line_start)?;
        }
        Some(())
    }

    fn logical_line(&mut self, indent: usize) -> Option<()> {
        while self.blocks.last().is_some_and(|&(ind, _)| ind >= indent) {
            self.blocks.pop();
        }
        let top = indent == 0;
        if top {
            let continuation = matches!(self.b[self.i], b'e' | b'f')
                && matches!(
                    self.word_at(self.i),
                    b"else" | b"elif" | b"except" | b"finally"
                );
            if !continuation && !self.after_decorator {
                self.top_start = self.i;
            }
            self.after_decorator = self.b[self.i] == b'@';
        }
        let ctx = Ctx {
            function: self.blocks.iter().any(|&(_, k)| k == Block::Function),
            scope: !self.blocks.is_empty(),
            top,
        };
        self.statements(ctx, indent)
    }

    /// `;`-separated statements up to the end of the logical line (consumed).
    fn statements(&mut self, ctx: Ctx, indent: usize) -> Option<()> {
        loop {
            self.inline_ws()?;
            if self.line_end()? {
                return Some(());
            }
            match self.statement(ctx, indent)? {
                End::Line => return Some(()),
                End::Stmt => {}
            }
            if self.at(self.i) == b';' {
                self.i += 1;
                if ctx.top {
                    // The `;` is a child of the module: the leading imports end here.
                    self.lead_done = true;
                }
                continue;
            }
            if self.line_end()? {
                return Some(());
            }
            return None;
        }
    }

    /// Spaces, tabs, form feeds and `\` continuations.
    fn inline_ws(&mut self) -> Option<()> {
        loop {
            match self.at(self.i) {
                b' ' | b'\t' | 0x0c => self.i += 1,
                b'\\' => self.continuation()?,
                _ => return Some(()),
            }
        }
    }

    /// A `\` line continuation at `self.i`.
    fn continuation(&mut self) -> Option<()> {
        match (self.at(self.i + 1), self.at(self.i + 2)) {
            (b'\n', _) => self.i += 2,
            (b'\r', b'\n') => self.i += 3,
            _ => return None,
        }
        Some(())
    }

    /// At a comment, line break or the end: consume through the line break and say so.
    fn line_end(&mut self) -> Option<bool> {
        let n = self.b.len();
        match self.at(self.i) {
            _ if self.i >= n => {}
            b'#' => self.i = memchr(b'\n', &self.b[self.i..]).map_or(n, |k| self.i + k + 1),
            b'\n' => self.i += 1,
            b'\r' if self.at(self.i + 1) == b'\n' => self.i += 2,
            _ => return Some(false),
        }
        if self.depth != 0 {
            return None;
        }
        Some(true)
    }

    fn at_terminator(&self) -> bool {
        self.i >= self.b.len()
            || matches!(self.at(self.i), b';' | b'#' | b'\n')
            || (self.at(self.i) == b'\r' && self.at(self.i + 1) == b'\n')
    }

    /// The identifier starting at `i` (empty when none does).
    fn word_at(&self, i: usize) -> &[u8] {
        ident_at(self.b, i)
    }

    fn statement(&mut self, ctx: Ctx, indent: usize) -> Option<End> {
        let start = self.i;
        self.stmt = start;
        self.stmt_in_function = ctx.function;
        let c = self.b[start];
        if is_ident_start(c) {
            let word = self.word_at(start);
            let end = start + word.len();
            let next = self.at(end);
            if (next == b'\'' || next == b'"')
                && word.len() <= 2
                && word.iter().all(|&c| is_prefix_letter(c))
            {
                return self.string_statement(ctx);
            }
            let header = |kind| Some((kind, end));
            let keyword = (2..=7).contains(&word.len())
                && matches!(
                    word[0],
                    b'i' | b'f' | b'd' | b'c' | b'a' | b'e' | b'w' | b't' | b'm'
                );
            let compound = if !keyword {
                None
            } else {
                match word {
                    b"import" => {
                        self.i = end;
                        self.import(start, ctx)?;
                        return Some(End::Stmt);
                    }
                    b"from" => {
                        self.i = end;
                        self.import_from(start, ctx)?;
                        return Some(End::Stmt);
                    }
                    b"def" => header(Block::Function),
                    b"class" => header(Block::Class),
                    b"async" => {
                        let mut j = end;
                        while matches!(self.at(j), b' ' | b'\t') {
                            j += 1;
                        }
                        let kind = if self.word_at(j) == b"def" {
                            Block::Function
                        } else {
                            Block::Other
                        };
                        header(kind)
                    }
                    b"if" | b"elif" | b"else" | b"while" | b"for" | b"try" | b"except"
                    | b"finally" | b"with" | b"match" | b"case" => header(Block::Other),
                    _ => None,
                }
            };
            if ctx.top {
                self.lead_done = true;
            }
            if let Some((kind, end)) = compound {
                self.i = end;
                return self.compound(kind, ctx, indent);
            }
            self.skip_simple()?;
            return Some(End::Stmt);
        }
        if c == b'\'' || c == b'"' {
            return self.string_statement(ctx);
        }
        if ctx.top {
            self.lead_done = true;
        }
        self.skip_simple()?;
        Some(End::Stmt)
    }

    /// A compound statement's header (from after its keyword) and a body on the same line.
    fn compound(&mut self, kind: Block, ctx: Ctx, indent: usize) -> Option<End> {
        if !self.skip_header()? {
            // `match(x)` and `case = 1` are not compound statements.
            return Some(End::Stmt);
        }
        self.inline_ws()?;
        if self.line_end()? {
            if kind != Block::Other {
                self.blocks.push((indent, kind));
            }
            return Some(End::Line);
        }
        let body = Ctx {
            function: ctx.function || kind == Block::Function,
            scope: ctx.scope || kind != Block::Other,
            top: false,
        };
        self.statements(body, indent)?;
        Some(End::Line)
    }

    /// A statement starting with a string: a docstring when it is nothing but strings.
    fn string_statement(&mut self, ctx: Ctx) -> Option<End> {
        let mut end;
        loop {
            let q = self.i + self.word_at(self.i).len();
            end = self.string(q)?;
            self.i = end;
            self.inline_ws()?;
            let c = self.at(self.i);
            let w = self.word_at(self.i);
            let next_is_string = c == b'\'' || c == b'"' || {
                let after = self.at(self.i + w.len());
                !w.is_empty()
                    && w.len() <= 2
                    && w.iter().all(|&c| is_prefix_letter(c))
                    && (after == b'\'' || after == b'"')
            };
            if !next_is_string {
                break;
            }
        }
        if self.at_terminator() {
            if ctx.top && !self.lead_done {
                if self.lead_first {
                    self.docstring = Some(end);
                    self.lead_first = false;
                } else {
                    self.lead_done = true;
                }
            }
            return Some(End::Stmt);
        }
        if ctx.top {
            self.lead_done = true;
        }
        self.skip_simple()?;
        Some(End::Stmt)
    }

    /// Skip to the statement's terminator at bracket depth 0 (not consumed).
    fn skip_simple(&mut self) -> Option<()> {
        let b = self.b;
        let n = b.len();
        loop {
            // Brackets are counted without stopping (a closing bracket too many shows as a
            // negative minimum).
            let mut depth = self.depth as isize;
            let mut min = depth;
            let mut i = self.i;
            while i < n {
                let c = b[i] as usize;
                if STOP[c] {
                    break;
                }
                depth += DEPTH[c] as isize;
                min = min.min(depth);
                i += 1;
            }
            if min < 0 {
                return None;
            }
            self.depth = depth as usize;
            self.i = i;
            if i >= n {
                return (self.depth == 0).then_some(());
            }
            match CLASS[b[i] as usize] {
                NL | HASH | SEMI if self.depth == 0 => return Some(()),
                NL | SEMI => self.i += 1,
                HASH => self.skip_comment(),
                QUOTE => self.i = self.string(i)?,
                _ => self.continuation()?,
            }
        }
    }

    /// Skip a header to its `:` (consumed; true), or to the statement's end (false). A `lambda`
    /// at depth 0 takes the next colon; `:=` is no colon.
    fn skip_header(&mut self) -> Option<bool> {
        let n = self.b.len();
        let mut lambdas = 0usize;
        loop {
            if self.i >= n {
                return (self.depth == 0).then_some(false);
            }
            let c = self.b[self.i];
            if c == b':' {
                if self.at(self.i + 1) == b'=' {
                    self.i += 2;
                } else if self.depth > 0 {
                    self.i += 1;
                } else if lambdas > 0 {
                    lambdas -= 1;
                    self.i += 1;
                } else {
                    self.i += 1;
                    return Some(true);
                }
                continue;
            }
            if is_ident_start(c) {
                let w = self.word_at(self.i);
                if w == b"lambda" && self.depth == 0 {
                    lambdas += 1;
                }
                self.i += w.len();
                continue;
            }
            if c.is_ascii_digit() {
                while self.i < n && (is_ident_byte(self.b[self.i]) || self.b[self.i] == b'.') {
                    self.i += 1;
                }
                continue;
            }
            match CLASS[c as usize] {
                NL | HASH | SEMI if self.depth == 0 => return Some(false),
                NL | SEMI => self.i += 1,
                HASH => self.skip_comment(),
                QUOTE => self.i = self.string(self.i)?,
                BACKSLASH => self.continuation()?,
                OPEN => {
                    self.depth += 1;
                    self.i += 1;
                }
                CLOSE => {
                    self.depth = self.depth.checked_sub(1)?;
                    self.i += 1;
                }
                _ => self.i += 1,
            }
        }
    }

    /// Skip a comment inside brackets, through its line break.
    fn skip_comment(&mut self) {
        let n = self.b.len();
        self.i = memchr(b'\n', &self.b[self.i..]).map_or(n, |k| self.i + k + 1);
    }
}

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

use memchr::{memchr, memchr2, memchr3};

use super::lex::{
    after_imports_offset, is_ident_byte, is_ident_start, is_keyword, is_prefix_letter, newline_of,
    BACKSLASH, CLASS, CLOSE, DEPTH, HASH, NL, OPEN, QUOTE, SEMI, STOP,
};
use super::strings::decode_literal;
use super::{EditPoints, Import, PyFacts};
use crate::engine::secrets::{self, NameMatch};
use crate::engine::text::Span;

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
    let mut s = Scanner {
        text,
        b,
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
        environ,
        stmt: 0,
        last_str_end: None,
        run: Vec::new(),
        run_decoded: 0,
        run_value: String::new(),
        run_dead: true,
        credential_for: None,
        credential: CredentialValue::No,
        stmt_in_function: false,
        fdepth: 0,
    };
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

/// Nested f-strings deeper than this are left to tree-sitter.
const MAX_FSTRING_DEPTH: usize = 16;
/// A literal with fewer content bytes cannot be a key (`looks_like_key` wants 16+ characters).
const MIN_KEY_BYTES: usize = 16;
/// Implicit concatenations longer than this (without blanks) are not tested again and again
/// (the file is parsed instead, when it matters).
const MAX_RUN_BYTES: usize = 4096;

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

/// Where a credential-like constant's value starts.
#[derive(Clone, Copy)]
enum CredentialValue {
    No,
    At(usize),
    /// An annotated assignment: anywhere after the annotation.
    Anywhere,
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
    environ: &'a [usize],
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
    /// Whether the statement starting at `credential_for` assigns to a credential-like name.
    credential_for: Option<usize>,
    credential: CredentialValue,
    /// The statement being scanned is inside a function.
    stmt_in_function: bool,
    fdepth: usize,
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
        if i >= self.b.len() || !is_ident_start(self.b[i]) {
            return &[];
        }
        let mut j = i + 1;
        while j < self.b.len() && is_ident_byte(self.b[j]) {
            j += 1;
        }
        &self.b[i..j]
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

    // ----- strings -------------------------------------------------------------------------

    /// The string literal whose opening quote is at `q` (its prefix, if any, just before):
    /// returns the index after it, and checks plain literals for keys.
    fn string(&mut self, q: usize) -> Option<usize> {
        let (pstart, f) = self.prefix(q);
        let end = self.string_end(q, f)?;
        if !self.key_risk && !f {
            self.check_key(pstart, q, end);
        }
        Some(end)
    }

    /// The prefix before the quote at `q`: its start, and whether it makes an f- or t-string.
    fn prefix(&self, q: usize) -> (usize, bool) {
        let mut s = q;
        while s > 0 && q - s < 3 && is_ident_byte(self.b[s - 1]) {
            s -= 1;
        }
        let p = &self.b[s..q];
        if p.is_empty()
            || p.len() > 2
            || (s > 0 && is_ident_byte(self.b[s - 1]))
            || !p.iter().all(|&c| is_prefix_letter(c))
        {
            return (q, false);
        }
        (s, p.iter().any(|&c| matches!(c, b'f' | b'F' | b't' | b'T')))
    }

    fn string_end(&mut self, q: usize, f: bool) -> Option<usize> {
        let quote = self.b[q];
        let triple = self.at(q + 1) == quote && self.at(q + 2) == quote;
        let body = q + if triple { 3 } else { 1 };
        if f {
            self.fdepth += 1;
            if self.fdepth > MAX_FSTRING_DEPTH {
                return None;
            }
            let end = self.fstring_body(body, quote, triple);
            self.fdepth -= 1;
            end
        } else {
            self.plain_body(body, quote, triple)
        }
    }

    /// After a backslash at `k` inside a literal: the index after the escaped character.
    fn escaped(&self, k: usize) -> Option<usize> {
        match (self.b.get(k + 1)?, self.at(k + 2)) {
            (b'\r', b'\n') => Some(k + 3),
            _ => Some(k + 2),
        }
    }

    /// At a quote `k` equal to the literal's: the index after the literal if it closes here.
    fn closes(&self, k: usize, quote: u8, triple: bool) -> Option<usize> {
        if !triple {
            return Some(k + 1);
        }
        (self.at(k + 1) == quote && self.at(k + 2) == quote).then_some(k + 3)
    }

    fn plain_body(&self, mut j: usize, quote: u8, triple: bool) -> Option<usize> {
        loop {
            let rest = self.b.get(j..)?;
            let k = j + if triple {
                memchr2(quote, b'\\', rest)?
            } else {
                memchr3(quote, b'\\', b'\n', rest)?
            };
            match self.b[k] {
                b'\\' => j = self.escaped(k)?,
                b'\n' => return None,
                _ => match self.closes(k, quote, triple) {
                    Some(end) => return Some(end),
                    None => j = k + 1,
                },
            }
        }
    }

    fn fstring_body(&mut self, mut j: usize, quote: u8, triple: bool) -> Option<usize> {
        loop {
            let k =
                j + self.b.get(j..)?.iter().position(|&c| {
                    c == quote || c == b'\\' || c == b'{' || (c == b'\n' && !triple)
                })?;
            match self.b[k] {
                b'\\' => j = self.escaped(k)?,
                b'\n' => return None,
                b'{' if self.at(k + 1) == b'{' => j = k + 2,
                b'{' => j = self.replacement_field(k + 1)?,
                _ => match self.closes(k, quote, triple) {
                    Some(end) => return Some(end),
                    None => j = k + 1,
                },
            }
        }
    }

    /// An f-string replacement field from after its `{`: the index after its `}`.
    fn replacement_field(&mut self, mut j: usize) -> Option<usize> {
        let mut depth = 0usize;
        loop {
            let c = *self.b.get(j)?;
            match c {
                b'\'' | b'"' => {
                    let (_, f) = self.prefix(j);
                    j = self.string_end(j, f)?;
                }
                b'(' | b'[' | b'{' => {
                    depth += 1;
                    j += 1;
                }
                b')' | b']' => {
                    depth = depth.checked_sub(1)?;
                    j += 1;
                }
                b'}' if depth == 0 => return Some(j + 1),
                b'}' => {
                    depth -= 1;
                    j += 1;
                }
                b':' if depth == 0 => return self.format_spec(j + 1),
                b'#' => j += memchr(b'\n', self.b.get(j..)?)?,
                b'\\' => j = self.escaped(j)?,
                _ => j += 1,
            }
        }
    }

    /// A format spec from after its `:`: literal text and nested fields, to the closing `}`.
    fn format_spec(&mut self, mut j: usize) -> Option<usize> {
        loop {
            let k = j + memchr3(b'{', b'}', b'\\', self.b.get(j..)?)?;
            match self.b[k] {
                b'{' => j = self.replacement_field(k + 1)?,
                b'}' => return Some(k + 1),
                _ => j = self.escaped(k)?,
            }
        }
    }

    /// Whether the plain literal `pstart..end` (or the implicit concatenation it ends) looks like
    /// an API key where KW104 could report it.
    fn check_key(&mut self, pstart: usize, q: usize, end: usize) {
        let adjacent = self
            .last_str_end
            .is_some_and(|e| e <= pstart && trivia(&self.b[e..pstart]));
        self.last_str_end = Some(end);
        if !adjacent {
            self.run.clear();
            self.run_decoded = 0;
            self.run_value.clear();
            self.run_dead = false;
        }
        self.run.push((pstart, end));
        let run_start = self.run[0].0;
        let single = self.reportable(pstart);
        if !single && (self.run.len() < 2 || !self.reportable(run_start)) {
            // Most literals: not where KW104 looks. The run's value is built when it is.
            return;
        }
        let quote_len =
            if self.at(q + 1) == self.b[q] && self.at(q + 2) == self.b[q] && end - q >= 6 {
                3
            } else {
                1
            };
        let content = (end - q).saturating_sub(2 * quote_len);
        if single && content >= MIN_KEY_BYTES && self.looks_like_key(pstart, end) {
            self.key_risk = true;
            return;
        }
        if self.run.len() < 2 || self.run_dead || !self.reportable(run_start) {
            return;
        }
        // The concatenation so far (parts before this one decoded now if they were skipped);
        // a blank character anywhere means it can never be a key.
        let decoded: usize = self.run_decoded;
        let parts: Vec<(usize, usize)> = self.run[decoded.min(self.run.len())..].to_vec();
        for (s, e) in parts {
            let Some(part) = decode_literal(&self.text[s..e]) else {
                self.run_dead = true;
                return;
            };
            if part.chars().any(secrets::is_blank_char) {
                self.run_dead = true;
                return;
            }
            self.run_value.push_str(&part);
        }
        self.run_decoded = self.run.len();
        if self.run_value.len() < MIN_KEY_BYTES {
            return;
        }
        if self.run_value.len() > MAX_RUN_BYTES {
            // Not worth testing again and again: parse the file.
            self.key_risk = true;
            return;
        }
        self.key_risk = secrets::looks_like_key(&self.run_value);
    }

    /// Whether a key-like literal (or concatenation) starting at `lit` could be a fact KW104
    /// reads (besides config entries, which the prefilter's tokens catch): an env write's value
    /// (the statement touches `environ` before it), or the value of a module-level constant with
    /// a credential word in its name (`NAME = "…"`; with an annotation, any literal in it).
    fn reportable(&mut self, lit: usize) -> bool {
        let stmt = self.stmt.min(lit);
        // The first `environ` at or after the statement's start; a written value comes after
        // `=` (`environ[k] = v`, `update(K=v)`), `,` (`setdefault(k, v)`) or `:` (`update({k: v})`),
        // never right after `(`, `[` or `{` (a name: `environ.get("K")`).
        let k = self.environ.partition_point(|&p| p < stmt);
        if self.environ.get(k).is_some_and(|&p| p < lit) && self.value_position(lit) {
            return true;
        }
        if self.stmt_in_function {
            return false;
        }
        if self.credential_for != Some(stmt) {
            self.credential_for = Some(stmt);
            self.credential = self.credential_value(stmt);
        }
        match self.credential {
            CredentialValue::No => false,
            CredentialValue::At(v) => v == lit,
            CredentialValue::Anywhere => true,
        }
    }

    /// Whether the literal at `lit` follows `=`, `,` or `:` (through spaces and parentheses),
    /// or the text before it is not that simple (a line break: a comment may hide there).
    fn value_position(&self, lit: usize) -> bool {
        let mut j = lit;
        while j > 0 {
            j -= 1;
            match self.b[j] {
                b' ' | b'\t' | 0x0c | b'(' | b'\\' | b'\r' => {}
                b'=' | b',' | b':' | b'\n' => return true,
                _ => return false,
            }
        }
        false
    }

    /// Where the value of the statement at `stmt` starts, when it assigns to a name with a
    /// credential word in it.
    fn credential_value(&self, stmt: usize) -> CredentialValue {
        let name = self.word_at(stmt);
        let credential = self
            .text
            .get(stmt..stmt + name.len())
            .is_some_and(|name| secrets::credential_name(name, NameMatch::Stem));
        if !credential {
            return CredentialValue::No;
        }
        // Whitespace, continuations, parentheses and comments (inside them) before the value.
        let skip = |mut j: usize| loop {
            match self.at(j) {
                b' ' | b'\\' | b'\t' | 0x0c | b'\r' | b'\n' | b'(' => j += 1,
                b'#' => j += memchr(b'\n', &self.b[j..]).unwrap_or(self.b.len() - j),
                _ => return j,
            }
        };
        let j = skip(stmt + name.len());
        match self.at(j) {
            b'=' if self.at(j + 1) != b'=' => CredentialValue::At(skip(j + 1)),
            b':' if self.at(j + 1) != b'=' => CredentialValue::Anywhere,
            _ => CredentialValue::No,
        }
    }

    fn looks_like_key(&self, s: usize, e: usize) -> bool {
        let raw = &self.text[s..e];
        // Quick reject: keys have no spaces (most long literals are prose).
        if memchr(b' ', raw.as_bytes()).is_some() && !raw.contains('\\') {
            return false;
        }
        decode_literal(raw).is_some_and(|v| secrets::looks_like_key(&v))
    }

    // ----- imports -------------------------------------------------------------------------

    /// Whitespace inside an import statement: inline, plus line breaks and comments in parens.
    fn import_ws(&mut self, paren: bool) -> Option<()> {
        loop {
            match self.at(self.i) {
                b' ' | b'\t' | 0x0c => self.i += 1,
                b'\\' => self.continuation()?,
                b'\n' if paren => self.i += 1,
                b'\r' if paren && self.at(self.i + 1) == b'\n' => self.i += 2,
                b'#' if paren => self.skip_comment(),
                _ => return Some(()),
            }
        }
    }

    /// A name (not a keyword) at `self.i`: its end.
    fn name(&mut self) -> Option<usize> {
        let w = self.word_at(self.i);
        if w.is_empty() || is_keyword(w) {
            return None;
        }
        self.i += w.len();
        Some(self.i)
    }

    /// `a.b.c` with any whitespace the statement allows: the name without it, and its end.
    fn dotted(&mut self, paren: bool) -> Option<(String, usize)> {
        let start = self.i;
        let mut end = self.name()?;
        let mut out = self.text[start..end].to_string();
        loop {
            let save = self.i;
            self.import_ws(paren)?;
            if self.at(self.i) != b'.' {
                self.i = save;
                return Some((out, end));
            }
            self.i += 1;
            self.import_ws(paren)?;
            let s = self.i;
            end = self.name()?;
            out.push('.');
            out.push_str(&self.text[s..end]);
        }
    }

    /// ` as alias` after a name, if present: the alias's end.
    fn alias(&mut self, paren: bool) -> Option<Option<usize>> {
        let save = self.i;
        self.import_ws(paren)?;
        if self.word_at(self.i) != b"as" {
            self.i = save;
            return Some(None);
        }
        self.i += 2;
        self.import_ws(paren)?;
        Some(Some(self.name()?))
    }

    fn stmt_start(&self, start: usize, ctx: Ctx) -> usize {
        if ctx.top {
            start
        } else {
            self.top_start
        }
    }

    fn imported(&mut self, ctx: Ctx, end: usize) {
        if ctx.top && !self.lead_done {
            self.last_import = Some(end);
            self.lead_first = false;
        }
    }

    /// `import a.b [as c], d` from after `import`.
    fn import(&mut self, start: usize, ctx: Ctx) -> Option<()> {
        let mut modules: Vec<(String, bool)> = Vec::new();
        let mut end;
        loop {
            self.import_ws(false)?;
            let (module, e) = self.dotted(false)?;
            end = e;
            let alias = self.alias(false)?;
            if let Some(e) = alias {
                end = e;
            }
            modules.push((module, alias.is_some()));
            let save = self.i;
            self.import_ws(false)?;
            if self.at(self.i) == b',' {
                self.i += 1;
                continue;
            }
            self.i = save;
            break;
        }
        self.import_ws(false)?;
        if !self.at_terminator() {
            return None;
        }
        let stmt_start = self.stmt_start(start, ctx);
        for (module, aliased) in modules {
            if !ctx.scope && !aliased && module.split('.').next() == Some("os") {
                self.has_import_os = true;
            }
            self.imports.push(Import {
                module,
                level: 0,
                names: Vec::new(),
                span: Span::new(start, end),
                module_level: !ctx.function,
                stmt_start,
            });
        }
        self.imported(ctx, end);
        Some(())
    }

    /// `from [dots][a.b] import names | (names) | *` from after `from`.
    fn import_from(&mut self, start: usize, ctx: Ctx) -> Option<()> {
        self.import_ws(false)?;
        let mut level = 0u32;
        while self.at(self.i) == b'.' {
            level += 1;
            self.i += 1;
            self.import_ws(false)?;
        }
        let mut module = String::new();
        if self.word_at(self.i) != b"import" {
            module = self.dotted(false)?.0;
            self.import_ws(false)?;
        }
        if (level == 0 && module.is_empty()) || self.word_at(self.i) != b"import" {
            return None;
        }
        self.i += b"import".len();
        self.import_ws(false)?;
        let mut names = Vec::new();
        let end;
        if self.at(self.i) == b'*' {
            if level == 0 && module == "__future__" {
                return None;
            }
            self.i += 1;
            end = self.i;
            names.push("*".to_string());
        } else if self.at(self.i) == b'(' {
            self.i += 1;
            loop {
                self.import_ws(true)?;
                if self.at(self.i) == b')' && !names.is_empty() {
                    break;
                }
                names.push(self.dotted(true)?.0);
                self.alias(true)?;
                self.import_ws(true)?;
                match self.at(self.i) {
                    b',' => self.i += 1,
                    b')' => break,
                    _ => return None,
                }
            }
            self.i += 1;
            end = self.i;
        } else {
            let mut e;
            loop {
                let (name, ne) = self.dotted(false)?;
                e = ne;
                if let Some(ae) = self.alias(false)? {
                    e = ae;
                }
                names.push(name);
                let save = self.i;
                self.import_ws(false)?;
                if self.at(self.i) != b',' {
                    self.i = save;
                    break;
                }
                self.i += 1;
                self.import_ws(false)?;
            }
            end = e;
        }
        self.import_ws(false)?;
        if !self.at_terminator() {
            return None;
        }
        self.imports.push(Import {
            module,
            level,
            names,
            span: Span::new(start, end),
            module_level: !ctx.function,
            stmt_start: self.stmt_start(start, ctx),
        });
        self.imported(ctx, end);
        Some(())
    }
}

/// Only whitespace, line breaks, `\` continuations and comments (what may separate the parts of
/// an implicit string concatenation).
fn trivia(gap: &[u8]) -> bool {
    let mut i = 0;
    while i < gap.len() {
        match gap[i] {
            b' ' | b'\t' | 0x0c | b'\r' | b'\n' | b'\\' => i += 1,
            b'#' => match memchr(b'\n', &gap[i..]) {
                Some(k) => i += k + 1,
                None => return true,
            },
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::super::{extract, prefilter, Relevance};
    use super::scan;

    /// The light facts of `text` equal the full extractor's imports and edit points.
    fn same(text: &str) {
        let light = scan(text, &[])
            .unwrap_or_else(|| panic!("the light scan gave up on:\n{text}"))
            .facts;
        let full = extract(text);
        assert!(!full.has_syntax_errors, "not valid Python:\n{text}");
        assert_eq!(light.imports, full.imports, "imports of:\n{text}");
        assert_eq!(
            light.edit_points, full.edit_points,
            "edit points of:\n{text}"
        );
    }

    #[test]
    fn imports_in_every_spelling() {
        same("import os\nimport a.b.c as d, e\nfrom . import x\nfrom .. import y as z\n");
        same("from .a.b import (c,\n    d as e,  # comment\n    f,\n)\nx = 1\n");
        same("from .import x\nfrom . a import b\nfrom ...pkg import mod\n");
        same("import a \\\n    .b \\\n    as c\nfrom x import \\\n    y, z\n");
        same("import a; import b\nimport c;\nx = 1; import d\n");
        same("from __future__ import annotations\nfrom __future__ import (division,\n print_function)\n");
        same("from m import *\nimport os.path\nimport os as system\n");
        same("import ключ.модуль\nfrom café import naïve\n");
    }

    #[test]
    fn imports_in_blocks_and_scopes() {
        same("try:\n    import ujson as json\nexcept ImportError:\n    import json\nelse:\n    pass\nfinally:\n    import gc\n");
        same("if x:\n    import a\nelif y:\n    import b\nelse:\n    import c\n");
        same("if x: import a\nelse: import b; import c\n");
        same("for i in y:\n    import a\nwhile z:\n    import b\nwith ctx() as c:\n    import d\n");
        same("def f():\n    import a\n    def g():\n        import b\n    import c\nimport d\n");
        same("def f(): import a; import b\nimport c\n");
        same("class A:\n    import os\n    def m(self):\n        import b\n    import c\nimport os\n");
        same("class A: import os\n");
        same("async def f():\n    import a\nasync def g(): import b\n");
        same("@dec\n@other(1)\ndef f():\n    import a\n\n@dec\nclass C:\n    import b\n");
        same("def f(\n    a,\n    b=lambda: 1,\n) -> dict[str, int]:\n    import x\n");
        same("if (y := f()):\n    import a\nif lambda: 1:\n    import b\n");
        same("match command:\n    case {'a': 1}:\n        import a\n    case _:\n        import b\nmatch = 1\nmatch(x)\n");
        same("def f[T: int](x: T) -> T:\n    import a\nclass K[T]:\n    import b\n");
        same("def f():\n    x = 1\n# a comment at column 0\n    import a\nimport b\n");
        same("if x:\n    pass\n\n\n    # indented comment\nimport a\n");
        same("x = [\n    1,\n]\nimport a\n");
    }

    #[test]
    fn strings_and_comments_hide_imports() {
        same("s = '''\nimport os\n'''\nimport a\n");
        same("s = \"\"\"\nfrom x import y\n\"\"\"\n# import z\nimport a\n");
        same("s = 'a \\' import b'\nimport a\n");
        same("s = r'\\''\nimport a\n");
        same("s = 'abc\\\nimport x'\nimport a\n");
        same("s = f\"{x['a']!r:>{width}} {{import b}}\"\nimport a\n");
        same("s = f'''{\n  x\n}''' + rb'\\x00'\nimport a\n");
        same("x = (1 if y else\n     2)  # ) import c\nimport a\n");
        same("d = {'(': 1, '[': [2, ']'], '{': {3}}\nimport a\n");
        same("s = '#'; import a\n");
    }

    #[test]
    fn edit_points() {
        same("\"\"\"Doc.\"\"\"\nimport os\nimport sys\n\nx = 1\nimport late\n");
        same("\"\"\"Doc.\"\"\"\n\nx = 1\n");
        same("'doc' 'more'\nimport a\n");
        same("#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nx = 1\n");
        same("#!/usr/bin/env python\nx = 1\n");
        same("import a; import b\nimport c\n");
        same("\"\"\"Doc\"\"\"; import a\nimport b\n");
        same("import a\n\"\"\"not a docstring\"\"\"\nimport b\n");
        same("from __future__ import annotations\n\"\"\"late\"\"\"\n");
        same("import os.path\n");
        same("def f():\n    import os\n");
        same("import os\r\nimport sys\r\n\r\nx = 1\r\n");
        same("");
        same("\n\n# only a comment\n");
        same("x = 1");
        same("import a");
    }

    #[test]
    fn gives_up_when_unsure() {
        assert!(scan("\u{feff}import a\n", &[]).is_none());
        assert!(scan("if x:\n\timport a\n", &[]).is_none());
        assert!(scan("x = 1\rimport a\n", &[]).is_none());
        assert!(scan("x = (1,\nimport a\n", &[]).is_none());
        assert!(scan("s = 'abc\nimport a\n", &[]).is_none());
        assert!(scan("from a import b,\n", &[]).is_none());
        assert!(scan("import\n", &[]).is_none());
    }

    #[test]
    fn key_like_literals_make_a_file_full() {
        let key = "sk-proj-9fQ2xLr7Tb4WmZ1cVn8KpE3sHd6JyA0u";
        let full = |text: &str| prefilter(text).relevance == Relevance::Full;
        assert!(full(&format!("OPENAI_API_KEY = \"{key}\"\n")));
        assert!(full(&format!(
            "api_key: str = (\n    \"{}\"\n    \"{}\"\n)\n",
            &key[..20],
            &key[20..]
        )));
        assert!(full(&format!("import os\nos.environ['X'] = '{key}'\n")));
        assert!(full(&format!(
            "import os\nos.environ.setdefault('X', '{key}')\n"
        )));
        assert!(full(&format!("KEY = (  # the key\n    \"{key}\"\n)\n")));
        assert!(full(&format!("class Settings:\n    token = '{key}'\n")));
        // Not where KW104 looks: a plain name, a call argument, a function's local, a chain.
        assert!(!full(&format!("key = bytes.fromhex('{key}')\n")));
        assert!(!full(&format!("def f():\n    key = '{key}'\n")));
        assert!(!full(&format!("KEY = OTHER = '{key}'\n")));
        assert!(!full(&format!("import os\nx = os.environ.get('{key}')\n")));
        assert!(!full(&format!("import os\nx = os.environ['{key}']\n")));
        assert!(!full(&format!("CHECKSUM = \"{key}\"\n")));
        assert!(!full(&format!("print(\"{key}\")\nTOKEN_NAME = 'x'\n")));
        assert!(!full("SECRET_KEY = 'not a key, just words'\n"));
        assert!(!full("TOKEN = 'short'\n"));
    }

    #[test]
    fn triggers() {
        let rel = |text: &str| prefilter(text).relevance;
        assert_eq!(rel("import os\nx = os.getenv('A')\n"), Relevance::EnvOnly);
        assert_eq!(rel("from os import environ\n"), Relevance::EnvOnly);
        assert_eq!(rel("import json\n"), Relevance::Quiet);
        assert_eq!(
            rel("# autogenerated by a tool\nimport json\n"),
            Relevance::Quiet
        );
        assert_eq!(rel("import autogen\n"), Relevance::Full);
        assert_eq!(rel("from autogen_ext.models import X\n"), Relevance::Full);
        assert_eq!(rel("x = {'config_list': []}\n"), Relevance::Full);
        assert_eq!(rel("from dotenv import load_dotenv\n"), Relevance::Full);
        assert_eq!(rel("x = 1  # keywire: ignore\n"), Relevance::Full);
        assert!(prefilter("import autogen\n").configs);
        assert!(!prefilter("from dotenv import load_dotenv\n").configs);
    }
}

#[cfg(test)]
mod key_risk_tests {
    use super::super::{extract, prefilter, Relevance};
    use crate::engine::secrets::looks_like_key;

    /// Every fact KW104 could report (a secret constant or an env write whose value looks like
    /// a key) is in a file the prefilter sends to the parser, whatever the spelling.
    #[test]
    fn kw104_facts_never_stay_in_light_files() {
        let key = "sk-proj-9fQ2xLr7Tb4WmZ1cVn8KpE3sHd6JyA0u";
        let (a, b) = key.split_at(19);
        let values = [
            format!("\"{key}\""),
            format!("'{key}'"),
            format!("r'{key}'"),
            format!("(\"{key}\")"),
            format!("(  # comment\n    \"{a}\"\n    \"{b}\"\n)"),
            format!("\"{a}\" \\\n    \"{b}\""),
            format!("'''{key}'''"),
            format!("\"\\x73k-proj-{}\"", &key[8..]),
        ];
        let targets = [
            "OPENAI_API_KEY",
            "api_key",
            "Token",
            "db_password",
            "MY_SECRET",
            "creds",
        ];
        let mut checked = 0;
        for value in &values {
            for target in targets {
                for template in [
                    "{t} = {v}\n",
                    "{t}: str = {v}\n",
                    "import os\n\nclass C:\n    {t} = {v}\n",
                    "if True:\n    {t} = {v}\nelse: {t} = {v}\n",
                    "x = 1; {t} = {v}\n",
                    "import os\nos.environ[\"{t}\"] = {v}\n",
                    "import os\nos.environ.setdefault(\"{t}\", {v})\n",
                    "from os import environ\nenviron.update({{\"{t}\": {v}}})\n",
                    "import os\nos.environ.update({t}={v})\n",
                    "import os\n\ndef f():\n    os.environ[\"{t}\"] = {v}\n",
                    "import os\nos.environ[\"{t}\"] = (  # c\n    {v})\n",
                    "import os\nos.environ.setdefault(\n    \"{t}\",\n    {v},\n)\n",
                    "import os\nos.environ.update({{\n    \"{t}\":\n        {v}}})\n",
                    "def f():\n    {t} = {v}\n",
                ] {
                    let text = template.replace("{t}", target).replace("{v}", value);
                    let facts = extract(&text);
                    let reportable = facts
                        .secret_constants
                        .iter()
                        .any(|c| looks_like_key(&c.value.value))
                        || facts
                            .env_writes
                            .iter()
                            .any(|w| w.value.as_ref().is_some_and(|v| looks_like_key(&v.value)));
                    if reportable {
                        checked += 1;
                        assert_eq!(
                            prefilter(&text).relevance,
                            Relevance::Full,
                            "a KW104 fact in a file the prefilter keeps from the parser:\n{text}"
                        );
                    }
                }
            }
        }
        assert!(checked > 300, "only {checked} cases had a KW104 fact");
    }
}

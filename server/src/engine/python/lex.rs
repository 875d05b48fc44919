//! Python at the byte level, shared by the extractor, the prefilter, the light scanner and the
//! mask: which bytes make an identifier, the byte classes of a bytewise skip, where a string
//! literal ends, and where a module's leading imports end. A leaf: it uses nothing else of the
//! engine.

use std::ops::Range;

use memchr::{memchr, memchr2, memchr3};

/// Identifier bytes: 1 may start one, 2 only continue one.
static IDENT: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = if b.is_ascii_alphabetic() || b == b'_' || b >= 0x80 {
            1
        } else if b.is_ascii_digit() {
            2
        } else {
            0
        };
        c += 1;
    }
    t
};

/// A byte of an identifier (any non-ASCII byte counts: Python names may be Unicode).
pub(super) fn is_ident_byte(c: u8) -> bool {
    IDENT[c as usize] != 0
}

/// Whether `b[s..e]` is a whole word: no ASCII identifier byte right before or after it. Only
/// ASCII counts as part of a word: tree-sitter splits a name off a non-ASCII character it
/// cannot take (`\u{FFFD}AssistantAgent` is an error node and a name).
pub(super) fn whole_word(b: &[u8], s: usize, e: usize) -> bool {
    let word = |c: Option<&u8>| c.is_some_and(|&c| c.is_ascii() && is_ident_byte(c));
    !word(s.checked_sub(1).and_then(|i| b.get(i))) && !word(b.get(e))
}

pub(super) fn is_ident_start(c: u8) -> bool {
    IDENT[c as usize] == 1
}

/// The identifier starting at `i` (empty when none does).
pub(super) fn ident_at(b: &[u8], i: usize) -> &[u8] {
    if i >= b.len() || !is_ident_start(b[i]) {
        return &[];
    }
    let mut j = i + 1;
    while j < b.len() && is_ident_byte(b[j]) {
        j += 1;
    }
    &b[i..j]
}

pub(super) fn is_prefix_letter(c: u8) -> bool {
    matches!(
        c,
        b'r' | b'R' | b'b' | b'B' | b'u' | b'U' | b'f' | b'F' | b't' | b'T'
    )
}

/// Python's hard keywords (never a module or imported name).
pub(super) fn is_keyword(w: &[u8]) -> bool {
    matches!(
        w,
        b"False"
            | b"None"
            | b"True"
            | b"and"
            | b"as"
            | b"assert"
            | b"async"
            | b"await"
            | b"break"
            | b"class"
            | b"continue"
            | b"def"
            | b"del"
            | b"elif"
            | b"else"
            | b"except"
            | b"finally"
            | b"for"
            | b"from"
            | b"global"
            | b"if"
            | b"import"
            | b"in"
            | b"is"
            | b"lambda"
            | b"nonlocal"
            | b"not"
            | b"or"
            | b"pass"
            | b"raise"
            | b"return"
            | b"try"
            | b"while"
            | b"with"
            | b"yield"
    )
}

/// Byte classes for the bytewise skip.
pub(super) const INERT: u8 = 0;
pub(super) const NL: u8 = 1;
pub(super) const HASH: u8 = 2;
pub(super) const QUOTE: u8 = 3;
pub(super) const BACKSLASH: u8 = 4;
pub(super) const OPEN: u8 = 5;
pub(super) const CLOSE: u8 = 6;
pub(super) const SEMI: u8 = 7;

pub(super) static CLASS: [u8; 256] = {
    let mut t = [INERT; 256];
    t[b'\n' as usize] = NL;
    t[b'#' as usize] = HASH;
    t[b'\'' as usize] = QUOTE;
    t[b'"' as usize] = QUOTE;
    t[b'\\' as usize] = BACKSLASH;
    t[b'(' as usize] = OPEN;
    t[b'[' as usize] = OPEN;
    t[b'{' as usize] = OPEN;
    t[b')' as usize] = CLOSE;
    t[b']' as usize] = CLOSE;
    t[b'}' as usize] = CLOSE;
    t[b';' as usize] = SEMI;
    t
};

/// Bytes that end a run of the light scanner's bytewise skip: line breaks, comments, quotes, `\\`, `;`
/// (every class but brackets).
pub(super) static STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = matches!(CLASS[i], NL | HASH | QUOTE | BACKSLASH | SEMI);
        i += 1;
    }
    t
};

/// Bracket depth change per byte.
pub(super) static DEPTH: [i8; 256] = {
    let mut t = [0i8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = match CLASS[i] {
            OPEN => 1,
            CLOSE => -1,
            _ => 0,
        };
        i += 1;
    }
    t
};

pub(super) fn newline_of(text: &str) -> &'static str {
    match memchr(b'\n', text.as_bytes()) {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// Start of the line after `end` (the end of the last leading import, or of the docstring); with
/// neither, after a shebang and an encoding cookie.
pub(super) fn after_imports_offset(text: &str, end: Option<usize>) -> usize {
    let bytes = text.as_bytes();
    let line_after = |end: usize| {
        let end = end.min(bytes.len());
        memchr(b'\n', &bytes[end..]).map_or(bytes.len(), |i| end + i + 1)
    };
    if let Some(end) = end {
        return line_after(end);
    }
    // Nothing to go after: keep a shebang and an encoding cookie first.
    let mut offset = 0;
    for line in 0..2 {
        let rest = &text[offset..];
        let is_header = if line == 0 && rest.starts_with("#!") {
            true
        } else {
            let l = rest.lines().next().unwrap_or("");
            l.trim_start().starts_with('#') && l.contains("coding") && {
                let c = l.find("coding").unwrap_or(0);
                matches!(l.as_bytes().get(c + 6), Some(b':') | Some(b'='))
            }
        };
        if !is_header {
            break;
        }
        offset = line_after(offset);
    }
    offset
}

/// Nested f-strings deeper than this are left to tree-sitter.
const MAX_FSTRING_DEPTH: usize = 16;

/// The prefix before the quote at `q`: its start, and whether it makes an f- or t-string.
pub(super) fn string_prefix(b: &[u8], q: usize) -> (usize, bool) {
    Literal {
        b,
        fdepth: 0,
        fields: None,
    }
    .prefix(q)
}

/// The replacement fields of the f-string whose opening quote is at `q` (each from after its
/// `{` to after its `}`, format spec included; nested f-strings' fields lie inside them); None
/// where it does not end plainly.
pub(super) fn fstring_fields(b: &[u8], q: usize) -> Option<Vec<Range<usize>>> {
    let mut lit = Literal {
        b,
        fdepth: 0,
        fields: Some(Vec::new()),
    };
    lit.string_end(q, true)?;
    lit.fields
}

/// The index after the string literal whose opening quote is at `q` (its prefix, if any, just
/// before), f-strings with nested replacement fields included; None where it does not end
/// plainly (an unterminated literal, nesting too deep).
pub(super) fn string_end(b: &[u8], q: usize) -> Option<usize> {
    let mut lit = Literal {
        b,
        fdepth: 0,
        fields: None,
    };
    let (_, f) = lit.prefix(q);
    lit.string_end(q, f)
}

struct Literal<'b> {
    b: &'b [u8],
    fdepth: usize,
    /// When set, the outermost f-string's replacement fields are recorded here.
    fields: Option<Vec<Range<usize>>>,
}

impl Literal<'_> {
    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
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
                b'{' => {
                    let end = self.replacement_field(k + 1)?;
                    if self.fdepth == 1 {
                        if let Some(fields) = &mut self.fields {
                            fields.push(k + 1..end);
                        }
                    }
                    j = end;
                }
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
}

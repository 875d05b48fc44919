//! The mask's tokenizer: logical lines (brackets, strings, comments, `\` continuations), what
//! kind of statement each starts, the tokens the mask reads on a line, and whole words.

use rustc_hash::FxHashSet as HashSet;

use memchr::memchr;

use crate::engine::python::lex::{
    fstring_fields, ident_at, is_ident_byte, is_ident_start, string_end, string_prefix, BACKSLASH,
    CLASS, CLOSE, HASH, INERT, NL, OPEN, QUOTE,
};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Kind {
    Simple,
    Def,
    Class,
    Decorator,
    /// `elif`, `else`, `except`, `finally`: continues the statement before.
    Clause,
    /// `for` / `async for`.
    For,
    /// Other compound statements (`if`, `while`, `try`, `with`, `match`, `case`).
    Compound,
    Import,
    /// A statement starting with a string (a docstring).
    Str,
}

#[derive(Debug)]
pub(super) struct Line {
    /// First byte of the statement.
    pub(super) start: usize,
    /// End of the logical line, before its line break (a trailing comment included).
    pub(super) end: usize,
    pub(super) indent: usize,
    pub(super) kind: Kind,
    /// Opens an indented block (ends with `:`).
    pub(super) header: bool,
    /// Nothing but string literals (a docstring): no fact, whatever the strings say.
    pub(super) pure: bool,
    pub(super) trigger: bool,
}

/// The logical lines that hold code (blank and comment-only lines are left as they are).
pub(super) fn logical_lines(b: &[u8]) -> Option<Vec<Line>> {
    // A `\r` not before `\n` is a line break to Python; the tokenizer only knows `\n` and
    // `\r\n`.
    if memchr::memchr_iter(b'\r', b).any(|k| b.get(k + 1) != Some(&b'\n')) {
        return None;
    }
    let n = b.len();
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        let line_start = i;
        while i < n && b[i] == b' ' {
            i += 1;
        }
        if i >= n {
            break;
        }
        match b[i] {
            b'\n' => {
                i += 1;
                continue;
            }
            b'\r' if b.get(i + 1) == Some(&b'\n') => {
                i += 2;
                continue;
            }
            b'#' => {
                i = memchr(b'\n', &b[i..]).map_or(n, |k| i + k + 1);
                continue;
            }
            // Tabs, form feeds, a lone `\r`, a continuation before any code.
            b'\t' | 0x0c | b'\r' | b'\\' => return None,
            _ => {}
        }
        let start = i;
        let (end, last, next) = line_end(b, start)?;
        let kind = kind_of(b, start);
        let header = matches!(
            kind,
            Kind::Def | Kind::Class | Kind::Clause | Kind::For | Kind::Compound
        ) && last.is_some_and(|k| b[k] == b':');
        out.push(Line {
            start,
            end,
            indent: start - line_start,
            kind,
            header,
            pure: kind == Kind::Str && pure_strings(b, start, end),
            trigger: false,
        });
        i = next;
    }
    Some(out)
}

/// From a statement's first byte: the end of its logical line (before the line break), its
/// last byte that is not a blank or in a comment, and where the next line starts.
fn line_end(b: &[u8], mut i: usize) -> Option<(usize, Option<usize>, usize)> {
    let n = b.len();
    let mut depth = 0usize;
    let mut last = None;
    while i < n {
        let c = b[i];
        match CLASS[c as usize] {
            NL if depth == 0 => {
                let end = if i > 0 && b[i - 1] == b'\r' { i - 1 } else { i };
                return Some((end, last, i + 1));
            }
            NL => i += 1,
            HASH => i = memchr(b'\n', &b[i..]).map_or(n, |k| i + k),
            QUOTE => {
                i = string_end(b, i)?;
                last = Some(i - 1);
            }
            BACKSLASH => match (b.get(i + 1), b.get(i + 2)) {
                (Some(b'\n'), _) => i += 2,
                (Some(b'\r'), Some(b'\n')) => i += 3,
                _ => return None,
            },
            OPEN => {
                depth += 1;
                last = Some(i);
                i += 1;
            }
            CLOSE => {
                depth = depth.checked_sub(1)?;
                last = Some(i);
                i += 1;
            }
            _ => {
                // A run of other bytes; blanks and `\r` are below `!`.
                let mut k = i;
                while k < n && CLASS[b[k] as usize] == INERT {
                    if b[k] > b' ' {
                        last = Some(k);
                    }
                    k += 1;
                }
                i = k.max(i + 1);
            }
        }
    }
    (depth == 0).then_some((n, last, n))
}

/// Whether `b[start..end]` is string literals only (no f-string, which may hold code), with
/// blanks, continuations and a comment.
fn pure_strings(b: &[u8], start: usize, end: usize) -> bool {
    let mut i = start;
    loop {
        while i < end && matches!(b[i], b' ' | b'\t' | b'\\' | b'\r' | b'\n') {
            i += 1;
        }
        if i >= end || b[i] == b'#' {
            return true;
        }
        let w = ident_at(b, i);
        let q = i + w.len();
        if !matches!(b.get(q), Some(b'\'' | b'"')) || string_prefix(b, q) != (i, false) {
            return false;
        }
        match string_end(b, q) {
            Some(e) if e <= end => i = e,
            _ => return false,
        }
    }
}

fn kind_of(b: &[u8], start: usize) -> Kind {
    if b[start] == b'@' {
        return Kind::Decorator;
    }
    if b[start] == b'\'' || b[start] == b'"' {
        return Kind::Str;
    }
    let w = ident_at(b, start);
    let q = start + w.len();
    if matches!(b.get(q), Some(b'\'' | b'"')) && string_prefix(b, q).0 == start {
        return Kind::Str;
    }
    match w {
        b"def" => Kind::Def,
        b"class" => Kind::Class,
        b"for" => Kind::For,
        b"if" | b"while" | b"try" | b"with" | b"match" | b"case" => Kind::Compound,
        b"elif" | b"else" | b"except" | b"finally" => Kind::Clause,
        b"import" | b"from" => Kind::Import,
        b"async" => {
            let mut j = start + w.len();
            while matches!(b.get(j), Some(b' ' | b'\t')) {
                j += 1;
            }
            match ident_at(b, j) {
                b"def" => Kind::Def,
                b"for" => Kind::For,
                b"with" => Kind::Compound,
                _ => Kind::Simple,
            }
        }
        _ => Kind::Simple,
    }
}

/// A token of a logical line.
pub(super) enum Tok {
    /// An identifier (keywords included) and the bracket depth it is at.
    Ident(usize, usize, usize),
    /// An `=` or augmented assignment at bracket depth 0.
    Assign,
    /// `:=`.
    Walrus,
    /// A `:` at bracket depth 0 (an annotation's, a lambda's or a header's).
    Colon,
    /// An f-string (or t-string): code may hide in it.
    FStr(usize, usize),
}

/// The tokens of `b[start..end]` that the mask reads. Strings and comments are skipped (their
/// ends are known: the line was read by [`line_end`]).
pub(super) fn tokens(b: &[u8], start: usize, end: usize, mut f: impl FnMut(Tok)) {
    let mut i = start;
    let mut depth = 0usize;
    while i < end {
        let c = b[i];
        if is_ident_start(c) {
            let s = i;
            while i < end && is_ident_byte(b[i]) {
                i += 1;
            }
            let prefix = (i < end && (b[i] == b'\'' || b[i] == b'"')).then(|| string_prefix(b, i));
            if let Some((p, fstring)) = prefix.filter(|&(p, _)| p == s) {
                let e = string_end(b, i).unwrap_or(end).min(end);
                if fstring {
                    f(Tok::FStr(p, e));
                }
                i = e;
                continue;
            }
            f(Tok::Ident(s, i, depth));
            continue;
        }
        if c.is_ascii_digit() {
            while i < end && (is_ident_byte(b[i]) || b[i] == b'.') {
                i += 1;
            }
            continue;
        }
        match c {
            b'\'' | b'"' => {
                i = string_end(b, i).unwrap_or(end).min(end);
                continue;
            }
            b'#' => {
                i = memchr(b'\n', &b[i..end]).map_or(end, |k| i + k);
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b':' if b.get(i + 1) == Some(&b'=') => {
                f(Tok::Walrus);
                i += 2;
                continue;
            }
            b':' if depth == 0 => f(Tok::Colon),
            b'=' if b.get(i + 1) == Some(&b'=') => {
                i += 2;
                continue;
            }
            b'=' => {
                let prev = if i > start { b[i - 1] } else { 0 };
                let comparison = matches!(prev, b'!' | b'=')
                    || (matches!(prev, b'<' | b'>') && (i < start + 2 || b[i - 2] != prev));
                if !comparison && depth == 0 {
                    f(Tok::Assign);
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// Calls `f` with the start and end of every word of the f-string `b[p..e]` (prefix at `p`)
/// that is in a replacement field; with every word when its fields cannot be told.
pub(super) fn fstring_words(b: &[u8], p: usize, e: usize, mut f: impl FnMut(usize, usize)) {
    let q = p + b[p..e]
        .iter()
        .position(|&c| c == b'\'' || c == b'"')
        .unwrap_or(0);
    match fstring_fields(b, q) {
        Some(fields) => {
            for r in fields {
                for_each_word(&b[r.start..r.end.min(e)], |ws, we| {
                    f(r.start + ws, r.start + we)
                });
            }
        }
        None => for_each_word(&b[p..e], |ws, we| f(p + ws, p + we)),
    }
}

/// Where the byte `s` of a word on `line` stands: None in a string or a comment (an f-string's
/// replacement fields are code), else whether the word follows `as`.
pub(super) fn code_word(b: &[u8], line: &Line, s: usize) -> Option<bool> {
    let (mut code, mut fstring, mut after_as, mut prev_as) = (false, None, false, false);
    tokens(b, line.start, line.end, |t| match t {
        Tok::Ident(ws, we, _) => {
            if ws <= s && s < we {
                code = true;
                after_as = prev_as;
            }
            prev_as = &b[ws..we] == b"as";
        }
        Tok::FStr(p, fe) if p <= s && s < fe => fstring = Some((p, fe)),
        _ => prev_as = false,
    });
    if let Some((p, fe)) = fstring {
        let mut inside = false;
        fstring_words(b, p, fe, |ws, we| inside |= ws <= s && s < we);
        return inside.then_some(false);
    }
    code.then_some(after_as)
}

/// Whether the name at `s..e` on `line` stands where a callee, an object whose attribute is
/// called, or a binding can be: in code (not in a string or a comment; in an f-string, in a
/// replacement field), and not where a value is only read as an argument, an element or an
/// annotation — followed by `,` `]` `}` `|` or `:`, or by `)` and then anything but the end
/// of the line, `(` or `.` (`X = (Name)` copies Name's binding) — unless it follows `as`.
pub(super) fn code_use(b: &[u8], line: &Line, s: usize, e: usize) -> bool {
    let Some(after_as) = code_word(b, line, s) else {
        return false;
    };
    if after_as {
        return true;
    }
    let next = |j| next_code_byte(b, line, j);
    match next(e) {
        None | Some((_, b'#' | b';' | b'(' | b'.')) => true,
        Some((j, b':')) => b.get(j + 1) == Some(&b'='),
        Some((_, b',' | b']' | b'}' | b'|')) => false,
        Some((mut j, b')')) => {
            while let Some((k, b')')) = next(j) {
                j = k + 1;
            }
            matches!(next(j), None | Some((_, b'#' | b';' | b'(' | b'.')))
        }
        Some(_) => true,
    }
}

/// The first byte at or after `j` on `line` that is not a blank, a line break or a `\`
/// continuation, with where it is.
pub(super) fn next_code_byte(b: &[u8], line: &Line, mut j: usize) -> Option<(usize, u8)> {
    while j < line.end && matches!(b[j], b' ' | b'\t' | b'\x0c' | b'\\' | b'\r' | b'\n') {
        j += 1;
    }
    (j < line.end).then(|| (j, b[j]))
}

/// The line holding byte `at`, if any.
pub(super) fn line_at(lines: &[Line], at: usize) -> Option<usize> {
    let i = lines.partition_point(|l| l.start <= at).checked_sub(1)?;
    (at < lines[i].end).then_some(i)
}

/// Calls `f` with the start and end of every whole ASCII word of `b` (a maximal run of ASCII
/// identifier bytes; digits may start one, which no name does).
pub(super) fn for_each_word(b: &[u8], mut f: impl FnMut(usize, usize)) {
    let word = |c: u8| c.is_ascii() && is_ident_byte(c);
    let n = b.len();
    let mut i = 0;
    while i < n {
        if !word(b[i]) {
            i += 1;
            continue;
        }
        let s = i;
        while i < n && word(b[i]) {
            i += 1;
        }
        f(s, i);
    }
}

/// A few names, with a test on length and first byte before the hash.
pub(super) struct WordSet<'a> {
    names: HashSet<&'a [u8]>,
    lens: u64,
    firsts: [bool; 256],
}

impl<'a> WordSet<'a> {
    pub(super) fn new(names: impl IntoIterator<Item = &'a [u8]>) -> Self {
        let mut set = WordSet {
            names: HashSet::default(),
            lens: 0,
            firsts: [false; 256],
        };
        for n in names {
            if let Some(&c) = n.first() {
                set.lens |= 1 << n.len().min(63);
                set.firsts[c as usize] = true;
                set.names.insert(n);
            }
        }
        set
    }

    pub(super) fn contains(&self, w: &[u8]) -> bool {
        self.lens & (1 << w.len().min(63)) != 0
            && w.first().is_some_and(|&c| self.firsts[c as usize])
            && self.names.contains(w)
    }
}

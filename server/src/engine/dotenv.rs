//! `.env` files parsed exactly as python-dotenv parses them (what the user's program runs), with
//! byte spans for every statement.

use std::borrow::Cow;
use std::collections::HashMap;

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

/// Parse `.env` text exactly as python-dotenv 1.2.4's `dotenv_values(path)` does.
///
/// Semantics (mirroring `dotenv/parser.py`, `dotenv/variables.py`, `dotenv/main.py`):
/// - The file is read in Python's universal-newline mode: `\r\n` and a lone `\r` both become
///   `\n`, so multi-line values contain `\n`, and a lone `\r` starts a new line (for `line`).
/// - One leading UTF-8 BOM is dropped; a second one is part of the first key.
/// - "Whitespace" is Python's `str.isspace()` set (includes U+00A0, U+3000, `\x1c`..`\x1f`).
/// - `Entry::line` / `ParseError::line` are the 0-based line of the statement's first
///   non-blank character. (python-dotenv's own warning reports the line where the previous
///   statement ended + 1, i.e. the first of any blank lines before the bad statement.)
/// - Spans are byte offsets into `text` itself (CRLF kept), so `&text[span]` is what was
///   written. `span` runs from the first non-blank character of the statement to the end of
///   its last line (trailing comment and whitespace included, line terminator excluded).
pub fn parse(text: &str) -> DotenvFile {
    let (norm, collapsed) = normalize_newlines(text);
    let mut parser = Parser {
        s: &norm,
        b: norm.as_bytes(),
        sq_value_dead: false,
        dq_value_dead: false,
        sq_key_cache: None,
    };
    let to_raw = |p: usize| p + collapsed.partition_point(|&c| c < p);
    let raw_span = |sp: Span| Span::new(to_raw(sp.start), to_raw(sp.end));

    let len = norm.len();
    let mut pos = if norm.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = LineCounter {
        b: norm.as_bytes(),
        pos: 0,
        line: 0,
    };
    let mut env: HashMap<String, Option<String>> = HashMap::new();
    // Only `${` can consult `env`; skip maintaining it for files without one.
    let interpolates = memchr::memmem::find(norm.as_bytes(), b"${").is_some();
    let mut out = DotenvFile::default();

    while pos < len {
        let start = parser.skip_ws(pos, true);
        if start >= len {
            break;
        }
        match parser.statement(start) {
            Ok(st) => {
                pos = st.next;
                let Some((key, key_span)) = st.key else {
                    continue;
                };
                let (literal, value, raw, quote) = match st.value {
                    Some(v) => {
                        let resolved = if interpolates {
                            interpolate(&v.literal, &env)
                        } else {
                            v.literal.clone()
                        };
                        (
                            Some(v.literal),
                            Some(resolved),
                            Some(raw_span(v.raw)),
                            v.quote,
                        )
                    }
                    None => (None, None, None, None),
                };
                if interpolates {
                    env.insert(key.clone(), value.clone());
                }
                out.entries.push(Entry {
                    key,
                    key_span: raw_span(key_span),
                    literal,
                    value,
                    raw_span: raw,
                    quote,
                    export: st.export,
                    span: raw_span(Span::new(start, st.end)),
                    line: lines.line_at(start),
                });
            }
            Err(fail) => {
                let fail = fail.clamp(start, len);
                let eol = parser.line_end(fail);
                out.errors.push(ParseError {
                    span: raw_span(Span::new(start, eol)),
                    line: lines.line_at(start),
                });
                pos = if eol < len { eol + 1 } else { len };
            }
        }
    }
    out
}

/// Python's `str.isspace()` (the same set as `\s` in a `str` regex).
fn is_py_space(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | '\x1c'..='\x1f'
            | ' '
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// Universal newlines: `\r\n` and lone `\r` become `\n`. Returns the normalized text and the
/// (normalized) offsets of every `\n` that replaced a two-byte `\r\n`, to map offsets back.
fn normalize_newlines(text: &str) -> (Cow<'_, str>, Vec<usize>) {
    if memchr::memchr(b'\r', text.as_bytes()).is_none() {
        return (Cow::Borrowed(text), Vec::new());
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut collapsed = Vec::new();
    let mut last = 0;
    for i in memchr::memchr_iter(b'\r', bytes) {
        if i < last {
            continue;
        }
        out.push_str(&text[last..i]);
        if bytes.get(i + 1) == Some(&b'\n') {
            collapsed.push(out.len());
            last = i + 2;
        } else {
            last = i + 1;
        }
        out.push('\n');
    }
    out.push_str(&text[last..]);
    (Cow::Owned(out), collapsed)
}

/// 0-based line of monotonically increasing offsets, counting `\n` (text is normalized).
struct LineCounter<'a> {
    b: &'a [u8],
    pos: usize,
    line: usize,
}

impl LineCounter<'_> {
    fn line_at(&mut self, p: usize) -> usize {
        let p = p.min(self.b.len());
        if p < self.pos {
            self.pos = 0;
            self.line = 0;
        }
        self.line += memchr::memchr_iter(b'\n', &self.b[self.pos..p]).count();
        self.pos = p;
        self.line
    }
}

struct Value {
    literal: String,
    raw: Span,
    quote: Option<Quote>,
}

struct Statement {
    export: bool,
    key: Option<(String, Span)>,
    value: Option<Value>,
    /// End of the statement's last line, before its terminator.
    end: usize,
    /// Where the next statement's search starts (after the terminator).
    next: usize,
}

struct Parser<'a> {
    s: &'a str,
    b: &'a [u8],
    /// A failed quoted-value scan ran to the end of the text without finding its closing
    /// quote; every later scan of the same kind would fail the same way (keeps it linear).
    sq_value_dead: bool,
    dq_value_dead: bool,
    /// Last search for a `'` closing a quoted key: (searched from, found at).
    sq_key_cache: Option<(usize, Option<usize>)>,
}

impl Parser<'_> {
    fn char_at(&self, p: usize) -> Option<char> {
        self.s.get(p..)?.chars().next()
    }

    /// `\s*` (with `newlines`) or `[^\S\r\n]*`.
    fn skip_ws(&self, mut p: usize, newlines: bool) -> usize {
        while let Some(c) = self.char_at(p) {
            if !is_py_space(c) || (!newlines && c == '\n') {
                break;
            }
            p += c.len_utf8();
        }
        p
    }

    /// Offset of the `\n` ending the line containing `p`, or the text length.
    fn line_end(&self, p: usize) -> usize {
        let p = p.min(self.b.len());
        memchr::memchr(b'\n', &self.b[p..]).map_or(self.b.len(), |i| p + i)
    }

    fn next_single_quote(&mut self, from: usize) -> Option<usize> {
        if let Some((searched, found)) = self.sq_key_cache {
            if from >= searched && found.is_none_or(|f| f >= from) {
                return found;
            }
        }
        let found = memchr::memchr(b'\'', self.b.get(from..)?).map(|i| from + i);
        self.sq_key_cache = Some((from, found));
        found
    }

    /// One binding starting at a non-blank `p`. `Err` carries the offset where reading failed.
    fn statement(&mut self, mut p: usize) -> Result<Statement, usize> {
        let b = self.b;
        let mut export = false;
        if b[p..].starts_with(b"export") {
            let q = self.skip_ws(p + 6, false);
            if q > p + 6 {
                export = true;
                p = q;
            }
        }

        let key = match b.get(p) {
            Some(b'#') => None,
            Some(b'\'') => match self.next_single_quote(p + 1) {
                Some(close) if close > p + 1 => {
                    let key = (self.s[p + 1..close].to_owned(), Span::new(p + 1, close));
                    p = close + 1;
                    Some(key)
                }
                _ => return Err(p),
            },
            _ => {
                let mut q = p;
                while let Some(c) = self.char_at(q) {
                    if c == '=' || c == '#' || is_py_space(c) {
                        break;
                    }
                    q += c.len_utf8();
                }
                if q == p {
                    return Err(p);
                }
                let key = (self.s[p..q].to_owned(), Span::new(p, q));
                p = q;
                Some(key)
            }
        };

        p = self.skip_ws(p, false);
        let value = if b.get(p) == Some(&b'=') {
            let after_eq = p + 1;
            p = self.skip_ws(after_eq, false);
            let empty = || Value {
                literal: String::new(),
                raw: Span::empty(after_eq),
                quote: None,
            };
            match b.get(p) {
                // `KEY= # comment`: whitespace after `=` then `#` is an empty value.
                Some(b'#') if p > after_eq => Some(empty()),
                None | Some(b'\n') => Some(empty()),
                Some(b'\'') => {
                    let (v, next) = self.quoted(p, Quote::Single)?;
                    p = next;
                    Some(v)
                }
                Some(b'"') => {
                    let (v, next) = self.quoted(p, Quote::Double)?;
                    p = next;
                    Some(v)
                }
                Some(_) => {
                    let eol = self.line_end(p);
                    let part = &self.s[p..eol];
                    let mut cut = part.len();
                    let mut prev_space = false;
                    for (i, c) in part.char_indices() {
                        if c == '#' && prev_space {
                            cut = i;
                            break;
                        }
                        prev_space = is_py_space(c);
                    }
                    let literal = part[..cut].trim_end_matches(is_py_space);
                    let v = Value {
                        literal: literal.to_owned(),
                        raw: Span::new(p, p + literal.len()),
                        quote: None,
                    };
                    p = eol;
                    Some(v)
                }
            }
        } else {
            None
        };

        // `(?:[^\S\r\n]*#[^\r\n]*)?`
        let q = self.skip_ws(p, false);
        if b.get(q) == Some(&b'#') {
            p = self.line_end(q);
        }
        // `[^\S\r\n]*(?:\r\n|\n|\r|$)`
        let q = self.skip_ws(p, false);
        let (end, next) = match b.get(q) {
            None => (q, q),
            Some(b'\n') => (q, q + 1),
            Some(_) => return Err(p),
        };
        Ok(Statement {
            export,
            key,
            value,
            end,
            next,
        })
    }

    /// `'((?:\\.|[^'\\])*)'` / `"((?:\\.|[^"\\])*)"` at `open`; returns the value and the
    /// offset after the closing quote.
    fn quoted(&mut self, open: usize, quote: Quote) -> Result<(Value, usize), usize> {
        let (qb, dead) = match quote {
            Quote::Single => (b'\'', &mut self.sq_value_dead),
            Quote::Double => (b'"', &mut self.dq_value_dead),
        };
        if *dead {
            return Err(open);
        }
        let b = self.b;
        let mut i = open + 1;
        let close = loop {
            match memchr::memchr2(b'\\', qb, &b[i.min(b.len())..]) {
                None => {
                    *dead = true;
                    return Err(open);
                }
                Some(off) => {
                    let j = i + off;
                    if b[j] == qb {
                        break j;
                    }
                    if j + 1 >= b.len() {
                        *dead = true;
                        return Err(open);
                    }
                    i = j + 2;
                }
            }
        };
        let content = &self.s[open + 1..close];
        let literal = match quote {
            Quote::Single => unescape(content, |c| matches!(c, '\\' | '\'').then_some(c)),
            Quote::Double => unescape(content, |c| {
                Some(match c {
                    '\\' | '\'' | '"' => c,
                    'a' => '\x07',
                    'b' => '\x08',
                    'f' => '\x0c',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    'v' => '\x0b',
                    _ => return None,
                })
            }),
        };
        let value = Value {
            literal,
            raw: Span::new(open, close + 1),
            quote: Some(quote),
        };
        Ok((value, close + 1))
    }
}

/// `re.sub(r"\\[...]", codecs 'unicode-escape' decode, s)`: a backslash followed by a
/// recognised character becomes that escape; any other backslash stays as it is.
fn unescape(s: &str, escape: impl Fn(char) -> Option<char>) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(decoded) = chars.peek().copied().and_then(&escape) {
                out.push(decoded);
                chars.next();
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// python-dotenv's `${NAME}` / `${NAME:-default}` expansion (`variables.py`): `NAME` is
/// `[^}:]*`, the default `[^}]*` and is not itself expanded. A name defined earlier wins even
/// when its value is empty or None (None expands to ""); otherwise the default, else "".
fn interpolate(value: &str, env: &HashMap<String, Option<String>>) -> String {
    let b = value.as_bytes();
    if memchr::memchr(b'$', b).is_none() {
        return value.to_owned();
    }
    let mut out = String::new();
    let mut cursor = 0;
    let mut search = 0;
    let resolve = |name: &str, default: Option<&str>| -> String {
        match env.get(name) {
            Some(v) => v.clone().unwrap_or_default(),
            None => default.unwrap_or_default().to_owned(),
        }
    };
    while let Some(off) = memchr::memchr(b'$', &b[search..]) {
        let dollar = search + off;
        if b.get(dollar + 1) != Some(&b'{') {
            search = dollar + 1;
            continue;
        }
        let name_start = dollar + 2;
        let Some(k) = memchr::memchr2(b'}', b':', &b[name_start..]) else {
            break;
        };
        let k = name_start + k;
        let name = &value[name_start..k];
        if b[k] == b'}' {
            out.push_str(&value[cursor..dollar]);
            out.push_str(&resolve(name, None));
            cursor = k + 1;
            search = k + 1;
        } else if b.get(k + 1) == Some(&b'-') {
            let d0 = k + 2;
            let Some(e) = memchr::memchr(b'}', &b[d0..]) else {
                break;
            };
            let e = d0 + e;
            out.push_str(&value[cursor..dollar]);
            out.push_str(&resolve(name, Some(&value[d0..e])));
            cursor = e + 1;
            search = e + 1;
        } else {
            // Every `${` before this `:` fails on it too.
            search = k + 1;
        }
    }
    out.push_str(&value[cursor..]);
    out
}

/// A definition of `name` commented out on a line of its own (`# NAME=…`, `#NAME=`,
/// `# export NAME=`): the span of the comment marker and the blanks after it, which
/// uncommenting deletes.
pub fn commented_definition(text: &str, name: &str) -> Option<crate::engine::text::Span> {
    if !text.contains(name) {
        return None;
    }
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let line_start = start;
        start += line.len();
        let indent = line.len() - line.trim_start().len();
        let Some(rest) = line.trim_start().strip_prefix('#') else {
            continue;
        };
        let body = rest.trim_start();
        let def = body.strip_prefix("export ").unwrap_or(body).trim_start();
        if def
            .strip_prefix(name)
            .is_some_and(|after| after.trim_start().starts_with('='))
        {
            let marker = line_start + indent;
            let end = marker + 1 + (rest.len() - body.len());
            return Some(crate::engine::text::Span::new(marker, end));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    fn value(file: &DotenvFile, key: &str) -> Option<String> {
        file.get(key).and_then(|e| e.value.clone())
    }

    /// (key, raw, statement) as written, for each entry.
    fn spans(text: &str) -> Vec<(&str, Option<&str>, &str)> {
        parse(text)
            .entries
            .iter()
            .map(|e| {
                (
                    slice(text, e.key_span),
                    e.raw_span.map(|s| slice(text, s)),
                    slice(text, e.span),
                )
            })
            .collect()
    }

    #[test]
    fn spans_cover_what_was_written() {
        let text = "A=1\n  export B = \"two\"  # c\nC\nD=\nE= # c\n'my key'=x\nF=a b # c\n";
        assert_eq!(
            spans(text),
            vec![
                ("A", Some("1"), "A=1"),
                ("B", Some("\"two\""), "export B = \"two\"  # c"),
                ("C", None, "C"),
                ("D", Some(""), "D="),
                ("E", Some(""), "E= # c"),
                ("my key", Some("x"), "'my key'=x"),
                ("F", Some("a b"), "F=a b # c"),
            ]
        );
        let file = parse(text);
        let d = file.get("D").unwrap();
        assert_eq!(d.raw_span, Some(Span::empty(text.find("D=").unwrap() + 2)));
        let e = file.get("E").unwrap();
        assert_eq!(e.raw_span, Some(Span::empty(text.find("E=").unwrap() + 2)));
        let lines: Vec<usize> = file.entries.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![0, 1, 2, 3, 4, 5, 6]);
        assert!(file.get("B").unwrap().export);
        assert_eq!(file.get("B").unwrap().quote, Some(Quote::Double));
    }

    #[test]
    fn spans_with_crlf_bom_and_multiline() {
        let text = "\u{feff}A='x\r\ny'\r\nB=\"日本\" \r\n\r\nC=😀 # c\r\n";
        assert_eq!(
            spans(text),
            vec![
                ("A", Some("'x\r\ny'"), "A='x\r\ny'"),
                ("B", Some("\"日本\""), "B=\"日本\" "),
                ("C", Some("😀"), "C=😀 # c"),
            ]
        );
        let file = parse(text);
        assert_eq!(value(&file, "A").as_deref(), Some("x\ny"));
        let lines: Vec<usize> = file.entries.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![0, 2, 4]);
    }

    #[test]
    fn error_spans_and_lines() {
        let text = "A=1\n\n\n=x\nK=\"ab\ncd\"junk\nB=\"open\nC=3\r\nKEY VALUE";
        let file = parse(text);
        let errors: Vec<(&str, usize)> = file
            .errors
            .iter()
            .map(|e| (slice(text, e.span), e.line))
            .collect();
        assert_eq!(
            errors,
            vec![
                ("=x", 3),
                ("K=\"ab\ncd\"junk", 4),
                ("B=\"open", 6),
                ("KEY VALUE", 8)
            ]
        );
        let keys: Vec<&str> = file.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, vec!["A", "C"]);
    }

    #[test]
    fn values_follow_python_dotenv() {
        let text = concat!(
            "A=plain value   # comment\n",
            "B=\"esc\\n\\t\\\"\\x41\"\n",
            "C='lit\\n \\' \\\\'\n",
            "D=${A}-${MISSING:-def}-$A-${C}\n",
            "E\n",
            "F=${E:-unused}|${EMPTY:-d}\n",
            "EMPTY=\n",
            "G=${EMPTY:-d}\n",
            "H=url#frag\n",
            "I= #only comment\n",
            "A=${A}!\n",
        );
        let file = parse(text);
        assert!(file.errors.is_empty());
        assert_eq!(value(&file, "B").as_deref(), Some("esc\n\t\"\\x41"));
        assert_eq!(value(&file, "C").as_deref(), Some("lit\\n ' \\"));
        assert_eq!(
            value(&file, "D").as_deref(),
            Some("plain value-def-$A-lit\\n ' \\")
        );
        assert_eq!(
            file.get("D").unwrap().literal.as_deref(),
            Some("${A}-${MISSING:-def}-$A-${C}")
        );
        assert_eq!(file.get("E").unwrap().value, None);
        assert_eq!(value(&file, "F").as_deref(), Some("|d"));
        assert_eq!(value(&file, "G").as_deref(), Some(""));
        assert_eq!(value(&file, "H").as_deref(), Some("url#frag"));
        assert_eq!(value(&file, "I").as_deref(), Some(""));
        assert_eq!(value(&file, "A").as_deref(), Some("plain value!"));
        assert_eq!(file.entries.iter().filter(|e| e.key == "A").count(), 2);
    }

    #[test]
    fn interpolation_edges() {
        let env: HashMap<String, Option<String>> = [
            ("A".to_owned(), Some("x".to_owned())),
            ("N".to_owned(), None),
        ]
        .into();
        let cases = [
            ("${A}", "x"),
            ("${A:-d}", "x"),
            ("${N:-d}", ""),
            ("${Z:-d}", "d"),
            ("${Z:-a:-b}", "a:-b"),
            ("${Z:-${A}}", "${A}"),
            ("${A:B}${A}", "${A:B}x"),
            ("${", "${"),
            ("${A", "${A"),
            ("${}", ""),
            ("${:-d}", "d"),
            ("$A ${ A }", "$A "),
            ("${Z:-open", "${Z:-open"),
        ];
        for (input, want) in cases {
            assert_eq!(interpolate(input, &env), want, "{input:?}");
        }
    }

    #[test]
    fn never_panics_on_odd_input() {
        let inputs = [
            "",
            "\r",
            "\r\r\n\r",
            "\u{feff}",
            "\u{feff}\u{feff}",
            "\0=\0",
            "A=\"\\",
            "A='\\",
            "'",
            "''",
            "export",
            "export ",
            "export \r\n",
            "A=\"\r",
            "A=${",
            "A=${:",
            "A=${:-",
            "=",
            "#",
            "A=😀\u{a0}\u{3000}",
            "\u{85}\u{2028}A\u{2029}=\u{85}",
        ];
        for text in inputs {
            let file = parse(text);
            for e in &file.entries {
                for span in [Some(e.key_span), e.raw_span, Some(e.span)]
                    .into_iter()
                    .flatten()
                {
                    assert!(
                        text.get(span.start..span.end).is_some(),
                        "{text:?} {span:?}"
                    );
                }
            }
            for e in &file.errors {
                assert!(text.get(e.span.start..e.span.end).is_some(), "{text:?}");
            }
        }
    }

    #[test]
    fn linear_on_pathological_input() {
        // Each of these is quadratic with naive rescanning (python-dotenv's regexes are).
        let n = 200_000;
        let inputs = [
            "A=\"\n".repeat(n),
            "A='\n".repeat(n),
            "'k\n".repeat(n),
            format!("A={}", "${".repeat(n)),
            format!("A={}", "${x:".repeat(n)),
            format!("A={}", "${x:-".repeat(n)),
            format!("A={}", "\\".repeat(n)),
            " \t".repeat(n),
            "=\n".repeat(n),
        ];
        for text in &inputs {
            let start = std::time::Instant::now();
            let _ = parse(text);
            assert!(
                start.elapsed() < std::time::Duration::from_secs(10),
                "slow on {:?}…",
                &text[..8]
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn spans_are_in_bounds(text in "[AB=#'\"\\\\$\\{\\}:\\- \t\r\n\u{a0}é😀\u{feff}x]{0,60}") {
            let file = parse(&text);
            let mut last = 0;
            for e in &file.entries {
                proptest::prop_assert!(text.get(e.span.start..e.span.end).is_some());
                proptest::prop_assert!(text.get(e.key_span.start..e.key_span.end).is_some());
                if let Some(raw) = e.raw_span {
                    proptest::prop_assert!(text.get(raw.start..raw.end).is_some());
                    proptest::prop_assert!(e.span.start <= raw.start && raw.end <= e.span.end);
                }
                proptest::prop_assert!(e.span.start >= last);
                last = e.span.end;
                proptest::prop_assert_eq!(e.literal.is_some(), e.raw_span.is_some());
            }
            for e in &file.errors {
                proptest::prop_assert!(text.get(e.span.start..e.span.end).is_some());
            }
        }
    }
}

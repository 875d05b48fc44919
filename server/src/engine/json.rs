//! A JSON reader with byte spans that accepts exactly what Python's `json.loads` accepts
//! (CPython 3.11's C scanner, `strict=True`) and fails where it fails, with its message and
//! position. AutoGen reads `OAI_CONFIG_LIST` with `json.load`/`json.loads`, so this is the
//! oracle; `tests/json-conformance/` records the vectors. A leaf: no I/O, no other engine
//! module.
//!
//! Differences that cannot matter for a config list: numbers keep their source text (no
//! big-integer arithmetic), lone surrogates in `\u` escapes decode to U+FFFD, and nesting
//! deeper than [`MAX_DEPTH`] is an error (Python raises `RecursionError` near 1,000).

use std::ops::Range;

/// Deeper nesting is reported instead of recursed into, so hostile input can't overflow the stack.
pub const MAX_DEPTH: usize = 256;

/// A parsed value and the bytes it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Json {
    pub kind: JsonKind,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum JsonKind {
    Null,
    Bool(bool),
    /// Source text of the number, including `NaN`, `Infinity`, `-Infinity`.
    Number,
    String(String),
    /// A value [`parse_skipping`] read (and found valid) but did not keep.
    Skipped,
    Array(Vec<Json>),
    /// Members in source order; duplicates kept (Python's dict keeps the last value).
    Object(Vec<Member>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: String,
    pub key_span: Range<usize>,
    pub value: Json,
}

/// Why `json.loads` would raise, and where (a byte offset into the parsed text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// Python's message without its position suffix, e.g. `Expecting ',' delimiter`.
    pub message: String,
    pub offset: usize,
}

impl Json {
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            JsonKind::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn members(&self) -> Option<&[Member]> {
        match &self.kind {
            JsonKind::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn items(&self) -> Option<&[Json]> {
        match &self.kind {
            JsonKind::Array(v) => Some(v),
            _ => None,
        }
    }

    /// The value Python's dict would hold for `key`: the last member of that name.
    pub fn get(&self, key: &str) -> Option<&Member> {
        self.members()?.iter().rev().find(|m| m.key == key)
    }
}

/// `json.loads(text)`.
pub fn parse(text: &str) -> Result<Json, JsonError> {
    parse_skipping(text, |_| false)
}

/// [`parse`], but the value of every member whose key `skip` accepts is only checked, not
/// kept ([`JsonKind::Skipped`]): the same errors at the same offsets, without building what
/// a reader does not need (a notebook's images).
pub fn parse_skipping(text: &str, skip: fn(&str) -> bool) -> Result<Json, JsonError> {
    if text.starts_with('\u{feff}') {
        return Err(err("Unexpected UTF-8 BOM (decode using utf-8-sig)", 0));
    }
    let mut p = Parser {
        text,
        s: text.as_bytes(),
        depth: 0,
        skip,
        discard: false,
    };
    let start = p.ws(0);
    let (value, end) = p.value(start)?;
    let end = p.ws(end);
    if end != text.len() {
        return Err(err("Extra data", end));
    }
    Ok(value)
}

/// Python's `(lineno, colno, pos)` for a byte offset: 1-based line, 1-based column in code
/// points, 0-based code point index. With `universal_newlines` (a file read by `json.load`
/// through `open()`), `\r\n` and a lone `\r` count as one `\n`, as Python saw them.
pub fn python_position(
    text: &str,
    offset: usize,
    universal_newlines: bool,
) -> (usize, usize, usize) {
    let before = &text[..offset.min(text.len())];
    let (mut line, mut col, mut pos) = (1, 1, 0);
    let mut chars = before.chars().peekable();
    while let Some(c) = chars.next() {
        if universal_newlines && c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            line += 1;
            col = 1;
        } else if c == '\n' {
            line += 1;
            col = 1;
        } else {
            col += 1;
        }
        pos += 1;
    }
    (line, col, pos)
}

/// Python's full message: `Expecting value: line 1 column 1 (char 0)`.
pub fn python_message(text: &str, error: &JsonError, universal_newlines: bool) -> String {
    let (line, col, pos) = python_position(text, error.offset, universal_newlines);
    format!("{}: line {line} column {col} (char {pos})", error.message)
}

fn err(message: impl Into<String>, offset: usize) -> JsonError {
    JsonError {
        message: message.into(),
        offset,
    }
}

/// A value and the offset right after it.
type Parsed = Result<(Json, usize), JsonError>;

struct Parser<'a> {
    text: &'a str,
    s: &'a [u8],
    depth: usize,
    skip: fn(&str) -> bool,
    /// Inside a skipped value: strings are not decoded, arrays and objects not collected.
    discard: bool,
}

impl Parser<'_> {
    fn ws(&self, mut i: usize) -> usize {
        while matches!(self.s.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            i += 1;
        }
        i
    }

    fn starts(&self, i: usize, word: &[u8]) -> bool {
        self.s.get(i..i + word.len()) == Some(word)
    }

    /// `scan_once`: a value starting exactly at `i`, and the offset after it.
    fn value(&mut self, i: usize) -> Parsed {
        let at = |kind, end| Ok((Json { kind, span: i..end }, end));
        match self.s.get(i) {
            None => Err(err("Expecting value", i)),
            Some(b'"') => {
                let (s, end) = self.string(i)?;
                at(JsonKind::String(s), end)
            }
            Some(b'{') => self.nested(i, Self::object),
            Some(b'[') => self.nested(i, Self::array),
            Some(b'n') if self.starts(i, b"null") => at(JsonKind::Null, i + 4),
            Some(b't') if self.starts(i, b"true") => at(JsonKind::Bool(true), i + 4),
            Some(b'f') if self.starts(i, b"false") => at(JsonKind::Bool(false), i + 5),
            Some(b'N') if self.starts(i, b"NaN") => at(JsonKind::Number, i + 3),
            Some(b'I') if self.starts(i, b"Infinity") => at(JsonKind::Number, i + 8),
            Some(b'-') if self.starts(i, b"-Infinity") => at(JsonKind::Number, i + 9),
            Some(_) => match self.number(i) {
                Some(end) => at(JsonKind::Number, end),
                None => Err(err("Expecting value", i)),
            },
        }
    }

    fn nested(&mut self, i: usize, f: fn(&mut Self, usize) -> Parsed) -> Parsed {
        if self.depth >= MAX_DEPTH {
            return Err(err("Nesting too deep", i));
        }
        self.depth += 1;
        let r = f(self, i);
        self.depth -= 1;
        r
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`, longest match; a fraction or an
    /// exponent without digits is not part of the number (the next byte then fails).
    fn number(&self, i: usize) -> Option<usize> {
        let digits = |mut j: usize| {
            while self.s.get(j).is_some_and(u8::is_ascii_digit) {
                j += 1;
            }
            j
        };
        let mut j = i;
        if self.s.get(j) == Some(&b'-') {
            j += 1;
        }
        match self.s.get(j) {
            Some(b'0') => j += 1,
            Some(b'1'..=b'9') => j = digits(j + 1),
            _ => return None,
        }
        if self.s.get(j) == Some(&b'.') && self.s.get(j + 1).is_some_and(u8::is_ascii_digit) {
            j = digits(j + 1);
        }
        if matches!(self.s.get(j), Some(b'e' | b'E')) {
            let mut k = j + 1;
            if matches!(self.s.get(k), Some(b'+' | b'-')) {
                k += 1;
            }
            if self.s.get(k).is_some_and(u8::is_ascii_digit) {
                j = digits(k);
            }
        }
        Some(j)
    }

    /// A string whose opening quote is at `open`; returns the decoded text and the offset
    /// after the closing quote.
    fn string(&self, open: usize) -> Result<(String, usize), JsonError> {
        let unterminated = || err("Unterminated string starting at", open);
        let mut out = String::new();
        let mut i = open + 1;
        let mut chunk = i;
        loop {
            // Most of a notebook is long plain strings (base64 images): jump to the next quote
            // or backslash, and look for a control character in what was jumped over with a
            // loop that vectorizes.
            let next = memchr::memchr2(b'"', b'\\', &self.s[i.min(self.s.len())..])
                .map_or(self.s.len(), |n| i + n);
            let skipped = &self.s[i.min(next)..next];
            if skipped.iter().fold(false, |any, &c| any | (c < 0x20)) {
                i += skipped.iter().position(|&c| c < 0x20).unwrap_or(0);
            } else {
                i = next;
            }
            let Some(&b) = self.s.get(i) else {
                return Err(unterminated());
            };
            match b {
                b'"' => {
                    if !self.discard {
                        out.push_str(self.text(chunk, i));
                    }
                    return Ok((out, i + 1));
                }
                b'\\' => {
                    if !self.discard {
                        out.push_str(self.text(chunk, i));
                    }
                    let Some(&e) = self.s.get(i + 1) else {
                        return Err(unterminated());
                    };
                    i += 2;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4(i)?;
                            i += 4;
                            let c = if (0xd800..0xdc00).contains(&hi)
                                && self.starts(i, b"\\u")
                                && self
                                    .hex4(i + 2)
                                    .is_ok_and(|lo| (0xdc00..0xe000).contains(&lo))
                            {
                                let lo = self.hex4(i + 2)?;
                                i += 6;
                                0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                            } else {
                                hi
                            };
                            char::from_u32(c).unwrap_or('\u{fffd}')
                        }
                        _ => return Err(err("Invalid \\escape", i - 2)),
                    };
                    if !self.discard {
                        out.push(c);
                    }
                    chunk = i;
                }
                0..=0x1f => return Err(err("Invalid control character at", i)),
                _ => i += 1,
            }
        }
    }

    /// Four hex digits at `i` (after `\u`); Python reports the escape's backslash.
    fn hex4(&self, i: usize) -> Result<u32, JsonError> {
        let bad = || err("Invalid \\uXXXX escape", i - 1);
        let digits = self.s.get(i..i + 4).ok_or_else(bad)?;
        if !digits.iter().all(u8::is_ascii_hexdigit) {
            return Err(bad());
        }
        let text = std::str::from_utf8(digits).map_err(|_| bad())?;
        u32::from_str_radix(text, 16).map_err(|_| bad())
    }

    fn text(&self, from: usize, to: usize) -> &str {
        // Both ends sit on ASCII bytes of the text: a slice, not a second UTF-8 check.
        self.text.get(from..to).unwrap_or_default()
    }

    fn object(&mut self, open: usize) -> Parsed {
        let name_expected = "Expecting property name enclosed in double quotes";
        let mut members = Vec::new();
        let mut i = self.ws(open + 1);
        if self.s.get(i) == Some(&b'}') {
            let kind = JsonKind::Object(members);
            return Ok((
                Json {
                    kind,
                    span: open..i + 1,
                },
                i + 1,
            ));
        }
        loop {
            if self.s.get(i) != Some(&b'"') {
                return Err(err(name_expected, i));
            }
            let (key, after_key) = self.string(i)?;
            let key_span = i..after_key;
            i = self.ws(after_key);
            if self.s.get(i) != Some(&b':') {
                return Err(err("Expecting ':' delimiter", i));
            }
            i = self.ws(i + 1);
            let skipped = !self.discard && (self.skip)(&key);
            self.discard |= skipped;
            let parsed = self.value(i);
            self.discard &= !skipped;
            let (mut value, end) = parsed?;
            if skipped {
                value.kind = JsonKind::Skipped;
            }
            if !self.discard {
                members.push(Member {
                    key,
                    key_span,
                    value,
                });
            }
            i = self.ws(end);
            match self.s.get(i) {
                Some(b'}') => {
                    let kind = JsonKind::Object(members);
                    return Ok((
                        Json {
                            kind,
                            span: open..i + 1,
                        },
                        i + 1,
                    ));
                }
                Some(b',') => i = self.ws(i + 1),
                _ => return Err(err("Expecting ',' delimiter", i)),
            }
        }
    }

    fn array(&mut self, open: usize) -> Parsed {
        let mut items = Vec::new();
        let mut i = self.ws(open + 1);
        if self.s.get(i) == Some(&b']') {
            let kind = JsonKind::Array(items);
            return Ok((
                Json {
                    kind,
                    span: open..i + 1,
                },
                i + 1,
            ));
        }
        loop {
            let (value, end) = self.value(i)?;
            if !self.discard {
                items.push(value);
            }
            i = self.ws(end);
            match self.s.get(i) {
                Some(b']') => {
                    let kind = JsonKind::Array(items);
                    return Ok((
                        Json {
                            kind,
                            span: open..i + 1,
                        },
                        i + 1,
                    ));
                }
                Some(b',') => i = self.ws(i + 1),
                _ => return Err(err("Expecting ',' delimiter", i)),
            }
        }
    }
}

/// Where the decoded text of a JSON string sits in the source: decoded offsets map to raw
/// offsets one to one inside literal runs; inside an escape they map to its backslash.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StringMap {
    /// `(decoded offset, raw offset, is_escape)` at the start of each run, ascending.
    runs: Vec<(usize, usize, bool)>,
}

impl StringMap {
    /// The map of the string literal at `span` of `text` (quotes included), as [`parse`]
    /// accepted it.
    pub fn new(text: &str, span: Range<usize>) -> StringMap {
        let s = text.as_bytes();
        let end = span.end.saturating_sub(1).min(s.len());
        let mut runs = Vec::new();
        let (mut raw, mut decoded) = (span.start + 1, 0);
        let mut literal_open = false;
        while raw < end {
            if s[raw] == b'\\' {
                let (len, width) = escape_at(s, raw);
                runs.push((decoded, raw, true));
                literal_open = false;
                raw += len;
                decoded += width;
            } else {
                if !literal_open {
                    runs.push((decoded, raw, false));
                    literal_open = true;
                }
                let next = memchr::memchr(b'\\', &s[raw..end]).map_or(end, |k| raw + k);
                decoded += next - raw;
                raw = next;
            }
        }
        runs.push((decoded, raw, false));
        StringMap { runs }
    }

    /// Raw offset of the first byte of the decoded text (right after the opening quote).
    pub fn raw_start(&self) -> usize {
        self.runs.first().map_or(0, |r| r.1)
    }

    /// Decoded offset of a raw offset: inside an escape, the start of what it decodes to;
    /// before the text, 0; after it, its length.
    pub fn decoded_offset(&self, raw: usize) -> usize {
        let i = self.runs.partition_point(|r| r.1 <= raw);
        match i.checked_sub(1).and_then(|i| self.runs.get(i)) {
            Some(&(d, _, true)) => d,
            Some(&(d, r, false)) => {
                let next = self.runs.get(i).map_or(usize::MAX, |n| n.0);
                (d + (raw - r)).min(next)
            }
            None => 0,
        }
    }

    /// Raw offset of a decoded byte offset (the closing quote for the end of the text).
    pub fn raw_offset(&self, decoded: usize) -> usize {
        let i = self.runs.partition_point(|r| r.0 <= decoded);
        match i.checked_sub(1).and_then(|i| self.runs.get(i)) {
            Some(&(d, r, true)) if d == decoded => r,
            Some(&(_, r, true)) => r,
            Some(&(d, r, false)) => r + (decoded - d),
            None => 0,
        }
    }
}

/// Raw length of the escape at `i` and the UTF-8 width of what it decodes to (a pair of
/// `\u` surrogates is one escape of 12 bytes).
fn escape_at(s: &[u8], i: usize) -> (usize, usize) {
    let hex = |j: usize| {
        s.get(j..j + 4)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u32::from_str_radix(h, 16).ok())
    };
    if s.get(i + 1) != Some(&b'u') {
        return (2, 1);
    }
    let Some(hi) = hex(i + 2) else { return (2, 1) };
    if (0xd800..0xdc00).contains(&hi)
        && s.get(i + 6..i + 8) == Some(&b"\\u"[..])
        && hex(i + 8).is_some_and(|lo| (0xdc00..0xe000).contains(&lo))
    {
        return (12, 4);
    }
    let width = char::from_u32(hi).map_or(3, char::len_utf8);
    (6, width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_point_at_source() {
        let text = r#" [ {"model": "gpt-4o", "api_key": null} ] "#;
        let v = parse(text).unwrap();
        let entry = &v.items().unwrap()[0];
        let model = entry.get("model").unwrap();
        assert_eq!(&text[model.key_span.clone()], r#""model""#);
        assert_eq!(&text[model.value.span.clone()], r#""gpt-4o""#);
        assert_eq!(entry.get("api_key").unwrap().value.kind, JsonKind::Null);
    }

    #[test]
    fn last_duplicate_wins_like_a_dict() {
        let v = parse(r#"{"a": 1, "a": "x"}"#).unwrap();
        assert_eq!(v.get("a").unwrap().value.as_str(), Some("x"));
    }

    #[test]
    fn string_map_points_into_escapes() {
        let text = r#""a\u00e9b\n\ud83d\ude00c""#;
        let v = parse(text).unwrap();
        let decoded = v.as_str().unwrap();
        let map = StringMap::new(text, v.span.clone());
        for (d, c) in decoded.char_indices() {
            let raw = map.raw_offset(d);
            match c {
                'a' | 'b' | 'c' => assert_eq!(&text[raw..raw + 1], c.to_string()),
                _ => assert_eq!(&text[raw..raw + 1], "\\"),
            }
        }
        assert_eq!(map.raw_offset(decoded.len()), text.len() - 1);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000);
        assert_eq!(parse(&text).unwrap_err().message, "Nesting too deep");
    }

    #[test]
    fn positions_count_code_points_and_universal_newlines() {
        let text = "[\"é\",\r\n 1,]";
        let e = parse(text).unwrap_err();
        assert_eq!(e.message, "Expecting value");
        assert_eq!(python_position(text, e.offset, true), (2, 4, 9));
        assert_eq!(python_position(text, e.offset, false), (2, 4, 10));
    }

    #[test]
    fn skipped_values_are_checked_not_kept() {
        let text = r#"{"keep": ["a\n"], "skip": {"b": ["\u00e9", 1, {"c": null}]}, "z": 2}"#;
        let v = parse_skipping(text, |k| k == "skip").unwrap();
        let skipped = v.get("skip").unwrap();
        assert_eq!(skipped.value.kind, JsonKind::Skipped);
        assert_eq!(
            &text[skipped.value.span.clone()],
            r#"{"b": ["\u00e9", 1, {"c": null}]}"#
        );
        assert_eq!(
            v.get("keep").unwrap().value.items().unwrap()[0].as_str(),
            Some("a\n")
        );
        assert!(v.get("z").is_some());
        // An error inside a skipped value is the error `parse` reports.
        for bad in [
            r#"{"skip": ["\x"]}"#,
            "{\"skip\": \"a\u{1}\"}",
            r#"{"skip": [1,]}"#,
        ] {
            assert_eq!(
                parse_skipping(bad, |k| k == "skip").unwrap_err(),
                parse(bad).unwrap_err()
            );
        }
    }

    proptest::proptest! {
        /// Skipping any member's value changes no error and no span of what is kept.
        #[test]
        fn skipping_gives_the_same_errors(text in r#"[\[\]{}",:\\ a-z0-9.eE+\-\n\r\tuéñ🤖]{0,60}"#) {
            let all = parse(&text);
            let skipped = parse_skipping(&text, |k| k.len() % 2 == 1);
            match (all, skipped) {
                (Ok(a), Ok(b)) => proptest::prop_assert_eq!(a.span, b.span),
                (Err(a), Err(b)) => proptest::prop_assert_eq!(a, b),
                (a, b) => proptest::prop_assert!(false, "{:?} vs {:?}", a, b),
            }
        }

        /// Any text gives a value or an error inside the text, never a panic.
        #[test]
        fn never_panics(text in r#"[\[\]{}",:\\ a-z0-9.eE+\-\n\r\tuéñ🤖]{0,40}"#) {
            match parse(&text) {
                Ok(v) => proptest::prop_assert!(v.span.end <= text.len()),
                Err(e) => proptest::prop_assert!(e.offset <= text.len() && text.is_char_boundary(e.offset)),
            }
        }
    }
}

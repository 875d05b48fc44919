//! Python string literals: prefix/quote parsing and escape decoding, without tree-sitter.

use std::borrow::Cow;

/// The decoded value of one plain string literal as written (`'a'`, `r"a\b"`, `u'''x'''`).
///
/// Returns `None` for f-strings, t-strings, bytes, unknown prefixes, and malformed literals (an
/// unterminated string in a file with syntax errors). Borrows when nothing needs decoding.
pub(super) fn decode_literal(raw: &str) -> Option<Cow<'_, str>> {
    let prefix_len = raw.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
    let (prefix, rest) = raw.split_at(prefix_len);
    let mut is_raw = false;
    for b in prefix.bytes() {
        match b {
            b'r' | b'R' => is_raw = true,
            b'u' | b'U' => {}
            // f-strings, bytes, template strings, anything unknown.
            _ => return None,
        }
    }
    if prefix.len() > 2 {
        return None;
    }
    let quote = if rest.starts_with("\"\"\"") || rest.starts_with("'''") {
        &rest[..3]
    } else if rest.starts_with('"') || rest.starts_with('\'') {
        &rest[..1]
    } else {
        return None;
    };
    if rest.len() < 2 * quote.len() || !rest.ends_with(quote) {
        return None;
    }
    let content = &rest[quote.len()..rest.len() - quote.len()];
    if is_raw || !content.contains('\\') {
        return Some(Cow::Borrowed(content));
    }
    Some(Cow::Owned(unescape(content)))
}

/// Decode the escapes of a non-raw Python `str` literal body.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((at, e)) = chars.next() else {
            out.push('\\');
            break;
        };
        match e {
            '\n' => {}
            '\r' => {
                if chars.peek().map(|&(_, c)| c) == Some('\n') {
                    chars.next();
                }
            }
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\x0b'),
            '0'..='7' => {
                let mut value = e as u32 - '0' as u32;
                for _ in 0..2 {
                    match chars.peek() {
                        Some(&(_, d @ '0'..='7')) => {
                            value = value * 8 + (d as u32 - '0' as u32);
                            chars.next();
                        }
                        _ => break,
                    }
                }
                out.push(char::from_u32(value).unwrap_or('\u{fffd}'));
            }
            'x' | 'u' | 'U' => {
                let digits = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let start = at + 1;
                let hex = s.get(start..start + digits);
                match hex
                    .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                {
                    Some(v) => {
                        out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                        for _ in 0..digits {
                            chars.next();
                        }
                    }
                    // Invalid in Python; keep the text as written.
                    None => {
                        out.push('\\');
                        out.push(e);
                    }
                }
            }
            // `\N{NAME}` needs the Unicode name table: keep it as written. Unknown escapes keep
            // their backslash, as Python does.
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::decode_literal;

    fn d(s: &str) -> Option<String> {
        decode_literal(s).map(|c| c.into_owned())
    }

    #[test]
    fn prefixes_and_quotes() {
        assert_eq!(d("'abc'").as_deref(), Some("abc"));
        assert_eq!(d("\"abc\"").as_deref(), Some("abc"));
        assert_eq!(d("'''a\nb'''").as_deref(), Some("a\nb"));
        assert_eq!(d("\"\"\"x\"\"\"").as_deref(), Some("x"));
        assert_eq!(d("''").as_deref(), Some(""));
        assert_eq!(d("\"\"\"\"\"\"").as_deref(), Some(""));
        assert_eq!(d("u'x'").as_deref(), Some("x"));
        assert_eq!(d("r'a\\nb'").as_deref(), Some("a\\nb"));
        assert_eq!(d("R\"a\\\"b\"").as_deref(), Some("a\\\"b"));
        assert_eq!(d("f'x'"), None);
        assert_eq!(d("rb'x'"), None);
        assert_eq!(d("b'x'"), None);
        assert_eq!(d("t'x'"), None);
        assert_eq!(d("'unterminated"), None);
        assert_eq!(d("'"), None);
        assert_eq!(d(""), None);
        assert_eq!(d("abc"), None);
    }

    #[test]
    fn escapes() {
        assert_eq!(d(r"'a\nb\tc'").as_deref(), Some("a\nb\tc"));
        assert_eq!(d(r"'\\'").as_deref(), Some("\\"));
        assert_eq!(d(r"'\''").as_deref(), Some("'"));
        assert_eq!(d(r"'\x41\u00e9\U0001F600'").as_deref(), Some("Aé😀"));
        assert_eq!(d(r"'\101\0'").as_deref(), Some("A\0"));
        assert_eq!(d(r"'\q'").as_deref(), Some("\\q"));
        assert_eq!(d(r"'\N{DASH}'").as_deref(), Some("\\N{DASH}"));
        assert_eq!(d(r"'\xZZ'").as_deref(), Some("\\xZZ"));
        assert_eq!(d("'a\\\nb'").as_deref(), Some("ab"));
        assert_eq!(d("'a\\\r\nb'").as_deref(), Some("ab"));
        assert_eq!(d(r"'\uD800'").as_deref(), Some("\u{fffd}"));
        assert_eq!(d(r"'\x4'").as_deref(), Some("\\x4"));
        assert_eq!(d("'é\\x'").as_deref(), Some("é\\x"));
    }
}

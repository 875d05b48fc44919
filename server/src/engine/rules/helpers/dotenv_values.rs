//! Helpers the .env rules share: which definitions python-dotenv keeps, how a value is written
//! and re-read, and the value a key was meant to have.

use std::collections::HashMap;
use std::path::Path;

pub(crate) use super::edits::replace;
use crate::engine::diagnostic::{Edit, Severity};
use crate::engine::dotenv::{self, DotenvFile, Entry, ParseError, Quote};
use crate::engine::fix;
use crate::engine::secrets::{self, is_blank_char};
use crate::engine::text::Span;
use crate::engine::workspace::EnvFile;

/// The definitions python-dotenv keeps: the last one of each variable, in file order.
pub(crate) fn winners(entries: &[Entry]) -> impl Iterator<Item = &Entry> {
    let mut last: HashMap<&str, usize> = HashMap::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        last.insert(&e.key, i);
    }
    entries
        .iter()
        .enumerate()
        .filter(move |(i, e)| last.get(e.key.as_str()) == Some(i))
        .map(|(_, e)| e)
}

/// Error for credential-like and endpoint names (the value is certain to break a request),
/// warning for anything else.
pub(crate) fn severity_for_name(name: &str) -> Severity {
    if secrets::is_credential_name(name) || secrets::is_endpoint_name(name) {
        Severity::Error
    } else {
        Severity::Warning
    }
}

pub(crate) fn delete(path: &Path, span: Span) -> Edit {
    replace(path, span, "")
}

/// Whether a value should stay quoted: whitespace, `#`, quotes, `\` or `$` in it.
pub(crate) fn needs_quotes(value: &str) -> bool {
    value
        .chars()
        .any(|c| is_blank_char(c) || matches!(c, '#' | '\'' | '"' | '`' | '\\' | '$'))
}

/// Each character of an entry's literal value with the byte span of the text that produced it
/// (an escape like `\"` or `\t` covers two bytes; a CRLF inside a quoted value one `\n`). None
/// when the mapping cannot be made to agree with the parser's literal.
pub(crate) fn value_chars(text: &str, entry: &Entry) -> Option<Vec<(char, Span)>> {
    let raw = entry.raw_span?;
    let literal = entry.literal.as_deref()?;
    let (start, end) = match entry.quote {
        Some(_) if raw.len() >= 2 => (raw.start + 1, raw.end - 1),
        Some(_) => return None,
        None => (raw.start, raw.end),
    };
    let inner = text.get(start..end)?;
    let mut out = Vec::with_capacity(inner.len());
    let mut it = inner.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let at = start + i;
        if c == '\r' {
            let len = if it.peek().map(|&(_, n)| n) == Some('\n') {
                it.next();
                2
            } else {
                1
            };
            out.push(('\n', Span::new(at, at + len)));
            continue;
        }
        if c == '\\' {
            if let (Some(q), Some(&(_, next))) = (entry.quote, it.peek()) {
                if let Some(decoded) = unescape(q, next) {
                    it.next();
                    out.push((decoded, Span::new(at, at + 1 + next.len_utf8())));
                    continue;
                }
            }
        }
        out.push((c, Span::new(at, at + c.len_utf8())));
    }
    let decoded: String = out.iter().map(|(c, _)| *c).collect();
    (decoded == literal).then_some(out)
}

/// python-dotenv's escapes: `\\` and `\'` in single quotes; those, `\"` and `\a\b\f\n\r\t\v`
/// in double quotes.
fn unescape(quote: Quote, c: char) -> Option<char> {
    match (quote, c) {
        (_, '\\' | '\'') => Some(c),
        (Quote::Single, _) => None,
        (Quote::Double, '"') => Some('"'),
        (Quote::Double, 'a') => Some('\x07'),
        (Quote::Double, 'b') => Some('\x08'),
        (Quote::Double, 'f') => Some('\x0c'),
        (Quote::Double, 'n') => Some('\n'),
        (Quote::Double, 'r') => Some('\r'),
        (Quote::Double, 't') => Some('\t'),
        (Quote::Double, 'v') => Some('\x0b'),
        (Quote::Double, _) => None,
    }
}

/// Parse `text[region]` with `edits` (absolute offsets inside `region`) applied.
pub(crate) fn reparse(text: &str, region: Span, edits: &[Edit]) -> Option<DotenvFile> {
    let shifted: Vec<Edit> = edits
        .iter()
        .map(|e| {
            let span = Span::new(
                e.span.start.checked_sub(region.start)?,
                e.span.end.checked_sub(region.start)?,
            );
            (e.span.end <= region.end).then(|| Edit { span, ..e.clone() })
        })
        .collect::<Option<_>>()?;
    let refs: Vec<&Edit> = shifted.iter().collect();
    let new = fix::apply(text.get(region.start..region.end)?, &refs).ok()?;
    Some(dotenv::parse(&new))
}

/// Whether the statement at `region`, with `edits` applied, parses to exactly one `key`
/// entry whose literal value is `expected`.
pub(crate) fn reparses_to(
    text: &str,
    region: Span,
    edits: &[Edit],
    key: &str,
    expected: &str,
) -> bool {
    reparse(text, region, edits).is_some_and(|f| {
        f.errors.is_empty()
            && f.entries.len() == 1
            && f.entries[0].key == key
            && f.entries[0].literal.as_deref() == Some(expected)
    })
}

/// `value` written so python-dotenv reads it back unchanged: bare when it needs no quotes,
/// else in `preferred` quotes (double when None) with the necessary escapes.
pub(crate) fn encode_value(value: &str, preferred: Option<Quote>) -> String {
    if !needs_quotes(value) {
        return value.to_string();
    }
    match preferred {
        Some(Quote::Single) if !value.contains(['\'', '\\']) => format!("'{value}'"),
        _ => {
            let mut s = String::with_capacity(value.len() + 2);
            s.push('"');
            for c in value.chars() {
                if matches!(c, '"' | '\\') {
                    s.push('\\');
                }
                s.push(c);
            }
            s.push('"');
            s
        }
    }
}

/// The value as meant: surrounding whitespace and every quote character removed (what KW301's
/// and KW302's fixes leave of a key), for the rules that judge the value itself.
pub(crate) fn without_quotes(literal: &str) -> String {
    literal
        .trim_matches(|c| is_blank_char(c) || is_quote_char(c))
        .chars()
        .filter(|&c| !is_quote_char(c))
        .collect()
}

pub(crate) fn is_quote_char(c: char) -> bool {
    c == '\'' || c == '"' || is_fancy_quote(c)
}

/// Typographic quotes and backticks: never quoting in python-dotenv.
pub(crate) fn is_fancy_quote(c: char) -> bool {
    matches!(
        c,
        '\u{201C}' // “
            | '\u{201D}' // ”
            | '\u{201E}' // „
            | '\u{201F}' // ‟
            | '\u{2018}' // ‘
            | '\u{2019}' // ’
            | '\u{201A}' // ‚
            | '\u{201B}' // ‛
            | '\u{00AB}' // «
            | '\u{00BB}' // »
            | '\u{2039}' // ‹
            | '\u{203A}' // ›
            | '\u{2032}' // ′
            | '\u{2033}' // ″
            | '\u{00B4}' // ´
            | '`'
    )
}

/// A value opened with one straight quote and closed (on its first line) with the other.
pub(crate) struct Mismatch {
    pub key: String,
    /// The opening quote character.
    pub open: Span,
    /// The closing quote character that does not match.
    pub close: Span,
    pub open_char: char,
    /// The statement to re-parse after the fix.
    pub region: Span,
    /// Whether python-dotenv swallowed the following lines into the value (else it skipped
    /// the statement).
    pub swallowed: bool,
}

/// `[export ]KEY[ ]=[ ]q…q'[ ][# comment]` on the first line of `span`, with no `q` after the
/// opening one on that line.
pub(crate) fn mismatch_on_first_line(text: &str, span: Span) -> Option<Mismatch> {
    let stmt = text.get(span.start..span.end)?;
    let line_len = stmt.find(['\n', '\r']).unwrap_or(stmt.len());
    let line = &stmt[..line_len];
    let mut rest = line.trim_start();
    let mut offset = line.len() - rest.len();
    if let Some(after) = rest.strip_prefix("export") {
        if after.starts_with([' ', '\t']) {
            let trimmed = after.trim_start_matches([' ', '\t']);
            offset += rest.len() - trimmed.len();
            rest = trimmed;
        }
    }
    let key_len = rest.find(|c: char| c == '=' || c == '#' || c.is_whitespace())?;
    if key_len == 0 {
        return None;
    }
    let key = rest[..key_len].to_string();
    let after_key = rest[key_len..].trim_start_matches([' ', '\t']);
    let eq = after_key.strip_prefix('=')?;
    let value = eq.trim_start_matches([' ', '\t']);
    let value_at = offset + (rest.len() - value.len());
    let open_char = value.chars().next()?;
    let close_char = match open_char {
        '\'' => '"',
        '"' => '\'',
        _ => return None,
    };
    // Strip a trailing comment (` # …`) and whitespace.
    let body = match value.find(" #").or_else(|| value.find("\t#")) {
        Some(i) => &value[..i],
        None => value,
    };
    let body = body.trim_end();
    if body.len() < 2 || !body.ends_with(close_char) {
        return None;
    }
    let inner = &body[1..body.len() - 1];
    if inner.contains(open_char) {
        return None;
    }
    let open = span.start + value_at;
    let close = open + body.len() - 1;
    Some(Mismatch {
        key,
        open: Span::new(open, open + 1),
        close: Span::new(close, close + 1),
        open_char,
        region: span,
        swallowed: false,
    })
}

/// A statement python-dotenv could not parse because its value's quotes do not match. KW303
/// leaves these to this rule.
pub(crate) fn mismatched_in_error(text: &str, error: &ParseError) -> Option<Mismatch> {
    mismatch_on_first_line(text, error.span)
}

/// A `.env` that git tracks and that holds no real-looking key: the repository ships it as its
/// template, and its blanks and placeholders are for the user to fill in. (A tracked `.env`
/// with real keys is the user's own file, committed: KW308 says so, and its other values are
/// checked as usual.)
pub(crate) fn shipped_template(file: &EnvFile, parsed: &DotenvFile) -> bool {
    file.git.is_tracked()
        && !parsed.entries.iter().any(|e| {
            secrets::is_credential_name(&e.key)
                && e.value.as_deref().is_some_and(secrets::looks_like_key)
        })
}

/// A credential-like name (a variable, a config key) with a real-looking value.
pub(crate) fn real_credential(name: &str, value: &str) -> bool {
    if !secrets::is_credential_name(name) {
        return false;
    }
    // A provider's prefix on something too short or too regular to be its key (`sk-openai-1`),
    // or a value that says it is fake (`1111`, `dummy-secret`): a stand-in, not a leak.
    let stand_in = (crate::engine::providers::provider_for_key(value).is_some()
        && !secrets::looks_like_key(value))
        || secrets::looks_fake(value);
    !value.is_empty()
        && !stand_in
        && secrets::placeholder_for(name, value).is_none()
        && !crate::engine::providers::is_dummy_key(value)
        && !value.contains("${")
        && !value.contains("://")
        && !secrets::looks_like_path(value)
}

//! KW301 quoted-value-whitespace: whitespace inside a quoted .env value, which python-dotenv keeps.
//!
//! python-dotenv strips the whitespace around an unquoted value, but everything between quotes
//! is kept verbatim. `OPENAI_API_KEY=" sk-proj-abc "` therefore puts a key with a leading and a
//! trailing space into `os.environ`; AutoGen hands it to the SDK unchanged, and the API answers
//! `401 Incorrect API key provided` (or the HTTP library refuses the header outright) even
//! though the key itself is right. A trailing space in `AZURE_OPENAI_ENDPOINT` or
//! `OPENAI_BASE_URL` breaks the URL the same way.
//!
//! Fires on every value whose first or last character is whitespace (spaces, tabs, newlines
//! from `\n` escapes, non-breaking spaces) or an invisible character that copy-paste brings
//! along (zero-width space, BOM): inside quotes, or for invisible characters also unquoted.
//! It is an error for credential-like names (`*_KEY`, `*_TOKEN`, `*_SECRET`, …) and endpoint
//! names (`*_URL`, `*_ENDPOINT`, `*_API_BASE`, …) and a warning for anything else. Values that
//! are only whitespace are left to KW305, and multi-line values (PEM blocks) are skipped.
//!
//! Bad:
//! ```text
//! OPENAI_API_KEY=" sk-proj-abc123 "
//! AZURE_OPENAI_ENDPOINT='https://my-res.openai.azure.com/ '
//! ```
//! Good:
//! ```text
//! OPENAI_API_KEY=sk-proj-abc123
//! AZURE_OPENAI_ENDPOINT=https://my-res.openai.azure.com/
//! ```
//!
//! Fix: strip the whitespace, and drop the quotes when the stripped value no longer needs them
//! (no whitespace, `#`, quotes, `\` or `$`). The fix only deletes characters, so it never
//! carries the secret. It is safe for credential and endpoint names (no key or URL has such
//! characters at its ends) and unsafe for other names, whose whitespace may be meant.

use std::collections::HashMap;
use std::path::Path;

use super::kw302_stray_quote::is_quote_char;
use super::EnvCtx;
use crate::engine::diagnostic::{Edit, Finding, Fix, Severity};
use crate::engine::dotenv::{self, DotenvFile, Entry, Quote};
use crate::engine::fix;
use crate::engine::rules::Rule;
use crate::engine::secrets::{self, is_blank_char};
use crate::engine::text::Span;

pub(super) fn check(ctx: &EnvCtx, out: &mut Vec<Finding>) {
    let text = ctx.text();
    for entry in &ctx.parsed().entries {
        let (Some(literal), Some(raw)) = (entry.literal.as_deref(), entry.raw_span) else {
            continue;
        };
        if literal.chars().all(is_blank_char) {
            continue;
        }
        let mapped = value_chars(text, entry);
        let chars: Vec<(char, Span)> = match &mapped {
            Some(chars) => chars.clone(),
            None => literal.chars().map(|c| (c, raw)).collect(),
        };
        // The ends of the value: whitespace, and quote characters that KW302 reports (so
        // `“ sk-abc ”` is reported here too, and stays reported once KW302's fix is applied).
        let edge = |c: char| is_blank_char(c) || is_quote_char(c);
        let Some(first) = chars.iter().position(|(c, _)| !edge(*c)) else {
            continue;
        };
        let last = chars.iter().rposition(|(c, _)| !edge(*c)).unwrap_or(first);
        // Multi-line content (a PEM block) may end with a newline on purpose.
        if chars[first..=last].iter().any(|(c, _)| *c == '\n') {
            continue;
        }
        let lead: Vec<usize> = (0..first).filter(|&i| is_blank_char(chars[i].0)).collect();
        let trail: Vec<usize> = (last + 1..chars.len())
            .filter(|&i| is_blank_char(chars[i].0))
            .collect();
        if lead.is_empty() && trail.is_empty() {
            continue;
        }
        let pick = |idx: &[usize]| idx.iter().map(|&i| chars[i].0).collect::<Vec<char>>();
        let mut what = Vec::new();
        if !lead.is_empty() {
            what.push(count_chars(&pick(&lead), "leading"));
        }
        if !trail.is_empty() {
            what.push(count_chars(&pick(&trail), "trailing"));
        }
        let them = if lead.len() + trail.len() == 1 {
            "it"
        } else {
            "them"
        };
        let message = format!(
            "`{}`'s value has {}, which python-dotenv keeps (it only strips whitespace outside \
             quotes), so {}",
            entry.key,
            what.join(" and "),
            consequence(&entry.key, them)
        );
        let mut finding = Finding::new(Rule::KW301, ctx.path, raw, message)
            .severity(severity_for_name(&entry.key));
        if mapped.is_some() {
            let remove: Vec<usize> = lead.iter().chain(&trail).copied().collect();
            if let Some(mut fix) = strip_fix(ctx.path, text, entry, &chars, &remove) {
                // Certainly wrong only in a key or URL; other values may mean their whitespace.
                fix.safe = severity_for_name(&entry.key) == Severity::Error;
                finding = finding.fix(fix);
            }
        }
        out.push(finding);
    }
}

/// "a leading space", "2 trailing tabs", "a trailing zero-width space".
fn count_chars(chars: &[char], position: &str) -> String {
    let n = chars.len();
    let first = chars[0];
    let same = chars.iter().all(|&c| c == first);
    let (one, many) = match first {
        ' ' if same => ("space", "spaces"),
        '\t' if same => ("tab", "tabs"),
        '\n' | '\r' if chars.iter().all(|&c| c == '\n' || c == '\r') => ("newline", "newlines"),
        '\u{a0}' if same => ("non-breaking space", "non-breaking spaces"),
        '\u{200b}' if same => ("zero-width space", "zero-width spaces"),
        '\u{feff}' if same => ("byte-order mark", "byte-order marks"),
        _ if chars.iter().all(|c| c.is_whitespace()) => {
            ("whitespace character", "whitespace characters")
        }
        _ => ("invisible character", "invisible characters"),
    };
    if n == 1 {
        format!("a {position} {one}")
    } else {
        format!("{n} {position} {many}")
    }
}

fn consequence(name: &str, them: &str) -> String {
    if secrets::is_credential_name(name) {
        "the credential sent is wrong and the API rejects it".into()
    } else if secrets::is_endpoint_name(name) {
        "the URL is invalid".into()
    } else {
        format!("the program sees {them} too")
    }
}

fn strip_fix(
    path: &Path,
    text: &str,
    entry: &Entry,
    chars: &[(char, Span)],
    remove: &[usize],
) -> Option<Fix> {
    let raw = entry.raw_span?;
    let key = entry.key.as_str();
    let kept: Vec<&(char, Span)> = chars
        .iter()
        .enumerate()
        .filter(|(i, _)| !remove.contains(i))
        .map(|(_, c)| c)
        .collect();
    let expected: String = kept.iter().map(|(c, _)| *c).collect();
    let removed: Vec<Span> = remove.iter().map(|&i| chars[i].1).collect();
    // Preferred: drop the quotes too, when the rest is written verbatim (no escapes).
    let verbatim = kept
        .iter()
        .all(|(c, sp)| text.get(sp.start..sp.end) == Some(c.encode_utf8(&mut [0; 4])));
    if entry.quote.is_some() && raw.len() >= 2 && verbatim && !needs_quotes(&expected) {
        let mut spans = removed.clone();
        spans.push(Span::new(raw.start, raw.start + 1));
        spans.push(Span::new(raw.end - 1, raw.end));
        let edits: Vec<Edit> = coalesce(spans)
            .into_iter()
            .map(|s| delete(path, s))
            .collect();
        if reparses_to(text, entry.span, &edits, key, &expected) {
            return Some(Fix {
                title: "Strip the whitespace and the quotes".into(),
                edits,
                safe: true,
                sensitive: false,
            });
        }
    }
    let edits: Vec<Edit> = coalesce(removed)
        .into_iter()
        .map(|s| delete(path, s))
        .collect();
    reparses_to(text, entry.span, &edits, key, &expected).then(|| Fix {
        title: "Strip the whitespace".into(),
        edits,
        safe: true,
        sensitive: false,
    })
}

/// Sorted spans with touching ones merged.
fn coalesce(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort();
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => out.push(s),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Helpers shared by the .env rules (KW301–KW308).
// ---------------------------------------------------------------------------------------------

/// The definitions python-dotenv keeps: the last one of each variable, in file order.
pub(super) fn winners(entries: &[Entry]) -> impl Iterator<Item = &Entry> {
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
pub(super) fn severity_for_name(name: &str) -> Severity {
    if secrets::is_credential_name(name) || secrets::is_endpoint_name(name) {
        Severity::Error
    } else {
        Severity::Warning
    }
}

pub(super) fn delete(path: &Path, span: Span) -> Edit {
    replace(path, span, "")
}

pub(super) fn replace(path: &Path, span: Span, new_text: impl Into<String>) -> Edit {
    Edit {
        path: path.to_path_buf(),
        span,
        new_text: new_text.into(),
        create: false,
    }
}

/// Whether a value should stay quoted: whitespace, `#`, quotes, `\` or `$` in it.
pub(super) fn needs_quotes(value: &str) -> bool {
    value
        .chars()
        .any(|c| is_blank_char(c) || matches!(c, '#' | '\'' | '"' | '`' | '\\' | '$'))
}

/// Each character of an entry's literal value with the byte span of the text that produced it
/// (an escape like `\"` or `\t` covers two bytes; a CRLF inside a quoted value one `\n`). None
/// when the mapping cannot be made to agree with the parser's literal.
pub(super) fn value_chars(text: &str, entry: &Entry) -> Option<Vec<(char, Span)>> {
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
pub(super) fn reparse(text: &str, region: Span, edits: &[Edit]) -> Option<DotenvFile> {
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
pub(super) fn reparses_to(
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
pub(super) fn encode_value(value: &str, preferred: Option<Quote>) -> String {
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

#[cfg(test)]
pub(super) mod test_support {
    use std::path::{Path, PathBuf};

    use crate::engine::config::Config;
    use crate::engine::diagnostic::{Edit, Finding, Fix};
    use crate::engine::fix;
    use crate::engine::providers;
    use crate::engine::rules::Rule;
    use crate::engine::workspace::{GitStatus, Workspace};

    pub const ROOT: &str = "/proj";

    pub fn env_path() -> PathBuf {
        PathBuf::from(ROOT).join(".env")
    }

    pub fn check_at(path: &Path, text: &str, git: GitStatus) -> Vec<Finding> {
        let mut ws = Workspace::new(ROOT, Config::default());
        ws.set_env(path.to_path_buf(), text, git);
        ws.check_env(path)
    }

    /// Findings of a root `.env` with git status Ignored.
    pub fn lint(text: &str) -> Vec<Finding> {
        check_at(&env_path(), text, GitStatus::Ignored)
    }

    pub fn of(findings: &[Finding], rule: Rule) -> Vec<Finding> {
        findings
            .iter()
            .filter(|f| f.rule == rule)
            .cloned()
            .collect()
    }

    /// The one finding of `rule` (panics with all findings otherwise).
    pub fn one(findings: &[Finding], rule: Rule) -> Finding {
        let found = of(findings, rule);
        assert_eq!(found.len(), 1, "expected one {rule:?}, got {findings:#?}");
        found.into_iter().next().unwrap()
    }

    pub fn snippet<'a>(text: &'a str, f: &Finding) -> &'a str {
        &text[f.span.start..f.span.end]
    }

    /// Apply the edits of `fix` that target `path`.
    pub fn apply(text: &str, path: &Path, fix: &Fix) -> String {
        let edits: Vec<&Edit> = fix.edits.iter().filter(|e| e.path == path).collect();
        fix::apply(text, &edits).expect("fix applies")
    }

    /// Apply the finding's first fix to `text` (a root `.env`), re-check, and assert the
    /// finding is gone and nothing new appeared. Returns the fixed text.
    pub fn assert_fix_clears(text: &str, finding: &Finding) -> String {
        let fix = finding.fixes.first().expect("finding has a fix");
        let fixed = apply(text, &finding.path, fix);
        let before = lint(text);
        let after = lint(&fixed);
        assert!(
            !after
                .iter()
                .any(|f| f.rule == finding.rule && f.message == finding.message),
            "{:?} still reported after the fix:\n{fixed}\n{after:#?}",
            finding.rule
        );
        for f in &after {
            assert!(
                before
                    .iter()
                    .any(|b| b.rule == f.rule && b.message == f.message),
                "the fix introduced {f:#?}\nin:\n{fixed}"
            );
        }
        fixed
    }

    /// Assert `message` contains no 8-character piece of `secret` beyond its public prefix.
    pub fn assert_no_secret(message: &str, secret: &str) {
        let skip = providers::public_prefix(secret).map_or(0, str::len);
        let chars: Vec<char> = secret.chars().collect();
        for start in 0..chars.len().saturating_sub(7) {
            if start + 8 <= skip {
                continue;
            }
            let window: String = chars[start..start + 8].iter().collect();
            assert!(
                !message.contains(&window),
                "message reveals part of the secret: {message}"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

    const KEY: &str = "sk-proj-4fQ9zR2mL8vX1cT7bN3kP6wY0hJ5sD2gA9eU4iO7lK1mN8bV3cX6z";

    #[test]
    fn whitespace_inside_quotes_of_a_key_is_an_error() {
        let text = format!("OPENAI_API_KEY=\" {KEY} \"\nOTHER=1\n");
        let findings = lint(&text);
        let f = one(&findings, Rule::KW301);
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(snippet(&text, &f), format!("\" {KEY} \""));
        assert_eq!(
            f.message,
            "`OPENAI_API_KEY`'s value has a leading space and a trailing space, which \
             python-dotenv keeps (it only strips whitespace outside quotes), so the credential \
             sent is wrong and the API rejects it"
        );
        assert_no_secret(&f.message, KEY);
        let fix = &f.fixes[0];
        assert!(fix.safe && !fix.sensitive);
        assert_eq!(fix.title, "Strip the whitespace and the quotes");
        let fixed = assert_fix_clears(&text, &f);
        assert_eq!(fixed, format!("OPENAI_API_KEY={KEY}\nOTHER=1\n"));
    }

    #[test]
    fn trailing_tab_in_endpoint_and_other_names() {
        let text = "AZURE_OPENAI_ENDPOINT='https://r.openai.azure.com/\t'\nGREETING=\"hi \"\n";
        let findings = of(&lint(text), Rule::KW301);
        assert_eq!(findings.len(), 2, "{findings:#?}");
        assert_eq!(findings[0].severity, Severity::Error);
        assert_eq!(
            snippet(text, &findings[0]),
            "'https://r.openai.azure.com/\t'"
        );
        assert!(findings[0].message.contains("a trailing tab"));
        assert!(findings[0].message.ends_with("so the URL is invalid"));
        assert_eq!(findings[1].severity, Severity::Warning);
        let fixed = assert_fix_clears(text, &findings[0]);
        assert!(fixed.starts_with("AZURE_OPENAI_ENDPOINT=https://r.openai.azure.com/\n"));
        // "hi" keeps no quotes either.
        let fixed = assert_fix_clears(text, &findings[1]);
        assert!(fixed.ends_with("GREETING=hi\n"), "{fixed}");
    }

    #[test]
    fn keeps_quotes_the_value_still_needs() {
        let text = "OPENAI_API_KEY=\"  abc#def  \"\n";
        let f = one(&lint(text), Rule::KW301);
        assert_eq!(f.fixes[0].title, "Strip the whitespace");
        let fixed = assert_fix_clears(text, &f);
        assert_eq!(fixed, "OPENAI_API_KEY=\"abc#def\"\n");
    }

    #[test]
    fn escaped_newline_at_the_end() {
        let text = format!("OPENAI_API_KEY=\"{KEY}\\n\"\n");
        let f = one(&lint(&text), Rule::KW301);
        assert!(f.message.contains("a trailing newline"), "{}", f.message);
        let fixed = assert_fix_clears(&text, &f);
        assert_eq!(fixed, format!("OPENAI_API_KEY={KEY}\n"));
    }

    #[test]
    fn invisible_characters_in_unquoted_values() {
        let text = format!("OPENAI_API_KEY={KEY}\u{200b}\n");
        let f = one(&lint(&text), Rule::KW301);
        assert!(
            f.message.contains("a trailing zero-width space"),
            "{}",
            f.message
        );
        let fixed = assert_fix_clears(&text, &f);
        assert_eq!(fixed, format!("OPENAI_API_KEY={KEY}\n"));
    }

    #[test]
    fn quiet_on_clean_blank_and_multiline_values() {
        let text =
            "A=\"abc\"\nB=' '\nC=\"\"\nPEM=\"-----BEGIN-----\nabc\n-----END-----\n\"\nD= spaced \n";
        assert!(of(&lint(text), Rule::KW301).is_empty());
    }

    #[test]
    fn value_chars_map_escapes() {
        let text = "K=\"a\\\"b\\tc\"\n";
        let parsed = dotenv::parse(text);
        let chars = value_chars(text, &parsed.entries[0]).unwrap();
        let s: String = chars.iter().map(|c| c.0).collect();
        assert_eq!(s, "a\"b\tc");
        assert_eq!(&text[chars[1].1.start..chars[1].1.end], "\\\"");
    }

    #[test]
    fn encodes_values() {
        assert_eq!(encode_value("abc", None), "abc");
        assert_eq!(encode_value("a b", Some(Quote::Single)), "'a b'");
        assert_eq!(encode_value("a 'b'", Some(Quote::Single)), "\"a 'b'\"");
        assert_eq!(encode_value("a\"b\\", None), "\"a\\\"b\\\\\"");
    }
}

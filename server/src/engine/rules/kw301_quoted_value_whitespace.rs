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

use std::path::Path;

use super::helpers::dotenv_values::{
    delete, is_quote_char, needs_quotes, reparses_to, severity_for_name, value_chars,
};
use super::EnvCtx;
use crate::engine::diagnostic::{Edit, Finding, Fix, Severity};
use crate::engine::dotenv::Entry;
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

#[cfg(test)]
mod tests {
    use super::super::helpers::dotenv_values::*;
    use super::super::helpers::test_support::*;
    use super::*;
    use crate::engine::dotenv::{self, Quote};

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

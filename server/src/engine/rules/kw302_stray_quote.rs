//! KW302 stray-quote: quote characters end up inside a .env value.
//!
//! python-dotenv only treats a straight `'` or `"` as quoting when it opens the value and is
//! matched by the same character. Everything else is kept as part of the value: curly quotes
//! pasted from a chat, document or web page (`“sk-…”`, `‘…’`), Markdown backticks
//! (`` `sk-…` ``), a quote left over at the end of an unquoted value (`KEY=sk-abc"`), quotes
//! nested inside quotes (`KEY='"sk-abc"'`) or in the middle of a key. The variable is set, so
//! nothing looks wrong until AutoGen sends the key and the API answers 401 (or an endpoint URL
//! with a quote in it fails to parse).
//!
//! Mismatched quotes (`KEY='sk-abc"`) are reported here too: python-dotenv looks for the
//! closing `'` further down the file, and either skips the line with a warning (the variable is
//! not set) or swallows the following lines into the value.
//!
//! Fires on: curly quotes, backticks and other typographic quotes anywhere in a value without
//! spaces; straight or curly quotes at either end of any value; straight quotes inside a
//! credential or endpoint value (except passwords, where they may be intended); mismatched
//! opening and closing quotes. JSON values (`{"type": …}`) are left alone. It is an error for
//! credential-like and endpoint names and for mismatched quotes, a warning for anything else.
//!
//! Bad:
//! ```text
//! OPENAI_API_KEY=“sk-proj-abc123”
//! ANTHROPIC_API_KEY=sk-ant-abc123"
//! GROQ_API_KEY='gsk_abc123"
//! ```
//! Good:
//! ```text
//! OPENAI_API_KEY=sk-proj-abc123
//! ANTHROPIC_API_KEY=sk-ant-abc123
//! GROQ_API_KEY='gsk_abc123'
//! ```
//!
//! Fix: remove the stray quote characters (for mismatched quotes: make the closing quote match
//! the opening one). Every fix is checked by re-parsing the line; when removing the characters
//! alone would change how the line parses (`KEY=“a # b”`), the value is rewritten in straight
//! quotes instead. Removing quotes is safe for credential and endpoint names (no key or URL
//! contains them) and unsafe for other names and passwords; closing a mismatched quote is safe
//! (python-dotenv skips the line or swallows the next ones: never what the file says).

use std::path::Path;

use super::helpers::dotenv_values::{
    delete, encode_value, is_fancy_quote, is_quote_char, mismatch_on_first_line,
    mismatched_in_error, reparse, reparses_to, replace, severity_for_name, value_chars, Mismatch,
};
use super::EnvCtx;
use crate::engine::diagnostic::{Finding, Fix, Severity};
use crate::engine::dotenv::{Entry, Quote};
use crate::engine::rules::Rule;
use crate::engine::secrets::{self, is_blank_char};
use crate::engine::text::Span;

pub(super) fn check(ctx: &EnvCtx, out: &mut Vec<Finding>) {
    let text = ctx.text();
    for entry in &ctx.parsed().entries {
        if let Some(m) = mismatched_in_entry(text, entry) {
            out.push(mismatch_finding(ctx, &m));
            continue;
        }
        if let Some(f) = stray_in_entry(ctx, entry) {
            out.push(f);
        }
    }
    for error in &ctx.parsed().errors {
        if let Some(m) = mismatched_in_error(text, error) {
            out.push(mismatch_finding(ctx, &m));
        }
    }
}

fn quote_name(c: char) -> String {
    match c {
        '`' => "backtick".into(),
        '\'' | '"' => format!("`{c}`"),
        _ => format!("curly quote `{c}`"),
    }
}

/// "curly quotes `“` `”`", "backticks", "`\"` quotes", "quote characters `“` `'`".
fn quote_set(chars: &[char]) -> String {
    let mut distinct: Vec<char> = Vec::new();
    for &c in chars {
        if !distinct.contains(&c) {
            distinct.push(c);
        }
    }
    let listed = distinct
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(" ");
    if distinct.iter().all(|&c| c == '`') {
        "backticks".into()
    } else if distinct.iter().all(|&c| is_fancy_quote(c) && c != '`') {
        format!("curly quotes {listed}")
    } else if distinct.iter().all(|&c| c == '\'' || c == '"') {
        format!("{listed} quotes")
    } else {
        format!("quote characters {listed}")
    }
}

fn looks_like_json(value: &str) -> bool {
    let v = value.trim();
    (v.starts_with('{') && v.ends_with('}')) || (v.starts_with('[') && v.ends_with(']'))
}

fn is_password_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    upper
        .split(['_', '-', '.'])
        .any(|p| matches!(p, "PASSWORD" | "PASSWD" | "PASS" | "PWD"))
}

fn stray_in_entry(ctx: &EnvCtx, entry: &Entry) -> Option<Finding> {
    let text = ctx.text();
    let literal = entry.literal.as_deref()?;
    if literal.is_empty() || looks_like_json(literal) || !literal.chars().any(is_quote_char) {
        return None;
    }
    // Each character with the text it came from; when that cannot be mapped (it always can for
    // what the parser produces), report on the whole value without a fix.
    let mapped = value_chars(text, entry);
    let chars: Vec<(char, Span)> = match &mapped {
        Some(chars) => chars.clone(),
        None => {
            let raw = entry.raw_span?;
            literal.chars().map(|c| (c, raw)).collect()
        }
    };
    // Positions count within the value without surrounding whitespace (KW301's business), so
    // the verdict does not change when that whitespace is stripped.
    let lo = chars.iter().position(|(c, _)| !is_blank_char(*c))?;
    let hi = chars.iter().rposition(|(c, _)| !is_blank_char(*c))? + 1;
    // The value's ends are its runs of whitespace and quote characters; the core is between.
    let edge = |c: char| is_blank_char(c) || is_quote_char(c);
    let core_start = chars
        .iter()
        .position(|(c, _)| !edge(*c))
        .unwrap_or(chars.len());
    let core_end = chars
        .iter()
        .rposition(|(c, _)| !edge(*c))
        .map_or(core_start, |i| i + 1);
    let prose = chars[core_start..core_end]
        .iter()
        .any(|(c, _)| is_blank_char(*c));
    let strict = (secrets::is_credential_name(&entry.key) || secrets::is_endpoint_name(&entry.key))
        && !is_password_name(&entry.key);
    let stray: Vec<usize> = (lo..hi)
        .filter(|&i| {
            let c = chars[i].0;
            is_quote_char(c)
                && (i < core_start || i >= core_end || (!prose && (is_fancy_quote(c) || strict)))
        })
        .collect();
    if stray.is_empty() {
        return None;
    }

    // Message.
    let key = &entry.key;
    let stray_chars: Vec<char> = stray.iter().map(|&i| chars[i].0).collect();
    let (span, what) = if let [i] = stray[..] {
        let place = if hi - lo == 1 {
            "is only"
        } else if i == lo {
            "starts with"
        } else if i == hi - 1 {
            "ends with"
        } else {
            "contains"
        };
        (
            chars[i].1,
            format!("`{key}`'s value {place} a stray {}", quote_name(chars[i].0)),
        )
    } else {
        let wraps = stray.len() == 2 && stray[0] == lo && stray[1] == hi - 1;
        let span = entry.raw_span.unwrap_or(entry.span);
        let what = if wraps {
            format!("`{key}`'s value is wrapped in {}", quote_set(&stray_chars))
        } else {
            format!(
                "`{key}`'s value contains {} stray {}",
                stray.len(),
                quote_set(&stray_chars)
            )
        };
        (span, what)
    };
    let them = if stray.len() == 1 { "it" } else { "them" };
    let consequence = if secrets::is_credential_name(key) {
        "the credential sent is wrong and the API rejects it".to_string()
    } else if secrets::is_endpoint_name(key) {
        "the URL is invalid".to_string()
    } else {
        format!("the program sees {them} too")
    };
    let quoting = if entry.quote.is_some() {
        " (only the outer straight quotes are removed)"
    } else {
        ""
    };
    let message =
        format!("{what}; python-dotenv keeps {them} in the value{quoting}, so {consequence}");
    let mut finding =
        Finding::new(Rule::KW302, ctx.path, span, message).severity(severity_for_name(key));
    if mapped.is_some() {
        if let Some(mut fix) = removal_fix(ctx.path, text, entry, &chars, &stray) {
            // Certainly wrong only in a key or URL; other values (passwords too) may mean
            // their quotes.
            fix.safe = severity_for_name(key) == Severity::Error && !is_password_name(key);
            finding = finding.fix(fix);
        }
    }
    Some(finding)
}

fn removal_fix(
    path: &Path,
    text: &str,
    entry: &Entry,
    chars: &[(char, Span)],
    stray: &[usize],
) -> Option<Fix> {
    let expected: String = chars
        .iter()
        .enumerate()
        .filter(|(i, _)| !stray.contains(i))
        .map(|(_, (c, _))| *c)
        .collect();
    let title = if stray.len() == 1 {
        "Remove the stray quote"
    } else {
        "Remove the stray quotes"
    };
    // Delete them where they are.
    let edits: Vec<_> = stray.iter().map(|&i| delete(path, chars[i].1)).collect();
    if reparses_to(text, entry.span, &edits, &entry.key, &expected) {
        return Some(Fix {
            title: title.into(),
            edits,
            safe: true,
            sensitive: false,
        });
    }
    // Deleting changed how the line parses: rewrite the value.
    let raw = entry.raw_span?;
    let new = encode_value(&expected, entry.quote.or(Some(Quote::Double)));
    let edits = vec![replace(path, raw, new)];
    reparses_to(text, entry.span, &edits, &entry.key, &expected).then(|| Fix {
        title: title.into(),
        edits,
        safe: true,
        // The new text is the value itself.
        sensitive: true,
    })
}

/// A mismatched quote python-dotenv accepted by swallowing the following lines (the closing
/// quote it found is further down).
fn mismatched_in_entry(text: &str, entry: &Entry) -> Option<Mismatch> {
    let raw = entry.raw_span?;
    entry.quote?;
    let raw_text = text.get(raw.start..raw.end)?;
    if !raw_text.contains(['\n', '\r']) {
        return None;
    }
    let m = mismatch_on_first_line(text, entry.span)?;
    (m.open.start == raw.start && m.key == entry.key).then_some(Mismatch {
        swallowed: true,
        ..m
    })
}

fn mismatch_finding(ctx: &EnvCtx, m: &Mismatch) -> Finding {
    let text = ctx.text();
    let close_char = if m.open_char == '\'' { '"' } else { '\'' };
    let lines_down = text.get(m.close.end..m.region.end).map_or(0, |t| {
        t.matches('\n').count() + t.matches('\r').count() - t.matches("\r\n").count()
    });
    let open = m.open_char;
    let down = if lines_down == 1 {
        "1 line down".to_string()
    } else {
        format!("{lines_down} lines down")
    };
    let effect = if m.swallowed {
        format!(
            "python-dotenv reads on to the next `{open}` {down} and takes all of it as the \
             value, so the variables on those lines are not set"
        )
    } else if lines_down > 0 {
        format!(
            "python-dotenv reads on to the next `{open}` {down}, cannot parse what follows it \
             and skips all of it, so `{}` and the variables on those lines are not set",
            m.key
        )
    } else {
        format!(
            "python-dotenv cannot parse the line, warns and skips it, so `{}` is not set",
            m.key
        )
    };
    let message = format!(
        "`{}`'s value opens with `{open}` but ends with `{close_char}`; {effect}",
        m.key
    );
    let mut finding = Finding::new(Rule::KW302, ctx.path, m.close, message);
    let edits = vec![replace(ctx.path, m.close, m.open_char.to_string())];
    let ok = reparse(text, m.region, &edits).is_some_and(|f| {
        f.entries.first().is_some_and(|e| {
            e.key == m.key
                && e.line == 0
                && e.raw_span
                    .is_some_and(|r| r.end + m.region.start == m.close.end)
        }) && f.errors.iter().all(|e| e.line > 0)
    });
    if ok {
        finding = finding.fix(Fix {
            title: format!("Close the value with `{}`", m.open_char),
            edits,
            // python-dotenv skips the line or swallows the following ones: never what the file
            // says.
            safe: true,
            sensitive: false,
        });
    }
    finding
}

#[cfg(test)]
mod tests {
    use super::super::helpers::test_support::*;
    use super::*;
    use crate::engine::diagnostic::Severity;

    const KEY: &str = "sk-proj-4fQ9zR2mL8vX1cT7bN3kP6wY0hJ5sD2gA9eU4iO7lK1mN8bV3cX6z";
    const ANT: &str = "sk-ant-api03-Zk3Jq9Lm2Np8Qr4St6Uv0Wx1Yz5Ab7Cd9Ef3Gh_Ij-Kl2Mn4Op6";

    #[test]
    fn curly_quotes_around_a_key() {
        let text = format!("OPENAI_API_KEY=\u{201C}{KEY}\u{201D}\n");
        let f = one(&lint(&text), Rule::KW302);
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(snippet(&text, &f), format!("\u{201C}{KEY}\u{201D}"));
        assert_eq!(
            f.message,
            "`OPENAI_API_KEY`'s value is wrapped in curly quotes `“` `”`; python-dotenv keeps \
             them in the value, so the credential sent is wrong and the API rejects it"
        );
        assert_no_secret(&f.message, KEY);
        assert!(f.fixes[0].safe && !f.fixes[0].sensitive);
        let fixed = assert_fix_clears(&text, &f);
        assert_eq!(fixed, format!("OPENAI_API_KEY={KEY}\n"));
    }

    #[test]
    fn trailing_quote_on_an_unquoted_value() {
        let text = format!("ANTHROPIC_API_KEY={ANT}\"\n");
        let f = one(&lint(&text), Rule::KW302);
        assert_eq!(snippet(&text, &f), "\"");
        assert!(f
            .message
            .starts_with("`ANTHROPIC_API_KEY`'s value ends with a stray `\"`;"));
        assert_no_secret(&f.message, ANT);
        let fixed = assert_fix_clears(&text, &f);
        assert_eq!(fixed, format!("ANTHROPIC_API_KEY={ANT}\n"));
    }

    #[test]
    fn backticks_and_nested_quotes() {
        let text = format!("A_TOKEN=`{ANT}`\nB_API_KEY='\"{KEY}\"'\nC_KEY=\"ab\\\"cd\"\n");
        let found = of(&lint(&text), Rule::KW302);
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(found[0].message.contains("is wrapped in backticks;"));
        assert_eq!(snippet(&text, &found[1]), format!("'\"{KEY}\"'"));
        assert!(found[1]
            .message
            .contains("(only the outer straight quotes are removed)"));
        assert_eq!(snippet(&text, &found[2]), "\\\"");
        let fixed = assert_fix_clears(&text, &found[0]);
        assert!(fixed.starts_with(&format!("A_TOKEN={ANT}\n")));
        let fixed = assert_fix_clears(&text, &found[1]);
        assert!(fixed.contains(&format!("B_API_KEY='{KEY}'\n")));
        let fixed = assert_fix_clears(&text, &found[2]);
        assert!(fixed.ends_with("C_KEY=\"abcd\"\n"), "{fixed}");
    }

    #[test]
    fn rewrites_when_removing_would_start_a_comment() {
        // Without the quotes, ` #` would start a comment.
        let text = "SOME_TOKEN= \u{201C}#abc\u{201D}\n";
        let f = one(&lint(text), Rule::KW302);
        let fixed = assert_fix_clears(text, &f);
        assert_eq!(fixed, "SOME_TOKEN= \"#abc\"\n");
        assert!(f.fixes[0].sensitive);
    }

    #[test]
    fn mismatched_quotes_on_a_skipped_line() {
        let text = "GROQ_API_KEY='gsk_abc123\"\nOTHER=1\n";
        let findings = lint(text);
        let f = one(&findings, Rule::KW302);
        assert!(of(&findings, Rule::KW303).is_empty(), "{findings:#?}");
        assert_eq!(snippet(text, &f), "\"");
        assert_eq!(
            f.message,
            "`GROQ_API_KEY`'s value opens with `'` but ends with `\"`; python-dotenv cannot \
             parse the line, warns and skips it, so `GROQ_API_KEY` is not set"
        );
        let fixed = assert_fix_clears(text, &f);
        assert_eq!(fixed, "GROQ_API_KEY='gsk_abc123'\nOTHER=1\n");
    }

    #[test]
    fn mismatched_quotes_that_break_the_following_lines() {
        let text = "OPENAI_API_KEY=\"sk-abc'\nMODEL=gpt-4o\nNOTE=\"hi\"\n";
        let findings = lint(text);
        let f = one(&findings, Rule::KW302);
        assert!(of(&findings, Rule::KW303).is_empty(), "{findings:#?}");
        assert!(
            f.message.ends_with(
                "python-dotenv reads on to the next `\"` 2 lines down, cannot parse what \
                 follows it and skips all of it, so `OPENAI_API_KEY` and the variables on those \
                 lines are not set"
            ),
            "{}",
            f.message
        );
        let fixed = assert_fix_clears(text, &f);
        assert_eq!(
            fixed,
            "OPENAI_API_KEY=\"sk-abc\"\nMODEL=gpt-4o\nNOTE=\"hi\"\n"
        );
    }

    #[test]
    fn mismatched_quotes_that_swallow_lines() {
        let text = "OPENAI_API_KEY=\"sk-abc'\nMODEL=gpt-4o\n# the end\"\n";
        let findings = lint(text);
        let f = one(&findings, Rule::KW302);
        assert_eq!(snippet(text, &f), "'");
        assert!(
            f.message.ends_with(
                "python-dotenv reads on to the next `\"` 2 lines down and takes all of it as \
                 the value, so the variables on those lines are not set"
            ),
            "{}",
            f.message
        );
        let fixed = assert_fix_clears(text, &f);
        assert_eq!(
            fixed,
            "OPENAI_API_KEY=\"sk-abc\"\nMODEL=gpt-4o\n# the end\"\n"
        );
    }

    #[test]
    fn quiet_on_prose_json_and_passwords() {
        let text = "GREETING=\"It's fine, don't worry\"\nNAME=O'Brien\n\
                    GOOGLE_CREDENTIALS='{\"type\": \"service_account\"}'\n\
                    DB_PASSWORD=ab\"cd\nPROMPT=\"Say \u{201C}hi\u{201D} politely\"\n";
        let found = of(&lint(text), Rule::KW302);
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn warning_for_other_names() {
        let text = "MODEL=\u{2018}gpt-4o\u{2019}\n";
        let f = one(&lint(text), Rule::KW302);
        assert_eq!(f.severity, Severity::Warning);
        assert_fix_clears(text, &f);
    }
}

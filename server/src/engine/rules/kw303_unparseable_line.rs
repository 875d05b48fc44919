//! KW303 unparseable-line: a .env statement python-dotenv cannot parse, so its variable is not set.
//!
//! When python-dotenv meets a statement it cannot parse it logs `python-dotenv could not parse
//! statement starting at line N` (a warning most programs never show) and moves on. The
//! variable on that line is simply not set, and AutoGen later fails with a missing-key error or
//! falls back to another provider's variable, far away from the real cause. A quote that is
//! opened and only closed several lines further down takes all those lines with it.
//!
//! Fires on every statement python-dotenv skips, and says what looks wrong when that is clear:
//! text after a closing quote (`KEY="abc"def`), a quote that is never closed, `:` instead of
//! `=` (YAML habit), a missing `=`, a space in the variable name, a line with no name before
//! `=`. Mismatched quotes (`KEY='abc"`) are reported by KW302 instead while KW302 is enabled.
//!
//! Bad:
//! ```text
//! OPENAI_API_KEY: sk-proj-abc123
//! AZURE_OPENAI_API_KEY="0123abcd"  extra
//! GROQ_API_KEY="gsk_abc123
//! ```
//! Good:
//! ```text
//! OPENAI_API_KEY=sk-proj-abc123
//! AZURE_OPENAI_API_KEY="0123abcd"  # extra
//! GROQ_API_KEY="gsk_abc123"
//! ```
//!
//! Fixes are offered only where the intent is obvious, and are not marked safe (review them):
//! replace `:` with `=`, insert the missing `=`, close a quote that is never closed at the end
//! of its line. Text after a closing quote has no automatic fix.

use std::path::Path;

use super::helpers::dotenv_values::{mismatched_in_error, reparse, replace};
use super::{EnvCtx, Overlap};
use crate::engine::diagnostic::{Edit, Finding, Fix};
use crate::engine::dotenv::{self, ParseError};
use crate::engine::rules::Rule;
use crate::engine::text::Span;

pub(super) fn check(ctx: &EnvCtx, out: &mut Vec<Finding>) {
    let text = ctx.text();
    let owner_reports = ctx.reported_by_owner(Overlap::MismatchedQuotes);
    for error in &ctx.parsed().errors {
        if owner_reports && mismatched_in_error(text, error).is_some() {
            continue;
        }
        out.push(finding(ctx, error));
    }
}

/// Python's `[^\S\r\n]`: horizontal whitespace.
fn is_hspace(c: char) -> bool {
    c != '\n' && c != '\r' && c.is_whitespace()
}

struct Diagnosis {
    /// What looks wrong ("text follows the closing quote").
    reason: Option<String>,
    /// Where (absolute); the statement's first line when None.
    span: Option<Span>,
    key: Option<String>,
    fix: Option<(String, Vec<Edit>)>,
}

fn finding(ctx: &EnvCtx, error: &ParseError) -> Finding {
    let text = ctx.text();
    let d = diagnose(ctx.path, text, error.span);
    let stmt = text
        .get(error.span.start..error.span.end)
        .unwrap_or_default();
    let first_line_len = stmt.find(['\n', '\r']).unwrap_or(stmt.len());
    let first_line = Span::new(error.span.start, error.span.start + first_line_len);
    let extra_lines = line_breaks(stmt);

    let (what, skipped) = if extra_lines == 0 {
        ("line", "it logs a warning and skips the line".to_string())
    } else {
        (
            "statement",
            format!(
                "it logs a warning and skips all {} lines of it",
                extra_lines + 1
            ),
        )
    };
    let mut lost: Vec<String> = d.key.iter().cloned().collect();
    if extra_lines > 0 {
        // Variables defined on the lines the statement swallowed.
        let rest = &stmt[first_line_len..];
        for e in dotenv::parse(rest).entries {
            if !lost.contains(&e.key) {
                lost.push(e.key);
            }
        }
    }
    let not_set = match lost.as_slice() {
        [] => "nothing on it is set".to_string(),
        [one] => format!("`{one}` is not set"),
        many => format!(
            "{} are not set",
            many.iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let message = match &d.reason {
        Some(reason) => {
            format!("python-dotenv cannot parse this {what}: {reason}; {skipped}, so {not_set}")
        }
        None => format!("python-dotenv cannot parse this {what}; {skipped}, so {not_set}"),
    };
    let mut f = Finding::new(Rule::KW303, ctx.path, d.span.unwrap_or(first_line), message);
    if let Some((title, edits)) = d.fix {
        let key = d.key.clone().unwrap_or_default();
        let first_ok = reparse(text, first_line, &edits).is_some_and(|p| {
            p.errors.is_empty() && p.entries.len() == 1 && p.entries[0].key == key
        });
        if first_ok {
            f = f.fix(Fix {
                title,
                edits,
                // Sets a variable python-dotenv skips today, with a guessed intent.
                safe: false,
                sensitive: false,
            });
        }
    }
    f
}

fn line_breaks(s: &str) -> usize {
    s.matches('\n').count() + s.matches('\r').count() - s.matches("\r\n").count()
}

/// Re-read the statement the way python-dotenv does and say where it goes wrong.
fn diagnose(path: &Path, text: &str, span: Span) -> Diagnosis {
    let mut d = Diagnosis {
        reason: None,
        span: None,
        key: None,
        fix: None,
    };
    let Some(stmt) = text.get(span.start..span.end) else {
        return d;
    };
    let at = |i: usize| span.start + i;
    // End of the line containing `from` (a quoted name may span lines).
    let eol = |from: usize| {
        stmt[from..]
            .find(['\n', '\r'])
            .map_or(stmt.len(), |i| from + i)
    };
    let mut p = stmt.len() - stmt.trim_start().len();
    if let Some(after) = stmt[p..].strip_prefix("export") {
        let ws = after.len() - after.trim_start_matches(is_hspace).len();
        if ws > 0 {
            p += 6 + ws;
        }
    }
    let rest = &stmt[p..];

    // The key.
    let key_start = p;
    if let Some(quoted) = rest.strip_prefix('\'') {
        match quoted.find('\'') {
            Some(0) => {
                d.reason = Some("the quoted variable name is empty".into());
                return d;
            }
            Some(close) => {
                d.key = Some(quoted[..close].to_string());
                p += close + 2;
            }
            None => {
                d.reason = Some("the quote before the variable name is never closed".into());
                d.span = Some(Span::new(at(p), at(p + 1)));
                return d;
            }
        }
    } else {
        let len = rest
            .find(|c: char| c == '=' || c == '#' || c.is_whitespace())
            .unwrap_or(rest.len());
        if len == 0 {
            if rest.starts_with('=') {
                d.reason = Some("there is no variable name before `=`".into());
            }
            return d;
        }
        d.key = Some(rest[..len].to_string());
        p += len;
    }
    let key_end = p;
    p += stmt[p..].len() - stmt[p..].trim_start_matches(is_hspace).len();

    if !stmt[p..].starts_with('=') {
        // No `=`: only a comment or the end of the line may follow.
        let key = d.key.clone().unwrap_or_default();
        let line_end = eol(p);
        let line_rest = &stmt[p..line_end];
        if let Some(bare) = key.strip_suffix(':') {
            d.reason = Some("it uses `:` instead of `=`".into());
            d.span = Some(Span::new(at(key_end - 1), at(key_end)));
            d.key = Some(bare.to_string());
            d.fix = Some((
                "Replace `:` with `=`".into(),
                vec![replace(path, Span::new(at(key_end - 1), at(p)), "=")],
            ));
        } else if line_rest.contains('=') {
            d.reason = Some("the variable name contains a space".into());
            let eq = p + line_rest.find('=').unwrap_or(0);
            d.span = Some(Span::new(at(key_start), at(eq)));
            d.key = None;
        } else {
            d.reason = Some(format!("there is no `=` between `{key}` and the value"));
            d.span = Some(Span::new(at(key_start), at(line_end)));
            if p > key_end {
                d.fix = Some((
                    "Insert `=`".into(),
                    vec![replace(path, Span::new(at(key_end), at(p)), "=")],
                ));
            }
        }
        return d;
    }

    // `=` then optional horizontal whitespace, then the value.
    p += 1;
    p += stmt[p..].len() - stmt[p..].trim_start_matches(is_hspace).len();
    let quote = match stmt[p..].chars().next() {
        Some(q @ ('\'' | '"')) => q,
        // Unquoted values always parse.
        _ => return d,
    };
    let open = p;
    let line_end = eol(open);
    let bytes = stmt.as_bytes();
    let mut i = open + 1;
    let mut close = None;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote as u8 => {
                close = Some(i);
                break;
            }
            _ => i += 1,
        }
    }
    match close {
        None => {
            d.reason = Some(format!(
                "the `{quote}` that opens the value is never closed"
            ));
            d.span = Some(Span::new(at(open), at(line_end)));
            let body = &stmt[open + 1..line_end];
            let content = body.trim_end_matches(is_hspace);
            if !content.is_empty() && !body.contains(" #") && !body.contains("\t#") {
                d.fix = Some((
                    format!("Close the quote at the end of the line with `{quote}`"),
                    vec![replace(
                        path,
                        Span::empty(at(open + 1 + content.len())),
                        quote.to_string(),
                    )],
                ));
            }
        }
        Some(close) => {
            let after = &stmt[close + 1..];
            let after_line_len = after.find(['\n', '\r']).unwrap_or(after.len());
            let trailing = after[..after_line_len].trim_matches(is_hspace);
            let trailing_at = close + 1 + (after.len() - after.trim_start_matches(is_hspace).len());
            let down = line_breaks(&stmt[open..close]);
            d.reason = Some(if down == 0 {
                "text follows the closing quote (put a space and `#` before a comment)".into()
            } else {
                format!(
                    "the `{quote}` that opens the value is only closed {} further down, and \
                     text follows it there",
                    if down == 1 {
                        "1 line".to_string()
                    } else {
                        format!("{down} lines")
                    }
                )
            });
            if down == 0 && !trailing.is_empty() {
                d.span = Some(Span::new(at(trailing_at), at(trailing_at + trailing.len())));
            }
            if down > 0 {
                // Most likely the quote on the first line was meant to be closed there (a key
                // has no spaces; a PEM block would).
                let body = &stmt[open + 1..line_end];
                let content = body.trim_end_matches(is_hspace);
                if !content.is_empty() && !content.contains(char::is_whitespace) {
                    d.span = Some(Span::new(at(open), at(line_end)));
                    d.fix = Some((
                        format!("Close the quote at the end of the line with `{quote}`"),
                        vec![replace(
                            path,
                            Span::empty(at(open + 1 + content.len())),
                            quote.to_string(),
                        )],
                    ));
                }
            }
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::super::helpers::test_support::*;
    use super::*;
    use crate::engine::config::Config;
    use crate::engine::diagnostic::Finding;
    use crate::engine::diagnostic::Severity;
    use crate::engine::workspace::{GitStatus, Workspace};

    #[test]
    fn colon_instead_of_equals() {
        let text = "OPENAI_API_KEY: sk-proj-abc123\nMODEL=gpt-4o\n";
        let f = one(&lint(text), Rule::KW303);
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(snippet(text, &f), ":");
        assert_eq!(
            f.message,
            "python-dotenv cannot parse this line: it uses `:` instead of `=`; it logs a warning \
             and skips the line, so `OPENAI_API_KEY` is not set"
        );
        assert!(!f.fixes[0].safe);
        let fixed = assert_fix_clears(text, &f);
        assert_eq!(fixed, "OPENAI_API_KEY=sk-proj-abc123\nMODEL=gpt-4o\n");
    }

    #[test]
    fn text_after_the_closing_quote_has_no_fix() {
        let text = "AZURE_OPENAI_API_KEY=\"0123abcd\"  extra words\n";
        let f = one(&lint(text), Rule::KW303);
        assert_eq!(snippet(text, &f), "extra words");
        assert!(f.message.contains("text follows the closing quote"));
        assert!(f.message.ends_with("so `AZURE_OPENAI_API_KEY` is not set"));
        assert!(!f.message.contains("0123abcd"));
        assert!(f.fixes.is_empty());
        let text = "K=\"abc\"def\n";
        let f = one(&lint(text), Rule::KW303);
        assert_eq!(snippet(text, &f), "def");
        assert!(f.fixes.is_empty());
    }

    #[test]
    fn unclosed_quote() {
        let text = "GROQ_API_KEY=\"gsk_abc123\nMODEL=llama3\n";
        let f = one(&lint(text), Rule::KW303);
        assert_eq!(snippet(text, &f), "\"gsk_abc123");
        assert!(f
            .message
            .contains("the `\"` that opens the value is never closed"));
        let fixed = assert_fix_clears(text, &f);
        assert_eq!(fixed, "GROQ_API_KEY=\"gsk_abc123\"\nMODEL=llama3\n");
    }

    #[test]
    fn quote_closed_lines_later_lists_the_lost_variables() {
        let text = "OPENAI_API_KEY=\"sk-abc\nMODEL=gpt-4o\nNOTE=\"hi\"\nLAST=1\n";
        let f = one(&lint(text), Rule::KW303);
        assert_eq!(
            f.message,
            "python-dotenv cannot parse this statement: the `\"` that opens the value is only \
             closed 2 lines further down, and text follows it there; it logs a warning and skips \
             all 3 lines of it, so `OPENAI_API_KEY`, `MODEL`, `NOTE` are not set"
        );
        let fixed = assert_fix_clears(text, &f);
        assert_eq!(
            fixed,
            "OPENAI_API_KEY=\"sk-abc\"\nMODEL=gpt-4o\nNOTE=\"hi\"\nLAST=1\n"
        );
    }

    #[test]
    fn missing_equals_and_space_in_name() {
        let text = "OPENAI_API_KEY sk-abc\nMY KEY=value\n=orphan\n";
        let found = of(&lint(text), Rule::KW303);
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(found[0]
            .message
            .contains("there is no `=` between `OPENAI_API_KEY` and the value"));
        assert_eq!(snippet(text, &found[0]), "OPENAI_API_KEY sk-abc");
        assert_fix_clears(text, &found[0]);
        assert!(found[1]
            .message
            .contains("the variable name contains a space"));
        assert_eq!(snippet(text, &found[1]), "MY KEY");
        assert!(found[1].fixes.is_empty());
        assert!(found[2]
            .message
            .contains("there is no variable name before `=`"));
        assert!(found[2].message.ends_with("so nothing on it is set"));
    }

    #[test]
    fn mismatched_quotes_go_to_kw302_unless_it_is_off() {
        let text = "GROQ_API_KEY='gsk_abc123\"\n";
        assert!(of(&lint(text), Rule::KW303).is_empty());
        let config = Config {
            ignore: vec!["KW302".into()],
            ..Config::default()
        };
        let mut ws = Workspace::new(ROOT, config);
        ws.set_env(env_path(), text, GitStatus::Ignored);
        let found = ws.check_env(&env_path());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, Rule::KW303);
        assert!(found[0].message.contains("never closed"));
    }

    #[test]
    fn quoted_names_spanning_lines_do_not_confuse_the_diagnosis() {
        let text = "'A\nB' x\n'C\n";
        let found = of(&lint(text), Rule::KW303);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[1]
            .message
            .contains("the quote before the variable name is never closed"));
    }

    proptest::proptest! {
        /// Whatever the text, the .env rules never panic, every span lies on char boundaries,
        /// and every fix applies.
        #[test]
        fn env_rules_are_total(pieces in proptest::collection::vec(
            proptest::sample::select(vec![
                "OPENAI_API_KEY", "K", "export ", "=", " ", "\t", "\n", "\r\n", "\r", "\"",
                "'", "`", "\u{201C}", "\u{201D}", "#", "\\", "${K}", "sk-", "sk-ant-",
                "gsk_", "abc", "é", "\u{200b}", "xxxx", "...", ":", "sess-", "<", ">",
                "0f3a9c2e7b14d58a6c0e9f2b3d4a5c6e", "Xk29sLq8Vn3Rt5Wy7Zb1Cd4Fg6Hj8Km0P",
                "OPENAI_API_BASE", "https://api.groq.com", "A_KEY=x\n", "HF_TOKEN",
                "${OPENAI_API_KEY}",
            ]),
            0..24,
        )) {
            let text: String = pieces.concat();
            let git = GitStatus::NotIgnored { repo_root: ROOT.into() };
            let findings = check_at(&env_path(), &text, git);
            for f in &findings {
                proptest::prop_assert!(f.span.start <= f.span.end && f.span.end <= text.len());
                proptest::prop_assert!(text.is_char_boundary(f.span.start));
                proptest::prop_assert!(text.is_char_boundary(f.span.end));
                for fix in &f.fixes {
                    if !fix.edits.iter().any(|e| e.path == env_path()) {
                        continue;
                    }
                    let fixed = apply(&text, &env_path(), fix);
                    if !fix.safe {
                        continue;
                    }
                    // A safe fix removes its finding and brings nothing new.
                    let git = GitStatus::NotIgnored { repo_root: ROOT.into() };
                    let after = check_at(&env_path(), &fixed, git);
                    // Identify findings by rule and the variable they name (messages also
                    // carry lengths and fingerprints, which change with the value).
                    let key = |x: &Finding| {
                        let name = x.message.split('`').nth(1).unwrap_or_default();
                        (x.rule, name.to_string())
                    };
                    let count = |fs: &[Finding], k: &(Rule, String)| {
                        fs.iter().filter(|x| key(x) == *k).count()
                    };
                    let same = |x: &Finding| x.rule == f.rule && x.message == f.message;
                    proptest::prop_assert!(
                        after.iter().filter(|x| same(x)).count()
                            < findings.iter().filter(|x| same(x)).count(),
                        "{:?} survives its fix\n{:?}\n{:?}", f, text, fixed
                    );
                    // Making a skipped or swallowed line parse may reveal what is on it.
                    let reparsed = f.rule == Rule::KW303 || f.message.contains("opens with");
                    for a in after.iter().filter(|_| !reparsed) {
                        proptest::prop_assert!(
                            count(&findings, &key(a)) > 0,
                            "{:?} introduced by fixing {:?}\n{:?}\n{:?}", a, f, text, fixed
                        );
                    }
                }
            }
        }
    }
}

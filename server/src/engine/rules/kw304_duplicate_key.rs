//! KW304 duplicate-key: a .env variable is defined twice; python-dotenv ignores the earlier one.
//!
//! python-dotenv reads the whole file and the last definition of a variable wins. A `.env`
//! that grew by copy-paste often has `OPENAI_API_KEY` twice: you update the first one, the old
//! (revoked) key further down is the one AutoGen sends, and the API keeps answering 401 no
//! matter how often the new key is pasted in.
//!
//! Fires on every definition that a later one overrides, at its name, with the winning
//! definition as related information. A definition that is still used before it is overridden
//! (`PATH=a`, `OTHER=${PATH}`, `PATH=b`; or `PATH=${PATH}:b`) is not reported. The message says
//! whether the two values are the same; it never shows them.
//!
//! Bad:
//! ```text
//! OPENAI_API_KEY=sk-proj-new-key
//! MODEL=gpt-4o
//! OPENAI_API_KEY=sk-proj-old-key
//! ```
//! Good:
//! ```text
//! OPENAI_API_KEY=sk-proj-new-key
//! MODEL=gpt-4o
//! ```
//!
//! Fix (safe): delete the overridden line (with its line terminator); the variable keeps the
//! value it has today. If the earlier value is the one you want, delete the later line instead.

use std::collections::HashMap;

use super::helpers::dotenv_values::delete;
use super::EnvCtx;
use crate::engine::diagnostic::{Finding, Fix};
use crate::engine::dotenv::Entry;
use crate::engine::rules::Rule;
use crate::engine::text::Span;

pub(super) fn check(ctx: &EnvCtx, out: &mut Vec<Finding>) {
    let text = ctx.text();
    let entries = &ctx.parsed().entries;
    // For each definition, the index of the next definition of the same variable, and of the
    // last one (the winner).
    let mut next = vec![None; entries.len()];
    let mut following: HashMap<&str, usize> = HashMap::new();
    let mut last: HashMap<&str, usize> = HashMap::new();
    for (i, e) in entries.iter().enumerate().rev() {
        next[i] = following.insert(&e.key, i);
        last.entry(&e.key).or_insert(i);
    }
    // Definitions whose value reads other variables.
    let readers: Vec<usize> = (0..entries.len())
        .filter(|&i| {
            entries[i]
                .literal
                .as_deref()
                .is_some_and(|l| l.contains("${"))
        })
        .collect();
    for (i, entry) in entries.iter().enumerate() {
        let Some(next) = next[i] else { continue };
        // Used (through `${KEY}`) before it is overridden?
        let from = readers.partition_point(|&r| r <= i);
        if readers[from..]
            .iter()
            .take_while(|&&r| r <= next)
            .any(|&r| references(&entries[r], &entry.key))
        {
            continue;
        }
        let winner = &entries[last[entry.key.as_str()]];
        let same = winner.literal == entry.literal;
        let key = &entry.key;
        let message = if same {
            format!(
                "`{key}` is defined again further down with the same value; python-dotenv keeps \
                 the last definition, so this line is redundant"
            )
        } else {
            format!(
                "`{key}` is defined again further down with a different value; python-dotenv \
                 keeps the last definition, so this value is never used"
            )
        };
        let mut finding = Finding::new(Rule::KW304, ctx.path, entry.key_span, message).related(
            ctx.path,
            winner.key_span,
            format!(
                "overridden by line {}: this definition of `{key}` wins",
                winner.line + 1
            ),
        );
        if let Some(span) = line_span(text, entry) {
            finding = finding.fix(Fix {
                title: format!("Remove the overridden definition of `{key}`"),
                edits: vec![delete(ctx.path, span)],
                // The line is dead: later definitions win and no `${KEY}` reads it in between.
                safe: true,
                sensitive: false,
            });
        }
        out.push(finding);
    }
}

/// Whether `entry`'s value reads `${key}` (or `${key:-default}`).
fn references(entry: &Entry, key: &str) -> bool {
    let Some(literal) = entry.literal.as_deref() else {
        return false;
    };
    let mut rest = literal;
    while let Some(i) = rest.find("${") {
        rest = &rest[i + 2..];
        let end = rest.find(['}', ':']).unwrap_or(rest.len());
        if &rest[..end] == key {
            return true;
        }
    }
    false
}

/// The entry's whole lines: from the start of its first line (indentation included, a BOM
/// excluded) through its line terminator.
fn line_span(text: &str, entry: &Entry) -> Option<Span> {
    let before = text.get(..entry.span.start)?;
    let indent = before.len()
        - before
            .trim_end_matches(|c: char| c != '\n' && c != '\r' && c.is_whitespace())
            .len();
    let start = entry.span.start - indent;
    let after = text.get(entry.span.end..)?;
    let end = entry.span.end
        + if after.starts_with("\r\n") {
            2
        } else if after.starts_with(['\n', '\r']) {
            1
        } else {
            0
        };
    Some(Span::new(start, end))
}

#[cfg(test)]
mod tests {
    use super::super::helpers::test_support::*;
    use super::*;
    use crate::engine::diagnostic::Severity;

    const NEW: &str = "sk-proj-4fQ9zR2mL8vX1cT7bN3kP6wY0hJ5sD2gA9eU4iO7lK1mN8bV3cX6z";
    const OLD: &str = "sk-proj-Zx81hQmPq7Lr2Vn5Ws9Tb3Kc6Yd0Fe4GjT3BlbkFJa1Qw8Er7Ty6Ui";

    #[test]
    fn earlier_definition_is_reported_with_the_winner() {
        let text = format!("OPENAI_API_KEY={NEW}\nMODEL=gpt-4o\nexport OPENAI_API_KEY={OLD}\n");
        let f = one(&lint(&text), Rule::KW304);
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(snippet(&text, &f), "OPENAI_API_KEY");
        assert_eq!(f.span.start, 0);
        assert_eq!(
            f.message,
            "`OPENAI_API_KEY` is defined again further down with a different value; \
             python-dotenv keeps the last definition, so this value is never used"
        );
        assert_no_secret(&f.message, NEW);
        assert_no_secret(&f.message, OLD);
        assert_eq!(f.related.len(), 1);
        assert_eq!(
            f.related[0].message,
            "overridden by line 3: this definition of `OPENAI_API_KEY` wins"
        );
        assert_eq!(
            &text[f.related[0].span.start..f.related[0].span.end],
            "OPENAI_API_KEY"
        );
        assert!(f.related[0].span.start > 0);
        let fixed = assert_fix_clears(&text, &f);
        assert_eq!(
            fixed,
            format!("MODEL=gpt-4o\nexport OPENAI_API_KEY={OLD}\n")
        );
    }

    #[test]
    fn three_definitions_and_crlf() {
        let text = "  A=3 # first\r\nA=1\r\nB=2\r\nA=3";
        let found = of(&lint(text), Rule::KW304);
        assert_eq!(found.len(), 2);
        assert!(found[0].message.contains("the same value"));
        assert!(found[1].message.contains("a different value"));
        for f in &found {
            assert!(f.related[0].message.starts_with("overridden by line 4:"));
        }
        let fixed = assert_fix_clears(text, &found[0]);
        assert_eq!(fixed, "A=1\r\nB=2\r\nA=3");
        let fixed = assert_fix_clears(text, &found[1]);
        assert_eq!(fixed, "  A=3 # first\r\nB=2\r\nA=3");
    }

    #[test]
    fn definitions_used_before_the_override_are_kept() {
        let text = "BASE=https://x\nURL=${BASE}/v1\nBASE=https://y\nP=a\nP=${P:-z}:b\n";
        assert!(of(&lint(text), Rule::KW304).is_empty());
    }

    #[test]
    fn a_reference_only_protects_the_definition_it_reads() {
        let text = "A=1\nA=2\nX=${A}\nA=3\n";
        let f = one(&lint(text), Rule::KW304);
        assert_eq!(f.span.start, 0);
        assert_fix_clears(text, &f);
    }

    #[test]
    fn multi_line_values_are_removed_whole() {
        let text = "PEM=\"-----BEGIN-----\nabc\n-----END-----\"\nPEM=x\n";
        let f = one(&lint(text), Rule::KW304);
        let fixed = assert_fix_clears(text, &f);
        assert_eq!(fixed, "PEM=x\n");
    }
}

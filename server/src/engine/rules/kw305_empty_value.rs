//! KW305 empty-value: a credential variable in .env is empty, or has no `=` at all.
//!
//! `OPENAI_API_KEY=` (or `=""`) makes `load_dotenv()` set the variable to an empty string. The
//! variable now *exists*, so `os.environ["OPENAI_API_KEY"]` does not raise and AutoGen's
//! "is the key set?" checks pass; the empty key is sent and the API answers 401 — or, when
//! the shell already exported a real key, `load_dotenv()` (which does not override) keeps that
//! one and the .env line silently does nothing. A bare `OPENAI_API_KEY` line without `=` is
//! stranger still: python-dotenv records it without a value and `load_dotenv()` sets nothing.
//!
//! Fires on the definition python-dotenv keeps of every credential-like variable (`*_KEY`,
//! `*_TOKEN`, `*_SECRET`, `*_PASSWORD`, …) whose value is empty or only whitespace (and stray
//! quote characters), or that has no `=`. Values built from `${OTHER_VAR}` are not checked (they may come from the
//! environment). Template files (`.env.example`, `.env.sample`, `.env.template`, `.env.dist`)
//! hold empty values on purpose and are never reported, and neither is a `.env` that git tracks
//! and that holds no real-looking key: a repository that commits its `.env` ships it as its
//! template.
//!
//! Bad:
//! ```text
//! OPENAI_API_KEY=
//! ANTHROPIC_API_KEY=""
//! GROQ_API_KEY
//! ```
//! Good:
//! ```text
//! OPENAI_API_KEY=sk-proj-abc123
//! # ANTHROPIC_API_KEY=   (commented out until you have one)
//! ```
//!
//! No automatic fix: put the real key in, or comment the line out (or delete it) so a missing
//! key fails loudly instead.

use super::helpers::dotenv_values::is_quote_char;
use super::helpers::dotenv_values::{shipped_template, winners};
use super::EnvCtx;
use crate::engine::diagnostic::Finding;
use crate::engine::rules::Rule;
use crate::engine::secrets::{self, is_blank_char};

pub(super) fn check(ctx: &EnvCtx, out: &mut Vec<Finding>) {
    // A tracked `.env` without a real key is the repository's template: its blanks are for the
    // user to fill in. (One with real keys is KW308's, and its blanks are still blanks.)
    if ctx.file.template || shipped_template(ctx.file, ctx.parsed()) {
        return;
    }
    for entry in winners(&ctx.parsed().entries) {
        let key = &entry.key;
        if !secrets::is_credential_name(key) || secrets::is_app_secret_name(key) {
            continue;
        }
        let (span, message) = match entry.literal.as_deref() {
            None => (
                entry.key_span,
                format!(
                    "`{key}` has no `=`: python-dotenv reads it without a value and \
                     load_dotenv() does not set it"
                ),
            ),
            Some(literal) if literal.contains("${") => continue,
            Some("") => (
                entry
                    .raw_span
                    .filter(|s| !s.is_empty())
                    .unwrap_or(entry.key_span),
                format!(
                    "`{key}` is empty: load_dotenv() sets it to an empty string, so the key \
                     looks configured but every API call fails with 401"
                ),
            ),
            Some(literal)
                if literal
                    .chars()
                    .all(|c| is_blank_char(c) || is_quote_char(c)) =>
            {
                (
                    entry.raw_span.unwrap_or(entry.key_span),
                    format!(
                    "`{key}` is blank (only whitespace or quote characters): load_dotenv() sets \
                     it to that, so the key looks configured but every API call fails with 401"
                ),
                )
            }
            Some(_) => continue,
        };
        out.push(Finding::new(Rule::KW305, ctx.path, span, message));
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::super::helpers::test_support::*;
    use super::*;
    use crate::engine::diagnostic::Severity;
    use crate::engine::workspace::GitStatus;

    #[test]
    fn empty_and_missing_values() {
        let text = "OPENAI_API_KEY=\nANTHROPIC_API_KEY=\"\"\nGROQ_API_KEY\nHF_TOKEN=' '\nMODEL=\n";
        let found = of(&lint(text), Rule::KW305);
        assert_eq!(found.len(), 4, "{found:#?}");
        assert!(found.iter().all(|f| f.severity == Severity::Warning));
        assert_eq!(snippet(text, &found[0]), "OPENAI_API_KEY");
        assert_eq!(
            found[0].message,
            "`OPENAI_API_KEY` is empty: load_dotenv() sets it to an empty string, so the key \
             looks configured but every API call fails with 401"
        );
        assert_eq!(snippet(text, &found[1]), "\"\"");
        assert_eq!(snippet(text, &found[2]), "GROQ_API_KEY");
        assert_eq!(
            found[2].message,
            "`GROQ_API_KEY` has no `=`: python-dotenv reads it without a value and load_dotenv() \
             does not set it"
        );
        assert_eq!(snippet(text, &found[3]), "' '");
        assert!(found[3]
            .message
            .contains("is blank (only whitespace or quote characters)"));
    }

    #[test]
    fn only_the_winning_definition_counts() {
        let text = "OPENAI_API_KEY=\nOPENAI_API_KEY=sk-proj-abc\nA_KEY=x\nA_KEY=\n";
        let found = of(&lint(text), Rule::KW305);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.starts_with("`A_KEY` is empty"));
    }

    #[test]
    fn quiet_on_templates_and_references() {
        let text = "OPENAI_API_KEY=\nGROQ_API_KEY\n";
        let path = PathBuf::from(ROOT).join(".env.example");
        assert!(of(&check_at(&path, text, GitStatus::Ignored), Rule::KW305).is_empty());
        assert!(of(&lint("OPENAI_API_KEY=${SHELL_KEY}\n"), Rule::KW305).is_empty());
    }
}

//! KW306 placeholder-value: a .env credential holds a placeholder or a ChatGPT session token.
//!
//! Copying `.env.example` to `.env` and forgetting one line is the most common source of
//! AutoGen's `401 Incorrect API key provided: your-api*****here`. The variable is set, so
//! nothing fails until the first request. A value starting with `sess-` is worse: it is the
//! session token of the ChatGPT web app, which people find in the browser and paste in; it is
//! not an API key and the API rejects it.
//!
//! Fires on the definition python-dotenv keeps of every credential-like variable whose value
//! is a placeholder: documentation examples (`sk-...`, `sk-xxxxxxxx`, `sk-your-key`), template
//! words (`YOUR_API_KEY`, `your-api-key-here`, `insert-key-here`), brackets (`<your key>`),
//! filler (`xxxx`, `****`, `...`), single words (`changeme`, `placeholder`, `TODO`), a masked key
//! copied from a dashboard (`sk-...AbCd`), or a `sess-` session token. The message says which
//! kind. Values local runtimes accept as a dummy key (`ollama`, `EMPTY`, `not-needed`, …) are
//! not placeholders; empty values are KW305's. Template files (`.env.example`, …) hold
//! placeholders on purpose and are never reported, and neither is a `.env` that git tracks: a
//! repository that commits its `.env` ships it as its template (real keys in it are KW308's).
//! An untracked (local) `.env` is checked.
//!
//! Bad:
//! ```text
//! OPENAI_API_KEY=sk-...
//! ANTHROPIC_API_KEY=<your-anthropic-key>
//! OPENAI_API_KEY=sess-AbCdEf123456...
//! ```
//! Good:
//! ```text
//! OPENAI_API_KEY=sk-proj-abc123...   (the real key, from platform.openai.com/api-keys)
//! ```
//!
//! No automatic fix: create a key in the provider's console and paste it in.

use super::helpers::dotenv_values::without_quotes;
use super::helpers::dotenv_values::{shipped_template, winners};
use super::EnvCtx;
use crate::engine::diagnostic::Finding;
use crate::engine::providers;
use crate::engine::rules::Rule;
use crate::engine::secrets::{self, Placeholder};

pub(super) fn check(ctx: &EnvCtx, out: &mut Vec<Finding>) {
    // A tracked `.env` is the repository's template.
    if ctx.file.template || shipped_template(ctx.file, ctx.parsed()) {
        return;
    }
    for entry in winners(&ctx.parsed().entries) {
        let key = &entry.key;
        let (Some(literal), Some(span)) = (entry.literal.as_deref(), entry.raw_span) else {
            continue;
        };
        if !secrets::is_credential_name(key)
            || secrets::is_app_secret_name(key)
            || providers::is_dummy_key(literal.trim())
        {
            continue;
        }
        // Stray quotes around it are KW302's.
        let value = &without_quotes(literal);
        let message = match secrets::placeholder_for(key, value) {
            None | Some(Placeholder::Empty) => continue,
            Some(Placeholder::SessionToken) => format!(
                "`{key}` holds a value starting with `sess-`: this is a ChatGPT session token, \
                 not an API key, and the API rejects it; create an API key in the provider's \
                 console"
            ),
            Some(kind) => format!(
                "`{key}` holds {}, not a real credential: the variable is set, so nothing fails \
                 until the API rejects it with 401",
                kind.describe()
            ),
        };
        out.push(Finding::new(Rule::KW306, ctx.path, span, message));
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
    fn placeholders_name_their_kind() {
        let text = "OPENAI_API_KEY=sk-...\nANTHROPIC_API_KEY=<your-anthropic-key>\n\
                    GROQ_API_KEY=YOUR_API_KEY\nHF_TOKEN=changeme\nMISTRAL_API_KEY=xxxxxxxx\n\
                    XAI_API_KEY=sk-...AbC1\n";
        let found = of(&lint(text), Rule::KW306);
        assert_eq!(found.len(), 6, "{found:#?}");
        assert!(found.iter().all(|f| f.severity == Severity::Warning));
        assert_eq!(snippet(text, &found[0]), "sk-...");
        assert_eq!(
            found[0].message,
            "`OPENAI_API_KEY` holds a documentation example (a key prefix followed by filler, \
             like `sk-...`), not a real credential: the variable is set, so nothing fails until \
             the API rejects it with 401"
        );
        assert!(found[1].message.contains("a placeholder in brackets"));
        assert!(found[2].message.contains("placeholder words"));
        assert!(found[3].message.contains("a placeholder word"));
        assert!(found[4].message.contains("only filler characters"));
        assert!(found[5].message.contains("a masked key"));
    }

    #[test]
    fn session_tokens() {
        let token = "sess-AbCdEf0123456789AbCdEf0123456789";
        let text = format!("OPENAI_API_KEY=\"{token}\"\n");
        let f = one(&lint(&text), Rule::KW306);
        assert_eq!(snippet(&text, &f), format!("\"{token}\""));
        assert!(f
            .message
            .contains("this is a ChatGPT session token, not an API key"));
        assert_no_secret(&f.message, token);
    }

    #[test]
    fn quiet_on_real_keys_dummies_empties_and_templates() {
        let text = "OPENAI_API_KEY=sk-proj-4fQ9zR2mL8vX1cT7bN3kP6wY0hJ5sD2gA9eU4iO7lK1m\n\
                    LOCAL_API_KEY=ollama\nB_KEY=EMPTY\nC_KEY=\nMODEL=YOUR_MODEL_HERE\n";
        assert!(of(&lint(text), Rule::KW306).is_empty());
        let path = PathBuf::from(ROOT).join(".env.example");
        let template = "OPENAI_API_KEY=sk-...\nANTHROPIC_API_KEY=<your key>\n";
        assert!(of(&check_at(&path, template, GitStatus::Ignored), Rule::KW306).is_empty());
    }

    #[test]
    fn quiet_on_a_tracked_env_only() {
        let text = "OPENAI_API_KEY=sk-1111\nANTHROPIC_API_KEY=<your key>\n";
        for ignored in [true, false] {
            let git = GitStatus::Tracked {
                repo_root: PathBuf::from(ROOT),
                ignored,
            };
            assert!(of(&check_at(&env_path(), text, git), Rule::KW306).is_empty());
        }
        let local = GitStatus::NotIgnored {
            repo_root: PathBuf::from(ROOT),
        };
        assert_eq!(
            of(&check_at(&env_path(), text, local), Rule::KW306).len(),
            2
        );
        assert_eq!(of(&lint(text), Rule::KW306).len(), 2);
    }
}

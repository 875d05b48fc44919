//! KW307 key-format: a .env key variable holds another provider's key or lacks its own prefix.
//!
//! Provider keys have public prefixes: OpenAI `sk-`/`sk-proj-`, Anthropic `sk-ant-`, OpenRouter
//! `sk-or-`, Groq `gsk_`, Google `AIza`, xAI `xai-`, Hugging Face `hf_`, Perplexity `pplx-`;
//! Azure OpenAI keys are 32 hexadecimal characters. Pasting the Anthropic key into
//! `OPENAI_API_KEY` (or the other way round) is an easy slip when a project talks to several
//! providers, and AutoGen only finds out when the API answers 401.
//!
//! Fires on the definition python-dotenv keeps of a key variable whose name points at a
//! provider (`OPENAI_API_KEY`, `MY_GROQ_KEY`, `HF_TOKEN`) when the value carries another
//! provider's prefix (the longest match counts, so `sk-ant-…` is Anthropic, not OpenAI), or does
//! not start with the provider's reliable prefix. A bare `sk-` or 32 hex characters only count
//! as another provider's key when the variable's own provider has a key format of its own
//! (DeepSeek and others issue `sk-` keys too). Not reported: empty values and placeholders
//! (KW305/KW306), `${VAR}` references, dummy keys for local runtimes, variables of a provider
//! whose endpoint this same file points elsewhere (`OPENAI_BASE_URL=https://api.groq.com/…`
//! with a Groq key in `OPENAI_API_KEY` is how OpenAI-compatible services are used), template
//! files, and a `.env` that git tracks (a repository that commits its `.env` ships it as its
//! template; real keys in it are KW308's). An untracked (local) `.env` is checked. The message
//! names both providers and never shows the value.
//!
//! Bad:
//! ```text
//! OPENAI_API_KEY=sk-ant-api03-...
//! GROQ_API_KEY=0123456789abcdef0123456789abcdef
//! ```
//! Good:
//! ```text
//! ANTHROPIC_API_KEY=sk-ant-api03-...
//! GROQ_API_KEY=gsk_...
//! ```
//!
//! No automatic fix: the right key has to come from the provider's console. When the value is
//! another provider's key, the message names that provider's variable; renaming the variable is
//! not offered, because the code that reads the old name would then find nothing.

use super::helpers::dotenv_values::without_quotes;
use super::helpers::dotenv_values::{shipped_template, winners};
use super::EnvCtx;
use crate::engine::diagnostic::Finding;
use crate::engine::dotenv::Entry;
use crate::engine::providers::{self, Provider};
use crate::engine::rules::Rule;
use crate::engine::secrets;

pub(super) fn check(ctx: &EnvCtx, out: &mut Vec<Finding>) {
    // A tracked `.env` is the repository's template.
    if ctx.file.template || shipped_template(ctx.file, ctx.parsed()) {
        return;
    }
    let entries = &ctx.parsed().entries;
    let kept: Vec<&Entry> = winners(entries).collect();
    // Providers the file's endpoint variables point at: (variable's provider, host's provider).
    let endpoints: Vec<(Option<&Provider>, Option<&Provider>)> = kept
        .iter()
        .filter(|e| secrets::is_endpoint_name(&e.key))
        .filter_map(|e| {
            let value = e.literal.as_deref()?.trim();
            if !value.contains("://") && !secrets::looks_like_host(value) {
                return None;
            }
            let host = providers::host_of(value)?;
            Some((
                providers::provider_for_var(&e.key),
                providers::provider_for_host(host),
            ))
        })
        .collect();

    for entry in kept.iter().copied() {
        let key = &entry.key;
        if !is_key_variable(key) {
            continue;
        }
        let Some(named) = providers::provider_for_var(key) else {
            continue;
        };
        if named.aws_credentials || !named.needs_key {
            continue;
        }
        let (Some(literal), Some(span)) = (entry.literal.as_deref(), entry.raw_span) else {
            continue;
        };
        // Stray quotes and whitespace around the key are KW301's and KW302's.
        let value = &without_quotes(literal);
        if value.is_empty()
            || value.contains("${")
            || value.contains("://")
            || secrets::placeholder_for(&entry.key, value).is_some()
            || providers::is_dummy_key(value)
            || secrets::looks_like_path(value)
        {
            continue;
        }
        // This file sends the provider's requests elsewhere: any key may be right.
        let custom_endpoint = endpoints.iter().any(|(var, host)| {
            var.is_some_and(|v| v.id == named.id) && host.is_none_or(|h| h.id != named.id)
        });
        if custom_endpoint {
            continue;
        }
        let holder = providers::provider_for_key(value);
        match holder {
            Some(other) if other.id != named.id => {
                if endpoints
                    .iter()
                    .any(|(_, host)| host.is_some_and(|h| h.id == other.id))
                {
                    continue;
                }
                let own_format = named.reliable_prefix.is_some() || named.hex32_keys;
                if is_shared_format(value) && !own_format {
                    continue;
                }
                let suggestion = other.key_vars.first().copied();
                let described = secrets::describe(value);
                let message = format!(
                    "`{key}` holds {} {described}, but the name says {}: {} rejects it{}",
                    article(&described),
                    named.display,
                    named.display,
                    suggestion.map_or(String::new(), |s| format!("; did you mean `{s}`?"))
                );
                out.push(Finding::new(Rule::KW307, ctx.path, span, message));
            }
            _ => {
                let Some(prefix) = named.reliable_prefix else {
                    continue;
                };
                if value.starts_with(prefix) {
                    continue;
                }
                let message = format!(
                    "`{key}` does not hold {} {} key: {} keys start with `{prefix}`, and this {} \
                     does not",
                    article(named.display),
                    named.display,
                    named.display,
                    secrets::describe(value)
                );
                out.push(Finding::new(Rule::KW307, ctx.path, span, message));
            }
        }
    }
}

/// A credential variable whose name says it is an API key or token (not a password, a client
/// secret or a credentials file), and not Azure's AD token.
fn is_key_variable(name: &str) -> bool {
    if !secrets::is_credential_name(name) || providers::AZURE_TOKEN_VARS.contains(&name) {
        return false;
    }
    let upper = name.to_ascii_uppercase();
    upper
        .split(['_', '-', '.'])
        .any(|p| matches!(p, "KEY" | "APIKEY" | "TOKEN"))
}

/// Whether the value's format is shared by several providers: a prefix that is the start of
/// another provider's longer prefix (`sk-`), or no prefix at all (32 hex characters).
fn is_shared_format(value: &str) -> bool {
    match providers::public_prefix(value) {
        None => true,
        Some(prefix) => providers::PROVIDERS.iter().any(|p| {
            p.key_prefixes
                .iter()
                .any(|other| other.len() > prefix.len() && other.starts_with(prefix))
        }),
    }
}

/// "an" before "Anthropic …", "OpenAI …", "xAI …"; "a" before "Groq …".
fn article(words: &str) -> &'static str {
    match words.chars().next() {
        Some('A' | 'E' | 'I' | 'O' | 'U' | 'a' | 'e' | 'i' | 'o' | 'u' | 'x') => "an",
        _ => "a",
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::super::helpers::test_support::*;
    use super::*;
    use crate::engine::diagnostic::Severity;
    use crate::engine::workspace::GitStatus;

    const ANT: &str = "sk-ant-api03-Zk3Jq9Lm2Np8Qr4St6Uv0Wx1Yz5Ab7Cd9Ef3Gh_Ij-Kl2Mn4Op6";
    const OAI: &str = "sk-proj-4fQ9zR2mL8vX1cT7bN3kP6wY0hJ5sD2gA9eU4iO7lK1mN8bV3cX6z";
    const HEX: &str = "0f3a9c2e7b14d58a6c0e9f2b3d4a5c6e";
    const BARE: &str = "sk-Zq8Wm2Lx5Np9Rt3Vb7Hj1Kd4Fg6Sa0Ce2Uy8Io5PqRs7Tu4";

    #[test]
    fn another_providers_key() {
        let text = format!("OPENAI_API_KEY={ANT}\n");
        let f = one(&lint(&text), Rule::KW307);
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(snippet(&text, &f), ANT);
        assert_eq!(
            f.message,
            format!(
                "`OPENAI_API_KEY` holds an Anthropic key (sk-ant-api03-…, {} chars, fingerprint \
                 {}), but the name says OpenAI: OpenAI rejects it; did you mean \
                 `ANTHROPIC_API_KEY`?",
                ANT.len(),
                secrets::fingerprint(ANT)
            )
        );
        assert_no_secret(&f.message, ANT);
        assert!(f.fixes.is_empty());
    }

    #[test]
    fn openai_key_in_anthropic_and_azure_variables() {
        let text = format!("ANTHROPIC_API_KEY={OAI}\nAZURE_OPENAI_API_KEY={BARE}\n");
        let found = of(&lint(&text), Rule::KW307);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0]
            .message
            .starts_with("`ANTHROPIC_API_KEY` holds an OpenAI key"));
        assert!(found[1]
            .message
            .starts_with("`AZURE_OPENAI_API_KEY` holds an OpenAI key (sk-…,"));
    }

    #[test]
    fn missing_reliable_prefix() {
        let text =
            format!("GROQ_API_KEY=Xk29sLq8Vn3Rt5Wy7Zb1Cd4Fg6Hj8Km0P\nOPENAI_API_KEY={HEX}\n");
        let found = of(&lint(&text), Rule::KW307);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_eq!(
            found[0].message,
            format!(
                "`GROQ_API_KEY` does not hold a Groq key: Groq keys start with `gsk_`, and this \
                 key (33 chars, fingerprint {}) does not",
                secrets::fingerprint("Xk29sLq8Vn3Rt5Wy7Zb1Cd4Fg6Hj8Km0P")
            )
        );
        assert!(found[0].fixes.is_empty());
        // 32 hex characters look like Azure's, and OpenAI keys have a format of their own.
        assert!(found[1]
            .message
            .starts_with("`OPENAI_API_KEY` holds an Azure OpenAI key (32 hex chars"));
    }

    #[test]
    fn shared_formats_and_compatible_endpoints_are_fine() {
        let text = format!(
            "DEEPSEEK_API_KEY={BARE}\nMISTRAL_API_KEY={HEX}\nOPENAI_API_KEY=gsk_8Hk2Lm9Qp3Rs7Tv1Wx5Yz0Ab4\n\
             OPENAI_BASE_URL=https://api.groq.com/openai/v1\n"
        );
        assert!(of(&lint(&text), Rule::KW307).is_empty());
        let text = format!("OPENAI_API_KEY={ANT}\nOPENAI_API_BASE=http://localhost:4000\n");
        assert!(of(&lint(&text), Rule::KW307).is_empty());
    }

    #[test]
    fn skips_placeholders_references_dummies_and_other_names() {
        let text = format!(
            "OPENAI_API_KEY=sk-...\nGROQ_API_KEY=${{OTHER}}\nXAI_API_KEY=EMPTY\n\
             ANTHROPIC_API_KEY=\nOPENAI_API_BASE={ANT}\nGOOGLE_APPLICATION_CREDENTIALS=/a/b.json\n\
             AZURE_OPENAI_AD_TOKEN=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.abc\n\
             OPENAI_API_KEY_2={OAI}\n"
        );
        assert!(of(&lint(&text), Rule::KW307).is_empty());
        let path = PathBuf::from(ROOT).join(".env.example");
        let template = format!("OPENAI_API_KEY={ANT}\n");
        assert!(of(&check_at(&path, &template, GitStatus::Ignored), Rule::KW307).is_empty());
    }

    #[test]
    fn quiet_on_a_tracked_env_that_holds_no_real_key() {
        let tracked = || GitStatus::Tracked {
            repo_root: PathBuf::from(ROOT),
            ignored: true,
        };
        // The repository's template: a prefix-less stand-in in a key variable.
        let template = "OPENAI_API_KEY=my-openai-key-goes-in-here-1234\n";
        assert!(of(&check_at(&env_path(), template, tracked()), Rule::KW307).is_empty());
        // Real keys committed: the user's own file, checked as usual.
        let text = format!("OPENAI_API_KEY={ANT}\n");
        one(&check_at(&env_path(), &text, tracked()), Rule::KW307);
        one(
            &check_at(&env_path(), &text, GitStatus::Ignored),
            Rule::KW307,
        );
    }

    #[test]
    fn stray_quotes_are_left_to_kw302() {
        let text = "GROQ_API_KEY=\u{201C}gsk_8Hk2Lm9Qp3Rs7Tv1Wx5Yz0Ab4\u{201D}\n";
        let found = lint(text);
        assert!(of(&found, Rule::KW307).is_empty(), "{found:#?}");
        one(&found, Rule::KW302);
    }

    #[test]
    fn only_the_winning_definition_counts() {
        let text = format!("OPENAI_API_KEY={ANT}\nOPENAI_API_KEY={OAI}\n");
        assert!(of(&lint(&text), Rule::KW307).is_empty());
    }
}

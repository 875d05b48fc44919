//! The rule registry: every rule's code, name, default severity, kind (what files it reads) and
//! documentation (its file's `//!` comment), the rule pages' URL, and which rule reports a
//! mistake two rules can both see. Data only: it never runs a rule and imports none, so that
//! findings and the configuration can name rules without depending on the runner.

use serde::{Deserialize, Serialize};

use crate::engine::severity::Severity;

/// The rule table, written once: code, name, default severity, module (the rule's file) and
/// kind: `python` (Python modules), `env` (.env files), `json` (`OAI_CONFIG_LIST` files),
/// `notebook` (Jupyter notebooks), `deploy` (compose files and Dockerfiles), or `python_json` / `env_json` (also config lists: the
/// config-entry rules, which read a JSON entry as they read a Python dict, and KW308). It hands
/// its rows to `$callback`, so that this registry and the runner (`rules/mod.rs`, which knows
/// the modules) expand the same rows.
macro_rules! rule_table {
    ($callback:ident) => {
        $callback! {
            KW101, "missing-api-key", Warning, kw101_missing_api_key, python_json;
            KW102, "unknown-config-key", Error, kw102_unknown_config_key, python_json;
            KW103, "placeholder-api-key", Error, kw103_placeholder_api_key, python_json;
            KW104, "hardcoded-api-key", Warning, kw104_hardcoded_api_key, python_json;
            KW105, "endpoint-provider-mismatch", Error, kw105_endpoint_provider_mismatch, python_json;
            KW106, "azure-missing-api-version", Error, kw106_azure_missing_api_version, python_json;
            KW107, "provider-credential-mismatch", Warning, kw107_provider_credential_mismatch, python;
            KW108, "key-format-mismatch", Error, kw108_key_format_mismatch, python_json;
            KW109, "wrong-autogen-api", Error, kw109_wrong_autogen_api, python;
            KW110, "filter-matches-nothing", Error, kw110_filter_matches_nothing, python;
            KW111, "invalid-config-json", Error, kw111_invalid_config_json, json;
            KW112, "config-source-missing", Error, kw112_config_source_missing, python;
            KW113, "model-info-required", Error, kw113_model_info_required, python;
            KW114, "local-endpoint-path", Error, kw114_local_endpoint_path, python_json;
            KW115, "missing-model", Error, kw115_missing_model, python;
            KW116, "llm-config-not-dict", Error, kw116_llm_config_not_dict, python;
            KW201, "undefined-env-var", Warning, kw201_undefined_env_var, python;
            KW202, "dotenv-not-loaded", Error, kw202_dotenv_not_loaded, python;
            KW203, "dotenv-loaded-too-late", Warning, kw203_dotenv_loaded_too_late, python;
            KW204, "getenv-may-be-none", Hint, kw204_getenv_may_be_none, python;
            KW205, "unread-variable-name", Warning, kw205_unread_variable_name, env;
            KW301, "quoted-value-whitespace", Error, kw301_quoted_value_whitespace, env;
            KW302, "stray-quote", Error, kw302_stray_quote, env;
            KW303, "unparseable-line", Error, kw303_unparseable_line, env;
            KW304, "duplicate-key", Warning, kw304_duplicate_key, env;
            KW305, "empty-value", Warning, kw305_empty_value, env;
            KW306, "placeholder-value", Warning, kw306_placeholder_value, env;
            KW307, "key-format", Warning, kw307_key_format, env;
            KW308, "env-not-gitignored", Warning, kw308_env_not_gitignored, env_json;
            KW401, "secret-in-output", Error, kw401_secret_in_output, notebook;
            KW402, "shell-export", Error, kw402_shell_export, python;
            KW501, "container-missing-variable", Error, kw501_container_missing_variable, deploy;
            KW502, "compose-variable-unset", Warning, kw502_compose_variable_unset, deploy;
            KW503, "secret-in-image", Error, kw503_secret_in_image, deploy;
            KW504, "workflow-missing-variable", Error, kw504_workflow_missing_variable, workflow;
            KW601, "autogen-package-mismatch", Error, kw601_autogen_package_mismatch, python;
            KW602, "openai-version-mismatch", Error, kw602_openai_version_mismatch, manifest;
            KW603, "environment-out-of-sync", Warning, kw603_environment_out_of_sync, manifest;
        }
    };
}
pub(super) use rule_table;

/// What a rule reads first: Python modules, .env files, `OAI_CONFIG_LIST` files or Jupyter
/// notebooks (see [`Rule::reads_config_json`] for the rules that read config lists too).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleKind {
    Python,
    Env,
    ConfigJson,
    Notebook,
    /// Compose files and Dockerfiles.
    Deploy,
    /// GitHub Actions workflows.
    Workflow,
    /// Dependency manifests (`requirements.txt`, `pyproject.toml`…).
    Manifest,
}

macro_rules! define_rules {
    ($( $variant:ident, $name:literal, $severity:ident, $module:ident, $kind:ident; )*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum Rule {
            $( $variant, )*
        }

        impl Rule {
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )* ];

            /// The table's kind column.
            pub fn kind(self) -> RuleKind {
                match self {
                    $( Rule::$variant => define_rules!(@kind $kind), )*
                }
            }

            /// Runs on `OAI_CONFIG_LIST` files (alone, or besides its own kind).
            pub fn reads_config_json(self) -> bool {
                match self {
                    $( Rule::$variant => define_rules!(@json $kind), )*
                }
            }

            pub fn meta(self) -> &'static RuleMeta {
                match self {
                    $( Rule::$variant => &RuleMeta {
                        code: stringify!($variant),
                        name: $name,
                        severity: Severity::$severity,
                        source: include_str!(concat!(stringify!($module), ".rs")),
                    }, )*
                }
            }
        }
    };
    (@kind python) => { RuleKind::Python };
    (@kind python_json) => { RuleKind::Python };
    (@kind env) => { RuleKind::Env };
    (@kind env_json) => { RuleKind::Env };
    (@kind json) => { RuleKind::ConfigJson };
    (@kind notebook) => { RuleKind::Notebook };
    (@kind deploy) => { RuleKind::Deploy };
    (@kind workflow) => { RuleKind::Workflow };
    (@kind manifest) => { RuleKind::Manifest };
    (@json python) => { false };
    (@json env) => { false };
    (@json notebook) => { false };
    (@json deploy) => { false };
    (@json workflow) => { false };
    (@json manifest) => { false };
    (@json $other:ident) => { true };
}

rule_table!(define_rules);

#[derive(Debug)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    /// Default severity (a rule may raise or lower it per finding, e.g. KW201 on config fields).
    pub severity: Severity,
    source: &'static str,
}

impl RuleMeta {
    /// The rule's documentation: its file's `//!` comment.
    pub fn doc(&self) -> String {
        let mut doc = String::new();
        for line in self.source.lines() {
            let Some(rest) = line.strip_prefix("//!") else {
                break;
            };
            doc.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            doc.push('\n');
        }
        doc
    }

    /// The documentation's first paragraph, without its `KW101 name:` lead.
    pub fn summary(&self) -> String {
        let doc = self.doc();
        let first = doc.split("\n\n").next().unwrap_or_default();
        let joined = first.split_whitespace().collect::<Vec<_>>().join(" ");
        let lead = format!("{} {}:", self.code, self.name);
        joined
            .strip_prefix(&lead)
            .unwrap_or(&joined)
            .trim()
            .to_string()
    }
}

impl Rule {
    pub fn code(self) -> &'static str {
        self.meta().code
    }

    pub fn name(self) -> &'static str {
        self.meta().name
    }

    /// A rule of Python modules.
    pub fn is_python(self) -> bool {
        self.kind() == RuleKind::Python
    }

    /// A rule of .env files.
    pub fn is_env(self) -> bool {
        self.kind() == RuleKind::Env
    }

    /// Look up by code (`KW101`, any case) or name (`missing-api-key`).
    pub fn from_code_or_name(s: &str) -> Option<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.code().eq_ignore_ascii_case(s) || r.name() == s)
    }
}

/// A mistake two rules both see. Its `owner` reports it; the other rule leaves it alone while
/// the owner is enabled in the configuration, and reports it (in its own words) when the owner
/// is off, so that turning one rule off never hides the mistake.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overlap {
    /// Mismatched quotes (`KEY='abc"`): a stray quote (KW302) that also makes the statement
    /// unparseable (KW303).
    MismatchedQuotes,
}

impl Overlap {
    /// The rule that reports the mistake while it is enabled.
    pub fn owner(self) -> Rule {
        match self {
            Overlap::MismatchedQuotes => Rule::KW302,
        }
    }

    /// The rule that reports it only while the owner is off.
    pub fn fallback(self) -> Rule {
        match self {
            Overlap::MismatchedQuotes => Rule::KW303,
        }
    }
}

// The repository's URL and the rule pages' directory are written once, here; the constants
// below are built from them.
macro_rules! repository_url {
    () => {
        "https://github.com/keywire/keywire"
    };
}
macro_rules! rule_docs_dir {
    () => {
        "docs/rules"
    };
}

/// The repository diagnostics link into (GitHub-style: pages are under `/blob/main/`).
pub const REPOSITORY_URL: &str = repository_url!();

/// Where the rule pages live, relative to the repository root: `{RULE_DOCS_DIR}/{code}.md`
/// (generated from the rules' own documentation by `server/tests/rule_docs.rs`, which also
/// checks that every link below has its page).
pub const RULE_DOCS_DIR: &str = rule_docs_dir!();

/// Where rule documentation lives: `{DOCS_BASE}{code}.md`, i.e. [`RULE_DOCS_DIR`] on the
/// main branch of [`REPOSITORY_URL`].
pub const DOCS_BASE: &str = concat!(repository_url!(), "/blob/main/", rule_docs_dir!(), "/");

/// The `codeDescription.href` of a rule's diagnostics.
pub fn rule_docs_url(code: &str) -> String {
    format!("{DOCS_BASE}{code}.md")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_documentation() {
        for rule in Rule::ALL {
            let doc = rule.meta().doc();
            assert!(doc.len() > 80, "{} has no documentation", rule.code());
            assert!(Rule::from_code_or_name(rule.name()) == Some(*rule));
            let summary = rule.meta().summary();
            assert!(
                summary.ends_with('.') && !summary.starts_with("KW"),
                "{}: {summary}",
                rule.code()
            );
        }
    }

    /// An overlap joins two rules of one kind, and the fallback's documentation says who
    /// reports the mistake instead.
    #[test]
    fn overlaps_are_documented() {
        let overlap = Overlap::MismatchedQuotes;
        let (owner, fallback) = (overlap.owner(), overlap.fallback());
        assert_ne!(owner, fallback);
        assert_eq!(owner.kind(), fallback.kind());
        assert!(fallback.meta().doc().contains(owner.code()));
    }
}

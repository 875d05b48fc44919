//! The rule registry. Each rule lives in its own file; the file's `//!` comment is the rule's
//! documentation (`keywire rule KW101` prints it).

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::diagnostic::{Finding, Severity};
use super::dotenv::DotenvFile;
use super::python::PyFacts;
use super::resolve::ModuleScope;
use super::workspace::{EnvFile, Workspace};

mod helpers;
mod kw101_missing_api_key;
mod kw102_unknown_config_key;
mod kw103_placeholder_api_key;
mod kw104_hardcoded_api_key;
mod kw105_endpoint_provider_mismatch;
mod kw106_azure_missing_api_version;
mod kw107_provider_credential_mismatch;
mod kw108_key_format_mismatch;
mod kw109_wrong_autogen_api;
mod kw201_undefined_env_var;
mod kw202_dotenv_not_loaded;
mod kw203_dotenv_loaded_too_late;
mod kw204_getenv_may_be_none;
mod kw301_quoted_value_whitespace;
mod kw302_stray_quote;
mod kw303_unparseable_line;
mod kw304_duplicate_key;
mod kw305_empty_value;
mod kw306_placeholder_value;
mod kw307_key_format;
mod kw308_env_not_gitignored;

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

/// What a Python rule sees: the workspace, the module's path, text and facts.
pub struct PyCtx<'a> {
    pub ws: &'a Workspace,
    pub path: &'a Path,
    pub text: &'a str,
    pub facts: &'a PyFacts,
    scope: std::cell::OnceCell<ModuleScope<'a>>,
    /// Set by [`PyCtx::scope`]: the running rule looked beyond this module.
    looked_beyond: std::cell::Cell<bool>,
}

impl<'a> PyCtx<'a> {
    pub fn new(ws: &'a Workspace, path: &'a Path, text: &'a str, facts: &'a PyFacts) -> Self {
        PyCtx {
            ws,
            path,
            text,
            facts,
            scope: std::cell::OnceCell::new(),
            looked_beyond: std::cell::Cell::new(false),
        }
    }

    /// The module's import chain and load points, computed on first use (most modules never
    /// need it).
    pub fn scope(&self) -> &ModuleScope<'a> {
        self.looked_beyond.set(true);
        self.scope
            .get_or_init(|| ModuleScope::new(self.ws, self.path))
    }
}

/// What a .env rule sees.
pub struct EnvCtx<'a> {
    pub ws: &'a Workspace,
    pub path: &'a Path,
    pub file: &'a EnvFile,
}

impl EnvCtx<'_> {
    pub fn text(&self) -> &str {
        &self.file.text
    }

    pub fn parsed(&self) -> &DotenvFile {
        &self.file.parsed
    }
}

macro_rules! rules {
    ($( $variant:ident, $name:literal, $severity:ident, $module:ident, $kind:ident; )*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum Rule {
            $( $variant, )*
        }

        impl Rule {
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )* ];

            /// A rule of Python modules (else of .env files): the table's kind column.
            pub fn is_python(self) -> bool {
                match self {
                    $( Rule::$variant => rules!(@is_python $kind), )*
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

        fn run_python(rule: Rule, ctx: &PyCtx, out: &mut Vec<Finding>) {
            match rule {
                $( Rule::$variant => rules!(@py $kind $module ctx out), )*
            }
        }

        fn run_env(rule: Rule, ctx: &EnvCtx, out: &mut Vec<Finding>) {
            match rule {
                $( Rule::$variant => rules!(@env $kind $module ctx out), )*
            }
        }
    };
    (@py python $module:ident $ctx:ident $out:ident) => { $module::check($ctx, $out) };
    (@py env $module:ident $ctx:ident $out:ident) => { () };
    (@env env $module:ident $ctx:ident $out:ident) => { $module::check($ctx, $out) };
    (@env python $module:ident $ctx:ident $out:ident) => { () };
    (@is_python python) => { true };
    (@is_python env) => { false };
}

rules! {
    KW101, "missing-api-key", Warning, kw101_missing_api_key, python;
    KW102, "unknown-config-key", Error, kw102_unknown_config_key, python;
    KW103, "placeholder-api-key", Error, kw103_placeholder_api_key, python;
    KW104, "hardcoded-api-key", Warning, kw104_hardcoded_api_key, python;
    KW105, "endpoint-provider-mismatch", Error, kw105_endpoint_provider_mismatch, python;
    KW106, "azure-missing-api-version", Error, kw106_azure_missing_api_version, python;
    KW107, "provider-credential-mismatch", Warning, kw107_provider_credential_mismatch, python;
    KW108, "key-format-mismatch", Error, kw108_key_format_mismatch, python;
    KW109, "wrong-autogen-api", Error, kw109_wrong_autogen_api, python;
    KW201, "undefined-env-var", Warning, kw201_undefined_env_var, python;
    KW202, "dotenv-not-loaded", Error, kw202_dotenv_not_loaded, python;
    KW203, "dotenv-loaded-too-late", Warning, kw203_dotenv_loaded_too_late, python;
    KW204, "getenv-may-be-none", Hint, kw204_getenv_may_be_none, python;
    KW301, "quoted-value-whitespace", Error, kw301_quoted_value_whitespace, env;
    KW302, "stray-quote", Error, kw302_stray_quote, env;
    KW303, "unparseable-line", Error, kw303_unparseable_line, env;
    KW304, "duplicate-key", Warning, kw304_duplicate_key, env;
    KW305, "empty-value", Warning, kw305_empty_value, env;
    KW306, "placeholder-value", Warning, kw306_placeholder_value, env;
    KW307, "key-format", Warning, kw307_key_format, env;
    KW308, "env-not-gitignored", Warning, kw308_env_not_gitignored, env;
}

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

    /// Look up by code (`KW101`, any case) or name (`missing-api-key`).
    pub fn from_code_or_name(s: &str) -> Option<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.code().eq_ignore_ascii_case(s) || r.name() == s)
    }
}

/// Run every enabled Python rule on one module.
pub fn check_python(ctx: &PyCtx, enabled: impl Fn(Rule) -> bool) -> Vec<Finding> {
    let mut out = Vec::new();
    for &rule in Rule::ALL.iter().filter(|r| r.is_python()) {
        if enabled(rule) {
            run_python(rule, ctx, &mut out);
        }
    }
    out
}

/// [`check_python`] for a module whose workspace is not indexed yet: only the findings of rules
/// that never looked beyond the module (its import chain, .env files, other modules' writes),
/// which the rest of the workspace cannot change.
pub fn check_python_local(ctx: &PyCtx, enabled: impl Fn(Rule) -> bool) -> Vec<Finding> {
    let mut out = Vec::new();
    for &rule in Rule::ALL.iter().filter(|r| r.is_python()) {
        if enabled(rule) {
            ctx.looked_beyond.set(false);
            let before = out.len();
            run_python(rule, ctx, &mut out);
            if ctx.looked_beyond.get() {
                out.truncate(before);
            }
        }
    }
    out
}

/// Run every enabled .env rule on one file.
pub fn check_env(ctx: &EnvCtx, enabled: impl Fn(Rule) -> bool) -> Vec<Finding> {
    let mut out = Vec::new();
    for &rule in Rule::ALL.iter().filter(|r| !r.is_python()) {
        if enabled(rule) {
            run_env(rule, ctx, &mut out);
        }
    }
    out
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
}

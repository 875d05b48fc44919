//! The rules and their runner. Each rule lives in its own file; the file's `//!` comment is the
//! rule's documentation (`keywire rule KW101` prints it). What is known about a rule without
//! running it (code, name, severity, kind, documentation) is in `registry.rs`; this module runs
//! the enabled rules of a file over a context (`PyCtx`, `EnvCtx`, `ConfigJsonCtx`). Notebook
//! rules take the parsed notebook (`kw401_secret_in_output::check`), workflow rules the
//! workflow's facts (`kw504_workflow_missing_variable::check`), manifest rules the manifest
//! (`kw602_openai_version_mismatch::check`, `kw603_environment_out_of_sync::check`). Selection, suppressions
//! and severities from the configuration are the check driver's (`engine/check.rs`).

use std::path::Path;

use super::diagnostic::Finding;
use super::dotenv::DotenvFile;
use super::python::PyFacts;
use super::resolve::ModuleScope;
use super::workspace::{ConfigListFile, DeployFile, EnvFile, Workspace};

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
mod kw110_filter_matches_nothing;
mod kw111_invalid_config_json;
mod kw112_config_source_missing;
mod kw113_model_info_required;
mod kw114_local_endpoint_path;
mod kw115_missing_model;
mod kw116_llm_config_not_dict;
mod kw201_undefined_env_var;
mod kw202_dotenv_not_loaded;
mod kw203_dotenv_loaded_too_late;
mod kw204_getenv_may_be_none;
mod kw205_unread_variable_name;
mod kw301_quoted_value_whitespace;
mod kw302_stray_quote;
mod kw303_unparseable_line;
mod kw304_duplicate_key;
mod kw305_empty_value;
mod kw306_placeholder_value;
mod kw307_key_format;
mod kw308_env_not_gitignored;
pub mod kw401_secret_in_output;
mod kw402_shell_export;
mod kw501_container_missing_variable;
mod kw502_compose_variable_unset;
mod kw503_secret_in_image;
pub mod kw504_workflow_missing_variable;
mod kw601_autogen_package_mismatch;
pub mod kw602_openai_version_mismatch;
pub mod kw603_environment_out_of_sync;
pub mod registry;

pub use registry::{
    rule_docs_url, Overlap, Rule, RuleKind, RuleMeta, DOCS_BASE, REPOSITORY_URL, RULE_DOCS_DIR,
};

/// What a Python rule sees: the workspace, the module's path, text and facts.
pub struct PyCtx<'a> {
    pub ws: &'a Workspace,
    pub path: &'a Path,
    pub text: &'a str,
    pub facts: &'a PyFacts,
    /// Set when the entries are an `OAI_CONFIG_LIST` file's ([`ConfigJsonCtx`]): the facts then
    /// hold its entries and nothing else.
    pub config_list: Option<&'a ConfigListFile>,
    scope: std::cell::OnceCell<ModuleScope<'a>>,
    /// Set by [`PyCtx::scope`]: the running rule looked beyond this module.
    looked_beyond: std::cell::Cell<bool>,
}

impl<'a> PyCtx<'a> {
    /// The module is a Jupyter notebook's code cells (cells run top to bottom, by hand).
    pub fn is_notebook(&self) -> bool {
        self.path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("ipynb"))
    }

    pub fn new(ws: &'a Workspace, path: &'a Path, text: &'a str, facts: &'a PyFacts) -> Self {
        PyCtx {
            ws,
            path,
            text,
            facts,
            config_list: None,
            scope: std::cell::OnceCell::new(),
            looked_beyond: std::cell::Cell::new(false),
        }
    }

    /// A template config list (`OAI_CONFIG_LIST_sample`): placeholders are what it is for.
    pub fn is_template_list(&self) -> bool {
        self.config_list.is_some_and(|f| f.template)
    }

    /// The module's import chain and load points, computed on first use (most modules never
    /// need it).
    /// The workspace, for a rule that reads other modules' facts (as [`PyCtx::scope`] does).
    pub fn beyond(&self) -> &'a Workspace {
        self.looked_beyond.set(true);
        self.ws
    }

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

    /// Whether the owner of `overlap` (see the registry) reports it: enabled in the
    /// configuration. The other rule of the overlap then leaves those mistakes alone.
    pub fn reported_by_owner(&self, overlap: Overlap) -> bool {
        self.ws.config.enabled(overlap.owner())
    }
}

/// What a config list rule sees. The config-entry rules (KW101-KW108) run on
/// [`ConfigJsonCtx::entries`]: a [`PyCtx`] whose facts hold the file's entries and nothing else,
/// so that they read a JSON entry as they read a Python dict.
pub struct ConfigJsonCtx<'a> {
    pub ws: &'a Workspace,
    pub path: &'a Path,
    pub file: &'a ConfigListFile,
    pub entries: PyCtx<'a>,
}

impl<'a> ConfigJsonCtx<'a> {
    /// `facts` holds the file's entries (see [`config_list_facts`]).
    pub fn new(
        ws: &'a Workspace,
        path: &'a Path,
        file: &'a ConfigListFile,
        facts: &'a PyFacts,
    ) -> Self {
        let mut entries = PyCtx::new(ws, path, &file.text, facts);
        entries.config_list = Some(file);
        ConfigJsonCtx {
            ws,
            path,
            file,
            entries,
        }
    }
}

/// The facts the config-entry rules read for a config list: its entries, nothing else.
pub fn config_list_facts(file: &ConfigListFile) -> PyFacts {
    PyFacts {
        entries: file.parsed.entries.clone(),
        ..PyFacts::default()
    }
}

/// What a compose file or Dockerfile rule sees.
pub struct DeployCtx<'a> {
    pub ws: &'a Workspace,
    pub path: &'a Path,
    pub file: &'a DeployFile,
}

// The dispatch from a rule to its file's `check`, expanded from the registry's table.
macro_rules! define_runner {
    ($( $variant:ident, $name:literal, $severity:ident, $module:ident, $kind:ident; )*) => {
        fn run_python(rule: Rule, ctx: &PyCtx, out: &mut Vec<Finding>) {
            match rule {
                $( Rule::$variant => define_runner!(@py $kind $module ctx out), )*
            }
        }

        fn run_env(rule: Rule, ctx: &EnvCtx, out: &mut Vec<Finding>) {
            match rule {
                $( Rule::$variant => define_runner!(@env $kind $module ctx out), )*
            }
        }

        fn run_config_json(rule: Rule, ctx: &ConfigJsonCtx, out: &mut Vec<Finding>) {
            match rule {
                $( Rule::$variant => define_runner!(@json $kind $module ctx out), )*
            }
        }

        fn run_deploy(rule: Rule, ctx: &DeployCtx, out: &mut Vec<Finding>) {
            match rule {
                $( Rule::$variant => define_runner!(@deploy $kind $module ctx out), )*
            }
        }
    };
    (@deploy deploy $module:ident $ctx:ident $out:ident) => { $module::check($ctx, $out) };
    (@deploy $kind:ident $module:ident $ctx:ident $out:ident) => { () };
    (@py python $module:ident $ctx:ident $out:ident) => { $module::check($ctx, $out) };
    (@py python_json $module:ident $ctx:ident $out:ident) => { $module::check($ctx, $out) };
    (@py $kind:ident $module:ident $ctx:ident $out:ident) => { () };
    (@env env $module:ident $ctx:ident $out:ident) => { $module::check($ctx, $out) };
    (@env env_json $module:ident $ctx:ident $out:ident) => { $module::check($ctx, $out) };
    (@env $kind:ident $module:ident $ctx:ident $out:ident) => { () };
    (@json json $module:ident $ctx:ident $out:ident) => { $module::check($ctx, $out) };
    (@json python_json $module:ident $ctx:ident $out:ident) => {
        $module::check(&$ctx.entries, $out)
    };
    (@json env_json $module:ident $ctx:ident $out:ident) => { $module::check_json($ctx, $out) };
    (@json $kind:ident $module:ident $ctx:ident $out:ident) => { () };
}

registry::rule_table!(define_runner);

/// Run every enabled Python rule on one module.
pub fn check_python(ctx: &PyCtx, enabled: impl Fn(Rule) -> bool) -> Vec<Finding> {
    let mut out = Vec::new();
    for &rule in Rule::ALL.iter().filter(|r| r.is_python()) {
        if enabled(rule) {
            run_python(rule, ctx, &mut out);
        }
    }
    // A manifest rule that reports in code when no manifest line is there to carry it.
    if enabled(Rule::KW602) {
        kw602_openai_version_mismatch::check_module(ctx, &mut out);
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
    for &rule in Rule::ALL.iter().filter(|r| r.is_env()) {
        if enabled(rule) {
            run_env(rule, ctx, &mut out);
        }
    }
    out
}

/// Run every enabled rule that reads config lists on one `OAI_CONFIG_LIST` file.
pub fn check_config_json(ctx: &ConfigJsonCtx, enabled: impl Fn(Rule) -> bool) -> Vec<Finding> {
    let mut out = Vec::new();
    for &rule in Rule::ALL.iter().filter(|r| r.reads_config_json()) {
        if enabled(rule) {
            run_config_json(rule, ctx, &mut out);
        }
    }
    out
}

/// Run every enabled compose file and Dockerfile rule on one file.
pub fn check_deploy(ctx: &DeployCtx, enabled: impl Fn(Rule) -> bool) -> Vec<Finding> {
    let mut out = Vec::new();
    for &rule in Rule::ALL.iter().filter(|r| r.kind() == RuleKind::Deploy) {
        if enabled(rule) {
            run_deploy(rule, ctx, &mut out);
        }
    }
    out
}

//! Project configuration: `[tool.keywire]` in pyproject.toml or `keywire.toml`.

use std::collections::BTreeMap;

use super::diagnostic::Severity;
use super::rules::Rule;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    /// Rules (codes, code prefixes like `KW1`, or names) to run; None runs all.
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub severity: BTreeMap<Rule, Severity>,
    /// Variables to treat as defined (set by the deployment, CI, a shell profile…).
    pub assume_defined: Vec<String>,
    /// Gitignore-style globs of paths not to check.
    pub exclude: Vec<String>,
    /// Extra .env files (relative to the project root) treated as loaded for every module.
    pub env_files: Vec<String>,
}

impl Config {
    pub fn enabled(&self, rule: Rule) -> bool {
        let matches = |sel: &String| selector_matches(sel, rule);
        let selected = self.select.as_ref().is_none_or(|s| s.iter().any(matches));
        selected && !self.ignore.iter().any(matches)
    }

    pub fn severity_for(&self, rule: Rule, default: Severity) -> Severity {
        self.severity.get(&rule).copied().unwrap_or(default)
    }
}

/// `KW101`, `KW1` (prefix), `ALL`, or a rule name.
pub fn selector_matches(selector: &str, rule: Rule) -> bool {
    let s = selector.trim();
    s.eq_ignore_ascii_case("ALL")
        || s == rule.name()
        || (s.len() >= 2
            && rule.code().len() >= s.len()
            && rule.code()[..s.len()].eq_ignore_ascii_case(s))
}

//! Project configuration: `[tool.keywire]` in pyproject.toml or `keywire.toml`.
//!
//! Pure: callers read the file and hand its text in. Every error names the file, the key and
//! what was expected, so front ends can print it as is.
//!
//! ```toml
//! [tool.keywire]
//! select = ["ALL"]                  # codes, code prefixes ("KW2"), rule names or "ALL"
//! ignore = ["KW204"]
//! severity = { KW201 = "error", "placeholder-value" = "off" }
//! assume-defined = ["OPENAI_API_KEY"]
//! exclude = ["examples/", "*_test.py"]
//! env-files = ["config/prod.env"]
//! tests = "secrets"                 # in test code: "secrets" (default), "all" or "none"
//! test-paths = ["qa/"]              # more test code, besides tests/, test_*.py, conftest.py…
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use super::rules::registry::Rule;
use super::severity::Severity;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    /// Rules (codes, code prefixes like `KW1`, or names) to run; None runs all.
    pub select: Option<Vec<String>>,
    /// Rules not to run (same forms as `select`). A `severity` of "off" lands here too.
    pub ignore: Vec<String>,
    pub severity: BTreeMap<Rule, Severity>,
    /// Variables to treat as defined (set by the deployment, CI, a shell profile…).
    pub assume_defined: Vec<String>,
    /// Gitignore-style globs of paths not to check.
    pub exclude: Vec<String>,
    /// Extra .env files (relative to the project root) treated as loaded for every module.
    pub env_files: Vec<String>,
    /// Which findings test code gets.
    pub tests: TestPolicy,
    /// Gitignore-style globs of further test code.
    pub test_paths: Vec<String>,
}

/// What keywire reports in test code (files under a `test`/`tests` folder, `test_*.py`,
/// `*_test.py`, `conftest.py`, and `test-paths`). Tests build clients with dummy keys, mock the
/// network and compare config dicts: a missing or fake key there breaks nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TestPolicy {
    /// Only findings about real secrets: a real-looking key in code or in a notebook's
    /// outputs, a .env with real credentials that git does not ignore.
    #[default]
    Secrets,
    /// Test code is checked like any other code.
    All,
    /// Test code is not checked.
    None,
}

impl TestPolicy {
    /// Whether `rule` reports in test code under this policy.
    pub fn reports(self, rule: Rule) -> bool {
        match self {
            TestPolicy::All => true,
            TestPolicy::None => false,
            TestPolicy::Secrets => matches!(rule, Rule::KW104 | Rule::KW308 | Rule::KW401),
        }
    }
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

    /// Parse a `keywire.toml` (keys at the top level).
    pub fn from_keywire_toml(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let table = parse_toml(text, path)?;
        Config::from_table(&table, path, None)
    }

    /// Parse the `[tool.keywire]` table of a pyproject.toml; None when there is none.
    ///
    /// A pyproject.toml that is not valid TOML is only an error when it mentions keywire:
    /// other tools own that file, and a project that does not configure keywire should not
    /// fail because of it.
    pub fn from_pyproject(text: &str, path: &Path) -> Result<Option<Config>, ConfigError> {
        // A project's pyproject.toml can be long (its TOML parse showed in a check's start):
        // without the word, only a Unicode escape in a quoted key could name the table.
        if !text.contains("keywire") && !text.contains("\\u") && !text.contains("\\U") {
            return Ok(None);
        }
        let table = match parse_toml(text, path) {
            Ok(table) => table,
            Err(_) if !text.contains("keywire") => return Ok(None),
            Err(e) => return Err(e),
        };
        let Some(tool) = table.get("tool") else {
            return Ok(None);
        };
        let Some(tool) = tool.as_table() else {
            return Ok(None);
        };
        let Some(section) = tool.get("keywire") else {
            return Ok(None);
        };
        let Some(section) = section.as_table() else {
            return Err(ConfigError {
                path: path.to_path_buf(),
                table: None,
                key: Some("tool.keywire".into()),
                message: format!("expected a table, found {}", type_name(section)),
            });
        };
        Config::from_table(section, path, Some(PYPROJECT_TABLE)).map(Some)
    }

    fn from_table(
        table: &toml::Table,
        path: &Path,
        section: Option<&'static str>,
    ) -> Result<Config, ConfigError> {
        let err = |key: &str, message: String| ConfigError {
            path: path.to_path_buf(),
            table: section,
            key: Some(key.to_string()),
            message,
        };
        let mut config = Config::default();
        let mut off = Vec::new();
        for (key, value) in table {
            match key.as_str() {
                "select" => {
                    let list = string_list(value, "rule selectors").map_err(|m| err(key, m))?;
                    for s in &list {
                        check_selector(s).map_err(|m| err(key, m))?;
                    }
                    config.select = Some(list);
                }
                "ignore" => {
                    let list = string_list(value, "rule selectors").map_err(|m| err(key, m))?;
                    for s in &list {
                        check_selector(s).map_err(|m| err(key, m))?;
                    }
                    config.ignore.extend(list);
                }
                "severity" => {
                    let Some(map) = value.as_table() else {
                        return Err(err(
                            key,
                            format!(
                                "expected a table of rule = \"severity\", found {}",
                                type_name(value)
                            ),
                        ));
                    };
                    // Less specific selectors first, so `KW201 = "error"` beats `KW2 = "info"`.
                    let mut entries: Vec<(&String, &toml::Value)> = map.iter().collect();
                    for (selector, _) in &entries {
                        check_selector(selector).map_err(|m| err(key, m))?;
                    }
                    entries.sort_by_key(|(selector, _)| specificity(selector));
                    for (selector, level) in entries {
                        let sub_key = format!("{key}.{}", quote_key(selector));
                        let Some(level_str) = level.as_str() else {
                            return Err(err(
                                &sub_key,
                                format!("expected {SEVERITIES}, found {}", type_name(level)),
                            ));
                        };
                        let lower = level_str.trim().to_ascii_lowercase();
                        let parsed = if lower == "off" {
                            None
                        } else if let Some(sev) = Severity::parse(&lower) {
                            Some(sev)
                        } else {
                            return Err(err(
                                &sub_key,
                                format!("expected {SEVERITIES}, found \"{level_str}\""),
                            ));
                        };
                        for &rule in Rule::ALL {
                            if !selector_matches(selector, rule) {
                                continue;
                            }
                            match parsed {
                                Some(sev) => {
                                    config.severity.insert(rule, sev);
                                    off.retain(|r| *r != rule);
                                }
                                None => {
                                    config.severity.remove(&rule);
                                    if !off.contains(&rule) {
                                        off.push(rule);
                                    }
                                }
                            }
                        }
                    }
                }
                "assume-defined" => {
                    config.assume_defined =
                        string_list(value, "variable names").map_err(|m| err(key, m))?;
                    if let Some(bad) = config
                        .assume_defined
                        .iter()
                        .find(|v| v.trim().is_empty() || v.contains('='))
                    {
                        return Err(err(
                            key,
                            format!("expected variable names, found \"{bad}\""),
                        ));
                    }
                }
                "exclude" => {
                    config.exclude = string_list(value, "globs").map_err(|m| err(key, m))?;
                    for glob in &config.exclude {
                        check_glob(glob).map_err(|m| err(key, m))?;
                    }
                }
                "env-files" => {
                    config.env_files = string_list(value, "paths").map_err(|m| err(key, m))?;
                    if config.env_files.iter().any(|p| p.trim().is_empty()) {
                        return Err(err(key, "expected paths, found an empty string".into()));
                    }
                }
                "tests" => {
                    config.tests = match value.as_str() {
                        Some("secrets") => TestPolicy::Secrets,
                        Some("all") => TestPolicy::All,
                        Some("none") => TestPolicy::None,
                        _ => {
                            return Err(err(
                                key,
                                format!(
                                    "expected one of \"secrets\", \"all\" or \"none\", found {}",
                                    value
                                ),
                            ))
                        }
                    };
                }
                "test-paths" => {
                    config.test_paths = string_list(value, "globs").map_err(|m| err(key, m))?;
                    for glob in &config.test_paths {
                        check_glob(glob).map_err(|m| err(key, m))?;
                    }
                }
                other => {
                    let mut message = "unknown key".to_string();
                    if let Some(s) = suggest_key(other) {
                        message.push_str(&format!("; did you mean `{s}`?"));
                    }
                    message.push_str(&format!(" (expected one of: {})", KEYS.join(", ")));
                    return Err(err(other, message));
                }
            }
        }
        config
            .ignore
            .extend(off.iter().map(|r| r.code().to_string()));
        Ok(config)
    }

    /// Apply command-line rule selection on top of the file's, the way ruff does: `--select`
    /// replaces the configured selection entirely (its `ignore`, and "off" severities, too);
    /// `--ignore` adds to whatever is selected. Selectors must have passed [`check_selector`].
    pub fn apply_selection(&mut self, select: Option<Vec<String>>, ignore: Vec<String>) {
        if let Some(select) = select {
            self.select = Some(select);
            self.ignore.clear();
        }
        self.ignore.extend(ignore);
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

/// Ok when `selector` selects at least one rule; otherwise a message naming it, with a
/// did-you-mean when a rule is close.
pub fn check_selector(selector: &str) -> Result<(), String> {
    if Rule::ALL.iter().any(|&r| selector_matches(selector, r)) {
        return Ok(());
    }
    let mut message = format!("unknown rule \"{selector}\"");
    if let Some(rule) = suggest_rule(selector) {
        message.push_str(&format!(
            "; did you mean {} ({})?",
            rule.code(),
            rule.name()
        ));
    }
    Err(message)
}

/// The rule whose code or name is closest to `s`, when one is close enough to be a typo.
pub fn suggest_rule(s: &str) -> Option<Rule> {
    let s = s.trim();
    let upper = s.to_ascii_uppercase();
    let lower = s.to_ascii_lowercase();
    let code_shaped = upper.starts_with("KW") && upper[2..].bytes().all(|b| b.is_ascii_digit());
    let mut best: Option<(f64, Rule)> = None;
    for &rule in Rule::ALL {
        let code_dist = strsim::levenshtein(&upper, rule.code());
        let name_dist = strsim::levenshtein(&lower, rule.name());
        let close_code = code_dist <= 1;
        let close_name = name_dist <= (rule.name().len() / 4).max(1)
            || (!code_shaped && strsim::jaro_winkler(&lower, rule.name()) >= 0.9);
        if !(close_code || close_name) {
            continue;
        }
        let score = strsim::jaro_winkler(&upper, rule.code())
            .max(strsim::jaro_winkler(&lower, rule.name()));
        if best.is_none_or(|(b, _)| score > b) {
            best = Some((score, rule));
        }
    }
    best.map(|(_, r)| r)
}

const PYPROJECT_TABLE: &str = "tool.keywire";

const KEYS: &[&str] = &[
    "select",
    "ignore",
    "severity",
    "assume-defined",
    "exclude",
    "env-files",
    "tests",
    "test-paths",
];

const SEVERITIES: &str = "one of \"error\", \"warning\", \"info\", \"hint\" or \"off\"";

/// A configuration file that cannot be used. Display: `path: [table] key: message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The file, as the caller named it (front ends may shorten it with [`ConfigError::with_path`]).
    pub path: PathBuf,
    /// `tool.keywire` for pyproject.toml.
    pub table: Option<&'static str>,
    /// The offending key (`select`, `severity.KW101`), None for syntax errors.
    pub key: Option<String>,
    pub message: String,
}

impl ConfigError {
    pub fn with_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = path.into();
        self
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.path.display())?;
        if let (Some(table), Some(_)) = (self.table, &self.key) {
            write!(f, "[{table}] ")?;
        }
        if let Some(key) = &self.key {
            write!(f, "{key}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

fn parse_toml(text: &str, path: &Path) -> Result<toml::Table, ConfigError> {
    text.parse::<toml::Table>().map_err(|e| {
        let location = e
            .span()
            .map(|span| {
                let offset = span.start.min(text.len());
                let before = &text[..super::text::floor_char_boundary(text, offset)];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
                format!(" at line {line}, column {column}")
            })
            .unwrap_or_default();
        ConfigError {
            path: path.to_path_buf(),
            table: None,
            key: None,
            message: format!("invalid TOML{location}: {}", e.message().trim_end()),
        }
    })
}

fn string_list(value: &toml::Value, what: &str) -> Result<Vec<String>, String> {
    let Some(array) = value.as_array() else {
        return Err(format!(
            "expected a list of {what} (strings), found {}",
            type_name(value)
        ));
    };
    array
        .iter()
        .map(|v| {
            v.as_str().map(str::to_string).ok_or_else(|| {
                format!(
                    "expected a list of {what} (strings), found {} in the list",
                    type_name(v)
                )
            })
        })
        .collect()
}

fn type_name(value: &toml::Value) -> &'static str {
    match value {
        toml::Value::String(_) => "a string",
        toml::Value::Integer(_) => "an integer",
        toml::Value::Float(_) => "a float",
        toml::Value::Boolean(_) => "a boolean",
        toml::Value::Datetime(_) => "a date",
        toml::Value::Array(_) => "a list",
        toml::Value::Table(_) => "a table",
    }
}

fn check_glob(glob: &str) -> Result<(), String> {
    if glob.trim().is_empty() {
        return Err("expected globs, found an empty string".into());
    }
    let mut builder = ignore::gitignore::GitignoreBuilder::new("/");
    builder
        .add_line(None, glob)
        .map(|_| ())
        .map_err(|e| format!("invalid glob \"{glob}\": {e}"))
}

/// 0 for `ALL`, the length for a prefix, more for an exact code or name.
fn specificity(selector: &str) -> usize {
    if selector.trim().eq_ignore_ascii_case("ALL") {
        0
    } else if Rule::from_code_or_name(selector.trim()).is_some() {
        usize::MAX
    } else {
        selector.trim().len()
    }
}

fn quote_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        key.to_string()
    } else {
        format!("\"{}\"", key.escape_default())
    }
}

fn suggest_key(key: &str) -> Option<&'static str> {
    let normalized = key.trim().to_ascii_lowercase().replace('_', "-");
    if let Some(k) = KEYS.iter().find(|k| **k == normalized) {
        return Some(k);
    }
    KEYS.iter()
        .map(|k| (strsim::jaro_winkler(&normalized, k), *k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pyproject(body: &str) -> Result<Option<Config>, ConfigError> {
        Config::from_pyproject(body, Path::new("pyproject.toml"))
    }

    fn keywire(body: &str) -> Result<Config, ConfigError> {
        Config::from_keywire_toml(body, Path::new("keywire.toml"))
    }

    #[test]
    fn pyproject_without_section_is_none() {
        assert_eq!(pyproject("[project]\nname = 'x'\n"), Ok(None));
        assert_eq!(pyproject("[tool.ruff]\nline-length = 100\n"), Ok(None));
        assert_eq!(pyproject(""), Ok(None));
        // Broken TOML that does not concern keywire is not our business.
        assert_eq!(pyproject("[project\nname = "), Ok(None));
        // A table named with an escape is still found.
        let escaped = pyproject("[tool.\"\\u006beywire\"]\nignore = [\"KW104\"]\n");
        assert_eq!(escaped.unwrap().unwrap().ignore, vec!["KW104".to_string()]);
    }

    #[test]
    fn parses_every_key() {
        let config = pyproject(
            r#"
[tool.keywire]
select = ["KW1", "dotenv-not-loaded", "KW303"]
ignore = ["KW104"]
assume-defined = ["OPENAI_API_KEY"]
exclude = ["examples/", "*_test.py"]
env-files = ["config/prod.env"]

[tool.keywire.severity]
KW101 = "error"
"placeholder-value" = "info"
"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            config.select,
            Some(vec![
                "KW1".to_string(),
                "dotenv-not-loaded".into(),
                "KW303".into()
            ])
        );
        assert_eq!(config.ignore, vec!["KW104".to_string()]);
        assert_eq!(config.assume_defined, vec!["OPENAI_API_KEY".to_string()]);
        assert_eq!(config.exclude.len(), 2);
        assert_eq!(config.env_files, vec!["config/prod.env".to_string()]);
        assert_eq!(config.severity[&Rule::KW101], Severity::Error);
        assert_eq!(config.severity[&Rule::KW306], Severity::Info);
        assert!(config.enabled(Rule::KW101));
        assert!(!config.enabled(Rule::KW104));
        assert!(config.enabled(Rule::KW202));
        assert!(!config.enabled(Rule::KW201));
        assert!(config.enabled(Rule::KW303));
        assert!(!config.enabled(Rule::KW304));
    }

    #[test]
    fn keywire_toml_has_keys_at_top_level() {
        let config = keywire("ignore = [\"kw3\"]\n").unwrap();
        assert!(!config.enabled(Rule::KW301));
        assert!(config.enabled(Rule::KW101));
        assert_eq!(keywire("").unwrap(), Config::default());
    }

    #[test]
    fn severity_off_ignores_and_specific_selectors_win() {
        let config =
            keywire("[severity]\nKW2 = \"info\"\nKW201 = \"error\"\nKW204 = \"off\"\n").unwrap();
        assert_eq!(config.severity[&Rule::KW201], Severity::Error);
        assert_eq!(config.severity[&Rule::KW202], Severity::Info);
        assert!(!config.severity.contains_key(&Rule::KW204));
        assert!(!config.enabled(Rule::KW204));
        assert!(config.enabled(Rule::KW203));
        // An exact severity re-enables a rule a prefix turned off.
        let config = keywire("[severity]\nKW3 = \"off\"\nKW303 = \"warning\"\n").unwrap();
        assert!(config.enabled(Rule::KW303));
        assert!(!config.enabled(Rule::KW301));
    }

    #[test]
    fn unknown_rule_names_file_table_and_key() {
        let err = pyproject("[tool.keywire]\nselect = [\"KW999\"]\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "pyproject.toml: [tool.keywire] select: unknown rule \"KW999\""
        );
        let err = keywire("ignore = [\"KW1O1\"]").unwrap_err();
        assert_eq!(
            err.to_string(),
            "keywire.toml: ignore: unknown rule \"KW1O1\"; did you mean KW101 (missing-api-key)?"
        );
        let err = keywire("ignore = [\"missing-api-keys\"]").unwrap_err();
        assert!(err.to_string().contains("did you mean KW101"), "{err}");
        let err = keywire("[severity]\nKW777 = \"error\"").unwrap_err();
        assert_eq!(err.key.as_deref(), Some("severity"));
        assert!(err.message.contains("KW777"));
    }

    #[test]
    fn unknown_keys_suggest_the_right_spelling() {
        let err = pyproject("[tool.keywire]\nassume_defined = []\n").unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("pyproject.toml: [tool.keywire] assume_defined: unknown key; did you mean `assume-defined`?"),
            "{text}"
        );
        let err = keywire("selct = []").unwrap_err();
        assert!(err.to_string().contains("did you mean `select`?"), "{err}");
        let err = keywire("colour = true").unwrap_err();
        assert!(!err.to_string().contains("did you mean"), "{err}");
        assert!(err.to_string().contains("expected one of: select"), "{err}");
    }

    #[test]
    fn wrong_types_say_what_was_expected() {
        let err = keywire("select = \"KW101\"").unwrap_err();
        assert_eq!(
            err.to_string(),
            "keywire.toml: select: expected a list of rule selectors (strings), found a string"
        );
        let err = keywire("exclude = [1]").unwrap_err();
        assert!(
            err.to_string().contains("found an integer in the list"),
            "{err}"
        );
        let err = keywire("severity = \"error\"").unwrap_err();
        assert!(err
            .to_string()
            .starts_with("keywire.toml: severity: expected a table"));
        let err = pyproject("[tool]\nkeywire = 3\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "pyproject.toml: tool.keywire: expected a table, found an integer"
        );
    }

    #[test]
    fn bad_severity_names_the_rule_key() {
        let err = pyproject("[tool.keywire.severity]\nKW101 = \"fatal\"\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "pyproject.toml: [tool.keywire] severity.KW101: expected one of \"error\", \"warning\", \"info\", \"hint\" or \"off\", found \"fatal\""
        );
        let err = keywire("[severity]\n\"missing-api-key\" = 1").unwrap_err();
        assert!(err
            .to_string()
            .contains("severity.missing-api-key: expected one of"));
        // Aliases and case are accepted.
        let config = keywire("[severity]\nKW101 = \"Warn\"").unwrap();
        assert_eq!(config.severity[&Rule::KW101], Severity::Warning);
    }

    #[test]
    fn invalid_toml_reports_the_position() {
        let err = keywire("select = [\n").unwrap_err();
        assert!(err.key.is_none());
        assert!(
            err.to_string()
                .starts_with("keywire.toml: invalid TOML at line "),
            "{err}"
        );
        let err = pyproject("[tool.keywire]\nselect = [").unwrap_err();
        assert!(err.to_string().contains("invalid TOML at line 2"), "{err}");
    }

    #[test]
    fn bad_exclude_globs_and_env_files() {
        let err = keywire("exclude = [\"src/{a,b\"]").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("keywire.toml: exclude: invalid glob"),
            "{err}"
        );
        let err = keywire("env-files = [\"\"]").unwrap_err();
        assert!(err
            .to_string()
            .starts_with("keywire.toml: env-files: expected paths"));
        let err = keywire("assume-defined = [\"A=1\"]").unwrap_err();
        assert!(err.to_string().contains("expected variable names"));
    }

    #[test]
    fn command_line_selection_overrides_like_ruff() {
        let mut config = keywire("select = [\"KW1\"]\nignore = [\"KW101\"]\n").unwrap();
        config.apply_selection(None, vec!["KW102".into()]);
        assert!(!config.enabled(Rule::KW101));
        assert!(!config.enabled(Rule::KW102));
        assert!(config.enabled(Rule::KW103));
        assert!(!config.enabled(Rule::KW301));
        config.apply_selection(
            Some(vec!["KW101".into(), "KW3".into()]),
            vec!["KW305".into()],
        );
        assert!(config.enabled(Rule::KW101));
        assert!(!config.enabled(Rule::KW103));
        assert!(config.enabled(Rule::KW301));
        assert!(!config.enabled(Rule::KW305));
    }

    #[test]
    fn selectors() {
        assert!(check_selector("ALL").is_ok());
        assert!(check_selector("all").is_ok());
        assert!(check_selector("KW").is_ok());
        assert!(check_selector("kw30").is_ok());
        assert!(check_selector("missing-api-key").is_ok());
        assert!(check_selector("K").is_err());
        assert!(check_selector("KW4").is_ok());
        assert!(check_selector("KW5").is_ok());
        assert!(check_selector("KW6").is_ok());
        assert!(check_selector("KW7").is_err());
        assert_eq!(
            check_selector("KW999").unwrap_err(),
            "unknown rule \"KW999\""
        );
        assert_eq!(suggest_rule("kw3O3"), Some(Rule::KW303));
        assert_eq!(suggest_rule("hardcoded-key"), Some(Rule::KW104));
        assert_eq!(suggest_rule("banana"), None);
    }
}

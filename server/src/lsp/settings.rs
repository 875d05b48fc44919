//! Editor settings: `initializationOptions`, `workspace/didChangeConfiguration` and the
//! `workspace/configuration` pull (section [`SECTION`]).
//!
//! ```jsonc
//! {
//!   "logLevel": "debug",
//!   "select": ["KW1", "KW2"],          // codes, prefixes, rule names or "ALL"
//!   "ignore": ["KW204"],
//!   "severity": { "KW101": "error", "placeholder-value": "off" },
//!   "assumeDefined": ["OPENAI_API_KEY"]
//! }
//! ```
//!
//! Keys are accepted in camelCase (`assumeDefined`, `logLevel`), the config file's kebab-case
//! (`assume-defined`) and snake_case. Values mean exactly what they mean in `keywire.toml` —
//! they go through the same parser ([`Config::from_keywire_toml`]), one key (and one list item
//! or severity entry) at a time, so a bad entry is reported and dropped while everything else
//! still applies. `null` (and an empty `select`, which is what editors send for "not set")
//! leaves a key unset.
//!
//! # Precedence
//!
//! 1. The project's config file (`keywire.toml` / `[tool.keywire]`): whatever key it sets wins.
//!    `severity` merges per rule: the file's entries win, the editor's apply to the other rules.
//! 2. The latest settings pulled with `workspace/configuration` or pushed with
//!    `workspace/didChangeConfiguration`, key by key.
//! 3. `initializationOptions`.
//! 4. The defaults (every rule, default severities).
//!
//! `exclude` and `env-files` decide what is indexed and are only read from the project's file.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::engine::config::{Config, ConfigError};
use crate::engine::rules::Rule;
use crate::engine::Severity;

/// The `workspace/configuration` section (and the key a pushed settings object may nest
/// keywire's settings under).
pub const SECTION: &str = "keywire";

/// Rule settings from one source; `None`: the source does not set the key.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuleSettings {
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    /// Per rule: its severity, or `None` for "off".
    pub severity: Option<BTreeMap<Rule, Option<Severity>>>,
    pub assume_defined: Option<Vec<String>>,
}

impl RuleSettings {
    /// Key by key: `self`'s value, else `fallback`'s.
    pub fn or(&self, fallback: &RuleSettings) -> RuleSettings {
        RuleSettings {
            select: self.select.clone().or_else(|| fallback.select.clone()),
            ignore: self.ignore.clone().or_else(|| fallback.ignore.clone()),
            severity: self.severity.clone().or_else(|| fallback.severity.clone()),
            assume_defined: self
                .assume_defined
                .clone()
                .or_else(|| fallback.assume_defined.clone()),
        }
    }

    /// The rule settings a project config table (`keywire.toml`, or pyproject's
    /// `[tool.keywire]`) sets. The project layer has validated the file; a key that does not parse
    /// is left unset.
    pub fn from_file_table(table: &toml::Table) -> RuleSettings {
        let mut out = RuleSettings::default();
        for key in ["select", "ignore", "severity", "assume-defined"] {
            let Some(value) = table.get(key) else {
                continue;
            };
            let Ok(config) = parse_key(key, value.clone()) else {
                continue;
            };
            match key {
                "select" => out.select = config.select,
                "ignore" => out.ignore = Some(config.ignore),
                "severity" => out.severity = Some(severity_map(&config)),
                _ => out.assume_defined = Some(config.assume_defined),
            }
        }
        out
    }

    /// The rule settings of the project config file at `path` (a `keywire.toml` or a
    /// pyproject.toml) whose text is `text`; nothing when it does not parse.
    pub fn from_file_text(path: &Path, text: &str) -> RuleSettings {
        let Ok(table) = text.parse::<toml::Table>() else {
            return RuleSettings::default();
        };
        let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
        let table = if is_pyproject {
            match table
                .get("tool")
                .and_then(|t| t.get("keywire"))
                .and_then(toml::Value::as_table)
            {
                Some(section) => section.clone(),
                None => return RuleSettings::default(),
            }
        } else {
            table
        };
        RuleSettings::from_file_table(&table)
    }
}

/// Set `config`'s rule selection, severities and `assume-defined` from the project file's
/// settings (`file`, which win key by key, and per rule for `severity`) over the editor's.
/// Everything else in `config` (`exclude`, `env-files`) is left as the file had it.
pub fn apply(config: &mut Config, file: &RuleSettings, editor: &RuleSettings) {
    config.select = file.select.clone().or_else(|| editor.select.clone());
    let mut ignore = file
        .ignore
        .clone()
        .or_else(|| editor.ignore.clone())
        .unwrap_or_default();
    let mut severity = editor.severity.clone().unwrap_or_default();
    if let Some(from_file) = &file.severity {
        severity.extend(from_file.iter().map(|(r, s)| (*r, *s)));
    }
    config.severity = severity
        .iter()
        .filter_map(|(rule, sev)| sev.map(|s| (*rule, s)))
        .collect();
    ignore.extend(
        severity
            .iter()
            .filter(|(_, sev)| sev.is_none())
            .map(|(rule, _)| rule.code().to_string()),
    );
    config.ignore = ignore;
    config.assume_defined = file
        .assume_defined
        .clone()
        .or_else(|| editor.assume_defined.clone())
        .unwrap_or_default();
}

/// Settings from one editor source (initialization options, or the latest pull / push).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    pub log_level: Option<String>,
    pub rules: RuleSettings,
}

impl Settings {
    /// Key by key: `self`'s value, else `fallback`'s.
    pub fn or(&self, fallback: &Settings) -> Settings {
        Settings {
            log_level: self
                .log_level
                .clone()
                .or_else(|| fallback.log_level.clone()),
            rules: self.rules.or(&fallback.rules),
        }
    }

    /// Parse a settings object. Returns what is valid, and one message per key (or list item,
    /// or severity entry) that is not, naming it as the client spelled it.
    pub fn parse(value: &Value) -> (Settings, Vec<String>) {
        let mut settings = Settings::default();
        let mut warnings = Vec::new();
        let object = match value {
            Value::Null => return (settings, warnings),
            Value::Object(object) => object,
            other => {
                warnings.push(format!(
                    "settings: expected an object, found {}",
                    json_type(other)
                ));
                return (settings, warnings);
            }
        };
        for (key, value) in object {
            if value.is_null() {
                continue;
            }
            let name = normalize_key(key);
            match name.as_str() {
                "log-level" => match value.as_str() {
                    Some(level) => match super::check_log_level(level) {
                        Ok(()) => settings.log_level = Some(level.to_string()),
                        Err(e) => warnings.push(format!("`{key}`: {e}")),
                    },
                    None => warnings.push(format!(
                        "`{key}`: expected a string, found {}",
                        json_type(value)
                    )),
                },
                "select" | "ignore" | "assume-defined" => {
                    let list = string_list(key, &name, value, &mut warnings);
                    match name.as_str() {
                        // An empty selection is how editors say "not set".
                        "select" => settings.rules.select = list.filter(|l| !l.is_empty()),
                        "ignore" => settings.rules.ignore = list,
                        _ => settings.rules.assume_defined = list,
                    }
                }
                "severity" => settings.rules.severity = severities(key, value, &mut warnings),
                "exclude" | "env-files" => warnings.push(format!(
                    "`{key}`: only read from the project's keywire.toml or [tool.keywire]"
                )),
                // `initializationOptions.debug` (tests), read elsewhere.
                "debug" => {}
                _ => {
                    // Settings of the editor extension itself (`path`, `trace`…) are not ours;
                    // only a near miss of one of ours is worth a word.
                    if let Some(suggestion) = suggest_key(&name) {
                        warnings.push(format!(
                            "`{key}`: unknown setting; did you mean `{suggestion}`?"
                        ));
                    } else {
                        tracing::debug!("ignoring setting {key:?}");
                    }
                }
            }
        }
        (settings, warnings)
    }
}

/// The settings object in a `workspace/didChangeConfiguration` push: the `keywire` section
/// when there is one, else the object itself.
pub fn pushed_section(settings: Value) -> Value {
    match settings {
        Value::Object(mut object) if object.contains_key(SECTION) => {
            object.remove(SECTION).unwrap_or(Value::Null)
        }
        other => other,
    }
}

/// camelCase, snake_case and kebab-case → kebab-case.
fn normalize_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.trim().chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else if c == '_' {
            out.push('-');
        } else {
            out.push(c);
        }
    }
    out
}

const KEYS: &[(&str, &str)] = &[
    ("log-level", "logLevel"),
    ("select", "select"),
    ("ignore", "ignore"),
    ("severity", "severity"),
    ("assume-defined", "assumeDefined"),
];

fn suggest_key(normalized: &str) -> Option<&'static str> {
    KEYS.iter()
        .map(|(kebab, camel)| (strsim::jaro_winkler(normalized, kebab), *camel))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, camel)| camel)
}

/// A list of strings, each item checked on its own; bad items are reported and dropped.
/// None when the value is not a list.
fn string_list(
    key: &str,
    name: &str,
    value: &Value,
    warnings: &mut Vec<String>,
) -> Option<Vec<String>> {
    let Some(items) = value.as_array() else {
        warnings.push(problem(key, parse_json_key(name, value)));
        return None;
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        if item.is_null() {
            warnings.push(format!("`{key}`: expected strings, found null in the list"));
            continue;
        }
        match parse_json_key(name, &Value::Array(vec![item.clone()])) {
            Ok(_) => out.extend(item.as_str().map(str::to_string)),
            Err(e) => warnings.push(format!("`{key}`: {}", e.message)),
        }
    }
    Some(out)
}

/// A `severity` object, each entry checked on its own; bad entries are reported and dropped.
fn severities(
    key: &str,
    value: &Value,
    warnings: &mut Vec<String>,
) -> Option<BTreeMap<Rule, Option<Severity>>> {
    let Some(entries) = value.as_object() else {
        warnings.push(problem(key, parse_json_key("severity", value)));
        return None;
    };
    let mut good = toml::Table::new();
    for (selector, level) in entries {
        if level.is_null() {
            continue; // Unset.
        }
        let entry = Value::Object([(selector.clone(), level.clone())].into_iter().collect());
        match parse_json_key("severity", &entry) {
            Ok(_) => {
                if let Some(level) = json_to_toml(level) {
                    good.insert(selector.clone(), level);
                }
            }
            Err(e) => warnings.push(format!("`{key}.{selector}`: {}", e.message)),
        }
    }
    // Together, so that specific selectors beat prefixes as in the config file.
    parse_key("severity", toml::Value::Table(good))
        .ok()
        .map(|config| severity_map(&config))
}

fn problem(key: &str, result: Result<Config, ConfigError>) -> String {
    match result {
        Ok(_) => format!("`{key}`: unexpected value"),
        Err(e) => format!("`{key}`: {}", e.message),
    }
}

/// Per rule: the severity a parsed `severity` key gives it (`None`: "off", which the parser
/// records in `ignore`).
fn severity_map(config: &Config) -> BTreeMap<Rule, Option<Severity>> {
    let mut map: BTreeMap<Rule, Option<Severity>> = config
        .severity
        .iter()
        .map(|(rule, sev)| (*rule, Some(*sev)))
        .collect();
    for code in &config.ignore {
        if let Some(rule) = Rule::from_code_or_name(code) {
            map.insert(rule, None);
        }
    }
    map
}

fn parse_json_key(name: &str, value: &Value) -> Result<Config, ConfigError> {
    match json_to_toml(value) {
        Some(value) => parse_key(name, value),
        None => Err(ConfigError {
            path: "settings".into(),
            table: None,
            key: Some(name.to_string()),
            message: format!("unexpected {}", json_type(value)),
        }),
    }
}

/// One key through the config file's own parser.
fn parse_key(name: &str, value: toml::Value) -> Result<Config, ConfigError> {
    let mut table = toml::Table::new();
    table.insert(name.to_string(), value);
    let text = toml::to_string(&table).map_err(|e| ConfigError {
        path: "settings".into(),
        table: None,
        key: Some(name.to_string()),
        message: e.to_string(),
    })?;
    Config::from_keywire_toml(&text, Path::new("settings"))
}

/// JSON → TOML; None for `null` (which TOML has not), also inside lists and objects.
fn json_to_toml(value: &Value) -> Option<toml::Value> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(b) => toml::Value::Boolean(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64()?),
        },
        Value::String(s) => toml::Value::String(s.clone()),
        Value::Array(items) => {
            toml::Value::Array(items.iter().map(json_to_toml).collect::<Option<_>>()?)
        }
        Value::Object(entries) => toml::Value::Table(
            entries
                .iter()
                .map(|(k, v)| Some((k.clone(), json_to_toml(v)?)))
                .collect::<Option<_>>()?,
        ),
    })
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config(file: &RuleSettings, editor: &RuleSettings) -> Config {
        let mut config = Config::default();
        apply(&mut config, file, editor);
        config
    }

    #[test]
    fn camel_kebab_and_snake_case() {
        for key in ["assumeDefined", "assume-defined", "assume_defined"] {
            let (s, warnings) = Settings::parse(&json!({ key: ["OPENAI_API_KEY"] }));
            assert!(warnings.is_empty(), "{warnings:?}");
            assert_eq!(
                s.rules.assume_defined,
                Some(vec!["OPENAI_API_KEY".to_string()])
            );
        }
        let (s, _) = Settings::parse(&json!({"log_level": "debug", "logLevel": "warn"}));
        assert!(s.log_level.is_some());
    }

    #[test]
    fn parses_like_the_config_file() {
        let (s, warnings) = Settings::parse(&json!({
            "logLevel": "debug",
            "select": ["KW1", "dotenv-not-loaded"],
            "ignore": ["KW104"],
            "severity": {"KW2": "info", "KW201": "Error", "KW3": "off", "KW303": "warning"},
            "path": "/usr/bin/keywire",
            "trace": {"server": "verbose"},
        }));
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(s.log_level.as_deref(), Some("debug"));
        let c = config(&RuleSettings::default(), &s.rules);
        assert!(c.enabled(Rule::KW101));
        assert!(!c.enabled(Rule::KW104));
        assert!(c.enabled(Rule::KW202));
        assert!(!c.enabled(Rule::KW203));
        assert_eq!(c.severity[&Rule::KW201], Severity::Error);
        assert_eq!(c.severity[&Rule::KW202], Severity::Info);
        // "off" then a specific severity, as in keywire.toml (select still decides).
        let c = config(
            &RuleSettings::default(),
            &RuleSettings {
                select: None,
                ..s.rules.clone()
            },
        );
        assert!(!c.enabled(Rule::KW301));
        assert!(c.enabled(Rule::KW303));
    }

    #[test]
    fn bad_entries_are_reported_by_key_and_dropped() {
        let (s, warnings) = Settings::parse(&json!({
            "select": "KW101",
            "ignore": ["KW201", "KW999", 3],
            "severity": {"KW101": "fatal", "KW1O2": "error", "KW103": 1, "KW104": "hint"},
            "logLevel": 7,
            "exclude": ["x/"],
            "selct": ["KW1"],
        }));
        let text = warnings.join("\n");
        assert!(
            text.contains("`select`: expected a list of rule selectors (strings), found a string"),
            "{text}"
        );
        assert!(text.contains("`ignore`: unknown rule \"KW999\""), "{text}");
        assert!(text.contains("`ignore`: expected a list of rule selectors (strings), found an integer in the list"), "{text}");
        assert!(text.contains("`severity.KW101`: expected one of"), "{text}");
        assert!(text.contains("found \"fatal\""), "{text}");
        assert!(
            text.contains("`severity.KW1O2`: unknown rule \"KW1O2\"; did you mean KW102"),
            "{text}"
        );
        assert!(text.contains("`severity.KW103`: expected one of"), "{text}");
        assert!(
            text.contains("`logLevel`: expected a string, found a number"),
            "{text}"
        );
        assert!(
            text.contains("`exclude`: only read from the project's"),
            "{text}"
        );
        assert!(
            text.contains("`selct`: unknown setting; did you mean `select`?"),
            "{text}"
        );
        assert_eq!(warnings.len(), 9, "{text}");
        // What was valid still applies.
        assert_eq!(s.rules.select, None);
        assert_eq!(s.rules.ignore, Some(vec!["KW201".to_string()]));
        let sev = s.rules.severity.unwrap();
        assert_eq!(sev.len(), 1);
        assert_eq!(sev[&Rule::KW104], Some(Severity::Hint));
        // Not an object at all.
        let (s, warnings) = Settings::parse(&json!("debug"));
        assert_eq!(s, Settings::default());
        assert_eq!(
            warnings,
            vec!["settings: expected an object, found a string"]
        );
        let (_, warnings) = Settings::parse(&json!({"logLevel": "keywire=[bad"}));
        assert!(warnings[0].starts_with("`logLevel`: "), "{warnings:?}");
    }

    #[test]
    fn null_and_empty_select_mean_unset() {
        let (s, warnings) = Settings::parse(
            &json!({"select": [], "ignore": null, "severity": {}, "logLevel": null}),
        );
        assert!(warnings.is_empty());
        assert_eq!(s.rules.select, None);
        assert_eq!(s.rules.ignore, None);
        assert_eq!(s.rules.severity, Some(BTreeMap::new()));
        assert_eq!(Settings::parse(&Value::Null).0, Settings::default());
    }

    #[test]
    fn the_project_file_wins_key_by_key() {
        let file = RuleSettings::from_file_table(
            &"select = [\"KW2\"]\n[severity]\nKW201 = \"info\"\nKW203 = \"off\"\n"
                .parse()
                .unwrap(),
        );
        let (editor, _) = Settings::parse(&json!({
            "select": ["KW101"],
            "ignore": ["KW204"],
            "severity": {"KW201": "error", "KW202": "hint", "KW203": "warning"},
            "assumeDefined": ["A"],
        }));
        let c = config(&file, &editor.rules);
        // select from the file, ignore from the editor.
        assert!(!c.enabled(Rule::KW101));
        assert!(c.enabled(Rule::KW201));
        assert!(!c.enabled(Rule::KW204));
        // severity per rule: the file's entries win, the editor's fill in.
        assert_eq!(c.severity[&Rule::KW201], Severity::Info);
        assert_eq!(c.severity[&Rule::KW202], Severity::Hint);
        assert!(!c.enabled(Rule::KW203));
        assert_eq!(c.assume_defined, vec!["A".to_string()]);
        // With no editor settings, the file's config is reproduced exactly.
        let text = "select = [\"KW2\", \"KW3\"]\nignore = [\"KW301\"]\nassume-defined = [\"B\"]\n[severity]\nKW2 = \"info\"\nKW201 = \"error\"\nKW203 = \"off\"\n";
        let parsed = Config::from_keywire_toml(text, Path::new("keywire.toml")).unwrap();
        let mut merged = Config::default();
        apply(
            &mut merged,
            &RuleSettings::from_file_table(&text.parse().unwrap()),
            &RuleSettings::default(),
        );
        for &rule in Rule::ALL {
            assert_eq!(merged.enabled(rule), parsed.enabled(rule), "{rule:?}");
            assert_eq!(
                merged.severity_for(rule, Severity::Warning),
                parsed.severity_for(rule, Severity::Warning),
                "{rule:?}"
            );
        }
        assert_eq!(merged.assume_defined, parsed.assume_defined);
    }

    #[test]
    fn later_sources_override_earlier_ones_key_by_key() {
        let (init, _) =
            Settings::parse(&json!({"logLevel": "info", "ignore": ["KW101"], "select": ["KW1"]}));
        let (pulled, _) = Settings::parse(&json!({"ignore": ["KW102"]}));
        let both = pulled.or(&init);
        assert_eq!(both.log_level.as_deref(), Some("info"));
        assert_eq!(both.rules.ignore, Some(vec!["KW102".to_string()]));
        assert_eq!(both.rules.select, Some(vec!["KW1".to_string()]));
    }

    #[test]
    fn pushed_settings_may_nest_under_keywire() {
        assert_eq!(
            pushed_section(json!({"keywire": {"ignore": ["KW101"]}, "pyright": {}})),
            json!({"ignore": ["KW101"]})
        );
        assert_eq!(
            pushed_section(json!({"ignore": ["KW101"]})),
            json!({"ignore": ["KW101"]})
        );
        assert_eq!(pushed_section(Value::Null), Value::Null);
    }
}

//! Rule fixtures: every directory under `tests/rules/` is a small workspace. Its findings are
//! snapshot-tested, and every fix is applied and re-checked: the finding must be gone and no
//! new finding may appear.

use std::path::PathBuf;

use keywire::engine::config::Config;
use testkit::fixture;
use testkit::paths::repo_root;

/// Rule fixtures and the realistic workspaces under `tests/workspaces/`.
fn fixtures() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for group in ["rules", "workspaces"] {
        let dir = repo_root().join("tests").join(group);
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                let name = format!("{group}-{}", path.file_name().unwrap().to_string_lossy());
                out.push((name, path));
            }
        }
    }
    out.sort();
    out
}

/// "Add `NAME=` to .env" deliberately leaves an empty value to fill in, which KW305 reports.
/// Renaming a misspelt `api_key` lets the rules read the key it holds: a placeholder there is
/// KW103's from then on (`{"apikey": "sk-..."}`).
/// Creating a missing config list writes an entry whose key comes from the environment: where
/// no .env defines that variable, KW101 says so in the new file.
/// Reading a key the environment lacks in code moves KW101's finding to the read (KW201), where
/// the preferred fix, defining the variable in `.env`, is offered first.
fn allowed_new(fix_title: &str, rule: &str) -> bool {
    (rule == "KW305" && fix_title.starts_with("Add `") && fix_title.contains("=` to "))
        || (rule == "KW103" && fix_title.ends_with(" to `api_key`"))
        || (rule == "KW101" && fix_title.starts_with("Create ") && fix_title.contains(" entry"))
        || (rule == "KW201" && fix_title.starts_with("Add `api_key=os.environ["))
        || (rule == "KW201" && fix_title.starts_with("Add `\"api_key\": os.environ["))
}

#[test]
fn clean_project_has_no_findings() {
    let dir = repo_root().join("tests/workspaces/clean-project");
    let files = fixture::read_dir(&dir);
    assert!(files.len() >= 6, "fixture not found");
    let findings = fixture::check(&files, &Config::default());
    assert!(
        findings.is_empty(),
        "{}",
        fixture::render(&files, &findings)
    );
}

#[test]
fn rule_fixture_snapshots() {
    for (name, dir) in fixtures() {
        let files = fixture::read_dir(&dir);
        let findings = fixture::check(&files, &Config::default());
        insta::assert_snapshot!(name.clone(), fixture::render(&files, &findings));
    }
}

#[test]
fn every_fix_repairs_its_finding_and_adds_nothing() {
    let mut applied = 0;
    for (name, dir) in fixtures() {
        let files = fixture::read_dir(&dir);
        let config = Config::default();
        let before = fixture::check(&files, &config);
        let before_keys = fixture::keys(&before);
        for finding in &before {
            for fix in &finding.fixes {
                let fixed = fixture::apply_fix(&files, fix);
                still_json(&name, &fix.title, &files, &fixed);
                let after = fixture::check(&fixed, &config);
                let after_keys = fixture::keys(&after);
                let key = &fixture::keys(std::slice::from_ref(finding))[0];
                let count =
                    |ks: &[(String, String, String)]| ks.iter().filter(|k| *k == key).count();
                assert!(
                    count(&after_keys) < count(&before_keys),
                    "{name}: fix `{}` did not remove {key:?}\n{}",
                    fix.title,
                    fixture::render(&fixed, &after)
                );
                // No rule may report more in any file than before (a fix must not create
                // problems; messages may change as names do).
                for (path, rule) in fixture::rule_counts(&after).keys() {
                    let before_n = fixture::rule_counts(&before)
                        .get(&(path.clone(), rule.clone()))
                        .copied()
                        .unwrap_or(0);
                    let after_n = fixture::rule_counts(&after)[&(path.clone(), rule.clone())];
                    let allowed = allowed_new(&fix.title, rule);
                    assert!(
                        after_n <= before_n || allowed,
                        "{name}: fix `{}` added a {rule} finding in {path}\n{}",
                        fix.title,
                        fixture::render(&fixed, &after)
                    );
                }
                applied += 1;
            }
        }
    }
    assert!(applied > 10, "only {applied} fixes were exercised");
}

/// A fix keeps every config list that `json.load` reads readable (the reader is exact to
/// Python's `json` module), and a list it could not read becomes readable only by a fix for
/// that.
fn still_json(name: &str, title: &str, before: &fixture::Files, after: &fixture::Files) {
    use keywire::engine::json;
    use keywire::engine::workspace::{file_kind, FileKind};
    for (path, text) in after {
        if !matches!(file_kind(path), FileKind::ConfigJson { .. }) || before.get(path) == Some(text)
        {
            continue;
        }
        let was_valid = before.get(path).is_some_and(|t| json::parse(t).is_ok());
        assert!(
            !was_valid || json::parse(text).is_ok(),
            "{name}: fix `{title}` made {} invalid JSON:\n{text}",
            path.display()
        );
    }
}

#[test]
fn fixes_of_config_lists_keep_them_valid_json() {
    let mut checked = 0;
    for (name, dir) in fixtures() {
        let files = fixture::read_dir(&dir);
        for finding in fixture::check(&files, &Config::default()) {
            let json_file = keywire::engine::workspace::file_kind(&finding.path);
            if !matches!(
                json_file,
                keywire::engine::workspace::FileKind::ConfigJson { .. }
            ) {
                continue;
            }
            for fix in &finding.fixes {
                let fixed = fixture::apply_fix(&files, fix);
                for edit in &fix.edits {
                    let rel = edit.path.strip_prefix(fixture::root()).unwrap();
                    if matches!(
                        keywire::engine::workspace::file_kind(rel),
                        keywire::engine::workspace::FileKind::ConfigJson { .. }
                    ) {
                        let text = &fixed[rel];
                        assert!(
                            keywire::engine::json::parse(text).is_ok(),
                            "{name}: fix `{}` leaves {} unreadable:\n{text}",
                            fix.title,
                            rel.display()
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked >= 8, "only {checked} config list fixes exercised");
}

/// `tests = "secrets"` (the default) keeps only real secrets in test code; "all" checks test
/// code like any other; "none" skips it. A script named `llm_test.py` holding no tests is not
/// test code under any policy.
#[test]
fn test_code_policy() {
    use keywire::engine::config::TestPolicy;
    let dir = repo_root().join("tests/rules/precision-test-code");
    let files = fixture::read_dir(&dir);
    let found = |policy| {
        let config = Config {
            tests: policy,
            ..Config::default()
        };
        let mut found: Vec<(String, String)> = fixture::check(&files, &config)
            .iter()
            .map(|f| {
                let path = f.path.to_string_lossy().replace('\\', "/");
                let dir = if path.contains("/tests/") || path.contains("/test_") {
                    "test"
                } else {
                    "app"
                };
                (dir.to_string(), f.rule.code().to_string())
            })
            .collect();
        found.sort();
        found.dedup();
        found
    };
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(
        found(TestPolicy::Secrets),
        [pair("app", "KW103"), pair("test", "KW104")]
    );
    let all = found(TestPolicy::All);
    assert!(
        all.len() > 2 && all.contains(&pair("test", "KW104")),
        "{all:?}"
    );
    assert_eq!(found(TestPolicy::None), [pair("app", "KW103")]);
}

/// A real key in a config list git does not ignore is KW308's; with KW308 off, KW104 reports
/// each key instead (the mistake never goes unsaid). Templates' keys are KW104's either way,
/// and nothing is said about a list git ignores.
#[test]
fn config_list_keys_fall_back_to_kw104_without_kw308() {
    let dir = repo_root().join("tests/rules/kw308-config-json");
    let files = fixture::read_dir(&dir);
    let found = |config: &Config| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = fixture::check(&files, config)
            .iter()
            .filter(|f| matches!(f.rule.code(), "KW104" | "KW308"))
            .map(|f| {
                let path = f.path.strip_prefix(fixture::root()).unwrap();
                (
                    path.to_string_lossy().into_owned(),
                    f.rule.code().to_string(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(
        found(&Config::default()),
        [
            pair("OAI_CONFIG_LIST", "KW308"),
            pair("service/OAI_CONFIG_LIST_sample", "KW104"),
            pair("tracked/OAI_CONFIG_LIST", "KW308"),
        ]
    );
    let without = Config {
        ignore: vec!["KW308".into()],
        ..Config::default()
    };
    assert_eq!(
        found(&without),
        [
            pair("OAI_CONFIG_LIST", "KW104"),
            pair("OAI_CONFIG_LIST", "KW104"),
            pair("service/OAI_CONFIG_LIST_sample", "KW104"),
            pair("tracked/OAI_CONFIG_LIST", "KW104"),
        ]
    );
}

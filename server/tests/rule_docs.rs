//! The rule pages in `docs/rules/` (what diagnostics link to) are generated from the rules' own
//! documentation — each rule file's `//!` comment — and must match it.
//!
//! `cargo test -p keywire --test rule_docs` fails when a page is missing, differs or has no
//! rule; `UPDATE_RULE_DOCS=1 cargo test -p keywire --test rule_docs` (re)writes them.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use keywire::engine::rules::{Rule, RuleKind};
use keywire::lsp::{rule_docs_url, DOCS_BASE, RULE_DOCS_DIR};
use testkit::paths::repo_root;

const REGENERATE: &str =
    "run `UPDATE_RULE_DOCS=1 cargo test -p keywire --test rule_docs` to regenerate";

fn docs_dir() -> PathBuf {
    repo_root().join(RULE_DOCS_DIR)
}

/// The rule's source file, relative to the repository root (`server/src/engine/rules/kw101_….rs`).
fn source_file(rule: Rule) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine/rules");
    let prefix = format!("{}_", rule.code().to_ascii_lowercase());
    let mut found: Vec<String> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with(&prefix) && name.ends_with(".rs"))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one source file for {} in {}, found {found:?}",
        rule.code(),
        dir.display()
    );
    format!("server/src/engine/rules/{}", found.remove(0))
}

fn applies_to(rule: Rule) -> &'static str {
    match (rule.kind(), rule.reads_config_json()) {
        (RuleKind::Python, false) => "Python files",
        (RuleKind::Python, true) => "Python files and `OAI_CONFIG_LIST` files",
        (RuleKind::Env, false) => "`.env` files",
        (RuleKind::Env, true) => "`.env` files and `OAI_CONFIG_LIST` files",
        (RuleKind::ConfigJson, _) => "`OAI_CONFIG_LIST` files",
        (RuleKind::Notebook, _) => "Jupyter notebooks",
        (RuleKind::Deploy, _) => "compose files and Dockerfiles",
        (RuleKind::Workflow, _) => "GitHub Actions workflows (`.github/workflows/*.yml`)",
        (RuleKind::Manifest, _) => "dependency manifests (`requirements*.txt`, `pyproject.toml`, `setup.cfg`, `Pipfile`, `environment.yml`)",
    }
}

/// The rule's documentation with its `KW101 missing-api-key:` lead turned into a sentence.
fn body(rule: Rule) -> String {
    let meta = rule.meta();
    let doc = meta.doc();
    let lead = format!("{} {}:", meta.code, meta.name);
    let doc = doc.trim();
    let rest = doc
        .strip_prefix(&lead)
        .unwrap_or_else(|| panic!("{}'s documentation does not start with `{lead}`", meta.code))
        .trim_start();
    let mut chars = rest.chars();
    let first = chars.next().map(|c| c.to_uppercase().to_string());
    format!("{}{}\n", first.unwrap_or_default(), chars.as_str())
}

fn page(rule: Rule) -> String {
    let meta = rule.meta();
    let source = source_file(rule);
    format!(
        "# {code} {name}\n\
         \n\
         <!-- Generated from the documentation comment of {source}: edit that, then\n     \
         UPDATE_RULE_DOCS=1 cargo test -p keywire --test rule_docs -->\n\
         \n\
         **Default severity:** {severity} · **Checks:** {applies} · \
         [source](../../{source}) · [all rules](README.md)\n\
         \n\
         {body}",
        code = meta.code,
        name = meta.name,
        severity = meta.severity.as_str(),
        applies = applies_to(rule),
        body = body(rule),
    )
}

fn index() -> String {
    let mut out = String::from(
        "# keywire rules\n\
         \n\
         <!-- Generated from the rules' documentation comments (server/src/engine/rules/): edit\n     \
         those, then UPDATE_RULE_DOCS=1 cargo test -p keywire --test rule_docs -->\n\
         \n\
         Every rule can be selected, ignored or given another severity by code (`KW101`), code\n\
         prefix (`KW1`), name (`missing-api-key`) or `ALL`: `select`, `ignore` and `severity` in\n\
         `keywire.toml` or `[tool.keywire]` in pyproject.toml, or the same editor settings of\n\
         `keywire lsp` (the project's file wins). A finding is silenced on its line with\n\
         `# keywire: ignore[KW101]`.\n\
         \n\
         KW1xx check AutoGen model configurations, KW2xx how environment variables reach them,\n\
         KW3xx `.env` files, KW4xx Jupyter notebooks.\n\
         \n\
         | Code | Name | Default severity | Summary |\n\
         | --- | --- | --- | --- |\n",
    );
    for &rule in Rule::ALL {
        let meta = rule.meta();
        out.push_str(&format!(
            "| [{code}]({code}.md) | `{name}` | {severity} | {summary} |\n",
            code = meta.code,
            name = meta.name,
            severity = meta.severity.as_str(),
            summary = capitalized(&meta.summary()).replace('|', "\\|"),
        ));
    }
    out
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// File name → expected text.
fn expected() -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    files.insert("README.md".to_string(), index());
    for &rule in Rule::ALL {
        files.insert(format!("{}.md", rule.code()), page(rule));
    }
    files
}

/// Generated pages present on disk (`KW*.md`) and the index.
fn on_disk(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n == "README.md" || (n.starts_with("KW") && n.ends_with(".md")))
        .collect();
    names.sort();
    names
}

/// The first line where `a` and `b` differ (1-based), with both versions.
fn first_difference(actual: &str, expected: &str) -> String {
    let mut a = actual.lines();
    let mut e = expected.lines();
    let mut line = 1;
    loop {
        match (a.next(), e.next()) {
            (Some(x), Some(y)) if x == y => line += 1,
            (None, None) => return "only in line endings or the final newline".into(),
            (x, y) => {
                return format!(
                    "line {line}: file has {:?}, expected {:?}",
                    x.unwrap_or("<end of file>"),
                    y.unwrap_or("<end of file>")
                )
            }
        }
    }
}

#[test]
fn rule_pages_match_the_rules_documentation() {
    let dir = docs_dir();
    let expected = expected();
    if std::env::var_os("UPDATE_RULE_DOCS").is_some_and(|v| !v.is_empty() && v != "0") {
        fs::create_dir_all(&dir).unwrap();
        for name in on_disk(&dir) {
            if !expected.contains_key(&name) {
                fs::remove_file(dir.join(&name)).unwrap();
            }
        }
        for (name, text) in &expected {
            let path = dir.join(name);
            if fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                fs::write(&path, text).unwrap();
            }
        }
        return;
    }
    let mut problems = Vec::new();
    for (name, text) in &expected {
        let path = dir.join(name);
        match fs::read_to_string(&path) {
            // A checkout may have turned \n into \r\n.
            Ok(actual) if actual.replace("\r\n", "\n") == *text => {}
            Ok(actual) => problems.push(format!(
                "{}/{name} is out of date ({})",
                RULE_DOCS_DIR,
                first_difference(&actual, text)
            )),
            Err(e) => problems.push(format!("{}/{name} is missing ({e})", RULE_DOCS_DIR)),
        }
    }
    for name in on_disk(&dir) {
        if !expected.contains_key(&name) {
            problems.push(format!(
                "{}/{name} documents no rule (rules: {})",
                RULE_DOCS_DIR,
                Rule::ALL
                    .iter()
                    .map(|r| r.code())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "the rule pages do not match the rules' documentation:\n  {}\n{REGENERATE}",
        problems.join("\n  ")
    );
}

#[test]
fn every_diagnostic_link_has_its_page() {
    // The links are `{DOCS_BASE}{code}.md`, and DOCS_BASE ends in the pages' directory.
    assert!(
        DOCS_BASE.ends_with(&format!("/blob/main/{RULE_DOCS_DIR}/")),
        "{DOCS_BASE} does not point at {RULE_DOCS_DIR}/"
    );
    // Generated pages (`rule_pages_match_the_rules_documentation` checks they are on disk).
    let pages = expected();
    for &rule in Rule::ALL {
        let url = rule_docs_url(rule.code());
        let relative = url
            .strip_prefix(DOCS_BASE)
            .unwrap_or_else(|| panic!("{url} is not under {DOCS_BASE}"));
        assert!(
            pages.contains_key(relative),
            "{url}: no page {RULE_DOCS_DIR}/{relative} is generated"
        );
    }
}

#[test]
fn pages_have_title_severity_and_the_full_documentation() {
    for &rule in Rule::ALL {
        let meta = rule.meta();
        let text = page(rule);
        assert!(
            text.starts_with(&format!("# {} {}\n", meta.code, meta.name)),
            "{text}"
        );
        assert!(text.contains(&format!("**Default severity:** {}", meta.severity.as_str())));
        // Every paragraph after the first appears verbatim.
        let doc = meta.doc();
        for paragraph in doc.split("\n\n").skip(1) {
            assert!(
                text.contains(paragraph.trim()),
                "{}: {paragraph}",
                meta.code
            );
        }
    }
    let index = index();
    for &rule in Rule::ALL {
        assert!(
            index.contains(&format!("| [{0}]({0}.md) |", rule.code())),
            "{index}"
        );
    }
}

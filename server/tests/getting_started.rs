//! A project written from AutoGen's getting-started guide (`tests/workspaces/getting-started`):
//! an `OAI_CONFIG_LIST`, a script that reads it through `config_list_from_json`, and a
//! notebook, with one of each mistake people make there. keywire reports exactly those, at the
//! right file, cell and line, and `--fix` leaves valid JSON and a notebook that reads.

use std::fs;
use std::path::Path;

use serde_json::Value;
use testkit::paths::{repo_root, write};
use testkit::process::keywire;

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let dest = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &dest);
        } else {
            fs::copy(&path, &dest).unwrap();
        }
    }
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &repo_root().join("tests/workspaces/getting-started"),
        dir.path(),
    );
    fs::create_dir(dir.path().join(".git")).unwrap();
    dir
}

/// (path, cell, line, column, code, severity) of every finding.
fn findings(dir: &Path) -> Vec<(String, Option<u64>, u64, u64, String, String)> {
    let out = keywire(dir, &["check", "--format", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["cell"].as_u64(),
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["range"]["start"]["column"].as_u64().unwrap(),
                d["code"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn row(
    path: &str,
    cell: Option<u64>,
    line: u64,
    column: u64,
    code: &str,
    severity: &str,
) -> (String, Option<u64>, u64, u64, String, String) {
    (
        path.into(),
        cell,
        line,
        column,
        code.into(),
        severity.into(),
    )
}

#[test]
fn every_mistake_is_reported_once_at_its_place() {
    let dir = project();
    assert_eq!(
        findings(dir.path()),
        vec![
            // `apikey`: a typo AutoGen passes on to the API.
            row("OAI_CONFIG_LIST", None, 4, 9, "KW102", "error"),
            // An Azure endpoint without api_version / api_type, and a placeholder key.
            row("OAI_CONFIG_LIST", None, 6, 5, "KW106", "error"),
            row("OAI_CONFIG_LIST", None, 8, 20, "KW103", "error"),
            row("OAI_CONFIG_LIST", None, 9, 9, "KW105", "error"),
            // A missing comma in the filter: one model name nobody has.
            row("app.py", None, 13, 17, "KW110", "error"),
            // A file name that does not exist, next to one that does.
            row("app.py", None, 17, 52, "KW112", "error"),
            // A key shown by a committed output (a bare `config_list` cell).
            row("tutorial.ipynb", None, 58, 42, "KW401", "error"),
            // `!export` in a throw-away shell, a read before the cell that loads .env.
            row("tutorial.ipynb", Some(2), 1, 1, "KW402", "error"),
            row("tutorial.ipynb", Some(3), 5, 9, "KW203", "warning"),
        ]
    );
}

#[test]
fn fix_leaves_valid_files_and_fewer_findings() {
    let dir = project();
    let before = findings(dir.path());
    let out = keywire(dir.path(), &["check", "--fix"]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    let after = findings(dir.path());
    assert!(after.len() < before.len(), "{after:?}");
    // The typo and the leaked output are fixed; nothing new appeared.
    for code in ["KW102", "KW401"] {
        assert!(after.iter().all(|f| f.4 != code), "{code} left: {after:?}");
    }
    for f in &after {
        assert!(before.iter().any(|b| b.4 == f.4), "new finding {f:?}");
    }
    let list = fs::read_to_string(dir.path().join("OAI_CONFIG_LIST")).unwrap();
    assert!(keywire::engine::json::parse(&list).is_ok(), "{list}");
    let nb = fs::read_to_string(dir.path().join("tutorial.ipynb")).unwrap();
    let parsed = keywire::engine::notebook::Notebook::parse(&nb).unwrap();
    let outputs: usize = parsed.cells.iter().map(|c| c.outputs.len()).sum();
    assert_eq!(outputs, 0, "outputs left after clearing");
}

#[test]
fn a_notebook_that_never_loads_the_env_gets_a_hint_not_an_error() {
    // VS Code's Jupyter extension loads the workspace's .env into the kernel; JupyterLab
    // does not. The notebook may work or not: a hint.
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    write(&dir.path().join(".gitignore"), ".env\n");
    write(&dir.path().join(".env"), "GOOGLE_API_KEY=abc\n");
    let cell = r#"import os\n", "key = os.getenv(\"GOOGLE_API_KEY\")\n", "print(len(key))"#;
    write(
        &dir.path().join("demo.ipynb"),
        format!(
            "{{\n \"cells\": [\n  {{\n   \"cell_type\": \"code\",\n   \"execution_count\": null,\n   \"metadata\": {{}},\n   \"outputs\": [],\n   \"source\": [\n    \"{cell}\"\n   ]\n  }}\n ],\n \"metadata\": {{}},\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}}\n"
        ),
    );
    let found = findings(dir.path());
    let kw202: Vec<_> = found.iter().filter(|f| f.4 == "KW202").collect();
    assert_eq!(kw202.len(), 1, "{found:?}");
    assert_eq!(kw202[0].5, "hint", "{found:?}");
    assert_eq!(kw202[0].1, Some(1), "{found:?}");
}

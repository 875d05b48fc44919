//! Jupyter notebooks through the `keywire` binary: findings located by cell in text and JSON
//! output, `--fix` rewriting a notebook the way Jupyter writes it (checked with `nbformat`
//! from PyPI, which `tests/run-all.sh` installs) and leaving every byte outside the edited cells
//! as it was, and notebooks keywire cannot read reported as skipped.

use std::fs;
use std::path::Path;
use std::process::Command;

use keywire::engine::notebook::Notebook;
use serde_json::Value;
use testkit::paths::{repo_root, write};
use testkit::process::keywire;

fn project(fixture: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    write(&dir.path().join(".gitignore"), ".env\n");
    for entry in fs::read_dir(repo_root().join("tests/rules").join(fixture)).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    dir
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn text_output_names_the_cell() {
    let dir = project("kw402-shell-export");
    let out = keywire(dir.path(), &["check", "--no-color"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    for header in [
        "setup.ipynb:cell 2:2:1: KW402 [error]",
        "setup.ipynb:cell 2:3:1: KW402 [error]",
        "setup.ipynb:cell 3:1:1: KW402 [error]",
        "setup.ipynb:cell 3:2:1: KW402 [error]",
    ] {
        assert!(text.contains(header), "{header} missing from:\n{text}");
    }
    // The raw cell and the lines that use the variable in the same shell: nothing.
    assert_eq!(text.matches("KW402").count(), 4, "{text}");
    assert!(!text.contains("gsk_Qw3r"), "the key leaked:\n{text}");
}

#[test]
fn a_cell_that_writes_the_config_file_is_its_source_and_notes_name_cells() {
    let dir = project("kw112-config-source-missing/written");
    let out = keywire(
        dir.path(),
        &["check", "--no-color", "--select", "KW110,KW112"],
    );
    let text = stdout(&out);
    // The notebook writes OAI_CONFIG_LIST in cell 3 before cell 4 loads it: no KW112, and the
    // written entries are what the filter is checked against.
    assert!(
        text.contains("setup.ipynb:cell 4:2:76: KW110 [error]"),
        "{text}"
    );
    assert!(
        text.contains("= note: setup.ipynb:cell 3:1: the config list"),
        "{text}"
    );
    assert!(!text.contains("setup.ipynb:cell 4:2:45: KW112"), "{text}");
    // The module that loads before it writes still fails at start-up.
    assert!(text.contains("late.py:7:45: KW112 ["), "{text}");
}

#[test]
fn json_output_has_the_cell_and_positions_inside_it() {
    let dir = project("notebook-late-load");
    let out = keywire(dir.path(), &["check", "--format", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "KW203");
    assert_eq!(d["path"], "late.ipynb");
    assert_eq!(d["cell"], 2, "{d}");
    assert_eq!(d["range"]["start"]["line"], 2);
    assert_eq!(d["range"]["start"]["column"], 11);
    // Related locations are positions in the file (the JSON text).
    let text = fs::read_to_string(dir.path().join("late.ipynb")).unwrap();
    let line = d["related"][0]["range"]["start"]["line"].as_u64().unwrap() as usize;
    assert!(
        text.lines()
            .nth(line - 1)
            .unwrap()
            .contains("load_dotenv()"),
        "{d}"
    );
}

/// Validate a notebook with nbformat and check that Jupyter would write it byte for byte the
/// same. None when python3 is missing.
fn nbformat_check(path: &Path) -> Option<Result<(), String>> {
    let script = r#"
import sys, nbformat
text = open(sys.argv[1], encoding="utf-8").read()
nb = nbformat.reads(text, as_version=4)
nbformat.validate(nb)
if nbformat.writes(nb) + "\n" != text:
    sys.exit("not written the way Jupyter writes it")
"#;
    let out = match Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(path)
        .output()
    {
        Ok(out) => out,
        Err(_) => return None,
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("No module named 'nbformat'") {
        panic!("nbformat is missing: `python3 -m pip install nbformat` (tests/run-all.sh does)");
    }
    Some(if out.status.success() {
        Ok(())
    } else {
        Err(stderr.into_owned())
    })
}

/// The notebook text with the spans of `cells` cut out.
fn outside_cells(text: &str, cells: &[usize]) -> String {
    let nb = Notebook::parse(text).unwrap();
    let mut out = String::new();
    let mut at = 0;
    for &i in cells {
        let span = nb.cells[i].span.clone();
        out.push_str(&text[at..span.start]);
        out.push_str("<cell>");
        at = span.end;
    }
    out.push_str(&text[at..]);
    out
}

#[test]
fn fix_rewrites_cells_jupyter_style_and_nothing_else() {
    for (fixture, file) in [
        ("kw402-shell-export", "setup.ipynb"),
        ("notebook-late-load", "late.ipynb"),
        ("notebook-magics", "analysis.ipynb"),
    ] {
        let dir = project(fixture);
        let path = dir.path().join(file);
        let before = fs::read_to_string(&path).unwrap();
        assert!(
            nbformat_check(&path).is_none_or(|r| r.is_ok()),
            "{fixture}: the fixture itself is not written the Jupyter way"
        );
        let out = keywire(dir.path(), &["check", "--unsafe-fixes", "--no-color"]);
        let after = fs::read_to_string(&path).unwrap();
        assert_ne!(before, after, "{fixture}: nothing fixed\n{}", stdout(&out));
        let old = Notebook::parse(&before).unwrap();
        let new = Notebook::parse(&after).unwrap();
        assert_eq!(old.cells.len(), new.cells.len());
        let edited: Vec<usize> = (0..old.cells.len())
            .filter(|&i| old.cells[i].source != new.cells[i].source)
            .collect();
        assert!(!edited.is_empty());
        assert_eq!(
            outside_cells(&before, &edited),
            outside_cells(&after, &edited),
            "{fixture}: bytes outside the edited cells changed"
        );
        match nbformat_check(&path) {
            Some(result) => result.unwrap_or_else(|e| panic!("{fixture}: {e}\n{after}")),
            None => eprintln!(
                "!!! python3 not found: the fixed notebooks were NOT validated with nbformat"
            ),
        }
    }
}

#[test]
fn notebooks_keywire_cannot_read_are_reported_as_skipped() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    write(
        &dir.path().join("broken.ipynb"),
        "{\"cells\": [ {\"source\": \"import os\\nos.environ\"",
    );
    write(
        &dir.path().join("old.ipynb"),
        "{\"nbformat\": 3, \"worksheets\": [{\"cells\": [{\"input\": \"os.environ\"}]}]}",
    );
    write(&dir.path().join("ok.py"), "x = 1\n");
    let out = keywire(dir.path(), &["check", "--no-color"]);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("broken.ipynb: not a notebook: invalid JSON"),
        "{err}"
    );
    assert!(err.contains("old.ipynb: nbformat 3 notebook"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

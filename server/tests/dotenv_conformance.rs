//! Conformance of `keywire::engine::dotenv::parse` with python-dotenv, using the vectors in
//! `tests/dotenv-conformance/` and the `expected.json` that `generate.py` recorded from the
//! real python-dotenv. Needs no Python.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use keywire::engine::dotenv::{parse, DotenvFile, Quote};
use serde_json::Value;
use testkit::paths::repo_root;

fn corpus_dir() -> PathBuf {
    repo_root().join("tests/dotenv-conformance")
}

/// python-dotenv reads files with universal newlines.
fn universal_newlines(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// Python's `str.isspace()`.
fn is_py_space(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | '\x1c'..='\x1f'
            | ' '
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// 0-based line of `offset`, counting `\r\n`, `\n` and lone `\r` as line breaks.
fn line_of(text: &str, offset: usize) -> usize {
    universal_newlines(&text[..offset]).matches('\n').count()
}

/// The 1-based line python-dotenv's warning names for a statement starting at `start`: the
/// line after the last non-blank character before it (its reader's mark sits right after the
/// previous statement's line terminator), or 1.
fn python_warning_line(text: &str, start: usize) -> usize {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - body.len();
    let before = &text[bom..start];
    match before.char_indices().rev().find(|&(_, c)| !is_py_space(c)) {
        Some((i, _)) => line_of(text, bom + i) + 2,
        None => 1,
    }
}

fn opt_str(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

/// Every difference between our parse of `text` and python-dotenv's recorded behaviour.
fn compare(text: &str, parsed: &DotenvFile, expected: &Value) -> String {
    let mut diff = String::new();

    // dotenv_values(): first-appearance order, last assignment wins.
    let mut values: Vec<(String, Option<String>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for e in &parsed.entries {
        match index.get(&e.key) {
            Some(&i) => values[i].1 = e.value.clone(),
            None => {
                index.insert(e.key.clone(), values.len());
                values.push((e.key.clone(), e.value.clone()));
            }
        }
    }
    let want_values: Vec<(String, Option<String>)> = expected["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| (pair[0].as_str().unwrap().to_owned(), opt_str(&pair[1])))
        .collect();
    if values != want_values {
        let _ = writeln!(
            diff,
            "  values differ:\n    got:      {values:?}\n    expected: {want_values:?}"
        );
    }

    // The lines python-dotenv warns about.
    let warn_lines: Vec<usize> = parsed
        .errors
        .iter()
        .map(|e| python_warning_line(text, e.span.start))
        .collect();
    let want_warn: Vec<usize> = expected["error_lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap() as usize)
        .collect();
    if warn_lines != want_warn {
        let _ = writeln!(
            diff,
            "  warning lines differ: got {warn_lines:?}, expected {want_warn:?}"
        );
    }

    // Skipped statements: where they start and what they cover.
    let errors: Vec<(usize, String)> = parsed
        .errors
        .iter()
        .map(|e| {
            (
                e.line + 1,
                universal_newlines(&text[e.span.start..e.span.end]),
            )
        })
        .collect();
    let want_errors: Vec<(usize, String)> = expected["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let line = e["line"].as_u64().unwrap() as usize;
            (line, e["text"].as_str().unwrap().to_owned())
        })
        .collect();
    if errors != want_errors {
        let _ = writeln!(
            diff,
            "  skipped statements differ (line, text):\n    got:      {errors:?}\n    expected: {want_errors:?}"
        );
    }

    // Accepted statements: key, pre-interpolation value, start line and exact text.
    let bindings: Vec<(String, Option<String>, usize, String)> = parsed
        .entries
        .iter()
        .map(|e| {
            (
                e.key.clone(),
                e.literal.clone(),
                e.line + 1,
                universal_newlines(&text[e.span.start..e.span.end]),
            )
        })
        .collect();
    let want_bindings: Vec<(String, Option<String>, usize, String)> = expected["bindings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["key"].as_str().unwrap().to_owned(),
                opt_str(&b["literal"]),
                b["line"].as_u64().unwrap() as usize,
                b["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    if bindings != want_bindings {
        let _ = writeln!(
            diff,
            "  statements differ (key, literal, line, text):\n    got:      {bindings:?}\n    expected: {want_bindings:?}"
        );
    }

    // Span invariants python cannot tell us directly.
    for e in &parsed.entries {
        let key_text = universal_newlines(&text[e.key_span.start..e.key_span.end]);
        if key_text != e.key {
            let _ = writeln!(diff, "  key_span of {:?} covers {key_text:?}", e.key);
        }
        if !(e.span.start <= e.key_span.start && e.key_span.end <= e.span.end) {
            let _ = writeln!(diff, "  key_span of {:?} is outside its statement", e.key);
        }
        match (e.raw_span, &e.literal) {
            (None, None) => {}
            (Some(raw), Some(literal)) => {
                let raw_text = &text[raw.start..raw.end];
                if !(e.span.start <= raw.start && raw.end <= e.span.end) {
                    let _ = writeln!(diff, "  raw_span of {:?} is outside its statement", e.key);
                }
                let ok = match e.quote {
                    None => universal_newlines(raw_text) == *literal,
                    Some(Quote::Single) => {
                        raw_text.len() >= 2
                            && raw_text.starts_with('\'')
                            && raw_text.ends_with('\'')
                    }
                    Some(Quote::Double) => {
                        raw_text.len() >= 2 && raw_text.starts_with('"') && raw_text.ends_with('"')
                    }
                };
                if !ok {
                    let _ = writeln!(
                        diff,
                        "  raw_span of {:?} covers {raw_text:?} (quote {:?}, literal {literal:?})",
                        e.key, e.quote
                    );
                }
            }
            (raw, literal) => {
                let _ = writeln!(
                    diff,
                    "  {:?}: raw_span {raw:?} but literal {literal:?}",
                    e.key
                );
            }
        }
    }
    diff
}

#[test]
fn matches_python_dotenv() {
    let dir = corpus_dir();
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("expected.json")).expect("read expected.json"),
    )
    .expect("parse expected.json");
    let vectors = expected["vectors"].as_object().expect("vectors object");

    let mut files: Vec<String> = std::fs::read_dir(dir.join("vectors"))
        .expect("read vectors/")
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".env"))
        .collect();
    files.sort();
    assert!(files.len() >= 70, "only {} vectors", files.len());

    let mut failures = Vec::new();
    for name in &files {
        let Some(want) = vectors.get(name) else {
            failures.push(format!("{name}: not in expected.json (run generate.py)"));
            continue;
        };
        let text = std::fs::read_to_string(dir.join("vectors").join(name)).unwrap();
        let parsed = parse(&text);
        let diff = compare(&text, &parsed, want);
        if !diff.is_empty() {
            failures.push(format!("{name}:\n{diff}"));
        }
    }
    for name in vectors.keys() {
        if !files.contains(name) {
            failures.push(format!("{name}: in expected.json but no such vector"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors disagree with python-dotenv {}:\n{}",
        failures.len(),
        files.len(),
        expected["python_dotenv_version"],
        failures.join("\n")
    );
}

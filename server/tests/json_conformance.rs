//! Conformance of `keywire::engine::json::parse` with CPython 3.11's `json` module, using the
//! cases in `tests/json-conformance/` and the `expected.json` that `generate.py` recorded.
//! Needs no Python.

use std::path::Path;

use keywire::engine::json::{parse, parse_skipping, python_position, Json, JsonKind};
use serde_json::{json, Value};

/// The tagged shape `generate.py` writes: a dict keeps first positions and last values.
fn shape(v: &Json, text: &str) -> Value {
    match &v.kind {
        JsonKind::Null => Value::Null,
        JsonKind::Skipped => unreachable!("parse keeps every value"),
        JsonKind::Bool(b) => json!(b),
        JsonKind::String(s) => json!(s),
        JsonKind::Number => match &text[v.span.clone()] {
            "NaN" => json!({"n": "nan"}),
            "Infinity" => json!({"n": "inf"}),
            "-Infinity" => json!({"n": "-inf"}),
            n => json!({"n": n.parse::<f64>().unwrap()}),
        },
        JsonKind::Array(items) => {
            json!({"a": items.iter().map(|x| shape(x, text)).collect::<Vec<_>>()})
        }
        JsonKind::Object(members) => {
            let mut pairs: Vec<(String, Value)> = Vec::new();
            for m in members {
                let value = shape(&m.value, text);
                match pairs.iter_mut().find(|(k, _)| *k == m.key) {
                    Some(slot) => slot.1 = value,
                    None => pairs.push((m.key.clone(), value)),
                }
            }
            json!({"o": pairs.into_iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>()})
        }
    }
}

fn error_record(text: &str, message: &str, offset: usize, universal: bool) -> Value {
    let (lineno, colno, pos) = python_position(text, offset, universal);
    json!({"msg": message, "pos": pos, "lineno": lineno, "colno": colno})
}

#[test]
fn matches_python_json_module() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/json-conformance");
    let read = |name: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join(name)).unwrap()).unwrap()
    };
    let cases = read("cases.json");
    let expected = read("expected.json");
    let (cases, expected) = (cases.as_array().unwrap(), expected.as_array().unwrap());
    assert_eq!(
        cases.len(),
        expected.len(),
        "run generate.py after editing cases.json"
    );
    let mut failures = Vec::new();
    for (case, want) in cases.iter().zip(expected) {
        let name = case["name"].as_str().unwrap();
        assert_eq!(want["name"], name);
        let text = case["text"].as_str().unwrap();
        let got = parse(text);
        // Skipping members' values (all of them, or some) reports the same errors.
        for skip in [(|_| true) as fn(&str) -> bool, |k| k.len() % 2 == 0] {
            let skipped = parse_skipping(text, skip);
            if skipped.as_ref().err() != got.as_ref().err() {
                failures.push(format!("{name}: skipping gives {:?}", skipped.err()));
            }
        }
        let (loads, file) = match &got {
            Ok(v) => {
                let v = json!({"value": shape(v, text)});
                (v, None)
            }
            Err(e) => (
                json!({"error": error_record(text, &e.message, e.offset, false)}),
                Some(error_record(text, &e.message, e.offset, true)),
            ),
        };
        let mut want_loads = want.clone();
        want_loads.as_object_mut().unwrap().remove("name");
        let want_file = want_loads.as_object_mut().unwrap().remove("file_error");
        if loads != want_loads {
            failures.push(format!("{name}: json.loads {want_loads} but got {loads}"));
        }
        // A file's error is the same unless newline translation moved it.
        let want_file = want_file.or_else(|| want_loads.get("error").cloned());
        if file != want_file {
            failures.push(format!("{name}: json.load {want_file:?} but got {file:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

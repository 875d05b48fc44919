//! Regression tests for defects found by the hardening work (docs/hardening.md), and a replay
//! of the fuzz harness on stable Rust:
//!
//! - every input saved under `tests/hardening/fuzz-regressions/<target>/` (crashes the fuzzers
//!   found, minimized) runs through the same harness code as the fuzz target
//!   (`testkit::harness`);
//! - the seed corpora (built from the test fixtures) run through every target, so a harness or
//!   engine change that breaks a seed fails here before anyone fuzzes;
//! - `KEYWIRE_FUZZ_SEEDS=<dir> cargo test -p keywire --test hardening_regressions
//!   write_seed_corpora` writes those seeds for cargo-fuzz (`server/fuzz/smoke.sh` does this).

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::json;
use testkit::harness::{self, Change, EditScript};
use testkit::prelude::*;

const TARGETS: &[&str] = &[
    "python",
    "dotenv",
    "config_json",
    "notebook",
    "fix_loop",
    "lsp_edits",
    "yaml",
    "deploy_text",
    "manifests",
];

fn run_target(target: &str, data: &[u8]) {
    match target {
        "python" => harness::python(data),
        "dotenv" => harness::dotenv(data),
        "config_json" => harness::config_json(data),
        "notebook" => harness::notebook(data),
        "fix_loop" => harness::fix_loop(data),
        "lsp_edits" => harness::lsp_edits(data),
        "yaml" => harness::yaml(data),
        "deploy_text" => harness::deploy_text(data),
        "manifests" => harness::manifests(data),
        other => panic!("unknown fuzz target {other}"),
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

// ------------------------------------------------------------------ seeds

/// Edits every `lsp_edits` seed applies to its fixture: multi-byte text, CRLF, a whole-line
/// move, edits inside strings and comments, out-of-range positions, a stale version.
fn seed_changes(text: &str) -> Vec<Change> {
    let line = |n: usize| text.lines().nth(n).unwrap_or("").to_string();
    let edit = |l0, c0, l1, c1, t: &str| Change {
        range: Some((l0, c0, l1, c1)),
        text: t.to_string(),
        stale: false,
    };
    vec![
        edit(0, 0, 0, 0, "# é 😀 日本\n"),
        edit(2, 4, 2, 6, "\"sk-"),
        edit(1, 0, 2, 0, ""),
        edit(3, 0, 3, 0, &format!("{}\r\n", line(1))),
        edit(1, 3, 1, 3, "\r"),
        Change {
            range: Some((0, 0, 0, 1)),
            text: "STALE".into(),
            stale: true,
        },
        edit(200, 9, 250, 0, "\nOPENAI_API_KEY=\"x\"\n"),
        edit(0, 7, 0, 8, ""),
        edit(4, 20, 2, 1, "os.environ[\""),
    ]
}

/// `(target, name, bytes)` for every seed: the Python and `.env` files of `tests/rules`,
/// `tests/workspaces`, `tests/secrets`, `tests/hardening`, the dotenv and JSON conformance
/// vectors (and the `OAI_CONFIG_LIST` files of the fixtures, for `config_json`),
/// Python + `.env` pairs of each fixture directory for `fix_loop`, and edit scripts over the
/// same files for `lsp_edits`.
fn seeds() -> Vec<(&'static str, String, Vec<u8>)> {
    let root = repo_root();
    let mut out = Vec::new();
    let mut dirs = Vec::new();
    for base in ["tests/rules", "tests/workspaces"] {
        for entry in std::fs::read_dir(root.join(base)).unwrap() {
            dirs.push(entry.unwrap().path());
        }
    }
    dirs.push(root.join("tests/secrets"));
    dirs.push(root.join("tests/hardening/secrets"));
    dirs.sort();
    for dir in &dirs {
        let tag = dir.file_name().unwrap().to_string_lossy().into_owned();
        let files = files_under(dir);
        let name_of = |p: &Path| {
            format!(
                "{tag}-{}",
                p.strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('/', "_")
            )
        };
        let mut first_env: Option<Vec<u8>> = None;
        for p in &files {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with(".env") {
                let bytes = std::fs::read(p).unwrap();
                first_env.get_or_insert(bytes.clone());
                out.push(("dotenv", name_of(p), bytes));
            }
        }
        for p in &files {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("OAI_CONFIG_LIST") {
                out.push(("config_json", name_of(p), std::fs::read(p).unwrap()));
            }
        }
        for p in &files {
            use keywire::engine::workspace::{file_kind, FileKind};
            match file_kind(p) {
                FileKind::Compose => out.push(("yaml", name_of(p), std::fs::read(p).unwrap())),
                FileKind::Dockerfile | FileKind::Workflow | FileKind::RunFile => {
                    out.push(("deploy_text", name_of(p), std::fs::read(p).unwrap()))
                }
                FileKind::Manifest => {
                    out.push(("manifests", name_of(p), std::fs::read(p).unwrap()))
                }
                _ => {}
            }
        }
        for p in &files {
            if p.extension().is_some_and(|e| e == "ipynb") {
                out.push(("notebook", name_of(p), std::fs::read(p).unwrap()));
            }
        }
        for p in &files {
            let bytes = std::fs::read(p).unwrap();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let is_py = name.ends_with(".py");
            if !is_py && !name.starts_with(".env") {
                continue;
            }
            if is_py {
                out.push(("python", name_of(p), bytes.clone()));
                out.push(("notebook", name_of(p), as_notebook(&bytes)));
                let mut pair = bytes.clone();
                pair.push(0xFF);
                pair.extend(first_env.clone().unwrap_or_default());
                out.push(("fix_loop", name_of(p), pair));
            }
            let text = String::from_utf8_lossy(&bytes).into_owned();
            for (i, utf8) in [false, true].into_iter().enumerate() {
                let script = EditScript {
                    utf8,
                    python: is_py,
                    batch: i == 1,
                    changes: seed_changes(&text),
                    initial: text.clone(),
                };
                out.push((
                    "lsp_edits",
                    format!("{}-{i}", name_of(p)),
                    harness::encode(&script),
                ));
            }
        }
    }
    for p in files_under(&root.join("tests/dotenv-conformance/vectors")) {
        let name = format!("conformance-{}", p.file_name().unwrap().to_string_lossy());
        out.push(("dotenv", name, std::fs::read(&p).unwrap()));
    }
    // Every JSON conformance case's text is a config list seed.
    let cases = std::fs::read_to_string(root.join("tests/json-conformance/cases.json")).unwrap();
    let cases: serde_json::Value = serde_json::from_str(&cases).unwrap();
    for case in cases.as_array().unwrap() {
        let (Some(name), Some(text)) = (case["name"].as_str(), case["text"].as_str()) else {
            continue;
        };
        let name = format!("json-conformance-{name}");
        out.push(("config_json", name, text.as_bytes().to_vec()));
    }
    // YAML in shapes the fixtures do not have.
    let yaml_seeds: &[(&str, &str)] = &[
        ("laughs", "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n"),
        ("flow", "services: {app: {build: ., environment: [A=1, 'B=${B}']}}\n"),
        ("crlf", "services:\r\n  app:\r\n    build: .\r\n    environment:\r\n      X: ${X}\r\n"),
        ("multibyte", "# café ✓\nservices:\n  app:\n    build: .\n    environment:\n      - \"Ü=${Ü}\"\n      - A=😀${A}\n"),
        ("half", "services:\n  app:\n    build: .\n    environment:\n      - OPENAI_API_KEY=${OPEN"),
        ("block", "services:\n  app:\n    build:\n      context: .\n    command: |\n      echo $$HOME ${X:-d}\n    env_file:\n      - path: .env\n        required: false\n"),
        ("deep", "a:\n - - - - - - - - - [[[[[[[[{b: c}]]]]]]]]\n"),
    ];
    for (name, text) in yaml_seeds {
        out.push(("yaml", format!("yaml-{name}"), text.as_bytes().to_vec()));
    }
    out
}

/// A Python module as the one code cell of a notebook, written the way Jupyter writes it.
fn as_notebook(python: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(python);
    let source: Vec<&str> = text.split_inclusive('\n').collect();
    let nb = json!({
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Notes\n"]},
            {"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": source},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    });
    let mut out = serde_json::to_string_pretty(&nb).unwrap();
    out.push('\n');
    out.into_bytes()
}

#[test]
fn seed_corpora_pass_every_target() {
    let seeds = seeds();
    for target in TARGETS {
        let n = seeds.iter().filter(|(t, _, _)| t == target).count();
        assert!(n >= 10, "{target}: only {n} seeds");
    }
    for (target, name, bytes) in &seeds {
        let result = std::panic::catch_unwind(|| run_target(target, bytes));
        assert!(result.is_ok(), "seed {target}/{name} fails its target");
    }
}

#[test]
fn write_seed_corpora() {
    let Some(dir) = std::env::var_os("KEYWIRE_FUZZ_SEEDS") else {
        return;
    };
    let dir = PathBuf::from(dir);
    for (target, name, bytes) in seeds() {
        let d = dir.join(target);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join(name), bytes).unwrap();
    }
}

#[test]
fn saved_fuzz_inputs_pass() {
    let base = repo_root().join("tests/hardening/fuzz-regressions");
    let mut ran = 0;
    for target in TARGETS {
        for path in files_under(&base.join(target)) {
            let name = path.file_name().unwrap().to_string_lossy();
            if name.ends_with(".md") || name.starts_with('.') {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            let result = std::panic::catch_unwind(|| run_target(target, &bytes));
            assert!(result.is_ok(), "{} fails again", path.display());
            ran += 1;
        }
    }
    eprintln!("{ran} saved fuzz inputs replayed");
}

/// Tokens the mutator splices in: what keywire's rules and parsers look for.
const DICTIONARY: &[&str] = &[
    "\"",
    "'",
    "\"\"\"",
    "#",
    "\\",
    "\n",
    "\r\n",
    "\r",
    "=",
    "export ",
    "${",
    "}",
    "(",
    ")",
    "[",
    "]",
    "{",
    ":",
    ",",
    "é",
    "😀",
    "日本",
    "\u{feff}",
    "import os\n",
    "os.environ[\"",
    "os.getenv(\"",
    "os.environ.setdefault(\"",
    "load_dotenv()",
    "from dotenv import load_dotenv\n",
    "config_list",
    "//",
    "null",
    "\"api_key\": ",
    "\"api_type\": \"azure\"",
    "\"api_key\": ",
    "\"apikey\": ",
    "\"api_type\": \"azure\"",
    "\"base_url\": ",
    "OpenAIChatCompletionClient(",
    "AzureOpenAIChatCompletionClient(",
    "llm_config=",
    "OPENAI_API_KEY",
    "AZURE_OPENAI_API_KEY",
    "sk-proj-",
    "sk-ant-",
    "# keywire: ignore",
];

/// One to four libFuzzer-style mutations of `input`, splicing from `others`.
fn mutate(rng: &mut Rng, input: &[u8], others: &[&[u8]]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(7) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 => out.insert(at, rng.next_u64() as u8),
            2 if !out.is_empty() => {
                let end = (at + 1 + rng.below(16)).min(out.len());
                out.drain(at.min(end)..end);
            }
            3 if !out.is_empty() => {
                let start = rng.below(out.len());
                let end = (start + 1 + rng.below(64)).min(out.len());
                let piece = out[start..end].to_vec();
                out.splice(at..at, piece);
            }
            4 if !others.is_empty() => {
                let other = others[rng.below(others.len())];
                let start = rng.below(other.len() + 1);
                let end = (start + rng.below(256)).min(other.len());
                out.splice(at..at, other[start..end].iter().copied());
            }
            _ => {
                let token = DICTIONARY[rng.below(DICTIONARY.len())];
                out.splice(at..at, token.bytes());
            }
        }
    }
    out.truncate(64 * 1024);
    out
}

/// The fuzz targets' short smoke run on stable Rust, for CI (the coverage-guided cargo-fuzz
/// runs need their own toolchain build; docs/hardening.md): mutated seeds go through every
/// target for `KEYWIRE_FUZZ_SMOKE_SECS` seconds each (default 4). A failing input is written
/// under `target/fuzz-smoke/<target>/` so it can be replayed and kept as a regression.
#[test]
fn fuzz_smoke_on_mutated_seeds() {
    let secs: u64 = std::env::var("KEYWIRE_FUZZ_SMOKE_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(4);
    let seeds = seeds();
    let mut rng = Rng(0x6b65_7977_6972_6531);
    for target in TARGETS {
        let pool: Vec<&[u8]> = seeds
            .iter()
            .filter(|(t, _, _)| t == target)
            .map(|(_, _, b)| b.as_slice())
            .collect();
        let deadline = std::time::Instant::now() + Duration::from_secs(secs);
        let mut runs = 0;
        while std::time::Instant::now() < deadline {
            let base = pool[rng.below(pool.len())];
            let input = mutate(&mut rng, base, &pool);
            if std::panic::catch_unwind(|| run_target(target, &input)).is_err() {
                let dir = repo_root().join("target/fuzz-smoke").join(target);
                std::fs::create_dir_all(&dir).unwrap();
                let path = dir.join(format!("failure-{runs}"));
                std::fs::write(&path, &input).unwrap();
                panic!(
                    "{target} failed on a mutated seed, saved as {}",
                    path.display()
                );
            }
            runs += 1;
        }
        eprintln!("fuzz smoke: {target}: {runs} inputs in {secs} s");
        assert!(runs > 0, "{target}: no input ran");
    }
}

// ------------------------------------------------------------------ the model itself

#[test]
fn edit_script_encoding_round_trips() {
    let text = "import os\r\nx = \"é😀\"\n";
    let script = EditScript {
        utf8: true,
        python: false,
        batch: true,
        initial: text.into(),
        changes: seed_changes(text),
    };
    let back = harness::decode(&harness::encode(&script));
    assert_eq!(format!("{script:?}"), format!("{back:?}"));
}

#[test]
fn the_position_model_follows_the_specification() {
    use testkit::harness::model_offset as at;
    let t = "ab\r\ncd\re😀f\ng";
    // Lines end at \r\n, \r and \n.
    assert_eq!(at(t, 1, 0, false), 4);
    assert_eq!(at(t, 2, 0, false), 7);
    assert_eq!(at(t, 3, 0, false), 14);
    // Past the end of a line: its end, before the terminator. Past the last line: the end.
    assert_eq!(at(t, 0, 9, false), 2);
    assert_eq!(at(t, 9, 9, false), t.len());
    // UTF-16: 😀 is two units; its middle snaps back to its start.
    assert_eq!(at(t, 2, 1, false), 8);
    assert_eq!(at(t, 2, 2, false), 8);
    assert_eq!(at(t, 2, 3, false), 12);
    // UTF-8: bytes, snapped back to a character start.
    assert_eq!(at(t, 2, 3, true), 8);
    assert_eq!(at(t, 2, 5, true), 12);
    // The server's own unit test example (lsp/document.rs `out_of_range_changes_clamp`).
    let script = EditScript {
        utf8: false,
        python: true,
        batch: false,
        initial: "ab\r\ncd".into(),
        changes: vec![
            Change {
                range: Some((0, 9, 9, 9)),
                text: "!".into(),
                stale: false,
            },
            Change {
                range: Some((5, 0, 0, 1)),
                text: "".into(),
                stale: false,
            },
        ],
    };
    assert_eq!(harness::model_apply(&script), "a");
    harness::lsp_edits(&harness::encode(&script));
}

// ------------------------------------------------------------------ found defects

/// The `fix_loop` target on a Python module and its `.env` (its input format).
fn fix_loop_on(py: &str, env: &str) {
    let mut input = py.as_bytes().to_vec();
    input.push(0xFF);
    input.extend(env.as_bytes());
    harness::fix_loop(&input);
}

/// End to end: `keywire check --unsafe-fixes <extra>` on `app.py` (and `.env`) resolves
/// everything in one run and a second run changes nothing. Returns the fixed `app.py`.
fn fixed_in_one_run(py: &str, env: &str, extra: &[&str]) -> String {
    let (_tmp, dir) = tempdir();
    write(&dir.join(".env"), env);
    write(&dir.join("app.py"), py);
    let args: Vec<&str> = ["check", "--unsafe-fixes"]
        .iter()
        .chain(extra)
        .copied()
        .collect();
    let first = keywire(&dir, &args);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stdout));
    let fixed = std::fs::read_to_string(dir.join("app.py")).unwrap();
    let second = keywire(&dir, &args);
    assert_eq!(second.status.code(), Some(0), "{}", text(&second.stdout));
    assert_eq!(std::fs::read_to_string(dir.join("app.py")).unwrap(), fixed);
    fixed
}

/// Found by `hardening_secrets.rs`: with `RUST_LOG=trace`, tower-lsp-server logged every
/// message in and out (`<- {"method":"textDocument/didOpen",…"text":"OPENAI_API_KEY=sk-…"}`),
/// so a trace log of a session held every key of every open `.env` file. Fixed in
/// `server/src/lsp/mod.rs` (those events are filtered out whatever the log level).
#[test]
fn lsp_trace_logs_do_not_echo_messages() {
    let key = "sk-proj-Tr4Ce8Lo2Gg6Ed0Kk4Ey8Ss2Hh6JjT3BlbkFJw9Ee3Rr5";
    let (_tmp, root) = tempdir();
    write(&root.join(".env"), format!("OPENAI_API_KEY={key}\n"));
    for (env, level) in [("trace", "trace"), ("tower_lsp_server=trace", "trace")] {
        let mut lsp = Lsp::spawn(&root, &[("RUST_LOG", env)]);
        lsp.initialize(Some(&root), json!({"logLevel": level}));
        let uri = file_uri(&root.join(".env"));
        lsp.open(&uri, "dotenv", 1, &format!("OPENAI_API_KEY={key}\n"));
        lsp.wait_diagnostics(&uri, |_| true)
            .expect("diagnostics for the .env");
        lsp.drain(Duration::from_millis(100));
        let done = lsp.finish();
        assert!(
            done.stderr.contains("TRACE")
                || done.stderr.contains("DEBUG")
                || done.stderr.contains("INFO"),
            "{}",
            done.stderr
        );
        assert_no_leak(
            &key_tokens(key),
            &format!("stderr with RUST_LOG={env}"),
            &done.stderr,
        );
    }
}

/// Found by `hardening_hostile.rs`: a FIFO named `.env` (or named on the command line) made
/// `keywire check` block forever in `open()`, and the language server's indexer with it.
/// Fixed in `project::read_source` (only regular files are opened).
#[test]
fn reading_a_fifo_does_not_block() {
    let (_tmp, dir) = tempdir();
    let fifo = dir.join(".env");
    let st = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(st.success());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(keywire::project::read_source(
            &fifo,
            keywire::project::MAX_FILE_SIZE,
        ));
    });
    let result = rx
        .recv_timeout(Duration::from_secs(5))
        .expect("read_source blocked on a FIFO");
    assert_eq!(result.unwrap_err(), "not a regular file");
    let out = keywire_env(&dir, &["check"], &[], Duration::from_secs(10));
    assert!(
        text(&out.stderr).contains("keywire: skipped .env: not a regular file"),
        "{}",
        text(&out.stderr)
    );
}

/// Found by `hardening_hostile.rs`: a Python file whose name is not UTF-8 (`bad\xffname.py`)
/// was counted as checked but got no findings (`file_kind` said "other"). Fixed in
/// `engine::workspace::file_kind` (lossy name).
#[test]
fn python_files_with_non_utf8_names_are_checked() {
    use keywire::engine::workspace::{file_kind, FileKind};
    use std::os::unix::ffi::OsStrExt;
    let name = std::ffi::OsStr::from_bytes(b"bad\xffname.py");
    assert_eq!(file_kind(Path::new(name)), FileKind::Python);
    let env = std::ffi::OsStr::from_bytes(b".env.\xff");
    assert_eq!(file_kind(Path::new(env)), FileKind::Env);
}

/// Found by `hardening_hostile.rs`, all in `lsp/transport.rs`:
/// - a malformed request with an id was rewritten to `$/keywire/malformedRequest`, but
///   tower-lsp-server never answers unknown `$/` methods, so the client waited forever;
/// - a request for an unknown `$/` method got no answer either (the LSP specification asks for
///   MethodNotFound);
/// - after a Content-Length that lied, every later header was glued to the previous body and
///   dropped with it: the server never answered again.
#[test]
fn malformed_requests_and_lying_lengths_get_answers() {
    let (_tmp, root) = tempdir();
    let mut lsp = Lsp::spawn(&root, &[]);
    lsp.initialize(Some(&root), json!({}));
    lsp.send(&json!({"jsonrpc": "2.0", "id": "bad", "method": 42}));
    let resp = lsp
        .wait_response(json!("bad"))
        .expect("malformed request answered");
    assert_eq!(resp["error"]["code"], json!(-32601), "{resp}");
    let resp = lsp.request_raw("$/unknownRequest", json!({}));
    assert_eq!(resp["error"]["code"], json!(-32601), "{resp}");
    let hover = |id: &str| {
        frame(
            &json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
            "params": {"textDocument": {"uri": "file:///x.py"}, "position": {"line": 0, "character": 0}}}),
        )
    };
    // Short by 20 bytes, then two requests: both answered.
    let first = hover("short");
    let body_len = first.len() - first.iter().position(|&b| b == b'{').unwrap();
    let mut bytes = format!("Content-Length: {}\r\n\r\n", body_len - 20).into_bytes();
    bytes.extend(&first[first.iter().position(|&b| b == b'{').unwrap()..]);
    bytes.extend(hover("after1"));
    bytes.extend(hover("after2"));
    lsp.send_raw(&bytes);
    assert!(
        lsp.wait_response(json!("after2")).is_some(),
        "no answer after a short Content-Length"
    );
    let done = lsp.finish();
    assert_eq!(done.code, Some(0));
}

/// Found by the `fix_loop` fuzz target (tests/hardening/fuzz-regressions/fix_loop/
/// kw203-syntax-error-*): in a module with a syntax error, tree-sitter wraps the statements
/// around the error in one ERROR node, so the statement holding an env read "starts" before
/// the module's `load_dotenv()` call. KW203 then said the variable is read before
/// `load_dotenv()` runs, although the call comes first, and its fix (insert `load_dotenv()`
/// above that statement, i.e. at the top of the file) never made the finding go away: applied
/// again and again, it kept adding `load_dotenv()` lines.
#[test]
fn kw203_with_a_syntax_error_does_not_loop() {
    let py = "import os\nfrom dotenv import load_dotenv\nload_dotenv()\nc = {\n  \"a\": \"b\",\n  v\": \"x\",\n  \"k\": os.environ[\"OPENAI_API_KEY\"],\n}\n";
    fix_loop_on(py, "OPENAI_API_KEY=sk-proj-abc\n");
}

/// Found by the `fix_loop` fuzz target (tests/hardening/fuzz-regressions/fix_loop/
/// kw202-fix-before-dotenv-import): KW202's fix "Add `load_dotenv()` after the imports"
/// reused the module's `load_dotenv` name even when `from dotenv import load_dotenv` comes
/// further down, after the first non-import statement. The fixed file raised NameError, the
/// finding stayed, and every `keywire check --fix` added another `load_dotenv()` line. Fixed in
/// `engine/rules/edits.rs` (`add_load_dotenv` imports it again unless it is bound above).
#[test]
fn kw202_fix_imports_load_dotenv_when_its_import_is_below() {
    let py = "import os\nfrom autogen import AssistantAgent\nx = os.environ[\"OPENAI_API_KEY\"]\nfrom dotenv import load_dotenv\n";
    let env = "OPENAI_API_KEY=sk-proj-abc\n";
    fix_loop_on(py, env);
    let fixed = fixed_in_one_run(py, env, &[]);
    let call = fixed.find("load_dotenv()").unwrap();
    let import = fixed.find("from dotenv import load_dotenv").unwrap();
    assert!(
        import < call,
        "load_dotenv() called before its import:\n{fixed}"
    );
}

/// Found by the stable fuzz smoke (tests/hardening/fuzz-regressions/fix_loop/
/// kw202-fix-after-shadowing-import): after `from dotenv import load_dotenv`, a later
/// `import load_dotenv` rebinds the name to a module, yet KW202's fix kept calling
/// `load_dotenv()`, which never loads anything: the finding stayed and each `--fix` added a
/// call. The fix now uses the short name only when dotenv's import is the last one binding it.
#[test]
fn kw202_fix_imports_load_dotenv_again_when_the_name_is_rebound() {
    let py = "import os\nfrom dotenv import load_dotenv\nimport load_dotenv\nx = os.environ[\"OPENAI_API_KEY\"]\n";
    let env = "OPENAI_API_KEY=sk-proj-abc\n";
    fix_loop_on(py, env);
    let fixed = fixed_in_one_run(py, env, &["--select", "KW202"]);
    assert_eq!(
        fixed.matches("from dotenv import load_dotenv").count(),
        2,
        "{fixed}"
    );
}

/// Found by the `fix_loop` fuzz target (tests/hardening/fuzz-regressions/fix_loop/
/// kw101-syntax-error-add-api-key): in a config dict broken by a syntax error, tree-sitter
/// hides some pairs in an ERROR node. KW101 reported the entry as missing `api_key`, and its fix
/// inserted the pair where the parser again swallowed it: every `--fix` added another one. An
/// entry with a syntax error inside now counts as having unknown fields (like `**kwargs`).
#[test]
fn kw101_does_not_report_an_entry_with_a_syntax_error_inside() {
    let py = "from autogen import AssistantAgent\na = AssistantAgent(\"a\", llm_config={\"config_list\": [{\"model\": \"gpt-4o\": os.envfrom os import getenv\n\nx(mod[\"K\"]}]})\n";
    fix_loop_on(py, "");

    let (_tmp, dir) = tempdir();
    write(&dir.join("app.py"), py);
    let out = keywire(&dir, &["check", "--select", "KW101"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    // The same entry without the error is reported (a warning: the project keeps its
    // variables in a .env that lacks the key).
    write(&dir.join(".env"), "MODEL=gpt-4o\n");
    write(
        &dir.join("app.py"),
        "from autogen import AssistantAgent\na = AssistantAgent(\"a\", llm_config={\"config_list\": [{\"model\": \"gpt-4o\"}]})\n",
    );
    let out = keywire(&dir, &["check", "--select", "KW101"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
}

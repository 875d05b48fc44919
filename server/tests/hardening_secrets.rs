//! Secrets never leave (issue 6, item 4), on every output surface the binary has:
//!
//! - `keywire check` in text, JSON and coloured form, as SARIF, GitHub commands, GitLab Code
//!   Quality and statistics, in an `--output-file`, on the whole tree and on single files, with
//!   `--select ALL`, with `--fix`, and the `--diff` of what `--fix` (and `--unsafe-fixes`) would
//!   write (stdout and stderr, with `RUST_LOG=trace`);
//! - `keywire lsp` with `RUST_LOG=trace` and `logLevel: trace`: every message the server sends
//!   (diagnostics, hover on every word of every file, definition, references, completion,
//!   code actions for every diagnostic and fix-all, document symbols, `window/logMessage` /
//!   `showMessage`, progress) and everything it writes to stderr, across edits.
//!
//! Each output is searched for every 8-character piece of every fake key beyond its provider's
//! public prefix (`sk-proj-` may show). The fixtures are `tests/secrets` (one key of every
//! provider format) and `tests/hardening/secrets` (keys in shapes that trip .env rules: stray
//! quotes, unparseable lines, duplicates, backticks, comments, templates, env writes).
//!
//! One exemption, checked rather than assumed: a fix the engine marks `sensitive` (moving a
//! hard-coded key into `.env`) has to carry the key in its edits, or the editor could not apply
//! it. Those edits travel only inside `Diagnostic.data` and the matching code action's `edit`,
//! both of which are marked or titled as such; the test strips exactly those and nothing else,
//! and checks that every stripped edit belongs to a fix marked `sensitive: true`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};
use testkit::prelude::*;

fn fixtures() -> Vec<PathBuf> {
    vec![
        repo_root().join("tests/secrets"),
        repo_root().join("tests/hardening/secrets"),
    ]
}

/// Every file of a tree that keywire reads (`.py`, `.env*`), relative path and text.
fn source_files(root: &Path) -> Vec<(PathBuf, String)> {
    let mut out: Vec<(PathBuf, String)> = source_paths(root)
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            (path, text)
        })
        .collect();
    out.sort();
    out
}

/// Every file of a tree with its bytes.
fn snapshot(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<(PathBuf, Vec<u8>)> = source_paths(root)
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn the_probe_catches_a_leak() {
    for fixture in fixtures() {
        let keys = fake_keys(&fixture);
        let min = if fixture.ends_with("tests/secrets") {
            16
        } else {
            23
        };
        assert!(
            keys.len() >= min,
            "{}: only {} keys found: {keys:#?}",
            fixture.display(),
            keys.len()
        );
        // Every key is found in the fixture itself: the probe sees what it is looking for.
        let all_text: String = source_files(&fixture)
            .into_iter()
            .map(|(_, t)| t)
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(leaks(&keys, &all_text).len(), keys.len());
        // A report quoting 8 characters from the middle of any key is caught…
        for key in &keys {
            let pieces = secret_pieces(key);
            assert!(!pieces.is_empty(), "{key}");
            let middle = &pieces[pieces.len() / 2];
            let report = format!("KW104 error: the key ends in …{middle}… here");
            let found = leaks(&keys, &report);
            assert!(found.iter().any(|(k, _)| k == key), "{key}: {report}");
        }
        // …while the public prefix alone, a fingerprint and a length are not.
        let report = "OPENAI_API_KEY holds an OpenAI project key (sk-proj-…, 164 characters, \
                      fingerprint 3fa9c2d1)";
        assert!(leaks(&keys, report).is_empty());
    }
    // The known keys of `tests/secrets` are among those found (no provider format is missed
    // by the tokenizer).
    let keys = fake_keys(&repo_root().join("tests/secrets"));
    for known in [
        "9f3c1a7e5b2d8f4a6c0e9b1d3f5a7c2e",
        "Fk9mZq2Lw8Rt5Yv1Xc7Nb4Hs6Jd3Pg0Q",
        "AIzaSyFk9mZq2Lw8Rt5Yv1Xc7Nb4Hs6Jd3Pg0Q",
        "Cq8Wm3Rn7Tb2Yk6Hv1Lp5Zx9Fd4Js0Ga8Ne3Ku7O",
    ] {
        assert!(
            keys.iter().any(|k| k == known),
            "{known} not among {keys:#?}"
        );
    }
}

const TRACE: &[(&str, &str)] = &[("RUST_LOG", "trace"), ("RUST_BACKTRACE", "1")];

#[test]
fn cli_output_never_contains_a_key() {
    let runs: &[&[&str]] = &[
        &["check"],
        &["check", "--format", "json"],
        &["check", "--color", "always"],
        &["check", "--select", "ALL"],
        &["check", "--format", "json", "--select", "ALL"],
        &["check", "--quiet"],
        &["check", ".env"],
        &["check", ".env", "--format", "json"],
        &["check", "--format", "sarif", "--select", "ALL"],
        &["check", "--format", "github", "--select", "ALL"],
        &["check", "--format", "gitlab", "--select", "ALL"],
        &["check", "--statistics", "--select", "ALL"],
        &["check", "--statistics", "--format", "json"],
        // What --fix would write, and with unsafe fixes: sensitive fixes are left out, and the
        // lines shown are redacted like code frames.
        &["check", "--diff", "--select", "ALL"],
        &["check", "--diff", "--unsafe-fixes", "--select", "ALL"],
        &["rules"],
    ];
    for fixture in fixtures() {
        let keys = fake_keys(&fixture);
        let (_tmp, root) = tempdir();
        copy_tree(&fixture, &root);
        let mut py_files = Vec::new();
        for (path, text) in source_files(&root) {
            let rel = path
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if (rel.ends_with(".py") || rel.starts_with(".env.")) && !text.trim().is_empty() {
                py_files.push(rel);
            }
        }
        let mut checked = 0;
        let mut surfaces = Vec::new();
        let mut all_runs: Vec<Vec<&str>> = runs.iter().map(|r| r.to_vec()).collect();
        for f in &py_files {
            all_runs.push(vec!["check", f.as_str()]);
            all_runs.push(vec!["check", "--format", "json", f.as_str()]);
        }
        for f in &py_files {
            all_runs.push(vec!["check", "--format", "sarif", f.as_str()]);
            all_runs.push(vec!["check", "--diff", "--unsafe-fixes", f.as_str()]);
        }
        let before = snapshot(&root);
        for args in &all_runs {
            let out = keywire_env(&root, args, TRACE, TIMEOUT);
            let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
            let what = format!("{}: keywire {}", fixture.display(), args.join(" "));
            assert_no_panic(&stderr, &what);
            assert!(
                matches!(out.status.code(), Some(0 | 1)),
                "{what}: expected exit 0 or 1, got {:?}\n{stdout}{stderr}",
                out.status
            );
            assert_no_leak(&keys, &format!("{what} (stdout)"), &stdout);
            assert_no_leak(&keys, &format!("{what} (stderr)"), &stderr);
            if args.contains(&"json") && !args.contains(&"--statistics") {
                let v: Value = serde_json::from_str(&stdout).expect("JSON output");
                checked += v["diagnostics"].as_array().unwrap().len();
            }
            surfaces.push(stdout);
        }
        assert_eq!(snapshot(&root), before, "a run without --fix wrote a file");
        // A diff with something in it was searched (the fixtures have safe fixes).
        assert!(surfaces.iter().any(|s| s.contains("\n@@ -")));
        // --output-file: the same report, in a file.
        let args = [
            "check",
            "--format",
            "sarif",
            "--output-file",
            "report.sarif",
        ];
        let out = keywire_env(&root, &args, TRACE, TIMEOUT);
        let report = std::fs::read_to_string(root.join("report.sarif")).unwrap();
        assert!(report.contains("\"results\""));
        assert_no_leak(&keys, "keywire --output-file report.sarif", &report);
        assert_no_leak(&keys, "keywire --output-file (stderr)", &text(&out.stderr));
        std::fs::remove_file(root.join("report.sarif")).unwrap();
        assert!(
            checked >= 20,
            "{}: too few findings checked ({checked})",
            fixture.display()
        );

        // `--fix` rewrites files (a moved key lands in .env, as asked), but what it prints
        // shows no key, in either format, on the first pass or a second.
        for format in ["text", "json", "sarif", "github", "gitlab"] {
            let (_tmp, root) = tempdir();
            copy_tree(&fixture, &root);
            for pass in 1..=2 {
                let args = ["check", "--fix", "--format", format, "--select", "ALL"];
                let out = keywire_env(&root, &args, TRACE, TIMEOUT);
                let what = format!("{}: --fix pass {pass} ({format})", fixture.display());
                let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
                assert_no_panic(&stderr, &what);
                assert_no_leak(&keys, &format!("{what} (stdout)"), &stdout);
                assert_no_leak(&keys, &format!("{what} (stderr)"), &stderr);
            }
        }
    }
}

// ------------------------------------------------------------------ LSP

/// Character offsets (UTF-16 = chars here: the fixtures are ASCII on the probed lines) worth a
/// hover: every word start and the first character inside every quote.
fn probe_columns(line: &str) -> Vec<u32> {
    let chars: Vec<char> = line.chars().collect();
    let mut cols = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev = if i == 0 { ' ' } else { chars[i - 1] };
        let word = |c: char| c.is_alphanumeric() || c == '_';
        if (word(c) && !word(prev)) || matches!(prev, '"' | '\'' | '`' | '=') {
            cols.push(i as u32);
        }
    }
    cols.push(chars.len() as u32);
    cols.dedup();
    cols
}

/// Remove the edits of sensitive fixes from a server message (see the module docs); returns
/// how many edits were stripped. `sensitive_titles` collects the titles of sensitive fixes
/// seen in diagnostics, so the matching code actions can be recognised.
fn strip_sensitive(msg: &mut Value, sensitive_titles: &mut BTreeSet<String>) -> usize {
    let mut stripped = 0;
    if msg["method"] == "textDocument/publishDiagnostics" {
        if let Some(diags) = msg["params"]["diagnostics"].as_array_mut() {
            for d in diags {
                if let Some(fixes) = d["data"]["fixes"].as_array_mut() {
                    for fix in fixes {
                        if fix["sensitive"] == true {
                            sensitive_titles.insert(fix["title"].as_str().unwrap().to_string());
                            if let Some(edits) = fix.get_mut("edits") {
                                *edits = json!("<sensitive edits stripped>");
                                stripped += 1;
                            }
                        }
                    }
                }
            }
        }
    }
    if let Some(actions) = msg.get_mut("result").and_then(Value::as_array_mut) {
        for action in actions {
            let Some(title) = action.get("title").and_then(Value::as_str) else {
                continue;
            };
            if sensitive_titles.contains(title) && action.get("edit").is_some() {
                action["edit"] = json!("<sensitive edit stripped>");
                stripped += 1;
            }
            // The diagnostics a code action carries back are the client's own, but check
            // them the same way.
            if let Some(diags) = action.get_mut("diagnostics").and_then(Value::as_array_mut) {
                for d in diags {
                    if let Some(fixes) = d["data"]["fixes"].as_array_mut() {
                        for fix in fixes {
                            if fix["sensitive"] == true {
                                fix["edits"] = json!("<sensitive edits stripped>");
                            }
                        }
                    }
                }
            }
        }
    }
    stripped
}

#[test]
fn lsp_messages_and_logs_never_contain_a_key() {
    for fixture in fixtures() {
        lsp_session_on(&fixture);
    }
}

fn lsp_session_on(fixture: &Path) {
    let keys = fake_keys(fixture);
    let (_tmp, root) = tempdir();
    copy_tree(fixture, &root);
    let files = source_files(&root);

    let mut lsp = Lsp::spawn(&root, TRACE);
    lsp.initialize(Some(&root), json!({"logLevel": "trace"}));
    let mut uris = Vec::new();
    for (path, text) in &files {
        let uri = file_uri(path);
        let lang = if path.extension().is_some_and(|e| e == "py") {
            "python"
        } else {
            "dotenv"
        };
        lsp.open(&uri, lang, 1, text);
        uris.push(uri);
    }
    let mut diagnostics: Vec<(String, Vec<Value>)> = Vec::new();
    for uri in &uris {
        let params = lsp
            .wait_diagnostics(uri, |_| true)
            .unwrap_or_else(|| panic!("no diagnostics for {uri}:\n{}", lsp.stderr_text()));
        diagnostics.push((
            uri.clone(),
            params["diagnostics"].as_array().unwrap().clone(),
        ));
    }
    let total: usize = diagnostics.iter().map(|(_, d)| d.len()).sum();
    assert!(
        total >= 10,
        "{}: only {total} diagnostics",
        fixture.display()
    );

    let mut requests = 0;
    let (mut hovers, mut completions, mut symbols) = (0, 0, 0);
    for ((path, text), uri) in files.iter().zip(&uris) {
        let doc = json!({"uri": uri});
        let syms = lsp.request("textDocument/documentSymbol", json!({"textDocument": doc}));
        symbols += syms.as_array().map_or(0, Vec::len);
        for (line_no, line) in text.lines().enumerate() {
            for col in probe_columns(line) {
                let pos = json!({"line": line_no, "character": col});
                let at = json!({"textDocument": doc, "position": pos});
                hovers += usize::from(!lsp.request("textDocument/hover", at.clone()).is_null());
                lsp.request("textDocument/definition", at.clone());
                let mut refs = at.clone();
                refs["context"] = json!({"includeDeclaration": true});
                lsp.request("textDocument/references", refs);
                let items = lsp.request("textDocument/completion", at);
                completions += usize::from(!items.is_null() && items != json!([]));
                requests += 4;
            }
        }
        let n_lines = text.lines().count();
        let whole =
            json!({"start": {"line": 0, "character": 0}, "end": {"line": n_lines, "character": 0}});
        for only in [
            json!(null),
            json!(["source.fixAll.keywire"]),
            json!(["quickfix"]),
        ] {
            let mut context = json!({"diagnostics": []});
            if !only.is_null() {
                context["only"] = only;
            }
            lsp.request(
                "textDocument/codeAction",
                json!({"textDocument": doc, "range": whole, "context": context}),
            );
        }
        let _ = path;
    }
    for (uri, diags) in &diagnostics {
        for d in diags {
            lsp.request(
                "textDocument/codeAction",
                json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
            );
            requests += 1;
        }
    }
    assert!(requests > 200, "too few requests: {requests}");
    // The probes reached what they are meant to: hovers on env reads, .env keys and literals,
    // completion inside env reads, symbols of .env files.
    assert!(
        hovers >= 20 && completions >= 3 && symbols >= 8,
        "{}: hovers {hovers}, completions {completions}, symbols {symbols}",
        fixture.display()
    );

    // Edits that add, move and break keys, in a .env and a Python file, then a file change on
    // disk: the trace logs of every path through the server.
    let py = files
        .iter()
        .position(|(p, t)| p.extension().is_some_and(|e| e == "py") && !t.is_empty())
        .unwrap();
    let env = files
        .iter()
        .position(|(p, _)| p.file_name().unwrap() == ".env")
        .unwrap();
    let new_key = "sk-proj-Xq9Wv8Ut7Sr6Qp5On4Ml3Kj2Ih1GfT3BlbkFJe0Dc9Ba8Zy7";
    let mut keys = keys;
    keys.extend(key_tokens(new_key));
    let edits = [
        (
            py,
            format!("LEAK = \"{new_key}\"\nos.environ[\"OPENAI_API_KEY\"] = LEAK\n"),
        ),
        (env, format!("NEW_OPENAI_API_KEY=\"{new_key}\n")),
        (env, format!("BROKEN_KEY='{new_key}\"' junk\n")),
    ];
    for (version, (file, insert)) in edits.iter().enumerate() {
        let uri = &uris[*file];
        lsp.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": version as i32 + 2},
                "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": insert}],
            }),
        );
        let v = version as i32 + 2;
        lsp.wait_diagnostics(uri, |_| true).unwrap();
        let _ = v;
        // Hover and complete on the inserted line.
        for col in probe_columns(insert.lines().next().unwrap()) {
            let at =
                json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": col}});
            lsp.request("textDocument/hover", at.clone());
            lsp.request("textDocument/completion", at);
        }
    }
    let env_path = &files[env].0;
    std::fs::write(
        root.join(".env.local"),
        format!("OPENAI_API_KEY={new_key}\n"),
    )
    .unwrap();
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [
            {"uri": file_uri(&root.join(".env.local")), "type": 1},
            {"uri": file_uri(env_path), "type": 2},
        ]}),
    );
    lsp.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uris[env]}}),
    );
    lsp.drain(Duration::from_millis(500));
    lsp.assert_alive("after the edits");

    let done = lsp.finish();
    let what = format!("{}: keywire lsp", fixture.display());
    assert_no_panic(&done.stderr, &what);
    assert!(
        done.stderr.contains("TRACE") || done.stderr.contains("DEBUG"),
        "{what}: trace logging was not on, so stderr proves nothing:\n{}",
        done.stderr
    );
    assert_no_leak(
        &keys,
        &format!("{what} (stderr at trace level)"),
        &done.stderr,
    );

    let mut sensitive_titles = BTreeSet::new();
    let mut stripped = 0;
    let mut kinds = BTreeSet::new();
    let mut surfaces = String::new();
    for mut msg in done.received {
        assert!(
            msg.get("__unparseable__").is_none(),
            "{what}: bad frame {msg}"
        );
        if let Some(m) = msg.get("method").and_then(Value::as_str) {
            kinds.insert(m.to_string());
        }
        stripped += strip_sensitive(&mut msg, &mut sensitive_titles);
        surfaces.push_str(&msg.to_string());
        surfaces.push('\n');
    }
    assert_no_leak(&keys, &format!("{what} (LSP messages)"), &surfaces);
    assert!(
        kinds.contains("textDocument/publishDiagnostics"),
        "{what}: kinds seen {kinds:?}"
    );
    eprintln!(
        "{what}: {} bytes of LSP output and {} of stderr searched; {stripped} sensitive fix \
         edit(s) exempted ({sensitive_titles:?}); methods: {kinds:?}",
        surfaces.len(),
        done.stderr.len()
    );
}

//! Language server tests, in process over a duplex pipe (and one over the built binary's
//! stdio). The test client is `testkit::async_client`.

use serde_json::{json, Value};
use testkit::async_client::{apply_edits, TestClient};
use testkit::paths::{file_uri, tempdir};
use testkit::process::git;
use testkit::rng::Rng;

/// Edits of a code action's workspace edit for `uri`.
fn edits_for(action: &Value, uri: &str) -> Vec<Value> {
    let edit = &action["edit"];
    let mut out = Vec::new();
    if let Some(changes) = edit["documentChanges"].as_array() {
        for c in changes {
            if c["textDocument"]["uri"] == uri {
                out.extend(c["edits"].as_array().unwrap().iter().cloned());
            }
        }
    }
    if let Some(edits) = edit["changes"][uri].as_array() {
        out.extend(edits.iter().cloned());
    }
    out
}

/// Send a workspace edit's edits for `uri` as one incremental didChange (last edit first, so
/// every range still refers to the text it was computed for).
async fn send_edits(client: &mut TestClient, uri: &str, version: i32, edits: &[Value]) {
    let mut sorted = edits.to_vec();
    sorted.sort_by_key(|e| {
        let s = &e["range"]["start"];
        (
            s["line"].as_u64().unwrap(),
            s["character"].as_u64().unwrap(),
        )
    });
    sorted.reverse();
    let changes: Vec<Value> = sorted
        .iter()
        .map(|e| json!({"range": e["range"], "text": e["newText"]}))
        .collect();
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        )
        .await;
}

async fn env_round_trip(utf8: bool) {
    let (_dir, root) = tempdir();
    let (mut client, server) = TestClient::in_process();
    let init = client.initialize(Some(&root), utf8, json!({})).await;
    assert_eq!(
        init["capabilities"]["positionEncoding"],
        if utf8 { "utf-8" } else { "utf-16" }
    );
    let uri = file_uri(&root.join(".env"));
    let text = "# 日本語 😀\nK=\"😀日本\"def\nA=\" 😀x\"\n";
    client.open(&uri, "dotenv", 1, text).await;
    let params = client.wait_diagnostics(&uri, |d| d.len() >= 2).await;
    assert_eq!(params["version"], 1);
    let diags = params["diagnostics"].as_array().unwrap().clone();
    let kw303 = diags
        .iter()
        .find(|d| d["code"] == "KW303")
        .expect("a KW303 diagnostic");
    // `def` follows `K="`, an emoji (2 UTF-16 units, 4 bytes), 日本 (1 unit, 3 bytes each), `"`.
    let (start, end) = if utf8 { (14, 17) } else { (8, 11) };
    assert_eq!(
        kw303["range"],
        json!({"start": {"line": 1, "character": start}, "end": {"line": 1, "character": end}})
    );
    assert_eq!(kw303["source"], "keywire");
    assert_eq!(kw303["severity"], 1);
    assert_eq!(
        kw303["codeDescription"]["href"],
        "https://github.com/keywire/keywire/blob/main/docs/rules/KW303.md"
    );
    assert!(diags.iter().any(|d| d["code"] == "KW301"));

    // The preferred quick fix for KW301, then "ignore" for KW303, applied client-side.
    let mut current = text.to_string();
    let mut version = 1;
    for (code, pick) in [("KW301", "preferred"), ("KW303", "ignore")] {
        // The diagnostic as last published (data for an older version offers nothing).
        let last = client
            .published
            .iter()
            .rev()
            .find(|p| p["uri"] == uri.as_str())
            .unwrap();
        let diag = last["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == code)
            .unwrap()
            .clone();
        let actions = client
            .request(
                "textDocument/codeAction",
                json!({"textDocument": {"uri": uri}, "range": diag["range"], "context": {"diagnostics": [diag]}}),
            )
            .await;
        let actions = actions.as_array().unwrap();
        let action = actions
            .iter()
            .find(|a| {
                a["kind"] == "quickfix"
                    && if pick == "preferred" {
                        a["isPreferred"] == true
                    } else {
                        a["title"] == format!("Ignore {code} on this line")
                    }
            })
            .unwrap_or_else(|| panic!("no {pick} action in {actions:?}"));
        let edits = edits_for(action, &uri);
        assert!(!edits.is_empty());
        current = apply_edits(&current, &edits, utf8);
        version += 1;
        send_edits(&mut client, &uri, version, &edits).await;
        assert_eq!(client.debug_text(&uri).await["text"], current.as_str());
        // Later actions need diagnostics for the new version.
        let v = version;
        client
            .wait_notification("textDocument/publishDiagnostics", |p| {
                p["uri"] == uri.as_str() && p["version"] == v
            })
            .await;
    }
    assert_eq!(
        current,
        "# 日本語 😀\nK=\"😀日本\"def # keywire: ignore[KW303]\nA=😀x\n"
    );
    let last = client
        .published
        .iter()
        .rev()
        .find(|p| p["uri"] == uri.as_str())
        .unwrap();
    assert_eq!(last["version"], version);
    assert_eq!(last["diagnostics"], json!([]));

    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}

#[tokio::test]
async fn env_diagnostics_and_fix_utf16() {
    env_round_trip(false).await;
}

#[tokio::test]
async fn env_diagnostics_and_fix_utf8() {
    env_round_trip(true).await;
}

/// LSP position (by LSP line rules) of char index `ci` in `text`.
fn lsp_position(text: &str, ci: usize, utf8: bool) -> (u32, u32) {
    let (mut line, mut col) = (0u32, 0u32);
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < ci {
        let c = chars[i];
        if c == '\r' && chars.get(i + 1) == Some(&'\n') && i + 1 < ci {
            line += 1;
            col = 0;
            i += 2;
            continue;
        }
        if c == '\n' || c == '\r' {
            line += 1;
            col = 0;
        } else {
            col += if utf8 { c.len_utf8() } else { c.len_utf16() } as u32;
        }
        i += 1;
    }
    (line, col)
}

async fn thousand_edits(utf8: bool, uri_name: &str, language: &str) {
    let (_dir, root) = tempdir();
    let (mut client, server) = TestClient::in_process();
    client.initialize(Some(&root), utf8, json!({})).await;
    let uri = file_uri(&root.join(uri_name));
    let mut model: Vec<char> = "import os\nkey = os.environ[\"OPENAI_KEY\"]\n"
        .chars()
        .collect();
    client
        .open(&uri, language, 1, &model.iter().collect::<String>())
        .await;
    let pieces = [
        "日本",
        "😀",
        "é",
        "\n",
        "\r\n",
        "x",
        "os.getenv(\"A\")",
        "\"",
        "#",
        "  ",
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for version in 2..=1001 {
        let text: String = model.iter().collect();
        // Positions never fall between the \r and \n of a CRLF.
        let valid = |i: usize| !(i > 0 && model[i - 1] == '\r' && model.get(i) == Some(&'\n'));
        let mut a = rng.below(model.len() + 1);
        while !valid(a) {
            a -= 1;
        }
        let mut b = if rng.below(3) == 0 {
            (a + rng.below(4)).min(model.len())
        } else {
            a
        };
        while !valid(b) {
            b -= 1;
        }
        let insert = if b > a && rng.below(2) == 0 {
            ""
        } else {
            pieces[rng.below(pieces.len())]
        };
        let (l0, c0) = lsp_position(&text, a, utf8);
        let (l1, c1) = lsp_position(&text, b, utf8);
        model.splice(a..b, insert.chars());
        client
            .change(&uri, version, &[(l0, c0, l1, c1, insert)])
            .await;
    }
    let expected: String = model.iter().collect();
    let doc = client.debug_text(&uri).await;
    assert_eq!(doc["version"], 1001);
    assert_eq!(doc["text"], expected.as_str());
    if language == "python" {
        assert_eq!(doc["treeMatchesFreshParse"], true);
    }
    client
        .wait_notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri.as_str() && p["version"] == 1001
        })
        .await;
    let versions: Vec<i64> = client
        .published
        .iter()
        .filter(|p| p["uri"] == uri.as_str())
        .map(|p| p["version"].as_i64().unwrap())
        .collect();
    assert!(versions.windows(2).all(|w| w[0] <= w[1]), "{versions:?}");
    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}

#[tokio::test]
async fn thousand_incremental_edits_python_utf16() {
    thousand_edits(false, "app.py", "python").await;
}

#[tokio::test]
async fn thousand_incremental_edits_env_utf8() {
    thousand_edits(true, ".env", "dotenv").await;
}

async fn python_columns(utf8: bool) {
    let (_dir, root) = tempdir();
    std::fs::write(root.join(".env"), "OPENAI_API_KEY=x\n").unwrap();
    let (mut client, server) = TestClient::in_process();
    client.initialize(Some(&root), utf8, json!({})).await;
    let uri = file_uri(&root.join("app.py"));
    let text = "import os\nfrom dotenv import load_dotenv\nload_dotenv()\nx = \"😀日本\"; key = os.environ[\"OPENAI_KEY\"]\n";
    client.open(&uri, "python", 1, text).await;
    let params = client
        .wait_diagnostics(&uri, |d| d.iter().any(|d| d["code"] == "KW201"))
        .await;
    let d = params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "KW201")
        .unwrap()
        .clone();
    let line = text.lines().nth(3).unwrap();
    let byte = line.find("\"OPENAI_KEY\"").unwrap();
    let utf16 = line[..byte].encode_utf16().count();
    assert_eq!((byte, utf16), (35, 29));
    let start = d["range"]["start"]["character"].as_u64().unwrap() as usize;
    assert_eq!(d["range"]["start"]["line"], 3);
    assert_eq!(start, if utf8 { byte } else { utf16 }, "{d}");
    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}

#[tokio::test]
async fn python_columns_after_emoji_and_cjk_utf16() {
    python_columns(false).await;
}

#[tokio::test]
async fn python_columns_after_emoji_and_cjk_utf8() {
    python_columns(true).await;
}

#[tokio::test]
async fn python_missing_key_fix_round_trip() {
    let (_dir, root) = tempdir();
    let (mut client, server) = TestClient::in_process();
    client.initialize(Some(&root), false, json!({})).await;
    let uri = file_uri(&root.join("agent.py"));
    let text = "from autogen_ext.models.openai import OpenAIChatCompletionClient\nclient = OpenAIChatCompletionClient(model=\"gpt-4o\")\n";
    client.open(&uri, "python", 1, text).await;
    let params = client
        .wait_diagnostics(&uri, |d| d.iter().any(|d| d["code"] == "KW101"))
        .await;
    let d = params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "KW101")
        .unwrap()
        .clone();
    // The constructor name on line 2.
    assert_eq!(d["range"]["start"], json!({"line": 1, "character": 9}));
    assert_eq!(d["range"]["end"], json!({"line": 1, "character": 35}));
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
        )
        .await;
    let actions = actions.as_array().unwrap();
    let preferred: Vec<&Value> = actions
        .iter()
        .filter(|a| a["isPreferred"] == true)
        .collect();
    assert_eq!(preferred.len(), 1, "{actions:?}");
    let edits = edits_for(preferred[0], &uri);
    let fixed = apply_edits(text, &edits, false);
    send_edits(&mut client, &uri, 2, &edits).await;
    assert_eq!(client.debug_text(&uri).await["text"], fixed.as_str());
    let params = client
        .wait_notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri.as_str() && p["version"] == 2
        })
        .await;
    assert!(
        params["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["code"] != "KW101"),
        "{params}"
    );
    // "Ignore" puts the code in a comment the engine honours.
    let ignore = actions
        .iter()
        .find(|a| a["title"] == "Ignore KW101 on this line")
        .expect("an ignore action");
    let ignored = apply_edits(text, &edits_for(ignore, &uri), false);
    assert!(
        ignored.contains("(model=\"gpt-4o\")  # keywire: ignore[KW101]\n"),
        "{ignored}"
    );
    client.change_full(&uri, 3, &ignored).await;
    let params = client
        .wait_notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri.as_str() && p["version"] == 3
        })
        .await;
    assert_eq!(params["diagnostics"], json!([]));
    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}

#[tokio::test]
async fn env_edits_update_open_python_files() {
    let (_dir, root) = tempdir();
    let py = "import os\nfrom dotenv import load_dotenv\nload_dotenv()\nkey = os.environ[\"OPENAI_KEY\"]\n";
    std::fs::write(root.join("app.py"), py).unwrap();
    std::fs::write(root.join(".env"), "OPENAI_API_KEY=sk-test\n").unwrap();
    let (mut client, server) = TestClient::in_process();
    client
        .initialize(
            Some(&root),
            false,
            json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
        )
        .await;
    let py_uri = file_uri(&root.join("app.py"));
    let env_uri = file_uri(&root.join(".env"));
    client.open(&py_uri, "python", 1, py).await;
    let params = client
        .wait_diagnostics(&py_uri, |d| d.iter().any(|d| d["code"] == "KW201"))
        .await;
    assert_eq!(params["version"], 1);

    // Editing the open .env clears the Python file's finding.
    client
        .open(&env_uri, "dotenv", 1, "OPENAI_API_KEY=sk-test\n")
        .await;
    client
        .change_full(&env_uri, 2, "OPENAI_KEY=sk-test\n")
        .await;
    let params = client.wait_diagnostics(&py_uri, |d| d.is_empty()).await;
    assert_eq!(params["version"], 1);

    // Closing the .env brings back the disk version.
    client
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": env_uri}}),
        )
        .await;
    client
        .wait_diagnostics(&py_uri, |d| d.iter().any(|d| d["code"] == "KW201"))
        .await;
    // The closed document's diagnostics were cleared (before or after that).
    client
        .drain_for(std::time::Duration::from_millis(100))
        .await;
    let last_env = client
        .published
        .iter()
        .rev()
        .find(|p| p["uri"] == env_uri.as_str())
        .unwrap();
    assert_eq!(last_env["diagnostics"], json!([]));
    assert!(last_env["version"].is_null());

    // A change on disk, reported by the client's file watcher.
    std::fs::write(root.join(".env"), "OPENAI_KEY=sk-test\n").unwrap();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": env_uri, "type": 2}]}),
        )
        .await;
    client.wait_diagnostics(&py_uri, |d| d.is_empty()).await;

    // Indexing reported progress, and the watchers were registered.
    let methods: Vec<&str> = client
        .server_requests
        .iter()
        .map(|r| r["method"].as_str().unwrap())
        .collect();
    assert!(
        methods.contains(&"window/workDoneProgress/create"),
        "{methods:?}"
    );
    let registration = client
        .server_requests
        .iter()
        .find(|r| r["method"] == "client/registerCapability")
        .expect("file watchers registered");
    let globs: Vec<&str> = registration["params"]["registrations"][0]["registerOptions"]
        ["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["globPattern"].as_str().unwrap())
        .collect();
    assert_eq!(
        globs,
        [
            "**/.env*",
            "**/env.*",
            "**/*.env",
            "**/*_env",
            "**/*.py",
            "**/*.ipynb",
            "**/OAI_CONFIG_LIST*",
            "**/*compose*.y*ml",
            "**/*Dockerfile*",
            "**/.dockerignore",
            "**/.gitignore",
            "**/pyproject.toml",
            "**/keywire.toml",
            "**/Makefile",
            "**/makefile",
            "**/GNUmakefile",
            "**/justfile",
            "**/Justfile",
            "**/.justfile",
            "**/Procfile",
            "**/*.sh",
            "**/.vscode/launch.json",
            "**/.vscode/settings.json",
            "**/.github/workflows/*.yml",
            "**/.github/workflows/*.yaml",
            "**/requirements*.txt",
            "**/requirements*.in",
            "**/requirements/*.txt",
            "**/setup.cfg",
            "**/Pipfile",
            "**/Pipfile.lock",
            "**/environment.y*ml",
            "**/uv.lock",
            "**/poetry.lock",
            "**/pdm.lock",
            "**/site-packages/*.dist-info/METADATA"
        ]
    );
    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}

#[tokio::test]
async fn untitled_python_is_analysed_alone_and_other_schemes_ignored() {
    let (mut client, server) = TestClient::in_process();
    client.initialize(None, false, json!({})).await;
    let text = "from autogen_ext.models.openai import OpenAIChatCompletionClient\nclient = OpenAIChatCompletionClient(model=\"gpt-4o\")\n";
    client.open("untitled:Untitled-1", "python", 1, text).await;
    client
        .open("untitled:Untitled-2", "plaintext", 1, text)
        .await;
    client
        .wait_diagnostics("untitled:Untitled-1", |d| {
            d.iter().any(|d| d["code"] == "KW101")
        })
        .await;
    client
        .drain_for(std::time::Duration::from_millis(300))
        .await;
    assert!(client
        .published
        .iter()
        .all(|p| p["uri"] != "untitled:Untitled-2"));
    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}

#[tokio::test]
async fn malformed_input_and_stale_changes_never_crash() {
    let (_dir, root) = tempdir();
    let (mut client, server) = TestClient::in_process();
    client.initialize(Some(&root), false, json!({})).await;
    // Not JSON.
    client.send_raw(b"Content-Length: 5\r\n\r\n{bad}").await;
    // Wrong params.
    let resp = client
        .request_raw("textDocument/codeAction", json!({"nope": 1}))
        .await;
    assert!(resp["error"].is_object(), "{resp}");
    let resp = client
        .request_raw("textDocument/hover", json!([1, 2]))
        .await;
    assert!(resp["error"].is_object(), "{resp}");
    // Notifications about documents that are not open, and garbage params.
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": "file:///nope.py", "version": 2}, "contentChanges": []}),
        )
        .await;
    client
        .notify("textDocument/didOpen", json!({"textDocument": 5}))
        .await;
    client
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": "file:///nope.py"}}),
        )
        .await;
    // A change that is not newer is dropped.
    let uri = file_uri(&root.join("a.py"));
    client.open(&uri, "python", 5, "x = 1\n").await;
    client.change(&uri, 3, &[(0, 0, 0, 0, "stale ")]).await;
    client.change(&uri, 5, &[(0, 0, 0, 0, "stale ")]).await;
    client
        .change(
            &uri,
            6,
            &[(0, 0, 0, 1, "y"), (9, 9, 9, 9, "!"), (0, 99, 0, 1, "")],
        )
        .await;
    let doc = client.debug_text(&uri).await;
    assert_eq!(doc["version"], 6);
    assert_eq!(doc["text"], "y\n!");
    // Requests on unknown documents answer null.
    let none = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": "file:///nope.py"}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}}),
        )
        .await;
    assert!(none.is_null());
    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}

#[tokio::test]
async fn pull_diagnostics_when_the_client_supports_them() {
    let (_dir, root) = tempdir();
    let (mut client, server) = TestClient::in_process();
    let init = client
        .initialize(
            Some(&root),
            false,
            json!({
                "textDocument": {"diagnostic": {"dynamicRegistration": false}},
                "workspace": {"diagnostics": {"refreshSupport": true}}
            }),
        )
        .await;
    assert_eq!(
        init["capabilities"]["diagnosticProvider"]["interFileDependencies"],
        true
    );
    let uri = file_uri(&root.join(".env"));
    client.open(&uri, "dotenv", 1, "K=\"abc\"def\n").await;
    let mut items = Vec::new();
    // The first pull may come before the folder is indexed.
    for _ in 0..50 {
        let report = client
            .request(
                "textDocument/diagnostic",
                json!({"textDocument": {"uri": uri}}),
            )
            .await;
        assert_eq!(report["kind"], "full");
        items = report["items"].as_array().unwrap().clone();
        if !items.is_empty() {
            // Asking again with the result id: unchanged.
            let again = client
                .request(
                    "textDocument/diagnostic",
                    json!({"textDocument": {"uri": uri}, "previousResultId": report["resultId"]}),
                )
                .await;
            assert_eq!(again["kind"], "unchanged");
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(items.iter().any(|d| d["code"] == "KW303"), "{items:?}");
    client
        .drain_for(std::time::Duration::from_millis(200))
        .await;
    assert!(
        client.published.is_empty(),
        "pull clients get no pushed diagnostics"
    );
    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}

/// Neovim 0.11 can pull but cannot be asked to pull again: a pull answered before indexing
/// would stay empty for good, so such clients get pushed diagnostics.
#[tokio::test]
async fn pull_without_refresh_support_gets_pushed_diagnostics() {
    let (_dir, root) = tempdir();
    let (mut client, server) = TestClient::in_process();
    let init = client
        .initialize(
            Some(&root),
            false,
            json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}}}),
        )
        .await;
    assert!(init["capabilities"]["diagnosticProvider"].is_null());
    let uri = file_uri(&root.join(".env"));
    client.open(&uri, "dotenv", 1, "K=\"abc\"def\n").await;
    let published = client.wait_diagnostics(&uri, |d| !d.is_empty()).await;
    let items = published["diagnostics"].as_array().unwrap();
    assert!(items.iter().any(|d| d["code"] == "KW303"), "{items:?}");
    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}

#[tokio::test]
async fn exit_without_shutdown_is_code_1() {
    let (mut client, server) = TestClient::in_process();
    client.initialize(None, false, json!({})).await;
    client.notify("exit", Value::Null).await;
    assert_eq!(server.await.unwrap(), 1);
}

#[tokio::test]
async fn the_binary_serves_stdio() {
    let (_dir, root) = tempdir();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_keywire"))
        .arg("lsp")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut client = TestClient::new(stdout, stdin);
    let init = client.initialize(Some(&root), true, json!({})).await;
    assert_eq!(init["serverInfo"]["name"], "keywire");
    let uri = file_uri(&root.join(".env"));
    client.open(&uri, "dotenv", 1, "K=\"😀\"def\n").await;
    let params = client.wait_diagnostics(&uri, |d| !d.is_empty()).await;
    assert_eq!(params["diagnostics"][0]["code"], "KW303");
    assert_eq!(
        params["diagnostics"][0]["range"]["start"],
        json!({"line": 0, "character": 8})
    );
    client.shutdown_and_exit().await;
    let status = tokio::time::timeout(std::time::Duration::from_secs(10), child.wait())
        .await
        .expect("the server exits after `exit`")
        .unwrap();
    assert!(status.success(), "{status:?}");
}

#[tokio::test]
async fn workflow_env_hover_and_diagnostics() {
    let (_dir, root) = tempdir();
    let py = "import os\nKEY = os.environ[\"OPENAI_API_KEY\"]\n";
    std::fs::write(root.join("app.py"), py).unwrap();
    std::fs::create_dir_all(root.join(".github/workflows")).unwrap();
    let secret = "sk-proj-Zq4wEr7tYu0iOp3aSd6fGh9jKl2zXc5vBn8mQw1eRt4y";
    let yml = format!("on: pull_request\njobs:\n  t:\n    env:\n      OPENAI_API_KEY: {secret}\n      MODEL: ${{{{ vars.MODEL }}}}\n    steps:\n      - run: python app.py\n  u:\n    steps:\n      - run: python app.py\n");
    let path = root.join(".github/workflows/ci.yml");
    std::fs::write(&path, &yml).unwrap();
    let (mut client, server) = TestClient::in_process();
    client.initialize(Some(&root), false, json!({})).await;
    let uri = file_uri(&path);
    client.open(&uri, "github-actions-workflow", 1, &yml).await;
    let at = |line: u32, character: u32| json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}});
    let mut hover = Value::Null;
    for _ in 0..200 {
        hover = client.request("textDocument/hover", at(4, 8)).await;
        if hover["contents"]["value"]
            .as_str()
            .is_some_and(|t| t.contains("Read by:"))
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let text = hover["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(text.contains("`app.py` line 2"), "{text}");
    assert!(
        !text.contains(&secret[8..]),
        "the hover shows the key: {text}"
    );
    let hover = client.request("textDocument/hover", at(5, 8)).await;
    let text = hover["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(text.contains("configuration variable `MODEL`"), "{text}");
    // Job `u` does not give the variable: KW504 at its step's `run`, nothing at job `t`.
    let diags = client
        .wait_diagnostics(&uri, |d| d.iter().any(|d| d["code"] == "KW504"))
        .await;
    let lines: Vec<&Value> = diags["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "KW504")
        .map(|d| &d["range"]["start"]["line"])
        .collect();
    assert_eq!(lines, [&json!(10)], "{diags:?}");
    assert!(!diags.to_string().contains(&secret[8..]));
    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}

#[tokio::test]
async fn hover_definition_references_completion_symbols() {
    let (_dir, root) = tempdir();
    let secret = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb3dEf6h";
    let env = format!("OPENAI_API_KEY={secret}\n");
    std::fs::write(root.join(".env"), &env).unwrap();
    std::fs::write(root.join(".env.example"), "OPENAI_API_KEY=\n").unwrap();
    let py = "import os\nfrom dotenv import load_dotenv\nload_dotenv()\nkey = os.environ[\"OPENAI_API_KEY\"]\n";
    let (mut client, server) = TestClient::in_process();
    client.initialize(Some(&root), false, json!({})).await;
    let py_uri = file_uri(&root.join("app.py"));
    let env_uri = file_uri(&root.join(".env"));
    client.open(&py_uri, "python", 1, py).await;
    client.wait_diagnostics(&py_uri, |_| true).await;
    let at = |uri: &str, line: u32, character: u32| json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}});

    // The first diagnostics can come before the folder is indexed (provisional ones): hover
    // knows the .env once it is.
    let mut hover = Value::Null;
    for _ in 0..200 {
        hover = client
            .request("textDocument/hover", at(&py_uri, 3, 20))
            .await;
        if !hover.is_null() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let text = hover["contents"]["value"].as_str().unwrap().to_string();
    assert!(
        text.contains("`.env` line 1 — loaded by `load_dotenv()` in `app.py` line 3"),
        "{text}"
    );
    assert!(text.contains("`.env.example` line 1 — template"), "{text}");
    assert!(text.contains("fingerprint"), "{text}");
    // load_dotenv() without override=True: an exported value wins.
    assert!(text.contains("without `override=True`"), "{text}");
    assert!(
        !text.contains(&secret[8..]),
        "the hover shows the key: {text}"
    );

    let def = client
        .request("textDocument/definition", at(&py_uri, 3, 20))
        .await;
    assert_eq!(
        def,
        json!([{"uri": env_uri, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 14}}}])
    );

    client.open(&env_uri, "dotenv", 1, &env).await;
    let mut refs_params = at(&env_uri, 0, 3);
    refs_params["context"] = json!({"includeDeclaration": false});
    let refs = client.request("textDocument/references", refs_params).await;
    assert_eq!(
        refs,
        json!([{"uri": py_uri, "range": {"start": {"line": 3, "character": 17}, "end": {"line": 3, "character": 33}}}])
    );
    let hover = client
        .request("textDocument/hover", at(&env_uri, 0, 3))
        .await;
    let text = hover["contents"]["value"].as_str().unwrap().to_string();
    assert!(
        text.contains("`app.py` line 4 — loaded by `load_dotenv()`"),
        "{text}"
    );
    assert!(text.contains("without `override=True`"), "{text}");
    assert!(!text.contains(&secret[8..]), "{text}");

    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": env_uri}}),
        )
        .await;
    assert_eq!(symbols[0]["name"], "OPENAI_API_KEY");
    let detail = symbols[0]["detail"].as_str().unwrap();
    assert!(detail.starts_with("OpenAI key (sk-proj-…"), "{detail}");
    assert!(!detail.contains(&secret[8..]));

    client
        .change(&py_uri, 2, &[(4, 0, 4, 0, "x = os.getenv(\"OP\")\n")])
        .await;
    let items = client
        .request("textDocument/completion", at(&py_uri, 4, 17))
        .await;
    let item = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "OPENAI_API_KEY")
        .unwrap_or_else(|| panic!("{items}"));
    assert_eq!(
        item["textEdit"]["range"],
        json!({"start": {"line": 4, "character": 15}, "end": {"line": 4, "character": 17}})
    );
    assert_eq!(item["detail"], ".env (loaded)");

    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}

#[tokio::test]
async fn fix_all_applies_safe_fixes_only() {
    let (_dir, root) = tempdir();
    let (mut client, server) = TestClient::in_process();
    client.initialize(Some(&root), false, json!({})).await;
    let uri = file_uri(&root.join(".env"));
    // A token's whitespace is certainly wrong (safe fix); a greeting's may be meant (unsafe).
    let text = "SERVICE_TOKEN=\" x\"\nGREETING=\"y \"\n";
    client.open(&uri, "dotenv", 1, text).await;
    client
        .wait_diagnostics(&uri, |d| {
            d.iter().filter(|d| d["code"] == "KW301").count() == 2
        })
        .await;
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
        )
        .await;
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.keywire");
    let fixed = apply_edits(text, &edits_for(&actions[0], &uri), false);
    assert_eq!(fixed, "SERVICE_TOKEN=x\nGREETING=\"y \"\n");
    client.change_full(&uri, 2, &fixed).await;
    let params = client
        .wait_notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri.as_str() && p["version"] == 2
        })
        .await;
    let left: Vec<&Value> = params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "KW301")
        .collect();
    assert!(
        left.len() == 1 && left[0]["range"]["start"]["line"] == 1,
        "{fixed:?} {params}"
    );
    // The unsafe fix is still offered on its own.
    let diag = left[0].clone();
    let quick = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": diag["range"], "context": {"diagnostics": [diag]}}),
        )
        .await;
    assert!(
        quick
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["kind"] == "quickfix"),
        "{quick:?}"
    );
    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}

/// The code actions for the first diagnostic with `code` on `uri`.
async fn actions_for(client: &mut TestClient, uri: &str, code: &str) -> Vec<Value> {
    let params = client
        .wait_diagnostics(uri, |d| d.iter().any(|d| d["code"] == code))
        .await;
    let diag = params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == code)
        .unwrap()
        .clone();
    client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": diag["range"], "context": {"diagnostics": [diag]}}),
        )
        .await
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn a_tracked_env_is_reported_although_ignored_and_a_template_only_without_real_keys() {
    // Committed before .gitignore listed it: git still tracks it.
    let (_dir, root) = tempdir();
    let env =
        "OPENAI_API_KEY=sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb3dEf6h\nHF_TOKEN=changeme\n";
    std::fs::write(root.join(".env"), env).unwrap();
    git(&root, &["init", "-q"]);
    git(&root, &["add", ".env"]);
    git(&root, &["commit", "-q", "-m", "first"]);
    std::fs::write(root.join(".gitignore"), ".env\n").unwrap();
    let (mut client, server) = TestClient::in_process();
    client.initialize(Some(&root), false, json!({})).await;
    let uri = file_uri(&root.join(".env"));
    client.open(&uri, "dotenv", 1, env).await;
    let params = client
        .wait_diagnostics(&uri, |d| d.iter().any(|d| d["code"] == "KW308"))
        .await;
    let diags = params["diagnostics"].as_array().unwrap();
    let kw308 = diags.iter().find(|d| d["code"] == "KW308").unwrap();
    let message = kw308["message"].as_str().unwrap();
    assert!(
        message.contains("git tracks it although it is ignored")
            && message.contains("`git rm --cached .env`"),
        "{message}"
    );
    // Real keys committed: the user's own file, whose placeholder is still a mistake.
    assert!(diags.iter().any(|d| d["code"] == "KW306"), "{diags:?}");
    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);

    // Only placeholders, committed: the repository's template. Once the folder is indexed (its
    // unparseable line, KW303, is reported), nothing is said about its keys.
    let (_dir, root) = tempdir();
    let env = "OPENAI_API_KEY=sk-1111\nHF_TOKEN=changeme\nBROKEN=\"abc\"def\n";
    std::fs::write(root.join(".env"), env).unwrap();
    git(&root, &["init", "-q"]);
    git(&root, &["add", ".env"]);
    git(&root, &["commit", "-q", "-m", "first"]);
    let (mut client, server) = TestClient::in_process();
    client.initialize(Some(&root), false, json!({})).await;
    let uri = file_uri(&root.join(".env"));
    client.open(&uri, "dotenv", 1, env).await;
    let about_keys = |d: &Value| {
        ["KW305", "KW306", "KW307", "KW308"].contains(&d["code"].as_str().unwrap_or(""))
    };
    client
        .wait_diagnostics(&uri, |d| {
            d.iter().any(|d| d["code"] == "KW303") && !d.iter().any(about_keys)
        })
        .await;
    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}

#[tokio::test]
async fn fixes_that_create_files_need_client_support() {
    // KW308 (.env not gitignored) fixes by adding `.env` to a .gitignore that does not exist.
    for (caps, supported) in [
        (json!({}), true),
        (
            json!({"workspace": {"workspaceEdit": {"documentChanges": true, "resourceOperations": []}}}),
            false,
        ),
        (
            json!({"workspace": {"workspaceEdit": {"documentChanges": false}}}),
            false,
        ),
    ] {
        let (_dir, root) = tempdir();
        std::fs::create_dir(root.join(".git")).unwrap();
        let env = "OPENAI_API_KEY=sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb3dEf6h\n";
        std::fs::write(root.join(".env"), env).unwrap();
        let (mut client, server) = TestClient::in_process();
        client.initialize(Some(&root), false, caps).await;
        let uri = file_uri(&root.join(".env"));
        client.open(&uri, "dotenv", 1, env).await;
        let actions = actions_for(&mut client, &uri, "KW308").await;
        let gitignore = file_uri(&root.join(".gitignore"));
        let creating: Vec<&Value> = actions
            .iter()
            .filter(|a| a["kind"] == "quickfix")
            .filter(|a| a["edit"].to_string().contains(gitignore.as_str()))
            .collect();
        if supported {
            assert_eq!(creating.len(), 1, "{actions:?}");
            let ops = creating[0]["edit"]["documentChanges"].as_array().unwrap();
            assert_eq!(
                ops[0],
                json!({"kind": "create", "uri": gitignore, "options": {"overwrite": false, "ignoreIfExists": true}})
            );
            assert_eq!(
                ops[1]["textDocument"],
                json!({"uri": gitignore, "version": null})
            );
            assert_eq!(
                ops[1]["edits"][0]["range"]["start"],
                json!({"line": 0, "character": 0})
            );
        } else {
            assert!(creating.is_empty(), "{actions:?}");
        }
        client.shutdown_and_exit().await;
        assert_eq!(server.await.unwrap(), 0);
    }
}

/// An open `OAI_CONFIG_LIST` is checked like any file: its findings at UTF-16 positions, a fix
/// that keeps it JSON, and no "ignore" action (JSON has no comments).
#[tokio::test]
async fn config_lists_get_diagnostics_and_json_fixes() {
    let (_dir, root) = tempdir();
    let (mut client, server) = TestClient::in_process();
    client.initialize(Some(&root), false, json!({})).await;
    let uri = file_uri(&root.join("OAI_CONFIG_LIST"));
    let text = "[{\"model\": \"gpt-4o 😀\", \"apikey\": \"sk-...\"}]\n";
    client.open(&uri, "json", 1, text).await;
    let diags = client.wait_diagnostics(&uri, |d| !d.is_empty()).await;
    let d = diags["diagnostics"][0].clone();
    assert_eq!(d["code"], "KW102");
    // `😀` is two UTF-16 code units.
    assert_eq!(d["range"]["start"], json!({"line": 0, "character": 24}));
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
        )
        .await
        .as_array()
        .unwrap()
        .clone();
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&"Rename `apikey` to `api_key`"),
        "{titles:?}"
    );
    assert!(
        !titles.iter().any(|t| t.starts_with("Ignore")),
        "{titles:?}"
    );
    let rename = actions
        .iter()
        .find(|a| a["title"] == "Rename `apikey` to `api_key`")
        .unwrap();
    let edits = edits_for(rename, &uri);
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0]["newText"], "api_key");
    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}

#[tokio::test]
async fn single_file_fixes_use_changes_without_document_changes() {
    let (_dir, root) = tempdir();
    let (mut client, server) = TestClient::in_process();
    client
        .initialize(
            Some(&root),
            false,
            json!({"workspace": {"workspaceEdit": {"documentChanges": false}}}),
        )
        .await;
    let uri = file_uri(&root.join(".env"));
    client.open(&uri, "dotenv", 1, "A=\" x\"\n").await;
    let actions = actions_for(&mut client, &uri, "KW301").await;
    let preferred = actions.iter().find(|a| a["isPreferred"] == true).unwrap();
    assert!(preferred["edit"]["documentChanges"].is_null());
    assert!(!preferred["edit"]["changes"][&uri]
        .as_array()
        .unwrap()
        .is_empty());
    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}

// Settings: initializationOptions, workspace/didChangeConfiguration, workspace/configuration.

/// KW101 (a client without a key) and KW201 (an undefined credential-like variable; a `.env`
/// exists, so undefined variables are checked), both warnings by default.
const SETTINGS_PY: &str = "import os\nfrom autogen_ext.models.openai import OpenAIChatCompletionClient\nclient = OpenAIChatCompletionClient(model=\"gpt-4o\")\ntoken = os.environ[\"SERVICE_TOKEN\"]\n";

fn settings_project(root: &std::path::Path) -> String {
    std::fs::write(root.join("app.py"), SETTINGS_PY).unwrap();
    std::fs::write(root.join(".env"), "OTHER=1\n").unwrap();
    file_uri(&root.join("app.py"))
}

/// The severity of the diagnostic with `code` (None when there is none).
fn severity_of(diags: &[Value], code: &str) -> Option<i64> {
    diags
        .iter()
        .find(|d| d["code"] == code)
        .map(|d| d["severity"].as_i64().unwrap())
}

fn diagnostics_of(params: &Value) -> Vec<Value> {
    params["diagnostics"].as_array().unwrap().clone()
}

#[tokio::test]
async fn initialization_options_ignore_a_rule() {
    let (_dir, root) = tempdir();
    let uri = settings_project(&root);
    let (mut client, server) = TestClient::in_process();
    client
        .initialize_with(
            Some(&root),
            false,
            json!({}),
            json!({"ignore": ["KW101"], "severity": {"undefined-env-var": "info"}}),
        )
        .await;
    client.open(&uri, "python", 1, SETTINGS_PY).await;
    let params = client
        .wait_diagnostics(&uri, |d| d.iter().any(|d| d["code"] == "KW201"))
        .await;
    let diags = diagnostics_of(&params);
    assert_eq!(severity_of(&diags, "KW101"), None, "{params}");
    // Rule names work as in the config file (3 = information).
    assert_eq!(severity_of(&diags, "KW201"), Some(3), "{params}");
    // Every publish so far: KW101 never showed up.
    assert!(client
        .published
        .iter()
        .all(|p| diagnostics_of(p).iter().all(|d| d["code"] != "KW101")));
    assert!(client.messages.is_empty(), "{:?}", client.messages);
    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}

#[tokio::test]
async fn did_change_configuration_changes_severities() {
    let (_dir, root) = tempdir();
    let uri = settings_project(&root);
    let (mut client, server) = TestClient::in_process();
    client.initialize(Some(&root), false, json!({})).await;
    client.open(&uri, "python", 1, SETTINGS_PY).await;
    let params = client
        .wait_diagnostics(&uri, |d| {
            severity_of(d, "KW101").is_some() && severity_of(d, "KW201").is_some()
        })
        .await;
    assert_eq!(severity_of(&diagnostics_of(&params), "KW101"), Some(2));

    // Pushed under a `keywire` section: re-checked and re-published for the same version.
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"keywire": {"severity": {"KW101": "error"}}, "other-tool": {"x": 1}}}),
        )
        .await;
    let params = client
        .wait_diagnostics(&uri, |d| severity_of(d, "KW101") == Some(1))
        .await;
    assert_eq!(params["version"], 1);
    assert_eq!(severity_of(&diagnostics_of(&params), "KW201"), Some(2));

    // The pushed object itself; a new push replaces the previous one key by key.
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"ignore": ["KW201"], "severity": {"KW1": "hint"}}}),
        )
        .await;
    let params = client
        .wait_diagnostics(&uri, |d| severity_of(d, "KW101") == Some(4))
        .await;
    assert_eq!(severity_of(&diagnostics_of(&params), "KW201"), None);

    // Edits are still checked with the new settings.
    client
        .change_full(&uri, 2, &format!("{SETTINGS_PY}\n"))
        .await;
    let params = client
        .wait_notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri.as_str() && p["version"] == 2
        })
        .await;
    assert_eq!(severity_of(&diagnostics_of(&params), "KW101"), Some(4));
    assert_eq!(severity_of(&diagnostics_of(&params), "KW201"), None);
    assert!(client.messages.is_empty(), "{:?}", client.messages);
    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}

#[tokio::test]
async fn settings_are_pulled_when_the_client_supports_it() {
    let (_dir, root) = tempdir();
    let uri = settings_project(&root);
    let (mut client, server) = TestClient::in_process();
    client.settings = json!({"ignore": ["KW201"], "severity": {"KW101": "error"}});
    // Answered after the folder is indexed: diagnostics must wait for it.
    client.settings_delay = std::time::Duration::from_millis(400);
    client
        .initialize_with(
            Some(&root),
            false,
            // No progress: indexing must not wait for the (slow) client.
            json!({"workspace": {"configuration": true}, "window": {"workDoneProgress": false}}),
            // The pulled settings override these key by key.
            json!({"severity": {"KW101": "hint"}, "select": ["KW1", "KW2"]}),
        )
        .await;
    client.open(&uri, "python", 1, SETTINGS_PY).await;
    let params = client.wait_diagnostics(&uri, |_| true).await;
    // Diagnostics wait for the pull: the very first publish has the pulled settings.
    let diags = diagnostics_of(&params);
    assert_eq!(severity_of(&diags, "KW101"), Some(1), "{params}");
    assert_eq!(severity_of(&diags, "KW201"), None, "{params}");
    let pull = client
        .server_requests
        .iter()
        .find(|r| r["method"] == "workspace/configuration")
        .expect("a workspace/configuration request");
    assert_eq!(pull["params"]["items"][0]["section"], "keywire");

    // On didChangeConfiguration the server pulls again (the pushed value is ignored).
    client.settings_delay = std::time::Duration::ZERO;
    client.settings = json!({"severity": {"KW101": "warning"}});
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"keywire": {"severity": {"KW101": "info"}}}}),
        )
        .await;
    let params = client
        .wait_diagnostics(&uri, |d| severity_of(d, "KW101") == Some(2))
        .await;
    // `ignore` is no longer set by the client: KW201 is back.
    assert_eq!(severity_of(&diagnostics_of(&params), "KW201"), Some(2));
    let pulls = client
        .server_requests
        .iter()
        .filter(|r| r["method"] == "workspace/configuration")
        .count();
    assert_eq!(pulls, 2);

    // A client with no `keywire` section answers null: the settings in effect stay.
    client.settings = Value::Null;
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": null}),
        )
        .await;
    client
        .change_full(&uri, 2, &format!("{SETTINGS_PY}\n"))
        .await;
    let params = client
        .wait_notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri.as_str() && p["version"] == 2
        })
        .await;
    assert_eq!(severity_of(&diagnostics_of(&params), "KW101"), Some(2));
    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}

#[tokio::test]
async fn the_project_config_file_wins_over_editor_settings() {
    let (_dir, root) = tempdir();
    let uri = settings_project(&root);
    std::fs::write(root.join("keywire.toml"), "select = [\"KW2\"]\n").unwrap();
    let (mut client, server) = TestClient::in_process();
    client
        .initialize_with(
            Some(&root),
            false,
            json!({}),
            // `select` loses to the file's; `severity`, which the file does not set, applies.
            json!({"select": ["KW101"], "severity": {"KW201": "error"}}),
        )
        .await;
    client.open(&uri, "python", 1, SETTINGS_PY).await;
    let params = client
        .wait_diagnostics(&uri, |d| severity_of(d, "KW201").is_some())
        .await;
    let diags = diagnostics_of(&params);
    assert_eq!(severity_of(&diags, "KW101"), None, "{params}");
    assert_eq!(severity_of(&diags, "KW201"), Some(1), "{params}");

    // A settings change does not override the file either.
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"keywire": {"select": ["ALL"], "severity": {"KW201": "hint"}}}}),
        )
        .await;
    let params = client
        .wait_diagnostics(&uri, |d| severity_of(d, "KW201") == Some(4))
        .await;
    assert_eq!(severity_of(&diagnostics_of(&params), "KW101"), None);

    // Once the file stops selecting, the editor's selection applies.
    std::fs::write(root.join("keywire.toml"), "assume-defined = []\n").unwrap();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": file_uri(&root.join("keywire.toml")), "type": 2}]}),
        )
        .await;
    let params = client
        .wait_diagnostics(&uri, |d| severity_of(d, "KW101").is_some())
        .await;
    assert_eq!(severity_of(&diagnostics_of(&params), "KW201"), Some(4));
    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}

#[tokio::test]
async fn bad_settings_are_reported_and_the_rest_applies() {
    let (_dir, root) = tempdir();
    let uri = settings_project(&root);
    let (mut client, server) = TestClient::in_process();
    client
        .initialize_with(
            Some(&root),
            false,
            json!({}),
            json!({"severity": {"KW101": "fatal"}, "ignore": ["KW201", "KW999"]}),
        )
        .await;
    client.open(&uri, "python", 1, SETTINGS_PY).await;
    let params = client
        .wait_diagnostics(&uri, |d| severity_of(d, "KW101").is_some())
        .await;
    let diags = diagnostics_of(&params);
    // The bad severity is dropped (default warning), the good `ignore` item applies.
    assert_eq!(severity_of(&diags, "KW101"), Some(2), "{params}");
    assert_eq!(severity_of(&diags, "KW201"), None, "{params}");
    let message = client.wait_show_message("`severity.KW101`").await;
    assert_eq!(message["type"], 2, "a warning: {message}");
    let text = message["message"].as_str().unwrap();
    assert!(text.contains("found \"fatal\""), "{text}");
    assert!(text.contains("`ignore`: unknown rule \"KW999\""), "{text}");

    // Bad pushes: wrong types, a typo, not an object at all. Each is reported.
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"keywire": {"select": "KW101", "logLevel": 42, "severty": {}}}}),
        )
        .await;
    let message = client.wait_show_message("`select`").await;
    let text = message["message"].as_str().unwrap();
    assert!(text.contains("expected a list of rule selectors"), "{text}");
    assert!(text.contains("`logLevel`: expected a string"), "{text}");
    assert!(
        text.contains("`severty`: unknown setting; did you mean `severity`?"),
        "{text}"
    );
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"keywire": 42}}),
        )
        .await;
    client
        .wait_show_message("settings: expected an object, found a number")
        .await;

    // Still serving, with the initialization options' valid settings in effect.
    client
        .change_full(&uri, 2, &format!("{SETTINGS_PY}\n"))
        .await;
    let params = client
        .wait_notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri.as_str() && p["version"] == 2
        })
        .await;
    let diags = diagnostics_of(&params);
    assert_eq!(severity_of(&diags, "KW101"), Some(2), "{params}");
    assert_eq!(severity_of(&diags, "KW201"), None, "{params}");
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 25}}),
        )
        .await;
    assert!(hover.to_string().contains("SERVICE_TOKEN"), "{hover}");
    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}

/// A document opened while a large folder is still being indexed gets provisional
/// diagnostics first (the rules that need only the module and its .env files), then the full
/// set; nothing shown early is taken back.
#[tokio::test]
async fn provisional_diagnostics_before_a_large_folder_is_indexed() {
    let (_dir, root) = tempdir();
    std::fs::write(root.join(".env"), "OPENAI_API_KEY=sk-proj-abc\n").unwrap();
    for i in 0..4000 {
        let dir = root.join(format!("pkg{}", i / 100));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join(format!("m{i}.py")),
            format!("import json\n\n\ndef f{i}(x):\n    return json.dumps({{\"x\": x}})\n"),
        )
        .unwrap();
    }
    let py = "import os\nfrom autogen import AssistantAgent\na = AssistantAgent(\"a\", llm_config={\"config_list\": [{\"model\": \"gpt-4o\", \"apikey\": os.environ[\"OPENAI_API_KEY\"]}]})\n";
    let (mut client, _server) = TestClient::in_process();
    // At once, not after the default 150 ms: this folder indexes fast in a test.
    client
        .initialize_with(
            Some(&root),
            false,
            json!({}),
            json!({"debugProvisionalAfterMs": 0}),
        )
        .await;
    let uri = file_uri(&root.join("app.py"));
    client.open(&uri, "python", 1, py).await;
    let codes = |d: &[Value]| -> Vec<String> {
        let mut c: Vec<String> = d
            .iter()
            .map(|d| d["code"].as_str().unwrap_or("").to_string())
            .collect();
        c.sort();
        c
    };
    let mut seen: Vec<Vec<String>> = Vec::new();
    client
        .wait_diagnostics(&uri, |d| {
            seen.push(codes(d));
            codes(d).iter().any(|c| c == "KW202")
        })
        .await;
    let last = seen.last().unwrap().clone();
    assert!(last.contains(&"KW102".to_string()), "{seen:?}");
    for early in &seen {
        assert!(
            early.iter().all(|c| last.contains(c)),
            "taken back: {seen:?}"
        );
    }
    assert!(
        seen.len() >= 2 && !seen[0].contains(&"KW202".to_string()),
        "no provisional diagnostics first: {seen:?}"
    );
}

/// A client that never answers `window/workDoneProgress/create` still gets diagnostics: the
/// server gives up on progress after a short wait instead of holding indexing back for good.
#[tokio::test]
async fn a_client_that_never_answers_progress_creation_still_gets_diagnostics() {
    let (_dir, root) = tempdir();
    std::fs::write(root.join(".env"), "OPENAI_API_KEY=sk-proj-abc\n").unwrap();
    let (mut client, _server) = TestClient::in_process();
    client.unanswered.push("window/workDoneProgress/create");
    client
        .initialize(
            Some(&root),
            false,
            json!({"window": {"workDoneProgress": true}}),
        )
        .await;
    let uri = file_uri(&root.join("app.py"));
    client
        .open(
            &uri,
            "python",
            1,
            "import os\nkey = os.environ[\"OPENAI_API_KEY\"]\n",
        )
        .await;
    let params = client
        .wait_diagnostics(&uri, |d| d.iter().any(|d| d["code"] == "KW202"))
        .await;
    assert_eq!(params["version"], 1);
    assert!(client
        .server_requests
        .iter()
        .any(|r| r["method"] == "window/workDoneProgress/create"));
}

/// A client without notebook sync (Neovim, Helix) opens a notebook as JSON: diagnostics come
/// at the positions of the JSON text, and a fix edits the cell's `source` list there.
#[tokio::test]
async fn notebook_opened_as_json_gets_json_positions() {
    let (_dir, root) = tempdir();
    let (mut client, server) = TestClient::in_process();
    client.initialize(Some(&root), false, json!({})).await;
    let uri = file_uri(&root.join("setup.ipynb"));
    let text = "{\n \"cells\": [\n  {\n   \"cell_type\": \"markdown\",\n   \"metadata\": {},\n   \"source\": [\n    \"# Setup\"\n   ]\n  },\n  {\n   \"cell_type\": \"code\",\n   \"execution_count\": null,\n   \"metadata\": {},\n   \"outputs\": [],\n   \"source\": [\n    \"import os\\n\",\n    \"!export MODEL_NAME=gpt-4o\"\n   ]\n  }\n ],\n \"metadata\": {},\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n";
    client.open(&uri, "json", 1, text).await;
    let params = client
        .wait_diagnostics(&uri, |d| d.iter().any(|d| d["code"] == "KW402"))
        .await;
    let d = params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "KW402")
        .unwrap()
        .clone();
    // `!export MODEL_NAME=gpt-4o` inside its JSON string on line 17.
    assert_eq!(d["range"]["start"], json!({"line": 16, "character": 5}));
    assert_eq!(d["range"]["end"], json!({"line": 16, "character": 30}));
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
        )
        .await;
    let fix = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Use `%env MODEL_NAME=…`")
        .expect("the %env fix")
        .clone();
    let fixed = apply_edits(text, &edits_for(&fix, &uri), false);
    assert_eq!(
        fixed,
        text.replace("!export MODEL_NAME", "%env MODEL_NAME"),
        "{fixed}"
    );
    client.change_full(&uri, 2, &fixed).await;
    let params = client
        .wait_notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri.as_str() && p["version"] == 2
        })
        .await;
    assert_eq!(params["diagnostics"], json!([]));
    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}

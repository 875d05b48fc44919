//! The language server with dependency manifests and a virtualenv: an edit to the open
//! `requirements.txt` re-judges the open Python file (KW601 appears and goes), the manifest
//! gets its own findings (KW602), hover on an import says what is declared and installed, and a
//! package installed into the virtualenv (reported by the client's file watcher) is read again.

use serde_json::json;
use testkit::async_client::TestClient;
use testkit::paths::{file_uri, tempdir};

#[tokio::test]
async fn manifest_edits_rejudge_imports_and_the_virtualenv_is_read() {
    let (_dir, root) = tempdir();
    std::fs::write(root.join("keywire.toml"), "").unwrap();
    let py = "from autogen import AssistantAgent\n";
    std::fs::write(root.join("app.py"), py).unwrap();
    std::fs::write(root.join("requirements.txt"), "pyautogen~=0.2.0\n").unwrap();
    let (mut client, server) = TestClient::in_process();
    client
        .initialize(
            Some(&root),
            false,
            json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
        )
        .await;
    let py_uri = file_uri(&root.join("app.py"));
    let req_uri = file_uri(&root.join("requirements.txt"));
    client.open(&py_uri, "python", 1, py).await;
    client.wait_diagnostics(&py_uri, |d| d.is_empty()).await;

    // The manifest, edited in the editor: a 0.4 distribution under 0.2 code.
    client
        .open(&req_uri, "pip-requirements", 1, "pyautogen~=0.2.0\n")
        .await;
    client
        .change_full(&req_uri, 2, "autogen-agentchat\nopenai==0.28\n")
        .await;
    let diags = client
        .wait_diagnostics(&py_uri, |d| d.iter().any(|d| d["code"] == "KW601"))
        .await;
    let message = diags["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains("requirements.txt declares autogen-agentchat"),
        "{message}"
    );
    // Its fix edits the manifest.
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": py_uri}, "range": diags["diagnostics"][0]["range"],
                   "context": {"diagnostics": diags["diagnostics"]}}),
        )
        .await;
    let text = actions.to_string();
    assert!(text.contains("Require autogen-agentchat~=0.2.0"), "{text}");
    assert!(text.contains("requirements.txt"), "{text}");

    // Hover on the import: what the manifest declares.
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": py_uri}, "position": {"line": 0, "character": 7}}),
        )
        .await;
    let hover = hover["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(hover.contains("**`autogen`**"), "{hover}");
    assert!(hover.contains("These do not install `autogen`."), "{hover}");

    // Back to a distribution that installs `autogen`: the finding goes.
    client
        .change_full(&req_uri, 3, "autogen-agentchat~=0.2.0\n")
        .await;
    client.wait_diagnostics(&py_uri, |d| d.is_empty()).await;

    // A virtualenv appears with another version: the editor's run differs from the manifest.
    let site = root.join(".venv/lib/python3.11/site-packages/autogen_agentchat-0.7.5.dist-info");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(root.join(".venv/pyvenv.cfg"), "home = /usr/bin\n").unwrap();
    std::fs::write(
        site.join("METADATA"),
        "Metadata-Version: 2.1\nName: autogen-agentchat\nVersion: 0.7.5\n\n",
    )
    .unwrap();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": file_uri(&site.join("METADATA")), "type": 1}]}),
        )
        .await;
    let diags = client
        .wait_diagnostics(&req_uri, |d| d.iter().any(|d| d["code"] == "KW603"))
        .await;
    let message = diags["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains(".venv has autogen-agentchat 0.7.5"),
        "{message}"
    );
    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}

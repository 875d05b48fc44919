//! A provider SDK's own client in the editor: its findings arrive like an AutoGen client's,
//! hover on its key describes the key without showing it, and hover on the class name answers
//! without a crash.

use serde_json::json;
use testkit::async_client::TestClient;
use testkit::paths::{file_uri, tempdir};

const SECRET: &str = "gsk_Qw3rTy8UiOp2AsDfGh5JkLzXcV7bNm1Qw3rTy8UiOp2AsDf";

#[tokio::test]
async fn sdk_client_diagnostics_and_hover() {
    let (_dir, root) = tempdir();
    std::fs::write(root.join(".env"), "LOG_LEVEL=info\n").unwrap();
    std::fs::write(root.join(".gitignore"), ".env\n").unwrap();
    let py = format!(
        "from dotenv import load_dotenv\nfrom groq import Groq\nfrom openai import OpenAI as OAI\n\nload_dotenv()\nclient = OAI()\nfast = Groq(api_key=\"{SECRET}\")\n"
    );
    let (mut client, server) = TestClient::in_process();
    client.initialize(Some(&root), false, json!({})).await;
    let uri = file_uri(&root.join("app.py"));
    client.open(&uri, "python", 1, &py).await;
    // KW101 needs the index (the .env): wait for the full check.
    let params = client
        .wait_diagnostics(&uri, |d| {
            d.iter().any(|d| d["code"] == "KW101") && d.iter().any(|d| d["code"] == "KW104")
        })
        .await;
    let diags = params["diagnostics"].as_array().unwrap();
    let kw101 = diags.iter().find(|d| d["code"] == "KW101").unwrap();
    assert_eq!(kw101["range"]["start"], json!({"line": 5, "character": 9}));
    assert!(
        kw101["message"]
            .as_str()
            .unwrap()
            .contains("openai.OpenAI() has no `api_key`"),
        "{kw101}"
    );
    let at = |line: u32, character: u32| json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}});
    let hover = client.request("textDocument/hover", at(6, 25)).await;
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("Groq key"), "{hover}");
    assert!(text.contains("fingerprint"), "{hover}");
    assert!(
        !text.contains(&SECRET[8..]),
        "the hover shows the key: {text}"
    );
    // On the class name: nothing to describe, and no error.
    let hover = client.request("textDocument/hover", at(5, 10)).await;
    assert!(hover.is_null() || hover["contents"].is_object(), "{hover}");

    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}

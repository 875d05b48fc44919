//! The language server on a compose file: KW501/KW502 diagnostics for the open document, and
//! hover on an `environment:` entry saying where the value comes from, never the value.

use serde_json::json;
use testkit::async_client::TestClient;
use testkit::paths::{file_uri, tempdir};

const SECRET: &str = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb3dEf6h";

#[tokio::test]
async fn compose_diagnostics_and_hover() {
    let (_dir, root) = tempdir();
    std::fs::write(root.join("keywire.toml"), "").unwrap();
    std::fs::write(root.join(".env"), format!("OPENAI_API_KEY={SECRET}\n")).unwrap();
    std::fs::create_dir_all(root.join("app")).unwrap();
    std::fs::write(
        root.join("app/main.py"),
        "import os\n\nkey = os.environ[\"OPENAI_API_KEY\"]\n",
    )
    .unwrap();
    std::fs::write(
        root.join("app/Dockerfile"),
        "FROM python:3.12\nCOPY main.py .\n",
    )
    .unwrap();
    let compose = "services:\n  app:\n    build: ./app\n  web:\n    image: nginx\n    environment:\n      OPENAI_API_KEY: ${OPENAI_API_KEY}\n      TOKEN: ${GITHUB_TOKEN}\n";
    std::fs::write(root.join("compose.yaml"), compose).unwrap();
    let (mut client, server) = TestClient::in_process();
    client.initialize(Some(&root), false, json!({})).await;
    let uri = file_uri(&root.join("compose.yaml"));
    client.open(&uri, "dockercompose", 1, compose).await;
    let diags = client
        .wait_diagnostics(&uri, |d| {
            d.iter().any(|d| d["code"] == "KW501") && d.iter().any(|d| d["code"] == "KW502")
        })
        .await;
    assert!(!format!("{diags:?}").contains(&SECRET[8..]));
    let at = |line: u32, character: u32| json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}});
    let hover = client.request("textDocument/hover", at(6, 8)).await;
    let text = hover["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        text.contains("**`OPENAI_API_KEY`** · environment of service `web`"),
        "{text}"
    );
    assert!(
        text.contains("from .env:1, OpenAI key (sk-proj-…"),
        "{text}"
    );
    assert!(text.contains("- app/main.py"), "{text}");
    assert!(
        !text.contains(&SECRET[8..]),
        "the hover shows the key: {text}"
    );
    let hover = client.request("textDocument/hover", at(7, 8)).await;
    let text = hover["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(text.contains("`GITHUB_TOKEN`: not in .env"), "{text}");
    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}

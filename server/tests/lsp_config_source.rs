//! Hover and go-to-definition on the name of a config list (`config_list_from_json("...")`):
//! where it resolves, its entries and which the filter keeps, never a key; a file named by code
//! is read whatever its name and whatever git thinks of it.

use serde_json::{json, Value};
use testkit::async_client::TestClient;
use testkit::paths::{file_uri, tempdir};

const SECRET: &str = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb3dEf6h";

#[tokio::test]
async fn hover_and_definition_on_a_config_list_name() {
    let (_dir, root) = tempdir();
    let list = format!(
        "[\n  {{\"model\": \"gpt-4\", \"api_key\": \"{SECRET}\"}},\n  {{\"model\": \"gpt-3.5-turbo\", \"api_type\": \"azure\"}}\n]\n"
    );
    std::fs::write(root.join("OAI_CONFIG_LIST"), &list).unwrap();
    std::fs::write(root.join("models.json"), "[{\"model\": \"o1\"}]\n").unwrap();
    std::fs::write(root.join(".gitignore"), "models.json\nOAI_CONFIG_LIST\n").unwrap();
    let py = "import autogen\n\
              config_list = autogen.config_list_from_json(\"OAI_CONFIG_LIST\", filter_dict={\"model\": [\"gpt-4\"]})\n\
              other = autogen.config_list_from_json(\"models.json\")\n";
    let (mut client, server) = TestClient::in_process();
    client.initialize(Some(&root), false, json!({})).await;
    let py_uri = file_uri(&root.join("app.py"));
    client.open(&py_uri, "python", 1, py).await;
    client.wait_diagnostics(&py_uri, |_| true).await;
    let at = |line: u32, character: u32| json!({"textDocument": {"uri": py_uri}, "position": {"line": line, "character": character}});
    // Hover knows the list once the folder is indexed.
    let mut text = String::new();
    for _ in 0..200 {
        let hover = client.request("textDocument/hover", at(1, 50)).await;
        text = hover["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .to_string();
        if text.contains("From the file") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert!(
        text.contains("From the file `OAI_CONFIG_LIST` (found from this module's folder)"),
        "{text}"
    );
    assert!(text.contains("2 entries; the filter keeps 1:"), "{text}");
    assert!(
        text.contains("- `gpt-4` · OpenAI · key: OpenAI key (sk-proj-…"),
        "{text}"
    );
    assert!(text.contains("— kept"), "{text}");
    assert!(
        text.contains("`gpt-3.5-turbo` · Azure OpenAI · no `api_key`")
            && text.contains("— filtered out"),
        "{text}"
    );
    assert!(
        !text.contains(&SECRET[8..]),
        "the hover shows the key: {text}"
    );

    // Definition: the file, then the one entry the filter keeps.
    let def = client.request("textDocument/definition", at(1, 50)).await;
    let list_uri = file_uri(&root.join("OAI_CONFIG_LIST"));
    assert_eq!(
        def,
        json!([
            {"uri": list_uri, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}},
            {"uri": list_uri, "range": {"start": {"line": 1, "character": 2}, "end": {"line": 1, "character": 2 + 33 + SECRET.len() as u32}}}
        ])
    );

    // A file of any name that code names is read, though git ignores it.
    let hover: Value = client.request("textDocument/hover", at(2, 45)).await;
    let text = hover["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        text.contains("From the file `models.json`") && text.contains("- `o1` · OpenAI"),
        "{text}"
    );
    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}

#[tokio::test]
async fn a_config_list_in_a_env_value_is_checked_inside_it() {
    let (_dir, root) = tempdir();
    let env = "OAI_CONFIG_LIST='[{\"model\": \"gpt-4o\", \"api_type\": \"azure\", \"base_url\": \"https://example.openai.azure.com/\"}]'\n";
    std::fs::write(root.join(".env"), env).unwrap();
    std::fs::write(
        root.join("app.py"),
        "import autogen\nfrom dotenv import load_dotenv\nload_dotenv()\nc = autogen.config_list_from_json(\"OAI_CONFIG_LIST\")\n",
    )
    .unwrap();
    let (mut client, server) = TestClient::in_process();
    client.initialize(Some(&root), false, json!({})).await;
    let uri = file_uri(&root.join(".env"));
    client.open(&uri, "dotenv", 1, env).await;
    let published = client
        .wait_diagnostics(&uri, |d| d.iter().any(|d| d["code"] == "KW106"))
        .await;
    let d = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "KW106")
        .unwrap()
        .clone();
    // The entry's opening brace, inside the quoted value.
    assert_eq!(
        d["range"],
        json!({"start": {"line": 0, "character": 18}, "end": {"line": 0, "character": 19}})
    );
    client.shutdown_and_exit().await;
    assert_eq!(server.await.unwrap(), 0);
}

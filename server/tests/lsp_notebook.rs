//! Notebooks and config lists in the language server: LSP 3.17 notebook document sync
//! (diagnostics and fixes on cell URIs, cells cleared when they go away), and a notebook or an
//! `OAI_CONFIG_LIST` opened as a plain text document (Neovim, Helix), whatever its languageId.

use std::path::Path;

use serde_json::{json, Value};
use testkit::async_client::{apply_edits, TestClient};
use testkit::paths::{file_uri, tempdir};

const CELL1: &str = "# 日本語 😀 note\nimport os\n";
const CELL2: &str = "from autogen_ext.models.openai import OpenAIChatCompletionClient\n\
                     s = \"😀\"; client = OpenAIChatCompletionClient(model=\"gpt-4o\")\n";

/// A project whose `.env` defines OPENAI_API_KEY, which nothing loads.
fn project(root: &Path) {
    std::fs::write(
        root.join(".env"),
        "OPENAI_API_KEY=sk-proj-abc123abc123abc123abc123\n",
    )
    .unwrap();
    std::fs::write(root.join("keywire.toml"), "select = [\"KW1\", \"KW2\"]\n").unwrap();
}

fn cell_uri(nb: &Path, id: &str) -> String {
    format!("vscode-notebook-cell:{}#{id}", nb.display())
}

fn cell(uri: &str) -> Value {
    json!({"kind": 2, "document": uri})
}

fn item(uri: &str, version: i32, text: &str) -> Value {
    json!({"uri": uri, "languageId": "python", "version": version, "text": text})
}

fn codes(diags: &[Value]) -> Vec<&str> {
    diags.iter().map(|d| d["code"].as_str().unwrap()).collect()
}

/// The code actions offered for `diag` on `uri`.
async fn actions(client: &mut TestClient, uri: &str, diag: &Value) -> Vec<Value> {
    client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": diag["range"],
                   "context": {"diagnostics": [diag], "only": ["quickfix"]}}),
        )
        .await
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// The edits of a workspace edit for `uri`.
fn edits_for(action: &Value, uri: &str) -> Vec<Value> {
    let edit = &action["edit"];
    let mut out = Vec::new();
    for c in edit["documentChanges"].as_array().into_iter().flatten() {
        if c["textDocument"]["uri"] == uri {
            out.extend(c["edits"].as_array().unwrap().iter().cloned());
        }
    }
    out.extend(
        edit["changes"][uri]
            .as_array()
            .into_iter()
            .flatten()
            .cloned(),
    );
    out
}

#[tokio::test]
async fn notebook_sync_reports_on_cells_and_clears_them() {
    let (_dir, root) = tempdir();
    project(&root);
    let nb_path = root.join("analysis.ipynb");
    let nb = file_uri(&nb_path);
    let (c1, c2, c3) = (
        cell_uri(&nb_path, "W0"),
        cell_uri(&nb_path, "W1"),
        cell_uri(&nb_path, "W2"),
    );
    let (mut client, _server) = TestClient::in_process();
    let init = client
        .initialize(
            Some(&root),
            false,
            json!({"notebookDocument": {"synchronization": {}}}),
        )
        .await;
    let sync = &init["capabilities"]["notebookDocumentSync"];
    assert_eq!(
        sync["notebookSelector"],
        json!([{"notebook": "jupyter-notebook", "cells": [{"language": "python"}]}])
    );

    client
        .notify(
            "notebookDocument/didOpen",
            json!({
                "notebookDocument": {"uri": nb, "notebookType": "jupyter-notebook", "version": 0,
                                     "cells": [cell(&c1), cell(&c2)]},
                "cellTextDocuments": [item(&c1, 1, CELL1), item(&c2, 1, CELL2)],
            }),
        )
        .await;
    let published = client
        .wait_diagnostics(&c2, |d| codes(d) == ["KW101"])
        .await;
    assert_eq!(published["version"], 1);
    let kw101 = published["diagnostics"][0].clone();
    // Line 2 of the cell; `s = "😀"; client = ` is 19 UTF-16 units (the emoji is 2).
    assert_eq!(
        kw101["range"],
        json!({"start": {"line": 1, "character": 19}, "end": {"line": 1, "character": 45}})
    );
    // The related location is the .env line; the notebook's own URI gets nothing.
    assert_eq!(
        kw101["relatedInformation"][0]["location"]["uri"],
        file_uri(&root.join(".env"))
    );
    // Cell 1 has nothing (published with the same pass, maybe before cell 2).
    let first = client.published.iter().find(|p| p["uri"] == c1.as_str());
    assert_eq!(first.map(|p| &p["diagnostics"]), Some(&json!([])));
    assert!(client.published.iter().all(|p| p["uri"] != nb.as_str()));

    // A third cell with the same mistake, then removed: its diagnostics are cleared.
    let cell3 = "client2 = OpenAIChatCompletionClient(model=\"gpt-4o\")\n";
    client
        .notify(
            "notebookDocument/didChange",
            json!({
                "notebookDocument": {"uri": nb, "version": 1},
                "change": {"cells": {"structure": {
                    "array": {"start": 2, "deleteCount": 0, "cells": [cell(&c3)]},
                    "didOpen": [item(&c3, 1, cell3)],
                }}},
            }),
        )
        .await;
    let third = client
        .wait_diagnostics(&c3, |d| codes(d) == ["KW101"])
        .await;
    assert_eq!(
        third["diagnostics"][0]["range"]["start"],
        json!({"line": 0, "character": 10})
    );
    client
        .notify(
            "notebookDocument/didChange",
            json!({
                "notebookDocument": {"uri": nb, "version": 2},
                "change": {"cells": {"structure": {
                    "array": {"start": 2, "deleteCount": 1},
                    "didClose": [{"uri": c3}],
                }}},
            }),
        )
        .await;
    client.wait_diagnostics(&c3, |d| d.is_empty()).await;

    // The quick fix on cell 2 edits cell 2 only; applied, the finding goes.
    let offered = actions(&mut client, &c2, &kw101).await;
    let fix = offered
        .iter()
        .find(|a| a["title"] == "Add `load_dotenv()` after the imports")
        .unwrap_or_else(|| panic!("no load_dotenv fix: {offered:#?}"));
    let edits = edits_for(fix, &c2);
    assert!(!edits.is_empty(), "{fix:#}");
    assert!(edits_for(fix, &nb).is_empty() && edits_for(fix, &c1).is_empty());
    let fixed = apply_edits(CELL2, &edits, false);
    assert!(fixed.contains("load_dotenv()\n"), "{fixed}");
    assert!(fixed.ends_with("client = OpenAIChatCompletionClient(model=\"gpt-4o\")\n"));
    client
        .notify(
            "notebookDocument/didChange",
            json!({
                "notebookDocument": {"uri": nb, "version": 3},
                "change": {"cells": {"textContent": [{
                    "document": {"uri": c2, "version": 2},
                    "changes": [{"text": fixed}],
                }]}},
            }),
        )
        .await;
    let cleared = client.wait_diagnostics(&c2, |d| d.is_empty()).await;
    assert_eq!(cleared["version"], 2);

    // Back to the mistake, then the notebook closes: its cells are cleared.
    client
        .notify(
            "notebookDocument/didChange",
            json!({
                "notebookDocument": {"uri": nb, "version": 4},
                "change": {"cells": {"textContent": [{
                    "document": {"uri": c2, "version": 3},
                    "changes": [{"text": CELL2}],
                }]}},
            }),
        )
        .await;
    client
        .wait_diagnostics(&c2, |d| codes(d) == ["KW101"])
        .await;
    client
        .notify(
            "notebookDocument/didClose",
            json!({"notebookDocument": {"uri": nb}, "cellTextDocuments": [{"uri": c1}, {"uri": c2}]}),
        )
        .await;
    let closed = client.wait_diagnostics(&c2, |d| d.is_empty()).await;
    assert!(closed["version"].is_null());
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn cells_of_a_pulling_client_are_pushed_and_answer_pulls() {
    let (_dir, root) = tempdir();
    project(&root);
    let nb_path = root.join("nb.ipynb");
    let nb = file_uri(&nb_path);
    let c1 = cell_uri(&nb_path, "A");
    let (mut client, _server) = TestClient::in_process();
    client
        .initialize(
            Some(&root),
            true,
            json!({"textDocument": {"diagnostic": {}}, "workspace": {"diagnostics": {"refreshSupport": true}}}),
        )
        .await;
    client
        .notify(
            "notebookDocument/didOpen",
            json!({
                "notebookDocument": {"uri": nb, "notebookType": "jupyter-notebook", "version": 0,
                                     "cells": [cell(&c1)]},
                "cellTextDocuments": [item(&c1, 1, CELL2)],
            }),
        )
        .await;
    // Pushed although the client pulls (UTF-8 positions: the emoji is 4 bytes).
    let pushed = client
        .wait_diagnostics(&c1, |d| codes(d) == ["KW101"])
        .await;
    assert_eq!(
        pushed["diagnostics"][0]["range"]["start"],
        json!({"line": 1, "character": 21})
    );
    let pulled = client
        .request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": c1}}),
        )
        .await;
    assert_eq!(codes(pulled["items"].as_array().unwrap()), ["KW101"]);
    // What was pushed is taken back: the pull replaces it.
    client.wait_diagnostics(&c1, |d| d.is_empty()).await;
    client.shutdown_and_exit().await;
}

/// The JSON text of a notebook with the cells above, as Jupyter writes it.
fn notebook_text() -> String {
    let source =
        |text: &str| -> Vec<String> { text.split_inclusive('\n').map(String::from).collect() };
    let nb = json!({
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Analysis\n"]},
            {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [], "source": source(CELL1)},
            {"cell_type": "code", "execution_count": 2, "metadata": {}, "outputs": [], "source": source(CELL2)},
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    });
    serde_json::to_string_pretty(&nb).unwrap() + "\n"
}

/// Line and UTF-16 column of the first `needle` after `after` in `text`.
fn position_of(text: &str, after: &str, needle: &str) -> Value {
    let offset = text.find(after).unwrap();
    let offset = offset + text[offset..].find(needle).unwrap();
    let line = text[..offset].matches('\n').count();
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let character: usize = text[start..offset].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

#[tokio::test]
async fn notebooks_and_config_lists_opened_as_text_get_json_positions() {
    let (_dir, root) = tempdir();
    project(&root);
    let (mut client, _server) = TestClient::in_process();
    client.initialize(Some(&root), false, json!({})).await;

    // A notebook opened as JSON text (Neovim, Helix): positions in the JSON.
    let nb_text = notebook_text();
    std::fs::write(root.join("nb.ipynb"), &nb_text).unwrap();
    let nb = file_uri(&root.join("nb.ipynb"));
    client.open(&nb, "json", 1, &nb_text).await;
    let published = client
        .wait_diagnostics(&nb, |d| codes(d) == ["KW101"])
        .await;
    let kw101 = published["diagnostics"][0].clone();
    assert_eq!(
        kw101["range"]["start"],
        position_of(&nb_text, "s = ", "OpenAIChatCompletionClient(")
    );
    // Its fix edits the JSON, which stays a notebook without the finding.
    let offered = actions(&mut client, &nb, &kw101).await;
    let fix = offered
        .iter()
        .find(|a| a["title"] == "Add `load_dotenv()` after the imports")
        .unwrap_or_else(|| panic!("no load_dotenv fix: {offered:#?}"));
    let fixed = apply_edits(&nb_text, &edits_for(fix, &nb), false);
    serde_json::from_str::<Value>(&fixed).expect("the fix keeps the notebook JSON");
    client.change_full(&nb, 2, &fixed).await;
    client.wait_diagnostics(&nb, |d| d.is_empty()).await;

    // OAI_CONFIG_LIST as plaintext (VS Code) and as json (Neovim, Helix).
    let list = "[\n  {\"model\": \"gpt-4o\", \"temprature\": 0.2}\n]\n";
    for (name, language) in [
        ("OAI_CONFIG_LIST", "plaintext"),
        ("OAI_CONFIG_LIST.json", "json"),
    ] {
        std::fs::write(root.join(name), list).unwrap();
        let uri = file_uri(&root.join(name));
        client.open(&uri, language, 1, list).await;
        let published = client
            .wait_diagnostics(&uri, |d| codes(d) == ["KW102"])
            .await;
        assert_eq!(
            published["diagnostics"][0]["range"],
            json!({"start": {"line": 1, "character": 22}, "end": {"line": 1, "character": 34}}),
            "{name} as {language}"
        );
    }
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn hover_and_definition_in_a_cell() {
    let (_dir, root) = tempdir();
    project(&root);
    let nb_path = root.join("keys.ipynb");
    let nb = file_uri(&nb_path);
    let (c1, c2) = (cell_uri(&nb_path, "K0"), cell_uri(&nb_path, "K1"));
    let (mut client, _server) = TestClient::in_process();
    client
        .initialize(
            Some(&root),
            false,
            json!({"notebookDocument": {"synchronization": {}}}),
        )
        .await;
    let second = "# 😀\nkey = os.environ[\"OPENAI_API_KEY\"]\n";
    client
        .notify(
            "notebookDocument/didOpen",
            json!({
                "notebookDocument": {"uri": nb, "notebookType": "jupyter-notebook", "version": 0,
                                     "cells": [cell(&c1), cell(&c2)]},
                "cellTextDocuments": [item(&c1, 1, CELL1), item(&c2, 1, second)],
            }),
        )
        .await;
    // Analysed (the .env nothing loads: a hint in a notebook).
    client.wait_diagnostics(&c2, |d| !d.is_empty()).await;
    // On `OPENAI_API_KEY` in cell 2, line 2.
    let at = json!({"textDocument": {"uri": c2}, "position": {"line": 1, "character": 22}});
    let hover = client.request("textDocument/hover", at.clone()).await;
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("OPENAI_API_KEY"), "{hover}");
    assert!(!text.contains("abc123"), "the value leaked: {text}");
    let defs = client.request("textDocument/definition", at).await;
    assert_eq!(defs[0]["uri"], file_uri(&root.join(".env")), "{defs}");
    // Off the read (the comment line): nothing.
    let off = json!({"textDocument": {"uri": c2}, "position": {"line": 0, "character": 1}});
    assert_eq!(client.request("textDocument/hover", off).await, Value::Null);
}

//! KW401 secret-in-output: a committed notebook output shows a real-looking API key.
//!
//! A notebook keeps what its cells printed: a bare `config_list` or `print(config)` cell shows
//! the key the config file or the environment held, `%env OPENAI_API_KEY=…` echoes its value,
//! and a traceback may quote it. Committing the notebook publishes the key; deleting the config
//! file or `.env` later does not remove these copies, and providers revoke keys that scanners
//! find, so the next run fails with 401.
//!
//! Reported once per cell whose outputs (streams, `execute_result` and `display_data` text,
//! error tracebacks) hold a key, at the first one (the message says how many keys there are,
//! or how often one key is shown):
//! a token with a provider's key prefix (OpenAI `sk-`, Anthropic `sk-ant-`, Groq `gsk_`, Google
//! `AIza`, OpenRouter `sk-or-`, xAI `xai-`, Hugging Face `hf_`, Perplexity `pplx-`, Cerebras
//! `csk-`) followed by 20+ random-looking characters, or a key-like value right after a
//! credential name (`'api_key': '…'`, `OPENAI_API_KEY=…`), such as Azure's 32 hex characters.
//! Not reported: placeholders and demo values (`sk-your-key-here`, `sk-111…`, `sk-fake`,
//! counting runs), local servers' dummy keys (`NULL`, `EMPTY`, `ollama`, `lm-studio`), keys
//! shown masked (`sk-abc***…`, `AIzaS...`), values the notebook's code or the output's own line
//! calls fake, values after a bare `key` or `token` or a name of an identifier or hash
//! (`cache_key`, `next_token`), and words or URLs that merely contain a prefix
//! (`https://x.com/musk-…`). The message describes the key by provider, length and
//! fingerprint only.
//!
//! Bad:
//! ```python
//! config_list = autogen.config_list_from_json("OAI_CONFIG_LIST")
//! config_list   # the output shows [{'model': 'gpt-4o', 'api_key': 'sk-proj-…'}]
//! ```
//! Good:
//! ```python
//! config_list = autogen.config_list_from_json("OAI_CONFIG_LIST")
//! [entry["model"] for entry in config_list]
//! ```
//!
//! Fix "Clear this cell's outputs" (safe): what Jupyter's "Clear Outputs" does: the cell's
//! `outputs` become `[]` and its `execution_count` `null`. The key stays in the repository's
//! history: revoke it as well.

use std::ops::Range;
use std::path::Path;

use crate::engine::diagnostic::{with_article, Edit, Finding, Fix};
use crate::engine::json::{self, Json, JsonKind, StringMap};
use crate::engine::notebook::{Cell, Notebook, OutputText};
use crate::engine::rules::Rule;
use crate::engine::secrets;
use crate::engine::text::Span;

/// Findings for the outputs of every cell of `notebook`, read from `text` (the `.ipynb` file at
/// `path`): one per cell whose outputs show a key, with a fix that clears them. Nothing of an
/// output is kept.
pub fn check(path: &Path, text: &str, notebook: &Notebook, out: &mut Vec<Finding>) {
    for cell in &notebook.cells {
        check_cell(path, text, notebook, cell, out);
    }
}

fn check_cell(path: &Path, text: &str, notebook: &Notebook, cell: &Cell, out: &mut Vec<Finding>) {
    let mut first: Option<(Span, String)> = None;
    let mut fingerprints: Vec<String> = Vec::new();
    let mut occurrences = 0;
    for output in &cell.outputs {
        for secret in secrets::scan_output(&output.text) {
            let value = &output.text[secret.span.clone()];
            if notebook
                .cells
                .iter()
                .any(|c| secrets::labelled_fake_in(&c.source, value))
            {
                continue;
            }
            occurrences += 1;
            if !fingerprints.contains(&secret.fingerprint) {
                fingerprints.push(secret.fingerprint);
            }
            if first.is_none() {
                let span = notebook_span(text, output, secret.span)
                    .unwrap_or_else(|| Span::new(output.span.start, output.span.end));
                first = Some((span, secret.description));
            }
        }
    }
    let Some((span, description)) = first else {
        return;
    };
    let key = with_article(&description);
    // The span is in the JSON text (outputs have no lines of a cell): the message names the cell.
    let n_cell = cell.index + 1;
    let shown = match (fingerprints.len(), occurrences) {
        (1, 1) => format!("the output of cell {n_cell} shows {key}"),
        (1, n) => format!("the outputs of cell {n_cell} show {key} {n} times"),
        (keys, _) => format!("the outputs of cell {n_cell} show {keys} keys, the first {key}"),
    };
    let mut finding = Finding::new(
        Rule::KW401,
        path,
        span,
        format!(
            "{shown}: outputs are committed with the notebook, so the key leaks with it; clear \
             the outputs and revoke the key"
        ),
    );
    if let Some(fix) = clear_outputs(path, text, cell) {
        finding = finding.fix(fix);
    }
    out.push(finding);
}

/// Where a byte range of an output's decoded text sits in the notebook text. The output is a
/// JSON string or a list of strings joined (as [`OutputText::text`] joins them).
fn notebook_span(text: &str, output: &OutputText, decoded: Range<usize>) -> Option<Span> {
    let base = output.span.start;
    let value = json::parse(text.get(output.span.clone())?).ok()?;
    let pieces: Vec<&Json> = match &value.kind {
        JsonKind::String(_) => vec![&value],
        JsonKind::Array(items) => items.iter().filter(|v| v.as_str().is_some()).collect(),
        _ => return None,
    };
    let (mut start, mut end) = (None, None);
    let mut at = 0;
    for piece in pieces {
        let len = piece.as_str()?.len();
        let map = StringMap::new(text, base + piece.span.start..base + piece.span.end);
        if start.is_none() && decoded.start < at + len {
            start = Some(map.raw_offset(decoded.start - at));
        }
        if start.is_some() && decoded.end <= at + len {
            end = Some(map.raw_offset(decoded.end - at));
            break;
        }
        at += len;
    }
    Some(Span::new(start?, end?))
}

/// Jupyter's "Clear Outputs": `outputs` becomes `[]`, `execution_count` `null`.
fn clear_outputs(path: &Path, text: &str, cell: &Cell) -> Option<Fix> {
    let outputs = cell.outputs_span.clone()?;
    let mut edits = vec![Edit {
        path: path.to_path_buf(),
        span: Span::new(outputs.start, outputs.end),
        new_text: "[]".to_string(),
        create: false,
    }];
    let base = cell.span.start;
    let object = json::parse(text.get(cell.span.clone())?).ok()?;
    if let Some(count) = object.get("execution_count") {
        if count.value.kind != JsonKind::Null {
            edits.push(Edit {
                path: path.to_path_buf(),
                span: Span::new(base + count.value.span.start, base + count.value.span.end),
                new_text: "null".to_string(),
                create: false,
            });
        }
    }
    edits.sort_by_key(|e| e.span.start);
    Some(Fix {
        title: "Clear this cell's outputs".to_string(),
        edits,
        safe: true,
        sensitive: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::fix;

    const BASE62: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    fn random_chars(seed: u64, n: usize) -> String {
        secrets::random_chars(seed, n, BASE62)
    }

    fn openai_key(seed: u64) -> String {
        format!("sk-proj-{}", random_chars(seed, 48))
    }

    /// A notebook of code cells: (source lines, outputs as JSON values, execution count).
    fn notebook(cells: &[(&[&str], Vec<serde_json::Value>)]) -> String {
        let cells: Vec<serde_json::Value> = cells
            .iter()
            .enumerate()
            .map(|(i, (source, outputs))| {
                serde_json::json!({
                    "cell_type": "code",
                    "execution_count": i + 1,
                    "metadata": {},
                    "outputs": outputs,
                    "source": source,
                })
            })
            .collect();
        let nb = serde_json::json!({
            "cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5
        });
        serde_json::to_string_pretty(&nb).unwrap()
    }

    fn stream(lines: &[&str]) -> serde_json::Value {
        serde_json::json!({"name": "stdout", "output_type": "stream", "text": lines})
    }

    fn result(text: &str) -> serde_json::Value {
        serde_json::json!({
            "data": {"text/plain": [text]},
            "execution_count": 1,
            "metadata": {},
            "output_type": "execute_result",
        })
    }

    fn run(text: &str) -> Vec<Finding> {
        let nb = Notebook::parse(text).unwrap();
        let mut out = Vec::new();
        check(Path::new("/proj/demo.ipynb"), text, &nb, &mut out);
        out
    }

    fn apply_first_fix(text: &str, finding: &Finding) -> String {
        let edits: Vec<&Edit> = finding.fixes[0].edits.iter().collect();
        fix::apply(text, &edits).unwrap()
    }

    #[test]
    fn a_printed_config_list_leaks_its_key() {
        let key = openai_key(1);
        let repr = format!("[{{'model': 'gpt-4o', 'api_key': '{key}'}}]");
        let text = notebook(&[
            (&["import autogen\n"], vec![]),
            (&["config_list"], vec![result(&repr)]),
        ]);
        let found = run(&text);
        assert_eq!(found.len(), 1, "{found:#?}");
        let f = &found[0];
        assert_eq!(f.rule, Rule::KW401);
        assert_eq!(&text[f.span.start..f.span.end], key);
        assert_eq!(
            f.message,
            format!(
                "the output of cell 2 shows an OpenAI key (sk-proj-…, 56 chars, fingerprint {}): \
                 outputs are committed with the notebook, so the key leaks with it; clear the \
                 outputs and revoke the key",
                secrets::fingerprint(&key)
            )
        );
        assert!(!f.message.contains(&key[8..16]));
        let fixed = apply_first_fix(&text, f);
        assert!(run(&fixed).is_empty());
        let cell = &Notebook::parse(&fixed).unwrap().cells[1];
        assert!(cell.outputs.is_empty());
        assert!(fixed.contains("\"execution_count\": null"));
        assert!(
            fixed.contains("\"execution_count\": 1,"),
            "other cells keep theirs"
        );
        assert!(f.fixes[0].safe && !f.fixes[0].sensitive);
    }

    #[test]
    fn spans_map_through_escapes_and_joined_lines() {
        let key = openai_key(2);
        let line = format!("\t\"é\" env: OPENAI_API_KEY={key}\n");
        let text = notebook(&[(
            &["%env OPENAI_API_KEY=…\n"],
            vec![stream(&["first line\n", &line, "done\n"])],
        )]);
        let found = run(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].span.start..found[0].span.end], key);
    }

    #[test]
    fn one_finding_per_cell_counts_its_keys() {
        let (a, b, c) = (openai_key(3), openai_key(4), openai_key(5));
        let text = notebook(&[
            (
                &["print(config_list)"],
                vec![
                    stream(&[&format!("[{{'api_key': '{a}'}}, {{'api_key': '{b}'}}]\n")]),
                    stream(&[&format!("{c}\n")]),
                ],
            ),
            (&["x = 1"], vec![stream(&[&format!("{b}\n")])]),
        ]);
        let found = run(&text);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_eq!(&text[found[0].span.start..found[0].span.end], a);
        assert!(found[0].message.starts_with(
            "the outputs of cell 1 show 3 keys, the first an OpenAI key (sk-proj-…, 56 chars"
        ));
        assert!(found[1]
            .message
            .starts_with("the output of cell 2 shows an OpenAI key"));
        // The same key twice is one key.
        let text = notebook(&[(
            &["config_list"],
            vec![result(&format!(
                "[{{'api_key': '{a}'}}, {{'api_key': '{a}'}}]"
            ))],
        )]);
        let found = run(&text);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.starts_with(&format!(
                "the outputs of cell 1 show an OpenAI key (sk-proj-…, 56 chars, fingerprint {}) 2 \
                 times:",
                secrets::fingerprint(&a)
            )),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn keys_the_code_calls_fake_and_decoys_stay_silent() {
        let key = openai_key(6);
        let text = notebook(&[
            (
                &[&format!(
                    "config_list = [{{'model': 'gpt-4', 'api_key': '{key}'}}]  # fake key\n"
                )],
                vec![],
            ),
            (
                &["config_list"],
                vec![result(&format!("[{{'model': 'gpt-4', 'api_key': '{key}'}}]"))],
            ),
            (
                &["local"],
                vec![result(
                    "[{'model': 'llama3', 'api_key': 'ollama', 'base_url': 'http://localhost:11434/v1'}, {'api_key': 'NULL'}, {'api_key': 'lm-studio'}, {'api_key': 'EMPTY'}, {'api_key': 'sk-fake'}, {'api_key': 'sk-1111111111111111111111111111'}]",
                )],
            ),
            (
                &["print(url)"],
                vec![stream(&[&format!(
                    "https://x.com/musk-{}\n",
                    random_chars(7, 40)
                )])],
            ),
            (
                &["config_list"],
                vec![result("[{'api_key': 'sk-*********************', 'model': 'gpt-4'}]")],
            ),
        ]);
        assert_eq!(run(&text), Vec::<Finding>::new());
    }

    /// No 8 characters of a key beyond its public prefix appear in a message, a fix title or
    /// an edit.
    #[test]
    fn findings_never_show_a_key() {
        let keys = [
            openai_key(8),
            format!("sk-ant-api03-{}", random_chars(9, 95)),
            format!("gsk_{}", random_chars(10, 52)),
            format!("AIza{}", random_chars(11, 35)),
        ];
        let azure: String = random_chars(12, 200)
            .chars()
            .filter(char::is_ascii_hexdigit)
            .map(|c| c.to_ascii_lowercase())
            .take(32)
            .collect();
        assert_eq!(azure.len(), 32);
        let outputs: Vec<serde_json::Value> = keys
            .iter()
            .map(|k| stream(&[&format!("env: OPENAI_API_KEY={k}\n")]))
            .chain([result(&format!("{{'api_key': '{azure}'}}"))])
            .collect();
        let cells: Vec<(&[&str], Vec<serde_json::Value>)> =
            outputs.into_iter().map(|o| (&["x"][..], vec![o])).collect();
        let text = notebook(&cells);
        let found = run(&text);
        assert_eq!(found.len(), 5, "{found:#?}");
        let mut shown = String::new();
        for f in &found {
            shown.push_str(&f.message);
            for fix in &f.fixes {
                shown.push_str(&fix.title);
                for e in &fix.edits {
                    shown.push_str(&e.new_text);
                }
            }
        }
        for key in keys.iter().chain([&azure]) {
            let prefix = crate::engine::providers::public_prefix(key).map_or(0, str::len);
            for start in prefix..key.len() - 8 {
                assert!(
                    !shown.contains(&key[start..start + 8]),
                    "a piece of a key is shown"
                );
            }
        }
    }

    #[test]
    fn hostile_notebooks_never_panic() {
        for text in [
            r#"{"cells": [{"cell_type": "code", "outputs": [{"text": 3}, {"data": {"text/plain": [1, "x"]}}]}]}"#,
            r#"{"cells": [{"cell_type": "code", "outputs": "sk-", "execution_count": "x"}]}"#,
            r#"{"cells": [{"outputs": [{"text": ["api_key=", "\u00e9"]}]}]}"#,
        ] {
            let _ = run(text);
        }
    }
}

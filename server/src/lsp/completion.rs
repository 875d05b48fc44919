//! `textDocument/completion` in Python files, inside string literals:
//!
//! - variable names inside `os.environ["…"]`, `os.getenv("…")`, `os.environ.get("…")`: keys
//!   of the .env files in scope — loaded ones first, then the rest (marked "not loaded"),
//!   templates last — plus names set in code and `assume-defined`;
//! - config keys in a dict key position of a config dict (a dict literal that already has
//!   `model`, `api_key`, `api_type` or `base_url`, or sits in a `config_list`);
//! - `api_type` values (`engine::providers::api_types()`) after `"api_type": "` or
//!   `api_type="`.
//!
//! The context is read from the document's current text and its incrementally maintained
//! tree-sitter tree (which is what lets it work while the line is still being typed).

use std::collections::BTreeMap;
use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse, CompletionTextEdit,
    TextEdit,
};
use tree_sitter::Tree;

use super::position::{Encoding, LineIndex};
use super::session::Shared;
use crate::engine::providers;
use crate::engine::resolve::ModuleScope;
use crate::engine::workspace::{FileKind, Workspace};
use crate::engine::Span;

/// Keys that make a dict literal a config entry.
const CONFIG_MARKERS: &[&str] = &["model", "api_key", "api_type", "base_url"];

#[derive(Debug, PartialEq, Eq)]
pub enum Context {
    EnvVar,
    ConfigKey,
    ApiType,
}

/// The completion context at `offset`: what to complete and the span of the partial word
/// (inside the quotes) it replaces.
pub fn context(text: &str, tree: Option<&Tree>, offset: usize) -> Option<(Context, Span)> {
    let line_start = text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let prefix = &text[line_start..offset];
    let word_len = prefix
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-' || *c == '.')
        .map(char::len_utf8)
        .sum::<usize>();
    let before_word = &prefix[..prefix.len() - word_len];
    before_word
        .chars()
        .last()
        .filter(|c| *c == '"' || *c == '\'')?;
    let before_quote = before_word[..before_word.len() - 1].trim_end();
    let rest = &text[offset..];
    let tail = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-' || *c == '.')
        .map(char::len_utf8)
        .sum::<usize>();
    let span = Span::new(offset - word_len, offset + tail);
    let compact: String = before_quote
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if compact.ends_with("environ[")
        || compact.ends_with("getenv(")
        || compact.ends_with("environ.get(")
        || compact.ends_with("environ.pop(")
    {
        return Some((Context::EnvVar, span));
    }
    if compact.ends_with("\"api_type\":")
        || compact.ends_with("'api_type':")
        || compact.ends_with("api_type=")
    {
        return Some((Context::ApiType, span));
    }
    if (compact.ends_with('{') || compact.ends_with(',')) && in_config_dict(text, tree, offset) {
        return Some((Context::ConfigKey, span));
    }
    None
}

/// Whether `offset` sits in a dict literal that looks like a config entry.
fn in_config_dict(text: &str, tree: Option<&Tree>, offset: usize) -> bool {
    let Some(tree) = tree else {
        return false;
    };
    let Some(mut node) = tree
        .root_node()
        .descendant_for_byte_range(offset.saturating_sub(1), offset)
    else {
        return false;
    };
    loop {
        if node.kind() == "dictionary" {
            let body = &text[node.start_byte()..node.end_byte().min(text.len())];
            let has_marker = CONFIG_MARKERS
                .iter()
                .any(|k| body.contains(&format!("\"{k}\"")) || body.contains(&format!("'{k}'")));
            let in_list = node
                .parent()
                .and_then(|p| p.parent())
                .map(|gp| {
                    let t = &text[gp.start_byte()..gp.end_byte().min(text.len())];
                    t.contains("config_list")
                })
                .unwrap_or(false);
            return has_marker || in_list;
        }
        match node.parent() {
            Some(parent) => node = parent,
            None => return false,
        }
    }
}

pub async fn completion(
    shared: &Arc<Shared>,
    params: CompletionParams,
) -> Result<Option<CompletionResponse>> {
    let pos = params.text_document_position;
    let uri = pos.text_document.uri;
    let (text, tree, path, enc, ws) = {
        let mut guard = shared.lock();
        let s = &mut *guard;
        let enc = s.enc;
        let Some(doc) = s.docs.get(&uri) else {
            return Ok(None);
        };
        if doc.kind != FileKind::Python {
            return Ok(None);
        }
        let key = s.scope_of_doc(doc);
        let ws = s.scopes.get(&key).map(|sc| sc.ws.clone());
        let path = doc.path.clone();
        let Some(doc) = s.docs.get_mut(&uri) else {
            return Ok(None);
        };
        let tree = doc.tree().cloned();
        (doc.text(), tree, path, enc, ws)
    };
    let items = tokio::task::spawn_blocking(move || {
        items(
            &text,
            tree.as_ref(),
            &path,
            pos.position,
            enc,
            ws.as_deref(),
        )
    })
    .await
    .unwrap_or_default();
    Ok((!items.is_empty()).then_some(CompletionResponse::Array(items)))
}

fn items(
    text: &str,
    tree: Option<&Tree>,
    path: &std::path::Path,
    pos: tower_lsp_server::ls_types::Position,
    enc: Encoding,
    ws: Option<&Workspace>,
) -> Vec<CompletionItem> {
    let index = LineIndex::new(text);
    let offset = index.offset(text, pos, enc);
    let Some((ctx, span)) = context(text, tree, offset) else {
        return Vec::new();
    };
    let range = index.range(text, span, enc);
    let item = |label: String, detail: String, sort: String, kind| CompletionItem {
        text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
            range,
            label.clone(),
        ))),
        filter_text: Some(label.clone()),
        label,
        detail: Some(detail),
        sort_text: Some(sort),
        kind: Some(kind),
        ..Default::default()
    };
    match ctx {
        Context::ApiType => providers::api_types()
            .map(|t| {
                let p = providers::provider_for_api_type(t);
                item(
                    t.to_string(),
                    p.display.to_string(),
                    t.to_string(),
                    CompletionItemKind::ENUM_MEMBER,
                )
            })
            .collect(),
        Context::ConfigKey => providers::CONFIG_ENTRY_KEYS
            .iter()
            .enumerate()
            .map(|(i, k)| {
                item(
                    (*k).to_string(),
                    "config key".into(),
                    format!("{i:02}"),
                    CompletionItemKind::PROPERTY,
                )
            })
            .collect(),
        Context::EnvVar => {
            let Some(ws) = ws else {
                return Vec::new();
            };
            env_names(ws, path)
                .into_iter()
                .map(|(name, (rank, detail))| {
                    item(
                        name.clone(),
                        detail,
                        format!("{rank}{name}"),
                        CompletionItemKind::VARIABLE,
                    )
                })
                .collect()
        }
    }
}

/// Variable names for a module: rank (0 loaded/defined, 1 in a .env not loaded, 2 template)
/// and where they come from.
fn env_names(ws: &Workspace, path: &std::path::Path) -> BTreeMap<String, (u8, String)> {
    let scope = ModuleScope::new(ws, path);
    let mut out: BTreeMap<String, (u8, String)> = BTreeMap::new();
    let mut add = |name: &str, rank: u8, detail: String| {
        let slot = out
            .entry(name.to_string())
            .or_insert((u8::MAX, String::new()));
        if rank < slot.0 {
            *slot = (rank, detail);
        }
    };
    for name in scope.defined_names() {
        let lookup = scope.lookup(&name);
        let detail = match lookup.loaded.first() {
            Some((def, _)) => format!("{} (loaded)", ws.display_path(def.env)),
            None if lookup.assumed => "assume-defined".into(),
            None if !lookup.written.is_empty() => "set in code".into(),
            None => "defined".into(),
        };
        add(&name, 0, detail);
    }
    for (env, file) in ws.env_files() {
        for e in &file.parsed.entries {
            if file.template {
                add(&e.key, 2, format!("{} (template)", ws.display_path(env)));
            } else {
                add(
                    &e.key,
                    1,
                    format!("{} (not loaded here)", ws.display_path(env)),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::document::parse_rope;

    fn ctx_at(text: &str, marker: &str) -> Option<(Context, Span)> {
        let offset = text.find(marker).unwrap();
        let text = text.replacen(marker, "", 1);
        let tree = parse_rope(&ropey::Rope::from_str(&text), None);
        context(&text, tree.as_ref(), offset)
    }

    #[test]
    fn contexts() {
        let (c, span) = ctx_at("import os\nos.environ[\"OPE|\"]\n", "|").unwrap();
        assert_eq!(c, Context::EnvVar);
        assert_eq!(span, Span::new(22, 25));
        assert_eq!(ctx_at("x = os.getenv('|", "|").unwrap().0, Context::EnvVar);
        assert_eq!(
            ctx_at("c = {\"model\": \"gpt-4o\", \"api_type\": \"az|\"}", "|")
                .unwrap()
                .0,
            Context::ApiType
        );
        assert_eq!(
            ctx_at("c = {\"model\": \"gpt-4o\", \"|\"}", "|").unwrap().0,
            Context::ConfigKey
        );
        assert_eq!(ctx_at("c = {\"x\": 1, \"|\"}", "|"), None);
        assert_eq!(ctx_at("print(\"|\")", "|"), None);
        assert_eq!(ctx_at("x = f\"{os.environ[|", "|"), None);
    }
}

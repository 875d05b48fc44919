//! `textDocument/documentSymbol` for .env files: one symbol per `KEY=value`, the value
//! described (provider, length, fingerprint) and never shown.

use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, SymbolKind,
};

use super::position::LineIndex;
use super::session::Shared;
use crate::engine::workspace::FileKind;
use crate::engine::{dotenv, secrets};

pub async fn document_symbol(
    shared: &Arc<Shared>,
    params: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>> {
    let uri = params.text_document.uri;
    let (text, enc) = {
        let mut s = shared.lock();
        let enc = s.enc;
        let Some(doc) = s.docs.get_mut(&uri) else {
            return Ok(None);
        };
        if !matches!(doc.kind, FileKind::Env | FileKind::EnvTemplate) {
            return Ok(None);
        }
        (doc.text(), enc)
    };
    let parsed = dotenv::parse(&text);
    let index = LineIndex::new(&text);
    #[allow(deprecated)]
    let symbols = parsed
        .entries
        .iter()
        .map(|e| DocumentSymbol {
            name: e.key.clone(),
            detail: Some(match e.value.as_deref() {
                None => "no value".to_string(),
                Some("") => "empty".to_string(),
                Some(v) => secrets::describe(v),
            }),
            kind: SymbolKind::VARIABLE,
            tags: None,
            deprecated: None,
            range: index.range(&text, e.span, enc),
            selection_range: index.range(&text, e.key_span, enc),
            children: None,
        })
        .collect();
    Ok(Some(DocumentSymbolResponse::Nested(symbols)))
}

//! Findings → LSP diagnostics (push via `textDocument/publishDiagnostics` from the analysis
//! worker, or pull via `textDocument/diagnostic`).
//!
//! Each diagnostic carries, in `data`, the finding's fixes with their edits already converted
//! to LSP ranges for every file they touch ([`DiagnosticData`]); code actions read them back.
//!
//! Push or pull: a client that advertises `textDocument.diagnostic` gets a `diagnosticProvider`
//! and only pull results (the spec leaves it to the server; pushing as well would show every
//! finding twice in clients that merge both). When something such a client already pulled
//! changes because of another file, the server sends `workspace/diagnostic/refresh` (when the
//! client supports it).
//!
//! The handler only: install, snapshot and check are [`snapshot`](super::snapshot)'s,
//! conversion is [`convert`](super::convert)'s.

use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    DocumentDiagnosticParams, DocumentDiagnosticReport, DocumentDiagnosticReportResult,
    FullDocumentDiagnosticReport, RelatedFullDocumentDiagnosticReport,
    RelatedUnchangedDocumentDiagnosticReport, UnchangedDocumentDiagnosticReport,
};

use super::convert::hash;
use super::session::Shared;
use super::snapshot;

/// `textDocument/diagnostic`.
pub async fn pull(
    shared: &Arc<Shared>,
    params: DocumentDiagnosticParams,
) -> Result<DocumentDiagnosticReportResult> {
    let uri = params.text_document.uri;
    // A notebook cell's diagnostics come from its notebook's check.
    let notebook = shared.lock().notebook_of_cell(&uri);
    let target = notebook.clone().unwrap_or_else(|| uri.clone());
    let items = match snapshot::fresh(shared, Some(&target), &target).await {
        Some(snapshot) => tokio::task::spawn_blocking(move || snapshot::check(&snapshot))
            .await
            .unwrap_or_default()
            .into_iter()
            .find(|c| c.uri == target)
            .map(|c| match &notebook {
                Some(_) => c
                    .cells
                    .into_iter()
                    .find(|cell| cell.uri == uri)
                    .map(|cell| cell.diagnostics)
                    .unwrap_or_default(),
                None => c.diagnostics,
            })
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let h = hash(&items);
    // A cell pushed before the client first pulled it: clear what was pushed, which the pull
    // replaces (pushes stop once a cell is pulled).
    let mut clear_pushed = false;
    {
        let mut s = shared.lock();
        match &notebook {
            Some(nb) => {
                if let Some(cell) = s.notebooks.get_mut(nb).and_then(|n| n.cell_mut(&uri)) {
                    clear_pushed = cell.pulled.is_none() && cell.published.take().is_some();
                    cell.pulled = Some(h);
                }
            }
            None => {
                if let Some(doc) = s.docs.get_mut(&uri) {
                    doc.pulled = Some(h);
                }
            }
        }
    }
    if clear_pushed {
        shared
            .client
            .publish_diagnostics(uri.clone(), Vec::new(), None)
            .await;
    }
    let result_id = format!("{h:016x}");
    let report = if params.previous_result_id.as_deref() == Some(result_id.as_str()) {
        DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
            related_documents: None,
            unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport { result_id },
        })
    } else {
        DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport {
                result_id: Some(result_id),
                items,
            },
        })
    };
    Ok(DocumentDiagnosticReportResult::Report(report))
}

//! Snapshots and the engine call: what a check needs, taken under the lock in one go (cheap
//! `Arc` clones of the workspaces), and the check itself (engine, then converter), run on the
//! blocking pool.
//!
//! Requests about one document ([`fresh`]) install it first, so they see its current version.
//! Must never publish (the worker does) nor touch the disk.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;

use tower_lsp_server::ls_types::{Diagnostic, Uri};

use super::convert::{Converter, OpenDoc};
use super::document::Document;
use super::install::install_documents;
use super::notebook::{self, CellChecked, CellSnap};
use super::position::Encoding;
use super::session::{ScopeKey, Shared};
use crate::engine::workspace::{FileKind, Workspace};
use crate::engine::{Finding, Reach};

impl OpenDoc {
    pub fn of(doc: &Document) -> OpenDoc {
        OpenDoc {
            uri: doc.uri.clone(),
            version: doc.version,
            text: doc.text_snapshot(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct DocSnap {
    pub uri: Uri,
    pub version: i32,
    pub path: PathBuf,
    pub kind: FileKind,
    pub text: Arc<str>,
    pub scope: ScopeKey,
    /// Checked before its workspace is indexed: only findings no other file can change.
    pub provisional: bool,
    /// A notebook synced cell by cell: the cells its text was made from.
    pub cells: Option<Arc<[CellSnap]>>,
}

#[derive(Clone, Debug)]
pub struct ScopeSnap {
    pub ws: Arc<Workspace>,
}

/// Everything an analysis needs, taken under the lock in one go.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub enc: Encoding,
    /// The client shows `relatedInformation` (else related locations join the message).
    pub related: bool,
    /// Documents to check (installed, in a ready scope).
    pub docs: Vec<DocSnap>,
    /// Every open document by path (their text wins over disk for related locations and
    /// edits).
    pub open: Arc<HashMap<PathBuf, OpenDoc>>,
    pub scopes: HashMap<ScopeKey, ScopeSnap>,
}

impl Snapshot {
    pub fn converter(&self, doc: &DocSnap) -> Option<Converter<'_>> {
        let scope = self.scopes.get(&doc.scope)?;
        Some(Converter::new(
            self.enc,
            self.related,
            &self.open,
            &scope.ws,
        ))
    }
}

/// Snapshot the documents that are ready to check (all, or just `only`). None when there is
/// nothing to do.
pub fn snapshot(shared: &Shared, only: Option<&Uri>) -> Option<Snapshot> {
    let s = shared.lock();
    if s.shut_down {
        return None;
    }
    let mut open = HashMap::new();
    let mut docs = Vec::new();
    let mut scopes = HashMap::new();
    for doc in s.docs.values() {
        let open_doc = OpenDoc::of(doc);
        let text = open_doc.text.clone();
        open.insert(doc.path.clone(), open_doc);
        if doc.kind == FileKind::Other || only.is_some_and(|u| *u != doc.uri) {
            continue;
        }
        let key = s.scope_of_doc(doc);
        let Some(scope) = s.scopes.get(&key).filter(|sc| sc.ready) else {
            continue;
        };
        if doc.installed != Some((scope.generation, doc.version)) {
            continue;
        }
        scopes.entry(key.clone()).or_insert_with(|| ScopeSnap {
            ws: scope.ws.clone(),
        });
        docs.push(DocSnap {
            uri: doc.uri.clone(),
            version: doc.version,
            path: doc.path.clone(),
            kind: doc.kind,
            text,
            scope: key,
            provisional: false,
            cells: doc.cells.clone(),
        });
    }
    Some(Snapshot {
        enc: s.enc,
        related: s.caps.related_information,
        docs,
        open: Arc::new(open),
        scopes,
    })
}

/// Install open documents (every one, or just `install`), then snapshot `uri`: what a request
/// about one document sees (its current version; with every open document installed, spans in
/// other open files match their text too).
pub async fn fresh(shared: &Arc<Shared>, install: Option<&Uri>, uri: &Uri) -> Option<Snapshot> {
    install_documents(shared, install).await;
    snapshot(shared, Some(uri))
}

/// A document's diagnostics, computed for `version`.
pub struct Checked {
    pub uri: Uri,
    pub version: i32,
    pub diagnostics: Vec<Diagnostic>,
    /// A notebook synced cell by cell: each cell's diagnostics (`diagnostics` is empty: the
    /// notebook's own URI gets none).
    pub cells: Vec<CellChecked>,
}

/// Check every document of the snapshot (blocking: run it on the blocking pool).
pub fn check(snapshot: &Snapshot) -> Vec<Checked> {
    snapshot
        .docs
        .iter()
        .filter_map(|doc| {
            let conv = snapshot.converter(doc)?;
            let findings = findings(&conv, doc);
            if let Some(cells) = &doc.cells {
                let enc = snapshot.enc;
                return Some(Checked {
                    uri: doc.uri.clone(),
                    version: doc.version,
                    diagnostics: Vec::new(),
                    cells: notebook::cell_results(
                        &conv, enc, &doc.path, &doc.text, cells, &findings,
                    ),
                });
            }
            Some(Checked {
                uri: doc.uri.clone(),
                version: doc.version,
                diagnostics: findings
                    .iter()
                    .map(|f| conv.diagnostic(f, &doc.path, doc.version))
                    .collect(),
                cells: Vec::new(),
            })
        })
        .collect()
}

/// The engine's findings for a document of the snapshot. A panicking rule costs that
/// document its findings, nothing more.
pub fn findings(conv: &Converter, doc: &DocSnap) -> Vec<Finding> {
    let ws = conv.ws();
    let reach = if doc.provisional {
        Reach::Local
    } else {
        Reach::Workspace
    };
    let run = || ws.check_file(&doc.path, &doc.text, reach);
    std::panic::catch_unwind(AssertUnwindSafe(run)).unwrap_or_else(|_| {
        tracing::error!("the engine panicked checking {}", doc.path.display());
        Vec::new()
    })
}

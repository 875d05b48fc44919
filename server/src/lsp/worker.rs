//! The analysis worker: turns the document store into published diagnostics, off the
//! notification path.
//!
//! Notification handlers only mutate the session (in arrival order, under the mutex) and
//! `wake` this worker, which runs one *pass* (at once; wake-ups during a pass coalesce into the
//! next one):
//!
//! 1. make sure every open document has a scope, and (re)index scopes from disk
//!    ([`scopes`](super::scopes));
//! 2. re-read files changed on disk or closed, and install every open document's current text
//!    into its workspace ([`install`](super::install));
//! 3. snapshot the workspaces (cheap `Arc` clones) and check every open document on the
//!    blocking pool ([`snapshot`](super::snapshot): the engine, then the converter), not before
//!    the first `workspace/configuration` pull is answered, so the first diagnostics already
//!    follow the editor's settings;
//! 4. publish ([`publish`]) — but only results whose document still has the version they were
//!    computed for, and only when they differ from what was last published for that version.
//!
//! Passes never overlap (one worker task), so published versions never go backward. Every
//! open document is re-checked each pass: cross-file effects (a .env edit changing a Python
//! file's findings) need no dependency tracking, and there are few open documents. First
//! diagnostics before a folder is indexed are [`provisional`](super::provisional)'s.
//!
//! Must never read the disk itself (the project layer does, through `scopes` and `install`).

use std::sync::Arc;

use tokio::task::JoinHandle;
use tower_lsp_server::ls_types::Uri;

use super::convert;
use super::install::{install_documents, refresh_from_disk};
use super::scopes::{ensure_scopes, reindex};
use super::session::{join_failed, Shared};
use super::snapshot::{check, snapshot, Checked};

pub fn spawn_worker(shared: Arc<Shared>) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            shared.wake.notified().await;
            if shared.lock().shut_down {
                break;
            }
            // No debounce: a pass starts at once and takes the latest text; changes that
            // arrive while it runs leave one wake-up behind, so a burst costs at most one more
            // pass.
            let s = shared.clone();
            // A panic inside a pass ends that pass only.
            if let Err(e) = tokio::spawn(async move { pass(&s).await }).await {
                join_failed("an analysis pass", &e);
            }
        }
    })
}

async fn pass(shared: &Arc<Shared>) {
    ensure_scopes(&mut shared.lock());
    let reindexed = reindex(shared).await;
    if reindexed {
        // New directory scopes may be needed by documents opened meanwhile.
        ensure_scopes(&mut shared.lock());
    }
    refresh_from_disk(shared).await;
    install_documents(shared, None).await;
    if shared.lock().settings_pending {
        // The first settings pull wakes the worker again when it is answered.
        return;
    }
    let Some(snapshot) = snapshot(shared, None) else {
        return;
    };
    let results = match tokio::task::spawn_blocking(move || check(&snapshot)).await {
        Ok(results) => results,
        Err(e) => {
            join_failed("checking", &e);
            return;
        }
    };
    publish(shared, results, false).await;
}

/// Publish results that are still current and new; clear closed documents and cells that went
/// away. In pull mode, ask the client to pull again when something it pulled has changed.
///
/// A notebook synced cell by cell publishes on its cells' URIs. Cells are pushed even in pull
/// mode (VS Code's client pulls for documents in tabs, and a cell is in none), unless the client
/// pulled that cell (the pull handler then clears what was pushed for it).
pub async fn publish(shared: &Arc<Shared>, results: Vec<Checked>, provisional: bool) {
    let (clears, sends, refresh) = {
        let mut guard = shared.lock();
        let s = &mut *guard;
        if s.shut_down {
            return;
        }
        let pull = s.caps.pull_diagnostics;
        let mut clears: Vec<Uri> = std::mem::take(&mut s.clears)
            .into_iter()
            .filter(|u| !pull && !s.docs.contains_key(u))
            .collect();
        for cell in std::mem::take(&mut s.cell_clears) {
            if s.notebook_of_cell(&cell).is_none() && !clears.contains(&cell) {
                clears.push(cell);
            }
        }
        let mut sends = Vec::new();
        let mut refresh = false;
        for r in results {
            let Some(doc) = s.docs.get_mut(&r.uri) else {
                continue;
            };
            if doc.version != r.version {
                continue; // Computed for an outdated version: never published.
            }
            if doc.cells.is_some() {
                let Some(nb) = s.notebooks.get_mut(&r.uri) else {
                    continue;
                };
                for c in r.cells {
                    let Some(cell) = nb.cell_mut(&c.uri) else {
                        continue;
                    };
                    let hash = convert::hash(&c.diagnostics);
                    if pull && cell.pulled.is_some() {
                        refresh |= cell.pulled != Some(hash);
                        continue;
                    }
                    if cell.published == Some((c.version, hash)) {
                        continue;
                    }
                    cell.published = Some((c.version, hash));
                    sends.push(Checked {
                        uri: c.uri,
                        version: c.version,
                        diagnostics: c.diagnostics,
                        cells: Vec::new(),
                    });
                }
                continue;
            }
            if provisional && doc.published.is_some() {
                continue; // The full check was first: it knows more.
            }
            let hash = convert::hash(&r.diagnostics);
            if pull {
                refresh |= doc.pulled.is_some_and(|h| h != hash);
                continue;
            }
            if doc.published == Some((r.version, hash)) {
                continue;
            }
            doc.published = Some((r.version, hash));
            sends.push(r);
        }
        (clears, sends, refresh && s.caps.diagnostic_refresh)
    };
    for uri in clears {
        shared
            .client
            .publish_diagnostics(uri, Vec::new(), None)
            .await;
    }
    for r in sends {
        shared
            .client
            .publish_diagnostics(r.uri, r.diagnostics, Some(r.version))
            .await;
    }
    if refresh {
        if let Err(e) = shared.client.workspace_diagnostic_refresh().await {
            tracing::debug!("diagnostic refresh failed: {e}");
        }
    }
}

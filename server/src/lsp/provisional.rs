//! Provisional diagnostics: a Python document opened in a workspace folder that is still being
//! indexed is checked alone, with the .env files that apply to its folder, by the rules that
//! look at nothing else (see [`provisional`]).
//!
//! Runs beside the worker and publishes through it. Must never read the disk itself (the
//! project layer finds and loads the .env files) nor publish over a full check.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::convert::OpenDoc;
use super::install::{document_facts, DocTree};
use super::scopes::project_config;
use super::session::{join_failed, ScopeKey, Shared};
use super::settings::RuleSettings;
use super::snapshot::{check, DocSnap, ScopeSnap, Snapshot};
use super::worker::publish;
use crate::engine::config::Config;
use crate::engine::workspace::{FileKind, Workspace};
use crate::project::{self, GitIgnoreCache};

/// How long a document opened in a folder being indexed waits before it is checked alone.
const PROVISIONAL_AFTER: std::time::Duration = std::time::Duration::from_millis(150);

/// First diagnostics before a workspace folder is indexed: Python documents in folders still
/// waiting for their index, never published yet, are checked alone (with the .env files of
/// their directory and its parents up to the folder) by the rules that look at nothing else,
/// so the user sees them in milliseconds instead of after the whole folder is read. The full
/// pass after indexing adds what needs the workspace and never retracts one of these.
///
/// Runs beside the worker (from `didOpen`), since the worker may be busy indexing that folder,
/// and only when indexing takes longer than [`PROVISIONAL_AFTER`]: a small project gets its
/// full diagnostics at once, without a first partial set.
pub async fn provisional(shared: Arc<Shared>) {
    let after = shared.lock().provisional_after.unwrap_or(PROVISIONAL_AFTER);
    tokio::time::sleep(after).await;
    struct Job {
        doc: DocSnap,
        root: PathBuf,
        tree: DocTree,
    }
    let (jobs, enc, related, open) = {
        let s = shared.lock();
        if s.settings_pending || s.shut_down {
            return;
        }
        let mut open = HashMap::new();
        let mut jobs = Vec::new();
        for doc in s.docs.values() {
            let key = s.scope_of_doc(doc);
            let ScopeKey::Folder(root) = &key else {
                continue;
            };
            let waiting = s.scopes.get(&key).is_some_and(|sc| !sc.ready);
            let too_large = doc.len_bytes() as u64 > project::MAX_FILE_SIZE;
            if doc.kind != FileKind::Python || doc.published.is_some() || !waiting || too_large {
                continue;
            }
            let open_doc = OpenDoc::of(doc);
            let text = open_doc.text.clone();
            open.insert(doc.path.clone(), open_doc);
            jobs.push(Job {
                root: root.clone(),
                tree: DocTree::of(doc),
                doc: DocSnap {
                    uri: doc.uri.clone(),
                    version: doc.version,
                    path: doc.path.clone(),
                    kind: doc.kind,
                    text,
                    scope: key.clone(),
                    provisional: true,
                    cells: None,
                },
            });
        }
        (jobs, s.enc, s.caps.related_information, Arc::new(open))
    };
    if jobs.is_empty() {
        return;
    }
    let configs: Vec<(Config, RuleSettings)> =
        jobs.iter().map(|job| project_config(&job.root)).collect();
    let configs: Vec<Config> = {
        let s = shared.lock();
        configs
            .into_iter()
            .map(|(config, file)| s.configure(config, &file))
            .collect()
    };
    let checked = tokio::task::spawn_blocking(move || {
        let mut gitignores = GitIgnoreCache::default();
        let mut results = Vec::new();
        for (job, config) in jobs.into_iter().zip(configs) {
            let mut ws = Workspace::new(job.root.clone(), config);
            let facts = document_facts(&job.doc.text, job.tree).facts;
            ws.set_python_facts(job.doc.path.clone(), facts);
            let dir = job.doc.path.parent();
            let envs = dir.map(|dir| project::env_files_applying(dir, &job.root));
            for path in envs.unwrap_or_default() {
                match project::load_file(&path, &mut gitignores) {
                    // Unreadable: left out, as a tree load leaves it out.
                    project::FileUpdate::Remove => {}
                    update => update.apply(&mut ws, path),
                }
            }
            let key = job.doc.scope.clone();
            let snapshot = Snapshot {
                enc,
                related,
                docs: vec![job.doc],
                open: open.clone(),
                scopes: HashMap::from([(key, ScopeSnap { ws: Arc::new(ws) })]),
            };
            results.extend(check(&snapshot));
        }
        results
    })
    .await;
    match checked {
        Ok(results) => publish(&shared, results, true).await,
        Err(e) => join_failed("a provisional check", &e),
    }
}

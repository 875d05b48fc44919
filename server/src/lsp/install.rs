//! Installing into workspaces: open documents' current versions (facts extracted outside the
//! lock from the document's own tree, incrementally, then installed only if the document
//! still has that version), and files changed on disk or closed (reloaded by the project
//! layer).
//!
//! Must never read the disk itself: a file from disk is a [`project::load_file`], an open
//! document's text becomes a [`FileUpdate`] by [`project::update_from_text`] (Python documents
//! take the incremental path here instead).

use std::path::PathBuf;
use std::sync::Arc;

use tower_lsp_server::ls_types::{MessageType, Uri};

use super::document::{parse_text, Document};
use super::session::{ScopeKey, Shared};
use crate::engine::python::{self, FactsBase, PyFacts};
use crate::engine::workspace::{FileKind, GitStatus, Workspace};
use crate::project::{self, FileUpdate, GitIgnoreCache};

/// A document's tree as the analysis gets it: maybe still to be reparsed, and the facts base
/// of an earlier version.
#[derive(Default)]
pub struct DocTree {
    tree: Option<tree_sitter::Tree>,
    stale: bool,
    base: Option<Arc<FactsBase>>,
}

impl DocTree {
    pub fn of(doc: &Document) -> DocTree {
        let (tree, stale) = doc.tree_as_is();
        DocTree {
            tree,
            stale,
            base: doc.facts_base.clone(),
        }
    }
}

pub struct DocFacts {
    pub facts: Arc<PyFacts>,
    /// A new base, when the facts were extracted.
    base: Option<Arc<FactsBase>>,
    /// The tree reparsed here, for the document to keep.
    reparsed: Option<tree_sitter::Tree>,
}

impl DocFacts {
    /// Give the document what was learnt at its `version` (a base is good for any later
    /// version, a tree only for its own); the facts.
    fn keep(self, doc: &mut Document, version: i32) -> Arc<PyFacts> {
        if let Some(base) = self.base {
            doc.facts_base = Some(base);
        }
        if let Some(tree) = self.reparsed {
            doc.adopt_tree(version, tree);
        }
        self.facts
    }
}

/// An open Python document's facts, made and kept as an analysis pass does (for the
/// benchmarks, which time a keystroke through the server's own code).
#[doc(hidden)]
pub fn refresh_facts(doc: &mut Document) -> Arc<PyFacts> {
    let (version, text) = (doc.version, doc.text());
    document_facts(&text, DocTree::of(doc)).keep(doc, version)
}

/// An open document's facts: carried over from the base when the edits since cannot change
/// them (no parse, no walk), else extracted from the document's tree, reparsed incrementally.
pub fn document_facts(text: &Arc<str>, doc: DocTree) -> DocFacts {
    if let Some(facts) = doc.base.as_ref().and_then(|base| base.reuse(text)) {
        return DocFacts {
            facts: Arc::new(facts),
            base: None,
            reparsed: None,
        };
    }
    let tree = if doc.stale {
        parse_text(text, doc.tree.as_ref())
    } else {
        doc.tree
    };
    match tree {
        Some(tree) => {
            let base = Arc::new(FactsBase::new(text.clone(), tree.clone()));
            DocFacts {
                facts: base.facts().clone(),
                base: Some(base),
                reparsed: doc.stale.then_some(tree),
            }
        }
        // Too large for a kept tree.
        None => DocFacts {
            facts: Arc::new(python::extract(text)),
            base: None,
            reparsed: None,
        },
    }
}

/// Re-read files that changed on disk or were closed.
pub async fn refresh_from_disk(shared: &Arc<Shared>) {
    let work: Vec<(ScopeKey, PathBuf, bool)> = {
        let mut s = shared.lock();
        let dirty = std::mem::take(&mut s.disk_dirty);
        dirty
            .into_iter()
            .filter(|p| s.doc_at(p).is_none())
            .filter_map(|p| {
                let key = s.scope_of_path(&p);
                let scope = s.scopes.get(&key).filter(|sc| sc.ready)?;
                let indexed = scope.indexed.contains(&p);
                Some((key, p, indexed))
            })
            .collect()
    };
    if work.is_empty() {
        return;
    }
    let read = tokio::task::spawn_blocking(move || {
        let mut git = GitIgnoreCache::default();
        work.into_iter()
            .map(|(key, path, indexed)| {
                let update = if indexed {
                    project::load_file(&path, &mut git)
                } else {
                    FileUpdate::Remove
                };
                (key, path, update)
            })
            .collect::<Vec<_>>()
    })
    .await;
    let Ok(updates) = read else {
        return;
    };
    let mut s = shared.lock();
    for (key, path, update) in updates {
        if s.doc_at(&path).is_some() {
            continue; // Opened meanwhile: the document wins.
        }
        let Some(scope) = s.scopes.get_mut(&key) else {
            continue;
        };
        update.apply(Arc::make_mut(&mut scope.ws), path);
    }
}

struct Install {
    uri: Uri,
    key: ScopeKey,
    generation: u64,
    version: i32,
    path: PathBuf,
    kind: FileKind,
    standalone: bool,
    text: Arc<str>,
    git: Option<GitStatus>,
    tree: DocTree,
    facts: Option<DocFacts>,
    /// What a document that is not Python installs.
    update: Option<FileUpdate>,
    /// The workspace, for the config list files a Python document names (dropped once read,
    /// so that installing does not copy the workspace).
    ws: Option<Arc<Workspace>>,
    /// Those files, read.
    named: Vec<(PathBuf, FileUpdate)>,
}

/// Feed open documents whose current version is not in their workspace yet (all of them, or
/// just `only`).
pub async fn install_documents(shared: &Arc<Shared>, only: Option<&Uri>) {
    let mut too_large = Vec::new();
    let work: Vec<Install> = {
        let mut guard = shared.lock();
        let s = &mut *guard;
        let mut out = Vec::new();
        let keys: Vec<(Uri, ScopeKey)> = s
            .docs
            .values()
            .filter(|d| d.kind != FileKind::Other && only.is_none_or(|u| *u == d.uri))
            .map(|d| (d.uri.clone(), s.scope_of_doc(d)))
            .collect();
        for (uri, key) in keys {
            let Some(scope) = s.scopes.get(&key).filter(|sc| sc.ready) else {
                continue;
            };
            let Some(doc) = s.docs.get_mut(&uri) else {
                continue;
            };
            if doc.installed == Some((scope.generation, doc.version)) {
                continue;
            }
            // Like `keywire check`: a file this large is generated or data, and analysing it
            // would hold up every other request.
            if doc.len_bytes() as u64 > project::MAX_FILE_SIZE {
                if !std::mem::replace(&mut doc.too_large_noted, true) {
                    too_large.push(doc.path.clone());
                }
                continue;
            }
            doc.too_large_noted = false;
            let git = scope
                .ws
                .env_file(&doc.path)
                .map(|f| f.git.clone())
                .or_else(|| scope.ws.config_json(&doc.path).map(|f| f.git.clone()));
            out.push(Install {
                uri,
                key,
                generation: scope.generation,
                version: doc.version,
                path: doc.path.clone(),
                kind: doc.kind,
                standalone: doc.standalone,
                text: doc.text(),
                git,
                tree: DocTree::of(doc),
                facts: None,
                update: None,
                ws: (doc.kind == FileKind::Python).then(|| scope.ws.clone()),
                named: Vec::new(),
            });
        }
        out
    };
    for path in too_large {
        let message = format!(
            "keywire: {} is larger than {} MB and is not checked",
            path.display(),
            project::MAX_FILE_SIZE / (1024 * 1024)
        );
        tracing::warn!("{message}");
        shared
            .client
            .show_message(MessageType::WARNING, message)
            .await;
    }
    if work.is_empty() {
        return;
    }
    let prepared = tokio::task::spawn_blocking(move || {
        let mut gitignores = GitIgnoreCache::default();
        work.into_iter()
            .map(|mut job| {
                if job.kind == FileKind::Python {
                    let tree = std::mem::take(&mut job.tree);
                    let facts = document_facts(&job.text, tree);
                    if let Some(ws) = job.ws.take().filter(|_| !job.standalone) {
                        job.named = project::config_lists_named_by(
                            &ws,
                            &job.path,
                            &facts.facts,
                            &mut gitignores,
                        );
                    }
                    job.facts = Some(facts);
                } else {
                    // The status the workspace has for the file, else found now.
                    let (cached, standalone, path) = (job.git.take(), job.standalone, &job.path);
                    let git = || {
                        cached.unwrap_or_else(|| {
                            if standalone {
                                GitStatus::Unknown
                            } else {
                                gitignores.status(path)
                            }
                        })
                    };
                    job.update = Some(project::update_from_text(path, job.text.clone(), git));
                }
                job
            })
            .collect::<Vec<_>>()
    })
    .await;
    let Ok(prepared) = prepared else {
        return;
    };
    let mut guard = shared.lock();
    let s = &mut *guard;
    for job in prepared {
        let Some(doc) = s.docs.get_mut(&job.uri) else {
            continue;
        };
        let facts = job.facts.map(|f| f.keep(doc, job.version));
        let Some(scope) = s.scopes.get_mut(&job.key) else {
            continue;
        };
        if doc.version != job.version || scope.generation != job.generation {
            continue; // Outdated: the next pass installs the newer text.
        }
        // Every kind the project layer reads (whatever the editor's languageId: the kind comes
        // from the file name), except what the workspace does not hold.
        let update = match (facts, job.update) {
            (Some(facts), _) => FileUpdate::Python(facts),
            (None, None | Some(FileUpdate::Remove)) => continue,
            (None, Some(update)) => update,
        };
        let ws = Arc::make_mut(&mut scope.ws);
        update.apply(ws, job.path);
        doc.installed = Some((job.generation, job.version));
        for (path, update) in job.named {
            if !s.docs.values().any(|d| d.path == path) {
                update.apply(ws, path);
            }
        }
    }
}

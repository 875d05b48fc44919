//! The analysis worker: everything that turns the document store into diagnostics, off the
//! notification path.
//!
//! Notification handlers only mutate the session (in arrival order, under the mutex) and
//! `wake` this worker, which runs one *pass* (at once; wake-ups during a pass coalesce into the
//! next one):
//!
//! 1. make sure every open document has a scope (directory and standalone scopes);
//! 2. (re)index scopes from disk with the loader (`$/progress` when the client supports it);
//! 3. re-read files changed on disk or closed (unless they are open);
//! 4. install every open document's current text into its workspace (facts are extracted
//!    outside the lock, then installed only if the document still has that version);
//! 5. snapshot the workspaces (cheap `Arc` clones) and check every open document on the
//!    blocking pool (not before the first `workspace/configuration` pull is answered, so the
//!    first diagnostics already follow the editor's settings);
//! 6. publish — but only results whose document still has the version they were computed for,
//!    and only when they differ from what was last published for that version.
//!
//! Passes never overlap (one worker task), so published versions never go backward. Every
//! open document is re-checked each pass: cross-file effects (a .env edit changing a Python
//! file's findings) need no dependency tracking, and there are few open documents.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::task::JoinHandle;
use tower_lsp_server::ls_types::{Diagnostic, MessageType, ProgressToken, Uri};

use super::diagnostics::{self, Converter};
use super::document::{parse_text, Document};
use super::position::Encoding;
use super::session::{Scope, ScopeKey, Session, Shared};
use super::settings::RuleSettings;
use crate::engine::config::Config;
use crate::engine::python::{self, FactsBase, PyFacts};
use crate::engine::workspace::{file_kind, FileKind, GitStatus, Workspace};
use crate::loader::{self, GitIgnoreCache, LoadOptions};

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

/// A background task that did not finish: a panic is an error; a cancellation only happens
/// when the runtime shuts down (`exit`).
fn join_failed(what: &str, e: &tokio::task::JoinError) {
    if e.is_panic() {
        tracing::error!("{what} panicked: {e}");
    } else {
        tracing::debug!("{what} was cancelled: the server is stopping");
    }
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

/// Every open document gets a scope; unused directory and standalone scopes are dropped.
fn ensure_scopes(session: &mut Session) {
    let keys: Vec<ScopeKey> = session
        .docs
        .values()
        .filter(|d| d.kind != FileKind::Other)
        .map(|d| session.scope_of_doc(d))
        .collect();
    for key in &keys {
        if session.scopes.contains_key(key) {
            continue;
        }
        let generation = session.next_generation();
        match key {
            ScopeKey::Standalone(_) => {
                let config = session.configure(Config::default(), &RuleSettings::default());
                let scope = Scope::empty(PathBuf::new(), config, generation, true);
                session.scopes.insert(key.clone(), scope);
            }
            ScopeKey::Dir(dir) => {
                let scope = Scope::empty(dir.clone(), Config::default(), generation, false);
                session.scopes.insert(key.clone(), scope);
                session.reindex.insert(key.clone());
            }
            // Created when the folder is added.
            ScopeKey::Folder(_) => {}
        }
    }
    let used: HashSet<&ScopeKey> = keys.iter().collect();
    session
        .scopes
        .retain(|k, _| matches!(k, ScopeKey::Folder(_)) || used.contains(k));
    let scopes = &session.scopes;
    session.reindex.retain(|k| scopes.contains_key(k));
}

/// A scope rebuilt from disk.
struct Built {
    ws: Workspace,
    /// Python files indexed.
    python: usize,
    indexed: HashSet<PathBuf>,
    /// The rule settings of the project's config file.
    file_rules: RuleSettings,
    error: Option<String>,
}

/// The project config found from `dir` (defaults when there is none or it is broken; the
/// full index reports its errors) and its rule settings.
fn project_config(dir: &Path) -> (Config, RuleSettings) {
    loader::find_config(dir)
        .ok()
        .flatten()
        .map(|found| (found.config, RuleSettings::from_file(&found.file)))
        .unwrap_or_default()
}

/// A document's tree as the analysis gets it: maybe still to be reparsed, and the facts base
/// of an earlier version.
#[derive(Default)]
struct DocTree {
    tree: Option<tree_sitter::Tree>,
    stale: bool,
    base: Option<Arc<FactsBase>>,
}

impl DocTree {
    fn of(doc: &Document) -> DocTree {
        let (tree, stale) = doc.tree_as_is();
        DocTree {
            tree,
            stale,
            base: doc.facts_base.clone(),
        }
    }
}

struct DocFacts {
    facts: Arc<PyFacts>,
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
fn document_facts(text: &Arc<str>, doc: DocTree) -> DocFacts {
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

fn build_scope(key: &ScopeKey) -> Built {
    let opts = LoadOptions {
        keep_text: false,
        ..LoadOptions::default()
    };
    let (roots, dir) = match key {
        ScopeKey::Folder(folder) => (vec![folder.clone()], folder.clone()),
        ScopeKey::Dir(dir) => {
            // Only the .env files right here (a file outside the folders sees its directory).
            let mut envs: Vec<PathBuf> = std::fs::read_dir(dir)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    matches!(file_kind(p), FileKind::Env | FileKind::EnvTemplate) && p.is_file()
                })
                .collect();
            envs.sort();
            (envs, dir.clone())
        }
        ScopeKey::Standalone(_) => (Vec::new(), PathBuf::new()),
    };
    let empty = |error: Option<String>| {
        let (config, file_rules) = project_config(&dir);
        Built {
            ws: Workspace::new(dir.clone(), config),
            python: 0,
            indexed: HashSet::new(),
            file_rules,
            error,
        }
    };
    if roots.is_empty() {
        return empty(None);
    }
    match loader::load(&roots, &opts) {
        Ok(loaded) => {
            let mut indexed: HashSet<PathBuf> = loaded.env.iter().cloned().collect();
            // Facts are kept, texts are not: a closed file's text is read again when a
            // related location or an edit in it needs positions (RSS stays near the facts).
            let python = loaded.python.len();
            indexed.extend(loaded.python.into_iter().map(|file| file.path));
            for skipped in &loaded.skipped {
                tracing::debug!("skipped {}: {}", skipped.path.display(), skipped.reason);
            }
            let file_rules = loaded
                .config_file
                .as_deref()
                .map(RuleSettings::from_file)
                .unwrap_or_default();
            Built {
                ws: loaded.workspace,
                python,
                indexed,
                file_rules,
                error: None,
            }
        }
        Err(e) => {
            tracing::warn!("indexing {} failed: {e}", dir.display());
            empty(Some(e.to_string()))
        }
    }
}

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
            let too_large = doc.len_bytes() as u64 > loader::MAX_FILE_SIZE;
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
            let dirs = job
                .doc
                .path
                .ancestors()
                .skip(1)
                .take_while(|d| d.starts_with(&job.root));
            for dir in dirs {
                for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                    let path = entry.path();
                    if !matches!(file_kind(&path), FileKind::Env | FileKind::EnvTemplate) {
                        continue;
                    }
                    if let Ok(text) = loader::read_source(&path, loader::MAX_FILE_SIZE) {
                        let status = gitignores.status(&path);
                        ws.set_env(path, &text, status);
                    }
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

/// Rebuild the scopes queued for indexing. Returns whether any was.
async fn reindex(shared: &Arc<Shared>) -> bool {
    let (keys, progress) = {
        let mut s = shared.lock();
        (std::mem::take(&mut s.reindex), s.caps.work_done_progress)
    };
    if keys.is_empty() {
        return false;
    }
    let folders = keys
        .iter()
        .filter(|k| matches!(k, ScopeKey::Folder(_)))
        .count();
    // Progress only for workspace folders (directory scopes are a few files).
    let mut ongoing = None;
    if progress && folders > 0 {
        let token =
            ProgressToken::String(format!("keywire/index/{}", shared.lock().next_generation()));
        // A client that does not answer promptly gets no progress, rather than no diagnostics
        // until it answers.
        let created = tokio::time::timeout(
            std::time::Duration::from_secs(2),
            shared.client.create_work_done_progress(token.clone()),
        )
        .await;
        if matches!(created, Ok(Ok(_))) {
            ongoing = Some(
                shared
                    .client
                    .progress(token, "keywire: indexing")
                    .with_percentage(0)
                    .begin()
                    .await,
            );
        }
    }
    let total = keys.len();
    let mut errors = Vec::new();
    for (i, key) in keys.into_iter().enumerate() {
        if let (Some(p), ScopeKey::Folder(folder)) = (&ongoing, &key) {
            let pct = u32::try_from(i * 100 / total).unwrap_or(100);
            p.report_with_message(folder.display().to_string(), pct)
                .await;
        }
        let k = key.clone();
        let built = match tokio::task::spawn_blocking(move || build_scope(&k)).await {
            Ok(built) => built,
            Err(e) => {
                join_failed("indexing", &e);
                continue;
            }
        };
        if let Some(error) = &built.error {
            errors.push(error.clone());
        }
        let mut s = shared.lock();
        if !s.scopes.contains_key(&key) {
            continue; // The folder was removed meanwhile.
        }
        let generation = s.next_generation();
        tracing::info!(
            "indexed {:?}: {} Python and {} .env files",
            key,
            built.python,
            built.indexed.len() - built.python
        );
        let mut ws = built.ws;
        // The editor's settings, under the file's.
        ws.config = s.configure(std::mem::take(&mut ws.config), &built.file_rules);
        s.scopes.insert(
            key,
            Scope {
                ws: Arc::new(ws),
                indexed: Arc::new(built.indexed),
                generation,
                ready: true,
                file_rules: built.file_rules,
            },
        );
    }
    if let Some(p) = ongoing {
        p.finish().await;
    }
    for error in errors {
        shared
            .client
            .show_message(MessageType::WARNING, format!("keywire: {error}"))
            .await;
    }
    true
}

enum DiskUpdate {
    Python(Box<PyFacts>),
    Env(Arc<str>, GitStatus),
    Remove,
}

/// Re-read files that changed on disk or were closed.
async fn refresh_from_disk(shared: &Arc<Shared>) {
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
                let update = if !indexed {
                    DiskUpdate::Remove
                } else {
                    match (
                        file_kind(&path),
                        loader::read_source(&path, loader::MAX_FILE_SIZE),
                    ) {
                        (FileKind::Python, Ok(text)) => {
                            let facts = python::extract(&text);
                            DiskUpdate::Python(Box::new(facts))
                        }
                        (FileKind::Env | FileKind::EnvTemplate, Ok(text)) => {
                            let status = git.status(&path);
                            DiskUpdate::Env(text, status)
                        }
                        _ => DiskUpdate::Remove,
                    }
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
        let ws = Arc::make_mut(&mut scope.ws);
        match update {
            DiskUpdate::Python(facts) => {
                ws.set_python_facts(path, Arc::new(*facts));
            }
            DiskUpdate::Env(text, status) => ws.set_env(path, &text, status),
            DiskUpdate::Remove => {
                ws.remove(&path);
            }
        }
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
            if doc.len_bytes() as u64 > loader::MAX_FILE_SIZE {
                if !std::mem::replace(&mut doc.too_large_noted, true) {
                    too_large.push(doc.path.clone());
                }
                continue;
            }
            doc.too_large_noted = false;
            let git = scope.ws.env_file(&doc.path).map(|f| f.git.clone());
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
            });
        }
        out
    };
    for path in too_large {
        let message = format!(
            "keywire: {} is larger than {} MB and is not checked",
            path.display(),
            loader::MAX_FILE_SIZE / (1024 * 1024)
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
                match job.kind {
                    FileKind::Python => {
                        let tree = std::mem::take(&mut job.tree);
                        job.facts = Some(document_facts(&job.text, tree));
                    }
                    _ if job.git.is_none() => {
                        job.git = Some(if job.standalone {
                            GitStatus::Unknown
                        } else {
                            gitignores.status(&job.path)
                        });
                    }
                    _ => {}
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
        let ws = Arc::make_mut(&mut scope.ws);
        match (job.kind, facts) {
            (FileKind::Python, Some(facts)) => ws.set_python_facts(job.path, facts),
            (FileKind::Env | FileKind::EnvTemplate, _) => {
                ws.set_env(job.path, &job.text, job.git.unwrap_or_default())
            }
            _ => continue,
        }
        doc.installed = Some((job.generation, job.version));
    }
}

/// An open document as an analysis sees it.
#[derive(Clone, Debug)]
pub struct OpenDoc {
    pub uri: Uri,
    pub version: i32,
    pub text: Arc<str>,
}

impl OpenDoc {
    fn of(doc: &Document) -> OpenDoc {
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
        Some(Converter::new(self.enc, self.related, &self.open, scope))
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

/// A document's diagnostics, computed for `version`.
pub struct Checked {
    pub uri: Uri,
    pub version: i32,
    pub diagnostics: Vec<Diagnostic>,
}

/// Check every document of the snapshot (blocking: run it on the blocking pool).
pub fn check(snapshot: &Snapshot) -> Vec<Checked> {
    snapshot
        .docs
        .iter()
        .filter_map(|doc| {
            let conv = snapshot.converter(doc)?;
            let findings = diagnostics::findings(&conv, doc);
            Some(Checked {
                uri: doc.uri.clone(),
                version: doc.version,
                diagnostics: findings.iter().map(|f| conv.diagnostic(f, doc)).collect(),
            })
        })
        .collect()
}

/// Publish results that are still current and new; clear closed documents. In pull mode,
/// ask the client to pull again when something it pulled has changed.
async fn publish(shared: &Arc<Shared>, results: Vec<Checked>, provisional: bool) {
    let (clears, sends, refresh) = {
        let mut guard = shared.lock();
        let s = &mut *guard;
        if s.shut_down {
            return;
        }
        let pull = s.caps.pull_diagnostics;
        let clears: Vec<Uri> = std::mem::take(&mut s.clears)
            .into_iter()
            .filter(|u| !pull && !s.docs.contains_key(u))
            .collect();
        let mut sends = Vec::new();
        let mut refresh = false;
        for r in results {
            let Some(doc) = s.docs.get_mut(&r.uri) else {
                continue;
            };
            if doc.version != r.version {
                continue; // Computed for an outdated version: never published.
            }
            if provisional && doc.published.is_some() {
                continue; // The full check was first: it knows more.
            }
            let hash = diagnostics::hash(&r.diagnostics);
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

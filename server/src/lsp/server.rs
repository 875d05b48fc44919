//! The `LanguageServer` implementation: lifecycle, document synchronisation, and dispatch to
//! one module per method group.
//!
//! Document notifications mutate the store before their first `.await` (see `mod.rs` on
//! ordering) and then wake the analysis worker. Handlers never panic the server: the document
//! store is only touched through code that clamps its input, and the one call that edits a
//! rope is additionally guarded with `catch_unwind`.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::task::JoinHandle;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::code_action::{self, SOURCE_FIX_ALL_KEYWIRE};
use super::document::{parse_rope, Document};
use super::notebook::{SyncedNotebook, CELL_LANGUAGE, NOTEBOOK_TYPE};
use super::position::Encoding;
use super::session::{standalone_path, Caps, Session, Shared};
use super::settings::{self, Settings};
use super::uri::uri_to_path;
use super::{completion, definition, diagnostics, hover, provisional, symbols, worker};
use crate::engine::workspace::{file_kind, FileKind, WATCHED_GLOBS};

/// How long the first pass holds diagnostics back waiting for the settings pull.
const SETTINGS_PULL_TIMEOUT: Duration = Duration::from_secs(5);

pub struct Backend {
    shared: Arc<Shared>,
    worker: Mutex<Option<JoinHandle<()>>>,
    shut_down: Arc<AtomicBool>,
}

impl Drop for Backend {
    fn drop(&mut self) {
        if let Some(worker) = self.worker.lock().unwrap_or_else(|e| e.into_inner()).take() {
            worker.abort();
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct DebugParams {
    uri: Uri,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DebugDocument {
    version: i32,
    text: String,
    /// For Python: whether the incrementally maintained tree equals a fresh parse (where the
    /// text parses without errors).
    tree_matches_fresh_parse: Option<bool>,
}

impl Backend {
    pub fn new(client: Client, shut_down: Arc<AtomicBool>) -> Backend {
        Backend {
            shared: Arc::new(Shared::new(client)),
            worker: Mutex::new(None),
            shut_down,
        }
    }

    fn wake(&self) {
        self.shared.wake.notify_one();
    }

    /// `keywire/debugDocumentText`: the server's copy of an open document (tests only; needs
    /// `initializationOptions.debug`).
    pub async fn debug_document_text(&self, params: DebugParams) -> Result<DebugDocument> {
        let mut s = self.shared.lock();
        if !s.debug {
            return Err(Error::method_not_found());
        }
        let doc = s
            .docs
            .get_mut(&params.uri)
            .ok_or_else(|| Error::invalid_params("document is not open"))?;
        let incremental = doc.tree().map(|tree| tree.root_node().to_sexp());
        // Where the text does not parse, tree-sitter's error recovery may take another path
        // after an edit than in a fresh parse (bytes such as NUL and a lone `\r` found it);
        // the trees of text that parses must be the same.
        let tree_matches_fresh_parse = incremental.map(|sexp| {
            parse_rope(doc.rope(), None).is_some_and(|fresh| {
                fresh.root_node().has_error() || fresh.root_node().to_sexp() == sexp
            })
        });
        Ok(DebugDocument {
            version: doc.version,
            text: doc.rope().to_string(),
            tree_matches_fresh_parse,
        })
    }

    /// Take new settings from the client, re-configure every workspace and re-check (the
    /// worker re-publishes what changed). Bad keys are reported with `window/showMessage`;
    /// the rest applies. `null` (a client without a `keywire` section) changes nothing.
    async fn update_settings(&self, value: Value) {
        let mut warnings = Vec::new();
        let level = {
            let mut s = self.shared.lock();
            if !value.is_null() {
                let (parsed, problems) = Settings::parse(&value);
                tracing::info!("settings: {parsed:?}");
                s.client_settings = parsed;
                warnings = problems;
            }
            s.apply_settings()
        };
        if let Some(level) = level {
            super::set_log_level(&level);
        }
        self.wake();
        self.show_setting_problems(warnings).await;
    }

    async fn show_setting_problems(&self, warnings: Vec<String>) {
        if warnings.is_empty() {
            return;
        }
        for w in &warnings {
            tracing::warn!("invalid setting {w}");
        }
        let message = format!(
            "keywire: invalid settings ignored (the others apply): {}",
            warnings.join("; ")
        );
        self.shared
            .client
            .show_message(MessageType::WARNING, message)
            .await;
    }

    /// Pull the `keywire` section with `workspace/configuration` (when the client supports
    /// it) and apply it. An answer older than one already applied is dropped.
    async fn pull_settings(&self) {
        let seq = {
            let mut s = self.shared.lock();
            if !s.caps.configuration {
                return;
            }
            s.settings_requested += 1;
            s.settings_requested
        };
        let items = vec![ConfigurationItem {
            scope_uri: None,
            section: Some(settings::SECTION.into()),
        }];
        let answer = tokio::time::timeout(
            SETTINGS_PULL_TIMEOUT,
            self.shared.client.configuration(items),
        )
        .await;
        let value = match answer {
            Ok(Ok(values)) => values.into_iter().next(),
            Ok(Err(e)) => {
                tracing::warn!("workspace/configuration failed: {e}");
                None
            }
            Err(_) => {
                tracing::warn!("workspace/configuration: no answer");
                None
            }
        };
        {
            let mut s = self.shared.lock();
            s.settings_pending = false;
            if seq <= s.settings_applied {
                drop(s);
                self.wake();
                return;
            }
            s.settings_applied = seq;
        }
        self.update_settings(value.unwrap_or(Value::Null)).await;
    }

    async fn register_watchers(&self) {
        let watchers = WATCHED_GLOBS
            .iter()
            .map(|glob| FileSystemWatcher {
                glob_pattern: GlobPattern::String((*glob).to_string()),
                kind: None,
            })
            .collect();
        let Ok(options) =
            serde_json::to_value(DidChangeWatchedFilesRegistrationOptions { watchers })
        else {
            return;
        };
        let registration = Registration {
            id: "keywire-watched-files".into(),
            method: "workspace/didChangeWatchedFiles".into(),
            register_options: Some(options),
        };
        if let Err(e) = self
            .shared
            .client
            .register_capability(vec![registration])
            .await
        {
            tracing::warn!("could not register file watchers: {e}");
        }
    }
}

/// Write a synced notebook's cells out as its JSON document (at the notebook's path, so the
/// workspace sees the notebook), replacing the previous one.
fn sync_notebook_document(s: &mut Session, uri: &Uri) {
    let Some(nb) = s.notebooks.get_mut(uri) else {
        return;
    };
    let (cells, json) = nb.snapshot();
    let version = nb.revision;
    let (path, standalone) = match uri_to_path(uri) {
        Some(path) => (path, false),
        None => (standalone_path(uri, "ipynb"), true),
    };
    let kind = file_kind(&path);
    let mut doc = Document::new(uri.clone(), path, kind, standalone, version, &json);
    doc.cells = Some(cells);
    s.docs.insert(uri.clone(), doc);
}

fn capabilities(enc: Encoding, caps: &Caps) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(enc.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                ..Default::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, SOURCE_FIX_ALL_KEYWIRE]),
            resolve_provider: Some(false),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        diagnostic_provider: caps.pull_diagnostics.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("keywire".into()),
                inter_file_dependencies: true,
                workspace_diagnostics: false,
                work_done_progress_options: WorkDoneProgressOptions::default(),
            })
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["\"".into(), "'".into()]),
            ..Default::default()
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        notebook_document_sync: Some(OneOf::Left(NotebookDocumentSyncOptions {
            notebook_selector: vec![NotebookSelector::ByNotebook {
                notebook: Notebook::String(NOTEBOOK_TYPE.into()),
                cells: Some(vec![NotebookCellSelector {
                    language: CELL_LANGUAGE.into(),
                }]),
            }],
            save: None,
        })),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..Default::default()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let enc = Encoding::negotiate(
            params
                .capabilities
                .general
                .as_ref()
                .and_then(|g| g.position_encodings.as_deref()),
        );
        let caps = Caps::from_client(&params.capabilities);
        let options = params.initialization_options.unwrap_or_default();
        // Enables `keywire/debugDocumentText` (for tests).
        let debug = options.get("debug").and_then(Value::as_bool) == Some(true);
        // Tests only (with `debug`): how long an opened document waits before being checked
        // alone while its folder is indexed.
        let provisional_after = options
            .get("debugProvisionalAfterMs")
            .and_then(Value::as_u64)
            .filter(|_| debug)
            .map(std::time::Duration::from_millis);
        let (init_settings, warnings) = Settings::parse(&options);
        if let Some(level) = &init_settings.log_level {
            super::set_log_level(level);
        }
        let mut folders: Vec<_> = params
            .workspace_folders
            .unwrap_or_default()
            .iter()
            .filter_map(|f| uri_to_path(&f.uri))
            .collect();
        #[allow(deprecated)]
        if folders.is_empty() {
            folders.extend(params.root_uri.as_ref().and_then(uri_to_path));
        }
        tracing::info!(
            "initialize: {:?} positions, folders {:?}, pull diagnostics: {}",
            enc,
            folders,
            caps.pull_diagnostics
        );
        let result = InitializeResult {
            capabilities: capabilities(enc, &caps),
            server_info: Some(ServerInfo {
                name: "keywire".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        };
        {
            let mut s = self.shared.lock();
            s.enc = enc;
            // Held back until `initialized` (and the first settings pull, when supported).
            s.settings_pending = caps.configuration;
            s.caps = caps;
            s.debug = debug;
            s.provisional_after = provisional_after;
            s.log_level = init_settings.log_level.clone();
            s.init_settings = init_settings;
            s.init_warnings = warnings;
            s.apply_settings();
            for folder in folders {
                s.add_folder(folder);
            }
        }
        let mut worker = self.worker.lock().unwrap_or_else(|e| e.into_inner());
        if worker.is_none() {
            *worker = Some(worker::spawn_worker(self.shared.clone()));
        }
        Ok(result)
    }

    async fn initialized(&self, _: InitializedParams) {
        // Indexing starts now (the worker reports progress); diagnostics wait for the
        // settings pull, when there is one.
        self.wake();
        let (dynamic, warnings) = {
            let mut s = self.shared.lock();
            (
                s.caps.watched_files_dynamic,
                std::mem::take(&mut s.init_warnings),
            )
        };
        self.show_setting_problems(warnings).await;
        if dynamic {
            self.register_watchers().await;
        }
        self.pull_settings().await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        if self.shared.lock().caps.configuration {
            // The pushed value may be null or partial: ask for the section.
            self.pull_settings().await;
        } else {
            self.update_settings(settings::pushed_section(params.settings))
                .await;
        }
    }

    async fn shutdown(&self) -> Result<()> {
        self.shared.lock().shut_down = true;
        self.shut_down.store(true, Ordering::SeqCst);
        self.wake();
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let td = params.text_document;
        {
            let mut s = self.shared.lock();
            let (path, standalone) = match uri_to_path(&td.uri) {
                Some(path) => (path, false),
                None => (standalone_path(&td.uri, "py"), true),
            };
            let kind = if standalone {
                if td.language_id == "python" {
                    FileKind::Python
                } else {
                    FileKind::Other
                }
            } else {
                file_kind(&path)
            };
            let uri = td.uri.clone();
            let doc = Document::new(td.uri, path, kind, standalone, td.version, &td.text);
            if s.docs.insert(uri.clone(), doc).is_some() {
                tracing::warn!("didOpen for {} which was open: replaced", uri.as_str());
            }
        }
        self.wake();
        tokio::spawn(provisional::provisional(self.shared.clone()));
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        {
            let mut guard = self.shared.lock();
            let s = &mut *guard;
            let enc = s.enc;
            let Some(doc) = s.docs.get_mut(&uri) else {
                tracing::warn!("didChange for {} which is not open: dropped", uri.as_str());
                return;
            };
            if version <= doc.version {
                tracing::warn!(
                    "didChange {version} for {} is not newer than {}: dropped",
                    uri.as_str(),
                    doc.version
                );
                return;
            }
            let changes = params.content_changes;
            let applied = std::panic::catch_unwind(AssertUnwindSafe(|| {
                doc.apply_changes(version, changes, enc)
            }));
            if applied.is_err() {
                tracing::error!("applying a change to {} failed; closing it", uri.as_str());
                s.docs.remove(&uri);
                s.clears.push(uri);
            }
        }
        self.wake();
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        {
            let mut s = self.shared.lock();
            if let Some(doc) = s.docs.remove(&uri) {
                if !doc.standalone {
                    // Back to the disk version (or out of the workspace).
                    s.disk_dirty.insert(doc.path);
                }
            }
            s.clears.push(uri);
        }
        self.wake();
    }

    async fn notebook_did_open(&self, params: DidOpenNotebookDocumentParams) {
        let nb = params.notebook_document;
        {
            let mut s = self.shared.lock();
            let synced = SyncedNotebook::new(&nb.cells, params.cell_text_documents);
            if s.notebooks.insert(nb.uri.clone(), synced).is_some() {
                tracing::warn!(
                    "notebook didOpen for {} which was open: replaced",
                    nb.uri.as_str()
                );
            }
            sync_notebook_document(&mut s, &nb.uri);
        }
        self.wake();
    }

    async fn notebook_did_change(&self, params: DidChangeNotebookDocumentParams) {
        let uri = params.notebook_document.uri;
        {
            let mut guard = self.shared.lock();
            let s = &mut *guard;
            let enc = s.enc;
            let Some(nb) = s.notebooks.get_mut(&uri) else {
                tracing::warn!(
                    "notebook didChange for {} which is not open: dropped",
                    uri.as_str()
                );
                return;
            };
            let cells = params.change.cells;
            let (structure, data, text_content) = match cells {
                Some(c) => (c.structure, c.data, c.text_content),
                None => (None, None, None),
            };
            if let Some(structure) = structure {
                let array = structure.array;
                let gone = nb.splice(
                    array.start,
                    array.delete_count,
                    array.cells.as_deref().unwrap_or_default(),
                    structure.did_open.unwrap_or_default(),
                );
                s.cell_clears.extend(gone);
            }
            if let Some(data) = data {
                nb.update_cells(&data);
            }
            for content in text_content.unwrap_or_default() {
                let Some(cell) = nb.cell_mut(&content.document.uri) else {
                    tracing::warn!(
                        "change for cell {} which is not in the notebook: dropped",
                        content.document.uri.as_str()
                    );
                    continue;
                };
                let version = content.document.version;
                let changes = content.changes;
                let applied = std::panic::catch_unwind(AssertUnwindSafe(|| {
                    cell.apply_changes(version, changes, enc)
                }));
                if applied.is_err() {
                    tracing::error!(
                        "applying a change to cell {} failed",
                        content.document.uri.as_str()
                    );
                }
            }
            sync_notebook_document(s, &uri);
        }
        self.wake();
    }

    async fn notebook_did_save(&self, _: DidSaveNotebookDocumentParams) {}

    async fn notebook_did_close(&self, params: DidCloseNotebookDocumentParams) {
        let uri = params.notebook_document.uri;
        {
            let mut s = self.shared.lock();
            if let Some(nb) = s.notebooks.remove(&uri) {
                s.cell_clears.extend(nb.cells.into_iter().map(|c| c.uri));
            }
            if let Some(doc) = s.docs.remove(&uri) {
                if !doc.standalone {
                    // Back to the disk version (an entry point of the workspace).
                    s.disk_dirty.insert(doc.path);
                }
            }
        }
        self.wake();
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        {
            let mut s = self.shared.lock();
            for change in params.changes {
                if let Some(path) = uri_to_path(&change.uri) {
                    s.file_changed(path, change.typ == FileChangeType::CREATED);
                }
            }
        }
        self.wake();
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        {
            let mut s = self.shared.lock();
            for removed in &params.event.removed {
                if let Some(path) = uri_to_path(&removed.uri) {
                    s.remove_folder(&path);
                }
            }
            for added in &params.event.added {
                if let Some(path) = uri_to_path(&added.uri) {
                    s.add_folder(path);
                }
            }
        }
        self.wake();
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        code_action::code_action(&self.shared, params).await
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        diagnostics::pull(&self.shared, params).await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        hover::hover(&self.shared, params).await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        definition::definition(&self.shared, params).await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        definition::references(&self.shared, params).await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        completion::completion(&self.shared, params).await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        symbols::document_symbol(&self.shared, params).await
    }
}

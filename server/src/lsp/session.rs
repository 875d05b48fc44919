//! The server's state: what the client can do, the open documents, and the engine workspaces.
//!
//! # Workspace model
//!
//! One engine [`Workspace`] per *scope*:
//! - every workspace folder is a scope, indexed from disk with [`crate::project::load`] (the
//!   CLI's walk; its root is the folder, or the directory of a `keywire.toml` /
//!   `[tool.keywire]` pyproject.toml above it);
//! - a file outside every folder gets its directory as its scope: the `.env*` files next to
//!   it (loaded through the same project layer) plus whatever is open there;
//! - a document with a non-`file:` URI (`untitled:`) is its own scope, analysed alone as
//!   Python when its languageId is `python` (and ignored otherwise).
//!
//! A file belongs to the deepest folder that contains it. Open documents override disk
//! contents: their text is fed to `Workspace::set_python` / `set_env`, and on close the file
//! is re-read from disk (or dropped when it was only there because it was open).
//!
//! Workspaces sit behind `Arc`s and are changed with `Arc::make_mut`, so an analysis can take
//! a snapshot cheaply and run without any lock while edits keep arriving.
//!
//! # Locking
//!
//! Everything lives in one `std::sync::Mutex<Session>`. It is never held across an `.await`:
//! notification handlers take it, mutate, and drop it before their first `.await`, which is
//! what keeps `didOpen` / `didChange` / `didClose` in arrival order (see `mod.rs`).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;
use tower_lsp_server::ls_types::{ClientCapabilities, ResourceOperationKind, Uri};
use tower_lsp_server::Client;

use super::document::Document;
use super::notebook::SyncedNotebook;
use super::position::Encoding;
use super::settings::{self, RuleSettings, Settings};
use crate::engine::config::Config;
use crate::engine::workspace::{file_kind, FileKind, Workspace};

/// What the client told us it can do, boiled down to the flags the server looks at.
#[derive(Clone, Debug, Default)]
pub struct Caps {
    pub work_done_progress: bool,
    pub watched_files_dynamic: bool,
    pub pull_diagnostics: bool,
    pub diagnostic_refresh: bool,
    pub document_changes: bool,
    pub create_files: bool,
    pub related_information: bool,
    pub markdown_hover: bool,
    /// `workspace.configuration`: settings are pulled (section `keywire`).
    pub configuration: bool,
}

impl Caps {
    pub fn from_client(c: &ClientCapabilities) -> Caps {
        let td = c.text_document.as_ref();
        let ws = c.workspace.as_ref();
        let edit = ws.and_then(|w| w.workspace_edit.as_ref());
        let refresh = ws
            .and_then(|w| w.diagnostics.as_ref())
            .and_then(|d| d.refresh_support)
            .unwrap_or(false);
        Caps {
            work_done_progress: c
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
                .unwrap_or(false),
            watched_files_dynamic: ws
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|w| w.dynamic_registration)
                .unwrap_or(false),
            // Pull only with refresh: results change after indexing and after edits to other
            // files, and a client that cannot be asked to pull again would keep stale (or empty)
            // diagnostics. Such clients get pushed diagnostics instead.
            pull_diagnostics: td.and_then(|t| t.diagnostic.as_ref()).is_some() && refresh,
            diagnostic_refresh: refresh,
            document_changes: edit.and_then(|e| e.document_changes).unwrap_or(false),
            create_files: edit
                .and_then(|e| e.resource_operations.as_ref())
                .is_some_and(|ops| ops.contains(&ResourceOperationKind::Create)),
            related_information: td
                .and_then(|t| t.publish_diagnostics.as_ref())
                .and_then(|p| p.related_information)
                .unwrap_or(false),
            markdown_hover: td
                .and_then(|t| t.hover.as_ref())
                .and_then(|h| h.content_format.as_ref())
                .is_some_and(|f| f.contains(&tower_lsp_server::ls_types::MarkupKind::Markdown)),
            configuration: ws.and_then(|w| w.configuration).unwrap_or(false),
        }
    }
}

/// Which scope a file belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScopeKey {
    /// A workspace folder (its path).
    Folder(PathBuf),
    /// The directory of files outside every folder.
    Dir(PathBuf),
    /// A document with a non-file URI (the URI).
    Standalone(String),
}

/// One engine workspace and what was read from disk for it.
#[derive(Clone, Debug)]
pub struct Scope {
    pub ws: Arc<Workspace>,
    /// Files the disk index loaded: only these are re-read when they change or close.
    pub indexed: Arc<HashSet<PathBuf>>,
    /// Bumped whenever the workspace is rebuilt: open documents must be installed again.
    pub generation: u64,
    /// Indexed (diagnostics are held back until it is, so a .env not yet read does not
    /// produce "undefined variable" noise).
    pub ready: bool,
    /// What the project's config file says about rules: it wins over the editor's settings
    /// (the workspace's config is the merge of both, see `settings.rs`).
    pub file_rules: RuleSettings,
}

impl Scope {
    pub fn empty(root: PathBuf, config: Config, generation: u64, ready: bool) -> Scope {
        Scope {
            ws: Arc::new(Workspace::new(root, config)),
            indexed: Arc::default(),
            generation,
            ready,
            file_rules: RuleSettings::default(),
        }
    }
}

#[derive(Debug, Default)]
pub struct Session {
    pub enc: Encoding,
    pub caps: Caps,
    /// `initializationOptions.debug`: enables `keywire/debugDocumentText` (tests).
    pub debug: bool,
    /// How long a document opened while its folder is indexed waits before it is checked
    /// alone (see `provisional`); None: the default.
    pub provisional_after: Option<std::time::Duration>,
    pub docs: HashMap<Uri, Document>,
    /// Workspace folder paths.
    pub folders: Vec<PathBuf>,
    pub scopes: HashMap<ScopeKey, Scope>,
    /// Scopes to (re)build from disk.
    pub reindex: BTreeSet<ScopeKey>,
    /// Files to re-read from disk (closed documents, watched-file changes).
    pub disk_dirty: BTreeSet<PathBuf>,
    /// Closed documents whose published diagnostics must be cleared.
    pub clears: Vec<Uri>,
    /// Notebooks synced cell by cell, by notebook URI (each also has its JSON text in `docs`).
    pub notebooks: HashMap<Uri, SyncedNotebook>,
    /// Cells that went away: their diagnostics are cleared (cells' diagnostics are pushed).
    pub cell_clears: Vec<Uri>,
    pub shut_down: bool,
    next_generation: u64,
    /// Settings from `initializationOptions`.
    pub init_settings: Settings,
    /// The latest settings pulled (`workspace/configuration`) or pushed
    /// (`workspace/didChangeConfiguration`); they override `init_settings` key by key.
    pub client_settings: Settings,
    /// The editor's rule settings in effect (`client_settings` over `init_settings`).
    pub editor_rules: RuleSettings,
    /// The `logLevel` last applied.
    pub log_level: Option<String>,
    /// Diagnostics are held back while the first settings pull is under way.
    pub settings_pending: bool,
    /// Numbers settings pulls, so an older answer never replaces a newer one.
    pub settings_requested: u64,
    pub settings_applied: u64,
    /// Problems in `initializationOptions`, shown once initialized.
    pub init_warnings: Vec<String>,
}

impl Session {
    pub fn next_generation(&mut self) -> u64 {
        self.next_generation += 1;
        self.next_generation
    }

    /// The workspace config of a scope: `base` (the project's file, as loaded) with rule
    /// settings merged from the file's (`file`, winning) and the editor's.
    pub fn configure(&self, mut base: Config, file: &RuleSettings) -> Config {
        settings::apply(&mut base, file, &self.editor_rules);
        base
    }

    /// Recompute the editor settings in effect and re-configure every workspace. Returns the
    /// log level to apply when it changed.
    pub fn apply_settings(&mut self) -> Option<String> {
        let editor = self.client_settings.or(&self.init_settings);
        self.editor_rules = editor.rules;
        let editor_rules = &self.editor_rules;
        for scope in self.scopes.values_mut() {
            let mut config = scope.ws.config.clone();
            settings::apply(&mut config, &scope.file_rules, editor_rules);
            if config != scope.ws.config {
                // Copy-on-write: a running analysis keeps the workspace it snapshotted.
                Arc::make_mut(&mut scope.ws).config = config;
            }
        }
        if editor.log_level.is_some() && editor.log_level != self.log_level {
            self.log_level = editor.log_level.clone();
            return editor.log_level;
        }
        None
    }

    /// The scope of a path on disk: the deepest folder holding it, else its directory.
    pub fn scope_of_path(&self, path: &Path) -> ScopeKey {
        self.folders
            .iter()
            .filter(|f| path.starts_with(f))
            .max_by_key(|f| f.components().count())
            .map(|f| ScopeKey::Folder(f.clone()))
            .unwrap_or_else(|| {
                ScopeKey::Dir(path.parent().map(Path::to_path_buf).unwrap_or_default())
            })
    }

    pub fn scope_of_doc(&self, doc: &Document) -> ScopeKey {
        if doc.standalone {
            ScopeKey::Standalone(doc.uri.as_str().to_string())
        } else {
            self.scope_of_path(&doc.path)
        }
    }

    /// The notebook a synced cell belongs to.
    pub fn notebook_of_cell(&self, cell: &Uri) -> Option<Uri> {
        self.notebooks
            .iter()
            .find(|(_, nb)| nb.cell(cell).is_some())
            .map(|(uri, _)| uri.clone())
    }

    /// The open document at `path`, if any.
    pub fn doc_at(&self, path: &Path) -> Option<&Document> {
        self.docs.values().find(|d| !d.standalone && d.path == path)
    }

    /// Add a workspace folder (indexed by the next analysis pass).
    pub fn add_folder(&mut self, folder: PathBuf) {
        if self.folders.contains(&folder) {
            return;
        }
        self.folders.push(folder.clone());
        let generation = self.next_generation();
        let key = ScopeKey::Folder(folder.clone());
        // Files now inside the folder leave their directory scopes.
        self.scopes.retain(|k, _| match k {
            ScopeKey::Dir(dir) => !dir.starts_with(&folder),
            _ => true,
        });
        self.scopes.insert(
            key.clone(),
            Scope::empty(folder, Config::default(), generation, false),
        );
        self.reindex.insert(key);
    }

    pub fn remove_folder(&mut self, folder: &Path) {
        self.folders.retain(|f| f != folder);
        self.scopes.remove(&ScopeKey::Folder(folder.to_path_buf()));
        self.reindex.remove(&ScopeKey::Folder(folder.to_path_buf()));
    }

    /// A watched file changed on disk.
    pub fn file_changed(&mut self, path: PathBuf, created: bool) {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let project_file = matches!(name, ".gitignore" | "pyproject.toml" | "keywire.toml");
        // A package installed into or removed from a virtualenv: its folder's code is judged
        // against what the virtualenv holds, read when a folder is indexed.
        let venv = crate::engine::packages::in_site_packages(&path).map(|(root, _)| root);
        if project_file || venv.is_some() {
            // Config and git status can change for everything at or below this directory,
            // and a config file also applies to folders below it.
            let dir = match &venv {
                Some(root) => root.parent().unwrap_or(Path::new("/")).to_path_buf(),
                None => path.parent().unwrap_or(Path::new("/")).to_path_buf(),
            };
            let affected: Vec<ScopeKey> = self
                .scopes
                .keys()
                .filter(|k| match k {
                    ScopeKey::Folder(d) | ScopeKey::Dir(d) => {
                        d.starts_with(&dir) || dir.starts_with(d)
                    }
                    ScopeKey::Standalone(_) => false,
                })
                .cloned()
                .collect();
            self.reindex.extend(affected);
            return;
        }
        if file_kind(&path) == FileKind::Other {
            return;
        }
        let key = self.scope_of_path(&path);
        if !self.scopes.contains_key(&key) {
            return;
        }
        if created {
            // New files are found by the project layer's walk (which knows what to skip).
            self.reindex.insert(key);
        } else {
            self.disk_dirty.insert(path);
        }
    }
}

/// What every handler shares.
pub struct Shared {
    pub client: Client,
    session: Mutex<Session>,
    /// Wakes the analysis worker (see `worker.rs`).
    pub wake: Notify,
}

impl Shared {
    pub fn new(client: Client) -> Shared {
        Shared {
            client,
            session: Mutex::new(Session::default()),
            wake: Notify::new(),
        }
    }

    /// The session. Never hold the guard across an `.await`.
    pub fn lock(&self) -> MutexGuard<'_, Session> {
        self.session.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A background task that did not finish: a panic is an error; a cancellation only happens
/// when the runtime shuts down (`exit`).
pub fn join_failed(what: &str, e: &tokio::task::JoinError) {
    if e.is_panic() {
        tracing::error!("{what} panicked: {e}");
    } else {
        tracing::debug!("{what} was cancelled: the server is stopping");
    }
}

/// A made-up path for a document with a non-file URI: ends in `.{ext}` (`py`, `ipynb`) so the
/// engine treats it as that kind of file, and names nothing on disk.
pub fn standalone_path(uri: &Uri, ext: &str) -> PathBuf {
    let raw = uri.path().as_str();
    let name: String = raw
        .rsplit('/')
        .next()
        .unwrap_or(raw)
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let name = if name.is_empty() {
        "untitled".to_string()
    } else {
        name
    };
    let name = if name.ends_with(&format!(".{ext}")) {
        name
    } else {
        format!("{name}.{ext}")
    };
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standalone_paths() {
        let untitled: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(
            standalone_path(&untitled, "py"),
            PathBuf::from("Untitled-1.py")
        );
        assert_eq!(
            standalone_path(&untitled, "ipynb"),
            PathBuf::from("Untitled-1.ipynb")
        );
    }

    #[test]
    fn deepest_folder_wins() {
        let mut s = Session::default();
        s.add_folder("/w".into());
        s.add_folder("/w/inner".into());
        assert_eq!(
            s.scope_of_path(Path::new("/w/inner/a.py")),
            ScopeKey::Folder("/w/inner".into())
        );
        assert_eq!(
            s.scope_of_path(Path::new("/w/a.py")),
            ScopeKey::Folder("/w".into())
        );
        assert_eq!(
            s.scope_of_path(Path::new("/x/a.py")),
            ScopeKey::Dir("/x".into())
        );
    }
}

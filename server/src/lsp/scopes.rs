//! Scopes: every open document gets one (its workspace folder, its directory, or itself), and
//! the scopes queued for indexing are rebuilt from disk with the project layer (with
//! `$/progress` when the client supports it).
//!
//! Owns the life of scopes in the session. Must never read files itself: loading is
//! [`project`]'s.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tower_lsp_server::ls_types::{MessageType, ProgressToken};

use super::session::{join_failed, Scope, ScopeKey, Session, Shared};
use super::settings::RuleSettings;
use crate::engine::config::Config;
use crate::engine::workspace::{FileKind, Workspace};
use crate::project::{self, LoadOptions};

/// Every open document gets a scope; unused directory and standalone scopes are dropped.
pub fn ensure_scopes(session: &mut Session) {
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
pub fn project_config(dir: &Path) -> (Config, RuleSettings) {
    project::find_config(dir)
        .ok()
        .flatten()
        .map(|found| {
            let rules = RuleSettings::from_file_text(&found.file, &found.text);
            (found.config, rules)
        })
        .unwrap_or_default()
}

fn build_scope(key: &ScopeKey) -> Built {
    let opts = LoadOptions {
        keep_text: false,
        // The environment the editor started the server in (an activated virtualenv).
        virtual_env: std::env::var_os("VIRTUAL_ENV").map(std::path::PathBuf::from),
        ..LoadOptions::default()
    };
    let (roots, dir) = match key {
        ScopeKey::Folder(folder) => (vec![folder.clone()], folder.clone()),
        // Only the .env files right here (a file outside the folders sees its directory).
        ScopeKey::Dir(dir) => (project::env_files_in(dir), dir.clone()),
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
    match project::load(&roots, &opts) {
        Ok(loaded) => {
            let mut indexed: HashSet<PathBuf> = loaded.env.iter().cloned().collect();
            indexed.extend(loaded.config_json.iter().cloned());
            // Facts are kept, texts are not: a closed file's text is read again when a
            // related location or an edit in it needs positions (RSS stays near the facts).
            let python = loaded.python.len();
            indexed.extend(loaded.python.into_iter().map(|file| file.path));
            for skipped in &loaded.skipped {
                tracing::debug!("skipped {}: {}", skipped.path.display(), skipped.reason);
            }
            let file_rules = match (&loaded.config_file, &loaded.config_text) {
                (Some(file), Some(text)) => RuleSettings::from_file_text(file, text),
                _ => RuleSettings::default(),
            };
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

/// Rebuild the scopes queued for indexing. Returns whether any was.
pub async fn reindex(shared: &Arc<Shared>) -> bool {
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
            "indexed {:?}: {} Python and {} .env or OAI_CONFIG_LIST files",
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

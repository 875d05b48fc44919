//! Config lists named by code: the files a `config_list_from_json("name", file_location=...)`
//! call may open (in the module's folder and at the workspace root), read whatever their name
//! and whatever git thinks of them, as AutoGen reads them.

use std::path::{Path, PathBuf};

use super::git::GitIgnoreCache;
use super::read::{read_source, MAX_FILE_SIZE};
use super::FileUpdate;
use crate::engine::python::PyFacts;
use crate::engine::resolve::config_source::candidates;
use crate::engine::workspace::{file_kind, FileKind, Workspace};
use std::sync::Arc;

/// The config list files `facts` (the module at `module`) names that exist on disk inside the
/// workspace, read into updates for it. A file named `OAI_CONFIG_LIST*` that the workspace
/// already holds is not read again (the walk and the file watcher keep it current); any other
/// name is, since nothing else watches it.
pub fn config_lists_named_by(
    ws: &Workspace,
    module: &Path,
    facts: &PyFacts,
    git: &mut GitIgnoreCache,
) -> Vec<(PathBuf, FileUpdate)> {
    let mut paths: Vec<PathBuf> = facts
        .config_sources
        .iter()
        .filter_map(|s| Some((s.name.as_ref()?, s.file_location.known()?)))
        .flat_map(|(name, location)| candidates(ws, module, location, &name.value))
        .map(|(path, _)| path)
        .filter(|p| p.starts_with(&ws.root))
        .filter(|p| {
            !(matches!(file_kind(p), FileKind::ConfigJson { .. }) && ws.config_json(p).is_some())
        })
        .collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter(|p| p.is_file())
        .filter_map(|path| {
            let text: Arc<str> = read_source(&path, MAX_FILE_SIZE).ok()?;
            let git = git.status(&path);
            Some((path, FileUpdate::ConfigJson { text, git }))
        })
        .collect()
}

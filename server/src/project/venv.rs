//! The project's virtualenvs, and what they hold of the distributions keywire judges: read
//! from `*.dist-info/METADATA` and autogen-ext's model table, never by running Python.
//!
//! A virtualenv is a folder with a `pyvenv.cfg`: `.venv/`, `venv/` or `env/` in the project
//! root or beside a dependency manifest (for the code under that folder), the one
//! `VIRTUAL_ENV` names, or the interpreter `.vscode/settings.json` names
//! (`python.defaultInterpreterPath`), for the whole workspace.

use std::fs;
use std::path::{Path, PathBuf};

use super::read::read_text;
use crate::engine::packages::{self, Installed};
use crate::engine::workspace::Workspace;

/// Folder names a project's virtualenv has.
const NAMES: &[&str] = &[".venv", "venv", "env"];

/// METADATA and model tables are small; anything larger is not what it claims to be.
const MAX_READ: u64 = 4 << 20;

/// The virtualenvs of a workspace: beside the root and each manifest, and `virtual_env`.
pub fn find(ws: &Workspace, virtual_env: Option<&Path>) -> Vec<Installed> {
    let mut dirs: Vec<PathBuf> = vec![ws.root.clone()];
    dirs.extend(ws.packages().homes());
    dirs.sort();
    dirs.dedup();
    let mut out = Vec::new();
    for dir in dirs {
        for name in NAMES {
            let root = dir.join(name);
            if root.join("pyvenv.cfg").is_file() {
                if let Some(installed) = read(root, Some(dir.clone())) {
                    out.push(installed);
                }
            }
        }
    }
    let configured = virtual_env
        .map(Path::to_path_buf)
        .or_else(|| interpreter_setting(&ws.root));
    if let Some(root) = configured {
        if !out.iter().any(|i| i.root == root) && root.join("pyvenv.cfg").is_file() {
            if let Some(installed) = read(root, None) {
                out.push(installed);
            }
        }
    }
    out
}

/// `python.defaultInterpreterPath` of `.vscode/settings.json` (`${workspaceFolder}` expanded):
/// the virtualenv holding that interpreter (`<venv>/bin/python`, `<venv>\Scripts\python.exe`).
fn interpreter_setting(root: &Path) -> Option<PathBuf> {
    let text = read_text(&root.join(".vscode/settings.json"))?;
    let key = "\"python.defaultInterpreterPath\"";
    let after = &text[text.find(key)? + key.len()..];
    let value = after
        .trim_start()
        .strip_prefix(':')?
        .trim_start()
        .strip_prefix('"')?;
    let value = &value[..value.find('"')?];
    let value = value.replace("${workspaceFolder}", &root.to_string_lossy());
    let interpreter = root.join(value);
    let bin = interpreter.parent()?;
    matches!(bin.file_name()?.to_str()?, "bin" | "Scripts")
        .then(|| bin.parent().map(Path::to_path_buf))?
}

/// One virtualenv's judged distributions and model table.
fn read(root: PathBuf, applies_to: Option<PathBuf>) -> Option<Installed> {
    let mut installed = Installed::new(root.clone());
    installed.applies_to = applies_to;
    for site in site_packages(&root) {
        let Ok(entries) = fs::read_dir(&site) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if !packages::judged_dist_info(&name) {
                continue;
            }
            let inside = Path::new(&*name).join("METADATA");
            read_into(&mut installed, &site, &inside);
        }
        read_into(
            &mut installed,
            &site,
            Path::new(packages::model_info::MODEL_INFO_FILE),
        );
    }
    Some(installed)
}

fn read_into(installed: &mut Installed, site: &Path, inside: &Path) {
    let full = site.join(inside);
    if fs::metadata(&full).is_ok_and(|m| m.is_file() && m.len() <= MAX_READ) {
        if let Some(text) = read_text(&full) {
            installed.add_file(inside, &full, &text);
        }
    }
}

/// `lib/python3.*/site-packages` (POSIX) and `Lib/site-packages` (Windows).
fn site_packages(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = fs::read_dir(root.join("lib")) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with("python") {
                let site = entry.path().join("site-packages");
                if site.is_dir() {
                    out.push(site);
                }
            }
        }
    }
    let windows = root.join("Lib").join("site-packages");
    if windows.is_dir() {
        out.push(windows);
    }
    out.sort();
    out
}

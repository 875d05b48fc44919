//! Fake-key probes: the key-like tokens of fixtures and the pieces of them that must never
//! show up in any output.

use std::path::{Path, PathBuf};

/// Every key-like token of a fixture directory's `.py` and `.env*` files: a run of 24+ ASCII
/// letters, digits, `-` and `_` with at least three digits (identifiers such as
/// `OpenAIChatCompletionClient` and variable names have fewer). This finds the keys in .env
/// values, in comments, in quotes of every kind and in Python literals alike.
pub fn fake_keys(dir: &Path) -> Vec<String> {
    let mut keys = Vec::new();
    for path in source_paths(dir) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        keys.extend(key_tokens(&text));
    }
    keys.sort();
    keys.dedup();
    keys
}

/// Every file of a tree that keywire reads (`.py`, `.ipynb`, `.env*`, `OAI_CONFIG_LIST*`,
/// compose files, Dockerfiles and workflows' `.yml`).
pub fn source_paths(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with(".env")
                || name.ends_with(".py")
                || name.ends_with(".ipynb")
                || name.starts_with("OAI_CONFIG_LIST")
                || matches!(
                    keywire::engine::workspace::file_kind(&path),
                    keywire::engine::workspace::FileKind::Compose
                        | keywire::engine::workspace::FileKind::Dockerfile
                )
                || name.ends_with(".yml")
                || name.ends_with(".yaml")
            {
                out.push(path);
            }
        }
    }
    out
}

/// The key-like tokens of a text (see [`fake_keys`]).
pub fn key_tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .filter(|t| t.len() >= 24 && t.bytes().filter(u8::is_ascii_digit).count() >= 3)
        .map(str::to_string)
        .collect()
}

/// 8-character windows of the key's secret part (after any public prefix).
pub fn secret_pieces(key: &str) -> Vec<String> {
    let prefix = keywire::engine::providers::public_prefix(key).map_or(0, str::len);
    let secret: Vec<char> = key.chars().skip(prefix).collect();
    secret.windows(8).map(|w| w.iter().collect()).collect()
}

/// Every (key, piece) of `keys` found in `haystack`.
pub fn leaks(keys: &[String], haystack: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for key in keys {
        for piece in secret_pieces(key) {
            if haystack.contains(&piece) {
                found.push((key.clone(), piece));
                break;
            }
        }
    }
    found
}

/// Fail with the surface's name and the surrounding text when anything leaks.
pub fn assert_no_leak(keys: &[String], surface: &str, haystack: &str) {
    let found = leaks(keys, haystack);
    if let Some((key, piece)) = found.first() {
        let at = haystack.find(piece.as_str()).unwrap();
        let from = haystack[..at]
            .char_indices()
            .rev()
            .nth(200)
            .map_or(0, |(i, _)| i);
        let to = haystack[at..]
            .char_indices()
            .nth(200)
            .map_or(haystack.len(), |(i, _)| at + i);
        panic!(
            "{surface} leaks {} key(s); first: {piece:?} of {key:?} in\n…{}…",
            found.len(),
            &haystack[from..to]
        );
    }
}

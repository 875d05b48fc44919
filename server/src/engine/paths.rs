//! Paths as text: `.` and `..` resolved without the file system (the engine does no I/O).

use std::path::{Component, Path, PathBuf};

/// `path` with `.` and `..` resolved lexically.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Sorts `items` by the path `path` gives, in `Path`'s own order (component by component), with
/// one byte comparison per pair: a separator counts as the lowest byte, which is that order for
/// normalized paths (no `.`, no empty component, no trailing separator), and sorting many paths
/// by their components is a visible part of loading a large tree.
pub fn sort_by_path<T>(items: &mut [T], path: impl Fn(&T) -> &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        items.sort_by_cached_key(|item| {
            let mut key = path(item).as_os_str().as_bytes().to_vec();
            for b in &mut key {
                if *b == b'/' {
                    *b = 0;
                }
            }
            key
        });
    }
    #[cfg(not(unix))]
    items.sort_by(|a, b| path(a).cmp(path(b)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_sort_in_path_order() {
        let names = [
            "/w/a/b.py",
            "/w/a.b/c.py",
            "/w/a-b.py",
            "/w/a",
            "/w/a/b/c.py",
            "/w/ab.py",
            "/w/A.py",
            "/w/a/ü.py",
            "/w/a/z.py",
            "/v",
        ];
        let mut expected: Vec<PathBuf> = names.iter().map(PathBuf::from).collect();
        expected.sort();
        let mut sorted: Vec<PathBuf> = names.iter().rev().map(PathBuf::from).collect();
        sort_by_path(&mut sorted, |p| p);
        assert_eq!(sorted, expected);
    }
}

//! Path normalisation for paths given by users and editors (command-line arguments, `file:`
//! URIs, `gitdir:` lines): absolute, `.` and `..` resolved lexically.
//!
//! Not to be confused with `engine::resolve::normalize`, which resolves a path the engine
//! built itself (`root.join(".env")`) lexically and never looks at the working directory:
//! the engine does no I/O, and the current directory is process state. Must never touch the
//! disk (symlinks are left alone).

use std::path::{Component, Path, PathBuf};

/// Absolute, with `.` and `..` resolved lexically (symlinks are left alone).
pub fn absolute_normalized(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        match std::env::current_dir() {
            Ok(cwd) => cwd.join(path),
            Err(_) => path.to_path_buf(),
        }
    };
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                // `/..` is `/`; a relative path (no working directory) keeps its `..`.
                if !out.pop() && !out.has_root() {
                    out.push(component);
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_lexically() {
        assert_eq!(
            absolute_normalized(Path::new("/a/./b/../c")),
            PathBuf::from("/a/c")
        );
        assert_eq!(absolute_normalized(Path::new("/..")), PathBuf::from("/"));
        assert!(absolute_normalized(Path::new("x")).is_absolute());
    }
}

//! `file:` URIs and paths: the one place they are converted, both ways.
//!
//! A leaf module (no other part of `lsp/`): the converter and the handlers share it. Must never
//! touch the disk; paths are normalised lexically by the project layer.

use std::path::{Path, PathBuf};

use tower_lsp_server::ls_types::Uri;

use crate::project;

/// The path of a `file:` URI (absolute, `.`/`..` resolved); None for other schemes.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    if !uri.scheme().as_str().eq_ignore_ascii_case("file") {
        return None;
    }
    let path = uri.to_file_path()?;
    if !path.is_absolute() {
        return None;
    }
    Some(project::absolute_normalized(&path))
}

pub fn path_to_uri(path: &Path) -> Option<Uri> {
    if !path.is_absolute() {
        return None;
    }
    Uri::from_file_path(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_and_paths() {
        let uri: Uri = "file:///tmp/a%20b/x/../c.py".parse().unwrap();
        assert_eq!(uri_to_path(&uri), Some(PathBuf::from("/tmp/a b/c.py")));
        let untitled: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(uri_to_path(&untitled), None);
        let back = path_to_uri(Path::new("/tmp/a b/c.py")).unwrap();
        assert_eq!(back.as_str(), "file:///tmp/a%20b/c.py");
    }
}

//! The read policy: which files are opened at all and what counts as a text to check (size
//! limit, regular files only, no NUL bytes, UTF-8), and the short reasons given for the rest.
//!
//! Owns every open-and-read of a file to check. Must never decide what a file *is* (that is
//! [`file_kind`](crate::engine::workspace::file_kind)) nor walk directories.

use std::fs;
use std::io::{self, Read};
use std::path::Path;
use std::sync::Arc;

/// Files larger than this are skipped (and reported).
pub const MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// A short reason for an I/O error, for `keywire: skipped path: reason`.
pub fn io_reason(e: &io::Error) -> String {
    if is_loop(e) {
        return "symlink loop".into();
    }
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            // Drop the " (os error N)" suffix.
            let text = e.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_string(),
                None => text,
            }
        }
    }
}

/// Read a text file for checking: at most `max_size` bytes, no NUL bytes, valid UTF-8.
pub fn read_source(path: &Path, max_size: u64) -> Result<Arc<str>, String> {
    let mut buf = Vec::new();
    read_source_into(path, max_size, &mut buf).map(Arc::from)
}

/// [`read_source`] with the default size limit; None when the file is not one to check.
pub fn read_text(path: &Path) -> Option<Arc<str>> {
    read_source(path, MAX_FILE_SIZE).ok()
}

/// [`read_source`] into a reusable buffer (no allocation per file): the text, in `buf`.
pub fn read_source_into<'b>(
    path: &Path,
    max_size: u64,
    buf: &'b mut Vec<u8>,
) -> Result<&'b str, String> {
    read_file_into(path, max_size, buf, false)
}

/// [`read_source_into`]; `listed_regular`: the directory listing gave `path` as a regular
/// file (not a symlink), so it is opened without a `stat` first (the walk's case).
pub(super) fn read_file_into<'b>(
    path: &Path,
    max_size: u64,
    buf: &'b mut Vec<u8>,
    listed_regular: bool,
) -> Result<&'b str, String> {
    let too_large = || {
        format!(
            "larger than {} MB",
            (max_size as f64 / (1024.0 * 1024.0)).round() as u64
        )
    };
    // Opening a FIFO blocks until a writer comes (forever, for `mkfifo .env`), and a device
    // never ends: only regular files (or symlinks to them) are opened.
    if !listed_regular {
        let target = fs::metadata(path).map_err(|e| io_reason(&e))?;
        if !target.is_file() && !target.is_dir() {
            return Err("not a regular file".into());
        }
    }
    let file = fs::File::open(path).map_err(|e| io_reason(&e))?;
    let meta = file.metadata().map_err(|e| io_reason(&e))?;
    if meta.is_dir() {
        return Err("is a directory".into());
    }
    if meta.len() > max_size {
        return Err(too_large());
    }
    buf.clear();
    buf.reserve(meta.len() as usize + 1);
    file.take(max_size + 1)
        .read_to_end(buf)
        .map_err(|e| io_reason(&e))?;
    if buf.len() as u64 > max_size {
        return Err(too_large());
    }
    if memchr::memchr(0, buf).is_some() {
        return Err("binary file (contains NUL bytes)".into());
    }
    match std::str::from_utf8(buf) {
        Ok(text) => Ok(text),
        Err(e) => Err(format!(
            "not valid UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        )),
    }
}

/// A symlink loop (`ELOOP`), which `io::ErrorKind` does not name on stable Rust.
pub(super) fn is_loop(e: &io::Error) -> bool {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    const ELOOP: i32 = 40;
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    const ELOOP: i32 = 62;
    cfg!(unix) && e.raw_os_error() == Some(ELOOP)
}

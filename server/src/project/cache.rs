//! The facts cache: what `keywire check` learnt from each Python file and notebook, keyed by
//! the file's path and a hash of its bytes, so that a second run on an unchanged tree reads and
//! hashes the files but parses none.
//!
//! - Where: `.keywire_cache/` in the project root, holding a `.gitignore` (`*`) and a
//!   `CACHEDIR.TAG`, so that git and backup tools leave it alone; deleting it is always safe.
//! - Versioned: one file per keywire version, build (a hash of the sources, `build.rs`) and
//!   configuration; another build or configuration starts from nothing.
//! - No secrets: a value that may be one (a credential's value, a key-like string, a URL with
//!   credentials) is stored as its span only and read again from the file, whose bytes are
//!   those it was extracted from ([`PyFacts::without_secrets`]); facts where that cannot be
//!   done (a notebook's `!export`, an implicit concatenation) are not stored, and their file
//!   is parsed again on every run. The rest are names, spans and flags.
//! - Damaged or foreign content is ignored (read as empty), never trusted: each entry must
//!   decode to facts, and is used only when the file's length and hash match.
//! - Written once per run, to a temporary file renamed over the old one, and only when
//!   something changed. Entries of files under the checked folders that were not seen are
//!   dropped; entries of other folders are kept (a check of one folder keeps the others').

use std::collections::HashMap;
use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::engine::notebook::Notebook;
use crate::engine::python::PyFacts;
use crate::engine::workspace::{file_kind, FileKind};

/// The folder's name, in the project root.
pub const CACHE_DIR: &str = ".keywire_cache";

/// Whether the walk keeps a file's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum Keep {
    #[default]
    Never,
    Always,
    /// When `LoadOptions::keep_text` says so.
    PerOptions,
}

/// What a file's walk produced, besides its facts (see `walk.rs`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Outcome {
    pub keep: Keep,
    /// A notebook whose text is read again when checked (its stamp is taken anew).
    pub stamp: bool,
    pub env: bool,
    pub configs: bool,
    pub light: bool,
}

/// A file as the walk read it: its length and hash, what it gave, and whether that came from
/// the cache.
#[derive(Clone, Copy, Debug)]
pub(super) struct Cached {
    pub len: u64,
    pub hash: u64,
    pub outcome: Outcome,
    pub hit: bool,
    /// Its metadata before it was read.
    pub stat: Option<FileStat>,
}

/// What says a file is as it was without reading it, as git's index does: length,
/// modification and change times, inode. Kept only for a file last modified well before it was
/// read (a change within the same clock tick would not show).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct FileStat {
    len: u64,
    modified: (i64, i64),
    changed: (i64, i64),
    inode: u64,
}

/// A file modified this recently is read, whatever its metadata says.
const RACY_SECONDS: i64 = 2;

impl FileStat {
    /// The stat of a regular file.
    pub(super) fn of(meta: &fs::Metadata) -> Option<FileStat> {
        if !meta.is_file() {
            return None;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(FileStat {
                len: meta.len(),
                modified: (meta.mtime(), meta.mtime_nsec()),
                changed: (meta.ctime(), meta.ctime_nsec()),
                inode: meta.ino(),
            })
        }
        #[cfg(not(unix))]
        {
            let since = meta
                .modified()
                .ok()?
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?;
            Some(FileStat {
                len: meta.len(),
                modified: (since.as_secs() as i64, since.subsec_nanos() as i64),
                changed: (0, 0),
                inode: 0,
            })
        }
    }

    /// Whether a later stat equal to this one shows the same bytes: not when the file was
    /// changed in the last seconds (or in the future).
    fn settled(&self) -> bool {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        self.modified.0.max(self.changed.0) < now - RACY_SECONDS
    }
}

#[derive(Serialize, Deserialize)]
struct Entry {
    path: String,
    len: u64,
    hash: u64,
    /// Set when the file's metadata alone may say it is unchanged.
    stat: Option<FileStat>,
    outcome: Outcome,
    /// The facts, encoded on their own so that only the entries used are decoded.
    facts: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    entries: Vec<Entry>,
}

/// The cache of one run: what was read from disk and what this run adds.
pub struct FactsCache {
    root: PathBuf,
    file: PathBuf,
    old: HashMap<String, Entry>,
    /// Entries of files seen in this run (reused or new).
    seen: Mutex<Vec<Entry>>,
    hits: AtomicUsize,
    misses: AtomicUsize,
    /// Entries written anew by [`FactsCache::record`].
    changed: AtomicUsize,
}

/// Facts left by [`FactsCache::get_unread`] without their secret values, with them read again
/// from `text` (a notebook's module text for a notebook at `path`); None when they cannot be.
pub(super) fn restore(facts: &PyFacts, path: &Path, text: &str) -> Option<PyFacts> {
    facts
        .clone()
        .with_secrets_restored(&module_text(path, text)?)
}

/// The facts as the cache stores them: without secrets ([`PyFacts::without_secrets`]; `text`
/// is what their spans index, None for a notebook); None when they cannot be stored.
pub fn encode(facts: &PyFacts, text: Option<&str>) -> Option<Vec<u8>> {
    postcard::to_stdvec(&facts.without_secrets(text)?).ok()
}

/// Facts [`encode`]d from `text`, read back with their secrets from `text`; None when the bytes
/// are not such facts.
pub fn decode(bytes: &[u8], text: &str) -> Option<PyFacts> {
    decode_with(bytes, || Some(text.to_string()))
}

/// [`decode`] with the text given only when a value must be read back from it.
fn decode_with(bytes: &[u8], text: impl FnOnce() -> Option<String>) -> Option<PyFacts> {
    let mut facts = postcard::from_bytes::<PyFacts>(bytes).ok()?;
    if !facts.has_secrets_left_out() {
        return Some(facts);
    }
    facts.with_secrets_restored(&text()?)
}

/// The text a file's facts index: a Python file's own, a notebook's module (its code cells).
pub(super) fn module_text(path: &Path, text: &str) -> Option<String> {
    match file_kind(path) {
        FileKind::Notebook => Some(Notebook::parse(text).ok()?.module().text),
        _ => Some(text.to_string()),
    }
}

/// The hash a file's bytes are known by.
pub(super) fn content_hash(bytes: &[u8]) -> u64 {
    let mut h = DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

impl FactsCache {
    /// The cache of the project at `root` for this build and `settings` (anything that changes
    /// what is stored: the configuration, the prefilter mode). Never fails: an unreadable
    /// cache is an empty one.
    pub fn open(root: &Path, settings: &str) -> FactsCache {
        let mut h = DefaultHasher::new();
        env!("KEYWIRE_SOURCE_HASH").hash(&mut h);
        settings.hash(&mut h);
        let file = root
            .join(CACHE_DIR)
            .join(env!("CARGO_PKG_VERSION"))
            .join(format!("facts-{:016x}.bin", h.finish()));
        let old = fs::read(&file)
            .ok()
            .and_then(|bytes| postcard::from_bytes::<Stored>(&bytes).ok())
            .map(|s| s.entries.into_iter().map(|e| (e.path.clone(), e)).collect())
            .unwrap_or_default();
        FactsCache {
            root: root.to_path_buf(),
            file,
            old,
            seen: Mutex::new(Vec::new()),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
            changed: AtomicUsize::new(0),
        }
    }

    fn key(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned()
    }

    /// The facts stored for `path` when its bytes are the same as then.
    pub(super) fn get(&self, path: &Path, text: &str, hash: u64) -> Option<(PyFacts, Outcome)> {
        let hit = self
            .old
            .get(&self.key(path))
            .filter(|e| e.len == text.len() as u64 && e.hash == hash)
            .and_then(|e| {
                let facts = decode_with(&e.facts, || module_text(path, text))?;
                Some((facts, e.outcome))
            });
        let counter = if hit.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        hit
    }

    /// The facts stored for `path` when its metadata is what it was then, and they can be used
    /// without the text (no parse left to do; nothing to read back from it, unless `pending` is
    /// allowed: then secret values stay left out, and the flag says so): the file need not be
    /// read. The entry's length and hash come with them.
    pub(super) fn get_unread(
        &self,
        path: &Path,
        stat: FileStat,
        pending_ok: bool,
    ) -> Option<(PyFacts, Cached, bool)> {
        let e = self
            .old
            .get(&self.key(path))
            .filter(|e| e.stat == Some(stat) && e.len == stat.len && !e.outcome.env)?;
        let mut facts = postcard::from_bytes::<PyFacts>(&e.facts).ok()?;
        let pending = facts.has_secrets_left_out();
        if pending && !pending_ok {
            return None;
        }
        self.hits.fetch_add(1, Ordering::Relaxed);
        let cached = Cached {
            len: e.len,
            hash: e.hash,
            outcome: e.outcome,
            hit: true,
            stat: Some(stat),
        };
        Some((facts, cached, pending))
    }

    /// Record what the run ended with for `path`: a cache hit left as it was keeps its stored
    /// entry; anything else is stored anew, without its secrets (`text` gives what its spans
    /// index, asked for only when a value must be left out), or not at all when they cannot
    /// be left out.
    pub(super) fn record(
        &self,
        path: &Path,
        text: impl FnOnce() -> Option<String>,
        cached: Cached,
        facts: &PyFacts,
        outcome: Outcome,
    ) {
        let key = self.key(path);
        // A hit has the stored length: one stat serves both branches.
        let stat = cached.stat.filter(|s| s.len == cached.len && s.settled());
        let entry = if cached.hit && cached.outcome == outcome {
            let Some(old) = self.old.get(&key) else {
                return;
            };
            if stat != old.stat {
                self.changed.fetch_add(1, Ordering::Relaxed);
            }
            Entry {
                path: key,
                len: old.len,
                hash: old.hash,
                stat,
                outcome,
                facts: old.facts.clone(),
            }
        } else {
            let Some(blob) = encode(facts, None).or_else(|| encode(facts, Some(&text()?))) else {
                return;
            };
            self.changed.fetch_add(1, Ordering::Relaxed);
            Entry {
                path: key,
                len: cached.len,
                hash: cached.hash,
                stat,
                outcome,
                facts: blob,
            }
        };
        self.seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(entry);
    }

    /// (files whose facts were reused, files read anew).
    pub fn counts(&self) -> (usize, usize) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    /// Write the cache when this run changed it. `walked` are the folders walked: entries
    /// under them that were not seen are gone. Errors are logged, never fatal.
    pub fn save(self, walked: &[PathBuf]) {
        let mut seen = self.seen.into_inner().unwrap_or_else(|e| e.into_inner());
        let under_walked = |key: &str| {
            let path = self.root.join(key);
            walked.iter().any(|w| path.starts_with(w))
        };
        let mut old = self.old;
        let changed = self.changed.load(Ordering::Relaxed);
        let kept = seen.len() - changed;
        let dropped = old
            .values()
            .filter(|e| under_walked(&e.path))
            .count()
            .saturating_sub(kept);
        if changed == 0 && dropped == 0 {
            return;
        }
        for e in &seen {
            old.remove(&e.path);
        }
        seen.extend(old.into_values().filter(|e| !under_walked(&e.path)));
        seen.sort_by(|a, b| a.path.cmp(&b.path));
        let stored = Stored { entries: seen };
        let written = postcard::to_stdvec(&stored)
            .map_err(std::io::Error::other)
            .and_then(|bytes| write_file(&self.root, &self.file, &bytes));
        if let Err(e) = written {
            tracing::debug!("facts cache not written ({}): {e}", self.file.display());
        }
    }
}

/// Write `bytes` to `file` in the cache folder of the project at `root` (made, with its
/// `.gitignore` and `CACHEDIR.TAG`, when missing): to a temporary file renamed over the old one.
pub(super) fn write_file(root: &Path, file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = root.join(CACHE_DIR);
    let fresh = !dir.exists();
    if let Some(parent) = file.parent() {
        fs::create_dir_all(parent)?;
    }
    if fresh || !dir.join(".gitignore").exists() {
        fs::write(
            dir.join(".gitignore"),
            "# Written by keywire: safe to delete.\n*\n",
        )?;
        fs::write(
            dir.join("CACHEDIR.TAG"),
            "Signature: 8a477f597d28d172789f06886806bc55\n# keywire's facts cache: safe to delete.\n",
        )?;
    }
    let tmp = file.with_extension(format!("tmp{}", std::process::id()));
    fs::write(&tmp, bytes)?;
    fs::rename(&tmp, file).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

//! The report cache: the findings of the last `keywire check` of the same paths, stored with a
//! digest of everything they were made from, so that a second run on an unchanged tree runs no
//! rule. Beside the facts cache, in `.keywire_cache/<version>/` (see [`super::cache`]).
//!
//! - The digest: [`Workspace::digest`] (every file's text or content hash, git statuses, the
//!   virtualenvs' packages, the configuration after `--select`/`--ignore`) and which files are
//!   checked. The engine reads nothing else, so the same digest means the same findings.
//! - For reports only: the edits of a sensitive fix (moving a key into .env) carry the key, so
//!   they are neither stored nor given ([`for_report`]); a report never prints them, and a run
//!   that fixes checks anew. Messages hold no secret by the rules' own contract.
//! - One file per set of checked paths, rewritten when its digest changes; damaged or foreign
//!   content is a miss.

use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::engine::diagnostic::{Edit, Finding, Fix, Related, Within};
use crate::engine::rules::Rule;
use crate::engine::text::Span;
use crate::engine::Severity;

use super::Loaded;

/// Where the findings of one set of checked paths are kept.
#[derive(Debug)]
pub struct FindingsCache {
    root: PathBuf,
    file: PathBuf,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    digest: u64,
    findings: Vec<StoredFinding>,
}

#[derive(Serialize, Deserialize)]
struct StoredFinding {
    rule: Rule,
    severity: Severity,
    path: PathBuf,
    span: Span,
    message: String,
    related: Vec<StoredRelated>,
    fixes: Vec<StoredFix>,
    within: Option<StoredWithin>,
}

// The engine's types skip default fields when serialized, which postcard (no field names)
// cannot read back: the cache has its own forms.

#[derive(Serialize, Deserialize)]
struct StoredRelated {
    path: PathBuf,
    span: Span,
    message: String,
    within: Option<StoredWithin>,
}

#[derive(Serialize, Deserialize)]
struct StoredFix {
    title: String,
    /// Path, span, new text, whether the file is created.
    edits: Vec<(PathBuf, Span, String, bool)>,
    safe: bool,
    sensitive: bool,
}

#[derive(Serialize, Deserialize)]
struct StoredWithin {
    label: String,
    number: usize,
    start: (usize, usize),
    end: (usize, usize),
}

/// The labels [`Within`] uses; a stored one not among them is a miss.
const LABELS: [&str; 1] = [Within::CELL];

impl StoredWithin {
    fn new(w: &Within) -> Self {
        StoredWithin {
            label: w.label.to_string(),
            number: w.number,
            start: w.start,
            end: w.end,
        }
    }

    fn restore(self) -> Option<Within> {
        Some(Within {
            label: LABELS.into_iter().find(|l| *l == self.label)?,
            number: self.number,
            start: self.start,
            end: self.end,
        })
    }
}

/// `finding` as a report gives it: sensitive fixes without their edits.
pub fn for_report(mut finding: Finding) -> Finding {
    finding.fixes = finding.fixes.into_iter().map(report_fix).collect();
    finding
}

fn report_fix(mut fix: Fix) -> Fix {
    if fix.sensitive {
        fix.edits.clear();
    }
    fix
}

fn store(f: &Finding) -> StoredFinding {
    let related = f
        .related
        .iter()
        .map(|r| StoredRelated {
            path: r.path.clone(),
            span: r.span,
            message: r.message.clone(),
            within: r.within.as_ref().map(StoredWithin::new),
        })
        .collect();
    let fixes = f
        .fixes
        .iter()
        .cloned()
        .map(report_fix)
        .map(|fix| StoredFix {
            title: fix.title,
            edits: fix
                .edits
                .into_iter()
                .map(|e| (e.path, e.span, e.new_text, e.create))
                .collect(),
            safe: fix.safe,
            sensitive: fix.sensitive,
        })
        .collect();
    StoredFinding {
        rule: f.rule,
        severity: f.severity,
        path: f.path.clone(),
        span: f.span,
        message: f.message.clone(),
        related,
        fixes,
        within: f.within.as_ref().map(StoredWithin::new),
    }
}

fn restore_within(w: Option<StoredWithin>) -> Option<Option<Within>> {
    match w {
        Some(w) => Some(Some(w.restore()?)),
        None => Some(None),
    }
}

fn restore(s: StoredFinding) -> Option<Finding> {
    let mut related = Vec::with_capacity(s.related.len());
    for r in s.related {
        related.push(Related {
            path: r.path,
            span: r.span,
            message: r.message,
            within: restore_within(r.within)?,
        });
    }
    let fixes = s
        .fixes
        .into_iter()
        .map(|fix| Fix {
            title: fix.title,
            edits: fix
                .edits
                .into_iter()
                .map(|(path, span, new_text, create)| Edit {
                    path,
                    span,
                    new_text,
                    create,
                })
                .collect(),
            safe: fix.safe,
            sensitive: fix.sensitive,
        })
        .collect();
    let mut finding = Finding::new(s.rule, s.path, s.span, s.message);
    finding.severity = s.severity;
    finding.related = related;
    finding.fixes = fixes;
    finding.within = restore_within(s.within)?;
    Some(finding)
}

impl FindingsCache {
    /// The cache of the check of `roots` (as given) in the project at `root`.
    pub(super) fn new(root: &Path, roots: &[PathBuf]) -> FindingsCache {
        let mut h = DefaultHasher::new();
        env!("KEYWIRE_SOURCE_HASH").hash(&mut h);
        roots.hash(&mut h);
        let file = root
            .join(super::CACHE_DIR)
            .join(env!("CARGO_PKG_VERSION"))
            .join(format!("findings-{:016x}.bin", h.finish()));
        FindingsCache {
            root: root.to_path_buf(),
            file,
        }
    }

    /// The findings stored for `digest`; None when there are none or they cannot be read.
    fn get(&self, digest: u64) -> Option<Vec<Finding>> {
        let bytes = fs::read(&self.file).ok()?;
        let stored = postcard::from_bytes::<Stored>(&bytes).ok()?;
        if stored.digest != digest {
            return None;
        }
        stored.findings.into_iter().map(restore).collect()
    }

    /// Store `findings` for `digest`. Errors are logged, never fatal.
    fn put(&self, digest: u64, findings: &[Finding]) {
        let stored = Stored {
            digest,
            findings: findings.iter().map(store).collect(),
        };
        let written = postcard::to_stdvec(&stored)
            .map_err(std::io::Error::other)
            .and_then(|bytes| super::cache::write_file(&self.root, &self.file, &bytes));
        if let Err(e) = written {
            tracing::debug!("findings not cached ({}): {e}", self.file.display());
        }
    }
}

impl Loaded {
    /// The digest of what this load's findings are made from (see the module's doc); None when
    /// a Python file's content hash is not known.
    pub fn digest(&self) -> Option<u64> {
        // By the paths' bytes: hashing a `Path` walks its components.
        let hashes: std::collections::HashMap<&[u8], u64> = self
            .python
            .iter()
            .map(|f| Some((f.path.as_os_str().as_encoded_bytes(), f.hash?)))
            .collect::<Option<_>>()?;
        let ws = self
            .workspace
            .digest(|p| hashes.get(p.as_os_str().as_encoded_bytes()).copied())?;
        let mut h = DefaultHasher::new();
        ws.hash(&mut h);
        // Which files are checked (the rest are context).
        self.checked_files().hash(&mut h);
        Some(h.finish())
    }

    /// The findings of a report on this load: from the report cache when what they are made of
    /// is unchanged, else made by `check` (after the secret values left out of facts are read
    /// again) and stored. Sensitive fixes have no edits ([`for_report`]) whichever way they
    /// came.
    pub fn report_findings(&mut self, check: impl FnOnce(&Loaded) -> Vec<Finding>) -> Vec<Finding> {
        let digest = self.findings_cache.as_ref().and_then(|_| self.digest());
        let cached = self.findings_cache.as_ref().zip(digest);
        if let Some(findings) = cached.and_then(|(cache, digest)| cache.get(digest)) {
            return findings;
        }
        self.restore_secrets();
        let findings: Vec<Finding> = check(self).into_iter().map(for_report).collect();
        if let Some((cache, digest)) = self.findings_cache.as_ref().zip(digest) {
            cache.put(digest, &findings);
        }
        findings
    }

    /// Read again the secret values left out of facts ([`LoadOptions::report_only`]); a file
    /// changed since it was walked gets facts from its new text, one gone gets none.
    ///
    /// [`LoadOptions::report_only`]: super::LoadOptions::report_only
    fn restore_secrets(&mut self) {
        for i in 0..self.python.len() {
            if !self.python[i].secrets_pending {
                continue;
            }
            let path = self.python[i].path.clone();
            self.python[i].secrets_pending = false;
            let facts = self.workspace.python_module(&path).map(|m| m.facts.clone());
            let restored = self
                .text(&path)
                .zip(facts)
                .and_then(|(text, facts)| super::cache::restore(&facts, &path, &text));
            let update = match restored {
                Some(facts) => super::FileUpdate::Python(std::sync::Arc::new(facts)),
                None => super::load_file(&path, &mut super::GitIgnoreCache::default()),
            };
            update.apply(&mut self.workspace, path);
        }
    }
}

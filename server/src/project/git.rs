//! Git status of .env and `OAI_CONFIG_LIST` files: whether their repository ignores them (its .gitignore files and
//! `.git/info/exclude`) and whether its index tracks them.
//!
//! Owns reading ignore files and git indexes, cached per repository. Must never run git nor
//! write anything under `.git`; a corrupt index is reported, never a panic.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use super::paths::absolute_normalized;
use super::read::io_reason;
use super::Skipped;
use crate::engine::workspace::{file_kind, FileKind, GitStatus};

/// Finds out whether files are ignored by their git repository: its root and nested
/// .gitignore files and `.git/info/exclude` (not the user's global excludes, which protect
/// nobody else who clones the repository), and whether git tracks them: git's index (read once
/// per repository). Caches matchers and indexes between calls.
#[derive(Default)]
pub struct GitIgnoreCache {
    repo_roots: HashMap<PathBuf, Option<PathBuf>>,
    gitignores: HashMap<PathBuf, Option<Arc<Gitignore>>>,
    excludes: HashMap<PathBuf, Option<Arc<Gitignore>>>,
    /// Per repository root: the .env files its index lists, None when it could not be read.
    tracked: HashMap<PathBuf, Option<Arc<TrackedEnv>>>,
    /// Indexes that exist but could not be read (once each), for the CLI to report.
    problems: Vec<Skipped>,
}

impl GitIgnoreCache {
    /// `path` must be absolute and normalized.
    pub fn status(&mut self, path: &Path) -> GitStatus {
        let Some(parent) = path.parent() else {
            return GitStatus::Unknown;
        };
        let Some(repo_root) = self.repo_root(parent) else {
            return GitStatus::NotInRepo;
        };
        let ignored = self.ignored(path, parent, &repo_root);
        let tracked = self
            .tracked_env(&repo_root)
            .is_some_and(|t| t.contains(path, &repo_root));
        match (tracked, ignored) {
            (true, ignored) => GitStatus::Tracked { repo_root, ignored },
            (false, true) => GitStatus::Ignored,
            (false, false) => GitStatus::NotIgnored { repo_root },
        }
    }

    /// Git indexes that could not be read since the last call (each reported once).
    pub fn take_problems(&mut self) -> Vec<Skipped> {
        std::mem::take(&mut self.problems)
    }

    fn ignored(&mut self, path: &Path, parent: &Path, repo_root: &Path) -> bool {
        // Directories from the repository root down to the file's directory.
        let mut chain: Vec<&Path> = parent
            .ancestors()
            .take_while(|d| d.starts_with(repo_root))
            .collect();
        chain.reverse();
        let matchers: Vec<(PathBuf, Arc<Gitignore>)> = chain
            .iter()
            .filter_map(|dir| Some((dir.to_path_buf(), self.gitignore(dir)?)))
            .collect();
        let exclude = self.info_exclude(repo_root);
        // A file inside an ignored directory is ignored whatever its own patterns say.
        chain
            .iter()
            .skip(1)
            .any(|dir| is_ignored(dir, true, &matchers, exclude.as_deref()))
            || is_ignored(path, false, &matchers, exclude.as_deref())
    }

    fn tracked_env(&mut self, repo_root: &Path) -> Option<Arc<TrackedEnv>> {
        if let Some(cached) = self.tracked.get(repo_root) {
            return cached.clone();
        }
        let read = match TrackedEnv::read(repo_root) {
            Ok(found) => found.map(Arc::new),
            Err(problem) => {
                tracing::warn!("{}: {}", problem.path.display(), problem.reason);
                self.problems.push(problem);
                None
            }
        };
        self.tracked.insert(repo_root.to_path_buf(), read.clone());
        read
    }

    fn repo_root(&mut self, dir: &Path) -> Option<PathBuf> {
        if let Some(cached) = self.repo_roots.get(dir) {
            return cached.clone();
        }
        let found = dir
            .ancestors()
            .find(|d| fs::symlink_metadata(d.join(".git")).is_ok())
            .map(Path::to_path_buf);
        self.repo_roots.insert(dir.to_path_buf(), found.clone());
        found
    }

    fn gitignore(&mut self, dir: &Path) -> Option<Arc<Gitignore>> {
        if let Some(cached) = self.gitignores.get(dir) {
            return cached.clone();
        }
        let file = dir.join(".gitignore");
        let matcher = build_gitignore(dir, &file);
        self.gitignores.insert(dir.to_path_buf(), matcher.clone());
        matcher
    }

    fn info_exclude(&mut self, repo_root: &Path) -> Option<Arc<Gitignore>> {
        if let Some(cached) = self.excludes.get(repo_root) {
            return cached.clone();
        }
        let file = repo_root.join(".git").join("info").join("exclude");
        let matcher = build_gitignore(repo_root, &file);
        self.excludes
            .insert(repo_root.to_path_buf(), matcher.clone());
        matcher
    }
}

/// Indexes larger than this are not read (the index of a repository with a million files is
/// about 100 MB).
const MAX_INDEX_SIZE: u64 = 512 * 1024 * 1024;

/// The .env files (and templates) a repository's index lists: paths relative to its root, with
/// `/`, as `git ls-files` prints them.
#[derive(Debug, Default)]
struct TrackedEnv {
    paths: std::collections::HashSet<Vec<u8>>,
}

impl TrackedEnv {
    fn contains(&self, path: &Path, repo_root: &Path) -> bool {
        let Ok(rel) = path.strip_prefix(repo_root) else {
            return false;
        };
        let mut key = Vec::new();
        for (i, part) in rel.components().enumerate() {
            if i > 0 {
                key.push(b'/');
            }
            key.extend_from_slice(part.as_os_str().to_string_lossy().as_bytes());
        }
        self.paths.contains(&key)
    }

    /// Read the index of the repository at `repo_root`. `Ok(None)` when there is none to read
    /// (no index yet, a `.git` file pointing nowhere): which files git tracks is then unknown.
    /// A corrupt or unsupported index is a problem to report, never a panic.
    fn read(repo_root: &Path) -> Result<Option<TrackedEnv>, Skipped> {
        let Some(git_dir) = git_dir(repo_root) else {
            return Ok(None);
        };
        let index = git_dir.join("index");
        let problem = |reason: String| Skipped {
            path: index.clone(),
            reason: format!("{reason}: which .env files git tracks is unknown"),
        };
        let meta = match fs::metadata(&index) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(problem(io_reason(&e))),
        };
        if !meta.is_file() {
            return Err(problem("not a regular file".into()));
        }
        if meta.len() > MAX_INDEX_SIZE {
            return Err(problem(format!(
                "git index larger than {} MB",
                MAX_INDEX_SIZE / (1024 * 1024)
            )));
        }
        let options = gix_index::decode::Options {
            thread_limit: Some(1),
            alloc_limit_bytes: Some(4 * MAX_INDEX_SIZE as usize),
            ..Default::default()
        };
        // The checksum is verified: a torn or foreign (SHA-256) index is reported, not misread.
        let opened = std::panic::catch_unwind(|| {
            gix_index::File::at(&index, gix_index::hash::Kind::Sha1, false, options)
        });
        let file = match opened {
            Ok(Ok(file)) => file,
            Ok(Err(e)) => {
                let text = e.to_string();
                let first = text.lines().next().unwrap_or("").trim();
                return Err(problem(format!("unreadable git index ({first})")));
            }
            Err(_) => return Err(problem("unreadable git index".into())),
        };
        let mut paths = std::collections::HashSet::new();
        for entry in file.entries() {
            let path: &[u8] = entry.path(&file);
            let name = path.rsplit(|&b| b == b'/').next().unwrap_or(path);
            let Ok(name) = std::str::from_utf8(name) else {
                continue;
            };
            if matches!(
                file_kind(Path::new(name)),
                FileKind::Env | FileKind::EnvTemplate | FileKind::ConfigJson { .. }
            ) {
                paths.insert(path.to_vec());
            }
        }
        Ok(Some(TrackedEnv { paths }))
    }
}

/// The git directory of the work tree at `repo_root`: `.git` itself, or where a `.git` file
/// (`gitdir: …`, in linked worktrees and submodules) points.
fn git_dir(repo_root: &Path) -> Option<PathBuf> {
    let dot_git = repo_root.join(".git");
    let meta = fs::metadata(&dot_git).ok()?;
    if meta.is_dir() {
        return Some(dot_git);
    }
    if !meta.is_file() || meta.len() > 4096 {
        return None;
    }
    let text = fs::read_to_string(&dot_git).ok()?;
    let target = text.lines().next()?.strip_prefix("gitdir:")?.trim();
    if target.is_empty() {
        return None;
    }
    Some(absolute_normalized(&repo_root.join(target)))
}

fn build_gitignore(root: &Path, file: &Path) -> Option<Arc<Gitignore>> {
    if !file.is_file() {
        return None;
    }
    let mut builder = GitignoreBuilder::new(root);
    // Partial errors (a bad line) keep the good lines, as git does.
    let _ = builder.add(file);
    let matcher = builder.build().ok()?;
    (!matcher.is_empty()).then(|| Arc::new(matcher))
}

/// Git's precedence: the deepest .gitignore with a matching pattern decides (its last matching
/// line), then `.git/info/exclude`.
fn is_ignored(
    path: &Path,
    is_dir: bool,
    matchers: &[(PathBuf, Arc<Gitignore>)],
    exclude: Option<&Gitignore>,
) -> bool {
    for (dir, matcher) in matchers.iter().rev() {
        if path == dir || !path.starts_with(dir) {
            continue;
        }
        let m = matcher.matched(path, is_dir);
        if m.is_ignore() {
            return true;
        }
        if m.is_whitelist() {
            return false;
        }
    }
    exclude.is_some_and(|ex| ex.matched(path, is_dir).is_ignore())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::testing::write;
    use crate::project::{load, LoadOptions};
    use testkit::process::git;

    #[test]
    fn git_status_follows_git_precedence() {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        fs::create_dir_all(root.join(".git/info")).unwrap();
        write(&root.join(".gitignore"), ".env\nbuild/\n");
        write(&root.join("app/.gitignore"), "!.env\n");
        write(&root.join(".git/info/exclude"), ".env.local\n");
        write(&root.join("sub/.gitignore"), "# nothing\n");
        let mut cache = GitIgnoreCache::default();
        assert_eq!(cache.status(&root.join(".env")), GitStatus::Ignored);
        assert_eq!(cache.status(&root.join("sub/.env")), GitStatus::Ignored);
        assert_eq!(
            cache.status(&root.join("app/.env")),
            GitStatus::NotIgnored {
                repo_root: root.clone()
            }
        );
        assert_eq!(cache.status(&root.join(".env.local")), GitStatus::Ignored);
        assert_eq!(
            cache.status(&root.join(".env.production")),
            GitStatus::NotIgnored {
                repo_root: root.clone()
            }
        );
        // A whitelist cannot re-include a file inside an ignored directory.
        write(&root.join("build/.gitignore"), "!.env.prod\n");
        assert_eq!(
            cache.status(&root.join("build/.env.prod")),
            GitStatus::Ignored
        );

        let outside = tempfile::tempdir().unwrap();
        let outside = fs::canonicalize(outside.path()).unwrap();
        let mut cache = GitIgnoreCache::default();
        // The temp dir might itself live in a repository; only check when it does not.
        if outside.ancestors().all(|d| !d.join(".git").exists()) {
            assert_eq!(cache.status(&outside.join(".env")), GitStatus::NotInRepo);
        }
    }

    /// A repository whose `.env` was committed before `.gitignore` listed it, a tracked
    /// `sub/.env` nobody ignores, an ignored untracked `.env.local` and an untracked
    /// `other/.env`.
    fn repo_with_tracked_env() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        git(&root, &["init", "-q"]);
        write(&root.join(".env"), "OPENAI_API_KEY=sk-1111\n");
        write(&root.join("sub/.env"), "A_KEY=1\n");
        write(&root.join("app.py"), "");
        git(&root, &["add", "."]);
        git(&root, &["commit", "-q", "-m", "first"]);
        write(&root.join(".gitignore"), "/.env\n.env.local\n");
        write(&root.join(".env.local"), "A_KEY=1\n");
        git(&root, &["add", "."]);
        git(&root, &["commit", "-q", "-m", "ignore"]);
        write(&root.join("other/.env"), "A_KEY=1\n");
        (dir, root)
    }

    /// A config list committed before `.gitignore` listed it is still in the repository.
    #[test]
    fn tracked_config_lists_are_seen_although_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        git(&root, &["init", "-q"]);
        write(&root.join("OAI_CONFIG_LIST"), "[]");
        git(&root, &["add", "."]);
        git(&root, &["commit", "-q", "-m", "first"]);
        write(&root.join(".gitignore"), "OAI_CONFIG_LIST*\n");
        write(&root.join("app/OAI_CONFIG_LIST.json"), "[]");
        let loaded = load(std::slice::from_ref(&root), &LoadOptions::default()).unwrap();
        let status = |p: &str| {
            loaded
                .workspace
                .config_json(&root.join(p))
                .unwrap()
                .git
                .clone()
        };
        assert_eq!(
            status("OAI_CONFIG_LIST"),
            GitStatus::Tracked {
                repo_root: root.clone(),
                ignored: true
            }
        );
        assert_eq!(status("app/OAI_CONFIG_LIST.json"), GitStatus::Ignored);
    }

    #[test]
    fn git_status_reads_the_index() {
        let (_dir, root) = repo_with_tracked_env();
        let mut cache = GitIgnoreCache::default();
        assert_eq!(
            cache.status(&root.join(".env")),
            GitStatus::Tracked {
                repo_root: root.clone(),
                ignored: true
            }
        );
        assert_eq!(
            cache.status(&root.join("sub/.env")),
            GitStatus::Tracked {
                repo_root: root.clone(),
                ignored: false
            }
        );
        assert_eq!(cache.status(&root.join(".env.local")), GitStatus::Ignored);
        assert_eq!(
            cache.status(&root.join("other/.env")),
            GitStatus::NotIgnored {
                repo_root: root.clone()
            }
        );
        assert!(cache.take_problems().is_empty());

        // `git rm --cached` untracks it: what is left is the ignore line.
        git(&root, &["rm", "-q", "--cached", ".env"]);
        let mut cache = GitIgnoreCache::default();
        assert_eq!(cache.status(&root.join(".env")), GitStatus::Ignored);

        // The loader hands the status on.
        let loaded = load(std::slice::from_ref(&root), &LoadOptions::default()).unwrap();
        let status = |p: &str| {
            loaded
                .workspace
                .env_file(&root.join(p))
                .unwrap()
                .git
                .clone()
        };
        assert_eq!(status(".env"), GitStatus::Ignored);
        assert!(status("sub/.env").is_tracked());
        assert!(loaded.skipped.is_empty(), "{:?}", loaded.skipped);
    }

    #[test]
    fn git_status_follows_a_dot_git_file() {
        let (_dir, root) = repo_with_tracked_env();
        let linked = root.join("linked");
        git(&root, &["worktree", "add", "-q", "linked"]);
        assert!(linked.join(".git").is_file());
        let mut cache = GitIgnoreCache::default();
        assert_eq!(
            cache.status(&linked.join(".env")),
            GitStatus::Tracked {
                repo_root: linked.clone(),
                ignored: true
            }
        );
        assert_eq!(
            cache.status(&linked.join("other/.env")),
            GitStatus::NotIgnored {
                repo_root: linked.clone()
            }
        );
        // A `.git` file pointing nowhere: tracking is unknown, the ignore rules still apply.
        write(&linked.join(".git"), "gitdir: /nonexistent/git/dir\n");
        let mut cache = GitIgnoreCache::default();
        assert_eq!(cache.status(&linked.join(".env")), GitStatus::Ignored);
        assert!(cache.take_problems().is_empty());
    }

    #[test]
    fn a_corrupt_index_falls_back_to_the_ignore_rules() {
        let (_dir, root) = repo_with_tracked_env();
        let index = root.join(".git/index");
        let good = fs::read(&index).unwrap();
        let mut flipped = good.clone();
        let middle = flipped.len() / 2;
        flipped[middle] ^= 0xff;
        let corrupt: [&[u8]; 5] = [
            b"",
            b"not an index at all",
            &good[..good.len() / 2],
            &good[..12],
            &flipped,
        ];
        for bytes in corrupt {
            fs::write(&index, bytes).unwrap();
            let mut cache = GitIgnoreCache::default();
            assert_eq!(cache.status(&root.join(".env")), GitStatus::Ignored);
            assert_eq!(
                cache.status(&root.join("sub/.env")),
                GitStatus::NotIgnored {
                    repo_root: root.clone()
                }
            );
            let problems = cache.take_problems();
            assert_eq!(problems.len(), 1, "read once per repository: {problems:?}");
            assert_eq!(problems[0].path, index);
            assert!(
                problems[0]
                    .reason
                    .ends_with(": which .env files git tracks is unknown"),
                "{problems:?}"
            );
        }
        // The check goes on, and says why on stderr.
        let loaded = load(std::slice::from_ref(&root), &LoadOptions::default()).unwrap();
        assert_eq!(loaded.env.len(), 4);
        assert_eq!(loaded.skipped.len(), 1);
        assert_eq!(loaded.skipped[0].path, index);
        // No index at all (a repository before its first `git add`): nothing to report.
        fs::remove_file(&index).unwrap();
        let mut cache = GitIgnoreCache::default();
        assert_eq!(cache.status(&root.join(".env")), GitStatus::Ignored);
        assert!(cache.take_problems().is_empty());
    }
}

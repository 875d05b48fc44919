//! The facts cache changes no finding and holds no secret. Every fixture workspace and a
//! generated one are checked without the cache, then twice with it (the first run fills it,
//! the second reads it): the rendered findings (messages, spans, fixes and their edits) must be
//! the same all three times, and the second run must have parsed nothing it had seen.

use std::path::{Path, PathBuf};

use keywire::project::{LoadOptions, Prefilter, CACHE_DIR};
use testkit::corpus;
use testkit::paths::{copy_tree, repo_root, write};

/// Files whose facts came from the cache, and files read anew.
type Counts = (usize, usize);

/// Findings of a whole one-shot check, rendered with everything in them, sorted; and how the
/// cache served the files.
fn check(dir: &Path, cache: bool) -> Option<(Vec<String>, Option<Counts>)> {
    let opts = LoadOptions {
        prefilter: Prefilter::Findings,
        cache,
        ..LoadOptions::default()
    };
    testkit::fixture::check_loaded(dir, &opts)
}

/// Checks `dir` cold, filling the cache, then warm; returns the findings and the warm counts.
fn assert_warm_is_cold(dir: &Path) -> Option<(Vec<String>, Counts)> {
    let (cold, none) = check(dir, false)?;
    assert_eq!(none, None);
    assert!(!dir.join(CACHE_DIR).exists(), "written without the cache");
    let (first, _) = check(dir, true).expect("loads with the cache");
    assert_eq!(
        first,
        cold,
        "{}: the run that fills the cache differs",
        dir.display()
    );
    let (warm, counts) = check(dir, true).expect("loads with the cache");
    assert_eq!(
        warm,
        cold,
        "{}: the run from the cache differs",
        dir.display()
    );
    Some((warm, counts.expect("counts with the cache")))
}

fn fixture_copies(into: &Path) -> Vec<PathBuf> {
    let tests = repo_root().join("tests");
    let mut out = Vec::new();
    for group in ["rules", "workspaces", "cli"] {
        for e in std::fs::read_dir(tests.join(group)).unwrap().flatten() {
            if e.path().is_dir() {
                let to = into.join(group).join(e.file_name());
                copy_tree(&e.path(), &to);
                let _ = std::fs::remove_dir_all(to.join(CACHE_DIR));
                // Each a project of its own, as in the repository (not one under `into`).
                std::fs::create_dir_all(to.join(".git")).unwrap();
                out.push(to);
            }
        }
    }
    out.sort();
    assert!(out.len() > 20, "fixtures not found: {out:?}");
    out
}

#[test]
fn fixtures_give_the_same_findings_from_the_cache() {
    let tmp = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(tmp.path()).unwrap();
    let (mut findings, mut reused) = (0, 0);
    for dir in fixture_copies(&root) {
        if let Some((warm, (hits, _))) = assert_warm_is_cold(&dir) {
            findings += warm.len();
            reused += hits;
        }
    }
    assert!(findings > 50, "only {findings} findings in the fixtures");
    assert!(reused > 100, "only {reused} files came from the cache");
}

#[test]
fn generated_workspace_gives_the_same_findings_from_the_cache() {
    let tmp = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(tmp.path()).unwrap();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    corpus::generate(&root, 400, 11).unwrap();
    let (warm, (hits, misses)) = assert_warm_is_cold(&root).unwrap();
    assert!(!warm.is_empty());
    assert!(
        hits >= 390 && misses <= 10,
        "{hits} reused, {misses} read anew"
    );

    // One file changed: it alone is read anew, and the findings follow the change.
    let app = root.join("app_changed.py");
    write(
        &app,
        "import os\nfrom autogen import AssistantAgent\nAssistantAgent('a', llm_config={'config_list': [{'model': 'gpt-4o'}]})\n",
    );
    let (with_new, _) = check(&root, true).unwrap();
    let (again, counts) = check(&root, true).unwrap();
    assert_eq!(with_new, again);
    assert_eq!(with_new, check(&root, false).unwrap().0);
    assert!(with_new.iter().any(|f| f.contains("app_changed.py")));
    let (_, misses) = counts.unwrap();
    assert!(misses <= 10, "{misses} read anew after one new file");
    write(&app, "x = 1\n");
    let (after, _) = check(&root, true).unwrap();
    assert!(!after.iter().any(|f| f.contains("app_changed.py")));
    assert_eq!(after, check(&root, false).unwrap().0);
}

const KEYS: [&str; 5] = [
    "sk-proj-Q9vLr2Tb4WmZ1cVn8KpE3sHd6JyA0uXf",
    "sk-ant-api03-R7tYb2Qw9Lm4Xc8Vn1Kp6Sd3Fh0Jg5Za",
    "gsk_Ty8Qw2Er6Ui0Op4As7Df1Gh5Jk9Lz3Xc",
    "hunter2-correct-horse",
    "AIzaSyD4xQ7wE1rT9yU3iO6pA2sD5fG8hJ0kL1z",
];

#[test]
fn no_secret_reaches_the_cache() {
    let tmp = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(tmp.path()).unwrap();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    let [openai, anthropic, groq, password, google] = KEYS;
    write(
        &root.join("app.py"),
        format!(
            "import os\nfrom autogen import AssistantAgent\n\nOPENAI_API_KEY = \"{openai}\"\n\
             os.environ[\"ANTHROPIC_API_KEY\"] = \"{anthropic}\"\n\
             config_list = [{{\"model\": \"gpt-4o\", \"api_key\": \"{groq}\", \"password\": \"{password}\"}}]\n\
             AssistantAgent(\"a\", llm_config={{\"config_list\": config_list}})\n\
             GOOGLE = (\"{}\"\n          \"{}\")\n",
            &google[..10],
            &google[10..]
        ),
    );
    write(
        &root.join("test_settings.py"),
        format!("import os\nos.environ.setdefault(\"OPENAI_API_KEY\", \"{openai}\")\n"),
    );
    let notebook = serde_json::json!({
        "cells": [{
            "cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null,
            "source": ["import os\n", format!("OPENAI_API_KEY = \"{groq}\"\n"),
                       format!("os.environ[\"ANTHROPIC_API_KEY\"] = \"{anthropic}\"\n")],
        }],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    });
    write(&root.join("demo.ipynb"), notebook.to_string());
    let (warm, (hits, misses)) = assert_warm_is_cold(&root).unwrap();
    assert!(warm.iter().any(|f| f.contains("KW104")), "{warm:#?}");
    assert!(
        warm.iter()
            .any(|f| f.contains("KW104") && f.contains("demo.ipynb")),
        "{warm:#?}"
    );
    // The module, the settings and the notebook, each with keys, came from the cache.
    assert_eq!((hits, misses), (3, 0), "{warm:#?}");
    let mut stored = Vec::new();
    for e in walk(&root.join(CACHE_DIR)) {
        stored.extend(std::fs::read(e).unwrap());
    }
    assert!(!stored.is_empty());
    for key in KEYS {
        for piece in [key, &key[..10], &key[key.len() - 10..]] {
            let found = stored.windows(piece.len()).any(|w| w == piece.as_bytes());
            assert!(!found, "the cache holds a piece of a secret");
        }
    }
}

#[test]
fn the_cache_folder_ignores_itself_and_damage_is_ignored() {
    let tmp = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(tmp.path()).unwrap();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    corpus::generate(&root, 60, 3).unwrap();
    let (cold, _) = check(&root, false).unwrap();
    check(&root, true).unwrap();
    let dir = root.join(CACHE_DIR);
    let ignore = std::fs::read_to_string(dir.join(".gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "*"), "{ignore}");
    assert!(std::fs::read_to_string(dir.join("CACHEDIR.TAG"))
        .unwrap()
        .starts_with("Signature: 8a477f597d28d172789f06886806bc55"));
    // The walk does not read the cache's own files.
    let stored: Vec<PathBuf> = walk(&dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "bin"))
        .collect();
    assert_eq!(stored.len(), 1, "{stored:?}");

    // Damaged: truncated, garbage, empty. Never trusted, then rewritten.
    let good = std::fs::read(&stored[0]).unwrap();
    for bad in [
        &good[..good.len() / 2],
        b"not a cache at all".as_slice(),
        b"",
    ] {
        std::fs::write(&stored[0], bad).unwrap();
        let (findings, counts) = check(&root, true).unwrap();
        assert_eq!(findings, cold);
        assert_eq!(counts.unwrap().0, 0, "a damaged cache was used");
        let (findings, counts) = check(&root, true).unwrap();
        assert_eq!(findings, cold);
        assert!(counts.unwrap().0 > 0, "the cache was not rewritten");
    }
    // Deleted: as if never written.
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(check(&root, true).unwrap().0, cold);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

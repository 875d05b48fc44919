//! The facts cache and the report cache change no finding and hold no secret. Every fixture
//! workspace and a generated one are checked without the caches, then twice with them (the
//! first run fills them, the second reads them): the rendered findings (messages, spans, fixes
//! and their edits) must be the same all three times, and the second run must have parsed
//! nothing it had seen. The report cache must follow a change of any file the engine reads.

use std::path::{Path, PathBuf};

use keywire::project::{LoadOptions, Prefilter, CACHE_DIR};
use testkit::corpus;
use testkit::paths::{copy_tree, repo_root, write};

/// Files whose facts came from the cache, and files read anew.
type Counts = (usize, usize);

fn options(cache: bool) -> LoadOptions {
    LoadOptions {
        prefilter: Prefilter::Findings,
        cache,
        ..LoadOptions::default()
    }
}

/// Findings of a one-shot report (through the report cache when `cache`), rendered with
/// everything in them, sorted; and how the facts cache served the files.
fn check(dir: &Path, cache: bool) -> Option<(Vec<String>, Option<Counts>)> {
    testkit::fixture::report_loaded(dir, &options(cache))
}

/// As [`check`], every rule run (the facts cache alone).
fn check_all(dir: &Path, cache: bool) -> Option<(Vec<String>, Option<Counts>)> {
    testkit::fixture::check_loaded(dir, &options(cache))
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
    // The facts from the cache, every rule run on them.
    assert_eq!(
        check_all(dir, true).unwrap().0,
        check_all(dir, false).unwrap().0,
        "{}: the rules on the cached facts differ",
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
    let files = walk(&root.join(CACHE_DIR));
    assert!(files
        .iter()
        .any(|f| f.to_string_lossy().contains("findings-")));
    for file in files {
        let stored = std::fs::read(&file).unwrap();
        // The report's messages name a key's kind by its public prefix (`sk-ant-api03-…`), as
        // every output does: the facts hold not even that.
        let report = file.to_string_lossy().contains("findings-");
        for key in KEYS {
            let middle = &key[key.len() / 2 - 5..key.len() / 2 + 5];
            let start = if report { middle } else { &key[..10] };
            for piece in [key, start, middle, &key[key.len() - 10..]] {
                let found = stored.windows(piece.len()).any(|w| w == piece.as_bytes());
                assert!(!found, "{} holds a piece of a secret", file.display());
            }
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
    let stored = |prefix: &str| -> Vec<PathBuf> {
        walk(&dir)
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "bin"))
            .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
            .collect()
    };
    let (facts, report) = (stored("facts-"), stored("findings-"));
    assert_eq!((facts.len(), report.len()), (1, 1), "{facts:?} {report:?}");

    // Damaged: truncated, garbage, empty. Never trusted, then rewritten.
    let damaged = |file: &Path| {
        let good = std::fs::read(file).unwrap();
        let bad: [&[u8]; 3] = [&good[..good.len() / 2], b"not a cache at all", b""];
        bad.map(|b| b.to_vec())
    };
    for bad in damaged(&facts[0]) {
        std::fs::write(&facts[0], bad).unwrap();
        let (findings, counts) = check(&root, true).unwrap();
        assert_eq!(findings, cold);
        assert_eq!(counts.unwrap().0, 0, "a damaged cache was used");
        let (findings, counts) = check(&root, true).unwrap();
        assert_eq!(findings, cold);
        assert!(counts.unwrap().0 > 0, "the cache was not rewritten");
    }
    for bad in damaged(&report[0]) {
        std::fs::write(&report[0], &bad).unwrap();
        assert_eq!(check(&root, true).unwrap().0, cold);
        assert_ne!(std::fs::read(&report[0]).unwrap(), bad, "not rewritten");
        assert_eq!(check(&root, true).unwrap().0, cold);
    }
    // Deleted: as if never written.
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(check(&root, true).unwrap().0, cold);
}

/// A project with a file of each kind the engine reads, and a change to each.
const PROJECT: &[(&str, &str)] = &[
    (
        "app.py",
        "import os\nfrom dotenv import load_dotenv\nfrom autogen import AssistantAgent\n\nload_dotenv()\n\
         config_list = [{\"model\": \"gpt-4o\", \"api_key\": os.environ[\"OPENAI_API_KEY\"]}]\n\
         AssistantAgent(\"a\", llm_config={\"config_list\": config_list})\n",
    ),
    (
        "notebook.ipynb",
        r#"{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null, "source": ["import autogen\n", "config_list = autogen.config_list_from_json(\"OAI_CONFIG_LIST\")\n", "api_key = \"sk-ant-api03-R7tYb2Qw9Lm4Xc8Vn1Kp6Sd3Fh0Jg5Za\"\n"]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}"#,
    ),
    (
        "keys.py",
        "import os\nos.environ[\"OPENAI_API_KEY\"] = \"sk-proj-Q9vLr2Tb4WmZ1cVn8KpE3sHd6JyA0uXf\"\n",
    ),
    (".env", "OPENAI_API_KEY=\" sk-abc \"\n"),
    (".gitignore", ".env\n"),
    ("OAI_CONFIG_LIST", "[{\"model\": \"gpt-4o\"}]\n"),
    (
        ".github/workflows/ci.yml",
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: python app.py\n",
    ),
    ("requirements.txt", "pyautogen==0.2.35\nopenai==0.28\n"),
    ("Dockerfile", "FROM python:3.11\nCOPY . .\nCMD [\"python\", \"app.py\"]\n"),
];

const CHANGES: &[(&str, Option<&str>)] = &[
    (
        "app.py",
        Some("import os\nAPI = os.environ[\"OPENAI_KEY\"]\n"),
    ),
    ("notebook.ipynb", None),
    (".env", Some("OPENAI_API_KEY=sk-abc\n")),
    (".gitignore", Some("# nothing\n")),
    (
        "OAI_CONFIG_LIST",
        Some("[{\"model\": \"gpt-4o\", \"apikey\": \"x\"}]\n"),
    ),
    (".github/workflows/ci.yml", Some("on: push\n")),
    ("requirements.txt", Some("pyautogen==0.2.35\n")),
    ("Dockerfile", None),
    ("keywire.toml", Some("exclude = []\n")),
    ("keywire.toml", Some("ignore = [\"KW2\"]\n")),
    ("Pipfile", Some("[packages]\n")),
    (
        "sub/other.py",
        Some("import os\nos.environ[\"OPENAI_API_KEY\"] = \"x\"\n"),
    ),
];

#[test]
fn the_report_cache_follows_a_change_of_any_file() {
    let tmp = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(tmp.path()).unwrap();
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args(args)
            .current_dir(&root)
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    for (name, text) in PROJECT {
        write(&root.join(name), text);
    }
    // Files this old are known by their metadata alone: not read again while unchanged.
    std::thread::sleep(std::time::Duration::from_millis(3100));
    let (cold, _) = check(&root, false).unwrap();
    assert!(cold.len() >= 3, "{cold:#?}");
    assert_eq!(check(&root, true).unwrap().0, cold);
    let (warm, counts) = check(&root, true).unwrap();
    assert_eq!(warm, cold);
    assert_eq!(
        counts,
        Some((3, 0)),
        "every unchanged module came from the cache"
    );
    // Hard-coded keys, in a module and a notebook: their facts wait for their values.
    let hard_coded = |f: &&String| f.contains("KW104");
    assert_eq!(cold.iter().filter(hard_coded).count(), 2, "{cold:#?}");
    for (name, change) in CHANGES {
        let path = root.join(name);
        match change {
            Some(text) => write(&path, text),
            None => std::fs::remove_file(&path).unwrap(),
        }
        let (cold, _) = check(&root, false).unwrap();
        assert_eq!(
            check(&root, true).unwrap().0,
            cold,
            "after a change of {name}"
        );
        assert_eq!(check(&root, true).unwrap().0, cold, "twice after {name}");
    }
    // A file staged: tracked by git from now on, whatever .gitignore says.
    git(&["add", "-f", ".env"]);
    let (cold, _) = check(&root, false).unwrap();
    assert_eq!(check(&root, true).unwrap().0, cold, "after git add");
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

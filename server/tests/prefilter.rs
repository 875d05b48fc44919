//! The prefilter changes no finding. Every test corpus (the rule fixtures, the workspaces, the
//! secrets fixture, the CLI fixtures) and generated workspaces are loaded and checked with the
//! prefilter off and in both of its modes; the rendered findings (messages, spans, related
//! information, fixes and their edits) must be identical. And the facts the light scanner gives
//! for the files it keeps from tree-sitter must equal the full extractor's.

use std::path::{Path, PathBuf};

use keywire::engine::notebook_facts;
use keywire::engine::python::{self, Relevance};
use keywire::project::{LoadOptions, Prefilter};
use testkit::corpus;
use testkit::light::expected;
use testkit::paths::repo_root;

/// Every fixture directory that is a workspace of its own.
fn fixture_corpora() -> Vec<PathBuf> {
    let tests = repo_root().join("tests");
    let mut out = vec![tests.join("secrets")];
    for group in ["rules", "workspaces", "cli"] {
        let Ok(entries) = std::fs::read_dir(tests.join(group)) else {
            continue;
        };
        for e in entries.flatten() {
            if e.path().is_dir() {
                out.push(e.path());
            }
        }
    }
    out.sort();
    assert!(out.len() > 20, "fixtures not found: {out:?}");
    out
}

/// Findings of a whole check, rendered with everything in them, in a stable order. Some CLI
/// fixtures are broken on purpose (a bad config): None, nothing to compare there.
fn rendered(dir: &Path, prefilter: Prefilter) -> Option<Vec<String>> {
    let opts = LoadOptions {
        prefilter,
        ..LoadOptions::default()
    };
    testkit::fixture::check_loaded(dir, &opts).map(|(findings, _)| findings)
}

fn assert_same_findings(dir: &Path) -> usize {
    let Some(off) = rendered(dir, Prefilter::Off) else {
        return 0;
    };
    for mode in [Prefilter::Facts, Prefilter::Findings] {
        let on = rendered(dir, mode).expect("loads with the prefilter too");
        if on != off {
            let missing: Vec<_> = off.iter().filter(|f| !on.contains(f)).collect();
            let extra: Vec<_> = on.iter().filter(|f| !off.contains(f)).collect();
            panic!(
                "{}: findings differ with {mode:?}\nonly without the prefilter: {missing:#?}\nonly with it: {extra:#?}",
                dir.display()
            );
        }
    }
    off.len()
}

/// Light facts equal the full extractor's on every Python file under `dir`, also judged as
/// test code; returns how many files the light scan handled.
fn assert_light_facts(dir: &Path) -> usize {
    let mut light_files = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|x| x != "py") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let p = python::prefilter(&text);
            let full = python::extract(&text);
            if p.light.is_some() {
                assert!(
                    !full.has_syntax_errors,
                    "{}: the fixture has syntax errors",
                    path.display()
                );
            }
            light_files += usize::from(p.light.is_some());
            testkit::light::assert_agrees(&text, &full, &path.display().to_string());
            let fast = python::extract_fast(&text);
            if p.relevance == Relevance::Quiet {
                assert_eq!(fast, expected(full, Relevance::Quiet, false));
            } else {
                assert_eq!(fast, full, "{}", path.display());
            }
        }
    }
    light_files
}

#[test]
fn fixtures_give_the_same_findings_with_the_prefilter() {
    let mut findings = 0;
    for dir in fixture_corpora() {
        findings += assert_same_findings(&dir);
        assert_light_facts(&dir);
    }
    assert!(findings > 50, "only {findings} findings in the fixtures");
}

#[test]
fn generated_workspace_gives_the_same_findings_with_the_prefilter() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let stats = corpus::generate(&root, 400, 7).unwrap();
    assert!(stats.config_files >= 25, "{stats:?}");

    let light = assert_light_facts(&root);
    assert!(light > 300, "only {light} files were prefiltered");
    let findings = assert_same_findings(&root);
    // KW203 through an app.py the prefilter keeps from tree-sitter, KW101/KW104/KW202/KW3xx…
    assert!(findings >= 5, "only {findings} findings");
    let with_kw203 = rendered(&root, Prefilter::Findings)
        .unwrap()
        .iter()
        .filter(|f| f.contains("KW203"))
        .count();
    assert!(with_kw203 > 0, "no KW203 through a prefiltered module");

    // Without .env files, env-only files stay unparsed in the Findings mode unless a module has
    // model configurations: both ways must still agree.
    for e in walk_env_files(&root) {
        std::fs::remove_file(e).unwrap();
    }
    assert_same_findings(&root);
    for e in walk(&root) {
        let text = std::fs::read_to_string(&e).unwrap_or_default();
        if text.contains("autogen") {
            std::fs::remove_file(e).unwrap();
        }
    }
    assert_same_findings(&root);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path());
            }
        }
    }
    out
}

fn walk_env_files(dir: &Path) -> Vec<PathBuf> {
    walk(dir)
        .into_iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(".env"))
        })
        .collect()
}

/// Skipping function bodies that cannot hold a fact (the extractor's pruning) changes no fact:
/// every Python file of the fixtures and of a generated workspace, and the benchmark's large
/// module, give equal facts with and without it.
#[test]
fn pruned_extraction_gives_the_same_facts() {
    let tests = repo_root().join("tests");
    let mut texts: Vec<(String, String)> = Vec::new();
    for dir in ["rules", "workspaces", "secrets", "cli", "hardening"] {
        for p in walk(&tests.join(dir)) {
            if p.extension().is_some_and(|e| e == "py") {
                if let Ok(t) = std::fs::read_to_string(&p) {
                    texts.push((p.display().to_string(), t));
                }
            }
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    corpus::generate(tmp.path(), 300, 7).unwrap();
    for p in walk(tmp.path()) {
        if p.extension().is_some_and(|e| e == "py") {
            texts.push((
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            ));
        }
    }
    texts.push(("big module".into(), corpus::big_module(2_000, 3)));
    assert!(texts.len() > 300, "{}", texts.len());
    let mut masked = 0;
    for (name, text) in &texts {
        let full = python::extract_unpruned(text);
        if full.has_syntax_errors {
            // The mask does not see errors in the statements it leaves out.
            assert_eq!(
                python::extract_unmasked(text),
                full,
                "{name}: pruning changed the facts"
            );
            continue;
        }
        masked += usize::from(python::masked_text(text).is_some());
        assert_eq!(
            python::extract(text),
            full,
            "{name}: the mask or pruning changed the facts"
        );
    }
    // The mask had work to do: most generated modules have functions without a fact.
    assert!(
        masked * 2 > texts.len(),
        "{masked} of {} masked",
        texts.len()
    );
}

/// A notebook in Jupyter's layout with code cells and one cell of image output.
fn notebook(cells: &[&str], image: &str) -> String {
    let cells: Vec<String> = cells
        .iter()
        .map(|source| {
            format!(
                "  {{\n   \"cell_type\": \"code\",\n   \"execution_count\": 1,\n   \"metadata\": {{}},\n   \"outputs\": [\n    {{\n     \"data\": {{\n      \"image/png\": \"{image}\"\n     }},\n     \"metadata\": {{}},\n     \"output_type\": \"display_data\"\n    }}\n   ],\n   \"source\": {}\n  }}",
                serde_json::to_string(&source.split_inclusive('\n').collect::<Vec<_>>()).unwrap()
            )
        })
        .collect();
    format!(
        "{{\n \"cells\": [\n{}\n ],\n \"metadata\": {{}},\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}}\n",
        cells.join(",\n")
    )
}

#[test]
fn notebooks_the_prefilter_leaves_unparsed_give_the_same_findings() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    std::fs::create_dir(root.join(".git")).unwrap();
    // Credential words inside the base64 of an image do not count.
    let image = "iVBORw0KGgoAAAANSUhEUgAA".repeat(40) + "apiKeyTOKENsecret" + &"A".repeat(400);
    let quiet = [
        // An entry point: it runs `loader` (which loads .env) before `settings` reads it.
        (
            "explore.ipynb",
            notebook(
                &[
                    "import loader\n",
                    "import settings\nprint(settings.TIMEOUT)",
                ],
                &image,
            ),
        ),
        (
            "plots.ipynb",
            notebook(
                &["import matplotlib.pyplot as plt\nplt.plot([1, 2])"],
                &image,
            ),
        ),
    ];
    for (name, text) in &quiet {
        assert!(!notebook_facts::may_hold_fact(text), "{name} is not quiet");
        std::fs::write(root.join(name), text).unwrap();
    }
    let loud = notebook(
        &[
            "import os\n!export OPENAI_API_KEY=$KEY\n",
            "token = os.environ[\"SERVICE_TOKEN\"]",
        ],
        &image,
    );
    assert!(notebook_facts::may_hold_fact(&loud));
    std::fs::write(root.join("setup.ipynb"), loud).unwrap();
    std::fs::write(
        root.join("loader.py"),
        "from dotenv import load_dotenv\n\nload_dotenv()\n",
    )
    .unwrap();
    std::fs::write(
        root.join("settings.py"),
        "import os\n\nSERVICE_TOKEN = os.environ[\"SERVICE_TOKEN\"]\nTIMEOUT = 30\n",
    )
    .unwrap();
    std::fs::write(root.join(".env"), "SERVICE_TOKEN=t0k3n-for-tests\n").unwrap();
    std::fs::write(root.join(".gitignore"), ".env\n").unwrap();
    let findings = assert_same_findings(&root);
    assert!(findings >= 2, "only {findings} findings");
    // Without the notebook's imports, settings.py would be an entry point nothing loads .env for.
    let all = rendered(&root, Prefilter::Findings).unwrap();
    let settings_kw202 = |f: &&String| f.contains("KW202") && f.contains("settings.py");
    assert!(!all.iter().any(|f| settings_kw202(&f)), "{all:#?}");

    // A corpus of real notebooks, when one is given (`KEYWIRE_NOTEBOOK_CORPUS=dir`).
    if let Some(corpus) = std::env::var_os("KEYWIRE_NOTEBOOK_CORPUS") {
        let n = assert_same_findings(Path::new(&corpus));
        eprintln!("notebook corpus: {n} findings, the same with and without the prefilter");
    }
}

/// A module that imports AutoGen but builds nothing is quiet to the prefilter, yet KW601 judges
/// its imports: read, with the text kept, also where no module loads a .env.
#[test]
fn autogen_imports_of_a_quiet_module_are_judged() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    std::fs::write(root.join("requirements.txt"), "ag2>=1\n").unwrap();
    std::fs::write(
        root.join("helpers.py"),
        "import json\nfrom autogen.agentchat.group import (\n    ContextVariables,\n)\n\n\
         def state():\n    return ContextVariables(data=json.loads('{}'))\n",
    )
    .unwrap();
    let p = python::prefilter_findings(&std::fs::read_to_string(root.join("helpers.py")).unwrap());
    assert_eq!(p.relevance, Relevance::Quiet);
    let off = rendered(&root, Prefilter::Off).unwrap();
    assert!(
        off.iter()
            .any(|f| f.contains("KW601") && f.contains("span: Span { start: 12,")),
        "{off:#?}"
    );
    assert_same_findings(&root);
}

/// Test code's model configurations are left out alike whether it is parsed or not: rules
/// read them beyond the module only with `tests = "all"` (where the walk parses them), and a
/// key written in a test is still reported.
#[test]
fn test_code_configurations_count_only_when_test_code_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    std::fs::create_dir(root.join(".git")).unwrap();
    write(".gitignore", ".env\n");
    // KW205's wrong name, and a JSON list read through `config_list_from_json` by tests only.
    write(
        ".env",
        "OPENAI_KEY=sk-proj-Abcdefghijklmnopqrstuvwxyz0123456789\nTEST_LIST=[{\"model\": \"gpt-4o\"}]\n",
    );
    write(
        "app.py",
        "import os\nfrom autogen import AssistantAgent\n\nllm_config = {\"config_list\": [{\"api_key\": os.environ[\"APP_KEY\"]}]}\nagent = AssistantAgent(\"a\", llm_config=llm_config)\n",
    );
    let mock = "from autogen import AssistantAgent, OpenAIWrapper, config_list_from_json\n\n\ndef test_agent():\n    config_list = [{\"model\": \"mock-model-for-tests\", \"base_url\": \"http://localhost:1/v1\"}]\n    agent = AssistantAgent(\"a\", llm_config={\"config_list\": config_list})\n    client = OpenAIWrapper(config_list=[{\"model\": \"mock-model-for-tests\"}])\n    listed = config_list_from_json(\"TEST_LIST\")\n";
    write("tests/test_agents.py", mock);
    write(
        "tests/test_keys.py",
        "from autogen import AssistantAgent\n\n\ndef test_key():\n    config_list = [{\"model\": \"gpt-4o\", \"api_key\": \"sk-proj-Zx81hQmPq7Lr2Vn5Ws9Tb3Kc6Yd0Fe4GjT3BlbkFJa1\"}]\n    AssistantAgent(\"a\", llm_config={\"config_list\": config_list})\n",
    );
    // Relevant for its env access only (no key-like literal): parsed without its
    // configurations unless they count.
    write(
        "tests/test_env.py",
        "import os\nfrom autogen import AssistantAgent\n\n\ndef test_env():\n    config_list = [{\"model\": \"gpt-4o\", \"api_key\": os.environ[\"TEST_ENV_KEY\"]}]\n    agent = AssistantAgent(\"a\", llm_config={\"config_list\": config_list})\n    assert os.getenv(\"TEST_ONLY_FLAG\")\n",
    );
    // Parsed for its load point, and without its configurations unless they count.
    write(
        "tests/conftest.py",
        "from dotenv import load_dotenv\nfrom autogen import AssistantAgent\n\nload_dotenv()\n\n\ndef make():\n    AssistantAgent(\"a\", llm_config={\"config_list\": [{\"model\": \"gpt-4o\"}]})\n    return None\n",
    );

    // (entries, config sources, env reads) of a module as loaded in `prefilter`'s mode.
    let facts_of = |prefilter: Prefilter, rel: &str| {
        let opts = LoadOptions {
            prefilter,
            ..LoadOptions::default()
        };
        let loaded = keywire::project::load(std::slice::from_ref(&root), &opts).unwrap();
        let m = loaded.workspace.python_module(&root.join(rel)).unwrap();
        let f = &m.facts;
        (f.entries.len(), f.config_sources.len(), f.env_reads.len())
    };
    for policy in ["", "tests = \"all\"\n"] {
        write("keywire.toml", policy);
        let all = !policy.is_empty();
        let findings = assert_same_findings(&root);
        assert!(findings > 0);
        let off = rendered(&root, Prefilter::Off).unwrap();
        let has = |what: &str| off.iter().any(|f| f.contains(what));
        // The key in a test is reported under every policy.
        assert!(
            off.iter()
                .any(|f| f.contains("KW104") && f.contains("test_keys.py")),
            "{off:#?}"
        );
        // KW115 names the models the project uses: the tests' mock model only when test code
        // counts; KW205 holds only through the tests' client.
        assert_eq!(has("mock-model-for-tests"), all, "{policy}: {off:#?}");
        assert_eq!(has("KW205"), all, "{policy}: {off:#?}");
        // Parsed for its configurations only when they count.
        for mode in [Prefilter::Facts, Prefilter::Findings] {
            let (entries, sources, _) = facts_of(mode, "tests/test_agents.py");
            assert_eq!((entries > 0, sources > 0), (all, all), "{policy} {mode:?}");
        }
        assert!(facts_of(Prefilter::Findings, "tests/test_keys.py").0 > 0);
        for mode in [Prefilter::Facts, Prefilter::Findings] {
            let (entries, _, reads) = facts_of(mode, "tests/test_env.py");
            assert_eq!((reads, entries > 0), (2, all), "{policy} {mode:?}");
            let (entries, _, _) = facts_of(mode, "tests/conftest.py");
            assert_eq!(entries > 0, all, "conftest.py: {policy} {mode:?}");
        }
    }
}

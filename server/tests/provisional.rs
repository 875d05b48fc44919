//! Provisional findings (what the language server shows before a folder is indexed: the
//! module alone, with the .env files) never include one that the full workspace does not
//! have: for every Python module of every fixture, `check_python_local` on a workspace holding
//! only that module and the .env files is a subset of `check_python` on the whole fixture. And
//! the rules that look beyond the module are really left out.

use std::path::PathBuf;

use keywire::engine::config::Config;
use keywire::engine::workspace::{file_kind, FileKind};
use testkit::fixture;
use testkit::paths::repo_root;

fn fixture_dirs() -> Vec<PathBuf> {
    let tests = repo_root().join("tests");
    let mut out = vec![tests.join("secrets")];
    for group in ["rules", "workspaces"] {
        for e in std::fs::read_dir(tests.join(group)).unwrap().flatten() {
            if e.path().is_dir() {
                out.push(e.path());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn provisional_findings_are_a_subset_of_the_full_ones() {
    let (mut modules, mut provisional_total, mut full_total) = (0, 0, 0);
    for dir in fixture_dirs() {
        let files = fixture::read_dir(&dir);
        let full_ws = fixture::workspace(&files, Config::default());
        for (rel, text) in &files {
            if file_kind(rel) != FileKind::Python {
                continue;
            }
            let alone: fixture::Files = files
                .iter()
                .filter(|(p, _)| *p == rel || file_kind(p) != FileKind::Python)
                .map(|(p, t)| (p.clone(), t.clone()))
                .collect();
            let ws = fixture::workspace(&alone, Config::default());
            let path = fixture::root().join(rel);
            let render = |fs: Vec<keywire::engine::Finding>| -> Vec<String> {
                fs.iter().map(|f| format!("{f:?}")).collect()
            };
            let provisional = render(ws.check_python_local(&path, text));
            let full = render(full_ws.check_python(&path, text));
            for f in &provisional {
                assert!(
                    full.contains(f),
                    "{}: provisional finding not in the full check:\n{f}\nfull: {full:#?}",
                    dir.join(rel).display()
                );
            }
            modules += 1;
            provisional_total += provisional.len();
            full_total += full.len();
        }
    }
    eprintln!("{modules} modules: {provisional_total} provisional of {full_total} findings");
    assert!(modules > 20);
    // Both halves exist: some findings are known early, some need the workspace.
    assert!(provisional_total > 0 && provisional_total < full_total);
}

#[test]
fn rules_that_look_beyond_the_module_wait_for_the_index() {
    // KW202 (no load_dotenv on the import chain) needs the chain; KW102 (a misspelled key)
    // does not.
    let files: fixture::Files = [
        (PathBuf::from(".env"), "OPENAI_API_KEY=sk-proj-abc\n".to_string()),
        (
            PathBuf::from("app.py"),
            "import os\nfrom autogen import AssistantAgent\na = AssistantAgent(\"a\", llm_config={\"config_list\": [{\"model\": \"gpt-4o\", \"apikey\": os.environ[\"OPENAI_API_KEY\"]}]})\n".to_string(),
        ),
    ]
    .into_iter()
    .collect();
    let ws = fixture::workspace(&files, Config::default());
    let path = fixture::root().join("app.py");
    let codes = |fs: Vec<keywire::engine::Finding>| -> Vec<&'static str> {
        fs.iter().map(|f| f.rule.code()).collect()
    };
    let full = codes(ws.check_python(&path, &files[&PathBuf::from("app.py")]));
    let local = codes(ws.check_python_local(&path, &files[&PathBuf::from("app.py")]));
    assert!(
        full.contains(&"KW202") && full.contains(&"KW102"),
        "{full:?}"
    );
    assert!(
        local.contains(&"KW102") && !local.contains(&"KW202"),
        "{local:?}"
    );
}

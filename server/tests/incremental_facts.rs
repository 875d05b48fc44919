//! Facts reused across an edit equal the facts extracted afresh. Every Python file of the test
//! fixtures and a generated 1,500-line module get random edit scripts biased to what typing
//! does (a character or a word inserted, a few deleted, often inside names, strings and
//! comments, sometimes quotes, braces, keywords, `keywire:` and line breaks); after each
//! step, whenever `FactsBase::reuse` answers (from the base taken before the script: the
//! edits compose), its facts must equal `python::extract` of the new text. Enough steps must
//! be answered for the test to mean something. `KEYWIRE_INCREMENTAL_SCALE=N` runs N times as
//! many scripts.

use std::path::Path;
use std::sync::Arc;

use keywire::engine::python::{self, FactsBase};
use testkit::corpus;
use testkit::paths::repo_root;
use testkit::rng::Rng;

fn python_files(dir: &Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            python_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "py") {
            if let Ok(text) = std::fs::read_to_string(&path) {
                out.push((path.display().to_string(), text));
            }
        }
    }
}

fn parse(text: &str) -> tree_sitter::Tree {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .expect("grammar");
    parser.parse(text, None).expect("tree")
}

const INSERTS: &[&str] = &[
    "a",
    "e",
    "x",
    "_",
    "1",
    " ",
    " ",
    "#",
    "\"",
    "'",
    "{",
    "}",
    "\\",
    "(",
    ".",
    ":",
    "=",
    ",",
    "\n",
    "é",
    "if",
    "print",
    "os",
    "environ",
    "getenv",
    "import",
    "keywire: ignore",
    "dotenv",
    "api_key",
    "OpenAI()",
    "openai",
    "x\ty",
];

/// A char boundary near `at`, moved into a word half of the time.
fn position(rng: &mut Rng, text: &str) -> usize {
    let mut at = rng.below(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    if rng.below(2) == 0 {
        if let Some(i) = text[at..].find(|c: char| c.is_ascii_alphabetic()) {
            at += i + 1;
        }
    }
    at
}

fn edit(rng: &mut Rng, text: &mut String) -> String {
    let at = position(rng, text);
    if rng.below(3) == 0 && at < text.len() {
        let mut end = at;
        for _ in 0..=rng.below(3) {
            end += text[end..].chars().next().map_or(0, char::len_utf8);
        }
        let what = format!("delete {at}..{end}");
        text.replace_range(at..end, "");
        what
    } else {
        let s = *rng.pick(INSERTS);
        text.insert_str(at, s);
        format!("insert {s:?} at {at}")
    }
}

/// `KEYWIRE_INCREMENTAL_SCALE`: how many times the default number of scripts (1 in CI).
fn scale() -> usize {
    std::env::var("KEYWIRE_INCREMENTAL_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
}

#[test]
fn reused_facts_equal_fresh_facts() {
    let mut sources = Vec::new();
    python_files(&repo_root().join("tests"), &mut sources);
    assert!(sources.len() > 20, "fixtures not found");
    sources.push(("generated".into(), corpus::big_module(1_500, 7)));
    let mut rng = Rng(0x5eed_f00d);
    let (mut steps, mut answered) = (0usize, 0usize);
    for (name, source) in &sources {
        // The fixtures are mostly configuration code (few answers); the generated module is
        // mostly ordinary functions, like the bulk of a real project.
        let generated = name == "generated";
        if generated {
            (steps, answered) = (0, 0);
        }
        let scripts = scale() * if generated { 300 } else { 60 };
        for _ in 0..scripts {
            let base = FactsBase::new(Arc::from(source.as_str()), parse(source));
            let mut text = source.clone();
            let mut script = Vec::new();
            for _ in 0..1 + rng.below(4) {
                script.push(edit(&mut rng, &mut text));
                steps += 1;
                if let Some(facts) = base.reuse(&text) {
                    answered += 1;
                    assert_eq!(
                        facts,
                        python::extract(&text),
                        "{name}: facts reused after {script:?} differ from fresh ones"
                    );
                }
            }
        }
    }
    // Many random edits are not inside one harmless token; a good share must be.
    assert!(
        answered * 20 >= steps,
        "only {answered} of {steps} edits of the generated module were answered"
    );
    eprintln!("{answered} of {steps} edits of the generated module answered by reuse");
}

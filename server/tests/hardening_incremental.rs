//! Incremental = from scratch (issue 6, item 2). proptest generates edit scripts over realistic
//! files (the test fixtures): inserts and deletes of multi-byte text, CRLF and lone CR, whole-line
//! moves, edits inside strings and comments, positions past the end of lines. Each step goes to
//! an in-process `keywire lsp` as a `didChange`; after every step
//!
//! - the server's text (`keywire/debugDocumentText`) equals the script applied by an
//!   independent model of LSP positions (the fuzz harness's),
//! - its incrementally edited tree-sitter tree equals a fresh parse of that text, and
//! - its findings (pulled with `textDocument/diagnostic`) equal the engine's findings on a
//!   fresh workspace loaded from disk with that text, compared as (code, message, range).
//!
//! Cases: `PROPTEST_CASES` (default 64; the local run recorded in docs/hardening.md used 10,000).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use keywire::engine::workspace::{file_kind, FileKind, Workspace};
use keywire::lsp::position::{range_in, Encoding};
use proptest::prelude::*;
use serde_json::{json, Value};
use testkit::harness::{model_offset, LspHarness};
use testkit::prelude::*;

/// The realistic files edited (Python and .env), each copied with its fixture's .env.
const BASES: &[&str] = &[
    "tests/workspaces/example-agent/agents/config.py",
    "tests/workspaces/example-agent/main.py",
    "tests/workspaces/late-load/src/travel/agents.py",
    "tests/secrets/pkg/agents.py",
    "tests/rules/kw104-hardcoded/agents.py",
    "tests/rules/kw203-late-same-module/main.py",
    "tests/rules/sdk-clients-missing/app.py",
    "tests/workspaces/example-agent/.env",
    "tests/secrets/.env",
    "tests/rules/kw302-stray-quote/.env",
    "tests/rules/kw301-quoted-whitespace/.env",
];

struct Fixture {
    _tmp: tempfile::TempDir,
    /// Path of each base file inside the workspace.
    paths: Vec<PathBuf>,
    texts: Vec<String>,
    /// The workspace as `keywire check` loads it (the server indexes the same folder).
    ws: Workspace,
    server: Mutex<LspHarness>,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let (tmp, root) = tempdir();
        let mut paths = Vec::new();
        let mut texts = Vec::new();
        for (i, base) in BASES.iter().enumerate() {
            let src = repo_root().join(base);
            let dir = root.join(format!("b{i}"));
            let name = src.file_name().unwrap();
            let text = std::fs::read_to_string(&src).unwrap();
            write(&dir.join(name), &text);
            let env = src.parent().unwrap().join(".env");
            if name != ".env" && env.exists() {
                std::fs::copy(&env, dir.join(".env")).unwrap();
            }
            paths.push(dir.join(name));
            texts.push(text);
        }
        let loaded =
            keywire::project::load(std::slice::from_ref(&root), &Default::default()).unwrap();
        let server = LspHarness::with(false, Some(&root), true);
        Fixture {
            _tmp: tmp,
            paths,
            texts,
            ws: loaded.workspace,
            server: Mutex::new(server),
        }
    })
}

/// One step of a script, resolved against the current text when it runs.
#[derive(Clone, Debug)]
enum Op {
    Insert {
        line: u8,
        col: u8,
        text: &'static str,
    },
    Delete {
        line: u8,
        col: u8,
        len: u8,
    },
    /// Replace a line range with nothing, then insert it elsewhere (one `didChange`, two
    /// content changes).
    MoveLine {
        from: u8,
        to: u8,
    },
    /// Insert right after the n-th `"` (inside a string, mostly).
    InString {
        nth: u8,
        text: &'static str,
    },
    /// Insert right after the n-th `#` (inside a comment, mostly).
    InComment {
        nth: u8,
        text: &'static str,
    },
    /// Positions past the end of a line or of the file.
    OutOfRange {
        line: u8,
        text: &'static str,
    },
}

const TEXTS: &[&str] = &[
    "é",
    "😀",
    "日本",
    "\r\n",
    "\r",
    "\n",
    "\"",
    "'",
    "#",
    "x",
    "OPENAI_API_KEY",
    "os.environ[\"GROQ_API_KEY\"]",
    "load_dotenv()\n",
    "openai.OpenAI()",
    "sk-proj-Qq1Ww2Ee3Rr4Tt5Yy6Uu7Ii8Oo9PpT3BlbkFJa1Ss2",
    "\\",
    "${OPENAI_API_KEY}",
    "\u{feff}",
    "\t",
];

fn op() -> impl Strategy<Value = Op> {
    let t = || proptest::sample::select(TEXTS);
    prop_oneof![
        4 => (any::<u8>(), any::<u8>(), t()).prop_map(|(line, col, text)| Op::Insert { line, col, text }),
        3 => (any::<u8>(), any::<u8>(), any::<u8>()).prop_map(|(line, col, len)| Op::Delete { line, col, len }),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(from, to)| Op::MoveLine { from, to }),
        2 => (any::<u8>(), t()).prop_map(|(nth, text)| Op::InString { nth, text }),
        2 => (any::<u8>(), t()).prop_map(|(nth, text)| Op::InComment { nth, text }),
        1 => (any::<u8>(), t()).prop_map(|(line, text)| Op::OutOfRange { line, text }),
    ]
}

/// UTF-16 position of a byte offset (the offset is a char boundary).
fn position(text: &str, offset: usize) -> (u32, u32) {
    let mut line = 0;
    let mut start = 0;
    let b = text.as_bytes();
    let mut i = 0;
    while i < offset {
        if b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) != Some(&b'\n')) {
            line += 1;
            start = i + 1;
        }
        i += 1;
    }
    let col: usize = text[start..offset].chars().map(char::len_utf16).sum();
    (line, col as u32)
}

fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) != Some(&b'\n')) {
            starts.push(i + 1);
        }
        i += 1;
    }
    starts
}

fn snap(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The content changes (LSP JSON, UTF-16 positions) for `op` on `text`, and the text after.
fn resolve(text: &str, op: &Op) -> (Vec<Value>, String) {
    let change = |text: &str, (l0, c0): (u32, u32), (l1, c1): (u32, u32), new: &str| {
        let a = model_offset(text, l0, c0, false);
        let b = model_offset(text, l1, c1, false);
        let (s, e) = (a.min(b), a.max(b));
        (
            json!({"range": {"start": {"line": l0, "character": c0}, "end": {"line": l1, "character": c1}}, "text": new}),
            format!("{}{new}{}", &text[..s], &text[e..]),
        )
    };
    let starts = line_starts(text);
    let lines = starts.len();
    let at_nth = |ch: char, nth: u8| -> usize {
        let hits: Vec<usize> = text.match_indices(ch).map(|(i, _)| i + 1).collect();
        if hits.is_empty() {
            0
        } else {
            hits[nth as usize % hits.len()]
        }
    };
    match *op {
        Op::Insert { line, col, text: t } => {
            let l = line as usize % lines;
            let (c, n) = change(
                text,
                (l as u32, col as u32 % 60),
                (l as u32, col as u32 % 60),
                t,
            );
            (vec![c], n)
        }
        Op::Delete { line, col, len } => {
            let start = snap(text, starts[line as usize % lines] + col as usize % 40);
            let end = snap(text, start + len as usize % 50);
            let (c, n) = change(text, position(text, start), position(text, end), "");
            (vec![c], n)
        }
        Op::MoveLine { from, to } => {
            let f = from as usize % lines;
            let line_end = starts.get(f + 1).copied().unwrap_or(text.len());
            let moved = text[starts[f]..line_end].to_string();
            let (c1, after) = change(
                text,
                position(text, starts[f]),
                position(text, line_end),
                "",
            );
            let starts2 = line_starts(&after);
            let t = starts2[to as usize % starts2.len()];
            let (c2, n) = change(&after, position(&after, t), position(&after, t), &moved);
            (vec![c1, c2], n)
        }
        Op::InString { nth, text: t } => {
            let at = at_nth('"', nth);
            let p = position(text, at);
            let (c, n) = change(text, p, p, t);
            (vec![c], n)
        }
        Op::InComment { nth, text: t } => {
            let at = at_nth('#', nth);
            let p = position(text, at);
            let (c, n) = change(text, p, p, t);
            (vec![c], n)
        }
        Op::OutOfRange { line, text: t } => {
            let l = lines as u32 + line as u32 % 3;
            let (c, n) = change(text, (line as u32 % lines as u32, 500), (l, 7), t);
            (vec![c], n)
        }
    }
}

/// (code, message, range) of every finding the engine reports for `path` with `text`, on a
/// fresh copy of the loaded workspace.
fn fresh_findings(f: &Fixture, path: &Path, text: &str) -> Vec<(String, String, String)> {
    let mut ws = f.ws.clone();
    let findings = match file_kind(path) {
        FileKind::Python => {
            ws.set_python(path.to_path_buf(), text);
            ws.check_python(path, text)
        }
        _ => {
            let git = ws.env_file(path).map(|e| e.git.clone()).unwrap_or_default();
            ws.set_env(path.to_path_buf(), text, git);
            ws.check_env(path)
        }
    };
    let mut out: Vec<_> = findings
        .iter()
        .filter(|x| x.path == path)
        .map(|x| {
            let r = range_in(text, x.span, Encoding::Utf16);
            (
                x.rule.code().to_string(),
                x.message.clone(),
                format!(
                    "{}:{}-{}:{}",
                    r.start.line, r.start.character, r.end.line, r.end.character
                ),
            )
        })
        .collect();
    out.sort();
    out
}

fn pulled(items: &Value) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let r = &d["range"];
            (
                d["code"].as_str().unwrap_or("").to_string(),
                d["message"].as_str().unwrap_or("").to_string(),
                format!(
                    "{}:{}-{}:{}",
                    r["start"]["line"],
                    r["start"]["character"],
                    r["end"]["line"],
                    r["end"]["character"]
                ),
            )
        })
        .collect();
    out.sort();
    out
}

fn pull(server: &mut LspHarness, uri: &str) -> Value {
    let resp = server.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(resp.get("error").is_none(), "pull failed: {resp}");
    resp["result"]["items"].clone()
}

fn run_script(base: usize, ops: &[Op]) -> Result<(), TestCaseError> {
    let f = fixture();
    let mut server = f.server.lock().unwrap_or_else(|e| e.into_inner());
    let path = &f.paths[base];
    let uri = format!("file://{}", path.display());
    let python = path.extension().is_some_and(|e| e == "py");
    let mut text = f.texts[base].clone();
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": if python { "python" } else { "dotenv" }, "version": 1, "text": text}}),
    );
    // The folder is indexed in the background: wait (once) until findings appear.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let got = pulled(&pull(&mut server, &uri));
        if got == fresh_findings(f, path, &text) {
            break;
        }
        if Instant::now() > deadline {
            // Fail without shrinking: the setup, not the script, is at fault.
            panic!(
                "{}: initial findings never matched\nserver: {got:#?}\nengine: {:#?}",
                path.display(),
                fresh_findings(f, path, &text)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut version = 1;
    for (step, op) in ops.iter().enumerate() {
        let (changes, next) = resolve(&text, op);
        text = next;
        version += 1;
        server.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
        let doc =
            server.request("keywire/debugDocumentText", json!({"uri": uri}))["result"].clone();
        prop_assert_eq!(
            doc["text"].as_str(),
            Some(text.as_str()),
            "step {} ({:?}): text",
            step,
            op
        );
        prop_assert_eq!(&doc["version"], &json!(version));
        if python {
            prop_assert_eq!(
                &doc["treeMatchesFreshParse"],
                &json!(true),
                "step {} ({:?}): tree",
                step,
                op
            );
        }
        let got = pulled(&pull(&mut server, &uri));
        let want = fresh_findings(f, path, &text);
        prop_assert_eq!(got, want, "step {} ({:?}): findings of\n{}", step, op, text);
    }
    server.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    Ok(())
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        max_shrink_iters: 200,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn incremental_equals_from_scratch(
        base in 0..BASES.len(),
        ops in proptest::collection::vec(op(), 1..10),
    ) {
        run_script(base, &ops)?;
    }
}

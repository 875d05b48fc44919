//! Ordered edits under load (issue 6, item 3): 1,000 `didChange` notifications interleaved
//! across 10 documents (Python and `.env`), sent to the `keywire lsp` binary without waiting,
//! mixed with hover, code-action, completion and symbol requests and a few `$/cancelRequest`s.
//! Afterwards every document's server-side text equals the client's (an independent model of
//! LSP edits, the fuzz harness's), its tree equals a fresh parse, every request got exactly one
//! answer (a result, or RequestCancelled), and the diagnostics published for each document
//! never go back to an older version, always fit the text of the version they name, and end at
//! the last version.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use testkit::harness::{model_offset, Change};
use testkit::prelude::*;

const INSERTS: &[&str] = &[
    "x",
    "é",
    "😀",
    "日本語",
    "\n",
    "\r\n",
    "\"",
    "'",
    "# c\n",
    "os.environ[\"OPENAI_API_KEY\"]",
    "os.getenv(\"GROQ_API_KEY\")\n",
    "load_dotenv()\n",
    "OPENAI_API_KEY=sk-proj-x\n",
    "export A=\"b c\"\n",
    "KEY='unterminated\n",
    "",
];

fn line_count(text: &str) -> usize {
    let mut n = 1;
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) != Some(&b'\n')) {
            n += 1;
        }
        i += 1;
    }
    n
}

/// A random edit of `text`: mostly in range, sometimes past the end of a line or the file.
fn random_change(rng: &mut Rng, text: &str) -> Change {
    let lines = line_count(text) as u32;
    let pos = |rng: &mut Rng| {
        let line = if rng.below(20) == 0 {
            lines + 3
        } else {
            rng.below(lines as usize) as u32
        };
        let width = if rng.below(10) == 0 { 200 } else { 40 };
        (line, rng.below(width) as u32)
    };
    let (l0, c0) = pos(rng);
    let (l1, c1) = if rng.below(3) == 0 {
        (l0, c0)
    } else {
        let (l, c) = pos(rng);
        (l0.max(l).min(l0 + 2), c)
    };
    let insert = rng.pick(INSERTS).to_string();
    if rng.below(60) == 0 {
        // A full replacement now and then.
        return Change {
            range: None,
            text: format!("{text}{insert}"),
            stale: false,
        };
    }
    Change {
        range: Some((l0, c0, l1, c1)),
        text: insert,
        stale: false,
    }
}

fn apply(text: &str, c: &Change) -> String {
    match c.range {
        None => c.text.clone(),
        Some((l0, c0, l1, c1)) => {
            let a = model_offset(text, l0, c0, false);
            let b = model_offset(text, l1, c1, false);
            let (s, e) = (a.min(b), a.max(b));
            format!("{}{}{}", &text[..s], c.text, &text[e..])
        }
    }
}

fn change_json(c: &Change) -> Value {
    match c.range {
        None => json!({"text": c.text}),
        Some((l0, c0, l1, c1)) => json!({
            "range": {"start": {"line": l0, "character": c0}, "end": {"line": l1, "character": c1}},
            "text": c.text,
        }),
    }
}

/// Whether an LSP range (UTF-16) fits `text`.
fn range_fits(text: &str, range: &Value) -> bool {
    let lines: Vec<&str> = split_lines(text);
    let fits = |p: &Value| {
        let line = p["line"].as_u64().unwrap() as usize;
        let ch = p["character"].as_u64().unwrap() as usize;
        lines
            .get(line)
            .is_some_and(|l| ch <= l.chars().map(char::len_utf16).sum::<usize>())
    };
    fits(&range["start"]) && fits(&range["end"])
}

/// Line contents by LSP's rules (`\n`, `\r\n`, `\r`).
fn split_lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let (mut start, mut i) = (0, 0);
    while i < b.len() {
        if b[i] == b'\n' || b[i] == b'\r' {
            out.push(&text[start..i]);
            if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
            start = i + 1;
        }
        i += 1;
    }
    out.push(&text[start..]);
    out
}

#[test]
fn interleaved_edits_under_load_end_exact_and_never_publish_stale_diagnostics() {
    let started = Instant::now();
    let (_tmp, root) = tempdir();
    let fixtures = [
        "tests/workspaces/example-agent/agents/config.py",
        "tests/workspaces/example-agent/agents/team.py",
        "tests/workspaces/example-agent/main.py",
        "tests/workspaces/example-agent/.env",
        "tests/secrets/pkg/agents.py",
        "tests/secrets/.env",
        "tests/rules/kw203-late-same-module/main.py",
        "tests/rules/kw302-stray-quote/.env",
        "tests/rules/kw104-hardcoded/agents.py",
        "tests/rules/kw201-undefined-env-var/settings.py",
    ];
    let mut docs: Vec<(String, String, i32)> = Vec::new(); // uri, model text, version
    for (i, f) in fixtures.iter().enumerate() {
        let src = repo_root().join(f);
        let name = src.file_name().unwrap().to_string_lossy().into_owned();
        let path = root.join(format!("d{i}")).join(&name);
        let text = std::fs::read_to_string(&src).unwrap();
        write(&path, &text);
        docs.push((file_uri(&path), text, 1));
    }
    let mut lsp = Lsp::spawn(&root, &[]);
    lsp.initialize(Some(&root), json!({"debug": true}));
    for (uri, text, _) in &docs {
        let lang = if uri.ends_with(".py") {
            "python"
        } else {
            "dotenv"
        };
        lsp.open(uri, lang, 1, text);
    }
    // Every version's text, to check what is published against.
    let mut texts: HashMap<(String, i32), String> = HashMap::new();
    for (uri, text, _) in &docs {
        texts.insert((uri.clone(), 1), text.clone());
    }

    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut requests: Vec<i64> = Vec::new();
    let mut cancelled = Vec::new();
    for n in 0..1000 {
        let d = rng.below(docs.len());
        let (uri, text, version) = &mut docs[d];
        let batch = 1 + usize::from(rng.below(4) == 0) * rng.below(3);
        let mut changes = Vec::new();
        for _ in 0..batch {
            let c = random_change(&mut rng, text);
            *text = apply(text, &c);
            changes.push(change_json(&c));
        }
        *version += 1;
        texts.insert((uri.clone(), *version), text.clone());
        lsp.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": *version}, "contentChanges": changes}),
        );
        if n % 25 == 24 {
            // Short pauses let analysis passes start mid-stream, so results computed for a
            // version that a later change has already replaced are in flight.
            let pause = if n % 100 == 99 {
                300
            } else {
                rng.below(40) as u64
            };
            std::thread::sleep(Duration::from_millis(pause));
        }
        if n % 17 == 0 {
            let uri = docs[d].0.clone();
            let line = rng.below(10);
            let at = json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": rng.below(30)}});
            let method = *rng.pick(&[
                "textDocument/hover",
                "textDocument/codeAction",
                "textDocument/completion",
                "textDocument/documentSymbol",
                "textDocument/definition",
            ]);
            let params = match method {
                "textDocument/codeAction" => {
                    json!({"textDocument": {"uri": uri}, "range": {"start": at["position"], "end": {"line": line + 2, "character": 0}}, "context": {"diagnostics": []}})
                }
                "textDocument/documentSymbol" => json!({"textDocument": {"uri": uri}}),
                _ => at,
            };
            let id = lsp.send_request(method, params);
            requests.push(id);
            if n % 153 == 0 {
                lsp.notify("$/cancelRequest", json!({"id": id}));
                cancelled.push(id);
            }
        }
    }
    eprintln!(
        "sent 1000 changes and {} requests ({} cancelled) in {:?}",
        requests.len(),
        cancelled.len(),
        started.elapsed()
    );

    // Every request gets exactly one answer.
    for id in &requests {
        let resp = lsp
            .wait_response_for(json!(id), Duration::from_secs(60))
            .unwrap_or_else(|| panic!("request {id} never answered:\n{}", lsp.stderr_text()));
        if let Some(err) = resp.get("error") {
            assert!(
                cancelled.contains(id) && err["code"] == json!(-32800),
                "request {id} failed: {resp}"
            );
        }
    }

    // Texts and trees are exact.
    for (uri, text, version) in &docs {
        let doc = lsp.request("keywire/debugDocumentText", json!({"uri": uri}));
        assert_eq!(doc["version"], json!(version), "{uri}");
        assert!(
            doc["text"] == json!(text),
            "{uri}: server text differs\nserver: {}\nmodel: {text:?}",
            doc["text"]
        );
        assert_ne!(
            doc["treeMatchesFreshParse"],
            json!(false),
            "{uri}: stale tree"
        );
    }

    // The last version of every document gets its diagnostics.
    for (uri, _, version) in &docs {
        let v = *version;
        lsp.wait_notification(
            "textDocument/publishDiagnostics",
            Duration::from_secs(60),
            |p| p["uri"] == json!(uri) && p["version"] == json!(v),
        )
        .unwrap_or_else(|| panic!("no diagnostics for {uri} version {v}"));
    }
    lsp.drain(Duration::from_millis(300));
    let done = lsp.finish();
    assert_eq!(done.code, Some(0));
    assert_no_panic(&done.stderr, "ordered edits");

    // Published diagnostics: versions never go back, each fits the text of its version.
    let mut last: BTreeMap<String, i64> = BTreeMap::new();
    let mut publishes = 0;
    for msg in &done.received {
        if msg["method"] != "textDocument/publishDiagnostics" {
            continue;
        }
        let p = &msg["params"];
        let uri = p["uri"].as_str().unwrap().to_string();
        let Some(v) = p["version"].as_i64() else {
            // Cleared on close (no version) is fine; nothing is closed here.
            panic!("diagnostics without a version: {p}");
        };
        publishes += 1;
        let prev = last.insert(uri.clone(), v).unwrap_or(0);
        assert!(v >= prev, "{uri}: version {v} published after {prev}");
        let text = texts
            .get(&(uri.clone(), v as i32))
            .unwrap_or_else(|| panic!("{uri}: published for version {v}, which was never sent"));
        for d in p["diagnostics"].as_array().unwrap() {
            assert!(
                range_fits(text, &d["range"]),
                "{uri} v{v}: range {} does not fit the text of that version",
                d["range"]
            );
        }
    }
    for (uri, _, version) in &docs {
        assert_eq!(last.get(uri), Some(&i64::from(*version)), "{uri}");
    }
    assert!(
        publishes >= 40,
        "only {publishes} publishes: the load did not interleave"
    );
    eprintln!(
        "{publishes} diagnostics notifications checked; whole test {:?}",
        started.elapsed()
    );
}

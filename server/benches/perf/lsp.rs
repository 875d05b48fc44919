//! `lsp`: language-server timings. In process: one keystroke's server-side work on a
//! 10,000-line file (the document's incremental tree-sitter reparse, the engine's fact
//! extraction, the check). Over stdio, from a client speaking framed JSON-RPC to
//! `keywire lsp`: didChange → publishDiagnostics round trips, a .env edit with 100 open
//! Python files, cold start on 5k files, RSS after indexing 5k and 20k files.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitCode, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use testkit::framing::{frame, Frames};
use testkit::paths::file_uri;

use super::check::{loadavg, machine};
use super::{corpus, flag, work_dir};

const TIMEOUT: Duration = Duration::from_secs(120);

/// A client of `keywire lsp` over the child's stdio. Server-to-client requests are answered
/// with null by the reader thread; notifications arrive timestamped.
struct Client {
    child: Child,
    stdin: Arc<Mutex<ChildStdin>>,
    incoming: Receiver<(Instant, Value)>,
    next_id: i64,
}

impl Client {
    fn spawn(keywire: &str) -> Client {
        let mut child = Command::new(keywire)
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn keywire lsp");
        let stdin = Arc::new(Mutex::new(child.stdin.take().expect("stdin")));
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        let answer = stdin.clone();
        std::thread::spawn(move || {
            let mut frames = Frames::new(stdout);
            while let Some(f) = frames.next_frame() {
                let Ok(msg) = f.json() else { break };
                let now = Instant::now();
                if msg.get("method").is_some() && msg.get("id").is_some() {
                    let result = if msg["method"] == "workspace/configuration" {
                        let n = msg["params"]["items"].as_array().map_or(0, Vec::len);
                        Value::Array(vec![Value::Null; n])
                    } else {
                        Value::Null
                    };
                    let reply = json!({"jsonrpc": "2.0", "id": msg["id"], "result": result});
                    let mut w = answer.lock().unwrap_or_else(|e| e.into_inner());
                    let _ = w.write_all(&frame(&reply));
                    let _ = w.flush();
                    continue;
                }
                if tx.send((now, msg)).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming: rx,
            next_id: 1,
        }
    }

    fn send(&self, msg: &Value) {
        let mut w = self.stdin.lock().unwrap_or_else(|e| e.into_inner());
        w.write_all(&frame(msg)).expect("write to keywire lsp");
        w.flush().expect("flush");
    }

    fn notify(&self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let (_, msg) = self.next(TIMEOUT).expect("response");
            if msg.get("id") == Some(&json!(id)) {
                return msg;
            }
        }
    }

    fn next(&self, timeout: Duration) -> Option<(Instant, Value)> {
        match self.incoming.recv_timeout(timeout) {
            Ok(m) => Some(m),
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => None,
        }
    }

    /// Wait for publishDiagnostics for `uri` (with `version`, if given): when it came.
    fn published(&self, uri: &str, version: Option<i64>) -> Option<Instant> {
        let deadline = Instant::now() + TIMEOUT;
        while let Some((at, msg)) = self.next(deadline.saturating_duration_since(Instant::now())) {
            if msg["method"] == "textDocument/publishDiagnostics"
                && msg["params"]["uri"] == uri
                && version.is_none_or(|v| msg["params"]["version"] == v)
            {
                return Some(at);
            }
        }
        None
    }

    /// After `didOpen` on a folder being indexed: when the first diagnostics for `uri` came
    /// (provisional ones, checked before the index) and when indexing ended (`$/progress` end;
    /// the full diagnostics follow in the same pass).
    fn cold_start(&self, uri: &str) -> (Option<Instant>, Option<Instant>) {
        let deadline = Instant::now() + TIMEOUT;
        let (mut first, mut indexed) = (None, None);
        while first.is_none() || indexed.is_none() {
            let Some((at, msg)) = self.next(deadline.saturating_duration_since(Instant::now()))
            else {
                break;
            };
            if msg["method"] == "textDocument/publishDiagnostics" && msg["params"]["uri"] == uri {
                first.get_or_insert(at);
            }
            if msg["method"] == "$/progress" && msg["params"]["value"]["kind"] == "end" {
                indexed.get_or_insert(at);
            }
        }
        (first, indexed)
    }

    fn initialize(&mut self, root: &Path) {
        let uri = file_uri(root);
        self.request(
            "initialize",
            json!({
                "processId": std::process::id(),
                "rootUri": uri,
                "workspaceFolders": [{"uri": uri, "name": "bench"}],
                "capabilities": {
                    "window": {"workDoneProgress": true},
                    "textDocument": {
                        "synchronization": {"didSave": false},
                        "publishDiagnostics": {"relatedInformation": true},
                    },
                },
            }),
        );
        self.notify("initialized", json!({}));
    }

    fn open(&self, path: &Path, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {
                "uri": file_uri(path), "languageId": language, "version": 1, "text": text,
            }}),
        );
    }

    fn rss_mb(&self) -> f64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
            })
            .map_or(f64::NAN, |kb| kb / 1024.0)
    }

    fn close(mut self) {
        let _ = self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let _ = self.child.wait();
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A workspace for the server: a generated corpus plus a 10,000-line module, 100 modules that
/// read `SERVICE_API_KEY` next to a .env, made once.
fn lsp_workspace(work: &Path, files: usize) -> std::io::Result<PathBuf> {
    let dir = work.join(format!("lsp-{files}"));
    let marker = dir.join(".generated");
    let stamp = format!("files={files} v=1\n");
    if std::fs::read_to_string(&marker).ok().as_deref() == Some(stamp.as_str()) {
        return Ok(dir);
    }
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    corpus::generate(&dir, files, 3)?;
    std::fs::create_dir_all(dir.join("big"))?;
    std::fs::write(dir.join("big/huge.py"), corpus::big_module(10_000, 5))?;
    let env_dir = dir.join("envtest");
    std::fs::create_dir_all(&env_dir)?;
    std::fs::write(env_dir.join(".env"), "SERVICE_API_KEY=abc123\n")?;
    for i in 0..100 {
        std::fs::write(
            env_dir.join(format!("m{i}.py")),
            format!("import os\n\nKEY_{i} = os.environ[\"SERVICE_API_KEY\"]\n"),
        )?;
    }
    std::fs::write(&marker, stamp)?;
    Ok(dir)
}

pub fn run(args: &[String]) -> ExitCode {
    let work = work_dir(args);
    let edits: usize = flag(args, "--edits")
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let keywire = flag(args, "--keywire").unwrap_or_else(|| env!("CARGO_BIN_EXE_keywire").into());
    let _ = std::fs::create_dir_all(&work);
    println!("machine: {}", machine());
    println!("load average before: {}", loadavg());

    if args.iter().any(|a| a == "--index-only") {
        if let Some(list) = flag(args, "--real") {
            first_index(&keywire, Path::new(&list));
        }
        return ExitCode::SUCCESS;
    }

    // (a) Server-side work for one keystroke, in process.
    keystroke(&work);
    if args.iter().any(|a| a == "--keystroke-only") {
        return ExitCode::SUCCESS;
    }

    let ws5k = match lsp_workspace(&work, 5000) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("workspace: {e}");
            return ExitCode::FAILURE;
        }
    };

    // (d) Cold start, (e) RSS after indexing 5k.
    let mut c = Client::spawn(&keywire);
    let t0 = Instant::now();
    c.initialize(&ws5k);
    let first = ws5k.join("svc0/settings.py");
    let text = std::fs::read_to_string(&first).unwrap_or_default();
    let opened = Instant::now();
    c.open(&first, "python", &text);
    match c.cold_start(&file_uri(&first)) {
        (Some(at), indexed) => println!(
            "| cold start, 5k files: initialize → first diagnostics | {:.0} ms (didOpen → diagnostics {:.0} ms; the whole folder indexed after {}) |",
            ms(at - t0),
            ms(at - opened),
            indexed.map_or("?".into(), |i| format!("{:.0} ms", ms(i - t0)))
        ),
        (None, _) => println!("| cold start, 5k files | no diagnostics within {TIMEOUT:?} |"),
    }
    std::thread::sleep(Duration::from_millis(300));
    println!("| RSS after indexing 5k files | {:.0} MB |", c.rss_mb());

    // (b) Round trips on a 10,000-line file.
    let huge = ws5k.join("big/huge.py");
    let huge_text = std::fs::read_to_string(&huge).unwrap_or_default();
    let huge_uri = file_uri(&huge);
    c.open(&huge, "python", &huge_text);
    c.published(&huge_uri, Some(1));
    let last_line = huge_text.lines().count().saturating_sub(1);
    let model_line = huge_text
        .lines()
        .position(|l| l.contains("gpt-4o"))
        .unwrap_or(0);
    let model_col = huge_text
        .lines()
        .nth(model_line)
        .map_or(0, |l| l.find("gpt-4o").unwrap_or(0) + 3);
    let mut version = 1i64;
    // Type a character, delete it again: into the final comment (the facts carry over), and
    // into the model name of the configuration at the top (a reparse and a walk each time).
    for (what, line, col, count) in [
        ("in a comment", last_line, 15, edits),
        ("in the configuration", model_line, model_col, edits / 5),
    ] {
        let mut rtts = Vec::with_capacity(count);
        for k in 0..count {
            version += 1;
            let end = if k % 2 == 0 { col } else { col + 1 };
            let change = json!({"range": {"start": {"line": line, "character": col},
                                          "end": {"line": line, "character": end}},
                                "text": if k % 2 == 0 { "x" } else { "" }});
            let sent = Instant::now();
            c.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": huge_uri, "version": version},
                       "contentChanges": [change]}),
            );
            match c.published(&huge_uri, Some(version)) {
                Some(at) => rtts.push(ms(at - sent)),
                None => {
                    println!("| round trip | no diagnostics for version {version} |");
                    break;
                }
            }
        }
        rtts.sort_by(|a, b| a.total_cmp(b));
        println!(
            "| didChange → publishDiagnostics, 10,000-line file, {} edits {what} | p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms (no debounce) |",
            rtts.len(),
            percentile(&rtts, 0.5),
            percentile(&rtts, 0.95),
            percentile(&rtts, 0.99)
        );
    }
    // Close the big file: the .env measurement is about the 100 small ones.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": huge_uri}}),
    );

    // (c) A .env edit with 100 open Python files.
    let env_dir = ws5k.join("envtest");
    let env_path = env_dir.join(".env");
    let env_uri = file_uri(&env_path);
    let mut uris = Vec::new();
    for i in 0..100 {
        let p = env_dir.join(format!("m{i}.py"));
        let t = std::fs::read_to_string(&p).unwrap_or_default();
        c.open(&p, "python", &t);
        uris.push(file_uri(&p));
    }
    let env_text = std::fs::read_to_string(&env_path).unwrap_or_default();
    c.open(&env_path, "dotenv", &env_text);
    // Let every open file publish once.
    let settle = Instant::now() + Duration::from_secs(10);
    let mut seen = std::collections::HashSet::new();
    while seen.len() < uris.len() && Instant::now() < settle {
        if let Some((_, msg)) = c.next(Duration::from_millis(500)) {
            if msg["method"] == "textDocument/publishDiagnostics" {
                seen.insert(msg["params"]["uri"].as_str().unwrap_or("").to_string());
            }
        }
    }
    while c.next(Duration::from_millis(300)).is_some() {}
    let mut times = Vec::new();
    for k in 0..10 {
        // Rename the key and back: every file's diagnostics change each time.
        let text = if k % 2 == 0 {
            "SERVICE_API_KEX=abc123\n"
        } else {
            "SERVICE_API_KEY=abc123\n"
        };
        let sent = Instant::now();
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": env_uri, "version": 2 + k},
                   "contentChanges": [{"text": text}]}),
        );
        let mut pending: std::collections::HashSet<&str> =
            uris.iter().map(String::as_str).collect();
        let mut last = sent;
        let deadline = Instant::now() + Duration::from_secs(30);
        while !pending.is_empty() && Instant::now() < deadline {
            let Some((at, msg)) = c.next(deadline.saturating_duration_since(Instant::now())) else {
                break;
            };
            if msg["method"] == "textDocument/publishDiagnostics" {
                if let Some(u) = msg["params"]["uri"].as_str() {
                    if pending.remove(u) {
                        last = at;
                    }
                }
            }
        }
        if pending.is_empty() {
            times.push(ms(last - sent));
        } else {
            println!(
                "| .env edit | {} of 100 files not re-published |",
                pending.len()
            );
            break;
        }
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "| .env edit with 100 open Python files → all 100 re-published | median {:.1} ms, max {:.1} ms over {} edits (no debounce) |",
        percentile(&times, 0.5),
        times.last().copied().unwrap_or(f64::NAN),
        times.len()
    );
    c.close();

    // (e) RSS after indexing 20k files.
    if let Ok(ws20k) = lsp_workspace(&work, 20000) {
        let mut c = Client::spawn(&keywire);
        let t0 = Instant::now();
        c.initialize(&ws20k);
        let first = ws20k.join("svc0/settings.py");
        let text = std::fs::read_to_string(&first).unwrap_or_default();
        c.open(&first, "python", &text);
        if let (Some(at), indexed) = c.cold_start(&file_uri(&first)) {
            std::thread::sleep(Duration::from_millis(300));
            println!(
                "| cold start, 20k files: initialize → first diagnostics | {:.0} ms (the whole folder indexed after {}) |",
                ms(at - t0),
                indexed.map_or("?".into(), |i| format!("{:.0} ms", ms(i - t0)))
            );
            println!("| RSS after indexing 20k files | {:.0} MB |", c.rss_mb());
        }
        c.close();
    }
    if let Some(list) = flag(args, "--real") {
        first_index(&keywire, Path::new(&list));
    }
    println!("load average after: {}", loadavg());
    ExitCode::SUCCESS
}

/// The first index of the largest real tree (by Python files), from `initialize` to the end of
/// indexing, next to `keywire check --no-cache` on the same tree (medians of 3).
fn first_index(keywire: &str, list: &Path) {
    let text = std::fs::read_to_string(list).unwrap_or_default();
    let Some((label, dir, files)) = text
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(label, path)| {
            let files = super::verify::python_files(Path::new(path));
            (label.to_string(), PathBuf::from(path), files)
        })
        .max_by_key(|(_, _, files)| files.len())
    else {
        return;
    };
    let Some(first) = files.first() else {
        return;
    };
    let mut index = Vec::new();
    for _ in 0..3 {
        let mut c = Client::spawn(keywire);
        let t0 = Instant::now();
        c.initialize(&dir);
        c.open(
            first,
            "python",
            &std::fs::read_to_string(first).unwrap_or_default(),
        );
        if let (_, Some(indexed)) = c.cold_start(&file_uri(first)) {
            index.push(ms(indexed - t0));
        }
        c.close();
    }
    let d = dir.to_string_lossy().into_owned();
    let check: Vec<f64> = (0..3)
        .filter_map(|_| super::check::measure(keywire, &["check", "--no-cache", &d], Some(&dir)))
        .map(|s| s.wall * 1000.0)
        .collect();
    index.sort_by(f64::total_cmp);
    println!(
        "| first index of {label} ({} .py files): initialize → indexed | {:.0} ms (`keywire check --no-cache` on the same tree: {:.0} ms) |",
        files.len(),
        percentile(&index, 0.5),
        super::check::median(check)
    );
}

/// (a) One keystroke on a 10,000-line file, server-side, in process: the document's
/// incremental tree-sitter reparse, fact extraction from that tree (what the analysis pass
/// does with the new text), and checking the module.
/// A keystroke: at an offset, text inserted and bytes deleted.
type Keystroke = (usize, String, usize);

/// One keystroke's server-side cost, timed through the server's own code: the `didChange`
/// applied to the document (rope and tree edit), the pass's facts (`refresh_facts`: carried
/// over when the edit cannot change them, else an incremental reparse and a walk) and the
/// module's check. Four kinds of typing in a 10,000-line module, one character per keystroke.
fn keystroke(work: &Path) {
    use keywire::engine::config::Config;
    use keywire::engine::workspace::{FileKind, Workspace};
    use keywire::lsp::position::Encoding;
    use keywire::lsp::{refresh_facts, Document};
    use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};
    use tree_sitter::Parser;

    let text = corpus::big_module(10_000, 5);
    let lines = text.lines().count();
    let root = work.join("keystroke");
    let path = root.join("huge.py");
    let uri: tower_lsp_server::ls_types::Uri = file_uri(&path).parse().expect("uri");
    // (line, column) of a byte offset; the module is ASCII, so UTF-16 columns are bytes.
    let pos = |text: &str, at: usize| {
        let line = text[..at].matches('\n').count();
        let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
        Position::new(line as u32, col as u32)
    };
    let middle = text.len() / 2;
    let body_line = middle
        + text[middle..]
            .find("        result = {")
            .expect("a method body");
    let name_end = body_line + "        result".len();
    let model = text.find("gpt-4o").expect("a model name") + 3;
    let comment = text.len() - 2;
    // Enter at the end of a line (the editor indents, one change), then the statement.
    let statement = "total = compute(item, limit=3)  # keep the first few";
    let alternate = |at: usize| -> Vec<Keystroke> {
        (0..200)
            .map(|k| {
                if k % 2 == 0 {
                    (at, "x".into(), 0)
                } else {
                    (at, String::new(), 1)
                }
            })
            .collect()
    };
    let typed_lines: Vec<Keystroke> = (0..5)
        .flat_map(|i| {
            let from = text.len() / 7 * (i + 1);
            let line = from + text[from..].find("        result = {").expect("a body");
            let at = line + text[line..].find('\n').expect("a line end");
            let enter = (at, "\n        ".to_string(), 0);
            let typed = statement
                .chars()
                .enumerate()
                .map(move |(j, c)| (at + 9 + j, c.to_string(), 0));
            std::iter::once(enter).chain(typed)
        })
        .collect();
    let per_line = 1 + statement.len();
    let scenarios: [(&str, Vec<Keystroke>); 4] = [
        ("a comment (module level)", alternate(comment)),
        ("a name in a function body", alternate(name_end)),
        (
            "new lines of code in function bodies, char by char",
            typed_lines,
        ),
        (
            "the model name in the configuration (module level)",
            alternate(model),
        ),
    ];
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .expect("python grammar");
    let (mut full_parse, mut all) = (Vec::new(), Vec::new());
    for (name, edits) in scenarios {
        let mut doc = Document::new(uri.clone(), path.clone(), FileKind::Python, false, 1, &text);
        let mut ws = Workspace::new(&root, Config::default());
        ws.set_python_facts(path.clone(), refresh_facts(&mut doc));
        let mut times = Vec::new();
        let mut version = 1;
        let mut last_shift = 0usize;
        let mut carried = 0usize;
        for (k, (at, insert, delete)) in edits.into_iter().enumerate() {
            // Typed lines land at offsets of the original text: earlier lines moved them.
            let at = if name.starts_with("new lines") {
                if k % per_line == 0 && k > 0 {
                    last_shift += 9 + statement.len();
                }
                at + last_shift
            } else {
                at
            };
            let current = doc.text();
            let change = TextDocumentContentChangeEvent {
                range: Some(Range::new(pos(&current, at), pos(&current, at + delete))),
                range_length: None,
                text: insert,
            };
            version += 1;
            let base = doc.facts_base.clone();
            let t = Instant::now();
            doc.apply_changes(version, vec![change], Encoding::Utf16);
            let facts = refresh_facts(&mut doc);
            ws.set_python_facts(path.clone(), facts.clone());
            let findings = ws.check_python(&path, &doc.text());
            times.push(ms(t.elapsed()));
            std::hint::black_box(findings);
            let same_base = match (&base, &doc.facts_base) {
                (Some(a), Some(b)) => std::sync::Arc::ptr_eq(a, b),
                _ => false,
            };
            carried += usize::from(same_base);
            if k % 25 == 0 {
                // Now and then: the carried-over facts are the facts of the text.
                let t = Instant::now();
                let fresh = keywire::engine::python::extract(&doc.text());
                full_parse.push(ms(t.elapsed()));
                assert_eq!(
                    *facts, fresh,
                    "{name}: facts differ from a fresh extraction"
                );
            }
        }
        all.extend_from_slice(&times);
        times.sort_by(|a, b| a.total_cmp(b));
        println!(
            "| keystroke, {lines}-line file ({:.0} KB): {name} | p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms; facts carried over for {carried} of {} keystrokes |",
            text.len() as f64 / 1024.0,
            percentile(&times, 0.5),
            percentile(&times, 0.95),
            times.last().copied().unwrap_or(0.0),
            times.len(),
        );
    }
    all.sort_by(|a, b| a.total_cmp(b));
    println!(
        "| keystroke, all {} keystrokes above | p50 {:.2} ms, p95 {:.2} ms |",
        all.len(),
        percentile(&all, 0.5),
        percentile(&all, 0.95)
    );
    full_parse.sort_by(|a, b| a.total_cmp(b));
    println!(
        "| for comparison: parse and extract the whole file from scratch | p50 {:.1} ms |",
        percentile(&full_parse, 0.5)
    );
}

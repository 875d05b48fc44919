//! Fuzz harness for keywire: four entry points over raw bytes, shared by the cargo-fuzz
//! targets (`fuzz_targets/*.rs`) and by `server/tests/hardening_regressions.rs`, which includes
//! this file to replay every saved crash input and the seed corpus on stable Rust.
//!
//! - [`python`]: Python text → facts, every rule, every fix (as one module of a workspace with
//!   a small `.env`).
//! - [`dotenv`]: `.env` text → parse, every `.env` rule (as `.env` and as `.env.example`, with a
//!   Python module reading from it).
//! - [`fix_loop`]: a Python module and a `.env` (split at the first `0xFF` byte): every fix
//!   applies cleanly and its result re-analyses; safe fixes applied one at a time converge
//!   without revisiting a text; a finding's first fix, applied repeatedly, removes it.
//! - [`lsp_edits`]: a document and a sequence of LSP `didChange` edits sent to an in-process
//!   `keywire lsp`; the server's text must equal an independent model of LSP position
//!   semantics, its incremental tree must equal a fresh parse, and it keeps answering.
//!
//! Every check is an `assert!`/`panic!`: libFuzzer reports it as a crash. Only `keywire`,
//! `serde_json`, `tokio` and `std` are used, so the regression test can include this file.

#![allow(dead_code)]

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use keywire::engine::config::Config;
use keywire::engine::workspace::{file_kind, FileKind, GitStatus, Workspace};
use keywire::engine::{dotenv, fix, Finding, Fix};

const ROOT: &str = "/ws";
const PY: &str = "/ws/app.py";
const ENV: &str = "/ws/.env";
const TEMPLATE: &str = "/ws/.env.example";

/// The `.env` the Python target's module sees.
pub const SMALL_ENV: &str =
    "OPENAI_API_KEY=sk-proj-Qz3Wx7Ec1Rv5Tb9Yn2Um6Ik0Ol4Pa8SdT3BlbkFJh3Jk7Lm1Np\n\
AZURE_OPENAI_ENDPOINT=https://x.openai.azure.com/\n\
GROQ_API_KEY=\n\
export ANTHROPIC_API_KEY='sk-ant-api03-Zx1Cv5Bn9Mq3Wr7Et1Yu5Io9Pa3Sd7Fg1Hj5Kl9-Ab3CdAA'\n";

/// The Python module the `.env` target's file is read by.
pub const SMALL_PY: &str = "import os\n\
from dotenv import load_dotenv\n\
from autogen_ext.models.openai import OpenAIChatCompletionClient\n\
load_dotenv()\n\
c = OpenAIChatCompletionClient(model=\"gpt-4o\", api_key=os.environ[\"OPENAI_API_KEY\"])\n\
g = os.getenv(\"GROQ_API_KEY\")\n\
a = os.environ.get(\"ANTHROPIC_API_KEY\")\n";

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

// ------------------------------------------------------------------ engine harness

/// The files of a fuzz workspace, sorted by path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Files(pub Vec<(PathBuf, String)>);

impl Files {
    pub fn new(files: &[(&str, &str)]) -> Files {
        let mut v: Vec<_> = files
            .iter()
            .map(|(p, t)| (PathBuf::from(p), t.to_string()))
            .collect();
        v.sort();
        Files(v)
    }

    pub fn get(&self, path: &Path) -> Option<&str> {
        self.0
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, t)| t.as_str())
    }

    fn set(&mut self, path: &Path, text: String) {
        match self.0.iter_mut().find(|(p, _)| p == path) {
            Some(slot) => slot.1 = text,
            None => {
                self.0.push((path.to_path_buf(), text));
                self.0.sort();
            }
        }
    }
}

/// A workspace with every Python and .env file of `files`.
pub fn workspace(files: &Files, git: &GitStatus) -> Workspace {
    let mut ws = Workspace::new(ROOT, Config::default());
    for (path, text) in &files.0 {
        match file_kind(path) {
            FileKind::Python => {
                ws.set_python(path.clone(), text);
            }
            FileKind::Env | FileKind::EnvTemplate => ws.set_env(path.clone(), text, git.clone()),
            FileKind::Other => {}
        }
    }
    ws
}

/// Every finding of every file, checked for consistency with the texts.
pub fn check(files: &Files, git: &GitStatus) -> Vec<Finding> {
    let ws = workspace(files, git);
    let mut out = Vec::new();
    for (path, text) in &files.0 {
        let findings = match file_kind(path) {
            FileKind::Python => ws.check_python(path, text),
            FileKind::Env | FileKind::EnvTemplate => ws.check_env(path),
            FileKind::Other => continue,
        };
        out.extend(findings);
    }
    for f in &out {
        validate(files, f);
    }
    out
}

fn assert_span(files: &Files, path: &Path, start: usize, end: usize, what: &str) {
    let Some(text) = files.get(path) else {
        return; // A file outside the workspace (a `.gitignore` to create…).
    };
    assert!(
        start <= end
            && end <= text.len()
            && text.is_char_boundary(start)
            && text.is_char_boundary(end),
        "{what}: span {start}..{end} does not fit {} ({} bytes)",
        path.display(),
        text.len()
    );
}

/// A finding's spans fit its texts, and every fix applies cleanly.
fn validate(files: &Files, f: &Finding) {
    let what = format!("{} {:?}", f.rule.code(), f.message);
    assert!(!f.message.is_empty(), "{what}: empty message");
    assert_span(files, &f.path, f.span.start, f.span.end, &what);
    for r in &f.related {
        assert_span(
            files,
            &r.path,
            r.span.start,
            r.span.end,
            &format!("{what} related"),
        );
    }
    for fx in &f.fixes {
        assert!(!fx.title.is_empty(), "{what}: a fix without a title");
        if let Err(e) = apply_fix(files, fx) {
            panic!("{what}: fix {:?} does not apply: {e}", fx.title);
        }
    }
}

/// The files after applying `fx` (edits to files not in the set apply to an empty text).
pub fn apply_fix(files: &Files, fx: &Fix) -> Result<Files, String> {
    let mut out = files.clone();
    let mut paths: Vec<&PathBuf> = fx.edits.iter().map(|e| &e.path).collect();
    paths.sort();
    paths.dedup();
    for path in paths {
        let edits: Vec<_> = fx.edits.iter().filter(|e| &e.path == path).collect();
        let old = files.get(path).unwrap_or("");
        let new = fix::apply(old, &edits).map_err(|e| format!("{}: {e}", path.display()))?;
        out.set(path, new);
    }
    Ok(out)
}

/// Python text → findings and fixes.
pub fn python(data: &[u8]) {
    let py = text(data);
    let files = Files::new(&[(ENV, SMALL_ENV), (PY, &py)]);
    check(&files, &GitStatus::Unknown);
    // Facts on their own, too (what the loader and the server extract in parallel); skipping
    // function bodies that cannot hold a fact changes no fact.
    let facts = keywire::engine::python::extract(&py);
    assert_eq!(
        facts,
        keywire::engine::python::extract_unpruned(&py),
        "pruned extraction differs"
    );
    // Keystrokes (a name character typed, a character deleted) at a few places: facts carried
    // over from the unedited text equal fresh ones.
    let Some(base) = keywire::engine::python::FactsBase::parse(py.as_str().into()) else {
        return;
    };
    let step = py.len() / 7 + 1;
    for at in (0..py.len())
        .step_by(step)
        .filter(|&i| py.is_char_boundary(i))
    {
        let mut typed = py.clone();
        typed.insert(at, 'a');
        let mut deleted = py.clone();
        deleted.remove(at);
        for edited in [typed, deleted] {
            if let Some(carried) = base.reuse(&edited) {
                let fresh = keywire::engine::python::extract(&edited);
                assert_eq!(carried, fresh, "facts carried over an edit at {at} differ");
            }
        }
    }
}

/// `.env` text → parse and findings.
pub fn dotenv(data: &[u8]) {
    let env = text(data);
    let parsed = dotenv::parse(&env);
    let mut last_line = 0;
    for e in &parsed.entries {
        assert!(e.span.end <= env.len() && env.is_char_boundary(e.span.start));
        assert!(env.is_char_boundary(e.span.end), "entry span {:?}", e.span);
        assert!(
            e.span.start <= e.key_span.start && e.key_span.end <= e.span.end,
            "key span {:?} outside entry {:?}",
            e.key_span,
            e.span
        );
        if let Some(raw) = e.raw_span {
            assert!(
                e.span.start <= raw.start && raw.end <= e.span.end,
                "raw span {raw:?} outside entry {:?}",
                e.span
            );
        }
        assert!(e.line >= last_line, "entries out of order");
        last_line = e.line;
    }
    for err in &parsed.errors {
        assert!(err.span.start <= err.span.end && err.span.end <= env.len());
    }
    let files = Files::new(&[(ENV, &env), (TEMPLATE, &env), (PY, SMALL_PY)]);
    let git = GitStatus::NotIgnored {
        repo_root: PathBuf::from(ROOT),
    };
    check(&files, &git);
}

/// Split at the first `0xFF` (never in UTF-8): Python before, `.env` after.
pub fn split_py_env(data: &[u8]) -> (String, String) {
    match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (text(&data[..i]), text(&data[i + 1..])),
        None => (text(data), SMALL_ENV.to_string()),
    }
}

/// Findings in a stable order: by file, then position.
fn ordered(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by(|a, b| {
        (&a.path, a.span.start, a.rule.code()).cmp(&(&b.path, b.span.start, b.rule.code()))
    });
    findings
}

/// Fixes apply, re-analyse, converge and do not loop.
pub fn fix_loop(data: &[u8]) {
    let (py, env) = split_py_env(data);
    let files = Files::new(&[(ENV, &env), (PY, &py)]);
    let git = GitStatus::Unknown;
    let findings = ordered(check(&files, &git));

    // Every fix (the first 24) applies, and what it produces analyses cleanly.
    for fx in findings.iter().flat_map(|f| f.fixes.iter()).take(24) {
        let fixed = apply_fix(&files, fx).unwrap();
        check(&fixed, &git);
    }

    // Safe fixes, one at a time (first finding first), reach a fixed point without ever
    // returning to an earlier text.
    let safe = findings
        .iter()
        .filter(|f| f.fixes.iter().any(|x| x.safe))
        .count();
    let budget = 4 * safe + 8;
    let mut state = files.clone();
    let mut seen = HashSet::new();
    seen.insert(state.clone());
    let mut findings = findings;
    for step in 0.. {
        let Some((f, fx)) = findings
            .iter()
            .find_map(|f| f.fixes.iter().find(|x| x.safe).map(|x| (f, x)))
        else {
            break;
        };
        assert!(
            step < budget,
            "safe fixes do not converge: {step} applied, still {} {:?} with fix {:?}",
            f.rule.code(),
            f.message,
            fx.title
        );
        let next = apply_fix(&state, fx).unwrap();
        assert!(
            next != state,
            "safe fix {:?} of {} changes nothing",
            fx.title,
            f.rule.code()
        );
        assert!(
            seen.insert(next.clone()),
            "safe fixes loop: {:?} of {} {:?} returns to an earlier text",
            fx.title,
            f.rule.code(),
            f.message
        );
        state = next;
        findings = ordered(check(&state, &git));
    }

    // The first fix of the first finding that has one, applied to each finding that is the
    // same (rule, file, message), makes all of them go away.
    let findings = ordered(check(&files, &git));
    let Some(first) = findings.iter().find(|f| !f.fixes.is_empty()) else {
        return;
    };
    let key = |f: &Finding| (f.rule, f.path.clone(), f.message.clone());
    let target = key(first);
    let count = |fs: &[Finding]| fs.iter().filter(|f| key(f) == target).count();
    let initial = count(&findings);
    let title = first.fixes[0].title.clone();
    let mut state = files;
    let mut current = findings;
    for _ in 0..initial + 2 {
        let Some(f) = current.iter().find(|f| key(f) == target) else {
            return;
        };
        let Some(fx) = f.fixes.first() else {
            return; // Its fix went away (another one covers it now).
        };
        state = apply_fix(&state, fx).unwrap();
        current = ordered(check(&state, &git));
    }
    assert!(
        count(&current) == 0,
        "applying {title:?} {} times leaves {} of {} {:?}",
        initial + 2,
        count(&current),
        target.0.code(),
        target.2
    );
}

// ------------------------------------------------------------------ LSP model

/// Byte offset of an LSP position, by the specification (independently of the server's
/// `position` module): lines end at `\n`, `\r\n` or `\r`; a line past the end is the end of
/// the text; a character past the end of a line is the end of its content; a position inside
/// a character (half a surrogate pair, the middle of a UTF-8 sequence) is its start.
pub fn model_offset(text: &str, line: u32, character: u32, utf8: bool) -> usize {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => starts.push(i + 1),
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                starts.push(i + 2);
                i += 1;
            }
            b'\r' => starts.push(i + 1),
            _ => {}
        }
        i += 1;
    }
    let Some(&start) = starts.get(line as usize) else {
        return text.len();
    };
    let end = starts.get(line as usize + 1).copied().unwrap_or(text.len());
    let mut content = &text[start..end];
    content = content.strip_suffix('\n').unwrap_or(content);
    content = content.strip_suffix('\r').unwrap_or(content);
    let want = character as usize;
    if utf8 {
        let mut at = start + want.min(content.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        return at;
    }
    let mut units = 0;
    for (i, c) in content.char_indices() {
        if units + c.len_utf16() > want {
            return start + i;
        }
        units += c.len_utf16();
    }
    start + content.len()
}

/// One `didChange` content change of a fuzz input.
#[derive(Clone, Debug)]
pub struct Change {
    /// None: replace the whole text.
    pub range: Option<(u32, u32, u32, u32)>,
    pub text: String,
    /// Sent with a version that is not newer (the server must drop it).
    pub stale: bool,
}

/// A decoded `lsp_edits` input.
#[derive(Clone, Debug)]
pub struct EditScript {
    pub utf8: bool,
    pub python: bool,
    /// All changes in one `didChange` (else one notification per change).
    pub batch: bool,
    pub initial: String,
    pub changes: Vec<Change>,
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn u8(&mut self) -> u8 {
        let Some((&b, rest)) = self.0.split_first() else {
            return 0;
        };
        self.0 = rest;
        b
    }
    fn bytes(&mut self, n: usize) -> &[u8] {
        let n = n.min(self.0.len());
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        head
    }
}

/// Input format: flags (bit 0 UTF-8 positions, bit 1 `.env` document, bit 2 one batch),
/// initial text length (u16 LE, at most 8 KiB) and text, then changes of 6 bytes (kind, start
/// line, start character, end line, end character, text length) each followed by the text.
/// Kind % 16: 0 replaces the whole text, 1 is sent with a stale version, else a range edit.
pub fn decode(data: &[u8]) -> EditScript {
    let mut r = Reader(data);
    let flags = r.u8();
    let len = (usize::from(r.u8()) | usize::from(r.u8()) << 8) % 8192;
    let initial = text(r.bytes(len));
    let mut changes = Vec::new();
    while !r.0.is_empty() && changes.len() < 64 {
        let kind = r.u8();
        let range = (
            u32::from(r.u8()),
            u32::from(r.u8()),
            u32::from(r.u8()),
            u32::from(r.u8()),
        );
        let n = usize::from(r.u8());
        let t = text(r.bytes(n));
        changes.push(Change {
            range: (kind % 16 != 0).then_some(range),
            text: t,
            stale: kind % 16 == 1,
        });
    }
    EditScript {
        utf8: flags & 1 != 0,
        python: flags & 2 == 0,
        batch: flags & 4 != 0,
        initial,
        changes,
    }
}

/// The inverse of [`decode`] (for seeds and tests). Texts longer than 255 bytes are cut.
pub fn encode(script: &EditScript) -> Vec<u8> {
    let mut out =
        vec![u8::from(script.utf8) | u8::from(!script.python) << 1 | u8::from(script.batch) << 2];
    let initial = &script.initial.as_bytes()[..script.initial.len().min(8191)];
    out.extend((initial.len() as u16).to_le_bytes());
    out.extend(initial);
    for c in &script.changes {
        let (l0, c0, l1, c1) = c.range.unwrap_or((0, 0, 0, 0));
        let kind = match (c.range, c.stale) {
            (None, _) => 0,
            (Some(_), true) => 1,
            (Some(_), false) => 2,
        };
        let t = &c.text.as_bytes()[..c.text.len().min(255)];
        out.extend([kind, l0 as u8, c0 as u8, l1 as u8, c1 as u8, t.len() as u8]);
        out.extend(t);
    }
    out
}

/// Apply a script to a text the way the specification says (the model).
pub fn model_apply(script: &EditScript) -> String {
    let mut text = script.initial.clone();
    for c in &script.changes {
        if c.stale && !script.batch {
            continue;
        }
        text = model_change(&text, c, script.utf8);
    }
    text
}

fn model_change(text: &str, c: &Change, utf8: bool) -> String {
    match c.range {
        None => c.text.clone(),
        Some((l0, c0, l1, c1)) => {
            let a = model_offset(text, l0, c0, utf8);
            let b = model_offset(text, l1, c1, utf8);
            let (s, e) = (a.min(b), a.max(b));
            format!("{}{}{}", &text[..s], c.text, &text[e..])
        }
    }
}

// ------------------------------------------------------------------ LSP harness

use serde_json::{json, Value};
use tokio::io::{
    AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf,
};

/// An in-process `keywire lsp` on a pipe, kept for the whole fuzzing run (one per position
/// encoding): documents are opened, edited and closed on it again and again.
pub struct LspHarness {
    rt: tokio::runtime::Runtime,
    write: WriteHalf<DuplexStream>,
    read: BufReader<ReadHalf<DuplexStream>>,
    next_id: i64,
}

fn frame(msg: &Value) -> Vec<u8> {
    let body = serde_json::to_vec(msg).unwrap();
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend(body);
    out
}

impl LspHarness {
    pub fn new(utf8: bool) -> LspHarness {
        LspHarness::with(utf8, None, false)
    }

    /// A server with a workspace folder (`root`), and pull diagnostics when `pull` (the
    /// client then asks `textDocument/diagnostic` for a document's current findings).
    pub fn with(utf8: bool, root: Option<&Path>, pull: bool) -> LspHarness {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (client, server) = tokio::io::duplex(1 << 24);
        let (read, write) = {
            let _guard = rt.enter();
            let (sr, sw) = tokio::io::split(server);
            rt.spawn(keywire::lsp::serve(sr, sw));
            tokio::io::split(client)
        };
        let mut h = LspHarness {
            rt,
            write,
            read: BufReader::new(read),
            next_id: 0,
        };
        let encodings = if utf8 {
            json!(["utf-8", "utf-16"])
        } else {
            json!(["utf-16"])
        };
        let root_uri = root.map(|r| format!("file://{}", r.display()));
        let folders = root_uri
            .as_ref()
            .map(|u| json!([{"uri": u, "name": "root"}]));
        let mut capabilities = json!({"general": {"positionEncodings": encodings}});
        if pull {
            capabilities["textDocument"] = json!({
                "diagnostic": {"dynamicRegistration": false},
                "publishDiagnostics": {"relatedInformation": true},
            });
            capabilities["workspace"] = json!({"diagnostics": {"refreshSupport": true}});
        }
        let resp = h.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "workspaceFolders": folders,
                "capabilities": capabilities,
                "initializationOptions": {"debug": true, "logLevel": "off"},
            }),
        );
        assert!(resp.get("error").is_none(), "initialize failed: {resp}");
        h.notify("initialized", json!({}));
        h
    }

    fn send(&mut self, msg: &Value) {
        let bytes = frame(msg);
        let write = &mut self.write;
        self.rt.block_on(async {
            write.write_all(&bytes).await.unwrap();
            write.flush().await.unwrap();
        });
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Send a request; return the whole response (server requests are answered with null,
    /// notifications skipped). Hangs (and libFuzzer reports a timeout) if none comes.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let msg = self.read_msg().expect("the server closed its output");
            match (msg.get("method"), msg.get("id")) {
                (Some(_), Some(sid)) => {
                    let sid = sid.clone();
                    self.send(&json!({"jsonrpc": "2.0", "id": sid, "result": null}));
                }
                (None, Some(rid)) if rid == &json!(id) => return msg,
                _ => {}
            }
        }
    }

    fn read_msg(&mut self) -> Option<Value> {
        let read = &mut self.read;
        self.rt.block_on(async {
            let mut len = None;
            loop {
                let mut line = String::new();
                if read.read_line(&mut line).await.ok()? == 0 {
                    return None;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(v) = line.strip_prefix("Content-Length:") {
                    len = v.trim().parse::<usize>().ok();
                }
            }
            let mut body = vec![0; len?];
            read.read_exact(&mut body).await.ok()?;
            Some(serde_json::from_slice(&body).expect("the server sent invalid JSON"))
        })
    }

    /// Run one script: open, change, compare with the model, poke every feature at the
    /// edited positions, close.
    pub fn run(&mut self, script: &EditScript) {
        let uri = if script.python {
            "file:///keywire-fuzz/doc.py"
        } else {
            "file:///keywire-fuzz/.env"
        };
        let lang = if script.python { "python" } else { "dotenv" };
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": lang, "version": 1, "text": script.initial}}),
        );
        let to_json = |c: &Change| match c.range {
            None => json!({"text": c.text}),
            Some((l0, c0, l1, c1)) => json!({
                "range": {"start": {"line": l0, "character": c0}, "end": {"line": l1, "character": c1}},
                "text": c.text,
            }),
        };
        let mut version = 1;
        if script.batch {
            if !script.changes.is_empty() {
                version += 1;
                let changes: Vec<Value> = script.changes.iter().map(to_json).collect();
                self.notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
                );
            }
        } else {
            for c in &script.changes {
                let v = if c.stale { version } else { version + 1 };
                version = version.max(v);
                self.notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": uri, "version": v}, "contentChanges": [to_json(c)]}),
                );
            }
        }
        let resp = self.request("keywire/debugDocumentText", json!({"uri": uri}));
        let result = &resp["result"];
        assert!(
            resp.get("error").is_none(),
            "debugDocumentText failed (the document was closed after a failed edit?): {resp}"
        );
        let expected = model_apply(script);
        let got = result["text"].as_str().unwrap();
        assert!(
            got == expected,
            "server text differs from the model\nserver: {got:?}\nmodel:  {expected:?}\nscript: {script:?}"
        );
        assert_eq!(result["version"], json!(version), "server version");
        assert_ne!(
            result["treeMatchesFreshParse"],
            json!(false),
            "incremental tree differs from a fresh parse; text {got:?}, script {script:?}"
        );
        // Every feature at the edited positions answers (a result or an error, never silence).
        let mut positions: Vec<(u32, u32)> = script
            .changes
            .iter()
            .filter_map(|c| c.range)
            .flat_map(|(l0, c0, l1, c1)| [(l0, c0), (l1, c1)])
            .take(4)
            .collect();
        positions.push((0, 0));
        for (line, character) in positions {
            let at = json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}});
            for method in [
                "textDocument/hover",
                "textDocument/completion",
                "textDocument/definition",
            ] {
                self.request(method, at.clone());
            }
            let mut refs = at.clone();
            refs["context"] = json!({"includeDeclaration": true});
            self.request("textDocument/references", refs);
            self.request(
                "textDocument/codeAction",
                json!({"textDocument": {"uri": uri}, "range": {"start": at["position"], "end": {"line": line + 1, "character": 0}}, "context": {"diagnostics": []}}),
            );
        }
        self.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        );
        self.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
    }
}

static LSP: Mutex<[Option<LspHarness>; 2]> = Mutex::new([None, None]);

/// A document and edits → the server agrees with the model and keeps answering.
pub fn lsp_edits(data: &[u8]) {
    let script = decode(data);
    let mut servers = LSP.lock().unwrap_or_else(|e| e.into_inner());
    let slot = &mut servers[usize::from(script.utf8)];
    slot.get_or_insert_with(|| LspHarness::new(script.utf8))
        .run(&script);
}

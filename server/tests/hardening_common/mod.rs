//! Shared helpers of the hardening suites (`hardening_*.rs`): running the `keywire` binary,
//! a small synchronous LSP client over the binary's stdio that records every byte it
//! receives, fake-key probes, and file URIs.
//!
//! The LSP client is deliberately independent of the server's own test client
//! (`lsp_common`): it speaks the framing itself, keeps the raw stdout and stderr streams, and
//! never panics on what the server sends (hostile-input tests need to see exactly what came
//! back).

#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub const BIN: &str = env!("CARGO_BIN_EXE_keywire");

/// How long any single wait on the server may take before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// Repository root (holds `server/` and `tests/`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A canonical temporary directory (so paths match what the tools compute).
pub fn tempdir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    (dir, root)
}

/// Copy a directory tree (regular files and directories only).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        let ft = entry.file_type().unwrap();
        if ft.is_dir() {
            copy_tree(&entry.path(), &target);
        } else if ft.is_file() {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

pub fn write(path: &Path, contents: impl AsRef<[u8]>) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

/// `keywire args…` in `dir` with extra environment variables; no colour from the environment.
/// Fails the test if it runs longer than `limit`.
pub fn keywire_env(dir: &Path, args: &[&str], env: &[(&str, &str)], limit: Duration) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(dir)
        .env_remove("CLICOLOR_FORCE")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = cmd.spawn().expect("spawn keywire");
    wait_output(child, limit, &format!("keywire {}", args.join(" ")))
}

pub fn keywire(dir: &Path, args: &[&str]) -> Output {
    keywire_env(dir, args, &[], TIMEOUT)
}

/// Wait for a child with piped stdout/stderr, killing it (and failing) after `limit`.
pub fn wait_output(mut child: Child, limit: Duration, what: &str) -> Output {
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let t_err = thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            let stderr = t_err.join().unwrap();
            panic!(
                "{what} did not finish within {limit:?} (killed); stderr:\n{}",
                String::from_utf8_lossy(&stderr)
            );
        }
        thread::sleep(Duration::from_millis(5));
    };
    Output {
        status,
        stdout: t_out.join().unwrap(),
        stderr: t_err.join().unwrap(),
    }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Panic if a process's stderr shows a Rust panic.
pub fn assert_no_panic(stderr: &str, what: &str) {
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{what}: the process panicked:\n{stderr}"
    );
}

// ------------------------------------------------------------------ fake keys

/// Every key-like token of a fixture directory's `.py` and `.env*` files: a run of 24+ ASCII
/// letters, digits, `-` and `_` with at least three digits (identifiers such as
/// `OpenAIChatCompletionClient` and variable names have fewer). This finds the keys in .env
/// values, in comments, in quotes of every kind and in Python literals alike.
pub fn fake_keys(dir: &Path) -> Vec<String> {
    let mut keys = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if !name.starts_with(".env") && !name.ends_with(".py") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            keys.extend(key_tokens(&text));
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

/// The key-like tokens of a text (see [`fake_keys`]).
pub fn key_tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .filter(|t| t.len() >= 24 && t.bytes().filter(u8::is_ascii_digit).count() >= 3)
        .map(str::to_string)
        .collect()
}

/// 8-character windows of the key's secret part (after any public prefix).
pub fn secret_pieces(key: &str) -> Vec<String> {
    let prefix = keywire::engine::providers::public_prefix(key).map_or(0, str::len);
    let secret: Vec<char> = key.chars().skip(prefix).collect();
    secret.windows(8).map(|w| w.iter().collect()).collect()
}

/// Every (key, piece) of `keys` found in `haystack`.
pub fn leaks(keys: &[String], haystack: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for key in keys {
        for piece in secret_pieces(key) {
            if haystack.contains(&piece) {
                found.push((key.clone(), piece));
                break;
            }
        }
    }
    found
}

/// Fail with the surface's name and the surrounding text when anything leaks.
pub fn assert_no_leak(keys: &[String], surface: &str, haystack: &str) {
    let found = leaks(keys, haystack);
    if let Some((key, piece)) = found.first() {
        let at = haystack.find(piece.as_str()).unwrap();
        let from = haystack[..at]
            .char_indices()
            .rev()
            .nth(200)
            .map_or(0, |(i, _)| i);
        let to = haystack[at..]
            .char_indices()
            .nth(200)
            .map_or(haystack.len(), |(i, _)| at + i);
        panic!(
            "{surface} leaks {} key(s); first: {piece:?} of {key:?} in\n…{}…",
            found.len(),
            &haystack[from..to]
        );
    }
}

// ------------------------------------------------------------------ URIs

/// `file://` URI of an absolute path, percent-encoding everything but unreserved bytes and `/`.
pub fn file_uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

// ------------------------------------------------------------------ LSP client

/// Frame a JSON-RPC message.
pub fn frame(msg: &Value) -> Vec<u8> {
    let body = serde_json::to_vec(msg).unwrap();
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend(body);
    out
}

/// Parse frames out of a byte stream; None at end of stream or on a broken frame.
fn read_frame(r: &mut impl Read) -> Option<(Vec<u8>, Value)> {
    let mut header = Vec::new();
    let mut byte = [0u8; 1];
    while !header.ends_with(b"\r\n\r\n") {
        if r.read(&mut byte).ok()? == 0 {
            return None;
        }
        header.push(byte[0]);
        if header.len() > 4096 {
            return None;
        }
    }
    let head = String::from_utf8_lossy(&header);
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length:"))?
        .trim()
        .parse()
        .ok()?;
    let mut body = vec![0; len];
    r.read_exact(&mut body).ok()?;
    let value = serde_json::from_slice(&body).unwrap_or_else(
        |e| json!({"__unparseable__": e.to_string(), "body": String::from_utf8_lossy(&body)}),
    );
    let mut raw = header;
    raw.extend(body);
    Some((raw, value))
}

/// The `keywire lsp` binary as a child process.
pub struct Lsp {
    child: Child,
    /// Shared with the reader thread, which answers server-to-client requests at once (so a
    /// server waiting on `window/workDoneProgress/create` never waits on the test).
    stdin: Arc<Mutex<Option<ChildStdin>>>,
    incoming: Receiver<Value>,
    /// Every byte the server wrote to stdout, as framed.
    pub raw_out: Arc<Mutex<Vec<u8>>>,
    /// Everything the server wrote to stderr.
    pub stderr: Arc<Mutex<Vec<u8>>>,
    next_id: i64,
    /// Every message received from the server, in order.
    pub received: Vec<Value>,
    /// Received but not yet consumed by a wait.
    queue: VecDeque<Value>,
    /// Whether stdout ended (the server closed it or exited).
    pub closed: bool,
}

/// What a finished server left behind.
pub struct Finished {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub received: Vec<Value>,
}

impl Lsp {
    /// Spawn `keywire lsp` in `cwd` with extra environment variables.
    pub fn spawn(cwd: &Path, env: &[(&str, &str)]) -> Lsp {
        let mut cmd = Command::new(BIN);
        cmd.arg("lsp")
            .current_dir(cwd)
            .env_remove("RUST_LOG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        Lsp::from_command(cmd)
    }

    /// Spawn any command that speaks LSP on stdio (stdin/stdout/stderr are set here).
    pub fn from_command(mut cmd: Command) -> Lsp {
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn keywire lsp");
        let stdin = Arc::new(Mutex::new(child.stdin.take()));
        let mut stdout = child.stdout.take().unwrap();
        let mut stderr = child.stderr.take().unwrap();
        let raw_out = Arc::new(Mutex::new(Vec::new()));
        let err_buf = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        let raw = raw_out.clone();
        let answer = stdin.clone();
        thread::spawn(move || {
            while let Some((bytes, msg)) = read_frame(&mut stdout) {
                raw.lock().unwrap().extend_from_slice(&bytes);
                if let (Some(_), Some(id)) = (msg.get("method"), msg.get("id")) {
                    let reply = frame(&json!({"jsonrpc": "2.0", "id": id, "result": null}));
                    if let Some(w) = answer.lock().unwrap().as_mut() {
                        let _ = w.write_all(&reply).and_then(|()| w.flush());
                    }
                }
                if tx.send(msg).is_err() {
                    break;
                }
            }
            // Whatever is left after a broken frame is still output.
            let mut rest = Vec::new();
            let _ = stdout.read_to_end(&mut rest);
            raw.lock().unwrap().extend_from_slice(&rest);
        });
        let eb = err_buf.clone();
        thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match stderr.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => eb.lock().unwrap().extend_from_slice(&buf[..n]),
                }
            }
        });
        Lsp {
            child,
            stdin,
            incoming: rx,
            raw_out,
            stderr: err_buf,
            next_id: 0,
            received: Vec::new(),
            queue: VecDeque::new(),
            closed: false,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn stderr_text(&self) -> String {
        text(&self.stderr.lock().unwrap())
    }

    pub fn stdout_text(&self) -> String {
        text(&self.raw_out.lock().unwrap())
    }

    /// Write raw bytes to the server (ignored once its stdin is closed).
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let mut guard = self.stdin.lock().unwrap();
        if let Some(stdin) = guard.as_mut() {
            if stdin.write_all(bytes).and_then(|()| stdin.flush()).is_err() {
                *guard = None;
            }
        }
    }

    /// Close the server's stdin.
    fn close_stdin(&mut self) {
        *self.stdin.lock().unwrap() = None;
    }

    pub fn send(&mut self, msg: &Value) {
        self.send_raw(&frame(msg));
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Send a request without waiting; returns its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({"jsonrpc": "2.0", "id": id, "method": method});
        if !params.is_null() {
            msg["params"] = params;
        }
        self.send(&msg);
        id
    }

    /// Send a request and wait for its response (the whole response object).
    pub fn request_raw(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.wait_response(json!(id))
            .unwrap_or_else(|| panic!("no response to {method} (id {id}):\n{}", self.stderr_text()))
    }

    /// Send a request and return its result, failing on an error response.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let resp = self.request_raw(method, params);
        assert!(resp.get("error").is_none(), "{method} failed: {resp}");
        resp["result"].clone()
    }

    /// Read the next message (server-to-client requests were answered with `null`). None on
    /// timeout or when the server's stdout ended.
    fn next(&mut self, deadline: Instant) -> Option<Value> {
        if self.closed {
            return None;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        match self.incoming.recv_timeout(left) {
            Ok(msg) => {
                self.received.push(msg.clone());
                Some(msg)
            }
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => {
                self.closed = true;
                None
            }
        }
    }

    /// Wait for the response with `id` (other messages are queued).
    pub fn wait_response(&mut self, id: Value) -> Option<Value> {
        self.wait_response_for(id, TIMEOUT)
    }

    /// [`Lsp::wait_response`] with a time limit of its own.
    pub fn wait_response_for(&mut self, id: Value, timeout: Duration) -> Option<Value> {
        if let Some(i) = self
            .queue
            .iter()
            .position(|m| m.get("method").is_none() && m.get("id") == Some(&id))
        {
            return self.queue.remove(i);
        }
        let deadline = Instant::now() + timeout;
        loop {
            let msg = self.next(deadline)?;
            if msg.get("method").is_none() && msg.get("id") == Some(&id) {
                return Some(msg);
            }
            self.queue.push_back(msg);
        }
    }

    /// Wait up to `timeout` for a notification `method` whose params satisfy `pred`
    /// (queued messages first; the match is consumed).
    pub fn wait_notification(
        &mut self,
        method: &str,
        timeout: Duration,
        mut pred: impl FnMut(&Value) -> bool,
    ) -> Option<Value> {
        let matches = |m: &Value, pred: &mut dyn FnMut(&Value) -> bool| {
            m.get("id").is_none() && m["method"] == method && pred(&m["params"])
        };
        if let Some(i) = self.queue.iter().position(|m| matches(m, &mut pred)) {
            return self.queue.remove(i).map(|m| m["params"].clone());
        }
        let deadline = Instant::now() + timeout;
        loop {
            let msg = self.next(deadline)?;
            if matches(&msg, &mut pred) {
                return Some(msg["params"].clone());
            }
            self.queue.push_back(msg);
        }
    }

    /// Wait for diagnostics of `uri` satisfying `pred`.
    pub fn wait_diagnostics(
        &mut self,
        uri: &str,
        mut pred: impl FnMut(&[Value]) -> bool,
    ) -> Option<Value> {
        self.wait_notification("textDocument/publishDiagnostics", TIMEOUT, |p| {
            p["uri"] == uri && pred(p["diagnostics"].as_array().map_or(&[][..], |v| v))
        })
    }

    /// Read messages for `d` without expecting anything.
    pub fn drain(&mut self, d: Duration) {
        let deadline = Instant::now() + d;
        while let Some(msg) = self.next(deadline) {
            self.queue.push_back(msg);
        }
    }

    /// `initialize` + `initialized` with a workspace folder (when given) and typical client
    /// capabilities.
    pub fn initialize(&mut self, root: Option<&Path>, options: Value) -> Value {
        let folders = root.map(|r| json!([{"uri": file_uri(r), "name": "root"}]));
        let result = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root.map(file_uri),
                "workspaceFolders": folders,
                "capabilities": {
                    "general": {"positionEncodings": ["utf-16"]},
                    "textDocument": {
                        "publishDiagnostics": {"relatedInformation": true, "versionSupport": true},
                        "hover": {"contentFormat": ["markdown", "plaintext"]},
                        "completion": {"completionItem": {"snippetSupport": false}},
                        "documentSymbol": {"hierarchicalDocumentSymbolSupport": true},
                        "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "source.fixAll"]}}}
                    },
                    "workspace": {"workspaceEdit": {"documentChanges": true, "resourceOperations": ["create"]}, "workspaceFolders": true},
                    "window": {"workDoneProgress": true}
                },
                "initializationOptions": options,
            }),
        );
        self.notify("initialized", json!({}));
        result
    }

    pub fn open(&mut self, uri: &str, language: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": version, "text": text}}),
        );
    }

    /// A cheap request that proves the server is still answering.
    pub fn assert_alive(&mut self, what: &str) {
        let id = self.send_request(
            "textDocument/hover",
            json!({"textDocument": {"uri": "file:///nonexistent/keywire-alive.py"}, "position": {"line": 0, "character": 0}}),
        );
        let resp = self.wait_response(json!(id));
        assert!(
            resp.is_some(),
            "{what}: the server stopped answering; stderr:\n{}",
            self.stderr_text()
        );
    }

    /// `shutdown` + `exit`, then wait for the process (killed after [`TIMEOUT`]).
    pub fn finish(mut self) -> Finished {
        let id = self.send_request("shutdown", Value::Null);
        let _ = self.wait_response(json!(id));
        self.notify("exit", Value::Null);
        self.close_stdin();
        self.wait_exit()
    }

    /// Close stdin and wait for the process to end (killed after [`TIMEOUT`]).
    pub fn wait_exit(mut self) -> Finished {
        self.close_stdin();
        let start = Instant::now();
        let code = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status.code();
            }
            if start.elapsed() > TIMEOUT {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("keywire lsp did not exit; stderr:\n{}", self.stderr_text());
            }
            thread::sleep(Duration::from_millis(5));
        };
        // Let the reader threads catch the last bytes.
        let deadline = Instant::now() + Duration::from_secs(2);
        while let Some(msg) = self.next(deadline) {
            self.queue.push_back(msg);
        }
        thread::sleep(Duration::from_millis(20));
        Finished {
            code,
            stdout: self.stdout_text(),
            stderr: self.stderr_text(),
            received: std::mem::take(&mut self.received),
        }
    }
}

impl Drop for Lsp {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A small deterministic generator (xorshift64*), so a randomized test replays the same way on
/// every machine.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

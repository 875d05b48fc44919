//! The synchronous LSP client of the hardening suites ([`Lsp`]): the `keywire lsp` binary (or
//! any command speaking LSP on stdio) as a child process. It keeps the raw stdout and stderr
//! streams and never panics on what the server sends (hostile-input tests need to see exactly
//! what came back); server-to-client requests are answered with `null` as they are read.

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::framing::{frame, Frames};
use crate::paths::{file_uri, text};
use crate::process::keywire_bin;
use crate::TIMEOUT;

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
        let mut cmd = Command::new(keywire_bin());
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
        let stdout = child.stdout.take().unwrap();
        let mut stderr = child.stderr.take().unwrap();
        let raw_out = Arc::new(Mutex::new(Vec::new()));
        let err_buf = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        let raw = raw_out.clone();
        let answer = stdin.clone();
        thread::spawn(move || {
            let mut frames = Frames::new(stdout);
            while let Some(f) = frames.next_frame() {
                raw.lock().unwrap().extend_from_slice(&f.raw);
                let msg = f.json().unwrap_or_else(
                    |e| json!({"__unparseable__": e.to_string(), "body": text(f.body())}),
                );
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
            let rest = frames.into_rest();
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

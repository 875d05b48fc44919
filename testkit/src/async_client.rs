//! The async LSP test client ([`TestClient`]) speaking framed JSON-RPC over any byte streams:
//! an in-process server on a `tokio::io::duplex` pipe, or the built binary's stdio; and
//! [`apply_edits`], LSP text edits applied the way a client does.
//!
//! Server-to-client requests (`client/registerCapability`, `window/workDoneProgress/create`,
//! `workspace/diagnostic/refresh`…) are answered with `null` as they are read, and recorded;
//! `workspace/configuration` is answered with [`TestClient::settings`] for every item.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::pin::Pin;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::framing::{frame, AsyncFrames};
use crate::paths::file_uri;
use crate::TIMEOUT;

type Writer = Pin<Box<dyn AsyncWrite + Send>>;

pub struct TestClient {
    writer: Writer,
    incoming: mpsc::UnboundedReceiver<Value>,
    reader: JoinHandle<()>,
    next_id: i64,
    responses: HashMap<i64, Value>,
    notifications: VecDeque<Value>,
    /// Every `textDocument/publishDiagnostics` params received, in order.
    pub published: Vec<Value>,
    /// Every server-to-client request received, in order.
    pub server_requests: Vec<Value>,
    /// Every `window/showMessage` params received, in order.
    pub messages: Vec<Value>,
    /// The server's `initialize` result.
    pub init_result: Value,
    /// The answer to each item of a `workspace/configuration` request (the `keywire`
    /// section); null by default, as clients answer for a section they do not have.
    pub settings: Value,
    /// How long to wait before answering `workspace/configuration` (a slow client).
    pub settings_delay: Duration,
    /// Server requests this client never answers (a broken client).
    pub unanswered: Vec<&'static str>,
}

impl TestClient {
    pub fn new<R, W>(from_server: R, to_server: W) -> TestClient
    where
        R: AsyncRead + Unpin + Send + 'static,
        W: AsyncWrite + Send + 'static,
    {
        let (tx, rx) = mpsc::unbounded_channel();
        let reader = tokio::spawn(async move {
            let mut frames = AsyncFrames::new(from_server);
            while let Some(frame) = frames.next_frame().await {
                let Ok(msg) = frame.json() else { break };
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        TestClient {
            writer: Box::pin(to_server),
            incoming: rx,
            reader,
            next_id: 0,
            responses: HashMap::new(),
            notifications: VecDeque::new(),
            published: Vec::new(),
            server_requests: Vec::new(),
            messages: Vec::new(),
            init_result: Value::Null,
            settings: Value::Null,
            settings_delay: Duration::ZERO,
            unanswered: Vec::new(),
        }
    }

    /// An in-process server on a duplex pipe.
    pub fn in_process() -> (TestClient, JoinHandle<u8>) {
        let (client_end, server_end) = tokio::io::duplex(1 << 16);
        let (server_read, server_write) = tokio::io::split(server_end);
        let server = tokio::spawn(keywire::lsp::serve(server_read, server_write));
        let (client_read, client_write) = tokio::io::split(client_end);
        (TestClient::new(client_read, client_write), server)
    }

    pub async fn send(&mut self, msg: &Value) {
        self.writer.write_all(&frame(msg)).await.unwrap();
        self.writer.flush().await.unwrap();
    }

    /// Send raw bytes (for malformed-input tests).
    pub async fn send_raw(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).await.unwrap();
        self.writer.flush().await.unwrap();
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}))
            .await;
    }

    /// Send a request and wait for its response (the whole response object).
    pub async fn request_raw(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({"jsonrpc": "2.0", "id": id, "method": method});
        if !params.is_null() {
            msg["params"] = params;
        }
        self.send(&msg).await;
        loop {
            if let Some(resp) = self.responses.remove(&id) {
                return resp;
            }
            self.pump().await;
        }
    }

    /// Send a request and return its result (panics on an error response).
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let resp = self.request_raw(method, params).await;
        assert!(resp.get("error").is_none(), "{method} failed: {resp}");
        resp["result"].clone()
    }

    /// Read one message from the server (panics after [`TIMEOUT`]).
    async fn pump(&mut self) {
        let msg = tokio::time::timeout(TIMEOUT, self.incoming.recv())
            .await
            .expect("timed out waiting for the server")
            .expect("the server closed the connection");
        self.dispatch(msg).await;
    }

    async fn dispatch(&mut self, msg: Value) {
        let method = msg
            .get("method")
            .and_then(Value::as_str)
            .map(str::to_string);
        match (method, msg.get("id").cloned()) {
            (Some(method), Some(id)) => {
                self.server_requests.push(msg.clone());
                if self.unanswered.contains(&method.as_str()) {
                    return;
                }
                let result = if method == "workspace/configuration" {
                    let items = msg["params"]["items"].as_array().map_or(0, Vec::len);
                    tokio::time::sleep(self.settings_delay).await;
                    Value::Array(vec![self.settings.clone(); items])
                } else {
                    Value::Null
                };
                self.send(&json!({"jsonrpc": "2.0", "id": id, "result": result}))
                    .await;
            }
            (Some(method), None) => {
                if method == "textDocument/publishDiagnostics" {
                    self.published.push(msg["params"].clone());
                }
                if method == "window/showMessage" {
                    self.messages.push(msg["params"].clone());
                }
                self.notifications.push_back(msg);
            }
            (None, Some(id)) => {
                let id = id.as_i64().unwrap_or(-1);
                self.responses.insert(id, msg);
            }
            (None, None) => panic!("bad message from the server: {msg}"),
        }
    }

    /// Wait for a notification satisfying `pred` (earlier ones are consumed).
    pub async fn wait_notification(
        &mut self,
        method: &str,
        mut pred: impl FnMut(&Value) -> bool,
    ) -> Value {
        let deadline = tokio::time::Instant::now() + TIMEOUT;
        loop {
            while let Some(n) = self.notifications.pop_front() {
                if n["method"] == method && pred(&n["params"]) {
                    return n["params"].clone();
                }
            }
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let Ok(msg) = tokio::time::timeout(left, self.incoming.recv()).await else {
                panic!(
                    "timed out waiting for {method}; published so far: {:#?}",
                    self.published
                );
            };
            let msg = msg.expect("the server closed the connection");
            self.dispatch(msg).await;
        }
    }

    /// Wait for diagnostics of `uri` satisfying `pred`; returns the params.
    pub async fn wait_diagnostics(
        &mut self,
        uri: &str,
        mut pred: impl FnMut(&[Value]) -> bool,
    ) -> Value {
        self.wait_notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri && pred(p["diagnostics"].as_array().map_or(&[][..], |v| v))
        })
        .await
    }

    /// Collect messages for `d` without expecting anything.
    pub async fn drain_for(&mut self, d: Duration) {
        let deadline = tokio::time::Instant::now() + d;
        while let Ok(Some(msg)) = tokio::time::timeout_at(deadline, self.incoming.recv()).await {
            self.dispatch(msg).await;
        }
    }

    /// `initialize` + `initialized`. `caps` is merged into a default set of client
    /// capabilities (UTF-8 positions offered only when `utf8`).
    pub async fn initialize(&mut self, root: Option<&Path>, utf8: bool, caps: Value) -> Value {
        self.initialize_with(root, utf8, caps, json!({})).await
    }

    /// [`TestClient::initialize`] with `options` merged into the default
    /// `initializationOptions` (`debug`, `logLevel`).
    pub async fn initialize_with(
        &mut self,
        root: Option<&Path>,
        utf8: bool,
        caps: Value,
        options: Value,
    ) -> Value {
        let mut init_options = json!({"debug": true, "logLevel": "debug"});
        merge(&mut init_options, options);
        let mut capabilities = json!({
            "general": {"positionEncodings": if utf8 { json!(["utf-8", "utf-16"]) } else { json!(["utf-16"]) }},
            "textDocument": {"publishDiagnostics": {"relatedInformation": true, "versionSupport": true}},
            "workspace": {"workspaceEdit": {"documentChanges": true, "resourceOperations": ["create"]}},
            "window": {"workDoneProgress": true},
        });
        merge(&mut capabilities, caps);
        let folders = root.map(|r| json!([{"uri": file_uri(r), "name": "root"}]));
        let result = self
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": root.map(file_uri),
                    "workspaceFolders": folders,
                    "capabilities": capabilities,
                    "initializationOptions": init_options,
                }),
            )
            .await;
        self.notify("initialized", json!({})).await;
        self.init_result = result.clone();
        result
    }

    pub async fn open(&mut self, uri: &str, language: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": version, "text": text}}),
        )
        .await;
    }

    /// One `didChange` with range edits `(start_line, start_char, end_line, end_char, text)`.
    pub async fn change(&mut self, uri: &str, version: i32, edits: &[(u32, u32, u32, u32, &str)]) {
        let changes: Vec<Value> = edits
            .iter()
            .map(|(l0, c0, l1, c1, t)| {
                json!({"range": {"start": {"line": l0, "character": c0}, "end": {"line": l1, "character": c1}}, "text": t})
            })
            .collect();
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        )
        .await;
    }

    pub async fn change_full(&mut self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        )
        .await;
    }

    /// Wait for a `window/showMessage` (received before or after this call) whose message
    /// contains `needle`; returns the params. Unlike [`TestClient::wait_notification`] this
    /// consumes nothing.
    pub async fn wait_show_message(&mut self, needle: &str) -> Value {
        loop {
            let found = self
                .messages
                .iter()
                .find(|p| p["message"].as_str().is_some_and(|m| m.contains(needle)));
            if let Some(found) = found {
                return found.clone();
            }
            self.pump().await;
        }
    }

    pub async fn debug_text(&mut self, uri: &str) -> Value {
        self.request("keywire/debugDocumentText", json!({"uri": uri}))
            .await
    }

    pub async fn shutdown_and_exit(&mut self) {
        self.request("shutdown", Value::Null).await;
        self.notify("exit", Value::Null).await;
    }
}

impl Drop for TestClient {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

fn merge(into: &mut Value, from: Value) {
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                merge(a.entry(k).or_insert(Value::Null), v);
            }
        }
        (slot, v) => *slot = v,
    }
}

/// Apply LSP text edits (UTF-16 or UTF-8 positions) to `text`, the way a client does.
pub fn apply_edits(text: &str, edits: &[Value], utf8: bool) -> String {
    let offset = |pos: &Value| -> usize {
        let line = pos["line"].as_u64().unwrap() as usize;
        let character = pos["character"].as_u64().unwrap() as usize;
        let mut start = 0;
        for _ in 0..line {
            start += text[start..]
                .find('\n')
                .map_or(text.len() - start, |i| i + 1);
        }
        let line_text = &text[start..];
        let line_text = &line_text[..line_text.find('\n').unwrap_or(line_text.len())];
        if utf8 {
            return start + character.min(line_text.len());
        }
        let mut units = 0;
        for (i, c) in line_text.char_indices() {
            if units >= character {
                return start + i;
            }
            units += c.len_utf16();
        }
        start + line_text.len()
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| (s.0, s.1));
    let mut out = String::new();
    let mut pos = 0;
    for (s, e, t) in spans {
        out.push_str(&text[pos..s]);
        out.push_str(&t);
        pos = e;
    }
    out.push_str(&text[pos..]);
    out
}

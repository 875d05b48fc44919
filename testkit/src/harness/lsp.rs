//! The `lsp_edits` target: an independent model of LSP position semantics, edit scripts
//! decoded from bytes, and an in-process `keywire lsp` that runs them.

use std::path::Path;
use std::sync::Mutex;

use serde_json::{json, Value};
use tokio::io::{AsyncWriteExt, DuplexStream, ReadHalf, WriteHalf};

use crate::framing::{frame, AsyncFrames};
use crate::paths::{file_uri, text};

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

/// An in-process `keywire lsp` on a pipe, kept for the whole fuzzing run (one per position
/// encoding): documents are opened, edited and closed on it again and again.
pub struct LspHarness {
    rt: tokio::runtime::Runtime,
    write: WriteHalf<DuplexStream>,
    read: AsyncFrames<ReadHalf<DuplexStream>>,
    next_id: i64,
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
            read: AsyncFrames::new(read),
            next_id: 0,
        };
        let encodings = if utf8 {
            json!(["utf-8", "utf-16"])
        } else {
            json!(["utf-16"])
        };
        let root_uri = root.map(file_uri);
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
        let frame = self.rt.block_on(read.next_frame())?;
        Some(frame.json().expect("the server sent invalid JSON"))
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

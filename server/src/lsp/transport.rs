//! A guard in front of tower-lsp-server's reader.
//!
//! tower-lsp-server's framed reader stops reading after the first message it cannot decode
//! (bad headers, a body that is not JSON or not JSON-RPC), which would end the session. This
//! task reads the client's frames itself and passes on only well-formed JSON-RPC messages:
//! a malformed message that has a request id is replaced by a request for a method that does
//! not exist (so the client still gets an error response for that id), anything else is
//! logged and dropped.

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc::{Request, Response};

/// Bodies larger than this are skipped (no client sends 256 MiB in one message).
const MAX_BODY: usize = 256 * 1024 * 1024;

/// Copy well-formed frames from `input` to `output` until `input` ends.
pub async fn filter<I, O>(input: I, mut output: O)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let mut reader = BufReader::new(input);
    loop {
        let Some(len) = read_headers(&mut reader).await else {
            break;
        };
        let Some(len) = len else {
            tracing::warn!("dropping a message without a valid Content-Length header");
            continue;
        };
        if len > MAX_BODY {
            tracing::warn!("dropping a message of {len} bytes");
            let mut limited = (&mut reader).take(len as u64);
            if tokio::io::copy(&mut limited, &mut tokio::io::sink())
                .await
                .is_err()
            {
                break;
            }
            continue;
        }
        let mut body = vec![0; len];
        if reader.read_exact(&mut body).await.is_err() {
            break;
        }
        let Some(body) = check(body) else {
            continue;
        };
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        let written = async {
            output.write_all(header.as_bytes()).await?;
            output.write_all(&body).await?;
            output.flush().await
        };
        if written.await.is_err() {
            break;
        }
    }
    let _ = output.shutdown().await;
}

/// Read one header block. None at end of input; Some(None) when it has no usable
/// Content-Length.
async fn read_headers<R: AsyncBufReadExt + Unpin>(reader: &mut R) -> Option<Option<usize>> {
    let mut len = None;
    let mut seen_any = false;
    loop {
        let mut line = Vec::new();
        let n = reader.read_until(b'\n', &mut line).await.ok()?;
        if n == 0 {
            return None;
        }
        let line = String::from_utf8_lossy(&line);
        // After a Content-Length that lied, the next message's header comes glued to the end
        // of the previous body (bodies have no line breaks): resynchronise at the last
        // `Content-Length:` of the line, or every later message would be lost the same way.
        let from = line
            .to_ascii_lowercase()
            .rfind("content-length:")
            .unwrap_or(0);
        let line = line[from..].trim();
        if line.is_empty() {
            if seen_any {
                return Some(len);
            }
            continue; // Stray blank lines between messages.
        }
        seen_any = true;
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                len = value.trim().parse().ok();
            }
        }
    }
}

/// A method no server has, so tower-lsp-server answers MethodNotFound. Not under `$/`:
/// tower-lsp-server swallows MethodNotFound for `$/` methods, requests included, so a request
/// renamed to a `$/` method would never be answered.
const NO_SUCH_METHOD: &str = "keywire/malformedRequest";

/// The body to pass on, if any.
fn check(body: Vec<u8>) -> Option<Vec<u8>> {
    if let Ok(request) = serde_json::from_slice::<Request>(&body) {
        // The LSP specification: a *request* for an unknown `$/` method must get a
        // MethodNotFound error (only notifications may be ignored). tower-lsp-server drops
        // those errors, which leaves the client waiting forever; no `$/` request is
        // implemented, so rename it to get the error through.
        if request.id().is_some() && request.method().starts_with("$/") {
            tracing::warn!(
                "unknown request {}: answering with an error",
                request.method()
            );
            let mut value: Value = serde_json::from_slice(&body).ok()?;
            value["method"] = Value::from(NO_SUCH_METHOD);
            return serde_json::to_vec(&value).ok();
        }
        return Some(body);
    }
    if serde_json::from_slice::<Response>(&body).is_ok() {
        return Some(body);
    }
    let id = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("id").cloned())
        .filter(|id| id.is_number() || id.is_string());
    match id {
        Some(id) => {
            tracing::warn!("malformed request {id}: answering with an error");
            serde_json::to_vec(&serde_json::json!({
                "jsonrpc": "2.0",
                "id": id,
                "method": NO_SUCH_METHOD,
            }))
            .ok()
        }
        None => {
            tracing::warn!("dropping a message that is not JSON-RPC");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[tokio::test]
    async fn passes_good_frames_and_drops_bad_ones() {
        let good = r#"{"jsonrpc":"2.0","method":"initialized"}"#;
        let input = [
            frame("{bad}"),
            "Content-Type: x\r\n\r\n".to_string(),
            frame(r#"{"jsonrpc":"2.0","id":7,"method":false}"#),
            frame(r#"{"jsonrpc":"1.0","method":"x"}"#),
            "\r\n".to_string(),
            frame(good),
        ]
        .concat();
        let mut out = Vec::new();
        filter(input.as_bytes(), &mut out).await;
        let expected = [
            frame(r#"{"id":7,"jsonrpc":"2.0","method":"keywire/malformedRequest"}"#),
            frame(good),
        ]
        .concat();
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }
}

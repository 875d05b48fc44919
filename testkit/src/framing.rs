//! LSP base-protocol framing (`Content-Length` headers) for every client of the kit: a writer
//! ([`frame`]) and one tolerant reader ([`Decoder`], fed bytes from a blocking [`Read`] or a
//! tokio [`AsyncRead`]) that hands back each frame's raw bytes as well as its body.
//!
//! The reader never panics: header lines may end with `\r\n` or `\n`, other header fields are
//! ignored, and a header without a usable `Content-Length` (or longer than
//! [`MAX_HEADER`] bytes) ends the stream as a broken frame, whose bytes stay available through
//! [`Decoder::rest`].

use std::io::Read;

use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt};

/// A header longer than this is a broken frame.
pub const MAX_HEADER: usize = 4096;

/// Frame a JSON-RPC message.
pub fn frame(msg: &Value) -> Vec<u8> {
    let body = serde_json::to_vec(msg).unwrap();
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend(body);
    out
}

/// One frame as received.
#[derive(Clone, Debug)]
pub struct Frame {
    /// Header and body, exactly as they came.
    pub raw: Vec<u8>,
    /// Where the body starts in `raw`.
    header_len: usize,
}

impl Frame {
    /// The body bytes.
    pub fn body(&self) -> &[u8] {
        &self.raw[self.header_len..]
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Result<Value> {
        serde_json::from_slice(self.body())
    }
}

/// What [`Decoder::next_frame`] found in the bytes fed so far.
#[derive(Debug)]
pub enum Next {
    Frame(Frame),
    /// More bytes are needed.
    Incomplete,
    /// The header is unusable: the stream cannot be followed any further.
    Broken,
}

/// Splits a byte stream into frames.
#[derive(Default)]
pub struct Decoder {
    buf: Vec<u8>,
}

impl Decoder {
    pub fn new() -> Decoder {
        Decoder::default()
    }

    /// Add received bytes.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes fed but not handed back in a frame.
    pub fn rest(&self) -> &[u8] {
        &self.buf
    }

    /// For a reading loop: `Some(Some(frame))`, `Some(None)` when the stream cannot be followed
    /// (a broken frame), None when more bytes are needed.
    fn ready(&mut self) -> Option<Option<Frame>> {
        match self.next_frame() {
            Next::Frame(f) => Some(Some(f)),
            Next::Broken => Some(None),
            Next::Incomplete => None,
        }
    }

    /// Feed what a read returned; false at the end of the stream or on a read error.
    fn fed(&mut self, read: std::io::Result<usize>, chunk: &[u8]) -> bool {
        match read {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                self.feed(&chunk[..n]);
                true
            }
        }
    }

    /// The next complete frame, if the bytes fed so far hold one.
    pub fn next_frame(&mut self) -> Next {
        let Some(header_len) = header_end(&self.buf) else {
            return if self.buf.len() > MAX_HEADER {
                Next::Broken
            } else {
                Next::Incomplete
            };
        };
        if header_len > MAX_HEADER {
            return Next::Broken;
        }
        let head = String::from_utf8_lossy(&self.buf[..header_len]);
        let Some(len) = head
            .lines()
            .find_map(|l| l.strip_prefix("Content-Length:"))
            .and_then(|v| v.trim().parse::<usize>().ok())
        else {
            return Next::Broken;
        };
        if self.buf.len() < header_len + len {
            return Next::Incomplete;
        }
        let raw: Vec<u8> = self.buf.drain(..header_len + len).collect();
        Next::Frame(Frame { raw, header_len })
    }
}

/// Length of the header including its blank line (`\r\n\r\n` or `\n\n`, also mixed).
fn header_end(buf: &[u8]) -> Option<usize> {
    let mut line_start = 0;
    for (i, &b) in buf.iter().enumerate() {
        if b == b'\n' {
            let line = &buf[line_start..i];
            if line.is_empty() || line == b"\r" {
                return Some(i + 1);
            }
            line_start = i + 1;
        }
    }
    None
}

/// Frames read from a blocking stream.
pub struct Frames<R> {
    reader: R,
    decoder: Decoder,
}

impl<R: Read> Frames<R> {
    pub fn new(reader: R) -> Frames<R> {
        Frames {
            reader,
            decoder: Decoder::new(),
        }
    }

    /// The next frame; None at the end of the stream, on a read error or a broken frame.
    pub fn next_frame(&mut self) -> Option<Frame> {
        let mut chunk = [0u8; 8192];
        loop {
            if let Some(done) = self.decoder.ready() {
                return done;
            }
            let read = self.reader.read(&mut chunk);
            if !self.decoder.fed(read, &chunk) {
                return None;
            }
        }
    }

    /// Everything not handed back in a frame: the bytes after the last frame, then the rest of
    /// the stream (for a stream that ended in a broken frame).
    pub fn into_rest(mut self) -> Vec<u8> {
        let mut rest = self.decoder.rest().to_vec();
        let _ = self.reader.read_to_end(&mut rest);
        rest
    }
}

/// Frames read from a tokio stream.
pub struct AsyncFrames<R> {
    reader: R,
    decoder: Decoder,
}

impl<R: AsyncRead + Unpin> AsyncFrames<R> {
    pub fn new(reader: R) -> AsyncFrames<R> {
        AsyncFrames {
            reader,
            decoder: Decoder::new(),
        }
    }

    /// The next frame; None at the end of the stream, on a read error or a broken frame.
    pub async fn next_frame(&mut self) -> Option<Frame> {
        let mut chunk = [0u8; 8192];
        loop {
            if let Some(done) = self.decoder.ready() {
                return done;
            }
            let read = self.reader.read(&mut chunk).await;
            if !self.decoder.fed(read, &chunk) {
                return None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn frames_round_trip_and_keep_raw_bytes() {
        let a = frame(&json!({"id": 1}));
        let mut bytes = a.clone();
        bytes.extend(b"Content-Length: 2\nX-Other: 1\n\n{}");
        bytes.extend(b"garbage\r\n\r\n");
        let mut frames = Frames::new(&bytes[..]);
        let first = frames.next_frame().unwrap();
        assert_eq!(first.raw, a);
        assert_eq!(first.json().unwrap(), json!({"id": 1}));
        assert_eq!(frames.next_frame().unwrap().body(), b"{}");
        assert!(frames.next_frame().is_none());
        assert_eq!(frames.into_rest(), b"garbage\r\n\r\n");
    }

    #[test]
    fn split_input_waits_for_more() {
        let bytes = frame(&json!([1, 2, 3]));
        let mut d = Decoder::new();
        for b in &bytes[..bytes.len() - 1] {
            d.feed(std::slice::from_ref(b));
            assert!(matches!(d.next_frame(), Next::Incomplete));
        }
        d.feed(&bytes[bytes.len() - 1..]);
        assert!(matches!(d.next_frame(), Next::Frame(_)));
        assert!(d.rest().is_empty());
    }
}

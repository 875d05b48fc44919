//! THE one place where byte offsets meet LSP positions.
//!
//! The engine speaks byte offsets into a file's text; LSP speaks `(line, character)` where
//! `character` counts code units of the negotiated encoding (UTF-8 bytes, UTF-16 code units —
//! the protocol default — or UTF-32 code points). Every conversion in the language server goes
//! through this module, for `&str` texts (files on disk, analysis snapshots) and for the
//! [`Rope`]s of open documents alike.
//!
//! Lines end at `\n`, `\r\n` or a lone `\r`, as the LSP specification says (ropey is built with
//! `cr_lines` and without `unicode_lines`, so U+2028 and friends do not end lines either).
//!
//! Out-of-range input never panics: a line past the end of the file clamps to the end of the
//! text, a character past the end of a line clamps to the end of that line (before its line
//! terminator), a position inside a multi-unit character (half of a surrogate pair, the middle
//! of a UTF-8 sequence) snaps back to the start of that character, and a byte offset inside a
//! character or between the `\r` and `\n` of a CRLF snaps back as well.

use ropey::Rope;
use tower_lsp_server::ls_types::{Position, PositionEncodingKind, Range};

use crate::engine::Span;

/// The position encoding agreed with the client in `initialize`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    #[default]
    Utf16,
    Utf32,
}

impl Encoding {
    /// Pick from the client's `general.positionEncodings`: UTF-8 when offered (no conversion
    /// work at all), else UTF-16, which every client must support.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        let offered = offered.unwrap_or_default();
        if offered.contains(&PositionEncodingKind::UTF8) {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    /// Code units `c` takes in this encoding.
    fn units(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        }
    }

    /// Code units of `s` in this encoding.
    pub fn len_of(self, s: &str) -> usize {
        match self {
            Encoding::Utf8 => s.len(),
            Encoding::Utf16 => s.chars().map(char::len_utf16).sum(),
            Encoding::Utf32 => s.chars().count(),
        }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Byte length of `line`'s content, without its terminator (`\n`, `\r\n` or `\r`).
fn content_len(line: &str) -> usize {
    let line = line.strip_suffix('\n').unwrap_or(line);
    line.strip_suffix('\r').unwrap_or(line).len()
}

/// Byte offset inside a line's content for `character` code units (clamped, snapped back to a
/// character start).
fn column_to_byte<'a>(
    chunks: impl Iterator<Item = &'a str>,
    content_len: usize,
    character: u32,
    enc: Encoding,
) -> usize {
    let want = character as usize;
    if enc == Encoding::Utf8 {
        // Snap back to a char boundary below.
        return want.min(content_len);
    }
    let mut units = 0;
    let mut bytes = 0;
    for chunk in chunks {
        for c in chunk.chars() {
            if bytes >= content_len {
                return content_len;
            }
            let next = units + enc.units(c);
            if next > want {
                return bytes;
            }
            units = next;
            bytes += c.len_utf8();
        }
    }
    bytes.min(content_len)
}

/// Line starts of a `&str` by LSP's rules, for converting many offsets of one text.
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset where each line starts; the first is 0.
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while let Some(found) = memchr::memchr2(b'\n', b'\r', &bytes[i..]) {
            let at = i + found;
            let next = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                at + 2
            } else {
                at + 1
            };
            starts.push(next);
            i = next;
        }
        LineIndex { starts }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Byte range of 0-based `line`, terminator included (clamped to the text).
    fn line_bounds(&self, text: &str, line: usize) -> (usize, usize) {
        let start = self.starts.get(line).copied().unwrap_or(text.len());
        let end = self.starts.get(line + 1).copied().unwrap_or(text.len());
        (start, end)
    }

    /// The 0-based line holding `offset`.
    fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    pub fn position(&self, text: &str, offset: usize, enc: Encoding) -> Position {
        let offset = snap_back(text, offset);
        let line = self.line_of(offset);
        let (start, end) = self.line_bounds(text, line);
        let content_end = start + content_len(&text[start..end]);
        let offset = offset.min(content_end);
        Position::new(to_u32(line), to_u32(enc.len_of(&text[start..offset])))
    }

    pub fn offset(&self, text: &str, pos: Position, enc: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.starts.len() {
            return text.len();
        }
        let (start, end) = self.line_bounds(text, line);
        let line_text = &text[start..end];
        let col = column_to_byte(
            std::iter::once(line_text),
            content_len(line_text),
            pos.character,
            enc,
        );
        snap_back(text, start + col)
    }

    pub fn range(&self, text: &str, span: Span, enc: Encoding) -> Range {
        Range::new(
            self.position(text, span.start, enc),
            self.position(text, span.end.max(span.start), enc),
        )
    }

    pub fn span(&self, text: &str, range: Range, enc: Encoding) -> Span {
        let a = self.offset(text, range.start, enc);
        let b = self.offset(text, range.end, enc);
        Span::new(a.min(b), a.max(b))
    }
}

/// Clamp `offset` to the text and move it back to a char boundary, and off the middle of a
/// CRLF pair.
fn snap_back(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let b = text.as_bytes();
    if offset > 0 && b[offset - 1] == b'\r' && b.get(offset) == Some(&b'\n') {
        offset -= 1;
    }
    offset
}

/// One-off conversion for a `&str` (builds a [`LineIndex`]; keep one for many conversions).
pub fn range_in(text: &str, span: Span, enc: Encoding) -> Range {
    LineIndex::new(text).range(text, span, enc)
}

// --- Ropes (open documents) -------------------------------------------------------------------

fn rope_snap_back(rope: &Rope, offset: usize) -> usize {
    let mut offset = offset.min(rope.len_bytes());
    // A byte index inside a char maps to that char's start.
    offset = rope.char_to_byte(rope.byte_to_char(offset));
    if offset > 0
        && rope.byte(offset - 1) == b'\r'
        && offset < rope.len_bytes()
        && rope.byte(offset) == b'\n'
    {
        offset -= 1;
    }
    offset
}

/// Content byte length of rope line `line` (terminator excluded).
fn rope_line_content_len(rope: &Rope, line: usize) -> usize {
    let slice = rope.line(line);
    let mut len = slice.len_bytes();
    if len > 0 && slice.byte(len - 1) == b'\n' {
        len -= 1;
    }
    if len > 0 && slice.byte(len - 1) == b'\r' {
        len -= 1;
    }
    len
}

/// Byte offset in `rope` for an LSP position (clamped; see the module docs).
pub fn rope_offset(rope: &Rope, pos: Position, enc: Encoding) -> usize {
    let line = pos.line as usize;
    if line >= rope.len_lines() {
        return rope.len_bytes();
    }
    let start = rope.line_to_byte(line);
    let content = rope_line_content_len(rope, line);
    let col = column_to_byte(rope.line(line).chunks(), content, pos.character, enc);
    rope_snap_back(rope, start + col)
}

/// LSP position of byte `offset` in `rope` (clamped; see the module docs).
pub fn rope_position(rope: &Rope, offset: usize, enc: Encoding) -> Position {
    let offset = rope_snap_back(rope, offset);
    let line = rope.byte_to_line(offset);
    let start = rope.line_to_byte(line);
    let offset = offset.min(start + rope_line_content_len(rope, line));
    let character = match enc {
        Encoding::Utf8 => offset - start,
        Encoding::Utf16 => {
            rope.char_to_utf16_cu(rope.byte_to_char(offset))
                - rope.char_to_utf16_cu(rope.byte_to_char(start))
        }
        Encoding::Utf32 => rope.byte_to_char(offset) - rope.byte_to_char(start),
    };
    Position::new(to_u32(line), to_u32(character))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENCODINGS: [Encoding; 3] = [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32];

    fn pos(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    /// Both implementations agree, in both directions.
    fn check(text: &str, offset: usize, enc: Encoding, expected: Position) {
        let index = LineIndex::new(text);
        let rope = Rope::from_str(text);
        assert_eq!(
            index.position(text, offset, enc),
            expected,
            "str {enc:?} @{offset}"
        );
        assert_eq!(
            rope_position(&rope, offset, enc),
            expected,
            "rope {enc:?} @{offset}"
        );
        let back = index.offset(text, expected, enc);
        assert_eq!(
            rope_offset(&rope, expected, enc),
            back,
            "rope offset {enc:?}"
        );
    }

    #[test]
    fn negotiation_prefers_utf8_then_utf16() {
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        assert_eq!(
            Encoding::negotiate(Some(&[
                PositionEncodingKind::UTF16,
                PositionEncodingKind::UTF8
            ])),
            Encoding::Utf8
        );
        assert_eq!(
            Encoding::negotiate(Some(&[PositionEncodingKind::UTF32])),
            Encoding::Utf16
        );
        assert_eq!(Encoding::negotiate(Some(&[])), Encoding::Utf16);
    }

    #[test]
    fn ascii_round_trips() {
        let text = "abc\ndef\n";
        for enc in ENCODINGS {
            check(text, 5, enc, pos(1, 1));
            check(text, 0, enc, pos(0, 0));
            check(text, 8, enc, pos(2, 0));
        }
    }

    #[test]
    fn cjk_columns() {
        // Each CJK char: 3 UTF-8 bytes, 1 UTF-16 unit, 1 code point.
        let text = "x = \"日本語\" + y\n";
        let y = text.find('y').unwrap();
        check(text, y, Encoding::Utf8, pos(0, y as u32));
        check(text, y, Encoding::Utf16, pos(0, 12));
        check(text, y, Encoding::Utf32, pos(0, 12));
        assert_eq!(
            LineIndex::new(text).offset(text, pos(0, 12), Encoding::Utf16),
            y
        );
    }

    #[test]
    fn emoji_is_a_surrogate_pair_in_utf16() {
        let text = "a😀b\n";
        let b = text.find('b').unwrap();
        assert_eq!(b, 5);
        check(text, b, Encoding::Utf8, pos(0, 5));
        check(text, b, Encoding::Utf16, pos(0, 3));
        check(text, b, Encoding::Utf32, pos(0, 2));
        // Half a surrogate pair snaps back to the emoji's start.
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, pos(0, 2), Encoding::Utf16), 1);
        assert_eq!(
            rope_offset(&Rope::from_str(text), pos(0, 2), Encoding::Utf16),
            1
        );
        // The middle of a UTF-8 sequence too, both ways.
        assert_eq!(index.offset(text, pos(0, 3), Encoding::Utf8), 1);
        assert_eq!(index.position(text, 3, Encoding::Utf16), pos(0, 1));
        assert_eq!(
            rope_position(&Rope::from_str(text), 3, Encoding::Utf16),
            pos(0, 1)
        );
    }

    #[test]
    fn crlf_and_lone_cr_end_lines() {
        let text = "ab\r\ncd\ref\n";
        for enc in ENCODINGS {
            check(text, 4, enc, pos(1, 0));
            check(text, 7, enc, pos(2, 0));
            check(text, 8, enc, pos(2, 1));
            // Between \r and \n: the end of the line's content.
            check(text, 3, enc, pos(0, 2));
        }
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        // A character past the end of a CRLF line stops before the \r.
        assert_eq!(index.offset(text, pos(0, 99), Encoding::Utf16), 2);
        assert_eq!(
            rope_offset(&Rope::from_str(text), pos(0, 99), Encoding::Utf16),
            2
        );
    }

    #[test]
    fn unicode_line_separators_do_not_end_lines() {
        let text = "a\u{2028}b\u{85}c\nd";
        let rope = Rope::from_str(text);
        assert_eq!(rope.len_lines(), 2);
        assert_eq!(LineIndex::new(text).line_count(), 2);
        check(text, text.find('c').unwrap(), Encoding::Utf16, pos(0, 4));
    }

    #[test]
    fn positions_past_the_end_clamp() {
        let text = "ab\ncd";
        let rope = Rope::from_str(text);
        let index = LineIndex::new(text);
        for enc in ENCODINGS {
            assert_eq!(index.offset(text, pos(0, 50), enc), 2);
            assert_eq!(index.offset(text, pos(7, 0), enc), text.len());
            assert_eq!(rope_offset(&rope, pos(0, 50), enc), 2);
            assert_eq!(rope_offset(&rope, pos(7, 3), enc), text.len());
            assert_eq!(index.position(text, 999, enc), pos(1, 2));
            assert_eq!(rope_position(&rope, 999, enc), pos(1, 2));
        }
        let empty = "";
        assert_eq!(
            LineIndex::new(empty).position(empty, 3, Encoding::Utf16),
            pos(0, 0)
        );
        assert_eq!(rope_offset(&Rope::new(), pos(3, 3), Encoding::Utf16), 0);
    }

    #[test]
    fn spans_and_ranges() {
        let text = "日本\nK=\"😀\"x\n";
        let index = LineIndex::new(text);
        let start = text.find('K').unwrap();
        let span = Span::new(start, text.len() - 1);
        let range = index.range(text, span, Encoding::Utf16);
        assert_eq!(range, Range::new(pos(1, 0), pos(1, 7)));
        assert_eq!(index.span(text, range, Encoding::Utf16), span);
        // Reversed ranges come back ordered.
        let reversed = Range::new(range.end, range.start);
        assert_eq!(index.span(text, reversed, Encoding::Utf16), span);
        assert_eq!(
            range_in(text, span, Encoding::Utf8),
            Range::new(pos(1, 0), pos(1, 9))
        );
    }
}

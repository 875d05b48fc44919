//! A YAML document read into a small positioned tree: maps (each key and value with its byte
//! span), sequences and scalars (with their style, so that a plain `null` is told from a
//! quoted `"null"`). Pure: text in, tree or the first error out; never a panic.
//!
//! Built from `saphyr-parser`'s events. Aliases (`*name`) are never expanded: an alias is a
//! node of its own kind, so a "billion laughs" document stays as small as its text. A depth
//! limit and a node-count limit bound the work on hostile input; past them the reader returns
//! an error like any invalid document. A half-typed file returns its error: the caller reports
//! it or keeps the facts it had.
//!
//! Only the first document of a stream is read (a compose file has one).

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};

use super::text::Span;

/// How deep maps and sequences may nest.
pub const MAX_DEPTH: usize = 64;
/// How many nodes one document may hold.
pub const MAX_NODES: usize = 200_000;

/// One node of the tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    /// Byte span in the text: a scalar's text with its quotes, a block map or sequence from its
    /// first entry to the end of its last.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Map(Vec<Entry>),
    Seq(Vec<Node>),
    Scalar(Scalar),
    /// `*name`: a reference to an anchored node, deliberately left unexpanded.
    Alias,
}

/// One `key: value` pair of a map.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scalar {
    /// The value after YAML's unescaping and folding.
    pub value: String,
    pub style: Style,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    /// `|` or `>` block scalars.
    Block,
}

/// Why the text is not a YAML document keywire reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    /// Where (a byte offset, empty span).
    pub span: Span,
    /// 1-based line and column, for messages.
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "invalid YAML at line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl Node {
    /// The scalar's value, if this is a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(&s.value),
            _ => None,
        }
    }

    /// The scalar, if this is one.
    pub fn scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    pub fn entries(&self) -> Option<&[Entry]> {
        match &self.kind {
            NodeKind::Map(e) => Some(e),
            _ => None,
        }
    }

    pub fn items(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The entry whose key is the scalar `key`, in a map (the last one, as YAML loaders keep).
    pub fn get_entry(&self, key: &str) -> Option<&Entry> {
        self.entries()?
            .iter()
            .rev()
            .find(|e| e.key.as_str() == Some(key))
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.get_entry(key).map(|e| &e.value)
    }

    /// A plain scalar YAML reads as null (`~`, `null`, nothing).
    pub fn is_null(&self) -> bool {
        match &self.kind {
            NodeKind::Scalar(s) => {
                s.style == Style::Plain
                    && matches!(s.value.as_str(), "" | "~" | "null" | "Null" | "NULL")
            }
            _ => false,
        }
    }
}

/// Converts saphyr's character indices to byte offsets, walking from the last position (events
/// come in nearly increasing order, so the walk is linear overall).
struct Offsets<'a> {
    text: &'a str,
    ascii: bool,
    chars: usize,
    bytes: usize,
}

impl<'a> Offsets<'a> {
    fn new(text: &'a str) -> Self {
        Offsets {
            text,
            ascii: text.is_ascii(),
            chars: 0,
            bytes: 0,
        }
    }

    fn byte(&mut self, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(self.text.len());
        }
        while self.chars < char_index {
            match self.text[self.bytes..].chars().next() {
                Some(c) => {
                    self.bytes += c.len_utf8();
                    self.chars += 1;
                }
                None => return self.bytes,
            }
        }
        while self.chars > char_index {
            match self.text[..self.bytes].chars().next_back() {
                Some(c) => {
                    self.bytes -= c.len_utf8();
                    self.chars -= 1;
                }
                None => break,
            }
        }
        self.bytes
    }

    fn span(&mut self, span: saphyr_parser::Span) -> Span {
        let start = self.byte(span.start.index());
        let end = self.byte(span.end.index()).max(start);
        Span::new(start, end)
    }
}

/// A container under construction.
enum Open {
    Map {
        start: usize,
        entries: Vec<Entry>,
        key: Option<Node>,
    },
    Seq {
        start: usize,
        items: Vec<Node>,
    },
}

/// Read the first YAML document of `text`. An empty document (or one of comments only) is a
/// null scalar.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    let mut offsets = Offsets::new(text);
    let mut stack: Vec<Open> = Vec::new();
    let mut nodes = 0usize;
    let mut root: Option<Node> = None;
    let mut last_end = 0usize;
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| scan_error(text, &mut offsets, &e))?;
        let span = offsets.span(span);
        let node = match event {
            Event::StreamEnd => break,
            Event::DocumentEnd if root.is_some() => break,
            Event::Nothing | Event::StreamStart | Event::DocumentStart(_) | Event::DocumentEnd => {
                continue
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(limit_error(
                        text,
                        span.start,
                        &format!("nesting deeper than {MAX_DEPTH} levels"),
                    ));
                }
                nodes += 1;
                if nodes > MAX_NODES {
                    return Err(limit_error(
                        text,
                        span.start,
                        &format!("more than {MAX_NODES} nodes"),
                    ));
                }
                stack.push(if matches!(event, Event::MappingStart(..)) {
                    Open::Map {
                        start: span.start,
                        entries: Vec::new(),
                        key: None,
                    }
                } else {
                    Open::Seq {
                        start: span.start,
                        items: Vec::new(),
                    }
                });
                continue;
            }
            Event::MappingEnd | Event::SequenceEnd => match stack.pop() {
                Some(Open::Map { start, entries, .. }) => {
                    let end = entries.last().map_or(span.end, |e| e.value.span.end);
                    Node {
                        kind: NodeKind::Map(entries),
                        span: Span::new(start, end.max(start)),
                    }
                }
                Some(Open::Seq { start, items }) => {
                    let end = items.last().map_or(span.end, |n| n.span.end);
                    Node {
                        kind: NodeKind::Seq(items),
                        span: Span::new(start, end.max(start)),
                    }
                }
                None => continue,
            },
            Event::Alias(_) => {
                nodes += 1;
                Node {
                    kind: NodeKind::Alias,
                    span,
                }
            }
            Event::Scalar(value, style, ..) => {
                nodes += 1;
                if nodes > MAX_NODES {
                    return Err(limit_error(
                        text,
                        span.start,
                        &format!("more than {MAX_NODES} nodes"),
                    ));
                }
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted => Style::SingleQuoted,
                    ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                    ScalarStyle::Literal | ScalarStyle::Folded => Style::Block,
                };
                Node {
                    kind: NodeKind::Scalar(Scalar {
                        value: value.into_owned(),
                        style,
                    }),
                    span,
                }
            }
        };
        last_end = last_end.max(node.span.end);
        match stack.last_mut() {
            None => {
                root = Some(node);
            }
            Some(Open::Seq { items, .. }) => items.push(node),
            Some(Open::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push(Entry {
                    key: k,
                    value: node,
                }),
            },
        }
    }
    Ok(root.unwrap_or(Node {
        kind: NodeKind::Scalar(Scalar {
            value: String::new(),
            style: Style::Plain,
        }),
        span: Span::empty(last_end),
    }))
}

fn scan_error(text: &str, offsets: &mut Offsets, e: &ScanError) -> YamlError {
    let at = offsets.byte(e.marker().index());
    let (line, column) = line_column(text, at);
    YamlError {
        message: e.info().to_string(),
        span: Span::empty(at),
        line,
        column,
    }
}

fn limit_error(text: &str, at: usize, what: &str) -> YamlError {
    let (line, column) = line_column(text, at);
    YamlError {
        message: format!("keywire reads no YAML with {what}"),
        span: Span::empty(at),
        line,
        column,
    }
}

/// 1-based line and column (in characters) of byte `at`.
fn line_column(text: &str, at: usize) -> (usize, usize) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    #[test]
    fn maps_sequences_and_scalars_with_spans() {
        let text = "services:\n  app:\n    build: .\n    environment:\n      - A=1\n      - 'B'\n";
        let root = parse(text).unwrap();
        let app = root.get("services").unwrap().get("app").unwrap();
        let build = app.get_entry("build").unwrap();
        assert_eq!(at(text, build.key.span), "build");
        assert_eq!(at(text, build.value.span), ".");
        let env = app.get("environment").unwrap().items().unwrap();
        assert_eq!(env[0].as_str(), Some("A=1"));
        assert_eq!(at(text, env[1].span), "'B'");
        assert_eq!(env[1].scalar().unwrap().style, Style::SingleQuoted);
        assert_eq!(env[0].scalar().unwrap().style, Style::Plain);
    }

    #[test]
    fn null_and_quoted_null_differ() {
        let root = parse("a: null\nb: 'null'\nc:\n").unwrap();
        assert!(root.get("a").unwrap().is_null());
        assert!(!root.get("b").unwrap().is_null());
        assert!(root.get("c").unwrap().is_null());
    }

    #[test]
    fn byte_offsets_after_multi_byte_characters() {
        let text = "# héllo wörld ✓ 🎉\nkey: \"välue\"\nnext: 😀x\n";
        let root = parse(text).unwrap();
        let e = root.get_entry("key").unwrap();
        assert_eq!(at(text, e.key.span), "key");
        assert_eq!(at(text, e.value.span), "\"välue\"");
        assert_eq!(e.value.as_str(), Some("välue"));
        let n = root.get_entry("next").unwrap();
        assert_eq!(at(text, n.value.span), "😀x");
    }

    #[test]
    fn crlf_line_ends() {
        let text = "a: 1\r\nb:\r\n  c: 'x y'\r\n";
        let root = parse(text).unwrap();
        let c = root.get("b").unwrap().get_entry("c").unwrap();
        assert_eq!(at(text, c.key.span), "c");
        assert_eq!(at(text, c.value.span), "'x y'");
    }

    #[test]
    fn billion_laughs_stays_small() {
        let mut text = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for (i, name) in "bcdefghij".chars().enumerate() {
            let prev = (b'a' + i as u8) as char;
            text.push_str(&format!(
                "{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
        }
        let root = parse(&text).unwrap();
        let j = root.get("j").unwrap().items().unwrap();
        assert_eq!(j.len(), 9);
        assert!(j.iter().all(|n| n.kind == NodeKind::Alias));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let flow = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let e = parse(&flow).unwrap_err();
        assert!(e.message.contains("nesting"), "{e}");
        let mut block = String::new();
        for i in 0..200 {
            block.push_str(&" ".repeat(i));
            block.push_str("k:\n");
        }
        let e = parse(&block).unwrap_err();
        assert!(e.message.contains("nesting"), "{e}");
        assert!(parse(&format!("{}{}", "[".repeat(60), "]".repeat(60))).is_ok());
    }

    #[test]
    fn invalid_yaml_says_where() {
        let text = "services:\n  app:\n    image: \"unterminated\n";
        let e = parse(text).unwrap_err();
        assert!(e.line >= 3, "{e}");
        assert!(e.span.start <= text.len());
        let e = parse("a: 1\n b: 2\n  - c\n").unwrap_err();
        assert!(e.to_string().starts_with("invalid YAML at line"), "{e}");
    }

    #[test]
    fn half_typed_documents_never_panic() {
        let text = "services:\n  app:\n    environment:\n      - X=ü\n    env_file: [a, ";
        for end in 0..=text.len() {
            if text.is_char_boundary(end) {
                let _ = parse(&text[..end]);
            }
        }
    }

    #[test]
    fn node_count_is_bounded() {
        let text = "[".to_string() + &"1,".repeat(MAX_NODES + 10) + "]";
        assert!(parse(&text).unwrap_err().message.contains("nodes"));
    }

    #[test]
    fn empty_document_is_null() {
        assert!(parse("").unwrap().is_null());
        assert!(parse("# just a comment\n").unwrap().is_null());
    }
}

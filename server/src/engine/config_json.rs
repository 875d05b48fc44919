//! An `OAI_CONFIG_LIST` file read as AutoGen reads it: `json.load` (see [`super::json`]), then
//! one config entry per object of the top-level list. Pure: text in, entries and the first
//! error out.
//!
//! Each object becomes a [`ConfigEntry`] with [`EntrySource::Json`], so that the config-entry
//! rules read it as they read a Python dict: fields with key and value spans in the file, and an
//! insert point that keeps the file valid JSON in its own indentation.
//!
//! A file `json.load` rejects still yields entries when its only problem is whole-line `//`
//! comments (AutoGen's own `OAI_CONFIG_LIST_sample` starts with some): a template is read past
//! them, and [`ConfigJsonError::comments_only`] says so.
//!
//! [`read_embedded`] reads the same text where it sits inside another file (a `.env` value
//! `OAI_CONFIG_LIST='[...]'`, which AutoGen hands to `json.loads`): spans point into the outer
//! file, messages keep the positions Python gives for the value itself.

use super::json::{self, Json, JsonKind, Member};
use super::providers::Generation;
use super::python::{ConfigEntry, EntrySource, Field, FieldValue, InsertPoint, StrLit};
use super::text::Span;

/// What one config JSON file holds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConfigJsonFile {
    /// One per object of the top-level list, in order.
    pub entries: Vec<ConfigEntry>,
    /// Why `json.load` and AutoGen would reject the file, if they would.
    pub error: Option<ConfigJsonError>,
}

/// The first reason the file is not a config list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigJsonError {
    /// What to tell the user: Python's own message for a syntax error
    /// (`Expecting value: line 1 column 1 (char 0)`), else what the list should hold.
    pub message: String,
    /// Where: the byte offset Python reports, or the start of the value that is not an object.
    pub span: Span,
    /// The file parses once its whole-line `//` comments are blanked (the sample's style).
    pub comments_only: bool,
}

/// Read a config JSON file's text, as `json.load(open(path))` does (universal newlines).
pub fn read(text: &str) -> ConfigJsonFile {
    read_with(text, true)
}

/// Read a config list whose JSON text is `json`, found at byte `offset` of another text (the
/// raw bytes of a `.env` value that python-dotenv passes on unchanged): every span of the
/// result is shifted by `offset`, so it points into the outer text. Messages give Python's
/// positions in `json` itself, as `json.loads(value)` reports them.
pub fn read_embedded(json: &str, offset: usize) -> ConfigJsonFile {
    let mut file = read_with(json, false);
    file.shift(offset);
    file
}

impl ConfigJsonFile {
    /// Move every span `by` bytes further.
    fn shift(&mut self, by: usize) {
        let s = |span: &mut Span| *span = Span::new(span.start + by, span.end + by);
        for entry in &mut self.entries {
            s(&mut entry.anchor);
            s(&mut entry.span);
            entry.insert.offset += by;
            for field in &mut entry.fields {
                s(&mut field.key_span);
                s(&mut field.value_span);
                s(&mut field.span);
                if let FieldValue::Str(lit) = &mut field.value {
                    s(&mut lit.span);
                }
            }
        }
        if let Some(error) = &mut self.error {
            s(&mut error.span);
        }
    }
}

fn read_with(text: &str, universal_newlines: bool) -> ConfigJsonFile {
    match json::parse(text) {
        Ok(value) => from_value(text, &value, None),
        Err(e) => {
            let error = ConfigJsonError {
                message: json::python_message(text, &e, universal_newlines),
                span: point(text, e.offset),
                comments_only: false,
            };
            let blanked = blank_line_comments(text);
            match blanked.as_deref().map(json::parse) {
                Some(Ok(value)) => from_value(
                    text,
                    &value,
                    Some(ConfigJsonError {
                        comments_only: true,
                        ..error
                    }),
                ),
                _ => ConfigJsonFile {
                    entries: Vec::new(),
                    error: Some(error),
                },
            }
        }
    }
}

/// A one-character span at `offset` (empty at the end of the text).
fn point(text: &str, offset: usize) -> Span {
    let offset = offset.min(text.len());
    let end = text[offset..]
        .chars()
        .next()
        .map_or(offset, |c| offset + c.len_utf8());
    Span::new(offset, end)
}

/// The text with every line whose first non-blank characters are `//` turned into spaces (same
/// length, so spans still point into the original), or None when there is no such line.
fn blank_line_comments(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut any = false;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with("//") {
            any = true;
            let body = line.trim_end_matches(['\n', '\r']);
            out.extend(std::iter::repeat_n(' ', body.len()));
            out.push_str(&line[body.len()..]);
        } else {
            out.push_str(line);
        }
    }
    any.then_some(out)
}

fn from_value(text: &str, value: &Json, error: Option<ConfigJsonError>) -> ConfigJsonFile {
    let Some(items) = value.items() else {
        let what = kind_name(&value.kind);
        return ConfigJsonFile {
            entries: Vec::new(),
            error: error.or(Some(ConfigJsonError {
                message: format!(
                    "a config list is a JSON list of objects (`[{{\"model\": ..., \"api_key\": ...}}]`); this file holds {what}"
                ),
                span: point(text, value.span.start),
                comments_only: false,
            })),
        };
    };
    let mut entries = Vec::new();
    let mut error = error;
    for item in items {
        match item.members() {
            Some(members) => entries.push(entry(text, item, members)),
            None if error.is_none() => {
                error = Some(ConfigJsonError {
                    message: format!(
                        "every item of a config list must be an object (`{{\"model\": ..., \"api_key\": ...}}`); this one is {}",
                        kind_name(&item.kind)
                    ),
                    span: Span::new(item.span.start, item.span.end),
                    comments_only: false,
                });
            }
            None => {}
        }
    }
    ConfigJsonFile { entries, error }
}

fn kind_name(kind: &JsonKind) -> &'static str {
    match kind {
        JsonKind::Null => "null",
        JsonKind::Bool(_) => "a boolean",
        JsonKind::Number => "a number",
        JsonKind::String(_) => "a string",
        JsonKind::Array(_) => "a list",
        JsonKind::Object(_) => "an object",
        JsonKind::Skipped => "a value",
    }
}

fn entry(text: &str, object: &Json, members: &[Member]) -> ConfigEntry {
    let start = object.span.start;
    // Python's dict keeps the last value of a repeated key: so do the fields.
    let fields = members
        .iter()
        .enumerate()
        .filter(|(i, m)| !members[i + 1..].iter().any(|later| later.key == m.key))
        .map(|(_, m)| field(m))
        .collect();
    ConfigEntry {
        source: EntrySource::Json,
        generation: Generation::V02,
        constructor: None,
        anchor: Span::new(start, start + 1),
        span: Span::new(start, object.span.end),
        fields,
        insert: insert_point(text, object, members),
        has_splat: false,
    }
}

fn field(m: &Member) -> Field {
    let value_span = Span::new(m.value.span.start, m.value.span.end);
    let value = match &m.value.kind {
        JsonKind::String(s) => FieldValue::Str(StrLit {
            value: s.clone(),
            span: value_span,
        }),
        // `null` (the client falls back to its variable), numbers, lists: no claim.
        _ => FieldValue::Other,
    };
    Field {
        key: m.key.clone(),
        key_span: Span::new(m.key_span.start, m.key_span.end),
        value,
        value_span,
        span: Span::new(m.key_span.start, m.value.span.end),
    }
}

/// After the last member, in the object's layout: `,\n<indent>` when members are on their own
/// lines, `, ` on one line; inside `{}` when the object is empty.
fn insert_point(text: &str, object: &Json, members: &[Member]) -> InsertPoint {
    let Some(last) = members.last() else {
        return InsertPoint {
            offset: object.span.start + 1,
            before: String::new(),
            after: String::new(),
        };
    };
    let key_start = last.key_span.start;
    let line_start = text[..key_start].rfind('\n').map_or(0, |i| i + 1);
    let lead = &text[line_start..key_start];
    let before = if line_start > object.span.start && lead.trim().is_empty() {
        let newline = if text[..line_start].ends_with("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        format!(",{newline}{lead}")
    } else {
        ", ".to_string()
    };
    InsertPoint {
        offset: last.value.span.end,
        before,
        after: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn insert(text: &str, entry: &ConfigEntry, key: &str, value: &str) -> String {
        let ip = &entry.insert;
        format!(
            "{}{}{}{}{}",
            &text[..ip.offset],
            ip.before,
            entry.field_text(key, value),
            ip.after,
            &text[ip.offset..]
        )
    }

    #[test]
    fn entries_with_spans() {
        let text = "[\n  {\n    \"model\": \"gpt-4o\",\n    \"apikey\": \"sk-x\"\n  },\n  {\"model\": \"m\", \"n\": 1}, {}\n]\n";
        let file = read(text);
        assert_eq!(file.error, None);
        assert_eq!(file.entries.len(), 3);
        let e = &file.entries[0];
        assert_eq!(e.source, EntrySource::Json);
        assert_eq!(&text[e.anchor.start..e.anchor.end], "{");
        let f = e.field("apikey").unwrap();
        assert_eq!(&text[f.key_span.start..f.key_span.end], "\"apikey\"");
        assert_eq!(&text[f.value_span.start..f.value_span.end], "\"sk-x\"");
        assert!(matches!(&f.value, FieldValue::Str(s) if s.value == "sk-x"));
        assert!(matches!(
            file.entries[1].field("n").unwrap().value,
            FieldValue::Other
        ));
        for e in &file.entries {
            let fixed = insert(text, e, "api_type", "\"azure\"");
            let again = read(&fixed);
            assert_eq!(again.error, None, "{fixed}");
        }
        assert!(insert(text, e, "api_type", "\"azure\"")
            .contains("\"sk-x\",\n    \"api_type\": \"azure\"\n  }"));
        assert!(insert(text, &file.entries[1], "k", "1").contains("\"n\": 1, \"k\": 1}"));
    }

    #[test]
    fn last_duplicate_wins() {
        let file = read(r#"[{"api_key": "a", "api_key": null}]"#);
        let e = &file.entries[0];
        assert_eq!(e.fields.len(), 1);
        assert!(matches!(
            e.field("api_key").unwrap().value,
            FieldValue::Other
        ));
    }

    #[test]
    fn errors_carry_python_messages() {
        let file = read("[{\"model\": \"x\",}]");
        let err = file.error.unwrap();
        assert_eq!(
            err.message,
            "Expecting property name enclosed in double quotes: line 1 column 16 (char 15)"
        );
        assert_eq!(err.span, Span::new(15, 16));
        assert!(!err.comments_only);
        assert!(file.entries.is_empty());

        let file = read("");
        assert_eq!(
            file.error.unwrap().message,
            "Expecting value: line 1 column 1 (char 0)"
        );
        let file = read("{\"model\": \"x\"}");
        assert!(file.error.unwrap().message.contains("holds an object"));
        let file = read("[{\"model\": \"x\"}, \"gpt-4\"]");
        assert_eq!(file.entries.len(), 1);
        let err = file.error.unwrap();
        assert!(err.message.contains("this one is a string"));
        assert_eq!(err.span, Span::new(17, 24));
    }

    #[test]
    fn line_comments_are_read_past() {
        let text = "// Rename to OAI_CONFIG_LIST.\r\n  // more\n[{\"model\": \"gpt-4\"}]\n";
        let file = read(text);
        let err = file.error.unwrap();
        assert!(err.comments_only);
        assert_eq!(err.span.start, 0);
        assert_eq!(file.entries.len(), 1);
        let e = &file.entries[0];
        assert_eq!(&text[e.anchor.start..e.anchor.end], "{");
        // A comment inside a broken file is not the only problem.
        let file = read("// c\n[{\"model\": \"gpt-4\",}]");
        assert!(!file.error.unwrap().comments_only);
        assert!(file.entries.is_empty());
    }

    #[test]
    fn embedded_spans_point_into_the_outer_text() {
        let outer = "OAI_CONFIG_LIST='[{\"model\": \"gpt-4\", \"apikey\": \"x\"}]'\n";
        let start = outer.find('[').unwrap();
        let end = outer.rfind(']').unwrap() + 1;
        let file = read_embedded(&outer[start..end], start);
        assert_eq!(file.error, None);
        let e = &file.entries[0];
        assert_eq!(&outer[e.anchor.start..e.anchor.end], "{");
        assert_eq!(&outer[e.span.start..e.span.end], &outer[start + 1..end - 1]);
        let f = e.field("apikey").unwrap();
        assert_eq!(&outer[f.key_span.start..f.key_span.end], "\"apikey\"");
        let FieldValue::Str(lit) = &f.value else {
            panic!("not a string")
        };
        assert_eq!(&outer[lit.span.start..lit.span.end], "\"x\"");
        assert_eq!(&outer[e.insert.offset..e.insert.offset + 1], "}");

        // Positions in the message are the value's own (what json.loads says), the span the
        // outer text's; a lone \r is no line break for json.loads.
        let outer = "X='[1,\r]'";
        let file = read_embedded(&outer[3..9], 3);
        let err = file.error.unwrap();
        assert_eq!(err.message, "Expecting value: line 1 column 5 (char 4)");
        assert_eq!(&outer[err.span.start..err.span.end], "]");
    }

    #[test]
    fn hostile_input_never_panics() {
        for text in [
            "[".repeat(100_000),
            "{\"a\":".repeat(10_000),
            "\u{feff}[]".to_string(),
            "[{\"é\": \"\\ud800\"}]".to_string(),
            "[1, 2".to_string(),
            "//".to_string(),
        ] {
            let _ = read(&text);
        }
    }
}

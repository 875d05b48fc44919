//! Applying edits to text.

use std::fmt;

use super::diagnostic::Edit;

#[derive(Debug, PartialEq, Eq)]
pub enum ApplyError {
    Overlap,
    OutOfBounds,
}

impl fmt::Display for ApplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApplyError::Overlap => f.write_str("edits overlap"),
            ApplyError::OutOfBounds => f.write_str("edit outside the text (the file changed?)"),
        }
    }
}

impl std::error::Error for ApplyError {}

/// Apply edits (all to the same file) to `text`. Insertions at the same offset keep their order.
pub fn apply(text: &str, edits: &[&Edit]) -> Result<String, ApplyError> {
    let mut sorted: Vec<&Edit> = edits.to_vec();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut pos = 0;
    for e in sorted {
        if e.span.start < pos {
            return Err(ApplyError::Overlap);
        }
        if e.span.end > text.len()
            || !text.is_char_boundary(e.span.start)
            || !text.is_char_boundary(e.span.end)
            || e.span.start > e.span.end
        {
            return Err(ApplyError::OutOfBounds);
        }
        out.push_str(&text[pos..e.span.start]);
        out.push_str(&e.new_text);
        pos = e.span.end;
    }
    out.push_str(&text[pos..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Span;

    fn edit(start: usize, end: usize, text: &str) -> Edit {
        Edit {
            path: "f".into(),
            span: Span::new(start, end),
            new_text: text.into(),
            create: false,
        }
    }

    #[test]
    fn applies_in_offset_order_and_rejects_overlap() {
        let a = edit(4, 5, "X");
        let b = edit(0, 0, "> ");
        assert_eq!(apply("abc def", &[&a, &b]).unwrap(), "> abc Xef");
        let c = edit(3, 6, "");
        assert_eq!(apply("abc def", &[&a, &c]), Err(ApplyError::Overlap));
        let d = edit(3, 60, "");
        assert_eq!(apply("abc def", &[&d]), Err(ApplyError::OutOfBounds));
    }
}

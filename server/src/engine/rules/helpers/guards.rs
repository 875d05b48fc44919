//! Whether code handles a missing environment variable itself, for rules that would otherwise
//! warn about one.

use crate::engine::python::EnvRead;

/// Whether the code around `read` deals with a missing variable itself.
pub(crate) fn none_is_handled(text: &str, read: &EnvRead) -> bool {
    let quoted = text
        .get(read.name_span.start..read.name_span.end)
        .unwrap_or("");
    // Presence checked anywhere in the module: `"X" in os.environ`, `if not os.getenv("X")`.
    for probe in [
        format!("{quoted} in os.environ"),
        format!("{quoted} not in os.environ"),
    ] {
        if text.contains(&probe) {
            return true;
        }
    }
    let call = text.get(read.span.start..read.span.end).unwrap_or("");
    if !call.is_empty()
        && (text.contains(&format!("not {call}")) || text.contains(&format!("{call} is None")))
    {
        return true;
    }
    // `name = os.getenv("X")` (or `self.name = ...`, `name: str | None = ...`), then `name`
    // checked further down.
    let line_start = text[..read.span.start].rfind('\n').map_or(0, |i| i + 1);
    let before = text[line_start..read.span.start].trim_end();
    let Some(lhs) = before.strip_suffix('=') else {
        return false;
    };
    let lhs = lhs.split(':').next().unwrap_or(lhs).trim();
    let name = lhs.trim_start_matches("self.");
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return false;
    }
    let after = &text[read.span.end.min(text.len())..];
    guarded(after, lhs)
}

/// `name` is tested for a missing value in `code`.
fn guarded(code: &str, name: &str) -> bool {
    let patterns = [
        format!("if not {name}"),
        format!("if {name} is None"),
        format!("if {name} == None"),
        format!("if {name} is not None"),
        format!("if {name}:"),
        format!("assert {name}"),
        format!("{name} or "),
        format!("{name} is None"),
        format!("if not self.{name}"),
    ];
    patterns.iter().any(|p| {
        code.match_indices(p.as_str()).any(|(i, _)| {
            let end = i + p.len();
            let word = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
            // The whole name, not a longer one (`if not key_path`, `apikey or …`).
            let next = code[end..].chars().next();
            let prev = code[..i].chars().next_back();
            !prev.is_some_and(word)
                && (p.ends_with(':') || p.ends_with(' ') || !next.is_some_and(word))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::guarded;

    #[test]
    fn whole_names_only() {
        assert!(guarded("\nif not key:\n    raise", "key"));
        assert!(guarded(" = key or default", "key"));
        assert!(guarded("\nassert key, 'set it'", "key"));
        assert!(!guarded("\nif not key_path:\n", "key"));
        assert!(!guarded(" = apikey or default", "key"));
        assert!(!guarded(" = self.key or default", "key"));
    }
}

//! The models `OpenAIChatCompletionClient` knows without `model_info`, read from an installed
//! autogen-ext's `autogen_ext/models/openai/_model_info.py`: the keys of `_MODEL_INFO` and the
//! `_MODEL_POINTERS` whose target is one of them (`get_info` resolves a pointer, then looks the
//! name up, and raises "model_info is required when model name is not a valid OpenAI model").
//! A lexical reading of two dict literals: the module is never run.

/// The file, relative to `site-packages`.
pub const MODEL_INFO_FILE: &str = "autogen_ext/models/openai/_model_info.py";

/// Model names, sorted, or `None` when the file does not have the two tables.
pub fn read(text: &str) -> Option<Vec<String>> {
    let info = dict_pairs(text, "_MODEL_INFO")?;
    let pointers = dict_pairs(text, "_MODEL_POINTERS")?;
    let mut out: Vec<String> = info.into_iter().map(|(k, _)| k).collect();
    for (k, v) in pointers {
        if v.as_ref().is_some_and(|v| out.contains(v)) {
            out.push(k);
        }
    }
    out.sort();
    out.dedup();
    Some(out)
}

/// The string keys of the dict literal assigned to `name` at the start of a line, each with its
/// value when that is a string literal.
fn dict_pairs(text: &str, name: &str) -> Option<Vec<(String, Option<String>)>> {
    let start = text.match_indices(name).find_map(|(i, _)| {
        let line_start = i == 0 || text.as_bytes()[i - 1] == b'\n';
        let rest = &text[i + name.len()..];
        let after = rest.trim_start_matches(|c: char| c != '=' && c != '\n');
        (line_start && after.starts_with('=')).then(|| text.len() - after.len() + 1)
    })?;
    let bytes = text.as_bytes();
    let open = start + (text[start..].len() - text[start..].trim_start().len());
    if bytes.get(open) != Some(&b'{') {
        return None;
    }
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut i = open;
    // The last string at depth 1, and whether it was a key (followed by `:`).
    let mut pending_key: Option<String> = None;
    let mut expect_value = false;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'#' => {
                i += text[i..].find('\n').unwrap_or(text.len() - i);
                continue;
            }
            b'"' | b'\'' => {
                let (value, end) = string_at(text, i)?;
                if depth == 1 {
                    if expect_value {
                        if let Some((_, v)) = out.last_mut() {
                            *v = Some(value);
                        }
                        expect_value = false;
                    } else {
                        pending_key = Some(value);
                    }
                }
                i = end;
                continue;
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                expect_value = false;
            }
            b'}' | b']' | b')' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(out);
                }
            }
            b':' if depth == 1 => {
                if let Some(k) = pending_key.take() {
                    out.push((k, None));
                    expect_value = true;
                }
            }
            b',' if depth == 1 => {
                pending_key = None;
                expect_value = false;
            }
            c if !c.is_ascii_whitespace() && depth == 1 => {
                // An expression value (`ModelFamily.GPT_4O`, a name): not a string.
                expect_value = false;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// A plain string literal starting at `at` (no prefix, no triple quotes): its value (escapes
/// kept as written) and the offset after it.
fn string_at(text: &str, at: usize) -> Option<(String, usize)> {
    let quote = text.as_bytes()[at];
    let rest = &text[at + 1..];
    let mut escaped = false;
    for (i, c) in rest.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '\n' => return None,
            c if c as u32 == quote as u32 && !escaped => {
                return Some((rest[..i].to_string(), at + 1 + i + 1));
            }
            _ => escaped = false,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_two_tables() {
        let text = r#"
import x
# _MODEL_INFO = {"nope": 1}
_MODEL_POINTERS = {
    # OpenAI models
    "gpt-4o": "gpt-4o-2024-08-06",
    "dangling": "gpt-9",
}

_MODEL_INFO: Dict[str, ModelInfo] = {
    "gpt-4o-2024-08-06": {
        "vision": True,
        "family": ModelFamily.GPT_4O,
    },
    'gemini-1.5-flash': {"vision": True, "family": "gemini"},
}
"#;
        assert_eq!(
            read(text).unwrap(),
            ["gemini-1.5-flash", "gpt-4o", "gpt-4o-2024-08-06"]
        );
    }

    #[test]
    fn missing_or_broken_tables_give_none() {
        assert_eq!(read(""), None);
        assert_eq!(
            read("_MODEL_INFO = {\"a\": {}}\n_MODEL_POINTERS = {\"b\": \"a"),
            None
        );
        assert_eq!(read("_MODEL_INFO = }}}\n_MODEL_POINTERS = {}"), None);
    }

    #[test]
    fn the_generated_table_matches_this_reader_on_its_own_shape() {
        // The table shipped as data was produced from the same two dicts.
        assert!(crate::engine::packages::MODELS.contains(&"gpt-4o"));
        assert!(crate::engine::packages::MODELS
            .windows(2)
            .all(|w| w[0] < w[1]));
    }
}

//! Keeping secrets out of code frames. keywire never prints a key: the lines shown under a
//! finding have key-like values (and, in .env files, the values of credential variables)
//! masked. Masking keeps every byte offset: ASCII letters and digits become `*`, punctuation,
//! quotes and whitespace stay (rules about quotes and whitespace still make sense), and a
//! provider's public key prefix (`sk-proj-`) stays visible.

use std::borrow::Cow;

use crate::engine::providers;
use crate::engine::secrets;

/// Mask secrets in `text` (the lines of a code frame). `env` selects .env rules, also used for
/// compose files and Dockerfiles (values after `=`, or whole lines without one, are candidates); otherwise the text is Python, where string literals and comments are
/// (identifiers like `OpenAIChatCompletionClient` are no secrets).
pub fn redact(text: &str, env: bool) -> Cow<'_, str> {
    let mut bytes: Option<Vec<u8>> = None;
    let mut mask = |start: usize, end: usize, value: &str| {
        let keep = providers::public_prefix(value).map_or(0, str::len);
        let buf = bytes.get_or_insert_with(|| text.as_bytes().to_vec());
        for b in &mut buf[(start + keep).min(end)..end] {
            if b.is_ascii_alphanumeric() {
                *b = b'*';
            }
        }
    };

    let regions = if env {
        env_value_regions(text)
    } else {
        python_string_regions(text)
    };
    let in_region = |at: usize| regions.iter().any(|&(s, e)| s <= at && at < e);

    // Key-like tokens.
    let is_token =
        |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'+' | b'/' | b'~');
    let raw = text.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        if !is_token(raw[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < raw.len() && is_token(raw[i]) {
            i += 1;
        }
        let token = &text[start..i];
        if token.len() < 16 || !secrets::looks_like_key(token) {
            continue;
        }
        // Outside strings only what cannot be code: a token with `-`, `+`, `/` or `~`.
        let not_code = token
            .bytes()
            .any(|b| matches!(b, b'-' | b'+' | b'/' | b'~'));
        if in_region(start) || not_code {
            mask(start, i, token);
        }
    }

    // .env: whole values of credential variables (also commented-out ones).
    if env {
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let line_start = offset;
            offset += line.len();
            let body = line.trim_end_matches(['\n', '\r']);
            let stripped = body.trim_start_matches(|c: char| c == '#' || c.is_whitespace());
            let stripped = stripped.strip_prefix("export ").unwrap_or(stripped);
            let Some(eq) = stripped.find('=') else {
                continue;
            };
            let key = stripped[..eq].trim().trim_matches(['"', '\'']);
            if !secrets::is_credential_name(key) {
                continue;
            }
            let value_start = line_start + (body.len() - stripped.len()) + eq + 1;
            let value_end = line_start + body.len();
            let value = text[value_start..value_end].trim_start_matches([' ', '\t', '"', '\'']);
            let start = value_end - value.len();
            // Placeholders and dummies are no secrets, and what the finding may be about.
            let bare = value.trim_end().trim_end_matches(['"', '\'']).trim();
            if bare.contains("${")
                || secrets::placeholder_kind(bare).is_some()
                || providers::is_dummy_key(bare)
            {
                continue;
            }
            mask(start, value_end, value);
        }
    }

    match bytes {
        // Only ASCII bytes were replaced by ASCII bytes: still UTF-8.
        Some(b) => Cow::Owned(String::from_utf8(b).unwrap_or_else(|_| text.to_string())),
        None => Cow::Borrowed(text),
    }
}

/// Byte ranges after the first `=` of each line (the whole line when it has none).
fn env_value_regions(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = line.find('=').map_or(offset, |eq| offset + eq + 1);
        out.push((start, offset + line.len()));
        offset += line.len();
    }
    out
}

/// Byte ranges of string literals and comments, scanning lexically (good enough for a few
/// lines of a code frame; triple-quoted strings may span lines).
fn python_string_regions(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    // (quote byte, triple, start)
    let mut open: Option<(u8, bool, usize)> = None;
    while i < b.len() {
        let c = b[i];
        match open {
            None => match c {
                b'#' => {
                    let end = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
                    out.push((i, end));
                    i = end;
                    continue;
                }
                b'"' | b'\'' => {
                    let triple = b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&c);
                    open = Some((c, triple, i));
                    i += if triple { 3 } else { 1 };
                    continue;
                }
                _ => {}
            },
            Some((q, triple, start)) => {
                if c == b'\\' {
                    i += 2;
                    continue;
                }
                if c == b'\n' && !triple {
                    out.push((start, i));
                    open = None;
                } else if c == q
                    && (!triple || (b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q)))
                {
                    let end = i + if triple { 3 } else { 1 };
                    out.push((start, end));
                    open = None;
                    i = end;
                    continue;
                }
            }
        }
        i += 1;
    }
    if let Some((_, _, start)) = open {
        out.push((start, b.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z";

    #[test]
    fn masks_key_like_tokens_keeping_offsets() {
        let line = format!("client = Client(api_key=\"{KEY}\", model=\"gpt-4o\")");
        let out = redact(&line, false);
        assert_eq!(out.len(), line.len());
        assert!(!out.contains("Ab3dEf6"));
        assert!(out.contains("\"sk-proj-****"), "{out}");
        assert!(out.contains("model=\"gpt-4o\""));
        assert!(matches!(
            redact("x = os.environ['OPENAI_API_KEY']", false),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn masks_env_credential_values() {
        let text = "OPENAI_API_KEY=\"hunter2 \"\n# ANTHROPIC_API_KEY=abc\nMODEL=gpt-4o\nexport DB_PASSWORD = pw1\n";
        let out = redact(text, true);
        assert_eq!(out.len(), text.len());
        assert!(out.contains("OPENAI_API_KEY=\"******* \""), "{out}");
        assert!(out.contains("# ANTHROPIC_API_KEY=***"), "{out}");
        assert!(out.contains("MODEL=gpt-4o"));
        assert!(out.contains("DB_PASSWORD = ***"), "{out}");
        let text = "ANTHROPIC_API_KEY=your-api-key-here\nOPENAI_API_KEY=${OTHER}\n";
        assert_eq!(redact(text, true), text);
        let text = format!("K=\"{KEY}\"def\n");
        assert!(!redact(&text, true).contains("Ab3dEf6"));
    }
}

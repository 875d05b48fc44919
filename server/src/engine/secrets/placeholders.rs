//! Placeholder and fake values: what a template, a documentation example or a test fixture
//! puts where a key goes, so that no rule takes it for a real key.

use super::names::name_parts;
use crate::engine::providers;

/// Whitespace (Unicode, plus Python's `\x1c`..`\x1f`) or an invisible character that copy-paste
/// brings along (zero-width space/joiners, word joiner, BOM).
pub fn is_blank_char(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\x1c'..='\x1f' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'
        )
}

/// What kind of placeholder a value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Placeholder {
    /// Empty or only whitespace.
    Empty,
    /// `<your key>`, `[your key]`, `{{OPENAI_API_KEY}}`.
    Bracketed,
    /// Only filler characters: `xxxx`, `****`, `...`.
    Filler,
    /// A provider's key prefix followed by nothing, filler or placeholder words: `sk-...`,
    /// `sk-xxxxxxxx`, `sk-your-key`.
    PrefixFiller,
    /// Part of a key replaced by `...`, `…`, `***` or `xxxxx`, as dashboards display keys
    /// (`sk-...AbCd`).
    Masked,
    /// Placeholder words: `YOUR_API_KEY`, `your-api-key-here`, `insert-key-here`,
    /// `your_openai_api_key`, `replace-me`.
    Template,
    /// A single placeholder word: `changeme`, `placeholder`, `todo`.
    Word,
    /// `sess-…`: a ChatGPT web session token, not an API key.
    SessionToken,
}

impl Placeholder {
    /// A phrase for messages ("holds …").
    pub fn describe(self) -> &'static str {
        match self {
            Placeholder::Empty => "an empty value",
            Placeholder::Bracketed => "a placeholder in brackets (like `<your key>`)",
            Placeholder::Filler => "only filler characters (like `xxxx` or `***`)",
            Placeholder::PrefixFiller => {
                "a documentation example (a key prefix followed by filler, like `sk-...`)"
            }
            Placeholder::Masked => {
                "a masked key (part of it replaced by `...`, `***` or `xxxx`, as dashboards \
                 display keys)"
            }
            Placeholder::Template => "placeholder words (like `YOUR_API_KEY`)",
            Placeholder::Word => "a placeholder word (like `changeme` or `TODO`)",
            Placeholder::SessionToken => {
                "a value starting with `sess-`: this is a ChatGPT session token, not an API key"
            }
        }
    }
}

/// Words placeholder values are made of (besides provider names, taken from the provider
/// table, and runs of `x`).
const PLACEHOLDER_WORDS: &[&str] = &[
    "your",
    "you",
    "my",
    "the",
    "a",
    "an",
    "key",
    "keys",
    "api",
    "token",
    "secret",
    "password",
    "here",
    "insert",
    "replace",
    "enter",
    "put",
    "paste",
    "add",
    "fill",
    "set",
    "goes",
    "go",
    "with",
    "this",
    "that",
    "value",
    "actual",
    "real",
    "own",
    "access",
    "auth",
    "private",
    "personal",
    "example",
    "sample",
    "fake",
    "test",
    "demo",
    "dummy",
    "placeholder",
    "changeme",
    "change",
    "me",
    "todo",
    "tbd",
    "fixme",
    "redacted",
    "in",
    "it",
    "default",
    "new",
    "generated",
    "string",
    "env",
    "variable",
    "project",
    "proj",
    "org",
    "organization",
    "account",
    "credential",
    "credentials",
    "id",
    "service",
    "svcacct",
    "admin",
    "sk",
    "some",
    "please",
    "ai",
    "another",
    "other",
    "mock",
    "mocked",
    "testing",
    "only",
    "for",
    "of",
];

/// Words that are a placeholder on their own.
const PLACEHOLDER_SINGLE_WORDS: &[&str] = &[
    "placeholder",
    "changeme",
    "todo",
    "tbd",
    "fixme",
    "redacted",
    "your",
    "here",
    "insert",
    "replace",
    "example",
    "sample",
    "na",
];

fn is_vocab_word(w: &str) -> bool {
    (w.len() >= 3 && w.bytes().all(|b| b == b'x'))
        || PLACEHOLDER_WORDS.contains(&w)
        || providers::PROVIDERS.iter().any(|p| {
            p.id == w
                || p.name_parts.iter().any(|np| np.eq_ignore_ascii_case(w))
                || p.display.split(' ').any(|d| d.eq_ignore_ascii_case(w))
        })
}

/// Split a lower-case token into vocabulary words (`yourapikey` → your, api, key). Returns the
/// number of words, or None when it cannot be split.
fn segment(token: &str) -> Option<usize> {
    let n = token.len();
    // best[i]: fewest words covering token[..i].
    let mut best: Vec<Option<usize>> = vec![None; n + 1];
    best[0] = Some(0);
    for end in 1..=n {
        // No vocabulary word is longer than 16 bytes.
        for start in end.saturating_sub(16)..end {
            let Some(count) = best[start] else { continue };
            if token.is_char_boundary(start)
                && token.is_char_boundary(end)
                && is_vocab_word(&token[start..end])
                && best[end].is_none_or(|b| count + 1 < b)
            {
                best[end] = Some(count + 1);
            }
        }
    }
    best[n]
}

/// Number of placeholder words `s` is made of, or None when some part is not one.
fn placeholder_words(s: &str) -> Option<usize> {
    let mut words = 0;
    let mut any = false;
    for part in s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|p| !p.is_empty())
    {
        any = true;
        // camelCase inside one alphanumeric run.
        for sub in name_parts(part) {
            let lower = sub.to_lowercase();
            if lower.len() > 64 {
                return None;
            }
            words += segment(&lower)?;
        }
    }
    any.then_some(words)
}

const FILLER_CHARS: &[char] = &['x', 'X', '*', '.', '…', '#', '?', '-', '_', ' '];

fn is_filler(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| FILLER_CHARS.contains(&c))
        && s.chars()
            .any(|c| matches!(c, 'x' | 'X' | '*' | '.' | '…' | '#' | '?'))
}

/// The longest run of `x`/`X`.
fn longest_x_run(s: &str) -> usize {
    let (mut best, mut cur) = (0, 0);
    for c in s.chars() {
        if c == 'x' || c == 'X' {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

/// A run of one character (`1111`, `aaaa`), at least 3 long.
fn one_repeated_char(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|first| s.chars().count() >= 3 && chars.all(|c| c == first))
}

/// Counting or the alphabet typed in order: `1234567890`, `abcdef`, `123abc`.
fn is_sequence(s: &str) -> bool {
    const RUNS: &str = "0123456789abcdefghijklmnopqrstuvwxyz";
    let lower = s.to_ascii_lowercase();
    s.len() >= 4
        && (RUNS.contains(&lower) || lower.split('-').all(|p| p.len() >= 3 && RUNS.contains(p)))
}

/// Words in a value that say it is not a real credential.
const FAKE_MARKERS: &[&str] = &[
    "mock",
    "fake",
    "dummy",
    "test",
    "example",
    "fortestingonly",
    "placeholder",
    "sample",
    "notreal",
    "invalid",
];

/// A value that says it is fake (`sk-mock…fortestingonly`, `dummy-key-123`) or is made of runs
/// of one character or digit: never a real credential.
pub fn looks_fake(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    if FAKE_MARKERS.iter().any(|m| lower.contains(m)) {
        return true;
    }
    let body = providers::public_prefix(value).map_or(value, |p| &value[p.len()..]);
    let body = body.trim_matches(['-', '_']);
    one_repeated_char(body) || is_sequence(body)
}

/// Typed by hand rather than generated: at least a third of neighbouring letters and digits
/// count up (`1234567890abcdef…`, `abc123def456…`, case ignored), or the value is one chunk
/// repeated (`a1b2c3a1b2c3…`). Random keys almost never do either.
pub fn looks_typed(value: &str) -> bool {
    let b: Vec<u8> = value
        .bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if b.len() < 8 {
        return false;
    }
    let steps = b
        .windows(2)
        .filter(|w| w[1] == w[0].wrapping_add(1) || (w[0], w[1]) == (b'9', b'a'))
        .count();
    if steps * 3 >= b.len() - 1 {
        return true;
    }
    (1..=b.len() / 2).any(|period| b[period..].iter().zip(&b).all(|(x, y)| x == y))
}

/// [`placeholder_kind`] for the value of a variable or field named `name`: also a value that
/// repeats its variable's name (`SERPER_API_KEY=serper_api_key`).
pub fn placeholder_for(name: &str, value: &str) -> Option<Placeholder> {
    let v = value.trim_matches(is_blank_char);
    let norm = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    if !name.is_empty() && v.len() >= 3 && norm(v) == norm(name) {
        return Some(Placeholder::Template);
    }
    placeholder_kind(value)
}

/// Whether (and how) `value` is a placeholder rather than a real credential. Case-insensitive.
/// `${VAR}` references are not placeholders; neither is any real-looking key.
pub fn placeholder_kind(value: &str) -> Option<Placeholder> {
    let v = value.trim_matches(is_blank_char);
    if v.is_empty() {
        return Some(Placeholder::Empty);
    }
    if v.contains("${") {
        return None;
    }
    if v.starts_with("sess-") {
        return Some(Placeholder::SessionToken);
    }
    let lower = v.to_lowercase();
    if (v.starts_with('<') && v.ends_with('>'))
        || (v.starts_with("{{") && v.ends_with("}}") && v.len() >= 4)
    {
        return Some(Placeholder::Bracketed);
    }
    if v.starts_with('[') && v.ends_with(']') && v.len() >= 2 {
        let inner = &v[1..v.len() - 1];
        if inner.trim().is_empty() || placeholder_words(inner).is_some() || is_filler(inner) {
            return Some(Placeholder::Bracketed);
        }
    }
    if (v.chars().count() >= 3 || v.contains('…')) && is_filler(v) {
        return Some(Placeholder::Filler);
    }
    if matches!(lower.as_str(), "n/a" | "na" | "tbd" | "todo") {
        return Some(Placeholder::Word);
    }
    if let Some(prefix) = providers::public_prefix(v) {
        let rest = &v[prefix.len()..];
        if rest.is_empty()
            || is_filler(rest)
            || placeholder_words(rest).is_some()
            || one_repeated_char(rest.trim_start_matches(['-', '_']))
            || is_sequence(rest.trim_start_matches(['-', '_']))
        {
            return Some(Placeholder::PrefixFiller);
        }
    }
    if let Some(words) = placeholder_words(v) {
        if words >= 2 {
            return Some(Placeholder::Template);
        }
        let single = lower.trim_matches(|c: char| !c.is_alphanumeric());
        if PLACEHOLDER_SINGLE_WORDS.contains(&single) {
            return Some(Placeholder::Word);
        }
    }
    if v.contains("...") || v.contains('…') || v.contains("***") || longest_x_run(v) >= 5 {
        return Some(Placeholder::Masked);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        use Placeholder::*;
        let cases = [
            ("", Empty),
            ("   ", Empty),
            ("\u{200b}", Empty),
            ("sk-...", PrefixFiller),
            ("sk-", PrefixFiller),
            ("sk-xxx…", PrefixFiller),
            ("sk-xxxxxxxx", PrefixFiller),
            ("sk-your-key", PrefixFiller),
            ("sk-proj-your-key-here", PrefixFiller),
            ("sk-ant-...", PrefixFiller),
            ("gsk_XXXXXXXXXXXXXXXX", PrefixFiller),
            ("YOUR_API_KEY", Template),
            ("your-api-key-here", Template),
            ("your_openai_api_key", Template),
            ("insert-key-here", Template),
            ("replace-me", Template),
            ("<your key>", Bracketed),
            ("<OPENAI_API_KEY>", Bracketed),
            ("{{OPENAI_API_KEY}}", Bracketed),
            ("[your key here]", Bracketed),
            ("xxxx", Filler),
            ("XXXXXXXXXXXXXXXXXXXX", Filler),
            ("***", Filler),
            ("*****************", Filler),
            ("...", Filler),
            ("…", Filler),
            ("changeme", Word),
            ("CHANGEME", Word),
            ("placeholder", Word),
            ("todo", Word),
            ("TODO", Word),
            ("yourapikeyhere", Template),
            ("YourApiKey", Template),
            ("paste your key here", Template),
            ("sk-...AbC1", Masked),
            ("sk-proj-abc***xyz", Masked),
            ("sess-AbCdEf0123456789AbCdEf0123456789", SessionToken),
        ];
        for (value, kind) in cases {
            assert_eq!(placeholder_kind(value), Some(kind), "{value:?}");
        }
        for real in [
            "sk-proj-4fQ9zR2mL8vX1cT7bN3kP6wY0hJ5sD2gA9eU4iO7lK1mN8bV3cX6zQ0wE5rT2yU",
            "sk-ant-api03-Zk3Jq9Lm2Np8Qr4St6Uv0Wx1Yz5Ab7Cd9Ef3Gh_Ij-Kl2Mn4Op6Qr8St0Uv",
            "gsk_8Hk2Lm9Qp3Rs7Tv1Wx5Yz0Ab4Cd6Ef8Gh2Jk",
            "AIzaSyB3xK9mQ2vL7pR4tN8wZ1cF6hJ0dS5gU3e",
            "0f3a9c2e7b14d58a6c0e9f2b3d4a5c6e",
            "hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567",
            "dummy",
            "ollama",
            "${OPENAI_API_KEY}",
            "https://api.openai.com/v1",
            "secret",
            "monkey",
            "hunter2",
        ] {
            assert_eq!(placeholder_kind(real), None, "{real:?}");
        }
    }

    #[test]
    fn typed_values() {
        for typed in [
            "1234567890abcdef1234567890abcdef",
            "abcdefghijklmnopqrstuvwxyz0123456789",
            "abc123def456ghi789jkl012",
            "a1b2c3d4a1b2c3d4a1b2c3d4",
            "XyZ9XyZ9XyZ9XyZ9",
        ] {
            assert!(looks_typed(typed), "{typed}");
        }
        for random in [
            "4fQ9zR2mL8vX1cT7bN3kP6wY0hJ5sD2gA9eU4iO7lK1mN8bV3cX6zQ0wE5rT2yU",
            "0f3a9c2e7b14d58a6c0e9f2b3d4a5c6e",
            "8Hk2Lm9Qp3Rs7Tv1Wx5Yz0Ab4Cd6Ef8Gh2Jk",
            "short",
        ] {
            assert!(!looks_typed(random), "{random}");
        }
    }
}

//! Keys in free text: what a printed config list, an `%env` echo, a traceback or a JSON
//! document shows of a secret. Notebook outputs are such text (KW401).
//!
//! Only strong evidence counts, so that prose, URLs and documentation examples stay silent:
//!
//! - a token that starts with a provider's key prefix (`sk-`, `sk-proj-`, `gsk_`, `AIza`, …)
//!   followed by 20+ random-looking characters with letters and digits; or
//! - a value right after a credential name (`'api_key': '…'`, `OPENAI_API_KEY=…`,
//!   `"api_key": "…"`) that passes [`looks_like_key`] (Azure's 32 hex characters, long random
//!   tokens).
//!
//! Never a placeholder, a fake-looking or hand-typed value, a local server's dummy key, a value
//! whose line says it is fake, or a key shown masked (`sk-abc***…`).

use std::ops::Range;

use super::names::name_parts;
use super::placeholders::{looks_typed, placeholder_for};
use super::{
    describe, fingerprint, is_app_secret_name, is_credential_name, looks_fake, looks_like_key,
    shannon_entropy,
};
use crate::engine::providers::{self, Provider};

/// A key found by [`scan_output`]. It holds no part of the value.
#[derive(Clone, Debug)]
pub struct OutputSecret {
    /// Byte range of the key in the scanned text.
    pub span: Range<usize>,
    /// The provider whose format the key has, when known.
    pub provider: Option<&'static Provider>,
    /// Length in characters.
    pub chars: usize,
    /// [`fingerprint`] of the value.
    pub fingerprint: String,
    /// [`describe`] of the value: `OpenAI key (sk-proj-…, 164 chars, fingerprint 1a2b3c4d)`.
    pub description: String,
}

/// Fewer random characters after a provider prefix are no evidence of a key in free text.
const MIN_PREFIXED_REST: usize = 20;

/// Longer tokens are data (base64 images, hashes of hashes), not keys.
const MAX_KEY_CHARS: usize = 400;

/// Words on a key's line that say it is not real (`# fake key`, `not a real key`).
const FAKE_LABELS: &[&str] = &[
    "fake",
    "dummy",
    "not a real",
    "not real",
    "placeholder",
    "mock",
    "example",
];

/// The keys in `text`, in order. Pure: the text is only read, and nothing of a value is kept
/// beyond its description.
pub fn scan_output(text: &str) -> Vec<OutputSecret> {
    // Cheap look first: most outputs hold nothing a key could start with or follow.
    if !may_hold_key(text) {
        return Vec::new();
    }
    let mut out = Vec::new();
    // Every key shape needs 16 key characters after its prefix (`looks_like_key`): most
    // tokens of an output are words, passed over without a look at a prefix or a name.
    for token in tokens(text, 16) {
        let value = &text[token.clone()];
        // A public prefix: Azure's 32 hex characters are no evidence without a name.
        let found = if providers::public_prefix(value).is_some() {
            prefixed_key(value)
        } else {
            credential_before(text, token.start).is_some_and(|name| named_key(name, value))
        };
        if found && !masked_after(text, token.end) && !labelled_fake(text, token.clone()) {
            out.push(OutputSecret {
                provider: providers::provider_for_key(value),
                chars: value.chars().count(),
                fingerprint: fingerprint(value),
                description: describe(value),
                span: token,
            });
        }
    }
    out
}

/// Whether `text` may hold anything [`scan_output`] finds: a key prefix, or `=`/`:` after
/// which a named value may follow.
fn may_hold_key(text: &str) -> bool {
    text.contains(['=', ':'])
        || ["sk-", "gsk_", "AIza", "hf_", "xai-", "pplx-", "csk-"]
            .iter()
            .any(|p| text.contains(p))
}

/// Bytes of key characters but `=` (which separates `NAME=value`).
static TOKEN_BYTES: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'+' | b'/' | b'~');
        c += 1;
    }
    t
};

fn is_token_byte(b: u8) -> bool {
    TOKEN_BYTES[b as usize]
}

/// Maximal runs of key characters (not `=`, which separates `NAME=value`), without trailing
/// dots (sentence punctuation), escape letters glued to their backslash (`\nsk-…` in a
/// repr) or a terminal colour code glued to its escape (`\x1b[32msk-…`); those shorter
/// than `min` bytes left out.
fn tokens(text: &str, min: usize) -> impl Iterator<Item = Range<usize>> + '_ {
    let b = text.as_bytes();
    let min = min.max(1);
    let mut i = 0;
    std::iter::from_fn(move || loop {
        // A run of `min` key characters or more holds one of every `min`th byte from `i` on:
        // look at those only, and at the runs they fall in (prose is words of a few letters).
        let mut j = i + min - 1;
        while j < b.len() && !is_token_byte(b[j]) {
            j += min;
        }
        if j >= b.len() {
            i = b.len();
            return None;
        }
        let mut start = j;
        while start > i && is_token_byte(b[start - 1]) {
            start -= 1;
        }
        i = j + 1;
        while i < b.len() && is_token_byte(b[i]) {
            i += 1;
        }
        // What follows only shortens the run.
        if i - start < min {
            continue;
        }
        let mut s = start;
        if s > 0 && b[s - 1] == b'\\' && matches!(b[s], b'n' | b't' | b'r') {
            s += 1;
        } else if after_colour_escape(b, s) {
            // `32m` or `0m` right after `\x1b[` (or `\x1b[0;`).
            let digits = b[s..i].iter().take_while(|c| c.is_ascii_digit()).count();
            if b.get(s + digits) == Some(&b'm') {
                s += digits + 1;
            }
        }
        let e = s + text[s..i].trim_end_matches('.').len();
        if e > s && e - s >= min && e - s <= MAX_KEY_CHARS {
            return Some(s..e);
        }
    })
}

/// Whether `at` follows `ESC [` (the character, or `\x1b`, `\033`, `\u001b` written out in a
/// repr) and optional `digits;` groups: the start of a colour code.
fn after_colour_escape(b: &[u8], at: usize) -> bool {
    let mut j = at;
    while j > 0 && (b[j - 1].is_ascii_digit() || b[j - 1] == b';') {
        j -= 1;
    }
    if j == 0 || b[j - 1] != b'[' {
        return false;
    }
    let before = &b[..j - 1];
    before.last() == Some(&0x1b)
        || [&b"\\x1b"[..], b"\\033", b"\\u001b"]
            .iter()
            .any(|e| before.ends_with(e))
}

/// A token starting with a key prefix that looks generated: 20+ characters after the prefix,
/// letters and digits (or [`random_letters`]), varied, no placeholder, fake word or hand-typed
/// run, no dummy key.
fn prefixed_key(value: &str) -> bool {
    let prefix = providers::public_prefix(value).map_or(0, str::len);
    let rest = &value[prefix..];
    let digits = rest.bytes().any(|b| b.is_ascii_digit());
    let letters = rest.bytes().any(|b| b.is_ascii_alphabetic());
    rest.len() >= MIN_PREFIXED_REST
        && (digits && letters || random_letters(rest))
        && shannon_entropy(rest) >= 3.0
        && looks_like_key(value)
        && !looks_typed(rest)
        && !providers::is_dummy_key(value)
}

/// 30+ letters and nothing else, varied, with few vowels: what a generator drawing from the
/// alphabet gives (a fifth of the letters are vowels; Hugging Face tokens are `hf_` and 34
/// letters, some OpenAI-compatible services issue `sk-` and 48 lower-case letters), not words
/// run together (a third or more are vowels).
fn random_letters(rest: &str) -> bool {
    let vowels = rest
        .bytes()
        .filter(|b| matches!(b.to_ascii_lowercase(), b'a' | b'e' | b'i' | b'o' | b'u'))
        .count();
    rest.len() >= 30
        && rest.bytes().all(|b| b.is_ascii_alphabetic())
        && vowels * 100 < rest.len() * 28
        && shannon_entropy(rest) >= 3.5
}

/// Parts of a credential-like name that say its value is an identifier, a hash or a position,
/// not a secret (`cache_key`, `sort_key`, `next_token`, `AWS_ACCESS_KEY_ID`).
const NOT_SECRET_PARTS: &[&str] = &[
    "CACHE",
    "HASH",
    "ID",
    "IDEMPOTENCY",
    "PUBLIC",
    "PARTITION",
    "SORT",
    "ROUTING",
    "LOOKUP",
    "INDEX",
    "PRIMARY",
    "FOREIGN",
    "UNIQUE",
    "NEXT",
    "PAGE",
    "CONTINUATION",
    "PAGINATION",
    "CURSOR",
    "SYNC",
    "DEDUP",
    "OBJECT",
    "BUCKET",
    "ROW",
    "GROUP",
    "MESSAGE",
    "REQUEST",
    "TRACE",
    "EVENT",
];

/// A value after a credential name that passes the real-key test: key-like, not a
/// placeholder of that name, not a local server's dummy key, not typed by hand. A bare `key`
/// or `token` names anything in printed data (a dict's key, a hash), so it does not count.
fn named_key(name: &str, value: &str) -> bool {
    let parts = name_parts(name);
    is_credential_name(name)
        && !is_app_secret_name(name)
        && !matches!(parts.as_slice(), [only] if only == "KEY" || only == "TOKEN")
        && !parts.iter().any(|p| NOT_SECRET_PARTS.contains(&p.as_str()))
        && looks_like_key(value)
        && placeholder_for(name, value).is_none()
        && !providers::is_dummy_key(value)
        && !looks_typed(value)
}

/// The credential-like name a value at `start` is assigned to: `name=`, `name: `, `'name': '`,
/// `"name": "`, `NAME="` (spaces allowed around `=` and `:`). Any name; the caller judges it.
fn credential_before(text: &str, start: usize) -> Option<&str> {
    let b = text.as_bytes();
    let mut j = start;
    if j > 0 && matches!(b[j - 1], b'\'' | b'"') {
        j -= 1;
    }
    let skip_blanks = |mut j: usize| {
        while j > 0 && matches!(b[j - 1], b' ' | b'\t') {
            j -= 1;
        }
        j
    };
    j = skip_blanks(j);
    if j == 0 || !matches!(b[j - 1], b'=' | b':') {
        return None;
    }
    j = skip_blanks(j - 1);
    if j > 0 && matches!(b[j - 1], b'\'' | b'"') {
        j -= 1;
    }
    let end = j;
    while j > 0 && (b[j - 1].is_ascii_alphanumeric() || matches!(b[j - 1], b'_' | b'-')) {
        j -= 1;
    }
    (j < end).then(|| &text[j..end])
}

/// A key shown with its middle masked (`sk-abc12***…`, `sk-abc…`): only part of it is there.
fn masked_after(text: &str, end: usize) -> bool {
    text[end..].starts_with(['*', '…'])
}

/// Whether the key's line, or a comment line right above it, says the key is not real
/// (`'sk-…'  # fake key`, `# A fake key, never a real credential.`).
fn labelled_fake(text: &str, token: Range<usize>) -> bool {
    let line_start = text[..token.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[token.end..]
        .find('\n')
        .map_or(text.len(), |i| token.end + i);
    let says_fake = |s: &str| {
        let lower = s.to_ascii_lowercase();
        FAKE_LABELS.iter().any(|l| lower.contains(l))
    };
    let above = line_start
        .checked_sub(1)
        .map(|end| {
            let start = text[..end].rfind('\n').map_or(0, |i| i + 1);
            text[start..end].trim_start()
        })
        .filter(|line| line.starts_with('#') || line.starts_with("//"));
    says_fake(&text[line_start..token.start])
        || says_fake(&text[token.end..line_end])
        || above.is_some_and(says_fake)
        || looks_fake(&text[token])
}

/// Whether `value` occurs in `text` (a notebook's code) on a line labelled as fake, as
/// [`scan_output`] judges the key's own line: a key the code calls fake is no leak when an
/// output shows it.
pub fn labelled_fake_in(text: &str, value: &str) -> bool {
    !value.is_empty()
        && text
            .match_indices(value)
            .any(|(at, _)| labelled_fake(text, at..at + value.len()))
}

/// Reproducible random characters over `alphabet` for tests' generated keys, so that no key
/// sits in the source.
#[cfg(test)]
pub(crate) fn random_chars(seed: u64, n: usize, alphabet: &str) -> String {
    let alphabet: Vec<char> = alphabet.chars().collect();
    let mut rng = testkit::rng::Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    (0..n).map(|_| *rng.pick(&alphabet)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE62: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const URL_SAFE: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    #[test]
    fn token_bytes_are_key_characters_but_the_equals_sign() {
        for b in 0..=255u8 {
            let expected = b != b'=' && crate::engine::secrets::is_key_char(char::from(b));
            assert_eq!(is_token_byte(b), expected, "byte {b}");
        }
    }

    proptest::proptest! {
        /// Looking at every `min`th byte finds the runs a look at every byte finds.
        #[test]
        fn strided_runs_are_every_long_run(text in "[a-z0-9 ._=:-]{0,80}", min in 1..20usize) {
            let b = text.as_bytes();
            let mut every = Vec::new();
            let mut i = 0;
            while i < b.len() {
                let start = i;
                while i < b.len() && is_token_byte(b[i]) {
                    i += 1;
                }
                if i - start >= min {
                    every.push(start..i);
                }
                i += usize::from(i == start);
            }
            let found: Vec<_> = tokens(&text, min)
                .map(|r| (r.start, r.end))
                .collect();
            // The runs before their trailing dots are cut.
            let expected: Vec<_> = every
                .into_iter()
                .filter_map(|r| {
                    let e = r.start + text[r.clone()].trim_end_matches('.').len();
                    (e - r.start >= min).then_some((r.start, e))
                })
                .collect();
            proptest::prop_assert_eq!(found, expected);
        }
    }

    #[test]
    fn short_runs_are_no_tokens() {
        let text = "short words, sk-abcdefghijklmnop. and x=ABCDEFGHIJKLMNOPQRSTUV";
        let found: Vec<&str> = tokens(text, 16).map(|r| &text[r]).collect();
        assert_eq!(found, ["sk-abcdefghijklmnop", "ABCDEFGHIJKLMNOPQRSTUV"]);
    }

    /// Generated keys in each provider's real format.
    fn fake_keys() -> Vec<(&'static str, String)> {
        vec![
            (
                "OpenAI",
                format!("sk-proj-{}", random_chars(1, 48, URL_SAFE)),
            ),
            ("OpenAI", format!("sk-{}", random_chars(2, 48, BASE62))),
            (
                "Anthropic",
                format!("sk-ant-api03-{}", random_chars(3, 95, URL_SAFE)),
            ),
            ("Groq", format!("gsk_{}", random_chars(4, 52, BASE62))),
            (
                "Google Gemini",
                format!("AIza{}", random_chars(5, 35, URL_SAFE)),
            ),
            (
                "OpenRouter",
                format!("sk-or-v1-{}", random_chars(6, 64, "0123456789abcdef")),
            ),
            (
                "Hugging Face",
                format!("hf_{}", random_chars(7, 34, BASE62)),
            ),
            // Hugging Face tokens are letters only.
            (
                "Hugging Face",
                format!("hf_{}", random_chars(15, 34, &BASE62[..52])),
            ),
            // `sk-` and 48 lower-case letters (SiliconFlow and other OpenAI-compatible services).
            (
                "OpenAI",
                format!("sk-{}", random_chars(14, 48, "abcdefghijklmnopqrstuvwxyz")),
            ),
        ]
    }

    fn values(text: &str) -> Vec<&str> {
        scan_output(text)
            .into_iter()
            .map(|s| &text[s.span])
            .collect()
    }

    #[test]
    fn keys_in_reprs_env_echoes_tracebacks_and_json() {
        for (provider, key) in fake_keys() {
            for text in [
                format!("[{{'model': 'gpt-4', 'api_key': '{key}'}}]"),
                format!("env: OPENAI_API_KEY={key}\n"),
                format!("{{\n  \"api_key\": \"{key}\",\n  \"model\": \"gpt-4o\"\n}}"),
                format!("AuthenticationError: Error code: 401 - token {key} expired\n"),
                format!("headers={{'Authorization': 'Bearer {key}'}}"),
                format!("\\n{key}\\n"),
                format!("\u{1b}[0;32m{key}\u{1b}[0m"),
                format!("'\\x1b[32m{key}\\x1b[0m'"),
                format!("the key is {key}."),
            ] {
                let found = scan_output(&text);
                assert_eq!(found.len(), 1, "{provider}: {text}");
                assert_eq!(&text[found[0].span.clone()], key, "{provider}");
                assert_eq!(found[0].provider.map(|p| p.display), Some(provider));
                assert_eq!(found[0].chars, key.len());
                assert_eq!(found[0].fingerprint, fingerprint(&key));
                assert_eq!(found[0].description, describe(&key));
            }
        }
    }

    #[test]
    fn named_values_without_a_prefix() {
        let azure = random_chars(8, 32, "0123456789abcdef");
        let generic = random_chars(9, 40, BASE62);
        for text in [
            format!("{{'api_type': 'azure', 'api_key': '{azure}'}}"),
            format!("env: AZURE_OPENAI_API_KEY={azure}"),
            format!("AZURE_OPENAI_KEY = \"{azure}\""),
            format!("\"apiKey\": \"{generic}\""),
            format!("api_key={generic} model=gpt-4"),
        ] {
            assert_eq!(values(&text).len(), 1, "{text}");
        }
        // The same values with no credential name before them are hashes, ids, anything.
        for text in [
            format!("cache seed {azure}"),
            format!("{{'id': '{azure}', 'run': '{generic}'}}"),
            format!("cache_dir: {generic}"),
            format!("{{'SECRET_KEY': '{generic}'}}"),
            format!("OPENAI_API_KEY_FILE={generic}"),
            format!("{{'key': '{azure}', 'token': '{generic}'}}"),
            format!("{{'cache_key': '{azure}', 'next_token': '{generic}', 'sort_key': '{azure}'}}"),
            format!("AWS_ACCESS_KEY_ID={generic}"),
        ] {
            assert_eq!(values(&text), Vec::<&str>::new(), "{text}");
        }
    }

    #[test]
    fn several_keys_in_one_text() {
        let keys = fake_keys();
        let text = format!(
            "[{{'api_key': '{}'}}, {{'api_key': '{}'}}]",
            keys[0].1, keys[3].1
        );
        assert_eq!(values(&text), [keys[0].1.as_str(), keys[3].1.as_str()]);
    }

    #[test]
    fn decoys_stay_silent() {
        let random = random_chars(10, 48, BASE62);
        let decoys = [
            // A random `sk-` string a comment labels as fake.
            format!("api_key = \"sk-{random}\"  # fake key, for illustration"),
            format!("'api_key': 'sk-{random}',  # not a real key"),
            format!(
                "    # A FAKE key, never a real credential.\n    \"api_key\": \"sk-{random}\","
            ),
            // URLs and words containing `sk-`.
            format!("https://x.com/musk-{random}"),
            format!("see https://example.com/sk-{random}"),
            format!("task-{random}"),
            format!("desk-{random}"),
            // Demo phrases and typed values.
            "api_key: sk-your-api-key-here".to_string(),
            "OPENAI_API_KEY=sk-proj-your-key-goes-here-please-replace".to_string(),
            "'api_key': 'sk-1234567890abcdef1234567890abcdef'".to_string(),
            "sk-abcdefghijklmnopqrstuvwxyz0123456789".to_string(),
            "sk-abc123def456ghi789jkl012mno345pqr678".to_string(),
            "'api_key': 'sk-proj-ThisIsJustADemoKeyThatDoesNotWork'".to_string(),
            "'api_key': 'sk-thisisnotarealkeyjustforthedemonstrationofthetool'".to_string(),
            "'api_key': 'sk-ThisIsJustADemoKeyThatDoesNotWorkAtAllForRealUsers'".to_string(),
            "HF_TOKEN=hf_HuggingFaceHubDownloadProgressBarWidget".to_string(),
            "env: OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz12345".to_string(),
            "key=sk-ant-abcdefghijklmnopqrstuvwxyz, ENV: OPENAI_API_KEY=sk-abcdefghijklmnopqrstuvwxyz123456"
                .to_string(),
            "env: OPENAI_API_KEY=<redacted>, Bearer sk-***REDACTED***".to_string(),
            "api_key: sk-ReplaceThisWithTheKeyFromYourDashboard".to_string(),
            "Add to .env: OPENAI_API_KEY=sk-... or OPENAI_API_KEY=your_key".to_string(),
            "Check .env: OPENAI_API_KEY=sk-xxxxx, OPENAI_API_KEY=sk-your-key".to_string(),
            // scikit-learn's HTML repr of an estimator.
            "<div id=\"sk-container-id-1\" class=\"sk-top-container\"><label \
             for=\"sk-estimator-id-12\" class=\"sk-toggleable__label sk-toggleable__label-arrow\">"
                .to_string(),
            // Dummy keys for local servers.
            "[{'model': 'llama3', 'api_key': 'NULL', 'base_url': 'http://localhost:11434/v1'}]"
                .to_string(),
            "{'api_key': 'ollama'}, {'api_key': 'lm-studio'}, {'api_key': 'EMPTY'}".to_string(),
            "env: OPENAI_API_KEY=sk-fake".to_string(),
            "'api_key': 'sk-fake-key-for-local-server-0123456789'".to_string(),
            "'api_key': 'sk-11111111111111111111111111111111'".to_string(),
            "'api_key': 'sk-1111111111111111111111111111111111111111111111'".to_string(),
            // Masked keys, as dashboards and error messages show them.
            "Incorrect API key provided: sk-proj-abcd*********************************wxyz."
                .to_string(),
            format!("key: sk-{}…{}", &random[..12], &random[40..]),
            format!("key: sk-{}...{}", &random[..12], &random[40..]),
            // Pydantic cuts long values in validation errors.
            format!(
                "input_value={{'google_api_key': 'AIzaS...{}'}}, input_type=dict]",
                &random[..22]
            ),
            // Ids, hashes, names.
            format!("chatcmpl-{random}"),
            "run_id: 9f86d081884c7d659a2feaa0c55ad015".to_string(),
            "{'key': 'value', 'token_count': 4096}".to_string(),
            "gpt-4o-2024-08-06 text-embedding-3-large".to_string(),
            "${OPENAI_API_KEY}".to_string(),
        ];
        for text in &decoys {
            assert_eq!(values(text), Vec::<&str>::new(), "{text}");
        }
    }

    #[test]
    fn keys_the_code_labels_fake() {
        let key = format!("sk-{}", random_chars(12, 48, BASE62));
        let labelled = format!("config = {{'api_key': '{key}'}}  # fake key for the demo\nconfig");
        let plain = format!("config = {{'api_key': '{key}'}}\nconfig");
        assert!(labelled_fake_in(&labelled, &key));
        assert!(!labelled_fake_in(&plain, &key));
        assert!(!labelled_fake_in(&labelled, ""));
    }

    #[test]
    fn hostile_text_never_panics() {
        for text in [
            "",
            "=",
            ":",
            "'",
            "\\",
            "\u{1b}[",
            "\u{1b}[32m",
            "é=sk-",
            "api_key:",
            "sk-…",
            "\\n",
        ] {
            let _ = scan_output(text);
        }
        let long = format!("api_key={}", random_chars(11, 100_000, BASE62));
        assert!(scan_output(&long).is_empty());
    }
}

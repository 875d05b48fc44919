//! Secret handling: recognising credential names, key-like values and placeholders, and
//! describing values without revealing them.
//!
//! Everything a message or hover says about a value goes through [`describe`], which shows at
//! most the provider's public key prefix, the length and a fingerprint.

mod names;
mod output;
mod placeholders;

use sha2::{Digest, Sha256};

pub use names::{
    credential_name, is_app_secret_name, is_credential_name, is_endpoint_name, NameMatch,
};
#[cfg(test)]
pub(crate) use output::random_chars;
pub use output::{labelled_fake_in, scan_output, OutputSecret};
pub use placeholders::{is_blank_char, looks_fake, placeholder_for, placeholder_kind, Placeholder};

use super::providers;

/// First 8 hex characters of the value's SHA-256: identifies a key without revealing it.
pub fn fingerprint(value: &str) -> String {
    let digest = Sha256::digest(value.as_bytes());
    digest[..4].iter().map(|b| format!("{b:02x}")).collect()
}

/// Values shorter than this get no fingerprint in [`describe`]: 32 bits of hash of a short,
/// guessable value (a password) are enough to brute-force it.
const MIN_FINGERPRINT_CHARS: usize = 16;

/// A known provider's key prefix, or `sk-` (which OpenAI-compatible services such as DeepSeek
/// and DashScope use for their own keys).
pub fn has_key_prefix(value: &str) -> bool {
    value.starts_with("sk-") || providers::provider_for_key(value).is_some()
}

/// Text every [`comment_secrets`] finding contains: a cheap test before looking for comments.
pub fn may_hold_comment_secret(text: &str) -> bool {
    // One pass for all of them: this runs over every file the prefilter reads.
    static WORDS: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    WORDS
        .get_or_init(|| {
            aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostFirst)
                .build([
                    "sk-", "sess-", "gsk_", "AIza", "hf_", "xai-", "pplx-", "passw", "Passw",
                    "PASSW",
                ])
                .expect("static patterns")
        })
        .is_match(text)
}

/// A secret written into a comment: its byte range within `comment` and what it is. Only what
/// cannot be an example: a provider-format key that looks real, a ChatGPT session token
/// (`sess-` and 20+ characters), or a password after `password:` / `password=` with letters and
/// digits. Placeholders and fake-looking values never count.
pub fn comment_secrets(comment: &str) -> Vec<(usize, usize, CommentSecret)> {
    let mut out = Vec::new();
    let is_token_char = |c: char| is_key_char(c) && c != '=';
    let mut start = None;
    let bytes_end = comment.len();
    let mut tokens = Vec::new();
    for (i, c) in comment.char_indices() {
        match (is_token_char(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                tokens.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        tokens.push((s, bytes_end));
    }
    for &(s, e) in &tokens {
        let token = comment[s..e].trim_end_matches(['.', '-', '_']);
        let e = s + token.len();
        if let Some(rest) = token.strip_prefix("sess-") {
            if rest.len() >= 20
                && rest.chars().all(|c| c.is_ascii_alphanumeric())
                && !looks_fake(token)
            {
                out.push((s, e, CommentSecret::SessionToken));
            }
            continue;
        }
        if has_key_prefix(token) && looks_like_key(token) {
            out.push((s, e, CommentSecret::Key));
        }
    }
    let lower = comment.to_ascii_lowercase();
    for word in ["password", "passwd"] {
        let Some(at) = lower.find(word) else { continue };
        let after = &comment[at + word.len()..];
        let trimmed = after.trim_start();
        let Some(value) = trimmed.strip_prefix([':', '=']) else {
            continue;
        };
        let value = value.trim_start();
        let len = value.find(char::is_whitespace).unwrap_or(value.len());
        let v = value[..len].trim_matches(['"', '\'', ',', ';']);
        let s = comment.len() - value.len() + value[..len].find(v).unwrap_or(0);
        if v.len() >= 8
            && v.chars().any(|c| c.is_ascii_alphabetic())
            && v.chars().any(|c| c.is_ascii_digit())
            && placeholder_kind(v).is_none()
            && !looks_fake(v)
            && !v.contains("${")
            && !v.contains('(')
        {
            out.push((s, s + v.len(), CommentSecret::Password));
        }
    }
    out
}

/// What [`comment_secrets`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentSecret {
    Key,
    SessionToken,
    Password,
}

/// Shannon entropy in bits per character.
pub fn shannon_entropy(s: &str) -> f64 {
    let mut counts: std::collections::HashMap<char, usize> = std::collections::HashMap::new();
    let mut n = 0usize;
    for c in s.chars() {
        *counts.entry(c).or_default() += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    let n = n as f64;
    counts
        .values()
        .map(|&k| {
            let p = k as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// Whether `value` looks like a file system path: starts with `/`, `./`, `../`, `~/` or a drive
/// letter, contains `\`, or has `/`-separated lower-case segments or a file extension.
/// (Base64 keys may contain `/`, so a `/` alone does not make a path.)
pub fn looks_like_path(value: &str) -> bool {
    let v = value.trim();
    if v.contains('\\')
        || v.starts_with('/')
        || v.starts_with("./")
        || v.starts_with("../")
        || v.starts_with("~/")
        || v.starts_with('~') && v.len() == 1
    {
        return true;
    }
    let b = v.as_bytes();
    if b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && (b[2] == b'/' || b[2] == b'\\')
    {
        return true;
    }
    if !v.contains('/') {
        return false;
    }
    let segments: Vec<&str> = v.split('/').collect();
    let last = segments.last().copied().unwrap_or_default();
    let has_extension = last.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && (1..=5).contains(&ext.len())
            && ext
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            && ext.bytes().any(|b| b.is_ascii_lowercase())
    });
    let lower_segments = segments.iter().all(|s| {
        !s.is_empty()
            && s.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
            })
    });
    has_extension || lower_segments || v.ends_with('/') || v.contains("//")
}

/// Whether `value` is a host name or IPv4 address (optionally with `:port`): `api.openai.com`,
/// `my-res.openai.azure.com`, `127.0.0.1:8000`.
pub fn looks_like_host(value: &str) -> bool {
    let v = value.trim();
    let host = match v.rsplit_once(':') {
        Some((h, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => v,
    };
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() < 2
        || labels
            .iter()
            .any(|l| l.is_empty() || !l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    {
        return false;
    }
    let last = labels[labels.len() - 1];
    (last.len() >= 2 && last.bytes().all(|b| b.is_ascii_alphabetic()))
        || labels.iter().all(|l| l.bytes().all(|b| b.is_ascii_digit()))
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+' | '/' | '=' | '~')
}

fn is_uuid(v: &str) -> bool {
    let groups: Vec<&str> = v.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// No upper case and only short `-`/`_`/`.`-separated segments: `gpt-4o-2024-08-06`,
/// `your-api-key-goes-here`.
fn is_lowercase_identifier(v: &str) -> bool {
    !v.bytes().any(|b| b.is_ascii_uppercase())
        && v.split(|c: char| !c.is_ascii_alphanumeric())
            .map(str::len)
            .max()
            .unwrap_or(0)
            < 16
}

/// Whether `value` looks like an API key or other secret token: a known provider format (a key
/// prefix from the provider table followed by at least 16 key characters, or Azure's 32 hex
/// characters), or at least 20 characters of key alphabet with digits and letters and an entropy of at least 3.5 bits per character (3.0 for hex). Never
/// a placeholder, URL, path, host name, UUID, API object id (`chatcmpl-…`, `call_…`), `${VAR}`
/// reference, or a lower-case identifier
/// (`gpt-4o-2024-08-06`, `text-embedding-3-large`).
pub fn looks_like_key(value: &str) -> bool {
    let v = value;
    if v.is_empty() || v.chars().any(is_blank_char) {
        return false;
    }
    // The shape first (cheap), then what rules a shaped value out (placeholders are not).
    (provider_shaped(v) || generic_shaped(v))
        && !(v.contains("://")
            || v.contains("${")
            || placeholder_kind(v).is_some()
            || providers::is_object_id(v)
            || looks_fake(v)
            || looks_like_path(v)
            || looks_like_host(v))
}

/// A known provider's prefix and a random-looking rest of 16 or more key characters.
fn provider_shaped(v: &str) -> bool {
    if providers::provider_for_key(v).is_none() {
        return false;
    }
    let prefix_len = providers::public_prefix(v).map_or(0, str::len);
    let rest = &v[prefix_len..];
    rest.chars().count() >= 16
        && rest.chars().all(is_key_char)
        && shannon_entropy(rest) >= 2.0
        && !is_lowercase_identifier(rest)
}

/// 20 or more key characters, two kinds of letters or digits, random-looking.
fn generic_shaped(v: &str) -> bool {
    if v.chars().count() < 20 || !v.chars().all(is_key_char) || is_uuid(v) {
        return false;
    }
    let lower = v.bytes().any(|b| b.is_ascii_lowercase());
    let upper = v.bytes().any(|b| b.is_ascii_uppercase());
    let digit = v.bytes().any(|b| b.is_ascii_digit());
    // Random keys of this length hold digits; letters alone are names
    // (`NotRequiredSinceWeAreLocal`, `Py_HasFileSystemDefaultEncoding`).
    if !digit
        || usize::from(lower) + usize::from(upper) + usize::from(digit) < 2
        || is_lowercase_identifier(v)
    {
        return false;
    }
    let entropy = shannon_entropy(v);
    if v.bytes().all(|b| b.is_ascii_hexdigit()) {
        entropy >= 3.0
    } else {
        entropy >= 3.5
    }
}

/// A description of a value that is safe to show: the provider and its public key prefix when
/// known, the length, and (for values of 16+ characters) a fingerprint. Never any other part of
/// the value. `OpenAI key (sk-proj-…, 164 chars, fingerprint 1a2b3c4d)`.
pub fn describe(value: &str) -> String {
    let n = value.chars().count();
    if n == 0 {
        return "empty value".to_string();
    }
    let fp = if n >= MIN_FINGERPRINT_CHARS {
        format!(", fingerprint {}", fingerprint(value))
    } else {
        String::new()
    };
    let chars = if n == 1 { "char" } else { "chars" };
    match providers::provider_for_key(value) {
        Some(p) => match providers::public_prefix(value) {
            Some(prefix) => format!("{} key ({prefix}…, {n} {chars}{fp})", p.display),
            None => format!("{} key ({n} hex {chars}{fp})", p.display),
        },
        None if looks_like_key(value) => format!("key ({n} {chars}{fp})"),
        None => format!("value ({n} {chars}{fp})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy() {
        assert_eq!(shannon_entropy(""), 0.0);
        assert_eq!(shannon_entropy("aaaa"), 0.0);
        assert!((shannon_entropy("abab") - 1.0).abs() < 1e-9);
        assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-9);
    }

    #[test]
    fn key_likeness() {
        for key in [
            "sk-proj-4fQ9zR2mL8vX1cT7bN3kP6wY0hJ5sD2gA9eU4iO7lK1mN8bV3cX6zQ0wE5rT2yU",
            "sk-ant-api03-Zk3Jq9Lm2Np8Qr4St6Uv0Wx1Yz5Ab7Cd9Ef3Gh_Ij-Kl2Mn4Op6Qr8St0Uv",
            "sk-0123456789abcdef0123456789abcdef",
            "gsk_8Hk2Lm9Qp3Rs7Tv1Wx5Yz0Ab4Cd6Ef8Gh2Jk",
            "AIzaSyB3xK9mQ2vL7pR4tN8wZ1cF6hJ0dS5gU3e",
            "0f3a9c2e7b14d58a6c0e9f2b3d4a5c6e",
            "Xk29sLq8Vn3Rt5Wy7Zb1Cd4Fg6Hj8Km0P",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ3kLm9",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        ] {
            assert!(looks_like_key(key), "{key}");
        }
        for not in [
            "",
            "sk-short",
            "sk-aaaaaaaaaaaaaaaaaaaaaaaa",
            "sk-your-api-key-goes-here-please",
            "YOUR_OPENAI_API_KEY_GOES_HERE",
            "https://my-res.openai.azure.com/",
            "my-res.openai.azure.com",
            "127.0.0.1:8000",
            "/home/user/.config/openai/key.txt",
            "./secrets/openai.key",
            "C:\\Users\\me\\key.txt",
            "config/keys/openai",
            "gpt-4o-2024-08-06-preview",
            "text-embedding-3-large-deployment",
            "123e4567-e89b-12d3-a456-426614174000",
            "${OPENAI_API_KEY}",
            "correct horse battery staple",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "abcdefghijklmnopqrstuvwxyz",
        ] {
            assert!(!looks_like_key(not), "{not}");
        }
    }

    #[test]
    fn paths_and_hosts() {
        assert!(looks_like_path("/etc/ssl/cert.pem"));
        assert!(looks_like_path("creds/service-account.json"));
        assert!(!looks_like_path("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ3kLm9"));
        assert!(looks_like_host("api.openai.com"));
        assert!(looks_like_host("localhost.localdomain:11434"));
        assert!(!looks_like_host(
            "eyJhbGciOi.eyJzdWIiOi.SflKxwRJSMeKKF2QT4fw"
        ));
        assert!(!looks_like_host("sk-abc"));
    }

    #[test]
    fn api_object_ids_are_no_keys() {
        for id in [
            "call_rJfVpHU3MXuPRR2OAdssVqUV",
            "chatcmpl-B2ZfaI387UgmnNXS69egxeKbDWc0u",
            "msg_013Zva2CMHLNnXjNJJKqJ2EF",
            "toolu_01D7FLrfh4GYq7yT1ULFeyMV",
        ] {
            assert!(!looks_like_key(id), "{id}");
            // Without the prefix, the same characters would pass for a key.
            let rest = &id[id.find(['_', '-']).unwrap() + 1..];
            assert!(looks_like_key(&format!("tok{rest}")), "{id}");
        }
        assert!(looks_like_key(
            "sk-proj-Zx81hQmPq7Lr2Vn5Ws9Tb3Kc6Yd0Fe4GjT3BlbkFJa1"
        ));
    }

    /// Every 8-character window of `value` that is not inside its public prefix.
    fn private_windows(value: &str) -> Vec<String> {
        let skip = providers::public_prefix(value).map_or(0, str::len);
        let chars: Vec<char> = value.chars().collect();
        let mut out = Vec::new();
        for start in 0..chars.len().saturating_sub(7) {
            let window: String = chars[start..start + 8].iter().collect();
            // Windows entirely within the public prefix are allowed.
            if start + 8 > skip {
                out.push(window);
            }
        }
        out
    }

    #[test]
    fn describe_never_reveals_the_key() {
        let keys = [
            "sk-proj-4fQ9zR2mL8vX1cT7bN3kP6wY0hJ5sD2gA9eU4iO7lK1mN8bV3cX6zQ0wE5rT2yU",
            "sk-ant-api03-Zk3Jq9Lm2Np8Qr4St6Uv0Wx1Yz5Ab7Cd9Ef3Gh_Ij-Kl2Mn4Op6Qr8St0Uv",
            "sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef",
            "gsk_8Hk2Lm9Qp3Rs7Tv1Wx5Yz0Ab4Cd6Ef8Gh2Jk",
            "AIzaSyB3xK9mQ2vL7pR4tN8wZ1cF6hJ0dS5gU3e",
            "0f3a9c2e7b14d58a6c0e9f2b3d4a5c6e",
            "Xk29sLq8Vn3Rt5Wy7Zb1Cd4Fg6Hj8Km0P",
            "hunter2hunter2",
            "key (12 chars)",
        ];
        for key in keys {
            let d = describe(key);
            for w in private_windows(key) {
                assert!(!d.contains(&w), "describe({key:?}) = {d:?} reveals {w:?}");
            }
        }
        let d = describe(keys[0]);
        assert_eq!(
            d,
            format!(
                "OpenAI key (sk-proj-…, {} chars, fingerprint {})",
                keys[0].len(),
                fingerprint(keys[0])
            )
        );
        assert!(describe(keys[1]).starts_with("Anthropic key (sk-ant-api03-…, "));
        assert!(describe(keys[2]).starts_with("OpenRouter key (sk-or-v1-…, "));
        assert!(describe(keys[5]).starts_with("Azure OpenAI key (32 hex chars, fingerprint "));
        assert!(describe(keys[6]).starts_with("key (33 chars, fingerprint "));
        // Short values get no fingerprint (it could be brute-forced).
        assert_eq!(describe("hunter2"), "value (7 chars)");
        assert_eq!(describe(""), "empty value");
    }

    #[test]
    fn fingerprints_are_short_and_stable() {
        assert_eq!(fingerprint("abc"), "ba7816bf");
        assert_eq!(fingerprint("abc").len(), 8);
    }
}

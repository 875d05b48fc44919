//! Secret handling: recognising credential names, key-like values and placeholders, and
//! describing values without revealing them.
//!
//! Everything a message or hover says about a value goes through [`describe`], which shows at
//! most the provider's public key prefix, the length and a fingerprint.

use sha2::{Digest, Sha256};

use super::providers;

/// First 8 hex characters of the value's SHA-256: identifies a key without revealing it.
pub fn fingerprint(value: &str) -> String {
    let digest = Sha256::digest(value.as_bytes());
    digest[..4].iter().map(|b| format!("{b:02x}")).collect()
}

/// Values shorter than this get no fingerprint in [`describe`]: 32 bits of hash of a short,
/// guessable value (a password) are enough to brute-force it.
const MIN_FINGERPRINT_CHARS: usize = 16;

/// Name parts that make a variable a credential.
const CREDENTIAL_PARTS: &[&str] = &[
    "KEY",
    "TOKEN",
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "CREDENTIAL",
    "CREDENTIALS",
    "APIKEY",
];

/// Name parts that say the variable is *about* a credential rather than holding one
/// (`OPENAI_API_KEY_FILE`, `API_KEY_HEADER`, `KEY_VAULT_NAME`, `MAX_TOKEN`, `TOKEN_LIMIT`).
const NOT_CREDENTIAL_PARTS: &[&str] = &[
    "FILE", "PATH", "DIR", "URL", "URI", "ENDPOINT", "HOST", "NAME", "HEADER", "TYPE", "VERSION",
    "ENV", "VAR", "FIELD", "MAX", "MIN", "LIMIT", "COUNT", "NUM", "BUDGET", "SIZE", "LENGTH",
    "LEN", "TTL", "TIMEOUT", "EXPIRY", "EXPIRES",
];

/// Upper-cased parts of an identifier: split at `_`, `-`, `.` and camelCase boundaries.
fn name_parts(name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    for chunk in name.split(['_', '-', '.', ' ']) {
        let mut cur = String::new();
        let mut prev_lower = false;
        for c in chunk.chars() {
            if c.is_uppercase() && prev_lower && !cur.is_empty() {
                parts.push(std::mem::take(&mut cur).to_uppercase());
            }
            prev_lower = c.is_lowercase() || c.is_ascii_digit();
            cur.push(c);
        }
        if !cur.is_empty() {
            parts.push(cur.to_uppercase());
        }
    }
    parts
}

/// Whether a variable (or keyword) name says it holds a credential: it has a part `KEY`,
/// `TOKEN`, `SECRET`, `PASSWORD`, `PASSWD`, `CREDENTIAL(S)` or `APIKEY` (parts are separated by
/// `_`, `-`, `.` or a camelCase boundary; case-insensitive). `MONKEY` is no credential; neither is
/// a name that is about one (`OPENAI_API_KEY_FILE`, `API_KEY_HEADER`, `MAX_TOKEN`).
pub fn is_credential_name(name: &str) -> bool {
    let parts = name_parts(name);
    parts.iter().any(|p| CREDENTIAL_PARTS.contains(&p.as_str()))
        && !parts
            .iter()
            .any(|p| NOT_CREDENTIAL_PARTS.contains(&p.as_str()))
}

/// Whether a variable name says it holds an endpoint: a part `ENDPOINT`, `URL`, `URI`, `HOST`,
/// `BASEURL`, `APIBASE`, or `BASE` as the last part (`OPENAI_API_BASE`, not `BASE_MODEL`).
/// A secret the application keeps for itself (a web framework's `SECRET_KEY`, a JWT signing
/// key, a session or encryption key): no provider sees it, so nothing answers 401 for it.
pub fn is_app_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let parts: Vec<&str> = upper.split('_').filter(|p| !p.is_empty()).collect();
    matches!(
        parts.as_slice(),
        ["SECRET", "KEY"] | ["APP" | "DJANGO" | "FLASK" | "RAILS", "SECRET", "KEY"]
    ) || parts.iter().any(|p| {
        matches!(
            *p,
            "JWT" | "SIGNING" | "ENCRYPTION" | "SESSION" | "COOKIE" | "CSRF" | "FERNET"
        )
    })
}

pub fn is_endpoint_name(name: &str) -> bool {
    let parts = name_parts(name);
    parts.iter().enumerate().any(|(i, p)| {
        matches!(
            p.as_str(),
            "ENDPOINT" | "ENDPOINTS" | "URL" | "URLS" | "URI" | "HOST" | "BASEURL" | "APIBASE"
        ) || (p == "BASE" && i + 1 == parts.len() && i > 0)
    })
}

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

/// A known provider's key prefix, or `sk-` (which OpenAI-compatible services such as DeepSeek
/// and DashScope use for their own keys).
pub fn has_key_prefix(value: &str) -> bool {
    value.starts_with("sk-") || providers::provider_for_key(value).is_some()
}

/// Text every [`comment_secrets`] finding contains: a cheap test before looking for comments.
pub fn may_hold_comment_secret(text: &str) -> bool {
    [
        "sk-", "sess-", "gsk_", "AIza", "hf_", "xai-", "pplx-", "passw", "Passw", "PASSW",
    ]
    .iter()
    .any(|p| text.contains(p))
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
/// a placeholder, URL, path, host name, UUID, `${VAR}` reference, or a lower-case identifier
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
    fn credential_names() {
        for yes in [
            "OPENAI_API_KEY",
            "HF_TOKEN",
            "AZURE_OPENAI_AD_TOKEN",
            "db-password",
            "DB_PASSWD",
            "CLIENT_SECRET",
            "GOOGLE_APPLICATION_CREDENTIALS",
            "AWS_ACCESS_KEY_ID",
            "MY_APIKEY",
            "openai_api_key",
            "apiKey",
            "ANTHROPIC_CREDENTIAL",
        ] {
            assert!(is_credential_name(yes), "{yes}");
        }
        for no in [
            "MONKEY",
            "KEYBOARD",
            "TOKENIZER",
            "OPENAI_API_BASE",
            "MODEL",
            "MAX_TOKEN",
            "TOKEN_LIMIT",
            "OPENAI_API_KEY_FILE",
            "API_KEY_HEADER",
            "KEY_VAULT_NAME",
            "",
        ] {
            assert!(!is_credential_name(no), "{no}");
        }
    }

    #[test]
    fn endpoint_names() {
        for yes in [
            "OPENAI_API_BASE",
            "OPENAI_BASE_URL",
            "AZURE_OPENAI_ENDPOINT",
            "OLLAMA_HOST",
            "MONGO_URI",
            "baseUrl",
        ] {
            assert!(is_endpoint_name(yes), "{yes}");
        }
        for no in ["BASE_MODEL", "OPENAI_API_KEY", "BASE", "HOSTNAME_SUFFIX"] {
            assert!(!is_endpoint_name(no), "{no}");
        }
    }

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

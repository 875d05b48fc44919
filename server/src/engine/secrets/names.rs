//! What a variable name says it holds: a credential, an application's own secret, an endpoint.
//! The list of credential words lives here and nowhere else. A leaf.

/// The words that make a name a credential's, each with the length of its stem: the prefix
/// [`NameMatch::Stem`] looks for (`PASSW` also catches `PASSWORT`).
const CREDENTIAL_WORDS: &[(&str, usize)] = &[
    ("KEY", 3),
    ("TOKEN", 5),
    ("SECRET", 6),
    ("PASSWORD", 5),
    ("PASSWD", 5),
    ("CREDENTIAL", 10),
    ("CREDENTIALS", 10),
    ("APIKEY", 6),
];

/// How [`credential_name`] finds a credential word in a name. The callers differ on purpose:
/// rules want few false alarms, the extractor records every constant a rule may read, and the
/// light scanner must never miss what the extractor would record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameMatch {
    /// A word is a part at `_`, `-`, `.`, a blank or a camelCase boundary (case-insensitive);
    /// a name *about* a credential (`OPENAI_API_KEY_FILE`, `MAX_TOKEN`) is none. `MONKEY` is
    /// none either.
    Parts,
    /// A word is a `_`-separated part (case-insensitive), with no exceptions: cheap, and
    /// `API_KEY_FILE = "…"` still holds whatever was written there.
    UnderscoreParts,
    /// A word's stem anywhere, ASCII case-insensitive (`monkey` counts): a superset of both
    /// others.
    Stem,
}

/// Name parts that say the variable is *about* a credential rather than holding one
/// (`OPENAI_API_KEY_FILE`, `API_KEY_HEADER`, `KEY_VAULT_NAME`, `MAX_TOKEN`, `TOKEN_LIMIT`).
const NOT_CREDENTIAL_PARTS: &[&str] = &[
    "FILE", "PATH", "DIR", "URL", "URI", "ENDPOINT", "HOST", "NAME", "HEADER", "TYPE", "VERSION",
    "ENV", "VAR", "FIELD", "MAX", "MIN", "LIMIT", "COUNT", "NUM", "BUDGET", "SIZE", "LENGTH",
    "LEN", "TTL", "TIMEOUT", "EXPIRY", "EXPIRES",
];

/// Upper-cased parts of an identifier: split at `_`, `-`, `.` and camelCase boundaries.
pub(super) fn name_parts(name: &str) -> Vec<String> {
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

/// Whether a variable (or keyword) name says it holds a credential: it has one of the words
/// `KEY`, `TOKEN`, `SECRET`, `PASSWORD`, `PASSWD`, `CREDENTIAL(S)` or `APIKEY`, found as `how`
/// says. The one place that knows those words.
pub fn credential_name(name: &str, how: NameMatch) -> bool {
    match how {
        NameMatch::Parts => {
            let parts = name_parts(name);
            parts
                .iter()
                .any(|p| CREDENTIAL_WORDS.iter().any(|&(w, _)| w == p))
                && !parts
                    .iter()
                    .any(|p| NOT_CREDENTIAL_PARTS.contains(&p.as_str()))
        }
        NameMatch::UnderscoreParts => name.split('_').any(|part| {
            CREDENTIAL_WORDS
                .iter()
                .any(|&(w, _)| w.eq_ignore_ascii_case(part))
        }),
        NameMatch::Stem => {
            let name = name.as_bytes();
            CREDENTIAL_WORDS.iter().any(|&(w, n)| {
                let stem = &w.as_bytes()[..n];
                name.windows(n).any(|win| win.eq_ignore_ascii_case(stem))
            })
        }
    }
}

/// [`credential_name`] as the rules read names ([`NameMatch::Parts`]).
pub fn is_credential_name(name: &str) -> bool {
    credential_name(name, NameMatch::Parts)
}

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

/// Whether a variable name says it holds an endpoint: a part `ENDPOINT`, `URL`, `URI`, `HOST`,
/// `BASEURL`, `APIBASE`, or `BASE` as the last part (`OPENAI_API_BASE`, not `BASE_MODEL`).
pub fn is_endpoint_name(name: &str) -> bool {
    let parts = name_parts(name);
    parts.iter().enumerate().any(|(i, p)| {
        matches!(
            p.as_str(),
            "ENDPOINT" | "ENDPOINTS" | "URL" | "URLS" | "URI" | "HOST" | "BASEURL" | "APIBASE"
        ) || (p == "BASE" && i + 1 == parts.len() && i > 0)
    })
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
}

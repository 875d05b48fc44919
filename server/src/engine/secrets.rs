//! Secret handling: recognising key-like values and describing them without revealing them.

use sha2::{Digest, Sha256};

/// First 8 hex characters of the value's SHA-256: identifies a key without revealing it.
pub fn fingerprint(value: &str) -> String {
    let digest = Sha256::digest(value.as_bytes());
    digest[..4].iter().map(|b| format!("{b:02x}")).collect()
}

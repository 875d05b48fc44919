//! Where KW104 looks for a hard-coded key in Python: a module-level constant with a credential
//! name, a value written to `os.environ`, a config entry's field. The extractor records the
//! first two with [`is_constant_name`]; the light scanner, which sees bytes only, asks the
//! cheaper supersets here ([`Sites`], [`key_literal`]), so that a file it keeps light can never
//! hide a finding.

use memchr::memchr;

use super::lex::ident_at;
use super::strings::decode_literal;
use crate::engine::secrets::{self, credential_name, NameMatch};

/// A literal with fewer content bytes cannot be a key (`looks_like_key` wants 16+ characters).
pub(super) const MIN_KEY_BYTES: usize = 16;

/// A module constant with this name is a secret constant (KW104 reads its value).
pub(super) fn is_constant_name(name: &str) -> bool {
    credential_name(name, NameMatch::UnderscoreParts)
}

/// Whether the plain literal `raw` (quotes and prefix included) looks like a key.
pub(super) fn key_literal(raw: &str) -> bool {
    // Quick reject: keys have no spaces (most long literals are prose).
    if memchr(b' ', raw.as_bytes()).is_some() && !raw.contains('\\') {
        return false;
    }
    decode_literal(raw).is_some_and(|v| secrets::looks_like_key(&v))
}

/// Where a credential-like constant's value starts.
#[derive(Clone, Copy)]
enum CredentialValue {
    No,
    At(usize),
    /// An annotated assignment: anywhere after the annotation.
    Anywhere,
}

/// KW104's sites in a text that is not parsed, statement by statement.
pub(super) struct Sites<'a> {
    text: &'a str,
    b: &'a [u8],
    /// Where `environ` occurs in the text, in order.
    environ: &'a [usize],
    /// Whether the statement starting at `credential_for` assigns to a credential-like name.
    credential_for: Option<usize>,
    credential: CredentialValue,
}

impl<'a> Sites<'a> {
    pub(super) fn new(text: &'a str, environ: &'a [usize]) -> Self {
        Sites {
            text,
            b: text.as_bytes(),
            environ,
            credential_for: None,
            credential: CredentialValue::No,
        }
    }

    /// Whether a key-like literal (or concatenation) starting at `lit`, in the statement that
    /// starts at `stmt`, could be a fact KW104 reads (besides config entries, which the
    /// prefilter's tokens catch): an env write's value (the statement touches `environ` before
    /// it), or the value of a module-level constant with a credential word in its name
    /// (`NAME = "…"`; with an annotation, any literal in it).
    pub(super) fn reportable(&mut self, stmt: usize, lit: usize, in_function: bool) -> bool {
        let stmt = stmt.min(lit);
        // The first `environ` at or after the statement's start; a written value comes after
        // `=` (`environ[k] = v`, `update(K=v)`), `,` (`setdefault(k, v)`) or `:` (`update({k: v})`),
        // never right after `(`, `[` or `{` (a name: `environ.get("K")`).
        let k = self.environ.partition_point(|&p| p < stmt);
        if self.environ.get(k).is_some_and(|&p| p < lit) && self.value_position(lit) {
            return true;
        }
        if in_function {
            return false;
        }
        if self.credential_for != Some(stmt) {
            self.credential_for = Some(stmt);
            self.credential = self.credential_value(stmt);
        }
        match self.credential {
            CredentialValue::No => false,
            CredentialValue::At(v) => v == lit,
            CredentialValue::Anywhere => true,
        }
    }

    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    /// Whether the literal at `lit` follows `=`, `,` or `:` (through spaces and parentheses),
    /// or the text before it is not that simple (a line break: a comment may hide there).
    fn value_position(&self, lit: usize) -> bool {
        let mut j = lit;
        while j > 0 {
            j -= 1;
            match self.b[j] {
                b' ' | b'\t' | 0x0c | b'(' | b'\\' | b'\r' => {}
                b'=' | b',' | b':' | b'\n' => return true,
                _ => return false,
            }
        }
        false
    }

    /// Where the value of the statement at `stmt` starts, when it assigns to a name with a
    /// credential word in it. The word is looked for as a stem ([`NameMatch::Stem`]): a
    /// superset of what the extractor records.
    fn credential_value(&self, stmt: usize) -> CredentialValue {
        let name = ident_at(self.b, stmt);
        let credential = self
            .text
            .get(stmt..stmt + name.len())
            .is_some_and(|name| credential_name(name, NameMatch::Stem));
        if !credential {
            return CredentialValue::No;
        }
        // Whitespace, continuations, parentheses and comments (inside them) before the value.
        let skip = |mut j: usize| loop {
            match self.at(j) {
                b' ' | b'\\' | b'\t' | 0x0c | b'\r' | b'\n' | b'(' => j += 1,
                b'#' => j += memchr(b'\n', &self.b[j..]).unwrap_or(self.b.len() - j),
                _ => return j,
            }
        };
        let j = skip(stmt + name.len());
        match self.at(j) {
            b'=' if self.at(j + 1) != b'=' => CredentialValue::At(skip(j + 1)),
            b':' if self.at(j + 1) != b'=' => CredentialValue::Anywhere,
            _ => CredentialValue::No,
        }
    }
}

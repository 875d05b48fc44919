//! String literals, f-strings with nested replacement fields included: where each ends, and
//! the plain ones handed to the key check.

use super::Scanner;
use crate::engine::python::lex::{string_end, string_prefix};

impl Scanner<'_> {
    /// The string literal whose opening quote is at `q` (its prefix, if any, just before):
    /// returns the index after it, and checks plain literals for keys.
    pub(super) fn string(&mut self, q: usize) -> Option<usize> {
        let (pstart, f) = string_prefix(self.b, q);
        let end = string_end(self.b, q)?;
        if !self.key_risk && !f {
            self.check_key(pstart, q, end);
        }
        Some(end)
    }
}

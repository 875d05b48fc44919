//! Whether a plain literal, or the implicit concatenation it ends, looks like a key where KW104
//! could report it ([`super::LightScan::key_risk`]); where that is, `key_sites` decides.

use memchr::memchr;

use super::Scanner;
use crate::engine::python::key_sites::{key_literal, MIN_KEY_BYTES};
use crate::engine::python::strings::decode_literal;
use crate::engine::secrets;

/// Implicit concatenations longer than this (without blanks) are not tested again and again
/// (the file is parsed instead, when it matters).
const MAX_RUN_BYTES: usize = 4096;

impl Scanner<'_> {
    /// Whether the plain literal `pstart..end` (or the implicit concatenation it ends) looks like
    /// an API key where KW104 could report it.
    pub(super) fn check_key(&mut self, pstart: usize, q: usize, end: usize) {
        let adjacent = self
            .last_str_end
            .is_some_and(|e| e <= pstart && trivia(&self.b[e..pstart]));
        self.last_str_end = Some(end);
        if !adjacent {
            self.run.clear();
            self.run_decoded = 0;
            self.run_value.clear();
            self.run_dead = false;
        }
        self.run.push((pstart, end));
        let run_start = self.run[0].0;
        let single = self
            .sites
            .reportable(self.stmt, pstart, self.stmt_in_function);
        if !single
            && (self.run.len() < 2
                || !self
                    .sites
                    .reportable(self.stmt, run_start, self.stmt_in_function))
        {
            // Most literals: not where KW104 looks. The run's value is built when it is.
            return;
        }
        let quote_len =
            if self.at(q + 1) == self.b[q] && self.at(q + 2) == self.b[q] && end - q >= 6 {
                3
            } else {
                1
            };
        let content = (end - q).saturating_sub(2 * quote_len);
        if single && content >= MIN_KEY_BYTES && key_literal(&self.text[pstart..end]) {
            self.key_risk = true;
            return;
        }
        if self.run.len() < 2
            || self.run_dead
            || !self
                .sites
                .reportable(self.stmt, run_start, self.stmt_in_function)
        {
            return;
        }
        // The concatenation so far (parts before this one decoded now if they were skipped);
        // a blank character anywhere means it can never be a key.
        let decoded: usize = self.run_decoded;
        let parts: Vec<(usize, usize)> = self.run[decoded.min(self.run.len())..].to_vec();
        for (s, e) in parts {
            let Some(part) = decode_literal(&self.text[s..e]) else {
                self.run_dead = true;
                return;
            };
            if part.chars().any(secrets::is_blank_char) {
                self.run_dead = true;
                return;
            }
            self.run_value.push_str(&part);
        }
        self.run_decoded = self.run.len();
        if self.run_value.len() < MIN_KEY_BYTES {
            return;
        }
        if self.run_value.len() > MAX_RUN_BYTES {
            // Not worth testing again and again: parse the file.
            self.key_risk = true;
            return;
        }
        self.key_risk = secrets::looks_like_key(&self.run_value);
    }
}

/// Only whitespace, line breaks, `\` continuations and comments (what may separate the parts of
/// an implicit string concatenation).
fn trivia(gap: &[u8]) -> bool {
    let mut i = 0;
    while i < gap.len() {
        match gap[i] {
            b' ' | b'\t' | 0x0c | b'\r' | b'\n' | b'\\' => i += 1,
            b'#' => match memchr(b'\n', &gap[i..]) {
                Some(k) => i += k + 1,
                None => return true,
            },
            _ => return false,
        }
    }
    true
}

//! String literals, f-strings with nested replacement fields included: where each ends, and
//! the plain ones handed to the key check.

use memchr::{memchr, memchr2, memchr3};

use super::Scanner;
use crate::engine::python::lex::{is_ident_byte, is_prefix_letter};

/// Nested f-strings deeper than this are left to tree-sitter.
const MAX_FSTRING_DEPTH: usize = 16;

impl Scanner<'_> {
    /// The string literal whose opening quote is at `q` (its prefix, if any, just before):
    /// returns the index after it, and checks plain literals for keys.
    pub(super) fn string(&mut self, q: usize) -> Option<usize> {
        let (pstart, f) = self.prefix(q);
        let end = self.string_end(q, f)?;
        if !self.key_risk && !f {
            self.check_key(pstart, q, end);
        }
        Some(end)
    }

    /// The prefix before the quote at `q`: its start, and whether it makes an f- or t-string.
    pub(super) fn prefix(&self, q: usize) -> (usize, bool) {
        let mut s = q;
        while s > 0 && q - s < 3 && is_ident_byte(self.b[s - 1]) {
            s -= 1;
        }
        let p = &self.b[s..q];
        if p.is_empty()
            || p.len() > 2
            || (s > 0 && is_ident_byte(self.b[s - 1]))
            || !p.iter().all(|&c| is_prefix_letter(c))
        {
            return (q, false);
        }
        (s, p.iter().any(|&c| matches!(c, b'f' | b'F' | b't' | b'T')))
    }

    pub(super) fn string_end(&mut self, q: usize, f: bool) -> Option<usize> {
        let quote = self.b[q];
        let triple = self.at(q + 1) == quote && self.at(q + 2) == quote;
        let body = q + if triple { 3 } else { 1 };
        if f {
            self.fdepth += 1;
            if self.fdepth > MAX_FSTRING_DEPTH {
                return None;
            }
            let end = self.fstring_body(body, quote, triple);
            self.fdepth -= 1;
            end
        } else {
            self.plain_body(body, quote, triple)
        }
    }

    /// After a backslash at `k` inside a literal: the index after the escaped character.
    pub(super) fn escaped(&self, k: usize) -> Option<usize> {
        match (self.b.get(k + 1)?, self.at(k + 2)) {
            (b'\r', b'\n') => Some(k + 3),
            _ => Some(k + 2),
        }
    }

    /// At a quote `k` equal to the literal's: the index after the literal if it closes here.
    pub(super) fn closes(&self, k: usize, quote: u8, triple: bool) -> Option<usize> {
        if !triple {
            return Some(k + 1);
        }
        (self.at(k + 1) == quote && self.at(k + 2) == quote).then_some(k + 3)
    }

    pub(super) fn plain_body(&self, mut j: usize, quote: u8, triple: bool) -> Option<usize> {
        loop {
            let rest = self.b.get(j..)?;
            let k = j + if triple {
                memchr2(quote, b'\\', rest)?
            } else {
                memchr3(quote, b'\\', b'\n', rest)?
            };
            match self.b[k] {
                b'\\' => j = self.escaped(k)?,
                b'\n' => return None,
                _ => match self.closes(k, quote, triple) {
                    Some(end) => return Some(end),
                    None => j = k + 1,
                },
            }
        }
    }

    pub(super) fn fstring_body(&mut self, mut j: usize, quote: u8, triple: bool) -> Option<usize> {
        loop {
            let k =
                j + self.b.get(j..)?.iter().position(|&c| {
                    c == quote || c == b'\\' || c == b'{' || (c == b'\n' && !triple)
                })?;
            match self.b[k] {
                b'\\' => j = self.escaped(k)?,
                b'\n' => return None,
                b'{' if self.at(k + 1) == b'{' => j = k + 2,
                b'{' => j = self.replacement_field(k + 1)?,
                _ => match self.closes(k, quote, triple) {
                    Some(end) => return Some(end),
                    None => j = k + 1,
                },
            }
        }
    }

    /// An f-string replacement field from after its `{`: the index after its `}`.
    pub(super) fn replacement_field(&mut self, mut j: usize) -> Option<usize> {
        let mut depth = 0usize;
        loop {
            let c = *self.b.get(j)?;
            match c {
                b'\'' | b'"' => {
                    let (_, f) = self.prefix(j);
                    j = self.string_end(j, f)?;
                }
                b'(' | b'[' | b'{' => {
                    depth += 1;
                    j += 1;
                }
                b')' | b']' => {
                    depth = depth.checked_sub(1)?;
                    j += 1;
                }
                b'}' if depth == 0 => return Some(j + 1),
                b'}' => {
                    depth -= 1;
                    j += 1;
                }
                b':' if depth == 0 => return self.format_spec(j + 1),
                b'#' => j += memchr(b'\n', self.b.get(j..)?)?,
                b'\\' => j = self.escaped(j)?,
                _ => j += 1,
            }
        }
    }

    /// A format spec from after its `:`: literal text and nested fields, to the closing `}`.
    pub(super) fn format_spec(&mut self, mut j: usize) -> Option<usize> {
        loop {
            let k = j + memchr3(b'{', b'}', b'\\', self.b.get(j..)?)?;
            match self.b[k] {
                b'{' => j = self.replacement_field(k + 1)?,
                b'}' => return Some(k + 1),
                _ => j = self.escaped(k)?,
            }
        }
    }
}

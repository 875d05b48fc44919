//! The import statements the mask leaves out: the light scanner reads their facts, which the
//! extractor merges with the tree's (see the module-level documentation of `mask.rs`).

use std::ops::Range;

use super::super::Binding;
use super::lines::{self, Kind};
use super::{triggers, LeftOut, Masker, NestedImport};
use crate::engine::python::lex::{is_keyword, whole_word};

impl<'a> Masker<'a> {
    /// Leaves out the module-level import statement on line `i` when it is plain (no `*`, `;`
    /// or suppression; the light scanner reads it) and either binds nothing the extractor
    /// resolves (no word of it is a package keywire knows or a name bound elsewhere to
    /// something it knows: a later import of such a name would rebind it) or binds only names
    /// no other import line holds and nothing before it names (a `leading` statement, or one
    /// after which the names are first written), which the extractor then binds before it
    /// walks the tree: no statement before the import can tell.
    /// Imports of `os` and `dotenv` stay: the extractor notes them (edit points, the name
    /// `load_dotenv` has). Its facts are the light scanner's, merged back by the extractor.
    /// Imports are a sixth to a quarter of what the mask leaves to the parser otherwise.
    pub(super) fn leave_out_import(&mut self, i: usize, leading: bool) -> bool {
        let line = &self.lines[i];
        let (s, e) = (line.start, line.end);
        let bytes = &self.b[s..e];
        if !plain_statement(bytes) {
            return false;
        }
        let (mut plain, mut known) = (true, false);
        lines::for_each_word(bytes, |ws, we| {
            let w = &bytes[ws..we];
            if is_keyword(w) {
                return;
            }
            if triggers::resolvable_root(w) {
                known = true;
                plain &= !matches!(w, b"os" | b"dotenv");
            } else if self.bound_elsewhere.contains(w) {
                known = true;
            }
        });
        if !plain {
            return false;
        }
        let Some((imports, binds)) =
            crate::engine::python::light::import_statement(self.text, s, e, None)
        else {
            return false;
        };
        let binds = match known {
            true => {
                let unique = |r: &Range<usize>| {
                    let w = &self.b[r.clone()];
                    w.is_ascii()
                        && self.import_words.get(w) == Some(&1)
                        && (leading || !named_before(&self.b[..s], w))
                };
                if !binds.iter().all(|b| unique(&b.local)) {
                    return false;
                }
                binds
                    .into_iter()
                    .map(|b| {
                        let binding = match (b.name, b.level) {
                            (None, _) => Binding::Module(b.module),
                            (Some(name), 0) => Binding::Symbol(b.module, name),
                            (Some(_), _) => Binding::Other,
                        };
                        (b.local, binding)
                    })
                    .collect()
            }
            false => Vec::new(),
        };
        self.left_out.push(LeftOut {
            top: true,
            line: s..e,
            imports,
            binds,
        });
        true
    }

    /// Imports in function bodies: no trigger lines of their own, but lines that bind the
    /// names they import (kept when a relevant line of the function reads one, like any other
    /// binding; [`Masker::binds`]). A nested import binds a name local to its function, so
    /// one that nothing relevant there reads adds only its `Import` facts, which the light
    /// scanner gives ([`Masker::leave_out_nested`]). Plain ones only (no `*`, `;` or
    /// suppression, ASCII names), as at module level.
    pub(super) fn nested_imports(&mut self) {
        // Open blocks (their end) and whether each is a function's.
        let mut open: Vec<(usize, bool)> = Vec::new();
        let (mut stmt_start, mut after_decorator) = (0, false);
        for i in 0..self.lines.len() {
            while open.last().is_some_and(|&(end, _)| i >= end) {
                open.pop();
            }
            let line = &self.lines[i];
            if open.is_empty() {
                // Where the module-level statement holding the line starts (its first
                // decorator; a clause continues the statement before).
                if line.kind != Kind::Clause && !after_decorator {
                    stmt_start = line.start;
                }
                after_decorator = line.kind == Kind::Decorator;
            }
            let in_function = open.iter().any(|&(_, def)| def);
            if line.header {
                open.push((self.block_end[i], line.kind == Kind::Def));
            }
            if !in_function || line.kind != Kind::Import || !line.trigger {
                continue;
            }
            let (s, e) = (line.start, line.end);
            let bytes = &self.b[s..e];
            if !plain_statement(bytes) || !bytes.is_ascii() {
                continue;
            }
            let Some((imports, binds)) =
                crate::engine::python::light::import_statement(self.text, s, e, Some(stmt_start))
            else {
                continue;
            };
            let b = self.b;
            let locals = binds.into_iter().map(|x| &b[x.local]).collect();
            self.lines[i].trigger = false;
            self.nested.insert(i, (imports, locals));
        }
    }

    /// The function-body imports [`Masker::nested_imports`] found that the mask blanked: their
    /// facts go to the extractor. In text order with the module-level ones.
    pub(super) fn leave_out_nested(&mut self) {
        let mut nested: Vec<(usize, NestedImport<'a>)> =
            std::mem::take(&mut self.nested).into_iter().collect();
        nested.retain(|(i, _)| !self.keep[*i]);
        if nested.is_empty() {
            return;
        }
        for (i, (imports, _)) in nested {
            let line = &self.lines[i];
            self.left_out.push(LeftOut {
                top: false,
                line: line.start..line.end,
                imports,
                binds: Vec::new(),
            });
        }
        self.left_out.sort_by_key(|l| l.line.start);
    }
}

/// An import line the mask may leave out: one statement (no `;`), no star import (any name may
/// resolve then) and no suppression comment.
fn plain_statement(line: &[u8]) -> bool {
    memchr::memchr2(b';', b'*', line).is_none() && memchr::memmem::find(line, b"keywire:").is_none()
}

/// Whether `word` is written in `before` as a whole word (in code, a string or a comment).
fn named_before(before: &[u8], word: &[u8]) -> bool {
    memchr::memmem::find_iter(before, word).any(|k| whole_word(before, k, k + word.len()))
}

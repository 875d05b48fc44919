//! Pruning: which function bodies and definitions cannot add a fact, so that the walk skips
//! them, and the hints an editor keeps to judge an edit inside a body without a walk.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use tree_sitter::Node;

use super::{walk_tree, Extractor};
use crate::engine::python::key_sites::is_constant_name;
use crate::engine::python::lex::whole_word;
use crate::engine::python::PyFacts;

/// What decides whether a function body could be skipped: kept with a document's facts, so
/// that an edit inside a body can be judged without a walk.
pub(super) struct PruneHints {
    /// Every name bound to an import anywhere in the module (a superset of what the walk knew
    /// at any body, so "inert" by these is inert at the walk's time too).
    pub(super) imported: Option<AhoCorasick>,
    pub(super) saw_star: bool,
}

/// [`super::extract_tree`] and its [`PruneHints`].
pub(super) fn extract_tree_hinted(text: &str, tree: &tree_sitter::Tree) -> (PyFacts, PruneHints) {
    walk_tree(text, tree, true, &[], |ex| {
        // Distinct already (see `Extractor::bind`).
        let names = &ex.imported_names;
        let (imported, unbuilt) = match names.is_empty() {
            true => (None, false),
            false => match names_automaton(names) {
                Ok(ac) => (Some(ac), false),
                Err(_) => (None, true),
            },
        };
        // Without the automaton no body can be judged inert: as after a star import.
        PruneHints {
            imported,
            saw_star: ex.saw_star || unbuilt,
        }
    })
}

/// An automaton over a few names, cheap to build (a module may add names many times).
fn names_automaton<P: AsRef<[u8]>>(names: &[P]) -> Result<AhoCorasick, aho_corasick::BuildError> {
    AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
        .prefilter(false)
        .build(names)
}

/// Tokens one of which every fact of a function body needs in its text, besides a name bound
/// to an import: imports and rebindings of outer names, configuration keys and keywords, env
/// access, `.env` loading, suppressions.
pub(super) const FACT_TOKENS: [&str; 9] = [
    "import",
    "global",
    "nonlocal",
    "config_list",
    "llm_config",
    "environ",
    "getenv",
    "dotenv",
    "keywire:",
];

/// Whether the text of a function body holds none of the tokens a fact needs (see
/// `Extractor::inert_body`): none of the fixed tokens, and none of `imported` (the names bound
/// to imports) as a whole word. Substring matches only make it answer "no" more often.
pub(super) fn inert_text(text: &[u8], imported: Option<&AhoCorasick>) -> bool {
    static TOKENS: OnceLock<AhoCorasick> = OnceLock::new();
    let tokens = TOKENS.get_or_init(|| {
        // A DFA without prefilter: the rare-byte prefilter stops too often in code.
        AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .prefilter(false)
            .build(FACT_TOKENS)
            .expect("static patterns")
    });
    if tokens.is_match(text) {
        return false;
    }
    let Some(ac) = imported else {
        return true;
    };
    // As a whole word (`os` is in `close`): overlapping matches, so that a longer name
    // matching inside a word cannot hide a shorter one that is a word. A boundary too many
    // only makes it skip less.
    !ac.find_overlapping_iter(text)
        .any(|m| whole_word(text, m.start(), m.end()))
}

impl<'a> Extractor<'a> {
    /// Whether a function body cannot add a fact, so its nodes need no visit (most of a large
    /// module's nodes are in function bodies). Its bindings are local, so skipping it changes
    /// nothing outside; inside, every fact needs a token the body would contain: a call that
    /// resolves (through a name bound to an import, in `imported_names`), an import, a
    /// `global`/`nonlocal` rebinding, `config_list`/`llm_config` keys and keywords, `environ`/
    /// `getenv`, `dotenv`, or a `keywire:` comment. Substring matches (no word boundaries) only
    /// make it skip less. Not used after a star import (any name may resolve then).
    pub(super) fn inert_body(&mut self, body: Node<'a>) -> bool {
        if self.saw_star {
            return false;
        }
        let n = self.imported_names.len();
        if n > 0
            && self
                .imported_ac
                .as_ref()
                .is_none_or(|(built, _)| *built != n)
        {
            let Ok(ac) = names_automaton(&self.imported_names) else {
                return false;
            };
            self.imported_ac = Some((n, ac));
        }
        let imported = self
            .imported_ac
            .as_ref()
            .filter(|_| n > 0)
            .map(|(_, ac)| ac);
        inert_text(self.slice(body).as_bytes(), imported)
    }

    /// Whether a whole `def` or `class` (signature, default values, body) cannot add a fact or
    /// a binding outside it, so that only its name is bound: the text holds none of the tokens
    /// a fact needs ([`Extractor::inert_body`]) and no `:=` (which binds in the enclosing
    /// scope); a class body, whose assignments count as module level, holds only methods,
    /// a docstring and assignments to names that are not credential-like (no secret constant).
    /// Skipping the signatures too keeps a large module's walk to its top level.
    pub(super) fn inert_definition(&mut self, node: Node<'a>) -> bool {
        let k = &self.g.k;
        if !self.inert_body(node)
            || memchr::memmem::find(self.slice(node).as_bytes(), b":=").is_some()
        {
            return false;
        }
        if node.kind_id() == k.function_definition {
            return true;
        }
        let Some(body) = node.child_by_field_id(self.g.f.body) else {
            return false;
        };
        let kids = self.kids(body);
        let plain = kids.iter().all(|&stmt| {
            let kind = stmt.kind_id();
            if kind == k.function_definition
                || kind == k.decorated_definition
                || kind == k.pass_statement
                || kind == k.comment
            {
                return true;
            }
            if kind != k.expression_statement || stmt.named_child_count() != 1 {
                return false;
            }
            let Some(inner) = stmt.named_child(0) else {
                return false;
            };
            if inner.kind_id() == k.string {
                return true;
            }
            inner.kind_id() == k.assignment
                && inner.child_by_field_id(self.g.f.left).is_some_and(|left| {
                    left.kind_id() == k.identifier && !is_constant_name(self.slice(left))
                })
        });
        self.recycle(kids);
        plain
    }
}

//! The facts of an edited document without a parse or a walk, when the edit cannot change them.
//!
//! Most keystrokes land inside one token: a name being typed in a function body, a comment,
//! the words of a string. When an edit stays inside one token and leaves it a token of the
//! same kind between the same neighbours, the tree keeps its shape (only that token's length
//! changes); when, in addition, no fact depends on that token, the new facts are the old ones
//! with the offsets after the token moved. [`FactsBase::reuse`] proves both from the two texts,
//! the base's tree and what its walk knew, or answers `None` (then: parse and extract).
//!
//! Tokens no fact depends on:
//! - anything inside a function body that could be skipped ([`inert_text`]) before and after
//!   the edit (the outermost such body around the token);
//! - outside function bodies, a comment that is not a `keywire:` comment before or after the
//!   edit (suppressions are the only fact read from comments).
//!
//! Both rest on skipping a body or a definition changing no fact, which the pruning
//! differential tests and the `python` fuzz target check: the facts of a walk that visits
//! every node do not read such a token.
//!
//! Edits that add or remove a line break are never reused: rows (suppression lines) stay put.

use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use tree_sitter::{Node, Tree};

use super::grammar::{grammar, language};
use super::prune::{extract_tree_hinted, inert_text, PruneHints};
use crate::engine::python::{Arg, ConfigEntry, FieldValue, PyFacts};
use crate::engine::text::Span;

/// A document's text, its exact tree and its facts: what later versions are compared with.
pub struct FactsBase {
    text: Arc<str>,
    tree: Tree,
    facts: Arc<PyFacts>,
    hints: PruneHints,
}

impl std::fmt::Debug for FactsBase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the text: it may hold secrets.
        f.debug_struct("FactsBase")
            .field("len", &self.text.len())
            .finish_non_exhaustive()
    }
}

/// The kind of token an edit stays inside.
#[derive(PartialEq)]
enum Token {
    Comment,
    /// A name or the words of a string.
    Word,
}

impl FactsBase {
    /// Extract the facts of `text` from `tree`, which must be parsed from exactly `text`.
    pub fn new(text: Arc<str>, tree: Tree) -> FactsBase {
        let (facts, hints) = extract_tree_hinted(&text, &tree);
        FactsBase {
            text,
            tree,
            facts: Arc::new(facts),
            hints,
        }
    }

    /// Parse `text` and extract its facts (`None` only if the parser cannot be made).
    pub fn parse(text: Arc<str>) -> Option<FactsBase> {
        let tree = super::new_parser()?.parse(&*text, None)?;
        Some(FactsBase::new(text, tree))
    }

    pub fn facts(&self) -> &Arc<PyFacts> {
        &self.facts
    }

    /// The facts of `text`, a later version of the base's text, when they follow from the
    /// base's without a parse: `None` unless every difference is inside one token no fact
    /// depends on. Cost: comparing the texts, plus a few tree lookups.
    pub fn reuse(&self, text: &str) -> Option<PyFacts> {
        let (old, new) = (self.text.as_bytes(), text.as_bytes());
        let Some((s, old_end, new_end)) = differing(old, new) else {
            return Some((*self.facts).clone());
        };
        // In a tree with errors, recovery may read the same bytes as other tokens after any
        // edit (a quote typed in a "comment" that an unterminated string holds): parse again.
        if self.tree.root_node().has_error() {
            return None;
        }
        let (removed, inserted) = (&old[s..old_end], &new[s..new_end]);
        // Control bytes end lines (or, NUL, the input) for the lexer.
        if removed
            .iter()
            .chain(inserted)
            .any(|&b| b < 0x20 && b != b'\t')
        {
            return None;
        }
        let delta = new_end as isize - old_end as isize;
        let (token, span) = self.token(old, new, s, old_end, new_end, delta)?;
        // A token in a function body matters unless that body could be skipped, before the
        // edit and after it; outside bodies only comments between statements are judged, and
        // not in the first two lines (a shebang or an encoding cookie moves new imports).
        match place(self.tree.root_node(), span)? {
            Place::Body(body) => self.inert_before_and_after(old, new, body, delta)?,
            Place::BetweenStatements if token == Token::Comment => {
                let second_line_end = memchr::memchr_iter(b'\n', old).nth(1);
                if second_line_end.is_none_or(|end| span.start <= end) {
                    return None;
                }
            }
            Place::BetweenStatements => return None,
        }
        let mut facts = (*self.facts).clone();
        // No fact offset lies strictly inside the token.
        map_offsets(&mut facts, &mut |x| {
            if x <= span.start {
                Some(x)
            } else if x >= span.end {
                x.checked_add_signed(delta)
            } else {
                None
            }
        })?;
        Some(facts)
    }

    /// The token of the base's tree the edit `old[s..old_end]` → `new[s..new_end]` stays
    /// inside, if it stays one token of the same kind; its span in the old text.
    fn token(
        &self,
        old: &[u8],
        new: &[u8],
        s: usize,
        old_end: usize,
        new_end: usize,
        delta: isize,
    ) -> Option<(Token, Span)> {
        let k = &grammar().k;
        let root = self.tree.root_node();
        let word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
        let ws = s - old[..s].iter().rev().take_while(|b| word(b)).count();
        let we = old_end + old[old_end..].iter().take_while(|b| word(b)).count();
        let name = root
            .descendant_for_byte_range(ws, we)
            .filter(|n| n.kind_id() == k.identifier && n.byte_range() == (ws..we));
        if name.is_some() && old[s..old_end].iter().chain(&new[s..new_end]).all(word) {
            // A name: the run of word bytes around the edit is one identifier token.
            let new_word = &new[ws..we.checked_add_signed(delta)?];
            if new_word.is_empty() || new_word[0].is_ascii_digit() {
                return None;
            }
            if is_keyword(&old[ws..we]) || is_keyword(new_word) {
                return None;
            }
            // Neighbours that could join the run to another token: a quote (a string
            // prefix), a non-ASCII identifier byte, `1.` before it (a float exponent).
            let joins = |b: Option<&u8>| matches!(b, Some(b'"' | b'\'' | 0x80..=0xff));
            let before = ws.checked_sub(1).and_then(|i| old.get(i));
            if joins(before) || joins(old.get(we)) {
                return None;
            }
            if before == Some(&b'.') && ws >= 2 && old[ws - 2].is_ascii_digit() {
                return None;
            }
            return Some((Token::Word, Span::new(ws, we)));
        }
        // A comment or string words: the smallest node around the edit and the byte before it.
        let node = root.descendant_for_byte_range(s.checked_sub(1)?, old_end)?;
        let span = Span::new(node.start_byte(), node.end_byte());
        if span.start >= s || span.end < old_end {
            return None;
        }
        let new_token = &new[span.start..span.end.checked_add_signed(delta)?];
        if node.kind_id() == k.comment {
            let suppression = |t: &[u8]| memchr::memmem::find(t, b"keywire").is_some();
            if suppression(&old[span.start..span.end]) || suppression(new_token) {
                return None;
            }
            return Some((Token::Comment, span));
        }
        if node.kind_id() == k.string_content {
            // Quotes, braces and backslashes end, split or escape string words; so may any
            // of them next to the edit. A string with escapes is not judged at all.
            let special = |b: &u8| matches!(b, b'"' | b'\'' | b'{' | b'}' | b'\\');
            let string = node.parent()?;
            let edited = old[s..old_end].iter().chain(&new[s..new_end]);
            if edited.clone().any(special)
                || old[string.byte_range()].contains(&b'\\')
                || special(&old[s - 1])
                || old.get(old_end).is_some_and(special)
                || new_token.is_empty()
            {
                return None;
            }
            return Some((Token::Word, span));
        }
        None
    }

    /// `Some` if `body` cannot hold a fact in the old text and in the new.
    fn inert_before_and_after(
        &self,
        old: &[u8],
        new: &[u8],
        body: Node<'_>,
        delta: isize,
    ) -> Option<()> {
        if self.hints.saw_star {
            return None;
        }
        let (start, end) = (body.start_byte(), body.end_byte());
        let imported = self.hints.imported.as_ref();
        let inert = inert_text(&old[start..end], imported)
            && inert_text(&new[start..end.checked_add_signed(delta)?], imported);
        inert.then_some(())
    }
}

/// The first differing byte and the ends of the differing parts: `old[s..old_end]` became
/// `new[s..new_end]`. `None` when the texts are equal.
fn differing(old: &[u8], new: &[u8]) -> Option<(usize, usize, usize)> {
    let prefix = common_len(old, new, false);
    if prefix == old.len() && prefix == new.len() {
        return None;
    }
    let max_suffix = old.len().min(new.len()) - prefix;
    let suffix = common_len(old, new, true).min(max_suffix);
    Some((prefix, old.len() - suffix, new.len() - suffix))
}

/// Length of the common start of `a` and `b` (`rev`: of their common end).
fn common_len(a: &[u8], b: &[u8], rev: bool) -> usize {
    const BLOCK: usize = 256;
    let n = a.len().min(b.len());
    let at = |s: &[u8], i: usize, len: usize| -> std::ops::Range<usize> {
        if rev {
            s.len() - i - len..s.len() - i
        } else {
            i..i + len
        }
    };
    let mut i = 0;
    // Whole blocks with one comparison each (memcmp), then byte by byte.
    while i + BLOCK <= n && a[at(a, i, BLOCK)] == b[at(b, i, BLOCK)] {
        i += BLOCK;
    }
    while i < n && a[at(a, i, 1)] == b[at(b, i, 1)] {
        i += 1;
    }
    i
}

/// Where a token sits, reached from the root through statements and their blocks only:
/// never inside an expression or an error, whose raw text a fact may hold (an import's dotted
/// name is read as written, and error recovery can put a comment inside one).
enum Place<'t> {
    /// Inside this function body, the outermost around the token.
    Body(Node<'t>),
    /// A comment that is a statement list's own child.
    BetweenStatements,
}

fn place(root: Node<'_>, token: Span) -> Option<Place<'_>> {
    /// Statement containers, and the two kinds that are statement lists.
    static KINDS: OnceLock<(HashSet<u16>, [u16; 2])> = OnceLock::new();
    let (containers, lists) = KINDS.get_or_init(|| {
        let lang = language();
        let id = |k: &str| lang.id_for_node_kind(k, true);
        let containers = [
            "module",
            "block",
            "function_definition",
            "class_definition",
            "decorated_definition",
            "if_statement",
            "elif_clause",
            "else_clause",
            "for_statement",
            "while_statement",
            "try_statement",
            "except_clause",
            "except_group_clause",
            "finally_clause",
            "with_statement",
            "match_statement",
            "case_clause",
        ]
        .into_iter()
        .map(id)
        .filter(|&id| id != 0)
        .collect();
        (containers, [id("module"), id("block")])
    });
    let g = grammar();
    let mut cursor = root.walk();
    let mut parent_kind = None;
    loop {
        let node = cursor.node();
        let kind = node.kind_id();
        if kind == g.k.function_definition {
            if let Some(body) = node.child_by_field_id(g.f.body) {
                if body.start_byte() <= token.start && token.end <= body.end_byte() {
                    return Some(Place::Body(body));
                }
            }
        }
        if kind == g.k.comment && node.start_byte() == token.start && node.end_byte() == token.end {
            return parent_kind
                .is_some_and(|k| lists.contains(&k))
                .then_some(Place::BetweenStatements);
        }
        if !containers.contains(&kind) {
            return None;
        }
        parent_kind = Some(kind);
        if cursor.goto_first_child_for_byte(token.start).is_none()
            || cursor.node().start_byte() > token.start
        {
            return None;
        }
    }
}

/// A keyword of the grammar (`if`, `print`, `match`, …): a name that may change the parse.
fn is_keyword(word: &[u8]) -> bool {
    static KEYWORDS: OnceLock<HashSet<&'static [u8]>> = OnceLock::new();
    KEYWORDS
        .get_or_init(|| {
            let lang = language();
            (0..lang.node_kind_count() as u16)
                .filter(|&id| !lang.node_kind_is_named(id))
                .filter_map(|id| lang.node_kind_for_id(id))
                .map(str::as_bytes)
                .filter(|k| {
                    k.first()
                        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
                        && k.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
                })
                .collect()
        })
        .contains(word)
}

fn entry_offsets<F: FnMut(usize) -> Option<usize>>(f: &mut F, e: &mut ConfigEntry) -> Option<()> {
    let mut span = |s: &mut Span| -> Option<()> {
        s.start = f(s.start)?;
        s.end = f(s.end)?;
        Some(())
    };
    span(&mut e.anchor)?;
    span(&mut e.span)?;
    let mut insert = Span::new(e.insert.offset, e.insert.offset);
    span(&mut insert)?;
    e.insert.offset = insert.start;
    for field in &mut e.fields {
        span(&mut field.key_span)?;
        span(&mut field.value_span)?;
        span(&mut field.span)?;
        if let FieldValue::Str(s) = &mut field.value {
            span(&mut s.span)?;
        }
    }
    Some(())
}

/// Apply `f` to every byte offset in the facts; `None` if `f` refuses one.
fn map_offsets<F: FnMut(usize) -> Option<usize>>(facts: &mut PyFacts, f: &mut F) -> Option<()> {
    fn at<F: FnMut(usize) -> Option<usize>>(f: &mut F, x: &mut usize) -> Option<()> {
        *x = f(*x)?;
        Some(())
    }
    fn span<F: FnMut(usize) -> Option<usize>>(f: &mut F, s: &mut Span) -> Option<()> {
        at(f, &mut s.start)?;
        at(f, &mut s.end)
    }
    for i in &mut facts.imports {
        span(f, &mut i.span)?;
        at(f, &mut i.stmt_start)?;
    }
    for r in &mut facts.env_reads {
        span(f, &mut r.name_span)?;
        span(f, &mut r.span)?;
        at(f, &mut r.stmt_start)?;
    }
    for w in &mut facts.env_writes {
        span(f, &mut w.name_span)?;
        span(f, &mut w.span)?;
        if let Some(v) = &mut w.value {
            span(f, &mut v.span)?;
        }
    }
    for l in &mut facts.loads {
        span(f, &mut l.span)?;
        span(f, &mut l.stmt_span)?;
        at(f, &mut l.stmt_start)?;
    }
    for e in &mut facts.entries {
        entry_offsets(f, e)?;
    }
    for a in &mut facts.agents {
        span(f, &mut a.name_span)?;
        for kw in &mut a.kwargs {
            span(f, &mut kw.name_span)?;
            span(f, &mut kw.span)?;
        }
    }
    for c in &mut facts.llm_configs {
        span(f, &mut c.span)?;
        for (_, key) in &mut c.keys {
            span(f, key)?;
        }
    }
    for c in &mut facts.secret_constants {
        span(f, &mut c.name_span)?;
        span(f, &mut c.value.span)?;
        span(f, &mut c.stmt_span)?;
    }
    for c in &mut facts.config_sources {
        span(f, &mut c.span)?;
        if let Some(name) = &mut c.name {
            span(f, &mut name.span)?;
        }
        for filter in [&mut c.filter, &mut c.where_filter] {
            if let Arg::Known(Some(filter)) = filter {
                span(f, &mut filter.span)?;
                for crit in &mut filter.criteria {
                    span(f, &mut crit.key_span)?;
                    span(f, &mut crit.span)?;
                    for v in &mut crit.values {
                        span(f, &mut v.span)?;
                        for p in &mut v.pieces {
                            span(f, p)?;
                        }
                    }
                }
            }
        }
    }
    for w in &mut facts.config_writes {
        span(f, &mut w.span)?;
        span(f, &mut w.list_span)?;
        for e in &mut w.entries {
            entry_offsets(f, e)?;
        }
    }
    for t in &mut facts.one_tuples {
        span(f, &mut t.use_span)?;
        span(f, &mut t.span)?;
        span(f, &mut t.element)?;
        span(f, &mut t.comma)?;
    }
    at(f, &mut facts.edit_points.after_imports)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::python::extract;

    const SOURCE: &str = "\
import os
from autogen import AssistantAgent

config_list = [{\"model\": \"gpt-4o\", \"api_key\": os.environ[\"OPENAI_API_KEY\"]}]  # models


def helper(items, limit=3):
    \"\"\"Keep a few.\"\"\"
    total = 0  # running total
    for item in items:
        total += len(item)
    log = f\"kept {total} of {limit} items\"
    return total


def reads():
    return os.environ[\"OTHER\"]


agent = AssistantAgent(\"a\", llm_config={\"config_list\": config_list})
";

    fn base(text: &str) -> FactsBase {
        FactsBase::parse(Arc::from(text)).unwrap()
    }

    /// `SOURCE` with the first `at` replaced by `with`; the reuse answer, checked against a
    /// fresh extraction when there is one.
    fn reuse(at: &str, with: &str) -> Option<PyFacts> {
        assert!(SOURCE.contains(at), "{at}");
        let new = SOURCE.replacen(at, with, 1);
        let reused = base(SOURCE).reuse(&new);
        if let Some(facts) = &reused {
            assert_eq!(facts, &extract(&new), "{at} → {with}");
        }
        reused
    }

    #[test]
    fn edits_inside_one_token_no_fact_reads_are_reused() {
        // A name, its start and its end, in a body with nothing to extract.
        assert!(reuse("total += len", "totals += len").is_some());
        assert!(reuse("total += len", "xtotal += len").is_some());
        assert!(reuse("total += len", "tota += len").is_some());
        // Words of a string, an f-string between its fields, a docstring.
        assert!(reuse("{total} of", "{total} out of").is_some());
        assert!(reuse("Keep a few", "Keep only a few").is_some());
        // Comments: in a function body and at module level (after facts, which move).
        assert!(reuse("# running total", "# the running total").is_some());
        let moved = reuse("# models", "# the models, all of them").unwrap();
        assert_eq!(moved.agents.len(), 1);
        assert_eq!(
            extract(SOURCE).agents[0].name_span.start + 17,
            moved.agents[0].name_span.start
        );
        // Several keystrokes at once (the composed edit is still inside the name).
        assert!(reuse("limit} items", "limitless} items").is_some());
        // No difference at all.
        assert_eq!(base(SOURCE).reuse(SOURCE), Some(extract(SOURCE)));
    }

    #[test]
    fn config_sources_and_writes_move_with_a_comment_edit() {
        let text = "import json, os\nimport autogen\n\n\
                    os.environ[\"L\"] = json.dumps([{\"model\": \"gpt-4o\"}])  # models\n\
                    c = autogen.config_list_from_json(\"L\", filter_dict={\"model\": [\"a\" \"b\"]})\n";
        let new = text.replace("# models", "# all the models");
        let reused = base(text).reuse(&new).expect("a comment edit is reused");
        assert_eq!(reused, extract(&new));
        assert_eq!(reused.config_sources.len(), 1);
        assert_eq!(reused.config_writes.len(), 1);
    }

    #[test]
    fn edits_that_may_change_facts_or_the_tree_are_not() {
        // The body starts to read the environment, or to name an import.
        assert!(reuse("total += len", "environ += len").is_none());
        assert!(reuse("total += len", "os += len").is_none());
        // A name in a body that has facts; a name at module level.
        assert!(reuse(
            "def reads():\n    return os",
            "def reads():\n    return oss"
        )
        .is_none());
        assert!(reuse("agent = ", "agents = ").is_none());
        // A name becomes a keyword, or a string prefix; a new token; a new line.
        assert!(reuse("log = f", "print = f").is_none());
        assert!(reuse("total = 0", "total =0").is_none());
        assert!(reuse("total = 0  #", "total = 0 ;#").is_none());
        assert!(reuse("# running total", "# running\n total").is_none());
        // A string: a quote, a brace, next to a brace.
        assert!(reuse("kept {total}", "kept\" {total}").is_none());
        assert!(reuse("kept {total}", "kept { {total}").is_none());
        assert!(reuse("kept {total}", "keptx{total}").is_none());
        // Comments not between statements, or in the first two lines (an encoding cookie).
        let in_dict = "import os\n\nd = {\"model\": \"m\",  # note\n     \"api_key\": \"k\"}\n";
        assert_eq!(
            base(in_dict).reuse(&in_dict.replacen("note", "notes", 1)),
            None
        );
        let after = format!("{in_dict}# the end\n");
        assert!(base(&after)
            .reuse(&after.replacen("the end", "the real end", 1))
            .is_some());
        let broken = "from a#to../gen import AssistantAgent, Use\n\nfrom b import c\n";
        let new = broken.replacen("Assistant", "Asasistant", 1);
        assert_eq!(base(broken).reuse(&new), None);
        let cookie = "#!/usr/bin/env python\n# a comment\nimport os\n";
        assert_eq!(
            base(cookie).reuse(&cookie.replacen("a comment", "coding: latin-1", 1)),
            None
        );
        // A comment becomes a suppression.
        assert!(reuse("# running total", "# keywire: ignore").is_none());
        assert!(reuse("# models", "# keywire: ignore[KW101]").is_none());
    }
}

//! The mask: before a one-shot parse, the statements that cannot change a fact are left out
//! of tree-sitter's included ranges (whole lines), so that it reads only what the walk uses.
//! Offsets and line numbers stay those of the text, and what is left is valid Python wherever
//! the text is (as if the lines left out were blank: `mask` shows it so).
//!
//! A statement can change a fact in two ways: by holding one, or by binding a name that a
//! statement holding one looks up. So, read with a Python tokenizer (logical lines, brackets,
//! strings, comments, indentation):
//!
//! - *Trigger lines* hold one of the tokens every fact needs ([`FACT_TOKENS`], `:=`; as
//!   words, but for `dotenv`: `optional_import_block` and `environment` hold none) or, as a
//!   word in code, a name that can resolve to something keywire knows: the last name of a
//!   callee the extractor resolves (a constructor's, `environ`, `getenv`, `load_dotenv`,
//!   `config_list_from_json`, `dumps`…), a name an import from `os`, `json`, `dotenv`,
//!   AutoGen, AG2 or a provider SDK binds to one (`from autogen import AssistantAgent as
//!   A`), or a name an alias binds to one (`Agent = autogen.AssistantAgent`). A line without
//!   any of these adds no fact: calls resolve only through such names (a provider's response
//!   types and errors resolve to nothing), entries need configuration keys or those calls,
//!   env access needs `environ`/`getenv`. Such a name counts only where a callee, an object
//!   whose attribute is called, or a binding can stand ([`lines::code_use`]): not in a string
//!   or comment (an f-string's replacement fields are code), not as an argument, element or
//!   annotation (`agent: AssistantAgent`, `isinstance(a, AssistantAgent)`); and `dumps`
//!   only where the extractor reads its call (a `.write(…)`) or as an alias's value. A
//!   constructor's name followed by an attribute counts only for `.from_json` (`LLMConfig
//!   .from_json(…)`): `ConversableAgent.generate_reply` resolves to nothing.
//!   `config_list` / `llm_config` count only where the extractor reads them, as a keyword or
//!   a string (a dict key), or where they are assigned (a kept line may read the binding):
//!   not as attributes (`self.llm_config = …`), parameters' annotations or names only read.
//! - In a function body, a line is *relevant* when it is a trigger line or binds a name that a
//!   relevant line of the same outermost function mentions (to a fixpoint: `cfg = [base]`
//!   makes `base` matter). Bindings inside a function are local to it, so nothing else can
//!   look them up. A chain of statements (a compound statement with its clauses, decorators
//!   with their definition) without a relevant line is left out.
//! - At module and class level, after the module's leading imports, docstrings are left out,
//!   and so is every statement chain without a trigger line (a simple statement, a `def` or
//!   `class`, an `if`/`for`/`while`/`try`/`with` with its clauses) unless a kept line mentions
//!   a name it binds (to a fixpoint; a definition binds its name, a compound statement what
//!   any of its lines binds, `as` targets included; for a class-level statement, a kept line
//!   of the class's own scope: a method's body finds no class attribute by its bare name) or
//!   it may hold a secret constant (`NAME = "…"` with a credential word in NAME, which the
//!   extractor records whether or not anything reads it) or a `match`. A chain kept so is
//!   masked inside as if it had been kept from the start. A docstring is never a trigger line
//!   (unless it carries a suppression).
//! - A module-level import statement whose words name no package keywire knows and no name
//!   bound elsewhere to something it knows (`typing`, relative imports, the standard library)
//!   is left out too: binding such a name or leaving it unbound resolves nothing either way.
//!   The light scanner reads its `Import` facts, which the extractor merges with the tree's
//!   (and counts among the leading imports). So is an import from a package keywire knows
//!   whose names no other import line holds and nothing before it names (not `os` or
//!   `dotenv`, which the extractor notes): the extractor binds its names before it walks the
//!   tree, which no statement before the import can tell.
//! - In a function body an import is no trigger line but a line that binds the names it
//!   imports (local to the function): kept when a relevant line reads one, else left out with
//!   its `Import` facts from the light scanner (a test that imports what it tests adds only
//!   those).
//! - The last statement of every block is kept, so no block is left empty and every kept
//!   statement keeps its extent; the module's own last statement is judged like the others
//!   (a notebook's last cell often prints what a conversation returned, and keeping it kept
//!   every statement it reads).
//!
//! Anything the tokenizer is not sure of (tabs in indentation, a lone `\r`, unbalanced
//! brackets, unterminated strings, inconsistent indentation, a star import from a package
//! keywire knows) leaves the text unmasked. Syntax errors inside statements left out are not
//! seen: `has_syntax_errors` then speaks of the statements kept.

use rustc_hash::{FxHashMap, FxHashSet as HashSet};
use std::ops::Range;

use crate::engine::python::key_sites::is_constant_name;
use crate::engine::python::lex::{ident_at, is_keyword};
use crate::engine::python::Import;

mod imports;
mod lines;
mod triggers;

use self::lines::{fstring_words, logical_lines, tokens, Kind, Line, Tok};

/// What the mask leaves to the parser, and the import statements it left out with their facts.
pub(super) struct Kept {
    pub(super) ranges: Vec<Range<usize>>,
    pub(super) imports: Vec<LeftOut>,
}

/// An import statement left out of the parse: at module level ([`Masker::leave_out_import`])
/// or in a function body ([`Masker::nested_imports`]).
#[derive(Debug)]
pub(in crate::engine::python) struct LeftOut {
    /// At module level (one of the statements `EditPoints::after_imports` counts).
    pub(in crate::engine::python) top: bool,
    /// Its logical line (a trailing comment included).
    pub(in crate::engine::python) line: Range<usize>,
    /// Its facts, as the extractor would give them.
    pub(in crate::engine::python) imports: Vec<Import>,
    /// The names it binds that can resolve to something keywire knows (its text span), bound
    /// by the extractor before it walks the tree (no other import line holds them and nothing
    /// before the import names them); empty for an import from a package keywire does not
    /// know, whose names resolve to nothing bound or not, and for one in a function body.
    pub(in crate::engine::python) binds: Vec<(Range<usize>, super::Binding)>,
}

/// The byte ranges of `text` left to the parser (whole lines; the rest are the statements
/// that cannot change a fact); None when nothing is left out or the text is not plain enough
/// to be sure. Without `configs`, for a module whose model configurations no rule reads (test
/// code, see `engine/test_code.rs`): constructors and `config_list` / `llm_config` are no
/// triggers, so only env access, `.env` loading, imports, suppressions and secret constants
/// keep their statements.
fn kept_for(text: &str, configs: bool) -> Option<Kept> {
    let b = text.as_bytes();
    let lines = logical_lines(b)?;
    let mut m = Masker::new(text, lines)?;
    m.triggers(configs)?;
    m.nested_imports();
    let mut anchor = false;
    m.module_block(0..m.lines.len(), true, &mut anchor);
    m.settle();
    m.leave_out_nested();
    let imports = std::mem::take(&mut m.left_out);
    Some(Kept {
        ranges: m.ranges()?,
        imports,
    })
}

/// `text` with what [`kept_for`] leaves out blanked (every byte but line breaks a space).
pub(super) fn mask(text: &str, configs: bool) -> Option<String> {
    let kept = kept_for(text, configs)?.ranges;
    let mut out = text.as_bytes().to_vec();
    let mut from = 0;
    for r in kept
        .iter()
        .chain(std::iter::once(&(text.len()..text.len())))
    {
        for c in &mut out[from..r.start] {
            if *c != b'\n' && *c != b'\r' {
                *c = b' ';
            }
        }
        from = r.end;
    }
    String::from_utf8(out).ok()
}

/// [`kept_for`] as tree-sitter ranges (rows and columns counted in `text`), and the import
/// statements left out.
pub(super) fn kept_ranges(
    text: &str,
    configs: bool,
) -> Option<(Vec<tree_sitter::Range>, Vec<LeftOut>)> {
    let Kept {
        ranges: kept,
        imports,
    } = kept_for(text, configs)?;
    let b = text.as_bytes();
    let mut row = 0;
    let mut at = 0;
    let mut point = |to: usize| {
        row += memchr::memchr_iter(b'\n', &b[at..to]).count();
        at = to;
        // Every boundary is a line start, or the end of the text.
        let col = to
            - b[..to]
                .iter()
                .rposition(|&c| c == b'\n')
                .map_or(0, |k| k + 1);
        tree_sitter::Point::new(row, col)
    };
    let ranges = kept
        .into_iter()
        .map(|r| {
            let start_point = point(r.start);
            let end_point = point(r.end);
            tree_sitter::Range {
                start_byte: r.start,
                end_byte: r.end,
                start_point,
                end_point,
            }
        })
        .collect();
    Some((ranges, imports))
}

struct Masker<'a> {
    text: &'a str,
    b: &'a [u8],
    lines: Vec<Line>,
    /// Per line: the first line after its block (its body, for a header; the next line
    /// otherwise).
    block_end: Vec<usize>,
    keep: Vec<bool>,
    /// Module- and class-level statements blanked until a kept line mentions a name they bind
    /// (see [`Masker::settle`]).
    units: Vec<Unit<'a>>,
    /// The unit whose lines [`Masker::module_block`] is in.
    unit: Option<usize>,
    /// Words an import left out must not bind: every name that can resolve to something
    /// keywire knows ([`Masker::triggers`]) and every word of an import from a package it
    /// knows.
    bound_elsewhere: HashSet<&'a [u8]>,
    /// How often each word occurs on the module's import lines ([`Masker::triggers`]).
    import_words: FxHashMap<&'a [u8], u32>,
    /// An import binds the name `dumps` ([`Masker::triggers`]).
    dumps_rebound: bool,
    /// Imports in function bodies, by line: their facts and the names they bind
    /// ([`Masker::nested_imports`]).
    nested: FxHashMap<usize, NestedImport<'a>>,
    left_out: Vec<LeftOut>,
}

/// An import in a function body: its facts, and the names it binds.
type NestedImport<'a> = (Vec<Import>, Vec<&'a [u8]>);

/// A module- or class-level statement left out unless a kept line reads what it binds: a
/// simple statement, or a chain of compound statements without a trigger line.
struct Unit<'a> {
    /// The names it binds where its block's lines can look them up (a superset).
    names: Vec<&'a [u8]>,
    /// The lines kept if it is read (a chain's are judged as if it were kept).
    kept: Vec<usize>,
    /// The chain it is in: it can only be kept with it.
    parent: Option<usize>,
    /// Its first line.
    start: usize,
}

impl<'a> Masker<'a> {
    /// Checks the indentation as Python would, and finds every block's end.
    fn new(text: &'a str, lines: Vec<Line>) -> Option<Self> {
        let b = text.as_bytes();
        let n = lines.len();
        let mut block_end: Vec<usize> = (1..=n).collect();
        // Open headers (line index) and the indentation of every open block.
        let mut open: Vec<usize> = Vec::new();
        let mut levels: Vec<usize> = vec![0];
        for (i, line) in lines.iter().enumerate() {
            let top = *levels.last()?;
            let opened = i > 0 && lines[i - 1].header;
            if opened {
                if line.indent <= top {
                    return None;
                }
                levels.push(line.indent);
                open.push(i - 1);
                continue;
            }
            if line.indent > top {
                return None;
            }
            while line.indent < *levels.last()? {
                levels.pop();
                block_end[open.pop()?] = i;
            }
            if line.indent != *levels.last()? {
                return None;
            }
        }
        if lines.last().is_some_and(|l| l.header) {
            return None;
        }
        for h in open {
            block_end[h] = n;
        }
        Some(Masker {
            text,
            b,
            keep: vec![true; n],
            lines,
            block_end,
            units: Vec::new(),
            unit: None,
            bound_elsewhere: HashSet::default(),
            import_words: FxHashMap::default(),
            dumps_rebound: false,
            nested: FxHashMap::default(),
            left_out: Vec::new(),
        })
    }

    /// The names line `i` may bind (a superset): assignment targets, `for` targets, a
    /// definition's name, `:=` targets.
    fn binds(&self, i: usize, mut f: impl FnMut(&'a [u8])) {
        let b = self.b;
        let line = &self.lines[i];
        let (s, e) = (line.start, line.end);
        if let Some((_, locals)) = self.nested.get(&i) {
            locals.iter().for_each(|&w| f(w));
            return;
        }
        if line.kind == Kind::Def || line.kind == Kind::Class {
            let mut j = s;
            for _ in 0..3 {
                let w = ident_at(&b[..e], j);
                if w.is_empty() {
                    break;
                }
                if !matches!(w, b"async" | b"def" | b"class") {
                    f(w);
                    break;
                }
                j += w.len();
                while j < e && matches!(b[j], b' ' | b'\t' | b'\\' | b'\r' | b'\n') {
                    j += 1;
                }
            }
        }
        let mut in_for = line.kind == Kind::For;
        let mut segment: Vec<&'a [u8]> = Vec::new();
        let mut last_ident: Option<&'a [u8]> = None;
        // In `x: T = v`, what `T` names is read, not bound.
        let mut annotation = false;
        tokens(b, s, e, |t| match t {
            Tok::Ident(..) if annotation => {}
            Tok::Ident(ws, we, depth) => {
                let w = &b[ws..we];
                last_ident = Some(w);
                if in_for && depth == 0 && w == b"in" {
                    in_for = false;
                }
                if is_keyword(w) {
                    return;
                }
                if in_for {
                    f(w);
                }
                let after_dot = ws > 0 && b[ws - 1] == b'.';
                let before_access = matches!(b.get(we), Some(b'.' | b'(' | b'['));
                if !after_dot && !before_access {
                    segment.push(w);
                }
            }
            Tok::Assign => {
                annotation = false;
                for w in segment.drain(..) {
                    f(w);
                }
            }
            Tok::Walrus => {
                if let Some(w) = last_ident {
                    f(w);
                }
            }
            Tok::Colon => annotation = !in_for && line.kind == Kind::Simple,
            Tok::FStr(..) => {}
        });
    }

    /// The names line `i` mentions (not after a `.`; f-strings' words included).
    fn words(&self, i: usize, out: &mut HashSet<&'a [u8]>) {
        let b = self.b;
        let line = &self.lines[i];
        tokens(b, line.start, line.end, |t| match t {
            Tok::Ident(ws, we, _) => {
                let w = &b[ws..we];
                let after_dot = ws > 0 && b[ws - 1] == b'.';
                if !after_dot && !is_keyword(w) {
                    out.insert(w);
                }
            }
            Tok::FStr(s, e) => fstring_words(b, s, e, |ws, we| {
                out.insert(&b[ws..we]);
            }),
            _ => {}
        });
    }

    /// The statement chains of the block `r` (its lines at the first line's indentation): a
    /// statement with its decorators and its `elif`/`else`/`except`/`finally` clauses.
    fn chains(&self, r: Range<usize>) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut i = r.start;
        while i < r.end {
            let s = i;
            while i + 1 < r.end && self.lines[i].kind == Kind::Decorator {
                i += 1;
            }
            i = self.block_end[i];
            while i < r.end && self.lines[i].kind == Kind::Clause {
                i = self.block_end[i];
            }
            out.push(s..i);
        }
        out
    }

    /// The lines of chain `c` at its own indentation (decorators, headers, clauses).
    fn heads(&self, c: &Range<usize>) -> Vec<usize> {
        let indent = self.lines[c.start].indent;
        c.clone()
            .filter(|&i| self.lines[i].indent == indent)
            .collect()
    }

    fn any_trigger(&self, c: &Range<usize>) -> bool {
        self.lines[c.clone()].iter().any(|l| l.trigger)
    }

    fn blank(&mut self, c: Range<usize>) {
        for k in &mut self.keep[c] {
            *k = false;
        }
    }

    /// Module or class level: statements without a trigger line are left out (as units, see
    /// [`Masker::settle`]) unless a kept line reads what they bind; function bodies are judged
    /// statement by statement.
    fn module_block(&mut self, r: Range<usize>, top: bool, anchor: &mut bool) {
        let chains = self.chains(r.clone());
        for c in chains {
            let last = c.end == r.end;
            let heads = self.heads(&c);
            let Some(&head) = heads
                .iter()
                .find(|&&h| self.lines[h].kind != Kind::Decorator)
            else {
                continue;
            };
            let line = &self.lines[head];
            let (kind, header) = (line.kind, line.header);
            if top
                && kind == Kind::Import
                && c.len() == 1
                && !last
                && self.leave_out_import(head, !*anchor)
            {
                self.blank(c);
                continue;
            }
            // The module's own last statement may go too: no block is left empty there.
            let free = (!last || top) && (!top || *anchor) && !self.any_trigger(&c);
            if kind == Kind::Str && c.len() == 1 && self.lines[head].pure && free {
                self.blank(c);
                continue;
            }
            let unit = self.open_unit(&c, head, free);
            match kind {
                Kind::Def if header => self.function_body(head + 1..self.block_end[head]),
                Kind::Def => {}
                Kind::Class if header => {
                    self.module_block(head + 1..self.block_end[head], false, anchor)
                }
                _ => {
                    for h in heads {
                        if self.lines[h].header {
                            self.module_block(h + 1..self.block_end[h], false, anchor);
                        }
                    }
                }
            }
            self.close_unit(unit, c, head);
            if top && !matches!(kind, Kind::Import | Kind::Str) {
                *anchor = true;
            }
        }
    }

    /// Starts a unit for chain `c` (its first statement at `head`) when it may be left out:
    /// free (no trigger line, not the last statement of a block but the module, not before
    /// the leading imports end), no secret constant at its level or in its blocks', and no
    /// `match` (whose patterns bind names). Returns it and the unit it is in.
    fn open_unit(
        &mut self,
        c: &Range<usize>,
        head: usize,
        free: bool,
    ) -> Option<(usize, Option<usize>)> {
        if !free {
            return None;
        }
        // A function's body is neither module nor class level.
        let own = match self.lines[head].kind {
            Kind::Def => c.start..head + 1,
            _ => c.clone(),
        };
        let b = self.b;
        let unsure = own.into_iter().any(|i| {
            let l = &self.lines[i];
            matches!(ident_at(b, l.start), b"match" | b"case")
                || (matches!(l.kind, Kind::Simple | Kind::Str) && self.may_be_secret_constant(i))
        });
        if unsure {
            return None;
        }
        self.units.push(Unit {
            names: Vec::new(),
            kept: Vec::new(),
            parent: self.unit,
            start: c.start,
        });
        let outer = self.unit.replace(self.units.len() - 1);
        Some((self.units.len() - 1, outer))
    }

    /// Ends the unit [`Masker::open_unit`] started: records what the chain binds and keeps,
    /// and blanks it. A definition binds its name (what its body binds is its own); other
    /// statements bind what any of their lines does.
    fn close_unit(&mut self, unit: Option<(usize, Option<usize>)>, c: Range<usize>, head: usize) {
        let Some((k, outer)) = unit else {
            return;
        };
        let mut names = Vec::new();
        if matches!(self.lines[head].kind, Kind::Def | Kind::Class) {
            self.binds(head, |w| names.push(w));
        } else {
            for i in c.clone() {
                self.binds(i, |w| names.push(w));
                self.as_targets(i, |w| names.push(w));
            }
        }
        let kept = c.clone().filter(|&i| self.keep[i]).collect();
        self.units[k].names = names;
        self.units[k].kept = kept;
        self.blank(c);
        self.unit = outer;
    }

    /// Whether line `i` may be `NAME = "literal"` with a credential-like NAME, which the
    /// extractor records at module and class level whether or not anything reads NAME.
    fn may_be_secret_constant(&self, i: usize) -> bool {
        let b = self.b;
        let line = &self.lines[i];
        if memchr::memchr2(b'"', b'\'', &b[line.start..line.end]).is_none() {
            return false;
        }
        let mut credential = false;
        tokens(b, line.start, line.end, |t| {
            if let Tok::Ident(s, e, _) = t {
                credential |= std::str::from_utf8(&b[s..e]).is_ok_and(is_constant_name);
            }
        });
        credential
    }

    /// Keeps the [`Masker::units`] that bind a name some kept line mentions (to a fixpoint,
    /// a unit only with the chain it is in): a module-level name can be looked up from
    /// anywhere, a class-level one only from its class's own lines (decorators and
    /// definitions' headers included, not the bodies of its methods: a method reads class
    /// attributes through `self.` or the class's name, as the extractor's lookup does).
    fn settle(&mut self) {
        if self.units.is_empty() {
            return;
        }
        let class_of = self.class_scopes();
        let mut mentioned: HashSet<&'a [u8]> = HashSet::default();
        let mut in_class: FxHashMap<usize, HashSet<&'a [u8]>> = FxHashMap::default();
        let mention = |m: &Self,
                       i: usize,
                       all: &mut HashSet<&'a [u8]>,
                       in_class: &mut FxHashMap<usize, HashSet<&'a [u8]>>| {
            m.words(i, all);
            if let Some(c) = class_of[i] {
                m.words(i, in_class.entry(c).or_default());
            }
        };
        for i in 0..self.lines.len() {
            if self.keep[i] {
                mention(self, i, &mut mentioned, &mut in_class);
            }
        }
        let mut kept = vec![false; self.units.len()];
        loop {
            let mut changed = false;
            for k in 0..self.units.len() {
                let u = &self.units[k];
                let seen = match class_of[u.start] {
                    Some(c) => in_class.get(&c),
                    None => Some(&mentioned),
                };
                if kept[k]
                    || u.parent.is_some_and(|p| !kept[p])
                    || !seen.is_some_and(|seen| u.names.iter().any(|w| seen.contains(w)))
                {
                    continue;
                }
                kept[k] = true;
                changed = true;
                for j in 0..self.units[k].kept.len() {
                    let i = self.units[k].kept[j];
                    self.keep[i] = true;
                    mention(self, i, &mut mentioned, &mut in_class);
                }
            }
            if !changed {
                return;
            }
        }
    }

    /// Per line, the class whose own scope it is in (the class's header line), or None at
    /// module level and in functions.
    fn class_scopes(&self) -> Vec<Option<usize>> {
        let mut out = vec![None; self.lines.len()];
        // Open definitions: where their body ends, and the class it is.
        let mut open: Vec<(usize, Option<usize>)> = Vec::new();
        for (i, line) in self.lines.iter().enumerate() {
            while open.last().is_some_and(|&(end, _)| end <= i) {
                open.pop();
            }
            out[i] = open.last().and_then(|&(_, c)| c);
            if line.header {
                match line.kind {
                    Kind::Class => open.push((self.block_end[i], Some(i))),
                    Kind::Def => open.push((self.block_end[i], None)),
                    _ => {}
                }
            }
        }
        out
    }

    /// The names after `as` on line `i` (`with … as f`, `except … as e`; a superset: every
    /// name after the first `as`).
    fn as_targets(&self, i: usize, mut f: impl FnMut(&'a [u8])) {
        let b = self.b;
        let line = &self.lines[i];
        if !matches!(line.kind, Kind::Compound | Kind::Clause) {
            return;
        }
        let mut after = false;
        tokens(b, line.start, line.end, |t| {
            if let Tok::Ident(s, e, _) = t {
                let w = &b[s..e];
                if after && !is_keyword(w) {
                    f(w);
                }
                after |= w == b"as";
            }
        });
    }

    /// Of `lines`, those that bind a name in `mentioned`, to a fixpoint: each one found adds
    /// the names it mentions.
    fn bindings_read(
        &self,
        lines: impl IntoIterator<Item = usize>,
        mentioned: &mut HashSet<&'a [u8]>,
    ) -> Vec<usize> {
        let mut binds: Vec<(usize, Vec<&'a [u8]>)> = Vec::new();
        for i in lines {
            let mut names = Vec::new();
            self.binds(i, |w| names.push(w));
            if !names.is_empty() {
                binds.push((i, names));
            }
        }
        let mut found = Vec::new();
        loop {
            let before = found.len();
            binds.retain(|(i, names)| {
                let read = names.iter().any(|w| mentioned.contains(w));
                if read {
                    found.push(*i);
                    self.words(*i, mentioned);
                }
                !read
            });
            if found.len() == before {
                return found;
            }
        }
    }

    /// The body of a function (lines `r`, nested blocks included): relevant lines to a
    /// fixpoint, then the chains without one blanked.
    fn function_body(&mut self, r: Range<usize>) {
        let mut relevant: Vec<bool> = self.lines[r.clone()].iter().map(|l| l.trigger).collect();
        if relevant.iter().any(|&x| x) {
            let mut mentioned: HashSet<&'a [u8]> = HashSet::default();
            for i in r.clone().filter(|&i| relevant[i - r.start]) {
                self.words(i, &mut mentioned);
            }
            let others = r.clone().filter(|&i| !relevant[i - r.start]);
            for i in self.bindings_read(others.collect::<Vec<_>>(), &mut mentioned) {
                relevant[i - r.start] = true;
            }
        }
        self.function_block(r.clone(), r.start, &relevant);
    }

    fn function_block(&mut self, r: Range<usize>, base: usize, relevant: &[bool]) {
        let chains = self.chains(r.clone());
        for c in chains {
            let last = c.end == r.end;
            if !last && !relevant[c.start - base..c.end - base].iter().any(|&x| x) {
                self.blank(c);
                continue;
            }
            for h in self.heads(&c) {
                if self.lines[h].header {
                    self.function_block(h + 1..self.block_end[h], base, relevant);
                }
            }
        }
    }

    /// The kept byte ranges: everything but the blanked lines (whole physical lines, line
    /// breaks included) and the comment lines between two of them.
    fn ranges(self) -> Option<Vec<Range<usize>>> {
        if self.keep.iter().all(|&k| k) {
            return None;
        }
        let b = self.b;
        let after_break = |end: usize| match b.get(end) {
            Some(b'\r') => end + 2,
            Some(_) => end + 1,
            None => end,
        };
        let mut out: Vec<Range<usize>> = Vec::new();
        let mut from = 0;
        for (i, line) in self.lines.iter().enumerate() {
            if self.keep[i] {
                continue;
            }
            let mut skip = line.start - line.indent..after_break(line.end);
            // Comment lines up to the next blanked statement (the next code line keeps its
            // indentation, so no comment changes where a block ends); suppressions stay.
            if let Some(next) = self.lines.get(i + 1).filter(|_| !self.keep[i + 1]) {
                let gap = skip.end..next.start - next.indent;
                if memchr::memmem::find(&b[gap.clone()], b"keywire:").is_none() {
                    skip.end = gap.end;
                }
            }
            if skip.start > from {
                out.push(from..skip.start);
            }
            from = from.max(skip.end);
        }
        if from < b.len() {
            out.push(from..b.len());
        }
        if out.is_empty() {
            // No range at all would be the whole text to tree-sitter.
            out.push(b.len()..b.len());
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests;

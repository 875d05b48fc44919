//! tree-sitter → [`PyFacts`].
//!
//! One iterative pass over the tree (a [`TreeCursor`] plus an explicit frame stack, so nesting
//! depth never touches the native stack). Work happens on *exit* of a node, when everything
//! inside it has been seen: env reads are recorded before the dicts and calls holding them, and
//! names are bound after their right-hand side, so "the last binding before the use" is simply
//! the binding in scope when the use is reached.
//!
//! Names bound to list or dict literals keep a precomputed ("pending") form of their entries,
//! promoted into the facts when the name is later used as a `config_list` / `llm_config`.
//!
//! Choices the fact types leave open:
//! - "Module level" means "not inside a function or lambda body": top-level `if`/`try`/`with`/
//!   `for` blocks, class bodies, decorators and default values all count.
//! - Constructors, env access and dotenv calls are recognised only through imports
//!   (`from m import X [as Y]`, `import m [as n]` + attribute chains, `from m import *`);
//!   local `def`/`class`/parameters/assignments shadow them. Only names bound *before* a use
//!   are known (a function body cannot see a module-level import placed after it).
//! - Entries: dicts and `dict(...)` calls in a `config_list` (of any dict literal, any call's
//!   `config_list=` keyword, or through a name bound to a list literal); `llm_config=` values of
//!   any call that are dicts without `config_list` but with one of [`ENTRY_KEYS`] (AG2 accepts
//!   a single entry there); `LLMConfig` positional dicts and entry keywords; client kwargs.
//!   Entries reached through `LLMConfig`/`OpenAIWrapper` carry that constructor.
//! - A dict key that is not a string literal, or a syntax error inside the entry, counts as a
//!   splat (`has_splat`): unknown fields.
//! - `AgentCall::name_span` and entry anchors of `mod.Cls(...)` are the `Cls` identifier.
//! - `EnvWrite::span` is the assignment, the `setdefault` call, or the `update` pair/keyword;
//!   for `update(X=v)` the name span is the keyword.
//! - Output vectors are in source order (env reads renumbered accordingly).

mod calls;
mod entries;
mod env;
mod grammar;
mod imports;
mod incremental;
mod mask;
mod prune;
mod scope;
mod sources;
#[cfg(test)]
mod tests;

use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::cell::RefCell;

use aho_corasick::AhoCorasick;
use tree_sitter::{Node, Parser, TreeCursor};

pub use incremental::FactsBase;

use self::grammar::{grammar, language, Grammar};
use self::mask::LeftOut;
use super::lex::{after_imports_offset, newline_of};
use super::strings;
use super::{ConfigEntry, EnvRead, FieldValue, PyFacts, StrLit, Suppression};
use crate::engine::providers::Constructor;
use crate::engine::suppression::parse_suppression;
use crate::engine::text::Span;

/// Extract facts from Python source. Never panics; syntax errors give best-effort facts.
///
/// Statements that cannot change a fact are left out of the parse (see `mask.rs`); where that
/// leaves a tree with errors, the text is parsed as written.
pub fn extract(text: &str) -> PyFacts {
    extract_masked(text, true)
}

/// [`extract`] for a module whose model configurations no rule reads (test code under the
/// default test policy, see `engine/test_code.rs`): the mask leaves configurations out, so its
/// entries, agents, clients and config sources may be missing; its imports, env access, env
/// writes, load points, secret constants, suppressions and edit points are [`extract`]'s.
pub fn extract_without_configs(text: &str) -> PyFacts {
    extract_masked(text, false)
}

fn extract_masked(text: &str, configs: bool) -> PyFacts {
    if let Some((ranges, left_out)) = mask::kept_ranges(text, configs) {
        if let Some(tree) = parse(text, &ranges).filter(|t| !t.root_node().has_error()) {
            // The mask left out what pruning would skip (a body without a relevant line keeps
            // only its last statement); pruning would scan each body's whole text again.
            return walk_tree(text, &tree, false, &left_out, |_| ()).0;
        }
    }
    extract_unmasked(text)
}

/// What [`extract`] parses: `text` with the statements it leaves out blanked; None when it
/// parses `text` as written (for benchmarks and differential tests).
#[doc(hidden)]
pub fn masked_text(text: &str) -> Option<String> {
    mask::mask(text, true)
}

/// [`masked_text`] as [`extract_without_configs`] parses it.
#[doc(hidden)]
pub fn masked_text_without_configs(text: &str) -> Option<String> {
    mask::mask(text, false)
}

/// `facts` without the model configurations [`extract_without_configs`] may leave out: what it
/// gives equals this of [`extract_unpruned`]'s (for differential tests and benchmarks).
#[doc(hidden)]
pub fn configs_left_out(mut facts: PyFacts) -> PyFacts {
    facts.entries.clear();
    facts.agents.clear();
    facts.llm_configs.clear();
    facts.config_sources.clear();
    facts.one_tuples.clear();
    facts
}

#[doc(hidden)]
pub fn masked_ranges(text: &str) -> Option<Vec<tree_sitter::Range>> {
    mask::kept_ranges(text, true).map(|(ranges, _)| ranges)
}

/// [`extract`] without the mask: every statement parsed (and so every syntax error seen).
pub fn extract_unmasked(text: &str) -> PyFacts {
    match parse(text, &[]) {
        Some(tree) => extract_tree(text, &tree),
        None => PyFacts {
            edit_points: super::EditPoints {
                newline: newline_of(text),
                ..Default::default()
            },
            ..PyFacts::default()
        },
    }
}

/// A parse of `ranges` of `text` (all of it when empty) with this thread's parser.
fn parse(text: &str, ranges: &[tree_sitter::Range]) -> Option<tree_sitter::Tree> {
    thread_local! {
        static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
    }
    PARSER
        .try_with(|cell| match cell.try_borrow_mut() {
            Ok(mut slot) => {
                if slot.is_none() {
                    *slot = new_parser();
                }
                let parser = slot.as_mut()?;
                parser.reset();
                parser.set_included_ranges(ranges).ok()?;
                parser.parse(text, None)
            }
            // Re-entered on this thread (cannot happen today): use a private parser.
            Err(_) => {
                let mut parser = new_parser()?;
                parser.set_included_ranges(ranges).ok()?;
                parser.parse(text, None)
            }
        })
        .ok()
        .flatten()
}

/// [`extract`] from a tree already parsed from exactly `text` (an editor's document, kept
/// current by incremental reparsing): the walk without the parse.
pub fn extract_tree(text: &str, tree: &tree_sitter::Tree) -> PyFacts {
    extract_tree_with(text, tree, true)
}

/// [`extract`] parsing every statement and visiting every node, even function bodies that
/// cannot hold a fact (for the differential tests of the mask and the pruning).
#[doc(hidden)]
pub fn extract_unpruned(text: &str) -> PyFacts {
    match parse(text, &[]) {
        Some(tree) => extract_tree_with(text, &tree, false),
        None => extract_unmasked(text),
    }
}

fn extract_tree_with(text: &str, tree: &tree_sitter::Tree, prune: bool) -> PyFacts {
    walk_tree(text, tree, prune, &[], |_| ()).0
}

/// Walk `tree` and finish its facts; `seen` reads the extractor before it finishes.
/// `left_out`: the module-level imports the mask left out of `tree`, in text order.
fn walk_tree<'a, T>(
    text: &'a str,
    tree: &'a tree_sitter::Tree,
    prune: bool,
    left_out: &[LeftOut],
    seen: impl FnOnce(&Extractor<'a>) -> T,
) -> (PyFacts, T) {
    let root = tree.root_node();
    let mut ex = Extractor::new(text, root);
    ex.prune = prune;
    // Imports left out from packages keywire knows: their names are bound first, which no
    // statement before them can tell (`mask/imports.rs`).
    for (local, binding) in left_out.iter().flat_map(|l| &l.binds) {
        ex.bind(&text[local.clone()], binding.clone());
    }
    ex.walk(root);
    let seen = seen(&ex);
    let mut facts = ex.finish(root, left_out);
    facts.edit_points.newline = newline_of(text);
    if !left_out.is_empty() {
        facts
            .imports
            .extend(left_out.iter().flat_map(|l| l.imports.iter().cloned()));
        // Stable: one statement's imports share a start and stay in their order.
        facts.imports.sort_by_key(|i| i.span.start);
    }
    (facts, seen)
}

fn new_parser() -> Option<Parser> {
    let mut parser = Parser::new();
    parser.set_language(language()).ok()?;
    Some(parser)
}

/// Keys / keywords whose presence makes a dict or an `LLMConfig(...)` call a model entry.
const ENTRY_KEYS: &[&str] = &["model", "api_key", "api_type", "base_url"];

/// An entry with one of [`ENTRY_KEYS`].
fn is_entry_like(e: &ConfigEntry) -> bool {
    e.fields
        .iter()
        .any(|f| ENTRY_KEYS.contains(&f.key.as_str()))
}

/// `module` is `package` or inside it (`autogen` ⊇ `autogen.agentchat`, not `autogen_ext`).
fn under(module: &str, package: &str) -> bool {
    module == package
        || (module.len() > package.len()
            && module.starts_with(package)
            && module.as_bytes()[package.len()] == b'.')
}

/// What a callee or object expression resolves to through the imports.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Callee {
    /// `os.environ`.
    Environ,
    Getenv,
    EnvironGet,
    EnvironSetdefault,
    EnvironUpdate,
    LoadDotenv,
    DotenvValues,
    FindDotenv,
    ConfigListFromDotenv,
    ConfigListFromJson,
    /// `json.dumps`.
    JsonDumps,
    /// `json.dump`.
    JsonDump,
    Ctor(&'static Constructor),
}

/// What a name is bound to in a scope.
#[derive(Clone, Debug)]
enum Binding {
    /// `import a.b as x` → `a.b`; `import a.b` binds `a` → `a`.
    Module(String),
    /// `from m import n [as x]` → (`m`, `n`).
    Symbol(String, String),
    Str(StrLit),
    /// Index into the env reads.
    Env(usize),
    /// A list literal (index into the pending lists).
    List(usize),
    /// A dict literal (index into the pending dicts).
    Dict(usize),
    /// A `for` variable over a literal list of strings: `for k in ["A_KEY", "B_KEY"]`.
    Strs(Vec<StrLit>),
    /// A one-element tuple (`{...},`): the tuple, its element and its comma.
    OneTuple(Span, Span, Span),
    /// Anything else: shadows outer bindings.
    Other,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ScopeKind {
    Module,
    Class,
    Function,
}

struct Scope<'a> {
    kind: ScopeKind,
    names: HashMap<&'a str, Binding>,
    /// Modules star-imported into this scope.
    stars: Vec<String>,
}

impl Scope<'_> {
    fn new(kind: ScopeKind) -> Self {
        Scope {
            kind,
            names: HashMap::default(),
            stars: Vec::new(),
        }
    }
}

/// An element of a list literal bound to a name.
enum PendingItem {
    Entry(Box<ConfigEntry>),
    /// A name bound to a dict literal.
    Dict(usize),
}

struct PendingList {
    items: Vec<PendingItem>,
    used: bool,
    /// Every element became an item (a dict literal, `dict(...)` or a name bound to a dict).
    complete: bool,
}

struct PendingDict {
    span: Span,
    keys: Vec<(String, Span)>,
    /// The dict as one model entry (AG2-style `llm_config={"model": ..., "api_key": ...}`).
    entry: Option<ConfigEntry>,
    /// Already recorded as an llm_config (it has a `config_list`, or was used once).
    config_recorded: bool,
    entry_used: bool,
}

struct Frame<'a> {
    node: Node<'a>,
    kind: u16,
    field: u16,
    pops_scope: bool,
    pops_function: bool,
}

/// Arguments of a call, split.
#[derive(Default)]
struct Args<'a> {
    positional: Vec<Node<'a>>,
    /// (name, keyword_argument node, value)
    keywords: Vec<(&'a str, Node<'a>, Node<'a>)>,
    has_splat: bool,
}

impl<'a> Args<'a> {
    fn keyword(&self, name: &str) -> Option<Node<'a>> {
        self.keywords
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|&(_, _, v)| v)
    }
}

struct Extractor<'a> {
    text: &'a str,
    g: &'static Grammar,
    facts: PyFacts,
    frames: Vec<Frame<'a>>,
    scopes: Vec<Scope<'a>>,
    function_depth: usize,
    env_index: HashMap<usize, usize>,
    pending_lists: Vec<PendingList>,
    pending_dicts: Vec<PendingDict>,
    cursors: Vec<TreeCursor<'a>>,
    node_vecs: Vec<Vec<Node<'a>>>,
    /// `import dotenv [as d]` at module scope: the local name.
    dotenv_module: Option<String>,
    /// Skip function bodies that cannot hold a fact ([`Extractor::inert_body`]).
    prune: bool,
    /// Names ever bound to an import (`Module`/`Symbol`): the only way a call resolves to
    /// something keywire knows, besides star imports.
    imported_names: Vec<&'a str>,
    /// An automaton over `imported_names`, and how many names it was built from.
    imported_ac: Option<(usize, AhoCorasick)>,
    saw_star: bool,
}

impl<'a> Extractor<'a> {
    fn new(text: &'a str, root: Node<'a>) -> Self {
        Extractor {
            text,
            g: grammar(),
            facts: PyFacts::default(),
            frames: Vec::new(),
            scopes: vec![Scope::new(ScopeKind::Module)],
            function_depth: 0,
            env_index: HashMap::default(),
            pending_lists: Vec::new(),
            pending_dicts: Vec::new(),
            cursors: vec![root.walk()],
            node_vecs: Vec::new(),
            dotenv_module: None,
            prune: true,
            imported_names: Vec::new(),
            imported_ac: None,
            saw_star: false,
        }
    }

    fn slice(&self, node: Node) -> &'a str {
        self.text.get(node.byte_range()).unwrap_or("")
    }

    fn span(node: Node) -> Span {
        Span::new(node.start_byte(), node.end_byte())
    }

    /// All children (named and anonymous, extras included), from a recycled vector.
    fn kids(&mut self, node: Node<'a>) -> Vec<Node<'a>> {
        let mut out = self.node_vecs.pop().unwrap_or_default();
        out.clear();
        let mut cursor = match self.cursors.pop() {
            Some(mut c) => {
                c.reset(node);
                c
            }
            None => node.walk(),
        };
        if cursor.goto_first_child() {
            loop {
                out.push(cursor.node());
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
        }
        self.cursors.push(cursor);
        out
    }

    fn recycle(&mut self, v: Vec<Node<'a>>) {
        if self.node_vecs.len() < 16 {
            self.node_vecs.push(v);
        }
    }

    fn unwrap_parens(&self, mut node: Node<'a>) -> Node<'a> {
        while node.kind_id() == self.g.k.parenthesized_expression {
            match node.named_child(0) {
                Some(inner) if !inner.is_extra() => node = inner,
                _ => break,
            }
        }
        node
    }

    /// The value of a plain string literal (or concatenation of them).
    fn str_value(&self, node: Node<'a>) -> Option<Cow<'a, str>> {
        let k = &self.g.k;
        let kind = node.kind_id();
        if kind == k.string {
            if node.has_error() {
                return None;
            }
            return strings::decode_literal(self.slice(node));
        }
        if kind == k.concatenated_string {
            let mut out = String::new();
            let mut cursor = node.walk();
            for part in node.named_children(&mut cursor) {
                if part.is_extra() {
                    continue;
                }
                if part.kind_id() != k.string || part.has_error() {
                    return None;
                }
                out.push_str(&strings::decode_literal(self.slice(part))?);
            }
            return Some(Cow::Owned(out));
        }
        None
    }

    fn str_lit(&self, node: Node<'a>) -> Option<StrLit> {
        self.str_value(node).map(|v| StrLit {
            value: v.into_owned(),
            span: Self::span(node),
        })
    }

    fn is_str(&self, node: Node<'a>, expected: &str) -> bool {
        self.str_value(node).is_some_and(|v| v == expected)
    }

    fn is_true(&self, node: Node<'a>) -> Option<bool> {
        let node = self.unwrap_parens(node);
        if node.kind_id() == self.g.k.true_ {
            Some(true)
        } else if node.kind_id() == self.g.k.false_ {
            Some(false)
        } else {
            None
        }
    }

    /// The top-level statement enclosing the node being exited (frames already popped).
    fn top_stmt(&self, node: Node<'a>) -> Node<'a> {
        self.frames.get(1).map_or(node, |f| f.node)
    }

    fn module_level(&self) -> bool {
        self.function_depth == 0
    }

    fn dotted(&self, node: Node<'a>) -> String {
        self.slice(node)
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\\')
            .collect()
    }

    fn split_args(&mut self, args: Node<'a>) -> Args<'a> {
        let k = &self.g.k;
        let mut out = Args::default();
        if args.kind_id() != k.argument_list {
            return out;
        }
        let kids = self.kids(args);
        for &kid in &kids {
            if !kid.is_named() || kid.is_extra() {
                continue;
            }
            let kind = kid.kind_id();
            if kind == k.keyword_argument {
                if let (Some(name), Some(value)) = (
                    kid.child_by_field_id(self.g.f.name),
                    kid.child_by_field_id(self.g.f.value),
                ) {
                    out.keywords.push((self.slice(name), kid, value));
                }
            } else if kind == k.dictionary_splat || kind == k.list_splat {
                out.has_splat = true;
            } else {
                out.positional.push(kid);
            }
        }
        self.recycle(kids);
        out
    }

    /// Str / Env value of an expression, directly or through a simple binding.
    fn field_value(&self, value: Node<'a>) -> FieldValue {
        let value = self.unwrap_parens(value);
        let k = &self.g.k;
        let kind = value.kind_id();
        if kind == k.string || kind == k.concatenated_string {
            return self
                .str_lit(value)
                .map_or(FieldValue::Other, FieldValue::Str);
        }
        if let Some(&i) = self.env_index.get(&value.id()) {
            return FieldValue::Env(i);
        }
        if kind == k.identifier {
            return match self.lookup(self.slice(value)) {
                Some(Binding::Str(s)) => FieldValue::Str(s.clone()),
                Some(Binding::Env(i)) => FieldValue::Env(*i),
                _ => FieldValue::Other,
            };
        }
        FieldValue::Other
    }

    fn walk(&mut self, root: Node<'a>) {
        let mut cursor = root.walk();
        loop {
            let node = cursor.node();
            let field = cursor.field_id().map_or(0, |f| f.get());
            if self.enter(node, field) && cursor.goto_first_child() {
                continue;
            }
            loop {
                self.exit();
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return;
                }
            }
        }
    }

    /// Returns whether to descend into the node.
    fn enter(&mut self, node: Node<'a>, field: u16) -> bool {
        let g = self.g;
        let k = &g.k;
        let kind = node.kind_id();
        let mut frame = Frame {
            node,
            kind,
            field,
            pops_scope: false,
            pops_function: false,
        };
        if kind == k.comment {
            let text = self.slice(node);
            if let Some(codes) = parse_suppression(text) {
                self.facts.suppressions.push(Suppression {
                    line: node.start_position().row,
                    codes,
                });
            }
            self.frames.push(frame);
            return false;
        }
        if field != 0 && field == g.f.body {
            if let Some(parent) = self.frames.last().map(|f| f.node) {
                let pk = parent.kind_id();
                if pk == k.function_definition {
                    self.scopes.push(Scope::new(ScopeKind::Function));
                    self.function_depth += 1;
                    frame.pops_scope = true;
                    frame.pops_function = true;
                    if let Some(params) = parent.child_by_field_id(g.f.parameters) {
                        self.bind_parameters(params);
                    }
                    if self.prune && self.inert_body(node) {
                        self.frames.push(frame);
                        return false;
                    }
                } else if pk == k.class_definition {
                    self.scopes.push(Scope::new(ScopeKind::Class));
                    frame.pops_scope = true;
                } else if pk == k.lambda {
                    self.function_depth += 1;
                    frame.pops_function = true;
                }
            }
        }
        if kind == k.function_definition || kind == k.class_definition {
            if let Some(name) = node.child_by_field_id(g.f.name) {
                let name = self.slice(name);
                self.bind(name, Binding::Other);
            }
            if self.prune && self.inert_definition(node) {
                self.frames.push(frame);
                return false;
            }
        } else if kind == k.import_statement
            || kind == k.import_from_statement
            || kind == k.future_import_statement
        {
            self.import(node);
            // Nothing below an import is read again, unless a comment (a suppression) sits
            // between its parentheses.
            if !self.slice(node).contains('#') {
                self.frames.push(frame);
                return false;
            }
        } else if kind == k.string {
            // Only an f-string (or t-string) holds code; the rest of a string is text.
            let text = self.slice(node).as_bytes();
            let prefix = &text[..text
                .iter()
                .position(|&c| c == b'"' || c == b'\'')
                .unwrap_or(0)];
            if !prefix
                .iter()
                .any(|c| matches!(c, b'f' | b'F' | b't' | b'T'))
            {
                self.frames.push(frame);
                return false;
            }
        } else if kind == k.for_statement {
            if let Some(left) = node.child_by_field_id(g.f.left) {
                match self.loop_strings(left, node.child_by_field_id(g.f.right)) {
                    Some(strs) => {
                        let name = self.slice(left);
                        self.bind(name, Binding::Strs(strs));
                    }
                    None => self.bind_targets_other(left),
                }
            }
        }
        self.frames.push(frame);
        true
    }

    fn exit(&mut self) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        let k = &self.g.k;
        let kind = frame.kind;
        if kind == k.call {
            self.call(frame.node);
        } else if kind == k.subscript {
            self.subscript(&frame);
        } else if kind == k.dictionary {
            self.dictionary(frame.node);
        } else if kind == k.assignment || kind == k.augmented_assignment {
            self.assignment(&frame);
        } else if kind == k.named_expression {
            self.walrus(frame.node);
        }
        if frame.pops_scope && self.scopes.len() > 1 {
            self.scopes.pop();
        }
        if frame.pops_function {
            self.function_depth = self.function_depth.saturating_sub(1);
        }
    }

    fn finish(mut self, root: Node<'a>, left_out: &[LeftOut]) -> PyFacts {
        let mut facts = std::mem::take(&mut self.facts);
        facts.has_syntax_errors = root.has_error();
        if facts.edit_points.load_dotenv_name.is_none() {
            facts.edit_points.load_dotenv_name = self
                .dotenv_module
                .take()
                .map(|m| format!("{m}.load_dotenv"));
        }
        facts.edit_points.after_imports = self.after_imports(root, left_out);

        // Source order everywhere; env reads are renumbered for the entries pointing at them.
        let mut order: Vec<usize> = (0..facts.env_reads.len()).collect();
        order.sort_by_key(|&i| (facts.env_reads[i].span.start, facts.env_reads[i].span.end));
        let mut new_index = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_index[old] = new;
        }
        let mut reads: Vec<Option<EnvRead>> = facts.env_reads.drain(..).map(Some).collect();
        facts.env_reads = order.iter().filter_map(|&i| reads[i].take()).collect();
        for e in &mut facts.entries {
            for f in &mut e.fields {
                if let FieldValue::Env(i) = &mut f.value {
                    *i = new_index.get(*i).copied().unwrap_or(*i);
                }
            }
        }
        facts
            .entries
            .sort_by_key(|e| (e.span.start, e.anchor.start));
        facts.agents.sort_by_key(|a| a.name_span.start);
        facts.llm_configs.sort_by_key(|c| c.span.start);
        facts.env_writes.sort_by_key(|w| w.span.start);
        facts.loads.sort_by_key(|l| l.span.start);
        facts.config_sources.sort_by_key(|c| c.span.start);
        // A file written with a config list matters only where the same module loads one.
        if facts.config_sources.is_empty() {
            facts
                .config_writes
                .retain(|w| w.target != crate::engine::python::WriteTarget::File);
        }
        facts.config_writes.sort_by_key(|c| c.span.start);
        facts
    }

    /// Start of the line after the leading block of imports (see [`super::EditPoints`]);
    /// `left_out`: import statements among the module's that are not in the tree.
    fn after_imports(&mut self, root: Node<'a>, left_out: &[LeftOut]) -> usize {
        let k = &self.g.k;
        let kids = self.kids(root);
        let mut last_import = None;
        let mut docstring = None;
        let mut first_stmt = true;
        let mut left_out = left_out.iter().filter(|l| l.top).peekable();
        for &kid in &kids {
            while let Some(l) = left_out.next_if(|l| l.line.start < kid.start_byte()) {
                last_import = Some(l.line.end);
                first_stmt = false;
            }
            let kind = kid.kind_id();
            if kind == k.comment || kid.is_extra() {
                continue;
            }
            if kind == k.import_statement
                || kind == k.import_from_statement
                || kind == k.future_import_statement
            {
                last_import = Some(kid.end_byte());
            } else if first_stmt
                && kind == k.expression_statement
                && kid.named_child_count() == 1
                && kid.named_child(0).is_some_and(|s| {
                    s.kind_id() == k.string || s.kind_id() == k.concatenated_string
                })
            {
                docstring = Some(kid.end_byte());
            } else {
                break;
            }
            first_stmt = false;
        }
        self.recycle(kids);
        after_imports_offset(self.text, last_import.or(docstring))
    }
}

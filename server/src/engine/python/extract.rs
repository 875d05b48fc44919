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

mod incremental;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use tree_sitter::{Language, Node, Parser, TreeCursor};

pub use incremental::FactsBase;

use super::lex::{after_imports_offset, is_ident_byte, newline_of};
use super::strings;
use super::{
    AgentCall, ConfigEntry, EntrySource, EnvRead, EnvReadKind, EnvWrite, Field, FieldValue, Import,
    InsertPoint, Kwarg, LlmConfigDict, LoadKind, LoadPath, LoadPoint, PyFacts, SecretConstant,
    StrLit, Suppression,
};
use crate::engine::providers::{Constructor, ConstructorKind, Generation, CONSTRUCTORS};
use crate::engine::secrets::{self, NameMatch};
use crate::engine::suppression::parse_suppression;
use crate::engine::text::Span;

/// Extract facts from Python source. Never panics; syntax errors give best-effort facts.
pub fn extract(text: &str) -> PyFacts {
    thread_local! {
        static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
    }
    let tree = PARSER
        .try_with(|cell| match cell.try_borrow_mut() {
            Ok(mut slot) => {
                if slot.is_none() {
                    *slot = new_parser();
                }
                let parser = slot.as_mut()?;
                parser.reset();
                parser.parse(text, None)
            }
            // Re-entered on this thread (cannot happen today): use a private parser.
            Err(_) => new_parser()?.parse(text, None),
        })
        .ok()
        .flatten();
    match tree {
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

/// [`extract`] from a tree already parsed from exactly `text` (an editor's document, kept
/// current by incremental reparsing): the walk without the parse.
pub fn extract_tree(text: &str, tree: &tree_sitter::Tree) -> PyFacts {
    extract_tree_with(text, tree, true)
}

/// [`extract`] visiting every node, even function bodies that cannot hold a fact (for the
/// differential tests of that pruning).
#[doc(hidden)]
pub fn extract_unpruned(text: &str) -> PyFacts {
    let Some(tree) = new_parser().and_then(|mut p| p.parse(text, None)) else {
        return extract(text);
    };
    extract_tree_with(text, &tree, false)
}

fn extract_tree_with(text: &str, tree: &tree_sitter::Tree, prune: bool) -> PyFacts {
    walk_tree(text, tree, prune, |_| ()).0
}

/// Walk `tree` and finish its facts; `seen` reads the extractor before it finishes.
fn walk_tree<'a, T>(
    text: &'a str,
    tree: &'a tree_sitter::Tree,
    prune: bool,
    seen: impl FnOnce(&Extractor<'a>) -> T,
) -> (PyFacts, T) {
    let root = tree.root_node();
    let mut ex = Extractor::new(text, root);
    ex.prune = prune;
    ex.walk(root);
    let seen = seen(&ex);
    let mut facts = ex.finish(root);
    facts.edit_points.newline = newline_of(text);
    (facts, seen)
}

/// What decides whether a function body could be skipped: kept with a document's facts, so
/// that an edit inside a body can be judged without a walk.
struct PruneHints {
    /// Every name bound to an import anywhere in the module (a superset of what the walk knew
    /// at any body, so "inert" by these is inert at the walk's time too).
    imported: Option<AhoCorasick>,
    saw_star: bool,
}

/// [`extract_tree`] and its [`PruneHints`].
fn extract_tree_hinted(text: &str, tree: &tree_sitter::Tree) -> (PyFacts, PruneHints) {
    walk_tree(text, tree, true, |ex| {
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

fn language() -> &'static Language {
    static LANG: OnceLock<Language> = OnceLock::new();
    LANG.get_or_init(|| tree_sitter_python::LANGUAGE.into())
}

fn new_parser() -> Option<Parser> {
    let mut parser = Parser::new();
    parser.set_language(language()).ok()?;
    Some(parser)
}

/// An automaton over a few names, cheap to build (a module may add names many times).
fn names_automaton<P: AsRef<[u8]>>(names: &[P]) -> Result<AhoCorasick, aho_corasick::BuildError> {
    AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
        .prefilter(false)
        .build(names)
}

/// Whether the text of a function body holds none of the tokens a fact needs (see
/// `Extractor::inert_body`): none of the fixed tokens, and none of `imported` (the names bound
/// to imports) as a whole word. Substring matches only make it answer "no" more often.
fn inert_text(text: &[u8], imported: Option<&AhoCorasick>) -> bool {
    static TOKENS: OnceLock<AhoCorasick> = OnceLock::new();
    let tokens = TOKENS.get_or_init(|| {
        // A DFA without prefilter: the rare-byte prefilter stops too often in code.
        AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .prefilter(false)
            .build([
                "import",
                "global",
                "nonlocal",
                "config_list",
                "llm_config",
                "environ",
                "getenv",
                "dotenv",
                "keywire:",
            ])
            .expect("static patterns")
    });
    if tokens.is_match(text) {
        return false;
    }
    let Some(ac) = imported else {
        return true;
    };
    // As a whole word (`os` is in `close`): overlapping matches, so that a longer name
    // matching inside a word cannot hide a shorter one that is a word.
    let word = |c: Option<&u8>| c.is_some_and(|&c| is_ident_byte(c));
    !ac.find_overlapping_iter(text).any(|m| {
        !word(m.start().checked_sub(1).and_then(|i| text.get(i))) && !word(text.get(m.end()))
    })
}

/// Node kind ids of the Python grammar.
struct Kinds {
    comment: u16,
    string_content: u16,
    call: u16,
    argument_list: u16,
    keyword_argument: u16,
    dictionary: u16,
    pair: u16,
    dictionary_splat: u16,
    list_splat: u16,
    list: u16,
    tuple: u16,
    subscript: u16,
    attribute: u16,
    identifier: u16,
    string: u16,
    concatenated_string: u16,
    parenthesized_expression: u16,
    assignment: u16,
    augmented_assignment: u16,
    expression_statement: u16,
    import_statement: u16,
    import_from_statement: u16,
    future_import_statement: u16,
    aliased_import: u16,
    dotted_name: u16,
    relative_import: u16,
    import_prefix: u16,
    wildcard_import: u16,
    function_definition: u16,
    class_definition: u16,
    decorated_definition: u16,
    pass_statement: u16,
    comparison_operator: u16,
    assert_statement: u16,
    with_statement: u16,
    except_clause: u16,
    lambda: u16,
    delete_statement: u16,
    named_expression: u16,
    for_statement: u16,
    pattern_list: u16,
    tuple_pattern: u16,
    list_pattern: u16,
    default_parameter: u16,
    typed_parameter: u16,
    typed_default_parameter: u16,
    list_splat_pattern: u16,
    dictionary_splat_pattern: u16,
    true_: u16,
    false_: u16,
    none: u16,
    comma: u16,
}

/// Field ids of the Python grammar (0 when absent, which never matches a real field).
struct Fields {
    left: u16,
    right: u16,
    body: u16,
    value: u16,
    name: u16,
    function: u16,
    arguments: u16,
    key: u16,
    object: u16,
    attribute: u16,
    alias: u16,
    module_name: u16,
    parameters: u16,
}

struct Grammar {
    k: Kinds,
    f: Fields,
}

fn grammar() -> &'static Grammar {
    static G: OnceLock<Grammar> = OnceLock::new();
    G.get_or_init(|| {
        let lang = language();
        let n = |s: &str| lang.id_for_node_kind(s, true);
        let a = |s: &str| lang.id_for_node_kind(s, false);
        let f = |s: &str| lang.field_id_for_name(s).map_or(0, |id| id.get());
        Grammar {
            k: Kinds {
                comment: n("comment"),
                string_content: n("string_content"),
                call: n("call"),
                argument_list: n("argument_list"),
                keyword_argument: n("keyword_argument"),
                dictionary: n("dictionary"),
                pair: n("pair"),
                dictionary_splat: n("dictionary_splat"),
                list_splat: n("list_splat"),
                list: n("list"),
                tuple: n("tuple"),
                subscript: n("subscript"),
                attribute: n("attribute"),
                identifier: n("identifier"),
                string: n("string"),
                concatenated_string: n("concatenated_string"),
                parenthesized_expression: n("parenthesized_expression"),
                assignment: n("assignment"),
                augmented_assignment: n("augmented_assignment"),
                expression_statement: n("expression_statement"),
                import_statement: n("import_statement"),
                import_from_statement: n("import_from_statement"),
                future_import_statement: n("future_import_statement"),
                aliased_import: n("aliased_import"),
                dotted_name: n("dotted_name"),
                relative_import: n("relative_import"),
                import_prefix: n("import_prefix"),
                wildcard_import: n("wildcard_import"),
                function_definition: n("function_definition"),
                class_definition: n("class_definition"),
                decorated_definition: n("decorated_definition"),
                pass_statement: n("pass_statement"),
                comparison_operator: n("comparison_operator"),
                assert_statement: n("assert_statement"),
                with_statement: n("with_statement"),
                except_clause: n("except_clause"),
                lambda: n("lambda"),
                delete_statement: n("delete_statement"),
                named_expression: n("named_expression"),
                for_statement: n("for_statement"),
                pattern_list: n("pattern_list"),
                tuple_pattern: n("tuple_pattern"),
                list_pattern: n("list_pattern"),
                default_parameter: n("default_parameter"),
                typed_parameter: n("typed_parameter"),
                typed_default_parameter: n("typed_default_parameter"),
                list_splat_pattern: n("list_splat_pattern"),
                dictionary_splat_pattern: n("dictionary_splat_pattern"),
                true_: n("true"),
                false_: n("false"),
                none: n("none"),
                comma: a(","),
            },
            f: Fields {
                left: f("left"),
                right: f("right"),
                body: f("body"),
                value: f("value"),
                name: f("name"),
                function: f("function"),
                arguments: f("arguments"),
                key: f("key"),
                object: f("object"),
                attribute: f("attribute"),
                alias: f("alias"),
                module_name: f("module_name"),
                parameters: f("parameters"),
            },
        }
    })
}

/// Keys / keywords whose presence makes a dict or an `LLMConfig(...)` call a model entry.
const ENTRY_KEYS: &[&str] = &["model", "api_key", "api_type", "base_url"];

/// Lists / dicts bigger than this bound to a name are data, not configuration: not tracked.
const MAX_PENDING_ITEMS: usize = 512;
/// Attribute chains longer than this are not resolved.
const MAX_CHAIN: usize = 12;
/// Innermost scopes searched before falling back to the module scope.
const MAX_SCOPE_SEARCH: usize = 32;

/// A module constant with this name may hold a key KW104 reports.
fn is_credential_name(name: &str) -> bool {
    secrets::credential_name(name, NameMatch::UnderscoreParts)
}

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
    Ctor(&'static Constructor),
}

/// Final names worth resolving (cheap filter before building dotted paths).
fn interesting(name: &str) -> bool {
    matches!(
        name,
        "environ"
            | "getenv"
            | "get"
            | "setdefault"
            | "update"
            | "load_dotenv"
            | "dotenv_values"
            | "find_dotenv"
            | "config_list_from_dotenv"
    ) || CONSTRUCTORS.iter().any(|c| c.name == name)
}

/// `name` imported from `module`.
fn classify(module: &str, name: &str) -> Option<Callee> {
    match (module, name) {
        ("os", "environ") => return Some(Callee::Environ),
        ("os", "getenv") => return Some(Callee::Getenv),
        ("os.environ", "get") => return Some(Callee::EnvironGet),
        ("os.environ", "setdefault") => return Some(Callee::EnvironSetdefault),
        ("os.environ", "update") => return Some(Callee::EnvironUpdate),
        _ => {}
    }
    if under(module, "dotenv") {
        return match name {
            "load_dotenv" => Some(Callee::LoadDotenv),
            "dotenv_values" => Some(Callee::DotenvValues),
            "find_dotenv" => Some(Callee::FindDotenv),
            _ => None,
        };
    }
    if name == "config_list_from_dotenv" && (under(module, "autogen") || under(module, "ag2")) {
        return Some(Callee::ConfigListFromDotenv);
    }
    CONSTRUCTORS
        .iter()
        .find(|c| c.name == name && c.packages.iter().any(|p| under(module, p)))
        .map(Callee::Ctor)
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
            names: HashMap::new(),
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
            env_index: HashMap::new(),
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

    // ----- small helpers -------------------------------------------------------------------

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

    // ----- scopes --------------------------------------------------------------------------

    fn lookup(&self, name: &str) -> Option<&Binding> {
        let last = self.scopes.len().saturating_sub(1);
        for (i, scope) in self.scopes.iter().enumerate().rev().take(MAX_SCOPE_SEARCH) {
            if scope.kind == ScopeKind::Class && i != last {
                continue;
            }
            if let Some(b) = scope.names.get(name) {
                return Some(b);
            }
        }
        if self.scopes.len() > MAX_SCOPE_SEARCH {
            return self.scopes.first()?.names.get(name);
        }
        None
    }

    fn star_classify(&self, name: &str) -> Option<Callee> {
        let last = self.scopes.len().saturating_sub(1);
        self.scopes
            .iter()
            .enumerate()
            .rev()
            .filter(|(i, s)| s.kind != ScopeKind::Class || *i == last)
            .flat_map(|(_, s)| s.stars.iter())
            .find_map(|m| classify(m, name))
    }

    fn bind(&mut self, name: &'a str, binding: Binding) {
        if name.is_empty() {
            return;
        }
        // Distinct names only: the automaton over them is rebuilt when one is added.
        if matches!(binding, Binding::Module(_) | Binding::Symbol(..))
            && !self.imported_names.contains(&name)
        {
            self.imported_names.push(name);
        }
        // `try: from autogen_agentchat… import X` / `except ImportError: from autogen import X`:
        // the fallback runs only where the first import failed, so the first one is what the
        // code is written against.
        if matches!(binding, Binding::Module(_) | Binding::Symbol(..))
            && self.in_import_fallback()
            && self.scopes.last().is_some_and(|scope| {
                matches!(
                    scope.names.get(name),
                    Some(Binding::Module(_) | Binding::Symbol(..))
                )
            })
        {
            return;
        }
        if let Some(scope) = self.scopes.last_mut() {
            scope.names.insert(name, binding);
        }
    }

    /// Inside `except ImportError:` (or `ModuleNotFoundError`, or a bare `except:`).
    fn in_import_fallback(&self) -> bool {
        let k = &self.g.k;
        self.frames.iter().any(|f| {
            f.kind == k.except_clause && {
                let text = self.slice(f.node);
                let head = text.split(':').next().unwrap_or(text);
                head.contains("ImportError")
                    || head.contains("ModuleNotFoundError")
                    || head.trim() == "except"
            }
        })
    }

    /// Bind every identifier of a simple target (`a`, `a, b`, `(a, [b])`) to Other.
    fn bind_targets_other(&mut self, target: Node<'a>) {
        let k = &self.g.k;
        let kind = target.kind_id();
        if kind == k.identifier {
            let name = self.slice(target);
            self.bind(name, Binding::Other);
        } else if kind == k.pattern_list
            || kind == k.tuple_pattern
            || kind == k.list_pattern
            || kind == k.list_splat_pattern
            || kind == k.parenthesized_expression
        {
            let kids = self.kids(target);
            for &kid in &kids {
                if kid.kind_id() == k.identifier {
                    let name = self.slice(kid);
                    self.bind(name, Binding::Other);
                }
            }
            self.recycle(kids);
        }
    }

    fn bind_parameters(&mut self, params: Node<'a>) {
        let k = &self.g.k;
        let kids = self.kids(params);
        for &p in &kids {
            let kind = p.kind_id();
            let name_node = if kind == k.identifier {
                Some(p)
            } else if kind == k.default_parameter || kind == k.typed_default_parameter {
                p.child_by_field_id(self.g.f.name)
            } else if kind == k.typed_parameter
                || kind == k.list_splat_pattern
                || kind == k.dictionary_splat_pattern
            {
                let mut found = None;
                for i in 0..p.named_child_count().min(4) {
                    if let Some(c) = p.named_child(i) {
                        if c.kind_id() == k.identifier {
                            found = Some(c);
                            break;
                        }
                        if c.kind_id() == k.list_splat_pattern
                            || c.kind_id() == k.dictionary_splat_pattern
                        {
                            found = c.named_child(0).filter(|n| n.kind_id() == k.identifier);
                            break;
                        }
                    }
                }
                found
            } else {
                None
            };
            if let Some(n) = name_node {
                let name = self.slice(n);
                self.bind(name, Binding::Other);
            }
        }
        self.recycle(kids);
    }

    // ----- resolution ----------------------------------------------------------------------

    /// Resolve a callee / object expression through the imports: the meaning and the final
    /// name node (`Cls` in `mod.Cls`).
    fn resolve(&self, expr: Node<'a>) -> Option<(Callee, Node<'a>)> {
        let k = &self.g.k;
        let f = &self.g.f;
        let mut parts: [&'a str; MAX_CHAIN] = [""; MAX_CHAIN];
        let mut n = 0;
        let mut cur = expr;
        let mut name_node = expr;
        while cur.kind_id() == k.attribute {
            if n == MAX_CHAIN {
                return None;
            }
            let attr = cur.child_by_field_id(f.attribute)?;
            parts[n] = self.slice(attr);
            if n == 0 {
                if !interesting(parts[0]) {
                    return None;
                }
                name_node = attr;
            }
            n += 1;
            cur = cur.child_by_field_id(f.object)?;
        }
        if cur.kind_id() != k.identifier {
            return None;
        }
        let base = self.slice(cur);
        let path = |root: &str| {
            let mut p = String::with_capacity(root.len() + 32);
            p.push_str(root);
            for part in parts[1..n].iter().rev() {
                p.push('.');
                p.push_str(part);
            }
            p
        };
        let callee = match self.lookup(base) {
            Some(Binding::Module(m)) if n > 0 => classify(&path(m), parts[0]),
            Some(Binding::Symbol(m, s)) => {
                if n == 0 {
                    classify(m, s)
                } else {
                    classify(&path(&format!("{m}.{s}")), parts[0])
                }
            }
            Some(_) => None,
            None if n == 0 => self.star_classify(base),
            None => None,
        }?;
        Some((callee, name_node))
    }

    fn is_environ(&self, expr: Node<'a>) -> bool {
        matches!(self.resolve(expr), Some((Callee::Environ, _)))
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

    // ----- walk ----------------------------------------------------------------------------

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

    /// Whether a function body cannot add a fact, so its nodes need no visit (most of a large
    /// module's nodes are in function bodies). Its bindings are local, so skipping it changes
    /// nothing outside; inside, every fact needs a token the body would contain: a call that
    /// resolves (through a name bound to an import, in `imported_names`), an import, a
    /// `global`/`nonlocal` rebinding, `config_list`/`llm_config` keys and keywords, `environ`/
    /// `getenv`, `dotenv`, or a `keywire:` comment. Substring matches (no word boundaries) only
    /// make it skip less. Not used after a star import (any name may resolve then).
    fn inert_body(&mut self, body: Node<'a>) -> bool {
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
    fn inert_definition(&mut self, node: Node<'a>) -> bool {
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
                    left.kind_id() == k.identifier && !is_credential_name(self.slice(left))
                })
        });
        self.recycle(kids);
        plain
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

    // ----- imports -------------------------------------------------------------------------

    fn import(&mut self, node: Node<'a>) {
        let g = self.g;
        let k = &g.k;
        let kind = node.kind_id();
        let module_level = self.module_level();
        let stmt_start = self.frames.get(1).map_or(node, |f| f.node).start_byte();
        let module_scope = self.scopes.len() == 1;
        let span = Self::span(node);

        // (field, child) pairs.
        let mut children: Vec<(u16, Node<'a>)> = Vec::new();
        let mut cursor = self.cursors.pop().unwrap_or_else(|| node.walk());
        cursor.reset(node);
        if cursor.goto_first_child() {
            loop {
                children.push((cursor.field_id().map_or(0, |f| f.get()), cursor.node()));
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
        }
        self.cursors.push(cursor);

        if kind == k.import_statement {
            for &(field, child) in &children {
                if field != g.f.name {
                    continue;
                }
                let ck = child.kind_id();
                let (module, alias) = if ck == k.dotted_name {
                    (self.dotted(child), None)
                } else if ck == k.aliased_import {
                    let Some(name) = child.child_by_field_id(g.f.name) else {
                        continue;
                    };
                    let alias = child.child_by_field_id(g.f.alias).map(|a| self.slice(a));
                    (self.dotted(name), alias)
                } else {
                    continue;
                };
                if module.is_empty() {
                    continue;
                }
                match alias {
                    Some(alias) => {
                        if module_scope && module == "dotenv" {
                            self.dotenv_module = Some(alias.to_string());
                        }
                        self.bind(alias, Binding::Module(module.clone()));
                    }
                    None => {
                        let first_len = module.find('.').unwrap_or(module.len());
                        let first = &module[..first_len];
                        if module_scope && first == "os" {
                            self.facts.edit_points.has_import_os = true;
                        }
                        if module_scope && module == "dotenv" {
                            self.dotenv_module = Some("dotenv".to_string());
                        }
                        // The bound name is the first component, as written in the text.
                        let name_text = self.slice(child);
                        let local = name_text
                            .split('.')
                            .next()
                            .map(str::trim)
                            .unwrap_or_default();
                        self.bind(local, Binding::Module(first.to_string()));
                    }
                }
                self.facts.imports.push(Import {
                    module,
                    level: 0,
                    names: Vec::new(),
                    span,
                    module_level,
                    stmt_start,
                });
            }
            return;
        }

        let (module, level) = if kind == k.future_import_statement {
            ("__future__".to_string(), 0)
        } else {
            let Some(&(_, m)) = children.iter().find(|(f, _)| *f == g.f.module_name) else {
                return;
            };
            if m.kind_id() == k.relative_import {
                let mut level = 0u32;
                let mut module = String::new();
                let mut c = m.walk();
                for part in m.named_children(&mut c) {
                    if part.kind_id() == k.import_prefix {
                        level += self.slice(part).bytes().filter(|&b| b == b'.').count() as u32;
                    } else if part.kind_id() == k.dotted_name {
                        module = self.dotted(part);
                    }
                }
                (module, level)
            } else {
                (self.dotted(m), 0)
            }
        };
        let mut names = Vec::new();
        for &(field, child) in &children {
            let ck = child.kind_id();
            if ck == k.wildcard_import {
                names.push("*".to_string());
                if level == 0 {
                    self.saw_star = true;
                    if let Some(scope) = self.scopes.last_mut() {
                        scope.stars.push(module.clone());
                    }
                }
                continue;
            }
            if field != g.f.name {
                continue;
            }
            let (name, local) = if ck == k.dotted_name {
                (self.dotted(child), self.slice(child).trim())
            } else if ck == k.aliased_import {
                let Some(n) = child.child_by_field_id(g.f.name) else {
                    continue;
                };
                let alias = child
                    .child_by_field_id(g.f.alias)
                    .map_or("", |a| self.slice(a));
                (self.dotted(n), alias)
            } else {
                continue;
            };
            if level == 0 && kind != k.future_import_statement {
                if module_scope && under(&module, "dotenv") && name == "load_dotenv" {
                    self.facts.edit_points.load_dotenv_name = Some(local.to_string());
                }
                self.bind(local, Binding::Symbol(module.clone(), name.clone()));
            } else {
                self.bind(local, Binding::Other);
            }
            names.push(name);
        }
        self.facts.imports.push(Import {
            module,
            level,
            names,
            span,
            module_level,
            stmt_start,
        });
    }

    // ----- env reads / writes --------------------------------------------------------------

    fn push_env_read(&mut self, node: Node<'a>, name: Node<'a>, kind: EnvReadKind, default: bool) {
        let Some(value) = self.str_value(name) else {
            return;
        };
        let idx = self.facts.env_reads.len();
        self.facts.env_reads.push(EnvRead {
            name: value.into_owned(),
            name_span: Self::span(name),
            span: Self::span(node),
            kind,
            has_default: default,
            module_level: self.module_level(),
            stmt_start: self.top_stmt(node).start_byte(),
        });
        self.env_index.insert(node.id(), idx);
    }

    /// The single plain-string index of `x["NAME"]`.
    /// `for NAME in ["A", "B"]`: the strings, when the target is one name and every item a
    /// plain string literal.
    fn loop_strings(&mut self, left: Node<'a>, right: Option<Node<'a>>) -> Option<Vec<StrLit>> {
        let k = &self.g.k;
        let right = self.unwrap_parens(right?);
        if left.kind_id() != k.identifier
            || (right.kind_id() != k.list && right.kind_id() != k.tuple)
        {
            return None;
        }
        let kids = self.kids(right);
        let items: Vec<Node<'a>> = kids
            .iter()
            .copied()
            .filter(|n| n.is_named() && !n.is_extra())
            .collect();
        self.recycle(kids);
        let strs: Option<Vec<StrLit>> = items.iter().map(|&n| self.str_lit(n)).collect();
        strs.filter(|s| !s.is_empty())
    }

    fn subscript_key(&mut self, node: Node<'a>) -> Option<Node<'a>> {
        let key = self.subscript_only_key(node)?;
        let k = &self.g.k;
        let kind = key.kind_id();
        (kind == k.string || kind == k.concatenated_string).then_some(key)
    }

    /// The one index of a subscript, parentheses removed.
    fn subscript_only_key(&mut self, node: Node<'a>) -> Option<Node<'a>> {
        let mut key = None;
        let mut count = 0;
        let mut cursor = node.walk();
        let value_field = self.g.f.value;
        if cursor.goto_first_child() {
            loop {
                let c = cursor.node();
                let fid = cursor.field_id().map_or(0, |f| f.get());
                if c.is_named() && !c.is_extra() && fid != value_field {
                    count += 1;
                    key = Some(c);
                }
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
        }
        let key = key.filter(|_| count == 1)?;
        Some(self.unwrap_parens(key))
    }

    fn subscript(&mut self, frame: &Frame<'a>) {
        let k = &self.g.k;
        if let Some(parent) = self.frames.last() {
            let pk = parent.kind;
            let target = (frame.field == self.g.f.left
                && (pk == k.assignment || pk == k.augmented_assignment))
                || pk == k.delete_statement
                || pk == k.pattern_list
                || pk == k.tuple_pattern
                || pk == k.list_pattern
                || (frame.field == self.g.f.left && pk == k.for_statement);
            if target {
                return;
            }
        }
        let node = frame.node;
        let Some(value) = node.child_by_field_id(self.g.f.value) else {
            return;
        };
        if !self.is_environ(value) {
            return;
        }
        if let Some(key) = self.subscript_key(node) {
            self.push_env_read(node, key, EnvReadKind::Subscript, false);
        }
    }

    fn push_env_write(&mut self, name: Node<'a>, span: Span, value: Option<Node<'a>>) {
        let name_value = if name.kind_id() == self.g.k.identifier {
            Some(Cow::Borrowed(self.slice(name)))
        } else {
            self.str_value(name)
        };
        let Some(name_value) = name_value else {
            return;
        };
        let value = value.and_then(|v| self.str_lit(self.unwrap_parens(v)));
        self.facts.env_writes.push(EnvWrite {
            name: name_value.into_owned(),
            name_span: Self::span(name),
            span,
            value,
        });
    }

    // ----- assignments ---------------------------------------------------------------------

    fn assignment(&mut self, frame: &Frame<'a>) {
        let g = self.g;
        let k = &g.k;
        let node = frame.node;
        let Some(left) = node.child_by_field_id(g.f.left) else {
            return;
        };
        let right = node.child_by_field_id(g.f.right);
        let lk = left.kind_id();
        if frame.kind == k.augmented_assignment {
            if lk == k.identifier {
                let name = self.slice(left);
                self.bind(name, Binding::Other);
            } else if lk == k.subscript {
                self.environ_item_write(left, Self::span(node), None);
            }
            return;
        }
        // `a = b = v`: the inner assignment is a chained target, not a simple one.
        let chained = right.is_some_and(|r| r.kind_id() == k.assignment)
            || (frame.field == g.f.right
                && self.frames.last().is_some_and(|p| p.kind == k.assignment));
        if lk == k.identifier {
            let Some(right) = right else {
                return; // `x: int` binds nothing.
            };
            let name = self.slice(left);
            if chained {
                self.bind(name, Binding::Other);
                return;
            }
            if self.module_level() && is_credential_name(name) {
                let value = self.unwrap_parens(right);
                if let Some(lit) = self.str_lit(value) {
                    let stmt = self
                        .frames
                        .last()
                        .filter(|p| p.kind == k.expression_statement)
                        .map_or(node, |p| p.node);
                    self.facts.secret_constants.push(SecretConstant {
                        name: name.to_string(),
                        name_span: Self::span(left),
                        value: lit,
                        stmt_span: Self::span(stmt),
                    });
                }
            }
            let binding = self.value_binding(right);
            self.bind(name, binding);
        } else if lk == k.subscript {
            self.environ_item_write(left, Self::span(node), right.filter(|_| !chained));
        } else {
            self.bind_targets_other(left);
        }
    }

    fn environ_item_write(&mut self, target: Node<'a>, span: Span, value: Option<Node<'a>>) {
        let Some(obj) = target.child_by_field_id(self.g.f.value) else {
            return;
        };
        if !self.is_environ(obj) {
            return;
        }
        if let Some(key) = self.subscript_key(target) {
            self.push_env_write(key, span, value);
        } else if let Some(key) = self.subscript_only_key(target) {
            // `for k in ["OPENAI_API_KEY"]: os.environ[k] = ...` writes each of them.
            if key.kind_id() == self.g.k.identifier {
                if let Some(Binding::Strs(names)) = self.lookup(self.slice(key)).cloned() {
                    let value = value.and_then(|v| self.str_lit(self.unwrap_parens(v)));
                    for name in names {
                        self.facts.env_writes.push(EnvWrite {
                            name: name.value,
                            name_span: name.span,
                            span,
                            value: value.clone(),
                        });
                    }
                }
            }
        }
    }

    fn walrus(&mut self, node: Node<'a>) {
        let (Some(name), Some(value)) = (
            node.child_by_field_id(self.g.f.name),
            node.child_by_field_id(self.g.f.value),
        ) else {
            return;
        };
        let name = self.slice(name);
        let binding = self.value_binding(value);
        self.bind(name, binding);
    }

    /// What `NAME = value` binds NAME to.
    fn value_binding(&mut self, value: Node<'a>) -> Binding {
        let k = &self.g.k;
        let value = self.unwrap_parens(value);
        let kind = value.kind_id();
        if kind == k.string || kind == k.concatenated_string {
            return self.str_lit(value).map_or(Binding::Other, Binding::Str);
        }
        if let Some(&i) = self.env_index.get(&value.id()) {
            return Binding::Env(i);
        }
        if kind == k.identifier {
            return self
                .lookup(self.slice(value))
                .cloned()
                .unwrap_or(Binding::Other);
        }
        if kind == k.list || kind == k.tuple {
            return self.pending_list(value);
        }
        if kind == k.dictionary {
            return self.pending_dict(value);
        }
        if kind == k.call {
            // `NAME = dict(model=..., api_key=...)`: usable like a dict literal, but its keys are
            // not string literals, so it is never reported as an llm_config dict.
            if let Some(e) = self.dict_call_entry(value, Generation::V02, None) {
                self.pending_dicts.push(PendingDict {
                    span: Self::span(value),
                    keys: Vec::new(),
                    entry: is_entry_like(&e).then_some(e),
                    config_recorded: true,
                    entry_used: false,
                });
                return Binding::Dict(self.pending_dicts.len() - 1);
            }
        }
        // `NAME = autogen.AssistantAgent` style aliases of imported classes.
        if kind == k.attribute {
            if let Some((Callee::Ctor(c), _)) = self.resolve(value) {
                if let Some(pkg) = c.packages.first() {
                    return Binding::Symbol((*pkg).to_string(), c.name.to_string());
                }
            }
        }
        Binding::Other
    }

    fn pending_list(&mut self, list: Node<'a>) -> Binding {
        if list.named_child_count() > MAX_PENDING_ITEMS {
            return Binding::Other;
        }
        let kids = self.kids(list);
        let mut items = Vec::new();
        for &el in &kids {
            if !el.is_named() || el.is_extra() {
                continue;
            }
            if let Some(item) = self.list_item(el) {
                items.push(item);
            }
        }
        self.recycle(kids);
        self.pending_lists.push(PendingList { items, used: false });
        Binding::List(self.pending_lists.len() - 1)
    }

    /// A `config_list` element: dict literal, `dict(...)` call, or a name bound to a dict.
    fn list_item(&mut self, el: Node<'a>) -> Option<PendingItem> {
        let k = &self.g.k;
        let el = self.unwrap_parens(el);
        let kind = el.kind_id();
        if kind == k.dictionary {
            if self.has_config_list_key(el) {
                return None;
            }
            let entry = self.dict_entry(el, Generation::V02, None);
            return Some(PendingItem::Entry(Box::new(entry)));
        }
        if kind == k.call {
            let entry = self.dict_call_entry(el, Generation::V02, None)?;
            return Some(PendingItem::Entry(Box::new(entry)));
        }
        if kind == k.identifier {
            if let Some(Binding::Dict(i)) = self.lookup(self.slice(el)) {
                return Some(PendingItem::Dict(*i));
            }
        }
        None
    }

    fn pending_dict(&mut self, dict: Node<'a>) -> Binding {
        if dict.named_child_count() > MAX_PENDING_ITEMS {
            return Binding::Other;
        }
        let has_config_list = self.has_config_list_key(dict);
        let (keys, entry) = if has_config_list {
            (Vec::new(), None)
        } else {
            let keys = self.dict_keys(dict);
            let entry = keys
                .iter()
                .any(|(k, _)| ENTRY_KEYS.contains(&k.as_str()))
                .then(|| self.dict_entry(dict, Generation::V02, None));
            (keys, entry)
        };
        self.pending_dicts.push(PendingDict {
            span: Self::span(dict),
            keys,
            entry,
            config_recorded: has_config_list,
            entry_used: false,
        });
        Binding::Dict(self.pending_dicts.len() - 1)
    }

    // ----- dicts and config lists ----------------------------------------------------------

    /// The value of the `"config_list"` pair of a dict literal.
    fn config_list_pair(&mut self, dict: Node<'a>) -> Option<Node<'a>> {
        let k = &self.g.k;
        let kids = self.kids(dict);
        let mut found = None;
        for &pair in &kids {
            if pair.kind_id() != k.pair {
                continue;
            }
            if let Some(key) = pair.child_by_field_id(self.g.f.key) {
                if self.is_str(self.unwrap_parens(key), "config_list") {
                    found = pair.child_by_field_id(self.g.f.value);
                    if found.is_some() {
                        break;
                    }
                }
            }
        }
        self.recycle(kids);
        found
    }

    fn has_config_list_key(&mut self, dict: Node<'a>) -> bool {
        self.config_list_pair(dict).is_some()
    }

    fn dict_keys(&mut self, dict: Node<'a>) -> Vec<(String, Span)> {
        let k = &self.g.k;
        let kids = self.kids(dict);
        let mut keys = Vec::new();
        for &pair in &kids {
            if pair.kind_id() != k.pair {
                continue;
            }
            if let Some(key) = pair.child_by_field_id(self.g.f.key) {
                if let Some(v) = self.str_value(key) {
                    keys.push((v.into_owned(), Self::span(key)));
                }
            }
        }
        self.recycle(kids);
        keys
    }

    /// Inside a comparison or an `assert`, or in the body of `with pytest.raises(...)`: a value
    /// there is only compared or expected to fail, never used to make a call.
    fn compared_only(&self) -> bool {
        let k = &self.g.k;
        self.frames.iter().any(|f| {
            f.kind == k.comparison_operator
                || f.kind == k.assert_statement
                || (f.kind == k.with_statement && {
                    let text = self.slice(f.node);
                    let head = text.split(':').next().unwrap_or(text);
                    head.contains("raises(") || head.contains("assertRaises")
                })
        })
    }

    /// `Client(...).dump_component()`: the object is built only to be serialised (a settings
    /// default, a gallery entry) and never makes a call.
    fn serialised_only(&self, call: Node<'a>) -> bool {
        call.parent().is_some_and(|p| {
            p.kind_id() == self.g.k.attribute
                && p.child_by_field_id(self.g.f.attribute).is_some_and(|a| {
                    matches!(
                        self.slice(a),
                        "dump_component" | "_to_config" | "model_dump"
                    )
                })
        })
    }

    fn dictionary(&mut self, dict: Node<'a>) {
        let Some(value) = self.config_list_pair(dict) else {
            return;
        };
        if self.compared_only() {
            return;
        }
        let keys = self.dict_keys(dict);
        self.facts.llm_configs.push(LlmConfigDict {
            span: Self::span(dict),
            keys,
        });
        self.config_list_value(value, None);
    }

    /// Record the entries of a `config_list` value (list literal or a name bound to one).
    fn config_list_value(&mut self, value: Node<'a>, ctor: Option<&'static Constructor>) {
        let k = &self.g.k;
        let value = self.unwrap_parens(value);
        let kind = value.kind_id();
        if kind == k.list || kind == k.tuple {
            let kids = self.kids(value);
            for &el in &kids {
                if !el.is_named() || el.is_extra() {
                    continue;
                }
                match self.list_item(el) {
                    Some(PendingItem::Entry(mut e)) => {
                        if let Some(c) = ctor {
                            e.constructor = Some(c);
                            e.generation = c.generation;
                        }
                        self.facts.entries.push(*e);
                    }
                    Some(PendingItem::Dict(i)) => self.promote_dict_entry(i, ctor),
                    None => {}
                }
            }
            self.recycle(kids);
        } else if kind == k.identifier {
            if let Some(Binding::List(i)) = self.lookup(self.slice(value)) {
                let i = *i;
                self.promote_list(i, ctor);
            }
        }
    }

    fn promote_list(&mut self, i: usize, ctor: Option<&'static Constructor>) {
        let Some(list) = self.pending_lists.get_mut(i) else {
            return;
        };
        if list.used {
            return;
        }
        list.used = true;
        let items = std::mem::take(&mut list.items);
        for item in items {
            match item {
                PendingItem::Entry(mut e) => {
                    if let Some(c) = ctor {
                        e.constructor = Some(c);
                        e.generation = c.generation;
                    }
                    self.facts.entries.push(*e);
                }
                PendingItem::Dict(d) => self.promote_dict_entry(d, ctor),
            }
        }
    }

    fn promote_dict_entry(&mut self, i: usize, ctor: Option<&'static Constructor>) {
        let Some(d) = self.pending_dicts.get_mut(i) else {
            return;
        };
        if d.entry_used {
            return;
        }
        if let Some(mut e) = d.entry.take() {
            d.entry_used = true;
            if let Some(c) = ctor {
                e.constructor = Some(c);
                e.generation = c.generation;
            }
            self.facts.entries.push(e);
        }
    }

    /// An `llm_config=` value: a dict literal without `config_list` (those are recorded on
    /// their own) or a name bound to a dict literal.
    fn llm_config_value(&mut self, value: Node<'a>) {
        let k = &self.g.k;
        let value = self.unwrap_parens(value);
        let kind = value.kind_id();
        if kind == k.dictionary {
            if self.has_config_list_key(value) {
                return;
            }
            let keys = self.dict_keys(value);
            let entry_like = keys.iter().any(|(k, _)| ENTRY_KEYS.contains(&k.as_str()));
            self.facts.llm_configs.push(LlmConfigDict {
                span: Self::span(value),
                keys,
            });
            if entry_like {
                let e = self.dict_entry(value, Generation::V02, None);
                self.facts.entries.push(e);
            }
        } else if kind == k.call {
            // `llm_config=dict(model=..., api_key=...)`.
            if let Some(e) = self.dict_call_entry(value, Generation::V02, None) {
                if is_entry_like(&e) {
                    self.facts.entries.push(e);
                }
            }
        } else if kind == k.identifier {
            if let Some(Binding::Dict(i)) = self.lookup(self.slice(value)) {
                let i = *i;
                let Some(d) = self.pending_dicts.get_mut(i) else {
                    return;
                };
                if !d.config_recorded {
                    d.config_recorded = true;
                    let cfg = LlmConfigDict {
                        span: d.span,
                        keys: d.keys.clone(),
                    };
                    self.facts.llm_configs.push(cfg);
                }
                self.promote_dict_entry(i, None);
            }
        }
    }

    /// A dict literal as an entry.
    fn dict_entry(
        &mut self,
        dict: Node<'a>,
        generation: Generation,
        constructor: Option<&'static Constructor>,
    ) -> ConfigEntry {
        let k = &self.g.k;
        let kids = self.kids(dict);
        let mut fields = Vec::new();
        let mut has_splat = false;
        for &kid in &kids {
            let kind = kid.kind_id();
            if kind == k.pair {
                let (Some(key), Some(value)) = (
                    kid.child_by_field_id(self.g.f.key),
                    kid.child_by_field_id(self.g.f.value),
                ) else {
                    continue;
                };
                match self.str_value(key) {
                    Some(name) => fields.push(Field {
                        key: name.into_owned(),
                        key_span: Self::span(key),
                        value: self.field_value(value),
                        value_span: Self::span(value),
                        span: Self::span(kid),
                    }),
                    // `{NAME: v}`: a key keywire cannot read.
                    None => has_splat = true,
                }
            } else if kind == k.dictionary_splat {
                has_splat = true;
            }
        }
        let insert = self.insert_point(&kids, dict);
        self.recycle(kids);
        // Pairs inside a syntax error are invisible: a missing field may be there (and a field
        // inserted by a fix may land in the error too, so the finding would never go away).
        has_splat |= dict.has_error();
        let start = dict.start_byte();
        ConfigEntry {
            source: EntrySource::DictLiteral,
            generation,
            constructor,
            anchor: Span::new(start, start + 1),
            span: Self::span(dict),
            fields,
            insert,
            has_splat,
        }
    }

    /// `dict(model=..., api_key=...)` as an entry (None when the callee is not the builtin).
    fn dict_call_entry(
        &mut self,
        call: Node<'a>,
        generation: Generation,
        constructor: Option<&'static Constructor>,
    ) -> Option<ConfigEntry> {
        let func = call.child_by_field_id(self.g.f.function)?;
        if func.kind_id() != self.g.k.identifier || self.slice(func) != "dict" {
            return None;
        }
        if self.lookup("dict").is_some() {
            return None;
        }
        let args = call.child_by_field_id(self.g.f.arguments)?;
        if args.kind_id() != self.g.k.argument_list {
            return None;
        }
        let mut e = self.kwargs_entry(call, args, Self::span(func), generation, constructor);
        e.source = EntrySource::DictCall;
        // `dict(other, model=...)` / `dict(*pairs)`: fields from elsewhere are unknown.
        e.has_splat |= self.has_positional(args);
        Some(e)
    }

    fn has_positional(&mut self, args: Node<'a>) -> bool {
        let k = &self.g.k;
        let kids = self.kids(args);
        let found = kids.iter().any(|n| {
            n.is_named()
                && !n.is_extra()
                && n.kind_id() != k.keyword_argument
                && n.kind_id() != k.dictionary_splat
        });
        self.recycle(kids);
        found
    }

    /// Keyword arguments of a call as one entry (`config_list=` excluded).
    fn kwargs_entry(
        &mut self,
        call: Node<'a>,
        args: Node<'a>,
        anchor: Span,
        generation: Generation,
        constructor: Option<&'static Constructor>,
    ) -> ConfigEntry {
        let k = &self.g.k;
        let kids = self.kids(args);
        let mut fields = Vec::new();
        let mut has_splat = false;
        for &kid in &kids {
            if !kid.is_named() || kid.is_extra() {
                continue;
            }
            let kind = kid.kind_id();
            if kind == k.keyword_argument {
                let (Some(name), Some(value)) = (
                    kid.child_by_field_id(self.g.f.name),
                    kid.child_by_field_id(self.g.f.value),
                ) else {
                    continue;
                };
                let key = self.slice(name);
                if key == "config_list" {
                    continue;
                }
                fields.push(Field {
                    key: key.to_string(),
                    key_span: Self::span(name),
                    value: self.field_value(value),
                    value_span: Self::span(value),
                    span: Self::span(kid),
                });
            } else if kind == k.dictionary_splat {
                has_splat = true;
            }
        }
        let insert = self.insert_point(&kids, args);
        self.recycle(kids);
        has_splat |= args.has_error();
        ConfigEntry {
            source: EntrySource::Kwargs,
            generation,
            constructor,
            anchor,
            span: Self::span(call),
            fields,
            insert,
            has_splat,
        }
    }

    /// Where a new field goes in a `{...}` / `(...)` whose children are `kids`.
    fn insert_point(&self, kids: &[Node<'a>], container: Node<'a>) -> InsertPoint {
        let k = &self.g.k;
        let open = kids.first().filter(|n| !n.is_named());
        let open_end = open.map_or(container.start_byte() + 1, |n| n.end_byte());
        let open_row = open.map_or(container.start_position().row, |n| n.start_position().row);
        let last = kids
            .iter()
            .enumerate()
            .rev()
            .find(|(_, n)| n.is_named() && !n.is_extra());
        let Some((idx, &last)) = last else {
            return InsertPoint {
                offset: open_end.min(self.text.len()),
                before: String::new(),
                after: String::new(),
            };
        };
        let comma = kids
            .get(idx + 1)
            .copied()
            .filter(|n| n.kind_id() == k.comma);
        if last.start_position().row <= open_row {
            return match comma {
                Some(c) => InsertPoint {
                    offset: c.end_byte(),
                    before: " ".into(),
                    after: String::new(),
                },
                None => InsertPoint {
                    offset: last.end_byte(),
                    before: ", ".into(),
                    after: String::new(),
                },
            };
        }
        let nl = newline_of(self.text);
        let indent = self.indent_of(last.start_byte());
        match comma {
            Some(c) => {
                // Keep a comment trailing the comma on its line.
                let offset = kids
                    .get(idx + 2)
                    .filter(|n| {
                        n.kind_id() == k.comment && n.start_position().row == c.end_position().row
                    })
                    .map_or(c.end_byte(), |n| n.end_byte());
                InsertPoint {
                    offset,
                    before: format!("{nl}{indent}"),
                    after: ",".into(),
                }
            }
            None => InsertPoint {
                offset: last.end_byte(),
                before: format!(",{nl}{indent}"),
                after: String::new(),
            },
        }
    }

    /// Leading whitespace of the line holding `offset`.
    fn indent_of(&self, offset: usize) -> &'a str {
        let bytes = self.text.as_bytes();
        let offset = offset.min(bytes.len());
        let start = memchr::memrchr(b'\n', &bytes[..offset]).map_or(0, |i| i + 1);
        let len = bytes[start..offset]
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        self.text.get(start..start + len).unwrap_or("")
    }

    // ----- calls ---------------------------------------------------------------------------

    fn call(&mut self, node: Node<'a>) {
        let g = self.g;
        let k = &g.k;
        let Some(func) = node.child_by_field_id(g.f.function) else {
            return;
        };
        let args = node
            .child_by_field_id(g.f.arguments)
            .filter(|a| a.kind_id() == k.argument_list);
        let resolved = self.resolve(func);
        let mut list_ctor = None;
        if let (Some((callee, name_node)), Some(args)) = (resolved, args) {
            match callee {
                Callee::Getenv | Callee::EnvironGet => {
                    let a = self.split_args(args);
                    let name = a.positional.first().copied().or_else(|| a.keyword("key"));
                    if let Some(name) = name {
                        let name = self.unwrap_parens(name);
                        let kind = if callee == Callee::Getenv {
                            EnvReadKind::Getenv
                        } else {
                            EnvReadKind::EnvironGet
                        };
                        let default = a.positional.len() >= 2 || a.keyword("default").is_some();
                        self.push_env_read(node, name, kind, default);
                    }
                }
                Callee::EnvironSetdefault => {
                    let a = self.split_args(args);
                    if let Some(&name) = a.positional.first() {
                        let name = self.unwrap_parens(name);
                        let value = a.positional.get(1).copied();
                        self.push_env_write(name, Self::span(node), value);
                    }
                }
                Callee::EnvironUpdate => self.environ_update(args),
                Callee::LoadDotenv | Callee::DotenvValues | Callee::ConfigListFromDotenv => {
                    self.load_point(node, args, callee);
                }
                Callee::Ctor(_) if self.compared_only() || self.serialised_only(node) => return,
                Callee::Ctor(c) => match c.kind {
                    ConstructorKind::Agent => self.agent_call(c, name_node, args),
                    ConstructorKind::Client => {
                        let e = self.kwargs_entry(
                            node,
                            args,
                            Self::span(name_node),
                            c.generation,
                            Some(c),
                        );
                        self.facts.entries.push(e);
                    }
                    ConstructorKind::LlmConfig | ConstructorKind::Wrapper => {
                        list_ctor = Some(c);
                        self.llm_config_call(node, c, name_node, args);
                    }
                },
                Callee::Environ | Callee::FindDotenv => {}
            }
        }
        // `config_list=` / `llm_config=` keywords of any call.
        let Some(args) = args else {
            return;
        };
        let kids = self.kids(args);
        for &kid in &kids {
            if kid.kind_id() != k.keyword_argument {
                continue;
            }
            let (Some(name), Some(value)) = (
                kid.child_by_field_id(g.f.name),
                kid.child_by_field_id(g.f.value),
            ) else {
                continue;
            };
            // Only a value that can reach a call is configuration (see `compared_only`).
            match self.slice(name) {
                "config_list" if !self.compared_only() => self.config_list_value(value, list_ctor),
                "llm_config" if !self.compared_only() => self.llm_config_value(value),
                _ => {}
            }
        }
        self.recycle(kids);
    }

    fn environ_update(&mut self, args: Node<'a>) {
        let k = &self.g.k;
        let a = self.split_args(args);
        if let Some(&first) = a.positional.first() {
            let first = self.unwrap_parens(first);
            if first.kind_id() == k.dictionary {
                let kids = self.kids(first);
                for &pair in &kids {
                    if pair.kind_id() != k.pair {
                        continue;
                    }
                    if let Some(key) = pair.child_by_field_id(self.g.f.key) {
                        let value = pair.child_by_field_id(self.g.f.value);
                        self.push_env_write(key, Self::span(pair), value);
                    }
                }
                self.recycle(kids);
            }
        }
        for &(_, kw, value) in &a.keywords {
            if let Some(name) = kw.child_by_field_id(self.g.f.name) {
                self.push_env_write(name, Self::span(kw), Some(value));
            }
        }
    }

    fn agent_call(&mut self, c: &'static Constructor, name_node: Node<'a>, args: Node<'a>) {
        let a = self.split_args(args);
        let kwargs = a
            .keywords
            .iter()
            .filter_map(|&(name, kw, _)| {
                let name_node = kw.child_by_field_id(self.g.f.name)?;
                Some(Kwarg {
                    name: name.to_string(),
                    name_span: Self::span(name_node),
                    span: Self::span(kw),
                })
            })
            .collect();
        self.facts.agents.push(AgentCall {
            constructor: c,
            name_span: Self::span(name_node),
            kwargs,
        });
    }

    /// `LLMConfig(...)` / `OpenAIWrapper(...)`: positional entries and entry keywords.
    fn llm_config_call(
        &mut self,
        call: Node<'a>,
        c: &'static Constructor,
        name_node: Node<'a>,
        args: Node<'a>,
    ) {
        let k = &self.g.k;
        let a = self.split_args(args);
        if c.kind == ConstructorKind::LlmConfig {
            for &p in &a.positional {
                let p = self.unwrap_parens(p);
                let kind = p.kind_id();
                if kind == k.dictionary {
                    if !self.has_config_list_key(p) {
                        let e = self.dict_entry(p, c.generation, Some(c));
                        self.facts.entries.push(e);
                    }
                } else if kind == k.call {
                    if let Some(e) = self.dict_call_entry(p, c.generation, Some(c)) {
                        self.facts.entries.push(e);
                    }
                } else if kind == k.identifier {
                    if let Some(Binding::Dict(i)) = self.lookup(self.slice(p)) {
                        let i = *i;
                        self.promote_dict_entry(i, Some(c));
                    }
                }
            }
        }
        if a.keywords.iter().any(|(n, _, _)| ENTRY_KEYS.contains(n)) {
            let e = self.kwargs_entry(call, args, Self::span(name_node), c.generation, Some(c));
            self.facts.entries.push(e);
        }
    }

    fn load_point(&mut self, node: Node<'a>, args: Node<'a>, callee: Callee) {
        let k = &self.g.k;
        let a = self.split_args(args);
        let (kind, path_kw) = match callee {
            Callee::LoadDotenv => (LoadKind::LoadDotenv, "dotenv_path"),
            Callee::DotenvValues => (LoadKind::DotenvValues, "dotenv_path"),
            _ => (LoadKind::ConfigListFromDotenv, "dotenv_file_path"),
        };
        let path_node = a
            .keyword(path_kw)
            .or_else(|| a.positional.first().copied())
            .map(|n| self.unwrap_parens(n))
            .filter(|n| n.kind_id() != k.none);
        let path = match path_node {
            None if a.keyword("stream").is_some() => LoadPath::Unknown,
            None => LoadPath::Default,
            Some(p) => self.load_path(p),
        };
        let override_env = kind == LoadKind::LoadDotenv
            && a.keyword("override")
                .or_else(|| a.positional.get(3).copied())
                .and_then(|n| self.is_true(n))
                .unwrap_or(false);
        let stmt = self.top_stmt(node);
        self.facts.loads.push(LoadPoint {
            kind,
            path,
            span: Self::span(node),
            module_level: self.module_level(),
            stmt_start: stmt.start_byte(),
            stmt_span: Self::span(stmt),
            override_env,
            has_dotenv_file_path: kind == LoadKind::ConfigListFromDotenv && path_node.is_some(),
        });
    }

    fn load_path(&mut self, p: Node<'a>) -> LoadPath {
        let k = &self.g.k;
        if let Some(v) = self.str_value(p) {
            return LoadPath::Literal(v.into_owned());
        }
        if p.kind_id() != k.call {
            return LoadPath::Unknown;
        }
        let Some(func) = p.child_by_field_id(self.g.f.function) else {
            return LoadPath::Unknown;
        };
        if !matches!(self.resolve(func), Some((Callee::FindDotenv, _))) {
            return LoadPath::Unknown;
        }
        let Some(args) = p
            .child_by_field_id(self.g.f.arguments)
            .filter(|a| a.kind_id() == k.argument_list)
        else {
            return LoadPath::Unknown;
        };
        let a = self.split_args(args);
        if a.has_splat {
            return LoadPath::Unknown;
        }
        // A file name other than `.env` is not the default file.
        if let Some(name) = a
            .keyword("filename")
            .or_else(|| a.positional.first().copied())
        {
            if !self.is_str(self.unwrap_parens(name), ".env") {
                return LoadPath::Unknown;
            }
        }
        match a.keyword("usecwd").or_else(|| a.positional.get(2).copied()) {
            None => LoadPath::FindDotenv { usecwd: false },
            Some(v) => match self.is_true(v) {
                Some(usecwd) => LoadPath::FindDotenv { usecwd },
                None => LoadPath::Unknown,
            },
        }
    }

    // ----- finish --------------------------------------------------------------------------

    fn finish(mut self, root: Node<'a>) -> PyFacts {
        let mut facts = std::mem::take(&mut self.facts);
        facts.has_syntax_errors = root.has_error();
        if facts.edit_points.load_dotenv_name.is_none() {
            facts.edit_points.load_dotenv_name = self
                .dotenv_module
                .take()
                .map(|m| format!("{m}.load_dotenv"));
        }
        facts.edit_points.after_imports = self.after_imports(root);

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
        facts
    }

    /// Start of the line after the leading block of imports (see [`super::EditPoints`]).
    fn after_imports(&mut self, root: Node<'a>) -> usize {
        let k = &self.g.k;
        let kids = self.kids(root);
        let mut last_import = None;
        let mut docstring = None;
        let mut first_stmt = true;
        for &kid in &kids {
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

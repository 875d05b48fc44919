//! Scopes and bindings: what each name is bound to (imports, literals, env reads, lists and
//! dicts, `for` loops over names), and resolving a callee or object through them to something
//! keywire knows.

use tree_sitter::Node;

use super::{is_entry_like, under, Binding, Callee, Extractor, Frame, PendingDict, ScopeKind};
use crate::engine::providers::{Generation, CONSTRUCTORS};
use crate::engine::python::key_sites::is_constant_name;
use crate::engine::python::{SecretConstant, StrLit};

/// Attribute chains longer than this are not resolved.
const MAX_CHAIN: usize = 12;

/// Innermost scopes searched before falling back to the module scope.
const MAX_SCOPE_SEARCH: usize = 32;

/// The names besides constructors' that a callee can resolve to (see [`classify`]), but for
/// [`ENVIRON_METHODS`].
pub(super) const RESOLVED_NAMES: [&str; 9] = [
    "environ",
    "getenv",
    "load_dotenv",
    "dotenv_values",
    "find_dotenv",
    "config_list_from_dotenv",
    "config_list_from_json",
    "dumps",
    "dump",
];

/// Methods that resolve only on `os.environ` (so through a name bound to it).
const ENVIRON_METHODS: [&str; 3] = ["get", "setdefault", "update"];

/// Final names worth resolving (cheap filter before building dotted paths).
fn interesting(name: &str) -> bool {
    RESOLVED_NAMES.contains(&name)
        || ENVIRON_METHODS.contains(&name)
        || CONSTRUCTORS.iter().any(|c| c.name == name)
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
    match (module, name) {
        ("json", "dumps") => return Some(Callee::JsonDumps),
        ("json", "dump") => return Some(Callee::JsonDump),
        _ => {}
    }
    if under(module, "autogen") || under(module, "ag2") {
        match name {
            "config_list_from_dotenv" => return Some(Callee::ConfigListFromDotenv),
            "config_list_from_json" => return Some(Callee::ConfigListFromJson),
            _ => {}
        }
    }
    CONSTRUCTORS
        .iter()
        .find(|c| c.name == name && c.packages.iter().any(|p| under(module, p)))
        .map(Callee::Ctor)
}

impl<'a> Extractor<'a> {
    pub(super) fn lookup(&self, name: &str) -> Option<&Binding> {
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

    pub(super) fn star_classify(&self, name: &str) -> Option<Callee> {
        let last = self.scopes.len().saturating_sub(1);
        self.scopes
            .iter()
            .enumerate()
            .rev()
            .filter(|(i, s)| s.kind != ScopeKind::Class || *i == last)
            .flat_map(|(_, s)| s.stars.iter())
            .find_map(|m| classify(m, name))
    }

    pub(super) fn bind(&mut self, name: &'a str, binding: Binding) {
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
    pub(super) fn in_import_fallback(&self) -> bool {
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
    pub(super) fn bind_targets_other(&mut self, target: Node<'a>) {
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

    pub(super) fn bind_parameters(&mut self, params: Node<'a>) {
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

    /// Resolve a callee / object expression through the imports: the meaning and the final
    /// name node (`Cls` in `mod.Cls`).
    pub(super) fn resolve(&self, expr: Node<'a>) -> Option<(Callee, Node<'a>)> {
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

    pub(super) fn is_environ(&self, expr: Node<'a>) -> bool {
        matches!(self.resolve(expr), Some((Callee::Environ, _)))
    }

    /// The single plain-string index of `x["NAME"]`.
    /// `for NAME in ["A", "B"]`: the strings, when the target is one name and every item a
    /// plain string literal.
    pub(super) fn loop_strings(
        &mut self,
        left: Node<'a>,
        right: Option<Node<'a>>,
    ) -> Option<Vec<StrLit>> {
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

    pub(super) fn assignment(&mut self, frame: &Frame<'a>) {
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
            if self.module_level() && is_constant_name(name) {
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

    pub(super) fn walrus(&mut self, node: Node<'a>) {
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
    pub(super) fn value_binding(&mut self, value: Node<'a>) -> Binding {
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
        if let Some(t) = self.one_tuple(value) {
            return t;
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

    /// `{...},` / `({...},)` / `[...],` / `f(...),`: a tuple of one dict, list or call.
    pub(super) fn one_tuple(&self, value: Node<'a>) -> Option<Binding> {
        let k = &self.g.k;
        if value.kind_id() != k.tuple && value.kind_id() != k.expression_list {
            return None;
        }
        let mut cursor = value.walk();
        let mut element = None;
        let mut comma = None;
        for child in value.children(&mut cursor) {
            if child.is_extra() {
                continue;
            }
            if child.is_named() {
                if element.is_some() {
                    return None;
                }
                element = Some(child);
            } else if child.kind() == "," {
                comma = Some(child);
            }
        }
        let (element, comma) = (element?, comma?);
        let ek = self.unwrap_parens(element).kind_id();
        (ek == k.dictionary || ek == k.list || ek == k.call)
            .then(|| Binding::OneTuple(Self::span(value), Self::span(element), Self::span(comma)))
    }
}

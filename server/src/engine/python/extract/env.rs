//! Env access: `os.environ[...]`, `getenv` and `.get` reads, and `os.environ` writes (`[...] =`,
//! `setdefault`, `update`).

use std::borrow::Cow;

use tree_sitter::Node;

use super::{Binding, Extractor, Frame};
use crate::engine::python::{EnvRead, EnvReadKind, EnvWrite};
use crate::engine::text::Span;

impl<'a> Extractor<'a> {
    pub(super) fn push_env_read(
        &mut self,
        node: Node<'a>,
        name: Node<'a>,
        kind: EnvReadKind,
        default: bool,
    ) {
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

    pub(super) fn subscript_key(&mut self, node: Node<'a>) -> Option<Node<'a>> {
        let key = self.subscript_only_key(node)?;
        let k = &self.g.k;
        let kind = key.kind_id();
        (kind == k.string || kind == k.concatenated_string).then_some(key)
    }

    /// The one index of a subscript, parentheses removed.
    pub(super) fn subscript_only_key(&mut self, node: Node<'a>) -> Option<Node<'a>> {
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

    pub(super) fn subscript(&mut self, frame: &Frame<'a>) {
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

    pub(super) fn push_env_write(&mut self, name: Node<'a>, span: Span, value: Option<Node<'a>>) {
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

    pub(super) fn environ_item_write(
        &mut self,
        target: Node<'a>,
        span: Span,
        value: Option<Node<'a>>,
    ) {
        let Some(obj) = target.child_by_field_id(self.g.f.value) else {
            return;
        };
        if !self.is_environ(obj) {
            return;
        }
        if let Some(key) = self.subscript_key(target) {
            self.push_env_write(key, span, value);
            if let Some(value) = value {
                self.config_write(key, span, value);
            }
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

    pub(super) fn environ_update(&mut self, args: Node<'a>) {
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
}

//! Config entries: dicts, `dict(...)` calls and keyword arguments as model entries,
//! `config_list` / `llm_config` values, lists and dicts bound to names (promoted when used),
//! and where a fix inserts a field.

use tree_sitter::Node;

use super::{is_entry_like, Binding, Extractor, PendingDict, PendingItem, PendingList, ENTRY_KEYS};
use crate::engine::providers::{Constructor, Generation};
use crate::engine::python::lex::newline_of;
use crate::engine::python::{ConfigEntry, EntrySource, Field, InsertPoint, LlmConfigDict};
use crate::engine::text::Span;

/// Lists / dicts bigger than this bound to a name are data, not configuration: not tracked.
const MAX_PENDING_ITEMS: usize = 512;

impl<'a> Extractor<'a> {
    pub(super) fn pending_list(&mut self, list: Node<'a>) -> Binding {
        if list.named_child_count() > MAX_PENDING_ITEMS {
            return Binding::Other;
        }
        let kids = self.kids(list);
        let mut items = Vec::new();
        let mut complete = !list.has_error();
        for &el in &kids {
            if !el.is_named() || el.is_extra() || el.kind_id() == self.g.k.comment {
                continue;
            }
            match self.list_item(el) {
                Some(item) => items.push(item),
                None => complete = false,
            }
        }
        self.recycle(kids);
        self.pending_lists.push(PendingList {
            items,
            used: false,
            complete,
        });
        Binding::List(self.pending_lists.len() - 1)
    }

    /// A `config_list` element: dict literal, `dict(...)` call, or a name bound to a dict.
    pub(super) fn list_item(&mut self, el: Node<'a>) -> Option<PendingItem> {
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

    pub(super) fn pending_dict(&mut self, dict: Node<'a>) -> Binding {
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

    /// The value of the `"config_list"` pair of a dict literal.
    pub(super) fn config_list_pair(&mut self, dict: Node<'a>) -> Option<Node<'a>> {
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

    pub(super) fn has_config_list_key(&mut self, dict: Node<'a>) -> bool {
        self.config_list_pair(dict).is_some()
    }

    pub(super) fn dict_keys(&mut self, dict: Node<'a>) -> Vec<(String, Span)> {
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

    pub(super) fn dictionary(&mut self, dict: Node<'a>) {
        let Some(value) = self.config_list_pair(dict) else {
            return;
        };
        if self.compared_only() {
            return;
        }
        self.one_tuple_use("config_list", value);
        let keys = self.dict_keys(dict);
        self.facts.llm_configs.push(LlmConfigDict {
            span: Self::span(dict),
            keys,
        });
        self.config_list_value(value, None);
    }

    /// Record the entries of a `config_list` value (list literal or a name bound to one).
    pub(super) fn config_list_value(
        &mut self,
        value: Node<'a>,
        ctor: Option<&'static Constructor>,
    ) {
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

    pub(super) fn promote_list(&mut self, i: usize, ctor: Option<&'static Constructor>) {
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

    pub(super) fn promote_dict_entry(&mut self, i: usize, ctor: Option<&'static Constructor>) {
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
    pub(super) fn llm_config_value(&mut self, value: Node<'a>) {
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
    pub(super) fn dict_entry(
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
    pub(super) fn dict_call_entry(
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

    pub(super) fn has_positional(&mut self, args: Node<'a>) -> bool {
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
    pub(super) fn kwargs_entry(
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
            } else if kind == k.dictionary_splat || kind == k.list_splat {
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
    pub(super) fn insert_point(&self, kids: &[Node<'a>], container: Node<'a>) -> InsertPoint {
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
    pub(super) fn indent_of(&self, offset: usize) -> &'a str {
        let bytes = self.text.as_bytes();
        let offset = offset.min(bytes.len());
        let start = memchr::memrchr(b'\n', &bytes[..offset]).map_or(0, |i| i + 1);
        let len = bytes[start..offset]
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        self.text.get(start..start + len).unwrap_or("")
    }
}

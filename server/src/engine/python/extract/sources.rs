//! Where a config list comes from: `config_list_from_json(env_or_file, file_location,
//! filter_dict)` (AutoGen 0.2 / AG2), AG2's `LLMConfig.from_json(env=... | path=...)` and its
//! `.where(...)`, and `os.environ["X"] = json.dumps([...])` (a list set by code). Only literals
//! are read; anything else is [`Arg::Unknown`].

use tree_sitter::Node;

use super::{Args, Binding, Callee, Extractor, PendingItem};
use crate::engine::providers::{ConstructorKind, Generation};
use crate::engine::python::{
    Arg, ConfigEntry, ConfigSource, ConfigSourceCall, ConfigWrite, Criterion, Filter, FilterValue,
    WriteTarget,
};
use crate::engine::text::Span;

impl<'a> Extractor<'a> {
    /// `config_list_from_json(...)`, resolved through the imports.
    pub(super) fn config_list_from_json(&mut self, call: Node<'a>, args: Node<'a>) {
        let a = self.split_args(args);
        let pick = |i: usize, name: &str| a.keyword(name).or_else(|| a.positional.get(i).copied());
        let name = pick(0, "env_or_file");
        let location = pick(1, "file_location");
        let filter = pick(2, "filter_dict");
        let source = self.source(
            ConfigSourceCall::ConfigListFromJson,
            call,
            &a,
            name,
            location,
            filter,
        );
        self.facts.config_sources.push(source);
    }

    /// `LLMConfig.from_json(...)` (AG2), and `.where(...)` on a call already recorded.
    pub(super) fn json_source_call(&mut self, call: Node<'a>, func: Node<'a>, args: Node<'a>) {
        let g = self.g;
        if func.kind_id() != g.k.attribute {
            return;
        }
        let (Some(attr), Some(object)) = (
            func.child_by_field_id(g.f.attribute),
            func.child_by_field_id(g.f.object),
        ) else {
            return;
        };
        match self.slice(attr) {
            "from_json" => {
                let Some((Callee::Ctor(c), _)) = self.resolve(object) else {
                    return;
                };
                if c.kind != ConstructorKind::LlmConfig || self.compared_only() {
                    return;
                }
                let a = self.split_args(args);
                // Exactly one of `env=` / `path=`; both or neither raise `ValueError`.
                let name = match (a.keyword("env"), a.keyword("path")) {
                    (Some(n), None) | (None, Some(n)) => Some(n),
                    _ => None,
                };
                let (location, filter) = (a.keyword("file_location"), a.keyword("filter_dict"));
                let mut source = self.source(
                    ConfigSourceCall::LlmConfigFromJson,
                    call,
                    &a,
                    name,
                    location,
                    filter,
                );
                if !a.positional.is_empty() {
                    source.name = None;
                }
                self.facts.config_sources.push(source);
            }
            "where" => {
                let object = self.unwrap_parens(object);
                let span = Self::span(object);
                let Some(i) =
                    self.facts.config_sources.iter().rposition(|s| {
                        s.span == span && s.call == ConfigSourceCall::LlmConfigFromJson
                    })
                else {
                    return;
                };
                let a = self.split_args(args);
                let filter = self.where_filter(args, &a);
                let source = &mut self.facts.config_sources[i];
                source.where_filter = match (&source.where_filter, filter) {
                    (Arg::Known(None), f) => f,
                    // A second `.where(...)`: not followed.
                    _ => Arg::Unknown,
                };
                source.span = Self::span(call);
            }
            _ => {}
        }
    }

    fn source(
        &mut self,
        call: ConfigSourceCall,
        node: Node<'a>,
        a: &Args<'a>,
        name: Option<Node<'a>>,
        location: Option<Node<'a>>,
        filter: Option<Node<'a>>,
    ) -> ConfigSource {
        let k = &self.g.k;
        let name = name.and_then(|n| self.str_lit(self.unwrap_parens(n)));
        let file_location = match location.map(|l| self.unwrap_parens(l)) {
            None if a.has_splat => Arg::Unknown,
            None => Arg::Known(String::new()),
            Some(l) if l.kind_id() == k.none => Arg::Known(String::new()),
            Some(l) => self
                .str_value(l)
                .map_or(Arg::Unknown, |v| Arg::Known(v.into_owned())),
        };
        let filter = match filter.map(|f| self.unwrap_parens(f)) {
            None if a.has_splat => Arg::Unknown,
            None => Arg::Known(None),
            Some(f) if f.kind_id() == k.none => Arg::Known(None),
            Some(f) => self
                .filter_dict(f)
                .map_or(Arg::Unknown, |f| Arg::Known(Some(f))),
        };
        ConfigSource {
            call,
            name,
            file_location,
            filter,
            where_filter: Arg::Known(None),
            span: Self::span(node),
        }
    }

    /// A dict literal of literal keys and literal accepted values.
    fn filter_dict(&mut self, dict: Node<'a>) -> Option<Filter> {
        let k = &self.g.k;
        if dict.kind_id() != k.dictionary || dict.has_error() {
            return None;
        }
        let kids = self.kids(dict);
        let mut criteria = Vec::new();
        let mut ok = true;
        for &kid in &kids {
            if !kid.is_named() || kid.is_extra() || kid.kind_id() == k.comment {
                continue;
            }
            if kid.kind_id() != k.pair {
                ok = false;
                break;
            }
            let (Some(key), Some(value)) = (
                kid.child_by_field_id(self.g.f.key),
                kid.child_by_field_id(self.g.f.value),
            ) else {
                ok = false;
                break;
            };
            let Some(name) = self.str_value(key) else {
                ok = false;
                break;
            };
            match self.criterion(name.into_owned(), Self::span(key), value) {
                Some(c) => criteria.push(c),
                None => {
                    ok = false;
                    break;
                }
            }
        }
        self.recycle(kids);
        ok.then(|| Filter {
            span: Self::span(dict),
            criteria,
        })
    }

    /// `.where(model=[...], api_type="azure")`: keyword arguments as criteria; `exclude=` or
    /// anything else not literal makes it unknown.
    fn where_filter(&mut self, args: Node<'a>, a: &Args<'a>) -> Arg<Option<Filter>> {
        if a.has_splat || !a.positional.is_empty() {
            return Arg::Unknown;
        }
        let mut criteria = Vec::new();
        for &(name, kw, value) in &a.keywords {
            if name == "exclude" {
                return Arg::Unknown;
            }
            let Some(name_node) = kw.child_by_field_id(self.g.f.name) else {
                return Arg::Unknown;
            };
            match self.criterion(name.to_string(), Self::span(name_node), value) {
                Some(c) => criteria.push(c),
                None => return Arg::Unknown,
            }
        }
        if criteria.is_empty() {
            return Arg::Known(None);
        }
        Arg::Known(Some(Filter {
            span: Self::span(args),
            criteria,
        }))
    }

    /// The accepted values: a list, set or tuple of string literals and `None`, or one string.
    fn criterion(&mut self, key: String, key_span: Span, value: Node<'a>) -> Option<Criterion> {
        let k = &self.g.k;
        let value = self.unwrap_parens(value);
        let kind = value.kind_id();
        if kind == k.string || kind == k.concatenated_string {
            let v = self.filter_value(value)?;
            return Some(Criterion {
                key,
                key_span,
                values: vec![v],
                scalar: true,
                span: Self::span(value),
            });
        }
        if !(kind == k.list || kind == k.set || kind == k.tuple) || value.has_error() {
            return None;
        }
        let kids = self.kids(value);
        let mut values = Vec::new();
        let mut ok = true;
        for &item in &kids {
            if !item.is_named() || item.is_extra() || item.kind_id() == k.comment {
                continue;
            }
            match self.filter_value(self.unwrap_parens(item)) {
                Some(v) => values.push(v),
                None => {
                    ok = false;
                    break;
                }
            }
        }
        self.recycle(kids);
        ok.then(|| Criterion {
            key,
            key_span,
            values,
            scalar: false,
            span: Self::span(value),
        })
    }

    fn filter_value(&mut self, item: Node<'a>) -> Option<FilterValue> {
        let k = &self.g.k;
        if item.kind_id() == k.none {
            return Some(FilterValue {
                value: None,
                span: Self::span(item),
                pieces: Vec::new(),
            });
        }
        let value = self.str_value(item)?.into_owned();
        let mut pieces = Vec::new();
        if item.kind_id() == k.concatenated_string {
            let kids = self.kids(item);
            pieces.extend(
                kids.iter()
                    .filter(|p| p.kind_id() == k.string)
                    .map(|&p| Self::span(p)),
            );
            self.recycle(kids);
        }
        Some(FilterValue {
            value: Some(value),
            span: Self::span(item),
            pieces,
        })
    }

    /// `os.environ["X"] = json.dumps([{...}, ...])`.
    pub(super) fn config_write(&mut self, key: Node<'a>, span: Span, value: Node<'a>) {
        let Some(list) = self.dumped(value) else {
            return;
        };
        let Some(name) = self.str_value(key).map(|n| n.into_owned()) else {
            return;
        };
        self.push_config_write(name, WriteTarget::Env, span, list);
    }

    /// A config file written by the call `node`: `json.dump(LIST, F)`, `F.write(json.dumps(LIST))`
    /// or `Path(PATH).write_text(json.dumps(LIST))`, where `F` is `open(PATH, "w")` or the name a
    /// `with open(PATH, "w") as F:` around the call binds.
    pub(super) fn config_file_write(&mut self, node: Node<'a>, func: Node<'a>, args: Node<'a>) {
        let g = self.g;
        let method = (func.kind_id() == g.k.attribute)
            .then(|| func.child_by_field_id(g.f.attribute))
            .flatten()
            .map(|a| self.slice(a));
        let (content, target) = match method {
            Some("write" | "write_text") => {
                let a = self.split_args(args);
                let Some(&arg) = a.positional.first() else {
                    return;
                };
                let Some(object) = func.child_by_field_id(g.f.object) else {
                    return;
                };
                let Some(list) = self.dumped(arg) else {
                    return;
                };
                (list, object)
            }
            // A bare name only as `dump` (`from json import dump`): resolving every call costs.
            Some("dump") | None => {
                if method.is_none() && self.slice(func) != "dump"
                    || !matches!(self.resolve(func), Some((Callee::JsonDump, _)))
                {
                    return;
                }
                let a = self.split_args(args);
                let (Some(content), Some(target)) = (
                    a.positional.first().copied().or_else(|| a.keyword("obj")),
                    a.positional.get(1).copied().or_else(|| a.keyword("fp")),
                ) else {
                    return;
                };
                let Some(list) = self.written_list(content) else {
                    return;
                };
                (list, target)
            }
            Some(_) => return,
        };
        let text_method = method == Some("write_text");
        let Some(path) = self.written_path(target, text_method) else {
            return;
        };
        self.push_config_write(path, WriteTarget::File, Self::span(node), content);
    }

    /// The list of `json.dumps(LIST)`.
    fn dumped(&mut self, value: Node<'a>) -> Option<WrittenList> {
        let g = self.g;
        let value = self.unwrap_parens(value);
        if value.kind_id() != g.k.call {
            return None;
        }
        let func = value.child_by_field_id(g.f.function)?;
        let args = value.child_by_field_id(g.f.arguments)?;
        if !matches!(self.resolve(func), Some((Callee::JsonDumps, _))) {
            return None;
        }
        let a = self.split_args(args);
        let list = a.positional.first().copied().or_else(|| a.keyword("obj"))?;
        let mut list = self.written_list(list)?;
        list.complete &= !a.has_splat;
        Some(list)
    }

    /// A list literal of entries, or a name bound to one (then recorded as config entries: the
    /// list is configuration once it is written as a config list).
    fn written_list(&mut self, list: Node<'a>) -> Option<WrittenList> {
        let k = &self.g.k;
        let list = self.unwrap_parens(list);
        if list.kind_id() == k.identifier {
            let Some(&Binding::List(i)) = self.lookup(self.slice(list)) else {
                return None;
            };
            let pending = self.pending_lists.get(i)?;
            let mut complete = pending.complete && !pending.used;
            let mut entries = Vec::new();
            for item in &pending.items {
                match item {
                    PendingItem::Entry(e) => entries.push((**e).clone()),
                    PendingItem::Dict(d) => {
                        match self.pending_dicts.get(*d).and_then(|d| d.entry.clone()) {
                            Some(e) => entries.push(e),
                            None => complete = false,
                        }
                    }
                }
            }
            complete &= entries.iter().all(|e| !e.has_splat);
            self.promote_list(i, None);
            return Some(WrittenList {
                span: Self::span(list),
                entries,
                complete,
            });
        }
        if list.kind_id() != k.list {
            return None;
        }
        let kids = self.kids(list);
        let mut entries = Vec::new();
        let mut complete = !list.has_error();
        for &item in &kids {
            if !item.is_named() || item.is_extra() || item.kind_id() == k.comment {
                continue;
            }
            let item = self.unwrap_parens(item);
            if item.kind_id() == k.dictionary {
                let e = self.dict_entry(item, Generation::V02, None);
                complete &= !e.has_splat;
                entries.push(e);
            } else {
                complete = false;
            }
        }
        self.recycle(kids);
        Some(WrittenList {
            span: Self::span(list),
            entries,
            complete,
        })
    }

    /// The path `target` writes to: `open(PATH, "w")` (or `"x"`), `Path(PATH)` for
    /// `write_text`, or a name bound by an enclosing `with open(PATH, "w") as NAME:`.
    fn written_path(&mut self, target: Node<'a>, text_method: bool) -> Option<String> {
        let g = self.g;
        let target = self.unwrap_parens(target);
        if target.kind_id() == g.k.identifier && !text_method {
            let name = self.slice(target);
            let with = self
                .frames
                .iter()
                .rev()
                .filter(|f| f.kind == g.k.with_statement)
                .find_map(|f| self.with_binding(f.node, name))?;
            return self.opened_for_writing(with);
        }
        if target.kind_id() != g.k.call {
            return None;
        }
        if text_method {
            let func = target.child_by_field_id(g.f.function)?;
            let callee = self.slice(func).rsplit('.').next().unwrap_or_default();
            if !matches!(callee, "Path" | "PurePath" | "PosixPath") {
                return None;
            }
            let args = target.child_by_field_id(g.f.arguments)?;
            let a = self.split_args(args);
            let [path] = a.positional[..] else {
                return None;
            };
            return self.str_value(path).map(|p| p.into_owned());
        }
        self.opened_for_writing(target)
    }

    /// `open(PATH, "w")` (mode `w` or `x`, text or binary): PATH.
    fn opened_for_writing(&mut self, call: Node<'a>) -> Option<String> {
        let g = self.g;
        let call = self.unwrap_parens(call);
        if call.kind_id() != g.k.call {
            return None;
        }
        let func = call.child_by_field_id(g.f.function)?;
        if self.slice(func) != "open" {
            return None;
        }
        let args = call.child_by_field_id(g.f.arguments)?;
        let a = self.split_args(args);
        let path = a
            .positional
            .first()
            .copied()
            .or_else(|| a.keyword("file"))?;
        let mode = a.positional.get(1).copied().or_else(|| a.keyword("mode"))?;
        let mode = self.str_value(mode)?;
        if !mode.contains(['w', 'x']) {
            return None;
        }
        self.str_value(path).map(|p| p.into_owned())
    }

    /// The value of the `with` item of `with_stmt` bound `as name`.
    fn with_binding(&self, with_stmt: Node<'a>, name: &str) -> Option<Node<'a>> {
        let mut cursor = with_stmt.walk();
        let clause = with_stmt
            .named_children(&mut cursor)
            .find(|c| c.kind() == "with_clause")?;
        let mut cursor = clause.walk();
        let items: Vec<Node<'a>> = clause.named_children(&mut cursor).collect();
        items.into_iter().find_map(|item| {
            let pattern = item.named_child(0)?;
            if pattern.kind() != "as_pattern" {
                return None;
            }
            let alias = pattern.child_by_field_name("alias")?;
            let bound = alias.named_child(0).unwrap_or(alias);
            (self.slice(bound) == name).then(|| pattern.named_child(0))?
        })
    }

    fn push_config_write(
        &mut self,
        name: String,
        target: WriteTarget,
        span: Span,
        list: WrittenList,
    ) {
        self.facts.config_writes.push(ConfigWrite {
            name,
            target,
            span,
            list_span: list.span,
            entries: list.entries,
            complete: list.complete,
        });
    }
}

/// The list a config write holds.
struct WrittenList {
    span: Span,
    entries: Vec<ConfigEntry>,
    complete: bool,
}

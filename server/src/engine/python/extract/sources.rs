//! Where a config list comes from: `config_list_from_json(env_or_file, file_location,
//! filter_dict)` (AutoGen 0.2 / AG2), AG2's `LLMConfig.from_json(env=... | path=...)` and its
//! `.where(...)`, and `os.environ["X"] = json.dumps([...])` (a list set by code). Only literals
//! are read; anything else is [`Arg::Unknown`].

use tree_sitter::Node;

use super::{Args, Callee, Extractor};
use crate::engine::providers::{ConstructorKind, Generation};
use crate::engine::python::{
    Arg, ConfigSource, ConfigSourceCall, ConfigWrite, Criterion, Filter, FilterValue,
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
        let k = &self.g.k;
        let value = self.unwrap_parens(value);
        if value.kind_id() != k.call {
            return;
        }
        let (Some(func), Some(args)) = (
            value.child_by_field_id(self.g.f.function),
            value.child_by_field_id(self.g.f.arguments),
        ) else {
            return;
        };
        if !matches!(self.resolve(func), Some((Callee::JsonDumps, _))) {
            return;
        }
        let Some(name) = self.str_value(key).map(|n| n.into_owned()) else {
            return;
        };
        let a = self.split_args(args);
        let Some(list) = a.positional.first().map(|&l| self.unwrap_parens(l)) else {
            return;
        };
        if list.kind_id() != k.list {
            return;
        }
        let kids = self.kids(list);
        let mut entries = Vec::new();
        let mut complete = !list.has_error() && !a.has_splat;
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
        self.facts.config_writes.push(ConfigWrite {
            name,
            span,
            list_span: Self::span(list),
            entries,
            complete,
        });
    }
}

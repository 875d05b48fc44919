//! Calls: resolved callees (env reads, dotenv loads, agents, clients, `LLMConfig`), the
//! `config_list=` / `llm_config=` keywords of any call, and the places where a value is only
//! compared or serialised.

use tree_sitter::Node;

use super::{Binding, Callee, Extractor, ENTRY_KEYS};
use crate::engine::providers::{Constructor, ConstructorKind, Generation};
use crate::engine::python::{
    AgentCall, EnvReadKind, Kwarg, LoadKind, LoadPath, LoadPoint, OneTuple,
};

impl<'a> Extractor<'a> {
    pub(super) fn call(&mut self, node: Node<'a>) {
        let g = self.g;
        let k = &g.k;
        let Some(func) = node.child_by_field_id(g.f.function) else {
            return;
        };
        let args = node
            .child_by_field_id(g.f.arguments)
            .filter(|a| a.kind_id() == k.argument_list);
        if let Some(args) = args {
            self.json_source_call(node, func, args);
            self.config_file_write(node, func, args);
        }
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
                        let mut e = self.kwargs_entry(
                            node,
                            args,
                            Self::span(name_node),
                            c.generation,
                            Some(c),
                        );
                        // `Mistral(key)`: SDK clients that take the key positionally. What a
                        // positional argument is cannot be told, so the rules say less.
                        if c.generation == Generation::Sdk
                            && !self.split_args(args).positional.is_empty()
                        {
                            e.has_splat = true;
                        }
                        self.facts.entries.push(e);
                    }
                    ConstructorKind::LlmConfig | ConstructorKind::Wrapper => {
                        list_ctor = Some(c);
                        self.llm_config_call(node, c, name_node, args);
                    }
                },
                Callee::ConfigListFromJson if !self.compared_only() => {
                    self.config_list_from_json(node, args);
                }
                Callee::Environ
                | Callee::FindDotenv
                | Callee::JsonDumps
                | Callee::JsonDump
                | Callee::ConfigListFromJson => {}
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
                "config_list" if !self.compared_only() => {
                    self.one_tuple_use("config_list", value);
                    self.config_list_value(value, list_ctor)
                }
                "llm_config" if !self.compared_only() => {
                    self.one_tuple_use("llm_config", value);
                    self.llm_config_value(value)
                }
                _ => {}
            }
        }
        self.recycle(kids);
    }

    /// Inside a comparison or an `assert`, or in the body of `with pytest.raises(...)`: a value
    /// there is only compared or expected to fail, never used to make a call.
    pub(super) fn compared_only(&self) -> bool {
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
    pub(super) fn serialised_only(&self, call: Node<'a>) -> bool {
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

    pub(super) fn agent_call(
        &mut self,
        c: &'static Constructor,
        name_node: Node<'a>,
        args: Node<'a>,
    ) {
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
    pub(super) fn llm_config_call(
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

    pub(super) fn load_point(&mut self, node: Node<'a>, args: Node<'a>, callee: Callee) {
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

    pub(super) fn load_path(&mut self, p: Node<'a>) -> LoadPath {
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

    /// A one-element tuple given as `keyword` (written there, or bound to the name given).
    pub(super) fn one_tuple_use(&mut self, keyword: &'static str, value: Node<'a>) {
        let value = self.unwrap_parens(value);
        let binding = if value.kind_id() == self.g.k.identifier {
            self.lookup(self.slice(value)).cloned()
        } else {
            self.one_tuple(value)
        };
        if let Some(Binding::OneTuple(span, element, comma)) = binding {
            self.facts.one_tuples.push(OneTuple {
                keyword,
                use_span: Self::span(value),
                span,
                element,
                comma,
            });
        }
    }
}

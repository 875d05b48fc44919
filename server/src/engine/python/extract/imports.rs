//! `import` and `from … import` statements: the `Import` facts and the names they bind.

use tree_sitter::Node;

use super::{under, Binding, Extractor};
use crate::engine::python::Import;

impl<'a> Extractor<'a> {
    pub(super) fn import(&mut self, node: Node<'a>) {
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
}

//! `import` and `from … import` statements as `Import` facts, with the spellings Python allows
//! (parentheses, continuations, comments, aliases, relative levels).

use std::ops::Range;

use super::{Ctx, ImportBind, Scanner};
use crate::engine::python::lex::is_keyword;
use crate::engine::python::Import;
use crate::engine::text::Span;

impl Scanner<'_> {
    /// Whitespace inside an import statement: inline, plus line breaks and comments in parens.
    pub(super) fn import_ws(&mut self, paren: bool) -> Option<()> {
        loop {
            match self.at(self.i) {
                b' ' | b'\t' | 0x0c => self.i += 1,
                b'\\' => self.continuation()?,
                b'\n' if paren => self.i += 1,
                b'\r' if paren && self.at(self.i + 1) == b'\n' => self.i += 2,
                b'#' if paren => self.skip_comment(),
                _ => return Some(()),
            }
        }
    }

    /// A name (not a keyword) at `self.i`: its end.
    pub(super) fn name(&mut self) -> Option<usize> {
        let w = self.word_at(self.i);
        if w.is_empty() || is_keyword(w) {
            return None;
        }
        self.i += w.len();
        Some(self.i)
    }

    /// `a.b.c` with any whitespace the statement allows: the name without it, and its end.
    pub(super) fn dotted(&mut self, paren: bool) -> Option<(String, usize)> {
        let start = self.i;
        let mut end = self.name()?;
        let mut out = self.text[start..end].to_string();
        loop {
            let save = self.i;
            self.import_ws(paren)?;
            if self.at(self.i) != b'.' {
                self.i = save;
                return Some((out, end));
            }
            self.i += 1;
            self.import_ws(paren)?;
            let s = self.i;
            end = self.name()?;
            out.push('.');
            out.push_str(&self.text[s..end]);
        }
    }

    /// ` as alias` after a name, if present: the alias's span.
    pub(super) fn alias(&mut self, paren: bool) -> Option<Option<Range<usize>>> {
        let save = self.i;
        self.import_ws(paren)?;
        if self.word_at(self.i) != b"as" {
            self.i = save;
            return Some(None);
        }
        self.i += 2;
        self.import_ws(paren)?;
        let start = self.i;
        Some(Some(start..self.name()?))
    }

    /// Notes a name the import binds, when they are asked for (no allocation otherwise: the
    /// light scan of every file reads imports).
    fn bind(&mut self, local: Range<usize>, module: &str, name: Option<&str>, level: u32) {
        if let Some(binds) = &mut self.binds {
            binds.push(ImportBind {
                local,
                module: module.to_string(),
                name: name.map(str::to_string),
                level,
            });
        }
    }

    pub(super) fn stmt_start(&self, start: usize, ctx: Ctx) -> usize {
        if ctx.top {
            start
        } else {
            self.top_start
        }
    }

    pub(super) fn imported(&mut self, ctx: Ctx, end: usize) {
        if ctx.top && !self.lead_done {
            self.last_import = Some(end);
            self.lead_first = false;
        }
    }

    /// `import a.b [as c], d` from after `import`.
    pub(super) fn import(&mut self, start: usize, ctx: Ctx) -> Option<()> {
        let mut modules: Vec<(String, bool)> = Vec::new();
        let mut end;
        loop {
            self.import_ws(false)?;
            let first = self.i..self.i + self.word_at(self.i).len();
            let (module, e) = self.dotted(false)?;
            end = e;
            let alias = self.alias(false)?;
            let aliased = alias.is_some();
            match alias {
                // `import a.b as x` binds `x` to `a.b`; `import a.b` binds `a` to `a`.
                Some(a) => {
                    end = a.end;
                    self.bind(a, &module, None, 0);
                }
                None => {
                    let root = module.split('.').next().unwrap_or_default();
                    self.bind(first, root, None, 0);
                }
            }
            modules.push((module, aliased));
            let save = self.i;
            self.import_ws(false)?;
            if self.at(self.i) == b',' {
                self.i += 1;
                continue;
            }
            self.i = save;
            break;
        }
        self.import_ws(false)?;
        if !self.at_terminator() {
            return None;
        }
        let stmt_start = self.stmt_start(start, ctx);
        for (module, aliased) in modules {
            if !ctx.scope && !aliased && module.split('.').next() == Some("os") {
                self.has_import_os = true;
            }
            self.imports.push(Import {
                module,
                level: 0,
                names: Vec::new(),
                span: Span::new(start, end),
                module_level: !ctx.function,
                stmt_start,
            });
        }
        self.imported(ctx, end);
        Some(())
    }

    /// `from [dots][a.b] import names | (names) | *` from after `from`.
    pub(super) fn import_from(&mut self, start: usize, ctx: Ctx) -> Option<()> {
        self.import_ws(false)?;
        let mut level = 0u32;
        while self.at(self.i) == b'.' {
            level += 1;
            self.i += 1;
            self.import_ws(false)?;
        }
        let mut module = String::new();
        if self.word_at(self.i) != b"import" {
            module = self.dotted(false)?.0;
            self.import_ws(false)?;
        }
        if (level == 0 && module.is_empty()) || self.word_at(self.i) != b"import" {
            return None;
        }
        self.i += b"import".len();
        self.import_ws(false)?;
        let mut names = Vec::new();
        let end;
        if self.at(self.i) == b'*' {
            if level == 0 && module == "__future__" {
                return None;
            }
            self.i += 1;
            end = self.i;
            names.push("*".to_string());
        } else if self.at(self.i) == b'(' {
            self.i += 1;
            loop {
                self.import_ws(true)?;
                if self.at(self.i) == b')' && !names.is_empty() {
                    break;
                }
                let s = self.i;
                let (name, ne) = self.dotted(true)?;
                let local = self.alias(true)?.unwrap_or(s..ne);
                self.bind(local, &module, Some(&name), level);
                names.push(name);
                self.import_ws(true)?;
                match self.at(self.i) {
                    b',' => self.i += 1,
                    b')' => break,
                    _ => return None,
                }
            }
            self.i += 1;
            end = self.i;
        } else {
            let mut e;
            loop {
                let s = self.i;
                let (name, ne) = self.dotted(false)?;
                e = ne;
                let local = match self.alias(false)? {
                    Some(a) => {
                        e = a.end;
                        a
                    }
                    None => s..ne,
                };
                self.bind(local, &module, Some(&name), level);
                names.push(name);
                let save = self.i;
                self.import_ws(false)?;
                if self.at(self.i) != b',' {
                    self.i = save;
                    break;
                }
                self.i += 1;
                self.import_ws(false)?;
            }
            end = e;
        }
        self.import_ws(false)?;
        if !self.at_terminator() {
            return None;
        }
        self.imports.push(Import {
            module,
            level,
            names,
            span: Span::new(start, end),
            module_level: !ctx.function,
            stmt_start: self.stmt_start(start, ctx),
        });
        self.imported(ctx, end);
        Some(())
    }
}

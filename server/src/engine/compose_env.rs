//! Docker Compose's own reading of a `.env` file and of `${VAR}` references in a compose file.
//! Pure: text in, values out.
//!
//! Compose reads the `.env` beside the compose file for interpolation with rules close to, but
//! not the same as, python-dotenv's (`engine/dotenv.rs`). What this reader implements:
//!
//! - `#` lines and blank lines are skipped; an `export ` prefix is dropped (both readers);
//! - unquoted values end at an inline comment only when a blank comes before the `#`
//!   (`A=b#c` is `b#c`, `A=b #c` is `b`), trailing blanks trimmed (both readers);
//! - single-quoted values are literal: no `${X}` expansion (python-dotenv expands `${X}` even
//!   there); `\'` is a quote;
//! - double-quoted values know `\n`, `\r`, `\t`, `\\`, `\"` and may span lines;
//! - unquoted and double-quoted values expand `$X` and `${X}` (python-dotenv expands only the
//!   braced form: `A=$B` is `$B` for python-dotenv, B's value for Compose), and the forms
//!   `${X:-d}`, `${X-d}`, `${X:?e}`, `${X?e}`, `${X:+r}`, `${X+r}` (python-dotenv knows only
//!   `${X:-d}`), from the variables defined above in the file; `$$` is a `$`;
//! - a line with a name and no `=` defines nothing.

use std::collections::HashMap;

use super::text::Span;

/// One `NAME=value` definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComposeEnvEntry {
    pub name: String,
    pub value: String,
    pub name_span: Span,
    /// The whole line (for edits).
    pub span: Span,
}

/// Every definition of a Compose `.env`, in order (a later one wins).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ComposeEnv {
    pub entries: Vec<ComposeEnvEntry>,
}

impl ComposeEnv {
    /// The value Compose sees for `name` (the last definition).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.name == name)
            .map(|e| e.value.as_str())
    }

    pub fn entry(&self, name: &str) -> Option<&ComposeEnvEntry> {
        self.entries.iter().rev().find(|e| e.name == name)
    }
}

/// Read a `.env` file as Compose does.
pub fn parse(text: &str) -> ComposeEnv {
    let mut env = ComposeEnv::default();
    let mut vars: HashMap<String, String> = HashMap::new();
    let bytes = text.as_bytes();
    let mut pos = 0;
    while pos < text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = &text[pos..line_end];
        let indent = line.len() - line.trim_start().len();
        let mut start = pos + indent;
        let mut rest = &text[start..line_end];
        if rest.trim().is_empty() || rest.starts_with('#') {
            pos = line_end + 1;
            continue;
        }
        if let Some(r) = rest.strip_prefix("export ") {
            let skipped = rest.len() - r.trim_start().len();
            start += skipped;
            rest = &text[start..line_end];
        }
        let Some(eq) = rest.find('=') else {
            pos = line_end + 1;
            continue;
        };
        let name = rest[..eq].trim_end();
        let name_span = Span::new(start, start + name.len());
        let mut v = start + eq + 1;
        while v < line_end && matches!(bytes[v], b' ' | b'\t') {
            v += 1;
        }
        let (value, end) = match bytes.get(v) {
            Some(b'\'') => single_quoted(text, v + 1),
            Some(b'"') => {
                let (raw, end) = double_quoted(text, v + 1);
                (interpolate(&raw, &|n| vars.get(n).cloned()), end)
            }
            _ => {
                let raw = unquoted(&text[v..line_end]);
                (interpolate(raw, &|n| vars.get(n).cloned()), line_end)
            }
        };
        let line_stop = text[end.min(text.len())..]
            .find('\n')
            .map_or(text.len(), |i| end + i);
        if !name.is_empty() && !name.contains(char::is_whitespace) {
            vars.insert(name.to_string(), value.clone());
            env.entries.push(ComposeEnvEntry {
                name: name.to_string(),
                value,
                name_span,
                span: Span::new(pos, line_stop),
            });
        }
        pos = line_stop + 1;
    }
    env
}

/// An unquoted value: up to ` #`, trimmed.
fn unquoted(raw: &str) -> &str {
    let raw = raw.strip_suffix('\r').unwrap_or(raw);
    let mut cut = raw.len();
    let b = raw.as_bytes();
    for i in 1..b.len() {
        if b[i] == b'#' && matches!(b[i - 1], b' ' | b'\t') {
            cut = i;
            break;
        }
    }
    raw[..cut].trim()
}

/// From after the opening quote: the value and the byte after the closing quote.
fn single_quoted(text: &str, from: usize) -> (String, usize) {
    let mut out = String::new();
    let mut chars = text[from..].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if text[from + i + 1..].starts_with('\'') => {
                out.push('\'');
                chars.next();
            }
            '\'' => return (out, from + i + 1),
            c => out.push(c),
        }
    }
    (out, text.len())
}

fn double_quoted(text: &str, from: usize) -> (String, usize) {
    let mut out = String::new();
    let mut chars = text[from..].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.next().map(|(_, c)| c) {
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('t') => out.push('\t'),
                Some('\\') => out.push('\\'),
                Some('"') => out.push('"'),
                Some('$') => out.push_str("$$"),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            },
            '"' => return (out, from + i + 1),
            c => out.push(c),
        }
    }
    (out, text.len())
}

/// One `$X` / `${X…}` reference in a text, with its byte range in that text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarRef {
    pub name: String,
    /// Byte range of the whole reference (`${X:-d}`) in the scanned text.
    pub start: usize,
    pub end: usize,
    pub form: RefForm,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefForm {
    /// `$X`, `${X}`: empty when unset.
    Plain,
    /// `${X:-d}` (`unset_only` false) or `${X-d}`: the default when unset (or empty).
    Default { value: String, unset_only: bool },
    /// `${X:?e}` / `${X?e}`: Compose stops with the error when unset.
    Required { message: String },
    /// `${X:+r}` / `${X+r}`: the replacement when set, else empty.
    Alternative,
}

impl RefForm {
    /// Whether an unset variable gives `""` silently.
    pub fn empty_when_unset(&self) -> bool {
        matches!(self, RefForm::Plain)
    }
}

/// The references in `text` (a compose value or a `.env` value), skipping `$$`.
pub fn references(text: &str) -> Vec<VarRef> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'$' {
            i += 1;
            continue;
        }
        match b.get(i + 1) {
            Some(b'$') => i += 2,
            Some(b'{') => {
                let Some(close) = text[i + 2..].find('}').map(|c| i + 2 + c) else {
                    break;
                };
                let inner = &text[i + 2..close];
                let name_len = inner
                    .bytes()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
                    .count();
                let (name, op) = inner.split_at(name_len);
                let form = if let Some(d) = op.strip_prefix(":-") {
                    Some(RefForm::Default {
                        value: d.to_string(),
                        unset_only: false,
                    })
                } else if let Some(d) = op.strip_prefix('-') {
                    Some(RefForm::Default {
                        value: d.to_string(),
                        unset_only: true,
                    })
                } else if let Some(e) = op.strip_prefix(":?").or_else(|| op.strip_prefix('?')) {
                    Some(RefForm::Required {
                        message: e.to_string(),
                    })
                } else if op.starts_with(":+") || op.starts_with('+') {
                    Some(RefForm::Alternative)
                } else if op.is_empty() {
                    Some(RefForm::Plain)
                } else {
                    None
                };
                if let (false, Some(form)) = (name.is_empty(), form) {
                    out.push(VarRef {
                        name: name.to_string(),
                        start: i,
                        end: close + 1,
                        form,
                    });
                }
                i = close + 1;
            }
            Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
                let len = b[i + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                    .count();
                out.push(VarRef {
                    name: text[i + 1..i + 1 + len].to_string(),
                    start: i,
                    end: i + 1 + len,
                    form: RefForm::Plain,
                });
                i += 1 + len;
            }
            _ => i += 1,
        }
    }
    out
}

/// `text` with its references replaced by what `lookup` gives (unset: empty, or the default),
/// and `$$` turned into `$`.
pub fn interpolate(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for r in references(text) {
        out.push_str(&text[last..r.start].replace("$$", "$"));
        let value = lookup(&r.name);
        match (&r.form, value) {
            (RefForm::Default { value: d, .. }, None) => out.push_str(d),
            (
                RefForm::Default {
                    value: d,
                    unset_only: false,
                },
                Some(v),
            ) if v.is_empty() => out.push_str(d),
            (RefForm::Alternative, _) => {}
            (_, Some(v)) => out.push_str(&v),
            (_, None) => {}
        }
        last = r.end;
    }
    out.push_str(&text[last..].replace("$$", "$"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_syntax() {
        let text = "# c\nexport A=1\nB = two # comment\nC=x#y\nD='${A} #no'\nE=\"a\\tb ${A}\" # c\nF=$A-$B\nG\nH='it\\'s'\n";
        let env = parse(text);
        assert_eq!(env.get("A"), Some("1"));
        assert_eq!(env.get("B"), Some("two"));
        assert_eq!(env.get("C"), Some("x#y"));
        assert_eq!(env.get("D"), Some("${A} #no"));
        assert_eq!(env.get("E"), Some("a\tb 1"));
        assert_eq!(env.get("F"), Some("1-two"));
        assert_eq!(env.get("G"), None);
        assert_eq!(env.get("H"), Some("it's"));
        let a = env.entry("A").unwrap();
        assert_eq!(&text[a.name_span.start..a.name_span.end], "A");
    }

    #[test]
    fn same_inputs_as_python_dotenv() {
        // Where the two readers agree, and where they differ.
        let text = "A=1\nB=x #c\nC='${A}'\nD=${A}\nE=$A\nexport F=f\n";
        let compose = parse(text);
        let dotenv = crate::engine::dotenv::parse(text);
        let py = |k: &str| dotenv.get(k).and_then(|e| e.value.clone());
        for same in ["A", "B", "D", "F"] {
            assert_eq!(compose.get(same), py(same).as_deref(), "{same}");
        }
        assert_eq!(compose.get("D"), Some("1"));
        assert_eq!(compose.get("E"), Some("1"));
        // python-dotenv expands inside single quotes too; Compose does not.
        assert_eq!(compose.get("C"), Some("${A}"));
        assert_eq!(py("C").as_deref(), Some("1"));
        // python-dotenv expands only the braced form.
        assert_eq!(py("E").as_deref(), Some("$A"));
    }

    #[test]
    fn references_and_forms() {
        let refs = references("a ${X} $$NOT ${Y:-d} ${Z-e} ${W:?must} $V ${U:+r} $");
        let names: Vec<_> = refs.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["X", "Y", "Z", "W", "V", "U"]);
        assert!(refs[0].form.empty_when_unset());
        assert!(!refs[1].form.empty_when_unset());
        assert!(matches!(refs[3].form, RefForm::Required { .. }));
        let lookup = |n: &str| (n == "X").then(|| "1".to_string());
        assert_eq!(
            interpolate("${X}/${Y:-d}/$$Z/${W}", &lookup),
            "1/d/$Z/".to_string()
        );
    }
}

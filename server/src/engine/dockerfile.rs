//! A Dockerfile read line by line for what keywire needs: `ENV` and `ARG` names (with literal
//! values and spans) and `COPY`/`ADD` sources. Not a full Dockerfile parser: line
//! continuations (`\` at the end of a line) are joined, `#` comment lines skipped, heredocs
//! and `--from` stages are taken as written. And `.dockerignore` matching (`DockerIgnore`).
//! Pure: text in, facts out.

use super::text::Span;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DockerfileFacts {
    /// `ENV` and `ARG` definitions, in order.
    pub vars: Vec<DockerVar>,
    /// `COPY` and `ADD` instructions from the build context (not `--from=`).
    pub copies: Vec<Copy>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DockerVar {
    /// `ARG` (a build argument) rather than `ENV`.
    pub arg: bool,
    pub name: String,
    pub name_span: Span,
    /// The literal value as written (quotes removed); None for `ARG X` without a default.
    pub value: Option<String>,
    pub value_span: Option<Span>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Copy {
    /// Source paths as written (relative to the build context).
    pub sources: Vec<String>,
    pub span: Span,
}

impl DockerfileFacts {
    /// Whether an `ENV` gives the running container `name`.
    pub fn sets_env(&self, name: &str) -> bool {
        self.vars.iter().any(|v| !v.arg && v.name == name)
    }
}

/// Read a Dockerfile's text.
pub fn read(text: &str) -> DockerfileFacts {
    let mut facts = DockerfileFacts::default();
    // Logical lines: (pieces of text with their offsets).
    let mut pos = 0;
    let mut logical: Vec<(usize, &str)> = Vec::new();
    while pos <= text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..end].trim_end_matches('\r');
        let continues = line.trim_end().ends_with('\\');
        let trimmed = line.trim_start();
        if !trimmed.starts_with('#') {
            logical.push((pos, line));
        }
        if !continues {
            instruction(&logical, &mut facts);
            logical.clear();
        }
        if end == text.len() {
            break;
        }
        pos = end + 1;
    }
    if !logical.is_empty() {
        instruction(&logical, &mut facts);
    }
    facts
}

/// Tokens of a logical line: (text, byte span in the file), split at blanks, quotes kept
/// together, continuation backslashes dropped.
fn tokens(pieces: &[(usize, &str)]) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    for &(offset, line) in pieces {
        let line = line.trim_end();
        let line = line.strip_suffix('\\').unwrap_or(line);
        let b = line.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i].is_ascii_whitespace() {
                i += 1;
                continue;
            }
            let start = i;
            let mut quote = None;
            while i < b.len() {
                match (quote, b[i]) {
                    (None, c) if c.is_ascii_whitespace() => break,
                    (None, q @ (b'"' | b'\'')) => quote = Some(q),
                    (Some(q), c) if c == q => quote = None,
                    (_, b'\\') => i += 1,
                    _ => {}
                }
                i += 1;
            }
            let end = i.min(b.len());
            out.push((
                line[start..end].to_string(),
                Span::new(offset + start, offset + end),
            ));
        }
    }
    out
}

fn unquote(s: &str) -> String {
    let t = s.trim();
    for q in ['"', '\''] {
        if t.len() >= 2 && t.starts_with(q) && t.ends_with(q) {
            return t[1..t.len() - 1].to_string();
        }
    }
    t.to_string()
}

fn instruction(pieces: &[(usize, &str)], facts: &mut DockerfileFacts) {
    let toks = tokens(pieces);
    let Some((word, _)) = toks.first() else {
        return;
    };
    let word = word.to_ascii_uppercase();
    let args = &toks[1..];
    match word.as_str() {
        "ENV" | "ARG" => {
            let arg = word == "ARG";
            // `ENV X v w` (legacy: one pair, the rest is the value).
            if !arg && args.len() >= 2 && !args[0].0.contains('=') {
                let (name, span) = &args[0];
                let first = &args[1].1;
                let last = &args[args.len() - 1].1;
                let raw: Vec<&str> = args[1..].iter().map(|(t, _)| t.as_str()).collect();
                facts.vars.push(DockerVar {
                    arg,
                    name: name.clone(),
                    name_span: *span,
                    value: Some(unquote(&raw.join(" "))),
                    value_span: Some(Span::new(first.start, last.end)),
                });
                return;
            }
            for (t, span) in args {
                let (name, value) = match t.split_once('=') {
                    Some((n, v)) => (n, Some(v)),
                    None => (t.as_str(), None),
                };
                if name.is_empty() {
                    continue;
                }
                facts.vars.push(DockerVar {
                    arg,
                    name: name.to_string(),
                    name_span: Span::new(span.start, span.start + name.len()),
                    value: value.map(unquote),
                    value_span: value.map(|_| Span::new(span.start + name.len() + 1, span.end)),
                });
            }
        }
        "COPY" | "ADD" => {
            if args.iter().any(|(t, _)| t.starts_with("--from")) {
                return;
            }
            let paths: Vec<String> = args
                .iter()
                .filter(|(t, _)| !t.starts_with("--"))
                .map(|(t, _)| t.clone())
                .collect();
            let sources = if paths.first().is_some_and(|p| p.starts_with('[')) {
                // JSON form: ["src", "dest"].
                let joined = paths.join(" ");
                let inner = joined.trim_start_matches('[').trim_end_matches(']');
                let mut all: Vec<String> = inner.split(',').map(unquote).collect();
                all.pop();
                all
            } else {
                let mut all = paths;
                all.pop();
                all.iter().map(|p| unquote(p)).collect()
            };
            let start = toks[0].1.start;
            let end = toks.last().map_or(start, |t| t.1.end);
            facts.copies.push(Copy {
                sources,
                span: Span::new(start, end),
            });
        }
        _ => {}
    }
}

/// A `.dockerignore` file's patterns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DockerIgnore {
    /// (pattern split into path parts, exception `!`), in order: the last match wins.
    patterns: Vec<(Vec<String>, bool)>,
}

impl DockerIgnore {
    pub fn parse(text: &str) -> DockerIgnore {
        let mut patterns = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (exception, pat) = match line.strip_prefix('!') {
                Some(p) => (true, p.trim()),
                None => (false, line),
            };
            // Docker cleans the pattern (filepath.Clean) and drops a leading `/`.
            let parts: Vec<String> = pat
                .split('/')
                .filter(|p| !p.is_empty() && *p != ".")
                .map(str::to_string)
                .collect();
            if !parts.is_empty() {
                patterns.push((parts, exception));
            }
        }
        DockerIgnore { patterns }
    }

    /// Whether `path` (relative to the context root, `/`-separated) is left out of the build
    /// context. As Docker does, a pattern that matches a parent folder excludes what is in it.
    pub fn excludes(&self, path: &str) -> bool {
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        let mut excluded = false;
        for (pattern, exception) in &self.patterns {
            let hit = (1..=parts.len()).any(|n| match_parts(pattern, &parts[..n]));
            if hit {
                excluded = !exception;
            }
        }
        excluded
    }
}

/// `**` matches any number of parts; other parts match with Go's `filepath.Match`.
fn match_parts(pattern: &[String], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((p, rest)) if p == "**" => (0..=path.len()).any(|i| match_parts(rest, &path[i..])),
        Some((p, rest)) => {
            !path.is_empty()
                && glob(p.as_bytes(), path[0].as_bytes())
                && match_parts(rest, &path[1..])
        }
    }
}

/// Go's `filepath.Match` on one path part: `*`, `?`, `[...]` classes (with `^`/`!` negation
/// and ranges), `\` escapes.
fn glob(p: &[u8], s: &[u8]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some((b'*', rest)) => (0..=s.len()).any(|i| glob(rest, &s[i..])),
        Some((b'?', rest)) => !s.is_empty() && glob(rest, &s[1..]),
        Some((b'[', rest)) => {
            let Some((&c, s_rest)) = s.split_first() else {
                return false;
            };
            let (negate, mut body) = match rest.first() {
                Some(b'^' | b'!') => (true, &rest[1..]),
                _ => (false, rest),
            };
            let mut matched = false;
            let mut first = true;
            loop {
                match body.first() {
                    None => return false,
                    Some(b']') if !first => {
                        body = &body[1..];
                        break;
                    }
                    _ => {}
                }
                first = false;
                let lo = body[0];
                if body.len() >= 3 && body[1] == b'-' && body[2] != b']' {
                    if lo <= c && c <= body[2] {
                        matched = true;
                    }
                    body = &body[3..];
                } else {
                    if lo == c {
                        matched = true;
                    }
                    body = &body[1..];
                }
            }
            matched != negate && glob(body, s_rest)
        }
        Some((b'\\', rest)) if !rest.is_empty() => {
            s.first() == Some(&rest[0]) && glob(&rest[1..], &s[1..])
        }
        Some((&c, rest)) => s.first() == Some(&c) && glob(rest, &s[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_and_arg_forms() {
        let text = "FROM python:3.12\nARG BUILD_ONLY\nENV A=1 B=\"two words\" \\\n    C=3\nENV LEGACY some value\n# ENV COMMENTED=1\nenv lower=x\n";
        let f = read(text);
        let names: Vec<_> = f.vars.iter().map(|v| (v.name.as_str(), v.arg)).collect();
        assert_eq!(
            names,
            [
                ("BUILD_ONLY", true),
                ("A", false),
                ("B", false),
                ("C", false),
                ("LEGACY", false),
                ("lower", false)
            ]
        );
        assert_eq!(f.vars[2].value.as_deref(), Some("two words"));
        assert_eq!(f.vars[4].value.as_deref(), Some("some value"));
        let c = &f.vars[3];
        assert_eq!(&text[c.name_span.start..c.name_span.end], "C");
        assert!(f.sets_env("C"));
        assert!(!f.sets_env("BUILD_ONLY"));
    }

    #[test]
    fn copy_sources() {
        let f = read("COPY . .\nCOPY --chown=app:app src/ .env /app/\nCOPY --from=build /x /y\nADD [\"a b\", \"/d\"]\n");
        let sources: Vec<_> = f.copies.iter().map(|c| c.sources.clone()).collect();
        assert_eq!(
            sources,
            [
                vec![".".to_string()],
                vec!["src/".to_string(), ".env".to_string()],
                vec!["a b".to_string()]
            ]
        );
    }

    #[test]
    fn dockerignore_matching() {
        let ig =
            DockerIgnore::parse("# c\n*.pyc\n**/.env\n!keep/.env\n/secrets\nconf/[a-c]?.env\n");
        assert!(ig.excludes(".env"));
        assert!(ig.excludes("app/deep/.env"));
        assert!(!ig.excludes("keep/.env"));
        assert!(ig.excludes("x.pyc"));
        assert!(!ig.excludes("dir/x.pyc"));
        assert!(ig.excludes("secrets/key.txt"));
        assert!(ig.excludes("conf/b1.env"));
        assert!(!ig.excludes("conf/d1.env"));
        assert!(!DockerIgnore::parse(".env.example\n").excludes(".env"));
        assert!(DockerIgnore::parse(".env*\n").excludes(".env"));
    }
}

//! A Docker Compose file read into facts: its services (name, `build`, `environment`,
//! `env_file`) and every `${VAR}` reference Compose interpolates. Pure: text in, facts out.
//! Read with `engine/yaml.rs`; a file that is not valid YAML keeps its error and no services.
//! `profiles` and everything else of a service is ignored.

use super::compose_env::{self, RefForm};
use super::text::Span;
use super::yaml::{self, Node, NodeKind, Style, YamlError};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ComposeFile {
    pub services: Vec<Service>,
    /// Every `$X` / `${X…}` in a value of the file, in order.
    pub refs: Vec<ComposeRef>,
    pub error: Option<YamlError>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    pub name: String,
    pub name_span: Span,
    /// The service's map (from its first key to the end of its last value).
    pub span: Span,
    pub build: Option<Build>,
    pub environment: Option<Environment>,
    pub env_files: Option<EnvFiles>,
}

/// `build: ctx` or `build: {context: ctx, dockerfile: name}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Build {
    /// Relative to the compose file's folder; `.` when only `dockerfile` is given.
    pub context: String,
    pub dockerfile: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Environment {
    /// `- X=v` items (else a map).
    pub list: bool,
    /// The `environment` key.
    pub key_span: Span,
    /// The block's value (empty for `environment:` with nothing).
    pub span: Span,
    pub entries: Vec<EnvEntry>,
    /// A flow form (`[...]`, `{...}`) or an empty value: no line-wise insert.
    pub flow: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvEntry {
    pub name: String,
    pub name_span: Span,
    /// The raw value as written (before interpolation); None for `- X` or `X:` (taken from the
    /// shell that runs Compose).
    pub value: Option<String>,
    pub value_span: Option<Span>,
    /// The item or the `key: value` pair.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnvFiles {
    pub key_span: Span,
    pub span: Span,
    /// A single string (`env_file: .env`) rather than a list.
    pub single: bool,
    pub flow: bool,
    pub files: Vec<EnvFileRef>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvFileRef {
    pub path: String,
    pub required: bool,
    pub span: Span,
}

/// One interpolated reference in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComposeRef {
    pub name: String,
    /// Bytes of the reference in the file's text.
    pub span: Span,
    pub form: RefForm,
}

/// Read a compose file.
pub fn read(text: &str) -> ComposeFile {
    let root = match yaml::parse(text) {
        Ok(root) => root,
        Err(e) => {
            return ComposeFile {
                error: Some(e),
                ..ComposeFile::default()
            }
        }
    };
    let mut file = ComposeFile::default();
    collect_refs(text, &root, &mut file.refs);
    if let Some(services) = root.get("services").and_then(Node::entries) {
        for entry in services {
            let (Some(name), Some(_)) = (entry.key.as_str(), entry.value.entries()) else {
                continue;
            };
            file.services.push(service(text, name, entry));
        }
    }
    file
}

fn service(text: &str, name: &str, entry: &yaml::Entry) -> Service {
    let body = &entry.value;
    Service {
        name: name.to_string(),
        name_span: entry.key.span,
        span: body.span,
        build: body.get("build").and_then(build),
        environment: body.get_entry("environment").map(|e| environment(text, e)),
        env_files: body.get_entry("env_file").map(env_files),
    }
}

fn build(node: &Node) -> Option<Build> {
    if let Some(s) = node.as_str() {
        return Some(Build {
            context: s.to_string(),
            dockerfile: None,
        });
    }
    node.entries()?;
    Some(Build {
        context: node
            .get("context")
            .and_then(Node::as_str)
            .unwrap_or(".")
            .to_string(),
        dockerfile: node
            .get("dockerfile")
            .and_then(Node::as_str)
            .map(str::to_string),
    })
}

/// Whether a node's text starts with a flow indicator.
fn is_flow(text: &str, node: &Node) -> bool {
    text.get(node.span.start..)
        .is_some_and(|t| t.starts_with('[') || t.starts_with('{'))
}

fn environment(text: &str, entry: &yaml::Entry) -> Environment {
    let node = &entry.value;
    let mut entries = Vec::new();
    let list = matches!(node.kind, NodeKind::Seq(_));
    match &node.kind {
        NodeKind::Seq(items) => {
            for item in items {
                let Some(s) = item.scalar() else { continue };
                let (inner_start, inner_end) = scalar_inner(item);
                let (name, value) = match s.value.split_once('=') {
                    Some((n, v)) => (n, Some(v)),
                    None => (s.value.as_str(), None),
                };
                // Spans inside the item only where the text is the value as written (no
                // escapes, no folded lines); else the whole item.
                let exact = text.get(inner_start..inner_end) == Some(s.value.as_str());
                let name_span = if exact {
                    Span::new(inner_start, inner_start + name.len())
                } else {
                    item.span
                };
                let value_span = value.map(|v| {
                    if exact {
                        let start = inner_start + name.len() + 1;
                        Span::new(start, start + v.len())
                    } else {
                        item.span
                    }
                });
                entries.push(EnvEntry {
                    name: name.trim().to_string(),
                    name_span,
                    value: value.map(str::to_string),
                    value_span,
                    span: item.span,
                });
            }
        }
        NodeKind::Map(pairs) => {
            for pair in pairs {
                let Some(name) = pair.key.as_str() else {
                    continue;
                };
                let value = (!pair.value.is_null())
                    .then(|| pair.value.as_str().map(str::to_string))
                    .flatten();
                entries.push(EnvEntry {
                    name: name.to_string(),
                    name_span: pair.key.span,
                    value_span: value.as_ref().map(|_| pair.value.span),
                    value,
                    span: Span::new(
                        pair.key.span.start,
                        pair.value.span.end.max(pair.key.span.end),
                    ),
                });
            }
        }
        _ => {}
    }
    Environment {
        list,
        key_span: entry.key.span,
        span: node.span,
        flow: is_flow(text, node) || node.is_null(),
        entries,
    }
}

/// The start and end of a scalar's content (inside its quotes, if quoted).
fn scalar_inner(node: &Node) -> (usize, usize) {
    match node.scalar().map(|s| s.style) {
        Some(Style::SingleQuoted | Style::DoubleQuoted) if node.span.len() >= 2 => {
            (node.span.start + 1, node.span.end - 1)
        }
        _ => (node.span.start, node.span.end),
    }
}

fn env_files(entry: &yaml::Entry) -> EnvFiles {
    let node = &entry.value;
    let mut files = Vec::new();
    let mut one = |n: &Node| {
        if let Some(s) = n.as_str() {
            files.push(EnvFileRef {
                path: s.to_string(),
                required: true,
                span: n.span,
            });
        } else if let Some(path) = n.get("path").and_then(Node::as_str) {
            let required = n
                .get("required")
                .and_then(Node::as_str)
                .is_none_or(|r| !matches!(r, "false" | "False" | "FALSE"));
            files.push(EnvFileRef {
                path: path.to_string(),
                required,
                span: n.span,
            });
        }
    };
    let single = matches!(node.kind, NodeKind::Scalar(_));
    match &node.kind {
        NodeKind::Seq(items) => items.iter().for_each(&mut one),
        _ => one(node),
    }
    EnvFiles {
        key_span: entry.key.span,
        span: node.span,
        single,
        flow: false,
        files,
    }
}

/// Every reference in the file's scalar values (keys are not interpolated), with spans in the
/// file's text. Single-quoted and plain YAML scalars keep `$` as written; a double-quoted one
/// is scanned as written too (escapes before a `$` are rare in compose files).
fn collect_refs(text: &str, node: &Node, out: &mut Vec<ComposeRef>) {
    match &node.kind {
        NodeKind::Scalar(_) => {
            let raw = text.get(node.span.start..node.span.end).unwrap_or("");
            for r in compose_env::references(raw) {
                out.push(ComposeRef {
                    name: r.name,
                    span: Span::new(node.span.start + r.start, node.span.start + r.end),
                    form: r.form,
                });
            }
        }
        NodeKind::Seq(items) => items.iter().for_each(|n| collect_refs(text, n, out)),
        NodeKind::Map(entries) => entries
            .iter()
            .for_each(|e| collect_refs(text, &e.value, out)),
        NodeKind::Alias => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    #[test]
    fn services_environment_env_file_build() {
        let text = "services:\n  app:\n    build:\n      context: ./app\n      dockerfile: Dockerfile.prod\n    profiles: [dev]\n    environment:\n      - OPENAI_API_KEY=${OPENAI_API_KEY}\n      - \"MODE=prod\"\n      - PASSTHROUGH\n    env_file:\n      - .env\n      - path: ./extra.env\n        required: false\n  db:\n    build: ./db\n    environment:\n      A: 1\n      B:\n    env_file: db.env\n";
        let f = read(text);
        assert!(f.error.is_none());
        assert_eq!(f.services.len(), 2);
        let app = &f.services[0];
        assert_eq!(at(text, app.name_span), "app");
        let b = app.build.as_ref().unwrap();
        assert_eq!(b.context, "./app");
        assert_eq!(b.dockerfile.as_deref(), Some("Dockerfile.prod"));
        let env = app.environment.as_ref().unwrap();
        assert!(env.list);
        assert_eq!(env.entries.len(), 3);
        assert_eq!(at(text, env.entries[0].name_span), "OPENAI_API_KEY");
        assert_eq!(
            at(text, env.entries[0].value_span.unwrap()),
            "${OPENAI_API_KEY}"
        );
        assert_eq!(at(text, env.entries[1].name_span), "MODE");
        assert_eq!(env.entries[2].value, None);
        let files = app.env_files.as_ref().unwrap();
        assert_eq!(files.files.len(), 2);
        assert!(files.files[0].required);
        assert!(!files.files[1].required);
        assert_eq!(files.files[1].path, "./extra.env");
        let db = &f.services[1];
        assert_eq!(db.build.as_ref().unwrap().context, "./db");
        let env = db.environment.as_ref().unwrap();
        assert!(!env.list);
        assert_eq!(env.entries[0].value.as_deref(), Some("1"));
        assert_eq!(env.entries[1].value, None);
        assert!(db.env_files.as_ref().unwrap().single);
        assert_eq!(f.refs.len(), 1);
        assert_eq!(at(text, f.refs[0].span), "${OPENAI_API_KEY}");
    }

    #[test]
    fn escapes_and_defaults() {
        let text =
            "services:\n  a:\n    image: \"x:${TAG:-latest}\"\n    command: echo $$HOME ${Y}\n";
        let f = read(text);
        let names: Vec<_> = f.refs.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["TAG", "Y"]);
        assert!(!f.refs[0].form.empty_when_unset());
    }

    #[test]
    fn escaped_items_get_the_whole_item_as_span() {
        let text =
            "services:\n  a:\n    environment:\n      - \"\\t\u{e9}=1\"\n      - 'B=it''s'\n";
        let f = read(text);
        let env = f.services[0].environment.as_ref().unwrap();
        assert_eq!(env.entries[0].name, "\u{e9}");
        assert_eq!(at(text, env.entries[0].name_span), "\"\\t\u{e9}=1\"");
        assert_eq!(at(text, env.entries[1].name_span), "'B=it''s'");
    }

    #[test]
    fn invalid_yaml_keeps_the_error() {
        let f = read("services:\n  a:\n    environment: [\n");
        assert!(f.error.is_some());
        assert!(f.services.is_empty());
    }
}

//! `--format sarif`: a SARIF 2.1.0 log (what GitHub code scanning and other CI dashboards read).
//!
//! One run: the tool (`keywire`, its version and every rule with its page), then one result per
//! finding. Paths are relative to the current directory (`%SRCROOT%`, whose absolute `file:`
//! URI is in `originalUriBaseIds`); regions are 1-based with columns counted in UTF-16 code
//! units (`columnKind` says so). A finding inside a notebook cell points into the notebook
//! file's text and carries the cell in `properties.cell` and in its message. Fixes are given as
//! replacements, except those marked sensitive (their edits carry a key). No source text
//! (`snippet`) is ever included. `partialFingerprints` come from [`super::fingerprints`].

use std::path::Path;

use serde_json::{json, Map, Value};

use super::{fingerprints, message_with_part, Diag, Pos, Sources};
use crate::cli::display_path;
use crate::engine::rules::{rule_docs_url, REPOSITORY_URL};
use crate::engine::{Rule, Severity, Span};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";

/// The whole log, pretty-printed, with a trailing newline.
pub fn render(diags: &[Diag], sources: &mut Sources, cwd: Option<&Path>) -> String {
    let prints = fingerprints(diags);
    let results: Vec<Value> = diags
        .iter()
        .zip(prints)
        .map(|(d, print)| result(d, print, sources, cwd))
        .collect();
    let mut run = Map::new();
    run.insert(
        "tool".into(),
        json!({
            "driver": {
                "name": "keywire",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": REPOSITORY_URL,
                "rules": Rule::ALL.iter().map(|r| rule(*r)).collect::<Vec<_>>(),
            }
        }),
    );
    if let Some(root) = cwd.and_then(root_uri) {
        run.insert(
            "originalUriBaseIds".into(),
            json!({ SRCROOT: { "uri": root } }),
        );
    }
    run.insert("columnKind".into(), json!("utf16CodeUnits"));
    run.insert("results".into(), Value::Array(results));
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [Value::Object(run)],
    });
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

fn rule(rule: Rule) -> Value {
    let meta = rule.meta();
    let doc = meta.doc();
    json!({
        "id": meta.code,
        "name": meta.name,
        "shortDescription": { "text": meta.summary() },
        "fullDescription": { "text": doc.trim_end() },
        "helpUri": rule_docs_url(meta.code),
        "help": { "text": format!("{} See {}", meta.summary(), rule_docs_url(meta.code)) },
        "defaultConfiguration": { "level": level(meta.severity) },
    })
}

pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

fn result(d: &Diag, print: String, sources: &mut Sources, cwd: Option<&Path>) -> Value {
    let f = &d.finding;
    let mut r = Map::new();
    r.insert("ruleId".into(), json!(f.rule.code()));
    if let Some(i) = Rule::ALL.iter().position(|x| *x == f.rule) {
        r.insert("ruleIndex".into(), json!(i));
    }
    r.insert("level".into(), json!(level(f.severity)));
    r.insert("message".into(), json!({ "text": message_with_part(f) }));
    r.insert(
        "locations".into(),
        json!([location(&f.path, f.span, sources, cwd)]),
    );
    if !f.related.is_empty() {
        let related: Vec<Value> = f
            .related
            .iter()
            .enumerate()
            .map(|(i, rel)| {
                let mut loc = location(&rel.path, rel.span, sources, cwd);
                loc["id"] = json!(i + 1);
                loc["message"] = json!({ "text": rel.message });
                loc
            })
            .collect();
        r.insert("relatedLocations".into(), Value::Array(related));
    }
    let fixes: Vec<Value> = f
        .fixes
        .iter()
        .filter(|fix| !fix.sensitive && !fix.edits.is_empty())
        .map(|fix| {
            // One artifact change per file, in the order the edits name them.
            let mut changes: Vec<(&Path, Vec<Value>)> = Vec::new();
            for e in &fix.edits {
                let (start, end) = sources.range_utf16(&e.path, e.span);
                let replacement = json!({
                    "deletedRegion": region(start, end),
                    "insertedContent": { "text": e.new_text },
                });
                match changes.iter_mut().find(|(p, _)| *p == e.path.as_path()) {
                    Some((_, list)) => list.push(replacement),
                    None => changes.push((&e.path, vec![replacement])),
                }
            }
            json!({
                "description": { "text": fix.title },
                "artifactChanges": changes
                    .into_iter()
                    .map(|(path, replacements)| json!({
                        "artifactLocation": artifact(path, cwd),
                        "replacements": replacements,
                    }))
                    .collect::<Vec<_>>(),
                "properties": { "applicability": if fix.safe { "safe" } else { "unsafe" } },
            })
        })
        .collect();
    if !fixes.is_empty() {
        r.insert("fixes".into(), Value::Array(fixes));
    }
    r.insert(
        "partialFingerprints".into(),
        json!({ "keywireFingerprint/v1": print }),
    );
    let mut props = Map::new();
    props.insert("name".into(), json!(f.rule.name()));
    if let Some(w) = &f.within {
        props.insert(w.label.into(), json!(w.number));
    }
    r.insert("properties".into(), Value::Object(props));
    Value::Object(r)
}

fn location(path: &Path, span: Span, sources: &mut Sources, cwd: Option<&Path>) -> Value {
    let (start, end) = sources.range_utf16(path, span);
    json!({
        "physicalLocation": {
            "artifactLocation": artifact(path, cwd),
            "region": region(start, end),
        }
    })
}

fn region(start: Pos, end: Pos) -> Value {
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

/// A path relative to the current directory, under `%SRCROOT%`; an absolute `file:` URI when
/// there is no relative form.
fn artifact(path: &Path, cwd: Option<&Path>) -> Value {
    let shown = display_path(path, cwd);
    if cwd.is_some() && Path::new(&shown).is_relative() && !shown.contains(':') {
        json!({ "uri": encode(&shown), "uriBaseId": SRCROOT })
    } else {
        json!({ "uri": file_uri(&shown) })
    }
}

/// `file:///dir/` for a directory.
fn root_uri(dir: &Path) -> Option<String> {
    if !dir.is_absolute() {
        return None;
    }
    let mut uri = file_uri(&display_path(dir, None));
    if !uri.ends_with('/') {
        uri.push('/');
    }
    Some(uri)
}

/// A `file:` URI of an absolute path written with `/` (`C:/x` becomes `file:///C:/x`).
fn file_uri(path: &str) -> String {
    let encoded = encode(path);
    if encoded.starts_with('/') {
        format!("file://{encoded}")
    } else {
        // A drive letter keeps its colon.
        format!("file:///{}", encoded.replacen("%3A", ":", 1))
    }
}

/// Percent-encode everything but unreserved characters and `/` (UTF-8 bytes for the rest).
fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(encode("a b/日,c:d%.py"), "a%20b/%E6%97%A5%2Cc%3Ad%25.py");
        assert_eq!(file_uri("/w/x y"), "file:///w/x%20y");
        assert_eq!(file_uri("C:/w/x"), "file:///C:/w/x");
        assert_eq!(
            root_uri(Path::new("/w/proj")).as_deref(),
            Some("file:///w/proj/")
        );
    }
}

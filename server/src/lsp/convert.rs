//! Findings → LSP: byte spans to ranges in the right file's text, paths to URIs, fixes to
//! [`DiagnosticData`] (each diagnostic carries, in `data`, the finding's fixes with their edits
//! already converted to LSP ranges for every file they touch; code actions read them back).
//!
//! The last step of the diagnostic path (worker → engine → converter → client). Imports
//! nothing of `lsp/` but the leaf modules [`position`](super::position) and [`uri`](super::uri):
//! it must never reach back into the worker, the document store or the session. The text of a
//! closed file comes from the project layer's read policy.

use std::cell::RefCell;
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Range, Uri,
};

use super::position::{Encoding, LineIndex};
use super::uri::path_to_uri;
use crate::engine::workspace::Workspace;
use crate::engine::{secrets, Finding, Fix, Severity, Span};
use crate::project;

pub use crate::engine::rules::{rule_docs_url, DOCS_BASE, REPOSITORY_URL, RULE_DOCS_DIR};

pub const SOURCE: &str = "keywire";

/// `Diagnostic.data`: the fixes of the finding, ready to become code actions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DiagnosticData {
    /// The document version the diagnostic (and every range below) was computed for.
    pub version: i32,
    pub fixes: Vec<FixData>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FixData {
    pub title: String,
    pub safe: bool,
    /// The edits carry a secret (moving a key into .env): never logged.
    #[serde(default)]
    pub sensitive: bool,
    pub edits: Vec<FileEdit>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileEdit {
    pub uri: Uri,
    /// The version of the open document the range is for; None for files that are not open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
    pub range: Range,
    pub new_text: String,
    /// The file does not exist yet.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub create: bool,
}

/// An open document as conversion sees it: its text wins over disk, its URI and version go
/// into edits.
#[derive(Clone, Debug)]
pub struct OpenDoc {
    pub uri: Uri,
    pub version: i32,
    pub text: Arc<str>,
}

/// A text with its line index.
pub struct Indexed {
    pub text: Arc<str>,
    pub index: LineIndex,
}

/// Converts engine output for one scope: byte spans to ranges in the right file's text (open
/// document, else what the scope read from disk, else the file read now), paths to URIs.
pub struct Converter<'a> {
    enc: Encoding,
    related: bool,
    open: &'a HashMap<PathBuf, OpenDoc>,
    ws: &'a Workspace,
    cache: RefCell<HashMap<PathBuf, Option<Arc<Indexed>>>>,
}

impl<'a> Converter<'a> {
    pub fn new(
        enc: Encoding,
        related: bool,
        open: &'a HashMap<PathBuf, OpenDoc>,
        ws: &'a Workspace,
    ) -> Converter<'a> {
        Converter {
            enc,
            related,
            open,
            ws,
            cache: RefCell::new(HashMap::new()),
        }
    }

    /// The workspace of the scope being converted.
    pub fn ws(&self) -> &Workspace {
        self.ws
    }

    /// The current text of any file: open document, workspace (.env files), disk.
    pub fn text(&self, path: &Path) -> Option<Arc<Indexed>> {
        if let Some(hit) = self.cache.borrow().get(path) {
            return hit.clone();
        }
        let text = self
            .open
            .get(path)
            .map(|d| d.text.clone())
            .or_else(|| self.ws.env_file(path).map(|f| f.text.clone()))
            .or_else(|| {
                path.is_absolute()
                    .then(|| project::read_text(path))
                    .flatten()
            });
        let indexed = text.map(|text| {
            Arc::new(Indexed {
                index: LineIndex::new(&text),
                text,
            })
        });
        self.cache
            .borrow_mut()
            .insert(path.to_path_buf(), indexed.clone());
        indexed
    }

    pub fn uri(&self, path: &Path) -> Option<Uri> {
        match self.open.get(path) {
            Some(doc) => Some(doc.uri.clone()),
            None => path_to_uri(path),
        }
    }

    pub fn version(&self, path: &Path) -> Option<i32> {
        self.open.get(path).map(|d| d.version)
    }

    pub fn range(&self, path: &Path, span: Span) -> Option<Range> {
        let t = self.text(path)?;
        Some(t.index.range(&t.text, span, self.enc))
    }

    pub fn location(&self, path: &Path, span: Span) -> Option<Location> {
        Some(Location::new(self.uri(path)?, self.range(path, span)?))
    }

    /// The diagnostic for `f`, a finding in the file at `path` computed for its `version`.
    pub fn diagnostic(&self, f: &Finding, path: &Path, version: i32) -> Diagnostic {
        let code = f.rule.code();
        let related: Vec<DiagnosticRelatedInformation> = f
            .related
            .iter()
            .filter_map(|r| {
                Some(DiagnosticRelatedInformation {
                    location: self.location(&r.path, r.span)?,
                    message: r.message.clone(),
                })
            })
            .collect();
        let data = DiagnosticData {
            version,
            fixes: f.fixes.iter().filter_map(|fix| self.fix(fix)).collect(),
        };
        Diagnostic {
            range: self.range(path, f.span).unwrap_or_default(),
            severity: Some(severity(f.severity)),
            code: Some(NumberOrString::String(code.to_string())),
            code_description: rule_docs_url(code)
                .parse()
                .ok()
                .map(|href| CodeDescription { href }),
            source: Some(SOURCE.to_string()),
            message: if self.related || f.related.is_empty() {
                f.message.clone()
            } else {
                // The client cannot show related locations: name them in the message.
                let mut m = f.message.clone();
                for r in &f.related {
                    m.push_str(&format!("\n{}: {}", r.path.display(), r.message));
                }
                m
            },
            related_information: (self.related && !related.is_empty()).then_some(related),
            tags: None,
            data: serde_json::to_value(data).ok(),
        }
    }

    /// An engine fix with LSP ranges; None when a file it edits cannot be read or its spans do
    /// not fit the text (a stale fix is dropped, never applied to the wrong text).
    pub fn fix(&self, fix: &Fix) -> Option<FixData> {
        let mut edits = Vec::with_capacity(fix.edits.len());
        for e in &fix.edits {
            let uri = self.uri(&e.path)?;
            let range = if e.create && self.text(&e.path).is_none() {
                Range::default()
            } else {
                let t = self.text(&e.path)?;
                let fits = e.span.start <= e.span.end
                    && e.span.end <= t.text.len()
                    && t.text.is_char_boundary(e.span.start)
                    && t.text.is_char_boundary(e.span.end);
                if !fits {
                    return None;
                }
                t.index.range(&t.text, e.span, self.enc)
            };
            edits.push(FileEdit {
                uri,
                version: self.version(&e.path),
                range,
                new_text: e.new_text.clone(),
                create: e.create && self.text(&e.path).is_none(),
            });
        }
        Some(FixData {
            title: safe_title(&fix.title),
            safe: fix.safe,
            sensitive: fix.sensitive,
            edits,
        })
    }
}

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// Titles are shown in menus and logs: mask anything that looks like a key (the engine's
/// titles name variables, never values; this is the belt to that brace).
pub fn safe_title(title: &str) -> String {
    let is_token =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+' | '/' | '~');
    let mut out = String::with_capacity(title.len());
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        if token.len() >= 16 && secrets::looks_like_key(token) {
            out.push_str("<redacted>");
        } else {
            out.push_str(token);
        }
        token.clear();
    };
    for c in title.chars() {
        if is_token(c) {
            token.push(c);
        } else {
            flush(&mut token, &mut out);
            out.push(c);
        }
    }
    flush(&mut token, &mut out);
    out
}

pub fn hash(diagnostics: &[Diagnostic]) -> u64 {
    let mut h = DefaultHasher::new();
    serde_json::to_string(diagnostics)
        .unwrap_or_default()
        .hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_never_show_keys() {
        let key = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z";
        assert_eq!(
            safe_title(&format!("Move `{key}` to .env")),
            "Move `<redacted>` to .env"
        );
        assert_eq!(
            safe_title("Rename `AZURE_OPENAI_API_KEY` to `OPENAI_API_KEY`"),
            "Rename `AZURE_OPENAI_API_KEY` to `OPENAI_API_KEY`"
        );
    }

    #[test]
    fn data_round_trips() {
        let data = DiagnosticData {
            version: 3,
            fixes: vec![FixData {
                title: "t".into(),
                safe: true,
                sensitive: false,
                edits: vec![FileEdit {
                    uri: "file:///a/.env".parse().unwrap(),
                    version: None,
                    range: Range::default(),
                    new_text: "A=\n".into(),
                    create: true,
                }],
            }],
        };
        let json = serde_json::to_value(&data).unwrap();
        assert_eq!(json["fixes"][0]["edits"][0]["newText"], "A=\n");
        assert_eq!(
            serde_json::from_value::<DiagnosticData>(json).unwrap(),
            data
        );
    }
}

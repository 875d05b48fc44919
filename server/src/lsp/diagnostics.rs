//! Findings → LSP diagnostics (push via `textDocument/publishDiagnostics` from the analysis
//! worker, or pull via `textDocument/diagnostic`).
//!
//! Each diagnostic carries, in `data`, the finding's fixes with their edits already converted
//! to LSP ranges for every file they touch ([`DiagnosticData`]); code actions read them back.
//!
//! Push or pull: a client that advertises `textDocument.diagnostic` gets a `diagnosticProvider`
//! and only pull results (the spec leaves it to the server; pushing as well would show every
//! finding twice in clients that merge both). When something such a client already pulled
//! changes because of another file, the server sends `workspace/diagnostic/refresh` (when the
//! client supports it).

use std::cell::RefCell;
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity,
    DocumentDiagnosticParams, DocumentDiagnosticReport, DocumentDiagnosticReportResult,
    FullDocumentDiagnosticReport, Location, NumberOrString, Range,
    RelatedFullDocumentDiagnosticReport, RelatedUnchangedDocumentDiagnosticReport,
    UnchangedDocumentDiagnosticReport, Uri,
};

use super::analysis::{self, DocSnap, OpenDoc, ScopeSnap};
use super::position::{Encoding, LineIndex};
use super::session::{path_to_uri, Shared};
use crate::engine::workspace::FileKind;
use crate::engine::{secrets, Finding, Fix, Severity, Span};
use crate::loader;

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
    scope: &'a ScopeSnap,
    cache: RefCell<HashMap<PathBuf, Option<Arc<Indexed>>>>,
}

impl<'a> Converter<'a> {
    pub fn new(
        enc: Encoding,
        related: bool,
        open: &'a HashMap<PathBuf, OpenDoc>,
        scope: &'a ScopeSnap,
    ) -> Converter<'a> {
        Converter {
            enc,
            related,
            open,
            scope,
            cache: RefCell::new(HashMap::new()),
        }
    }

    pub fn scope(&self) -> &ScopeSnap {
        self.scope
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
            .or_else(|| self.scope.ws.env_file(path).map(|f| f.text.clone()))
            .or_else(|| {
                path.is_absolute()
                    .then(|| loader::read_source(path, loader::MAX_FILE_SIZE).ok())
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

    pub fn diagnostic(&self, f: &Finding, doc: &DocSnap) -> Diagnostic {
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
            version: doc.version,
            fixes: f.fixes.iter().filter_map(|fix| self.fix(fix)).collect(),
        };
        Diagnostic {
            range: self.range(&doc.path, f.span).unwrap_or_default(),
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

/// The engine's findings for a document of the snapshot. A panicking rule costs that
/// document its findings, nothing more.
pub fn findings(conv: &Converter, doc: &DocSnap) -> Vec<Finding> {
    let ws = &conv.scope().ws;
    let run = || match doc.kind {
        FileKind::Python if doc.provisional => ws.check_python_local(&doc.path, &doc.text),
        FileKind::Python => ws.check_python(&doc.path, &doc.text),
        FileKind::Env | FileKind::EnvTemplate => ws.check_env(&doc.path),
        FileKind::Other => Vec::new(),
    };
    std::panic::catch_unwind(AssertUnwindSafe(run)).unwrap_or_else(|_| {
        tracing::error!("the engine panicked checking {}", doc.path.display());
        Vec::new()
    })
}

pub fn hash(diagnostics: &[Diagnostic]) -> u64 {
    let mut h = DefaultHasher::new();
    serde_json::to_string(diagnostics)
        .unwrap_or_default()
        .hash(&mut h);
    h.finish()
}

/// `textDocument/diagnostic`.
pub async fn pull(
    shared: &Arc<Shared>,
    params: DocumentDiagnosticParams,
) -> Result<DocumentDiagnosticReportResult> {
    let uri = params.text_document.uri;
    analysis::install_documents(shared, Some(&uri)).await;
    let items = match analysis::snapshot(shared, Some(&uri)) {
        Some(snapshot) => tokio::task::spawn_blocking(move || analysis::check(&snapshot))
            .await
            .unwrap_or_default()
            .into_iter()
            .find(|c| c.uri == uri)
            .map(|c| c.diagnostics)
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let h = hash(&items);
    if let Some(doc) = shared.lock().docs.get_mut(&uri) {
        doc.pulled = Some(h);
    }
    let result_id = format!("{h:016x}");
    let report = if params.previous_result_id.as_deref() == Some(result_id.as_str()) {
        DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
            related_documents: None,
            unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport { result_id },
        })
    } else {
        DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport {
                result_id: Some(result_id),
                items,
            },
        })
    };
    Ok(DocumentDiagnosticReportResult::Report(report))
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

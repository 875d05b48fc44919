//! `textDocument/codeAction`: quick fixes from `Diagnostic.data`, "ignore on this line", and
//! `source.fixAll.keywire`.
//!
//! - Every fix in a keywire diagnostic's data becomes a `quickfix` (the first one preferred).
//!   Data computed for another version of the document is stale and offers nothing; edits of
//!   open documents carry their version, so a client refuses them if the file moved on.
//! - Multi-file edits use `documentChanges` when the client supports them (with `CreateFile`
//!   for files that do not exist yet, when it supports creating files), else `changes`; a fix
//!   that needs a new file the client cannot create is not offered.
//! - "Ignore KWxxx on this line" adds the code to a `# keywire: ignore[...]` comment on the
//!   finding's line (the engine honours suppressions on the finding's own line only, in both
//!   Python and .env files). The edited text is re-read with the engine's own extractor /
//!   .env parser: the action is only offered when the comment is recognised and, for .env
//!   files, every value python-dotenv loads stays the same (so never inside a multi-line
//!   quoted value).
//! - `source.fixAll.keywire` recomputes the document's findings and applies, per warning or
//!   error, its first safe fix whose edits overlap none already taken (as `keywire check --fix`
//!   does: never an unsafe fix, never a hint's).
//! - A notebook cell (synced with its notebook, see [`notebook`]) is a Python document here: its
//!   diagnostics' data already hold fixes as cell edits, the ignore comment goes on the cell's
//!   line, and `source.fixAll.keywire` takes the findings on that cell from its notebook's check.

use std::collections::HashMap;
use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionResponse,
    CreateFile, CreateFileOptions, Diagnostic, DocumentChangeOperation, DocumentChanges, OneOf,
    OptionalVersionedTextDocumentIdentifier, ResourceOp, TextDocumentEdit, TextEdit, Uri,
    WorkspaceEdit,
};

use super::convert::{self, DiagnosticData, FileEdit, FixData, SOURCE};
use super::document::parse_text;
use super::notebook;
use super::position::{Encoding, LineIndex};
use super::session::{Caps, Shared};
use super::snapshot;
use crate::engine::suppression::parse_suppression;
use crate::engine::workspace::FileKind;
use crate::engine::{dotenv, python, Span};

pub const SOURCE_FIX_ALL_KEYWIRE: CodeActionKind = CodeActionKind::new("source.fixAll.keywire");

/// What the handler needs of the document, taken under the lock.
struct DocInfo {
    version: i32,
    kind: FileKind,
    text: Arc<str>,
    /// Byte offsets where Python comments start (from the document's tree).
    comment_starts: Vec<usize>,
}

pub async fn code_action(
    shared: &Arc<Shared>,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>> {
    let uri = params.text_document.uri;
    let (info, caps, enc, notebook) = {
        let mut s = shared.lock();
        let (caps, enc) = (s.caps.clone(), s.enc);
        let comments = |tree: Option<&tree_sitter::Tree>| {
            let mut out = Vec::new();
            if let Some(tree) = tree {
                collect_comments(tree.root_node(), &mut out);
            }
            out
        };
        // A notebook cell: its own text, Python.
        let notebook = s.notebook_of_cell(&uri);
        let info = if let Some(nb) = &notebook {
            let Some(cell) = s.notebooks.get(nb).and_then(|n| n.cell(&uri)) else {
                return Ok(None);
            };
            let text = cell.text();
            DocInfo {
                version: cell.version,
                kind: FileKind::Python,
                comment_starts: comments(parse_text(&text, None).as_ref()),
                text,
            }
        } else {
            let Some(doc) = s.docs.get_mut(&uri) else {
                return Ok(None);
            };
            let comment_starts = comments(doc.tree());
            DocInfo {
                version: doc.version,
                kind: doc.kind,
                text: doc.text(),
                comment_starts,
            }
        };
        (info, caps, enc, notebook)
    };
    let wants = |kind: &CodeActionKind| {
        params.context.only.as_ref().is_none_or(|only| {
            only.iter().any(|o| {
                kind.as_str() == o.as_str()
                    || kind
                        .as_str()
                        .strip_prefix(o.as_str())
                        .is_some_and(|rest| rest.starts_with('.'))
            })
        })
    };

    let mut actions: Vec<CodeActionOrCommand> = Vec::new();
    if wants(&CodeActionKind::QUICKFIX) {
        let index = LineIndex::new(&info.text);
        for diag in &params.context.diagnostics {
            if diag.source.as_deref() != Some(SOURCE) {
                continue;
            }
            let Some(data) = diag
                .data
                .clone()
                .and_then(|d| serde_json::from_value::<DiagnosticData>(d).ok())
            else {
                continue;
            };
            if data.version != info.version {
                continue;
            }
            for (i, fix) in data.fixes.iter().enumerate() {
                if let Some(edit) = workspace_edit(&fix.edits, &caps) {
                    actions.push(
                        CodeAction {
                            title: convert::safe_title(&fix.title),
                            kind: Some(CodeActionKind::QUICKFIX),
                            diagnostics: Some(vec![diag.clone()]),
                            edit: Some(edit),
                            is_preferred: Some(i == 0),
                            ..Default::default()
                        }
                        .into(),
                    );
                }
            }
            if let Some(action) = ignore_action(&uri, &info, &index, diag, enc) {
                actions.push(action.into());
            }
        }
    }
    if wants(&SOURCE_FIX_ALL_KEYWIRE) {
        if let Some(action) = fix_all(shared, &uri, notebook.as_ref(), &caps).await {
            actions.push(action.into());
        }
    }
    Ok(Some(actions))
}

fn collect_comments(node: tree_sitter::Node, out: &mut Vec<usize>) {
    if node.kind() == "comment" {
        out.push(node.start_byte());
        return;
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        collect_comments(child, out);
    }
}

/// Merge edits of one or more fixes into a `WorkspaceEdit` the client can apply.
pub fn workspace_edit(edits: &[FileEdit], caps: &Caps) -> Option<WorkspaceEdit> {
    if edits.is_empty() {
        return None;
    }
    // Group by file, keeping first-seen order.
    let mut order: Vec<Uri> = Vec::new();
    let mut by_uri: HashMap<Uri, (Option<i32>, bool, Vec<TextEdit>)> = HashMap::new();
    for e in edits {
        let entry = by_uri.entry(e.uri.clone()).or_insert_with(|| {
            order.push(e.uri.clone());
            (e.version, false, Vec::new())
        });
        entry.1 |= e.create;
        entry.2.push(TextEdit::new(e.range, e.new_text.clone()));
    }
    let needs_create = by_uri.values().any(|(_, create, _)| *create);
    if caps.document_changes {
        if needs_create && !caps.create_files {
            return None;
        }
        let mut ops = Vec::new();
        for uri in &order {
            let (version, create, text_edits) = by_uri.remove(uri)?;
            if create {
                ops.push(DocumentChangeOperation::Op(ResourceOp::Create(
                    CreateFile {
                        uri: uri.clone(),
                        options: Some(CreateFileOptions {
                            overwrite: Some(false),
                            ignore_if_exists: Some(true),
                        }),
                        annotation_id: None,
                    },
                )));
            }
            ops.push(DocumentChangeOperation::Edit(TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: uri.clone(),
                    version,
                },
                edits: text_edits.into_iter().map(OneOf::Left).collect(),
            }));
        }
        let changes = if needs_create {
            DocumentChanges::Operations(ops)
        } else {
            DocumentChanges::Edits(
                ops.into_iter()
                    .filter_map(|op| match op {
                        DocumentChangeOperation::Edit(e) => Some(e),
                        DocumentChangeOperation::Op(_) => None,
                    })
                    .collect(),
            )
        };
        Some(WorkspaceEdit {
            document_changes: Some(changes),
            ..Default::default()
        })
    } else {
        if needs_create {
            return None;
        }
        let changes = by_uri
            .into_iter()
            .map(|(uri, (_, _, e))| (uri, e))
            .collect();
        Some(WorkspaceEdit::new(changes))
    }
}

/// "Ignore KWxxx on this line", when the engine would honour the comment.
fn ignore_action(
    uri: &Uri,
    info: &DocInfo,
    index: &LineIndex,
    diag: &Diagnostic,
    enc: Encoding,
) -> Option<CodeAction> {
    let code = match diag.code.as_ref()? {
        tower_lsp_server::ls_types::NumberOrString::String(s) => s.clone(),
        tower_lsp_server::ls_types::NumberOrString::Number(_) => return None,
    };
    let text = &*info.text;
    let offset = index.offset(text, diag.range.start, enc);
    let edit = ignore_edit(text, offset, &code, info.kind, &info.comment_starts)?;
    let range = index.range(text, edit.0, enc);
    let mut changes = HashMap::new();
    changes.insert(uri.clone(), vec![TextEdit::new(range, edit.1)]);
    Some(CodeAction {
        title: format!("Ignore {code} on this line"),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diag.clone()]),
        edit: Some(WorkspaceEdit::new(changes)),
        is_preferred: Some(false),
        ..Default::default()
    })
}

/// The edit suppressing `code` on the line holding `offset` (lines as the engine counts them:
/// by `\n`), verified with the engine's own readers.
pub fn ignore_edit(
    text: &str,
    offset: usize,
    code: &str,
    kind: FileKind,
    comment_starts: &[usize],
) -> Option<(Span, String)> {
    let offset = offset.min(text.len());
    let line_no = text[..offset].bytes().filter(|&b| b == b'\n').count();
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let content_end = if text[..line_end].ends_with('\r') && line_end > line_start {
        line_end - 1
    } else {
        line_end
    };
    let line = &text[line_start..content_end];

    // An existing `# keywire: ignore[...]` on the line: add the code to its list.
    let existing = line.match_indices('#').find_map(|(i, _)| {
        let codes = parse_suppression(&line[i..])?;
        if codes.is_empty() {
            return None;
        }
        let close = line[i..].find(']')? + i;
        Some(close)
    });
    let (span, insert) = if let Some(close) = existing {
        (Span::empty(line_start + close), format!(", {code}"))
    } else if kind == FileKind::Python {
        // Before an existing comment (the suppression must open the comment), else at the end.
        match comment_starts
            .iter()
            .copied()
            .find(|&c| c >= line_start && c < content_end)
        {
            Some(c) => (Span::empty(c), format!("# keywire: ignore[{code}]  ")),
            None => {
                let trimmed = line.trim_end_matches([' ', '\t']).len();
                (
                    Span::new(line_start + trimmed, content_end),
                    format!("  # keywire: ignore[{code}]"),
                )
            }
        }
    } else {
        let trimmed = line.trim_end_matches([' ', '\t']).len();
        (
            Span::new(line_start + trimmed, content_end),
            format!(" # keywire: ignore[{code}]"),
        )
    };
    let mut new_text = String::with_capacity(text.len() + insert.len());
    new_text.push_str(&text[..span.start]);
    new_text.push_str(&insert);
    new_text.push_str(&text[span.end..]);
    let honoured = |codes: &[String]| codes.is_empty() || codes.iter().any(|c| c == code);
    let ok = match kind {
        FileKind::Python => {
            // Every statement parsed: a suppression comment must not break any of them.
            let before = python::extract_unmasked(text);
            let after = python::extract_unmasked(&new_text);
            after
                .suppressions
                .iter()
                .any(|s| s.line == line_no && honoured(&s.codes))
                && (before.has_syntax_errors || !after.has_syntax_errors)
        }
        FileKind::Env | FileKind::EnvTemplate => {
            let before = dotenv::parse(text);
            let after = dotenv::parse(&new_text);
            let values = |f: &dotenv::DotenvFile| {
                f.entries
                    .iter()
                    .map(|e| (e.key.clone(), e.value.clone()))
                    .collect::<Vec<_>>()
            };
            let new_line = new_text.lines().nth(line_no).unwrap_or("");
            let recognised = new_line
                .find("# keywire:")
                .and_then(|i| parse_suppression(&new_line[i..]))
                .is_some_and(|codes| honoured(&codes));
            recognised
                && values(&before) == values(&after)
                && before.errors.len() == after.errors.len()
        }
        FileKind::Workflow => {
            let new_line = new_text.lines().nth(line_no).unwrap_or("");
            let recognised = new_line
                .find("# keywire:")
                .and_then(|i| parse_suppression(&new_line[i..]))
                .is_some_and(|codes| honoured(&codes));
            recognised && crate::engine::yaml::parse(&new_text).is_ok()
        }
        FileKind::Compose => {
            let before = crate::engine::compose::read(text);
            let after = crate::engine::compose::read(&new_text);
            let new_line = new_text.lines().nth(line_no).unwrap_or("");
            new_line
                .find("# keywire:")
                .and_then(|i| parse_suppression(&new_line[i..]))
                .is_some_and(|codes| honoured(&codes))
                && before.error.is_some() == after.error.is_some()
                && before.services == after.services
        }
        // JSON has no comments: nothing in a config list can be suppressed; a suppression
        // comment in a notebook goes into a cell, not offered from the JSON. A Dockerfile's
        // comments take whole lines. A manifest's comment syntax depends on its format (and
        // lock files have none): written by hand.
        FileKind::ConfigJson { .. }
        | FileKind::Manifest
        | FileKind::Notebook
        | FileKind::Dockerfile
        | FileKind::DockerIgnore
        | FileKind::RunFile
        | FileKind::Other => false,
    };
    ok.then_some((span, insert))
}

/// `source.fixAll.keywire`: the bulk fix (safe, of a warning or error) of each of the document's
/// current findings that overlaps no fix already taken. For a notebook cell: of the findings on
/// that cell, from its notebook's check.
async fn fix_all(
    shared: &Arc<Shared>,
    uri: &Uri,
    notebook: Option<&Uri>,
    caps: &Caps,
) -> Option<CodeAction> {
    let target = notebook.unwrap_or(uri);
    let snapshot = snapshot::fresh(shared, Some(target), target).await?;
    let cell = notebook.map(|_| uri.clone());
    let fixes = tokio::task::spawn_blocking(move || {
        let doc = snapshot.docs.first()?;
        let conv = snapshot.converter(doc)?;
        let findings = snapshot::findings(&conv, doc);
        let bulk = findings
            .iter()
            .filter_map(|f| Some((f, f.bulk_fix(false)?)));
        let converted: Vec<(&crate::engine::Fix, FixData)> = match (&doc.cells, &cell) {
            (Some(cells), Some(cell)) => {
                notebook::cell_fixes(&conv, snapshot.enc, &doc.path, &doc.text, cells, cell, bulk)
            }
            _ => bulk
                .filter_map(|(_, fix)| Some((fix, conv.fix(fix)?)))
                .collect(),
        };
        let mut taken: Vec<(std::path::PathBuf, Span)> = Vec::new();
        let mut out: Vec<FixData> = Vec::new();
        for (fix, data) in converted {
            let clashes = fix.edits.iter().any(|e| {
                taken
                    .iter()
                    .any(|(p, s)| *p == e.path && overlaps(*s, e.span))
            });
            if clashes {
                continue;
            }
            taken.extend(fix.edits.iter().map(|e| (e.path.clone(), e.span)));
            out.push(data);
        }
        Some(out)
    })
    .await
    .ok()
    .flatten()?;
    if fixes.is_empty() {
        return None;
    }
    let edits: Vec<FileEdit> = fixes.into_iter().flat_map(|f| f.edits).collect();
    let edit = workspace_edit(&edits, caps)?;
    Some(CodeAction {
        title: "Fix all safe keywire problems".into(),
        kind: Some(SOURCE_FIX_ALL_KEYWIRE),
        edit: Some(edit),
        ..Default::default()
    })
}

/// Whether two edits cannot both be applied: their ranges overlap, one inserts strictly
/// inside the other, or both start at the same offset (two insertions there would depend on
/// their order).
fn overlaps(a: Span, b: Span) -> bool {
    a.start == b.start
        || (a.start < b.end && b.start < a.end)
        || (a.is_empty() && b.start < a.start && a.start < b.end)
        || (b.is_empty() && a.start < b.start && b.start < a.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_rules() {
        assert!(overlaps(Span::new(0, 5), Span::new(4, 6)));
        assert!(!overlaps(Span::new(0, 5), Span::new(5, 6)));
        assert!(overlaps(Span::empty(3), Span::new(0, 5)));
        assert!(overlaps(Span::empty(3), Span::empty(3)));
        assert!(!overlaps(Span::empty(5), Span::new(0, 5)));
    }

    #[test]
    fn env_ignore_goes_at_the_end_of_the_line_and_keeps_values() {
        let text = "A=1\nK=\"abc\"def\r\nB=2\n";
        let k = text.find('K').unwrap();
        let (span, insert) = ignore_edit(text, k, "KW303", FileKind::Env, &[]).unwrap();
        assert_eq!(span, Span::empty(k + 10));
        assert_eq!(insert, " # keywire: ignore[KW303]");
        // An unquoted value keeps its value: the comment is a comment to python-dotenv.
        let text = "KEY=changeme\n";
        let (span, insert) = ignore_edit(text, 0, "KW306", FileKind::Env, &[]).unwrap();
        assert_eq!(
            (span, insert.as_str()),
            (Span::empty(12), " # keywire: ignore[KW306]")
        );
        // Adding to an existing list.
        let text = "KEY=x # keywire: ignore[KW305]\n";
        let (span, insert) = ignore_edit(text, 0, "KW306", FileKind::Env, &[]).unwrap();
        assert_eq!((span, insert.as_str()), (Span::empty(29), ", KW306"));
        // Inside a multi-line quoted value the comment would change the value: not offered.
        let text = "K=\"abc\ndef\"\n";
        assert!(ignore_edit(text, 0, "KW302", FileKind::Env, &[]).is_none());
    }
}

//! What is under the cursor, for hover, go-to-definition and references: an environment
//! variable read, a hard-coded `api_key`, or a `.env` key. Read from the engine's facts of the
//! document's *current* version (the document is installed first, and nothing is answered
//! when that version is not in the workspace).

use std::path::Path;
use std::sync::Arc;

use tower_lsp_server::ls_types::{Position, Uri};

use super::convert::Converter;
use super::position::Encoding;
use super::position::LineIndex;
use super::session::Shared;
use super::snapshot::{self, DocSnap, Snapshot};
use crate::engine::dotenv::Entry;
use crate::engine::notebook::Notebook;
use crate::engine::python::{ConfigSource, EnvRead, FieldValue, StrLit};
use crate::engine::resolve::{LoadRef, LoadTarget};
use crate::engine::workflow::EnvVar;
use crate::engine::workspace::{FileKind, Workspace};
use crate::engine::Span;

/// The document, its snapshot and the byte offset of the cursor.
pub struct At {
    pub snap: Snapshot,
    pub doc: DocSnap,
    /// In the document's text; for a cursor in a notebook cell, in the notebook's module (the
    /// code cells joined), where its facts are.
    pub offset: usize,
    /// The cursor is in a cell of `doc`, a notebook synced cell by cell.
    pub in_cell: bool,
    pub markdown: bool,
}

impl At {
    pub fn conv(&self) -> Option<Converter<'_>> {
        self.snap.converter(&self.doc)
    }

    pub fn ws(&self) -> Option<&Arc<Workspace>> {
        self.snap.scopes.get(&self.doc.scope).map(|s| &s.ws)
    }

    /// What the cursor is on.
    pub fn target(&self) -> Option<Target<'_>> {
        let ws = self.ws()?;
        let inside = |s: Span| s.start <= self.offset && self.offset <= s.end;
        match self.doc.kind {
            FileKind::Notebook if !self.in_cell => None,
            FileKind::Python | FileKind::Notebook => {
                let facts = &ws.python_module(&self.doc.path)?.facts;
                if let Some(read) = facts.env_reads.iter().find(|r| inside(r.span)) {
                    return Some(Target::EnvRead(read));
                }
                if let Some(source) = facts
                    .config_sources
                    .iter()
                    .find(|c| c.name.as_ref().is_some_and(|n| inside(n.span)))
                {
                    return Some(Target::ConfigSource(source));
                }
                facts.entries.iter().find_map(|entry| {
                    entry.fields.iter().find_map(|f| match &f.value {
                        FieldValue::Str(lit)
                            if inside(lit.span)
                                && crate::engine::secrets::is_credential_name(&f.key) =>
                        {
                            Some(Target::KeyLiteral(lit))
                        }
                        _ => None,
                    })
                })
            }
            FileKind::Env | FileKind::EnvTemplate => {
                let file = ws.env_file(&self.doc.path)?;
                file.parsed
                    .entries
                    .iter()
                    .find(|e| inside(e.span))
                    .map(Target::EnvKey)
            }
            FileKind::Workflow => {
                let file = ws.workflow(&self.doc.path)?;
                let w = file.facts();
                let blocks =
                    std::iter::once(&w.env).chain(w.jobs.iter().flat_map(|j| {
                        std::iter::once(&j.env).chain(j.steps.iter().map(|s| &s.env))
                    }));
                blocks.flat_map(|b| b.vars()).find_map(|v| {
                    inside(Span::new(
                        v.name_span.start,
                        v.value_span.end.max(v.name_span.end),
                    ))
                    .then_some(Target::WorkflowEnv(v))
                })
            }
            FileKind::ConfigJson { .. }
            | FileKind::RunFile
            | FileKind::Manifest
            | FileKind::Compose
            | FileKind::Dockerfile
            | FileKind::DockerIgnore
            | FileKind::Other => None,
        }
    }
}

pub enum Target<'a> {
    /// `os.environ["X"]`, `os.getenv("X")`…
    EnvRead(&'a EnvRead),
    /// A string literal given as a credential (`api_key="sk-…"`).
    KeyLiteral(&'a StrLit),
    /// A `KEY=value` statement of the .env document itself.
    EnvKey(&'a Entry),
    /// The name string of `config_list_from_json("OAI_CONFIG_LIST", ...)`.
    ConfigSource(&'a ConfigSource),
    /// An entry of a workflow's `env:`.
    WorkflowEnv(&'a EnvVar),
}

/// Locate the cursor in the current version of `uri`.
pub async fn at(shared: &Arc<Shared>, uri: &Uri, pos: Position) -> Option<At> {
    let (markdown, notebook) = {
        let session = shared.lock();
        (session.caps.markdown_hover, session.notebook_of_cell(uri))
    };
    // Every open document, so spans in other open files match their current text.
    let snap = snapshot::fresh(shared, None, notebook.as_ref().unwrap_or(uri)).await?;
    let doc = snap.docs.first()?.clone();
    let (offset, in_cell) = match &notebook {
        None => (
            LineIndex::new(&doc.text).offset(&doc.text, pos, snap.enc),
            false,
        ),
        Some(_) => (cell_offset(&doc, uri, pos, snap.enc)?, true),
    };
    Some(At {
        snap,
        doc,
        offset,
        in_cell,
        markdown,
    })
}

/// The module offset of `pos` in the cell `cell` of the notebook `doc`.
fn cell_offset(doc: &DocSnap, cell: &Uri, pos: Position, enc: Encoding) -> Option<usize> {
    let cells = doc.cells.as_ref()?;
    let index = cells.iter().position(|c| &c.uri == cell)?;
    let text = &cells[index].text;
    let in_cell = LineIndex::new(text).offset(text, pos, enc);
    let module = Notebook::parse(&doc.text).ok()?.module();
    Some(module.cell_start(index)? + in_cell)
}

/// 1-based line of `span` in `path`, for messages.
pub fn line_of(conv: &Converter, path: &Path, span: Span) -> Option<u32> {
    conv.range(path, span).map(|r| r.start.line + 1)
}

/// `load_dotenv() in app.py line 4`.
pub fn describe_load(conv: &Converter, ws: &Workspace, load: &LoadRef) -> String {
    let call = match load.point.kind {
        crate::engine::python::LoadKind::LoadDotenv => "load_dotenv()",
        crate::engine::python::LoadKind::DotenvValues => "dotenv_values()",
        crate::engine::python::LoadKind::ConfigListFromDotenv => "config_list_from_dotenv()",
    };
    let target = match &load.target {
        LoadTarget::File(_) => "",
        LoadTarget::Unknown => " (computed path)",
        LoadTarget::Missing => " (file not found)",
    };
    match line_of(conv, load.module, load.point.span) {
        Some(line) => format!(
            "`{call}`{target} in `{}` line {line}",
            ws.display_path(load.module)
        ),
        None => format!("`{call}`{target} in `{}`", ws.display_path(load.module)),
    }
}

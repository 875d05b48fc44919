//! `textDocument/definition` and `textDocument/references`.
//!
//! - Definition, from an env read: the `.env` keys defining the variable for this module
//!   (loaded or configured ones; when none is, every .env and template defining it); from the
//!   name of `config_list_from_json("OAI_CONFIG_LIST", ...)`: the file (or the variable's
//!   definition) and the entries the filter keeps.
//! - References, from a `.env` key or an env read: every read of the variable in the
//!   workspace (plus the definitions when `includeDeclaration`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    GotoDefinitionParams, GotoDefinitionResponse, Location, ReferenceParams,
};

use super::cursor::{self, At, Target};
use super::session::Shared;
use crate::engine::python::ConfigSource;
use crate::engine::resolve::config_filter::Verdict;
use crate::engine::resolve::config_source::{resolve_source, Origin, VarSetter};
use crate::engine::resolve::{EnvDef, ModuleScope};
use crate::engine::workspace::Workspace;
use crate::engine::Span;

pub async fn definition(
    shared: &Arc<Shared>,
    params: GotoDefinitionParams,
) -> Result<Option<GotoDefinitionResponse>> {
    let pos = params.text_document_position_params;
    let Some(at) = cursor::at(shared, &pos.text_document.uri, pos.position).await else {
        return Ok(None);
    };
    let locations = tokio::task::spawn_blocking(move || definitions(&at))
        .await
        .unwrap_or_default();
    Ok((!locations.is_empty()).then_some(GotoDefinitionResponse::Array(locations)))
}

fn definitions(at: &At) -> Vec<Location> {
    let (Some(conv), Some(ws)) = (at.conv(), at.ws()) else {
        return Vec::new();
    };
    let read = match at.target() {
        Some(Target::EnvRead(read)) => read,
        Some(Target::ConfigSource(source)) => {
            return config_source(ws, &at.doc.path, source)
                .into_iter()
                // Spans in a notebook synced by cells are module offsets: no place to point at.
                .filter(|(path, _)| !(at.in_cell && *path == at.doc.path))
                .filter_map(|(path, span)| conv.location(&path, span))
                .collect();
        }
        _ => return Vec::new(),
    };
    let scope = ModuleScope::new(ws, &at.doc.path);
    let lookup = scope.lookup(&read.name);
    let mut defs: Vec<EnvDef> = lookup.configured.clone();
    defs.extend(lookup.loaded.iter().map(|(d, _)| *d));
    if defs.is_empty() {
        defs.extend(lookup.unloaded.iter().copied());
        defs.extend(lookup.templates.iter().copied());
    }
    let mut spans: Vec<(PathBuf, Span)> = defs
        .iter()
        .map(|d| (d.env.to_path_buf(), d.entry.key_span))
        .collect();
    spans.sort();
    spans.dedup();
    spans
        .into_iter()
        .filter_map(|(path, span)| conv.location(&path, span))
        .collect()
}

/// From a config list's name: where the list is (the file, or the variable's definition),
/// then the entries its filter keeps (every entry without a filter).
fn config_source(ws: &Workspace, module: &Path, source: &ConfigSource) -> Vec<(PathBuf, Span)> {
    let Some(res) = resolve_source(ws, module, source) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    match &res.origin {
        Origin::File(path, _) => out.push((path.clone(), Span::empty(0))),
        Origin::Written { module, span, .. } => out.push((module.to_path_buf(), *span)),
        Origin::VarJson(setter) | Origin::VarPath(setter, _, _) => match setter {
            VarSetter::Env { env, entry } => out.push((env.to_path_buf(), entry.key_span)),
            VarSetter::Code { module, span } => out.push((module.to_path_buf(), *span)),
        },
        Origin::Outside(_) | Origin::Missing(_) => return out,
    }
    if let Origin::VarPath(_, path, _) = &res.origin {
        out.push((path.clone(), Span::empty(0)));
    }
    let (Some(holder), Some(entries)) = (&res.holder, &res.entries) else {
        return out;
    };
    let verdicts = res.verdicts(source);
    for (i, e) in entries.iter().enumerate() {
        let dropped = verdicts
            .as_ref()
            .and_then(|v| v.get(i))
            .is_some_and(|v| *v == Verdict::Drops);
        if !dropped {
            out.push((holder.clone(), e.span));
        }
    }
    out
}

pub async fn references(
    shared: &Arc<Shared>,
    params: ReferenceParams,
) -> Result<Option<Vec<Location>>> {
    let pos = params.text_document_position;
    let include_declaration = params.context.include_declaration;
    let Some(at) = cursor::at(shared, &pos.text_document.uri, pos.position).await else {
        return Ok(None);
    };
    let locations = tokio::task::spawn_blocking(move || refs(&at, include_declaration))
        .await
        .unwrap_or_default();
    Ok((!locations.is_empty()).then_some(locations))
}

fn refs(at: &At, include_declaration: bool) -> Vec<Location> {
    let (Some(conv), Some(ws)) = (at.conv(), at.ws()) else {
        return Vec::new();
    };
    let name = match at.target() {
        Some(Target::EnvRead(read)) => read.name.clone(),
        Some(Target::EnvKey(entry)) => entry.key.clone(),
        _ => return Vec::new(),
    };
    let mut spans: Vec<(PathBuf, Span)> = Vec::new();
    if include_declaration {
        for (path, file) in ws.env_files() {
            spans.extend(
                file.parsed
                    .entries
                    .iter()
                    .filter(|e| e.key == name)
                    .map(|e| (path.clone(), e.key_span)),
            );
        }
    }
    let mut reads: Vec<(PathBuf, Span)> = ws
        .python_modules()
        .flat_map(|(path, m)| {
            m.facts
                .env_reads
                .iter()
                .filter(|r| r.name == name)
                .map(move |r| (path.clone(), r.name_span))
        })
        .collect();
    reads.sort();
    spans.extend(reads);
    spans
        .into_iter()
        .filter_map(|(path, span)| conv.location(&path, span))
        .collect()
}

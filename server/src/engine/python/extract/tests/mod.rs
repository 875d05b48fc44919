//! Extraction tests by topic; the helpers they share.

mod entries;
mod env;
mod module;
mod resolution;
mod sources;

use super::extract;
use crate::engine::providers::{ConstructorKind, Generation, ProviderId};
use crate::engine::python::{
    ConfigEntry, EntrySource, EnvReadKind, FieldValue, LoadKind, LoadPath, PyFacts,
};
use crate::engine::text::Span;

fn at(text: &str, span: Span) -> &str {
    &text[span.start..span.end]
}

fn parses_clean(text: &str) -> bool {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .unwrap();
    let tree = parser.parse(text, None).unwrap();
    !tree.root_node().has_error()
}

fn field_str<'f>(e: &'f ConfigEntry, key: &str) -> Option<&'f str> {
    match &e.field(key)?.value {
        FieldValue::Str(s) => Some(&s.value),
        _ => None,
    }
}

fn field_env<'f>(facts: &'f PyFacts, e: &ConfigEntry, key: &str) -> Option<&'f str> {
    match &e.field(key)?.value {
        FieldValue::Env(i) => Some(&facts.env_reads[*i].name),
        _ => None,
    }
}

fn insert_api_key(text: &str, e: &ConfigEntry) -> String {
    let p = &e.insert;
    let field = e.field_text("api_key", "os.environ[\"X\"]");
    format!(
        "{}{}{}{}{}",
        &text[..p.offset],
        p.before,
        field,
        p.after,
        &text[p.offset..]
    )
}

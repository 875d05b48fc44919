//! A notebook's facts: those of its code cells read as one Python module
//! ([`crate::engine::notebook`]), plus what its magics do (`%env` writes a variable, `%dotenv`
//! is a load point, `!export` is recorded for KW402), all in module offsets. The workspace
//! keeps them under the `.ipynb` path like a Python module's, so import resolution and the
//! Python rules work unchanged.
//!
//! [`may_hold_fact`] is the notebook prefilter: a byte test on the JSON text, before it is parsed.

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::notebook::{Magic, Module, Notebook, NotebookError};
use super::python::{self, EnvWrite, LoadKind, LoadPath, LoadPoint, PyFacts, ShellExport, StrLit};
use super::secrets;
use super::text::Span;

/// How much of the module to parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Depth {
    /// Parse the module ([`python::extract`]).
    Full,
    /// [`python::extract_fast`]: the light scan for a module without triggers.
    Fast,
}

/// The facts of a notebook's JSON text, or why it is no notebook keywire can read.
pub fn facts(text: &str, depth: Depth) -> Result<PyFacts, NotebookError> {
    let nb = Notebook::parse_code(text)?;
    Ok(module_facts(&nb, &nb.module(), depth))
}

/// The facts of a notebook's module: the Python ones and its magics'.
pub fn module_facts(nb: &Notebook, module: &Module, depth: Depth) -> PyFacts {
    let mut facts = match depth {
        Depth::Full => python::extract(&module.text),
        Depth::Fast => python::extract_fast(&module.text),
    };
    // Magic lines are blanks in the module: their text comes from the cell.
    let source = |r: &Range<usize>| -> Option<&str> {
        let (cell, offset) = module.locate(r.start)?;
        nb.cell(cell)?.source.get(offset..offset + r.len())
    };
    let span = |r: &Range<usize>| Span::new(r.start, r.end);
    for m in &module.magics {
        let line = span(&m.line);
        match &m.magic {
            Magic::SetEnv {
                key,
                key_span,
                value_span,
            } => {
                // IPython expands `$name` and `{expr}` in magic lines: no literal then.
                let value = source(value_span)
                    .filter(|v| !v.contains(['$', '{']))
                    .map(|v| StrLit {
                        value: v.to_string(),
                        span: span(value_span),
                    });
                facts.env_writes.push(EnvWrite {
                    name: key.clone(),
                    name_span: span(key_span),
                    span: line,
                    value,
                });
            }
            Magic::Dotenv { path, override_ } => facts.loads.push(LoadPoint {
                kind: LoadKind::LoadDotenv,
                // `%dotenv` looks for `.env` upward from the working directory, which is the
                // notebook's folder when Jupyter starts its kernel.
                path: path.clone().map_or(LoadPath::Default, LoadPath::Literal),
                span: line,
                module_level: true,
                stmt_start: line.start,
                stmt_span: line,
                override_env: *override_,
                has_dotenv_file_path: false,
            }),
            Magic::PipInstall { requirements } => {
                facts.pip_installs.extend(requirements.iter().cloned())
            }
            Magic::ShellExport {
                key,
                key_span,
                value_span,
            } => facts.shell_exports.push(ShellExport {
                name: key.clone(),
                name_span: span(key_span),
                span: line,
                value: StrLit {
                    value: source(value_span).unwrap_or_default().to_string(),
                    span: span(value_span),
                },
            }),
        }
    }
    facts.env_writes.sort_by_key(|w| w.span.start);
    facts.loads.sort_by_key(|l| l.span.start);
    facts
}

/// Runs of base64 characters at least this long are embedded data (images), not code.
const DATA_RUN: usize = 256;

/// Whether a notebook's JSON text can hold a fact, decided from its bytes before it is parsed:
/// a token of the Python prefilter ([`python::has_trigger`]: model configurations, `dotenv`,
/// suppressions, env access), a magic that sets a variable (`%env`, `%set_env`, `!export`,
/// `!set`), a credential word (what a hard-coded key's name or statement needs, see the Python
/// prefilter's table, and what precedes a key KW401 finds in an output) or a key prefix (a
/// secret in a comment or an output). Words inside long runs of base64
/// characters (the images a notebook carries) do not count. A notebook without any has only
/// imports, which matter only when some module loads a `.env`.
pub fn may_hold_fact(text: &str) -> bool {
    if python::has_trigger(text) {
        return true;
    }
    let b = text.as_bytes();
    let in_data = |start: usize, end: usize| {
        let is_data = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=');
        let before = b[..start].iter().rev().take_while(|c| is_data(c)).count();
        let after = b[end..].iter().take_while(|c| is_data(c)).count();
        before + (end - start) + after >= DATA_RUN
    };
    words()
        .find_iter(b)
        .any(|m| !in_data(m.start(), m.end()))
        // Comment secrets start with one of these (`secrets::may_hold_comment_secret`).
        || (secrets::may_hold_comment_secret(text) && comment_secret_start(b, &in_data))
}

fn words() -> &'static AhoCorasick {
    static W: std::sync::OnceLock<AhoCorasick> = std::sync::OnceLock::new();
    W.get_or_init(|| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .build([
                "%env",
                "%set_env",
                "!export",
                "!set",
                // The stems of `secrets::names`' credential words.
                "key",
                "token",
                "secret",
                "passw",
                "credential",
                // Cerebras keys, which KW401 finds in outputs (the other prefixes are below).
                "csk-",
            ])
            .expect("notebook prefilter words")
    })
}

fn comment_secret_start(b: &[u8], in_data: &impl Fn(usize, usize) -> bool) -> bool {
    let starts = AhoCorasick::new([
        "sk-", "sess-", "gsk_", "AIza", "hf_", "xai-", "pplx-", "passw", "Passw", "PASSW",
    ])
    .expect("comment secret prefixes");
    starts
        .find_overlapping_iter(b)
        .any(|m| !in_data(m.start(), m.end()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magics_become_facts() {
        let text = r#"{"cells": [
 {"cell_type": "code", "source": ["import os\n", "%env OPENAI_API_KEY=abc\n"]},
 {"cell_type": "code", "source": ["%load_ext dotenv\n", "%dotenv -o\n", "!export X=1\n"]}
], "nbformat": 4}"#;
        let facts = facts(text, Depth::Full).unwrap();
        assert_eq!(facts.env_writes.len(), 1);
        assert_eq!(facts.env_writes[0].name, "OPENAI_API_KEY");
        assert_eq!(facts.env_writes[0].value.as_ref().unwrap().value, "abc");
        assert_eq!(facts.loads.len(), 1);
        assert!(facts.loads[0].override_env);
        assert_eq!(facts.shell_exports[0].name, "X");
        assert_eq!(facts.shell_exports[0].value.value, "1");
        assert_eq!(facts.imports[0].module, "os");
    }

    #[test]
    fn prefilter_sees_words_outside_images_only() {
        let image = "iVBORw0KGgo".repeat(100) + "apiKey" + &"AAAA".repeat(100);
        let quiet = format!(
            r#"{{"cells": [{{"source": "print(1)", "outputs": [{{"data": {{"image/png": "{image}"}}}}]}}]}}"#
        );
        assert!(!may_hold_fact(&quiet));
        assert!(may_hold_fact(&quiet.replace("print(1)", "api_key = 1")));
        assert!(may_hold_fact(&quiet.replace("print(1)", "%env X=1")));
        assert!(may_hold_fact(&quiet.replace("print(1)", "os.environ")));
        assert!(may_hold_fact(&quiet.replace(
            "print(1)",
            "# sk-proj-abcdefghijklmnopqrstuvwxyz012345"
        )));
    }
}

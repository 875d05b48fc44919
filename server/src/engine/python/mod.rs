//! Facts about one Python module, extracted with tree-sitter without running anything.
//!
//! A module's facts are all that is kept of it once its file is closed: no tree, no text. Rules
//! read facts only (plus the text when they build fixes).

mod comments;
mod extract;
mod key_sites;
mod lex;
mod light;
mod prefilter;
mod static_refs;
mod strings;

pub use comments::comments;
pub use extract::{
    configs_left_out, extract, extract_tree, extract_unmasked, extract_unpruned,
    extract_without_configs, masked_ranges, masked_text, masked_text_without_configs, FactsBase,
};
pub use prefilter::{
    extract_fast, extract_fast_test, has_trigger, prefilter, prefilter_findings, prefilter_test,
    Prefiltered, Relevance,
};

use serde::{Deserialize, Serialize};

use crate::engine::providers::{Constructor, Generation};
use crate::engine::text::Span;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PyFacts {
    pub imports: Vec<Import>,
    pub env_reads: Vec<EnvRead>,
    pub env_writes: Vec<EnvWrite>,
    pub loads: Vec<LoadPoint>,
    pub entries: Vec<ConfigEntry>,
    pub agents: Vec<AgentCall>,
    /// Dicts used as an `llm_config` (top-level keys only), for KW102's top-level misspellings.
    pub llm_configs: Vec<LlmConfigDict>,
    /// Module-level `NAME = "literal"` where NAME is credential-like.
    pub secret_constants: Vec<SecretConstant>,
    /// `# keywire: ignore[...]` comments.
    pub suppressions: Vec<Suppression>,
    /// Calls that read a config list from a variable or a file (`config_list_from_json`).
    pub config_sources: Vec<ConfigSource>,
    /// Config lists set by code (`os.environ["X"] = json.dumps([...])`) or written to a file, as
    /// entries. File writes are kept only in a module that loads a config list.
    pub config_writes: Vec<ConfigWrite>,
    pub edit_points: EditPoints,
    /// `!export X=…` / `!set X=…` lines of a notebook (never in a `.py` file).
    pub shell_exports: Vec<ShellExport>,
    /// `llm_config=` / `config_list` values that are a one-element tuple (a trailing comma).
    pub one_tuples: Vec<OneTuple>,
    /// Requirements a notebook installs into its kernel (`%pip install ag2[openai]`); never in
    /// a `.py` file.
    pub pip_installs: Vec<String>,
    /// The tree had syntax errors (facts are best-effort then).
    pub has_syntax_errors: bool,
}

/// `import a.b` / `from a.b import c` / `from ..x import y`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Import {
    /// Dotted module path as written (empty for `from . import x`).
    pub module: String,
    /// Number of leading dots of a relative import (0 for absolute).
    pub level: u32,
    /// Names imported by `from m import a, b` (each may be a submodule); empty for `import m`.
    pub names: Vec<String>,
    pub span: Span,
    /// Executed when the module is imported (top level, or inside a top-level if/try/with).
    pub module_level: bool,
    /// Start of the enclosing top-level statement, for ordering against load points.
    pub stmt_start: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EnvReadKind {
    /// `os.environ["X"]`
    Subscript,
    /// `os.environ.get("X")`
    EnvironGet,
    /// `os.getenv("X")`
    Getenv,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnvRead {
    pub name: String,
    /// The string literal naming the variable, quotes included.
    pub name_span: Span,
    /// The whole read expression.
    pub span: Span,
    pub kind: EnvReadKind,
    /// A default was passed (`.get("X", d)`, `getenv("X", d)`): the read is intentional.
    pub has_default: bool,
    pub module_level: bool,
    pub stmt_start: usize,
}

/// `os.environ["X"] = v`, `os.environ.setdefault("X", v)`, `os.environ.update({"X": v})`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnvWrite {
    pub name: String,
    pub name_span: Span,
    pub span: Span,
    /// The written value when it is a plain string literal.
    pub value: Option<StrLit>,
}

/// A notebook's `!export X=value` / `!set X=value`: sets `X` in a throw-away shell only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShellExport {
    pub name: String,
    pub name_span: Span,
    /// The whole line (masked for the parser: blanks in the module text).
    pub span: Span,
    /// The value as written, and its span.
    pub value: StrLit,
}

/// A plain (non-f, non-bytes) string literal and its decoded value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StrLit {
    pub value: String,
    /// The literal including prefix and quotes.
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoadKind {
    /// `load_dotenv(...)`: sets the environment.
    LoadDotenv,
    /// `dotenv_values(...)`: returns a dict, does NOT set the environment.
    DotenvValues,
    /// AutoGen's `config_list_from_dotenv(...)`.
    ConfigListFromDotenv,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum LoadPath {
    /// No path argument: python-dotenv walks up from the calling file's directory.
    Default,
    /// A string literal path.
    Literal(String),
    /// `find_dotenv()`; `usecwd=True` searches from the working directory instead.
    FindDotenv { usecwd: bool },
    /// Anything else: keywire makes no claim about which file is loaded.
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoadPoint {
    pub kind: LoadKind,
    pub path: LoadPath,
    /// The call expression.
    pub span: Span,
    pub module_level: bool,
    pub stmt_start: usize,
    /// The whole top-level statement holding the call (for "move load_dotenv" fixes).
    pub stmt_span: Span,
    /// `override=True`.
    pub override_env: bool,
    /// `config_list_from_dotenv(dotenv_file_path=...)` was given.
    pub has_dotenv_file_path: bool,
}

/// How an entry was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntrySource {
    /// A dict literal inside a `config_list`.
    DictLiteral,
    /// `dict(model=..., api_key=...)` inside a `config_list`.
    DictCall,
    /// Keyword arguments of a constructor (`LLMConfig(model=...)`, a model client, an AG2 config).
    Kwargs,
    /// An object of an `OAI_CONFIG_LIST` JSON file (`engine/config_json.rs`).
    Json,
}

/// One model configuration: a `config_list` entry or a constructor call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConfigEntry {
    pub source: EntrySource,
    pub generation: Generation,
    /// The constructor for `Kwargs` entries (and for `LLMConfig`/`OpenAIWrapper` positional
    /// entries); None for plain `config_list` dicts.
    #[serde(with = "static_refs::ctor_opt")]
    pub constructor: Option<&'static Constructor>,
    /// Where findings about the entry as a whole go: the opening brace, or the constructor name.
    pub anchor: Span,
    /// The whole dict / call.
    pub span: Span,
    pub fields: Vec<Field>,
    /// Where a new field is inserted.
    pub insert: InsertPoint,
    /// `**kwargs` / `**other` splat, a computed key or a syntax error inside: unknown fields may
    /// exist, so absence proves nothing.
    pub has_splat: bool,
}

impl ConfigEntry {
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// The new-field text in this entry's style: `"key": value` or `key=value`.
    pub fn field_text(&self, key: &str, value: &str) -> String {
        match self.source {
            EntrySource::DictLiteral | EntrySource::Json => format!("\"{key}\": {value}"),
            EntrySource::DictCall | EntrySource::Kwargs => format!("{key}={value}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Field {
    pub key: String,
    /// The key as written: the string literal (quotes included) or the keyword name.
    pub key_span: Span,
    pub value: FieldValue,
    pub value_span: Span,
    /// The whole `key: value` pair / keyword argument.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FieldValue {
    /// A string literal, directly or through a simple assignment to a name.
    Str(StrLit),
    /// An env read (index into [`PyFacts::env_reads`]), directly or through a name.
    Env(usize),
    /// Anything else: makes no claim.
    Other,
}

/// Where and how to insert a field: the edit is `offset..offset` ← `before + field + after`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsertPoint {
    pub offset: usize,
    pub before: String,
    pub after: String,
}

/// A call of an agent class, for KW102 (misspelled `llm_config`) and KW109 (wrong generation).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgentCall {
    #[serde(with = "static_refs::ctor")]
    pub constructor: &'static Constructor,
    /// The callee name as written.
    pub name_span: Span,
    pub kwargs: Vec<Kwarg>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Kwarg {
    pub name: String,
    pub name_span: Span,
    pub span: Span,
}

/// A one-element tuple where AutoGen wants a dict or a list: `llm_config=({...},)`, or
/// `llm_config = {...},` (a trailing comma) later passed as `llm_config=`; the same for a
/// `config_list`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(into = "static_refs::OneTupleRepr")]
pub struct OneTuple {
    /// `llm_config` or `config_list`.
    pub keyword: &'static str,
    /// Where the tuple is used (the keyword argument's value, or the dict value).
    pub use_span: Span,
    /// The tuple as written: `({...},)` or `{...},`.
    pub span: Span,
    /// Its element.
    pub element: Span,
    /// The trailing comma.
    pub comma: Span,
}

/// A dict used as an `llm_config` (the `llm_config=` value or a name later passed there).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LlmConfigDict {
    pub span: Span,
    /// Top-level keys as written (string literal keys, quotes included in the span).
    pub keys: Vec<(String, Span)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SecretConstant {
    pub name: String,
    pub name_span: Span,
    pub value: StrLit,
    /// The whole assignment statement.
    pub stmt_span: Span,
}

/// A `# keywire: ignore` (all rules) or `# keywire: ignore[KW101, KW104]` comment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// 0-based line the comment is on.
    pub line: usize,
    /// Rule codes; empty means every rule.
    pub codes: Vec<String>,
}

/// Facts fixes need to insert imports and calls in the right place.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(into = "static_refs::EditPointsRepr")]
pub struct EditPoints {
    /// `import os` (unaliased) exists at module level, so `os.environ` works.
    pub has_import_os: bool,
    /// The local name bound to `dotenv.load_dotenv`, if imported (`load_dotenv` usually).
    pub load_dotenv_name: Option<String>,
    /// Start of the line after the last top-level import (after the docstring and
    /// `from __future__` imports when there are no other imports); where new imports go.
    pub after_imports: usize,
    /// Line ending the file uses (`"\n"` or `"\r\n"`).
    pub newline: &'static str,
}

/// An argument keywire either read as a literal or cannot know.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Arg<T> {
    Known(T),
    /// Computed, a name, a splat: no claim.
    Unknown,
}

impl<T> Arg<T> {
    pub fn known(&self) -> Option<&T> {
        match self {
            Arg::Known(v) => Some(v),
            Arg::Unknown => None,
        }
    }
}

/// The function that reads a config list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConfigSourceCall {
    /// AutoGen 0.2 / AG2 `config_list_from_json(env_or_file, file_location, filter_dict)`.
    ConfigListFromJson,
    /// AG2 `LLMConfig.from_json(env=... | path=..., file_location=..., filter_dict=...)`.
    LlmConfigFromJson,
}

/// A call that reads a config list from the environment variable `name`, or else from the file
/// `file_location/name` (relative to the working directory).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConfigSource {
    pub call: ConfigSourceCall,
    /// `env_or_file` (AG2: `env=` / `path=`); `None` when it is not a string literal.
    pub name: Option<StrLit>,
    /// `file_location`: `""` when absent or `None`.
    pub file_location: Arg<String>,
    /// `filter_dict=`; `Known(None)` when there is none.
    pub filter: Arg<Option<Filter>>,
    /// AG2's `.where(...)` on the result; `Known(None)` when there is none.
    pub where_filter: Arg<Option<Filter>>,
    /// The call expression (with its `.where(...)` when there is one).
    pub span: Span,
}

/// A literal filter: every criterion must accept an entry for it to be kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Filter {
    /// The dict literal, or the `.where(...)` arguments.
    pub span: Span,
    pub criteria: Vec<Criterion>,
}

/// `"model": ["gpt-4o", None]`: the accepted values of one key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    pub key: String,
    pub key_span: Span,
    pub values: Vec<FilterValue>,
    /// A lone string instead of a collection (`"model": "gpt-4"`, AG2 `.where(model="gpt-4")`):
    /// AutoGen tests membership in it, so a substring of it matches too.
    pub scalar: bool,
    /// The value as written.
    pub span: Span,
}

/// One accepted value of a criterion.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FilterValue {
    /// `None` for Python's `None` (accepts an entry without the key).
    pub value: Option<String>,
    pub span: Span,
    /// Pieces of an implicit concatenation (`"gpt-3.5-turbo" "gpt-4"`: a missing comma?);
    /// empty for a single literal.
    pub pieces: Vec<Span>,
}

/// A config list written by code: `os.environ["X"] = json.dumps([{...}, ...])` (the variable
/// holds the JSON of these entries), or a file written with it (`json.dump(LIST, open(PATH,
/// "w"))`, `Path(PATH).write_text(json.dumps(LIST))`, …) before the module loads it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConfigWrite {
    /// The variable, or the file's path as written.
    pub name: String,
    pub target: WriteTarget,
    /// The assignment (the `EnvWrite::span` of the same write), or the call that writes the file.
    pub span: Span,
    /// The list literal.
    pub list_span: Span,
    /// Each element a dict literal, in order.
    pub entries: Vec<ConfigEntry>,
    /// Every element is a dict literal with literal keys and no splat: the list is fully known.
    pub complete: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WriteTarget {
    /// An environment variable.
    Env,
    /// A file, relative to the working directory.
    File,
}

/// What a redacted value holds in [`PyFacts::without_secrets`]: no literal gives it.
const REDACTED: &str = "\u{0}redacted";

fn risky_value(v: &str) -> bool {
    use crate::engine::secrets;
    secrets::looks_like_key(v) || secrets::has_key_prefix(v) || v.contains('@')
}

fn risky_named(name: &str, v: &str) -> bool {
    use crate::engine::secrets::{self, NameMatch};
    (!v.is_empty() && secrets::credential_name(name, NameMatch::Stem)) || risky_value(v)
}

/// The string literals of `facts` that may hold a secret and can be read again from the text:
/// field values (of entries and of config lists written by code), env writes' values and
/// secret constants.
fn secret_literals(facts: &mut PyFacts, mut each: impl FnMut(&mut StrLit)) {
    let PyFacts {
        entries,
        config_writes,
        env_writes,
        secret_constants,
        ..
    } = facts;
    let written = config_writes.iter_mut().flat_map(|w| w.entries.iter_mut());
    for e in entries.iter_mut().chain(written) {
        for f in &mut e.fields {
            if let FieldValue::Str(s) = &mut f.value {
                if risky_named(&f.key, &s.value) || s.value == REDACTED {
                    each(s);
                }
            }
        }
    }
    for w in env_writes.iter_mut() {
        if let Some(v) = &mut w.value {
            if risky_named(&w.name, &v.value) || v.value == REDACTED {
                each(v);
            }
        }
    }
    for c in secret_constants.iter_mut() {
        each(&mut c.value);
    }
}

impl PyFacts {
    /// These facts with every string that may be a secret left out, for the facts cache, which
    /// keeps none: a value under a credential-like name, a key-like value or one with a
    /// provider's key prefix, a URL with credentials (`@`). A value is left out only when the
    /// literal at its span in `text` (the module's text, None for a notebook) gives it back
    /// ([`PyFacts::with_secrets_restored`]); None when some possible secret cannot be left out
    /// that way (a notebook's `!export`, a key-like variable name, an implicit concatenation…).
    pub fn without_secrets(&self, text: Option<&str>) -> Option<PyFacts> {
        let value = risky_value;
        let filter = |a: &Arg<Option<Filter>>| {
            a.known().and_then(Option::as_ref).is_some_and(|f| {
                f.criteria.iter().any(|c| {
                    value(&c.key)
                        || c.values
                            .iter()
                            .any(|v| v.value.as_deref().is_some_and(|v| risky_named(&c.key, v)))
                })
            })
        };
        let keys = |e: &ConfigEntry| e.fields.iter().any(|f| value(&f.key));
        let unredactable = !self.shell_exports.is_empty()
            || self.entries.iter().any(keys)
            || self
                .config_writes
                .iter()
                .any(|w| value(&w.name) || w.entries.iter().any(keys))
            || self.env_reads.iter().any(|r| value(&r.name))
            || self.env_writes.iter().any(|w| value(&w.name))
            || self
                .llm_configs
                .iter()
                .any(|d| d.keys.iter().any(|(k, _)| value(k)))
            || self.config_sources.iter().any(|s| {
                s.name.as_ref().is_some_and(|n| value(&n.value))
                    || s.file_location.known().is_some_and(|l| value(l))
                    || filter(&s.filter)
                    || filter(&s.where_filter)
            })
            || self
                .loads
                .iter()
                .any(|l| matches!(&l.path, LoadPath::Literal(p) if value(p)))
            || self.pip_installs.iter().any(|r| value(r));
        if unredactable {
            return None;
        }
        let mut out = self.clone();
        let mut ok = true;
        secret_literals(&mut out, |lit| {
            let again = text
                .and_then(|t| t.get(lit.span.start..lit.span.end))
                .and_then(strings::decode_literal);
            match again {
                Some(v) if v == lit.value && lit.value != REDACTED => lit.value = REDACTED.into(),
                _ => ok = false,
            }
        });
        ok.then_some(out)
    }

    /// Whether [`PyFacts::without_secrets`] left a value out (reading it back needs the text).
    pub fn has_secrets_left_out(&mut self) -> bool {
        let mut any = false;
        secret_literals(self, |lit| any |= lit.value == REDACTED);
        any
    }

    /// Facts from the cache with the values [`PyFacts::without_secrets`] left out read again
    /// from `text`, the same text they were extracted from; None when one cannot be.
    pub fn with_secrets_restored(mut self, text: &str) -> Option<PyFacts> {
        let mut ok = true;
        secret_literals(&mut self, |lit| {
            if lit.value != REDACTED {
                // Not left out when stored: a cache written by a build that stored values.
                ok = false;
                return;
            }
            match text
                .get(lit.span.start..lit.span.end)
                .and_then(strings::decode_literal)
            {
                Some(v) => lit.value = v.into_owned(),
                None => ok = false,
            }
        });
        ok.then_some(self)
    }
}

//! The prefilter: a byte scan deciding how much of a Python file the rules can use, so that the
//! files that cannot produce a finding are never parsed.
//!
//! Every fact the rules read from a module comes from a token that must appear in its bytes:
//!
//! | facts                                   | needs                                               |
//! |-----------------------------------------|-----------------------------------------------------|
//! | config entries, agents, `llm_config`s, config sources (`config_list_from_json`, `LLMConfig.from_json`) | `config_list`, `llm_config`, or both a constructor's name and the name of a constructor's package, each as a word (a constructor call resolves only through an import from its package, AutoGen's, AG2's or a provider SDK's: `openai`, `anthropic`, `groq`, `mistralai`, `google`; and its name is written at the call or in the import that aliases it) |
//! | load points                             | `dotenv` (`load_dotenv`, `dotenv_values`, `config_list_from_dotenv`) |
//! | suppressions                            | `keywire:`                                          |
//! | env reads and writes (and config lists set by code) | `environ` or `getenv`                  |
//! | KW104 on comments                       | a comment holding a secret (`secrets::comment_secrets`: a real-looking provider key, a `sess-` token, a password) |
//! | KW104 on secret constants and env writes | a plain string literal that `looks_like_key`, as the value of `NAME = …` with a credential word in `NAME` (`key`, `token`, `secret`, `passw`, `credential`, any case) or in a statement that touches `environ` |
//!
//! A file with none of these is [`Relevance::Quiet`]: its facts are its imports and edit points,
//! which the light scanner reads (see `light.rs`). A file whose only tokens are env access is
//! [`Relevance::EnvOnly`]: its env facts can change a finding only in a workspace that has .env
//! files (KW201–KW203 need one) or model configurations (their rules look variables up, and a
//! write anywhere defines one). Anything else is [`Relevance::Full`].
//!
//! In test code whose model configurations no rule reads ([`prefilter_test`]: by default only
//! secrets are reported in tests, and `Workspace::reads_configs_of` keeps other modules' rules
//! from reading its configurations), the configuration tokens make a file parsed only when it
//! may hold a key-like literal and names the key field (`api_key`: a test's model ids, module
//! paths and recorded response ids look like keys, but only a configuration's key is judged
//! there). Test modules were two thirds of what was parsed on AutoGen's and AG2's own
//! repositories.
//!
//! Known blind spot: a `config_list` key spelled with escapes or implicit concatenation
//! (`{"config\x5flist": …}`, `{"config_" "list": …}`) is not seen (the extractor decodes it);
//! nor, in test code, an `api_key` spelled so.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Input, MatchKind};

use super::lex::is_ident_byte;
use super::{extract, extract_without_configs, light, PyFacts};
use crate::engine::packages::data::AUTOGEN_IMPORTS;
use crate::engine::providers::CONSTRUCTORS;
use crate::engine::secrets;

/// How much of a file the rules can use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relevance {
    /// Only its imports and edit points: the light scan gives them.
    Quiet,
    /// Env reads and writes too, but nothing else: they matter only in a workspace with .env
    /// files or model configurations.
    EnvOnly,
    /// Must be parsed.
    Full,
}

/// The prefilter's verdict on one file.
#[derive(Debug)]
pub struct Prefiltered {
    pub relevance: Relevance,
    /// Tokens that can make model configurations: the file's rules look variables up in the
    /// whole workspace (so every module's env writes matter).
    pub configs: bool,
    /// Imports and edit points from the light scan; None for [`Relevance::Full`].
    pub light: Option<PyFacts>,
    /// Why a file is [`Relevance::Full`] (for statistics): `config`, `dotenv`, `suppression`,
    /// `key` (a key-like literal) or `scan` (the light scan gave up).
    pub reason: &'static str,
    /// [`prefilter_findings`] left the light scan out: `light` holds no imports or edit points.
    pub light_left_out: bool,
    /// The file imports a package that rules judge by its imports alone (KW601): its imports
    /// are read and its text is kept, however quiet it is otherwise.
    pub imports_matter: bool,
    /// A parse must give its model configurations: false for test code ([`prefilter_test`])
    /// unless KW104 may find a key-like literal in one, so [`extract_without_configs`] serves.
    pub parse_configs: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Trigger {
    Config,
    /// A constructor's package: a configuration with a [`Trigger::Constructor`].
    Package,
    /// A constructor's name: a configuration with a [`Trigger::Package`].
    Constructor,
    Dotenv,
    Suppression,
    Env,
}

struct Patterns {
    ac: AhoCorasick,
    /// Per pattern: what it triggers, and whether it must be a whole word.
    kinds: Vec<(Trigger, bool)>,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let mut pats: Vec<String> = Vec::new();
        let mut kinds = Vec::new();
        let mut add = |p: &str, t: Trigger, word: bool| {
            if !pats.iter().any(|q| q == p) {
                pats.push(p.to_string());
                kinds.push((t, word));
            }
        };
        // Entries and `llm_config` dicts outside constructors come from these two names.
        for p in ["config_list", "llm_config"] {
            add(p, Trigger::Config, false);
        }
        // Constructors (agents, clients, `LLMConfig`…) resolve only through imports from their
        // packages, so a package's top-level name is in the text as a word; and their own name
        // is written, at the call (`autogen.AssistantAgent(…)`) or in the import that binds it
        // (`from autogen import AssistantAgent as A`). Library code that imports AutoGen but
        // builds no agent or client has only the first.
        for c in CONSTRUCTORS {
            for p in c.packages {
                add(p.split('.').next().unwrap_or(p), Trigger::Package, true);
            }
        }
        for c in CONSTRUCTORS {
            add(c.name, Trigger::Constructor, true);
        }
        // KW601 judges a module's AutoGen imports, whatever it builds.
        for p in AUTOGEN_IMPORTS {
            add(p, Trigger::Package, true);
        }
        add("dotenv", Trigger::Dotenv, false);
        add("keywire:", Trigger::Suppression, false);
        // Env access resolves only through the names themselves (`os.environ`, an imported
        // `getenv`): as words (not `use_environment`, whose statements are no env writes).
        add("environ", Trigger::Env, true);
        add("getenv", Trigger::Env, true);
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&pats)
            .expect("prefilter patterns");
        Patterns { ac, kinds }
    })
}

#[derive(Default)]
struct Found {
    config: bool,
    package: bool,
    constructor: bool,
    dotenv: bool,
    suppression: bool,
    env: bool,
    /// Where `environ` occurs (env writes need it), in order.
    environ: Vec<usize>,
}

/// The triggers of `text`; with `stop_at_config`, the scan ends at the first sign of a model
/// configuration (the file is parsed whatever else it holds).
fn triggers(text: &str, stop_at_config: bool) -> Found {
    let p = patterns();
    let b = text.as_bytes();
    let mut found = Found::default();
    let mut at = 0;
    while let Some(m) = p.ac.find(Input::new(b).range(at..)) {
        let (trigger, word) = p.kinds[m.pattern().as_usize()];
        // After an escape (`\nAssistantAgent` in a notebook's JSON or a string) a word starts.
        let escaped = m.start() >= 2 && b[m.start() - 2] == b'\\';
        if word
            && ((m.start() > 0 && is_ident_byte(b[m.start() - 1]) && !escaped)
                || b.get(m.end()).is_some_and(|&c| is_ident_byte(c)))
        {
            // Not a word (`autogenerated`): look again from the next byte, in case another
            // pattern starts inside this match.
            at = m.start() + 1;
            continue;
        }
        at = m.end();
        match trigger {
            Trigger::Config => {
                found.config = true;
                if stop_at_config {
                    return found;
                }
            }
            Trigger::Package | Trigger::Constructor => {
                if trigger == Trigger::Package {
                    found.package = true;
                } else {
                    found.constructor = true;
                }
                if found.package && found.constructor {
                    found.config = true;
                    if stop_at_config {
                        return found;
                    }
                }
            }
            Trigger::Dotenv => found.dotenv = true,
            Trigger::Suppression => found.suppression = true,
            Trigger::Env => {
                found.env = true;
                if b[m.start()] == b'e' {
                    found.environ.push(m.start());
                }
            }
        }
    }
    found
}

/// Whether `text` holds any token the prefilter looks for (a model configuration, a
/// constructor's package, `dotenv`, a suppression comment, env access), whatever surrounds it:
/// a byte test that also works on text that is not Python (a notebook's JSON).
pub fn has_trigger(text: &str) -> bool {
    let f = triggers(text, true);
    f.config || f.package || f.dotenv || f.suppression || f.env
}

/// Decide how much of `text` the rules can use.
pub fn prefilter(text: &str) -> Prefiltered {
    prefilter_with(text, false, false)
}

/// [`prefilter`] for test code whose model configurations no rule reads (under the default
/// test policy only secrets are reported there, and other modules' rules leave test code's
/// configurations out: `Workspace::reads_configs_of`). A model configuration makes such a file
/// [`Relevance::Full`] only when it may hold a key-like literal and names the key field
/// (KW104 judges the literals configurations give as keys); else its imports, edit points and
/// env access are what counts, as for any other file. With `findings_only`, as
/// [`prefilter_findings`].
pub fn prefilter_test(text: &str, findings_only: bool) -> Prefiltered {
    prefilter_with(text, findings_only, true)
}

/// [`prefilter`] for a one-shot check, which needs only what can change a finding: a file that
/// is not parsed and holds no string that could be a key ([`may_hold_key_literal`]) gets no
/// light scan either, so its imports and edit points are left out ([`Prefiltered::light_left_out`]).
/// Imports matter only when some module loads a .env file: the caller scans such files then.
pub fn prefilter_findings(text: &str) -> Prefiltered {
    prefilter_with(text, true, false)
}

fn prefilter_with(text: &str, findings_only: bool, test_code: bool) -> Prefiltered {
    let full = |configs, reason| Prefiltered {
        relevance: Relevance::Full,
        configs,
        light: None,
        reason,
        light_left_out: false,
        imports_matter: false,
        parse_configs: !test_code,
    };
    let found = triggers(text, !test_code);
    // Asked at most once: in test code only when it has configurations or for `findings_only`.
    let mut key_literal = None;
    let mut may_hold_key =
        || *key_literal.get_or_insert_with(|| may_hold_key_literal(text.as_bytes()));
    if found.config && (!test_code || (names_key_field(text) && may_hold_key())) {
        return Prefiltered {
            parse_configs: true,
            ..full(!test_code, "config")
        };
    }
    if found.dotenv {
        return full(false, "dotenv");
    }
    if found.suppression {
        return full(false, "suppression");
    }
    // KW104 reads comments from the text: a file with a secret in one must be checked.
    if super::comments::has_comment_secret(text) {
        return full(false, "comment");
    }
    let relevance = if found.env {
        Relevance::EnvOnly
    } else {
        Relevance::Quiet
    };
    if findings_only && !found.package && !may_hold_key() {
        return Prefiltered {
            relevance,
            configs: false,
            light: Some(PyFacts::default()),
            reason: "",
            light_left_out: true,
            imports_matter: false,
            parse_configs: !test_code,
        };
    }
    let Some(scan) = light::scan(text, &found.environ) else {
        return full(false, "scan");
    };
    if scan.key_risk {
        return full(false, "key");
    }
    Prefiltered {
        relevance,
        configs: false,
        light: Some(scan.facts),
        reason: "",
        light_left_out: false,
        imports_matter: found.package,
        parse_configs: !test_code,
    }
}

/// Whether `text` names the field KW104 reads a configuration's key from (`api_key`, or a
/// client's own key keyword), as a dict key or a keyword: without it no configuration of the
/// module has a key to judge.
fn names_key_field(text: &str) -> bool {
    static FIELDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    let fields = FIELDS.get_or_init(|| {
        let mut f: Vec<&'static str> = CONSTRUCTORS
            .iter()
            .map(|c| c.key_kwarg)
            .filter(|k| !k.is_empty())
            .collect();
        f.push("api_key");
        f.sort_unstable();
        f.dedup();
        f
    });
    fields
        .iter()
        .any(|f| memchr::memmem::find(text.as_bytes(), f.as_bytes()).is_some())
}

/// Whether some string literal in `b` may look like a key. A key-like literal (`looks_like_key`)
/// is all key characters, 16 or more; so, tried at every quote as a closing one: the key
/// characters (and escapes) before it, back to a quote, are a literal's whole content, which
/// is a candidate when `looks_like_key` accepts it (unchecked with an escape), or when another
/// piece follows (an implicit concatenation: `"sk-" "…"`). Answers yes more often than needed,
/// never less.
fn may_hold_key_literal(b: &[u8]) -> bool {
    const MIN: usize = 16;
    /// Longer concatenations are candidates without a look.
    const MAX_VALUE: usize = 4096;
    /// Byte classes: 1 a key character or a backslash, 2 a quote, 4 a string prefix letter.
    static CLASS: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut c = 0;
        while c < 256 {
            let b = c as u8;
            if b.is_ascii_alphanumeric()
                || matches!(b, b'-' | b'_' | b'.' | b'+' | b'/' | b'=' | b'~' | b'\\')
            {
                t[c] |= 1;
            }
            if b == b'"' || b == b'\'' {
                t[c] |= 2;
            }
            if matches!(b, b'r' | b'R' | b'b' | b'B' | b'u' | b'U' | b'f' | b'F') {
                t[c] |= 4;
            }
            c += 1;
        }
        t
    };
    let is = |c: Option<&u8>, class: u8| c.is_some_and(|&c| CLASS[c as usize] & class != 0);
    // `\N{NAME}` escapes hold blanks and braces: such a file is not judged here.
    if memchr::memmem::find(b, b"\\N{").is_some() {
        return true;
    }
    let mut value: Vec<u8> = Vec::new();
    for i in memchr::memchr2_iter(b'"', b'\'', b) {
        let start = i - b[..i]
            .iter()
            .rev()
            .take_while(|&&c| CLASS[c as usize] & 1 != 0)
            .count();
        if start == i || start == 0 || !is(b.get(start - 1), 2) {
            continue;
        }
        // Follow implicit concatenation: quotes, blanks, line continuations, comments and a
        // prefix, then a piece of key characters ending at a quote.
        value.clear();
        value.extend_from_slice(&b[start..i]);
        let mut j = i;
        loop {
            let mut k = j + 1;
            let mut quotes = 0;
            while is(b.get(k), 2) {
                k += 1;
                quotes += 1;
            }
            loop {
                match b.get(k) {
                    Some(b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\\') => k += 1,
                    Some(b'#') => k += memchr::memchr(b'\n', &b[k..]).unwrap_or(b.len() - k),
                    _ => break,
                }
            }
            for _ in 0..2 {
                if is(b.get(k), 4) && is(b.get(k + 1), 2 | 4) {
                    k += 1;
                }
            }
            while is(b.get(k), 2) {
                k += 1;
                quotes += 1;
            }
            if quotes == 0 {
                break;
            }
            let len = b[k..]
                .iter()
                .take_while(|&&c| CLASS[c as usize] & 1 != 0)
                .count();
            if len == 0 || !is(b.get(k + len), 2) {
                break;
            }
            value.extend_from_slice(&b[k..k + len]);
            j = k + len;
            if value.len() > MAX_VALUE {
                return true;
            }
        }
        if value.len() >= MIN
            && (value.contains(&b'\\')
                || std::str::from_utf8(&value).is_ok_and(secrets::looks_like_key))
        {
            return true;
        }
    }
    false
}

/// [`extract`] for files that can produce findings, the light scan for the others: the result
/// equals `extract(text)` in everything a rule, the import graph or an editor feature reads
/// (only `has_syntax_errors` is not computed for a quiet file: it stays false).
pub fn extract_fast(text: &str) -> PyFacts {
    light_or_extract(prefilter(text), text)
}

/// [`extract_fast`] for test code whose model configurations no rule reads
/// ([`prefilter_test`]): parsed without them unless one may hold a key-like literal.
pub fn extract_fast_test(text: &str) -> PyFacts {
    light_or_extract(prefilter_test(text, false), text)
}

fn light_or_extract(p: Prefiltered, text: &str) -> PyFacts {
    match p {
        Prefiltered {
            relevance: Relevance::Quiet,
            light: Some(facts),
            ..
        } => facts,
        p if p.parse_configs => extract(text),
        _ => extract_without_configs(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk-proj-Abcdefghijklmnopqrstuvwxyz0123456789";

    #[test]
    fn key_like_literals_are_candidates_however_written() {
        let cases = [
            format!("API_KEY = \"{KEY}\"\n"),
            format!("x = r'{KEY}'\n"),
            format!("X = '''{KEY}'''\n"),
            // Split by implicit concatenation, over a line, a comment and a prefix.
            "K = (\"sk-proj-Abcdefgh\"  # first half\n     u'ijklmnopqrstuvwxyz0123456789')\n"
                .into(),
            "K = \"sk-proj-Abcd\" \\\n    \"efghijklmnopqrstuvwxyz0123456789\"\n".into(),
            "K = \"sk-\"\"proj-Abcdefghijklmnopqrstuvwxyz0123456789\"\n".into(),
            // Escapes are not judged.
            "K = \"\\x73k-proj-Abcdefghijklmnopqrstuvwxyz0123\"\n".into(),
            "K = \"\\N{LATIN SMALL LETTER S}k-proj-Abcdefghijklmnop\"\n".into(),
        ];
        for text in &cases {
            assert!(may_hold_key_literal(text.as_bytes()), "missed in:\n{text}");
        }
    }

    #[test]
    fn ordinary_strings_are_not_candidates() {
        let text = "\"\"\"Return 'foo' or 'bar'.\"\"\"\n__all__ = [\"ArgumentTypeError\", \"SpecialFileError\"]\n\
                    path = '/usr/local/lib/python3/site-packages'\nmsg = f\"{x!r}: not found\"\n\
                    d = {'a': 'b', \"key\": \"value\"}\nurl = 'https://example.com/a/b/c/d/e/f'\n";
        assert!(!may_hold_key_literal(text.as_bytes()));
    }

    #[test]
    fn light_scan_is_left_out_only_where_nothing_can_be_reported() {
        let quiet = "import json\n\ndef f(x):\n    return json.dumps(x)\n";
        let p = prefilter_findings(quiet);
        assert_eq!(p.relevance, Relevance::Quiet);
        assert!(p.light_left_out);
        assert!(!prefilter(quiet).light_left_out);
        let with_key = format!("import json\nTOKEN = \"{KEY}\"\n");
        let p = prefilter_findings(&with_key);
        assert!(!p.light_left_out);
        assert_eq!(p.relevance, Relevance::Full);
    }

    #[test]
    fn test_code_configurations_are_parsed_only_when_they_may_hold_a_key() {
        let id = "mistralai/Mixtral-8x7B-Instruct-v0.1";
        let no_key = format!(
            "from autogen import AssistantAgent\n\ndef test_a():\n    \
             a = AssistantAgent(\"a\", llm_config={{\"model\": \"{id}\"}})\n"
        );
        assert!(may_hold_key_literal(no_key.as_bytes()));
        let p = prefilter_test(&no_key, false);
        assert_ne!(p.relevance, Relevance::Full);
        let with_key = format!(
            "from autogen import AssistantAgent\n\ndef test_a():\n    \
             a = AssistantAgent(\"a\", llm_config={{\"model\": \"m\", \"api_key\": \"{KEY}\"}})\n"
        );
        let p = prefilter_test(&with_key, false);
        assert_eq!(p.relevance, Relevance::Full);
        assert!(p.parse_configs);
        // Outside test code a configuration is always parsed.
        assert_eq!(prefilter(&no_key).relevance, Relevance::Full);
    }

    #[test]
    fn sdk_clients_are_parsed_without_a_key_word() {
        // No `api_key`, `environ` or AutoGen name: the SDK's package name is the trigger.
        for text in [
            "from openai import OpenAI

client = OpenAI()
",
            "import anthropic
c = anthropic.Anthropic()
",
            "from google import genai
c = genai.Client()
",
            "from mistralai import Mistral
c = Mistral()
",
        ] {
            assert_eq!(prefilter(text).relevance, Relevance::Full, "{text}");
            assert_eq!(extract_fast(text).entries.len(), 1, "{text}");
        }
    }
}

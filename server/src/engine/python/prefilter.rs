//! The prefilter: a byte scan deciding how much of a Python file the rules can use, so that the
//! files that cannot produce a finding are never parsed.
//!
//! Every fact the rules read from a module comes from a token that must appear in its bytes:
//!
//! | facts                                   | needs                                               |
//! |-----------------------------------------|-----------------------------------------------------|
//! | config entries, agents, `llm_config`s   | `config_list`, `llm_config`, or an AutoGen package name as a word (constructors resolve only through imports from those packages) |
//! | load points                             | `dotenv` (`load_dotenv`, `dotenv_values`, `config_list_from_dotenv`) |
//! | suppressions                            | `keywire:`                                          |
//! | env reads and writes                    | `environ` or `getenv`                               |
//! | KW104 on secret constants and env writes | a plain string literal that `looks_like_key`, as the value of `NAME = …` with a credential word in `NAME` (`key`, `token`, `secret`, `passw`, `credential`, any case) or in a statement that touches `environ` |
//!
//! A file with none of these is [`Relevance::Quiet`]: its facts are its imports and edit points,
//! which the light scanner reads (see `light.rs`). A file whose only tokens are env access is
//! [`Relevance::EnvOnly`]: its env facts can change a finding only in a workspace that has .env
//! files (KW201–KW203 need one) or model configurations (their rules look variables up, and a
//! write anywhere defines one). Anything else is [`Relevance::Full`].
//!
//! Known blind spot: a `config_list` key spelled with escapes or implicit concatenation
//! (`{"config\x5flist": …}`, `{"config_" "list": …}`) is not seen (the extractor decodes it).

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Input, MatchKind};

use super::{extract, light, PyFacts};
use crate::engine::providers::CONSTRUCTORS;

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
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Trigger {
    Config,
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
        // packages, so a package's top-level name is in the text as a word. (Their own names,
        // `api_key` and the like are no triggers: without these they make no fact.)
        for c in CONSTRUCTORS {
            for p in c.packages {
                add(p.split('.').next().unwrap_or(p), Trigger::Config, true);
            }
        }
        add("dotenv", Trigger::Dotenv, false);
        add("keywire:", Trigger::Suppression, false);
        add("environ", Trigger::Env, false);
        add("getenv", Trigger::Env, false);
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&pats)
            .expect("prefilter patterns");
        Patterns { ac, kinds }
    })
}

/// A byte of an identifier (any non-ASCII byte counts: Python names may be Unicode).
pub(super) fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

#[derive(Default)]
struct Found {
    config: bool,
    dotenv: bool,
    suppression: bool,
    env: bool,
    /// Where `environ` occurs (env writes need it), in order.
    environ: Vec<usize>,
}

fn triggers(text: &str) -> Found {
    let p = patterns();
    let b = text.as_bytes();
    let mut found = Found::default();
    let mut at = 0;
    while let Some(m) = p.ac.find(Input::new(b).range(at..)) {
        let (trigger, word) = p.kinds[m.pattern().as_usize()];
        if word
            && ((m.start() > 0 && is_word_byte(b[m.start() - 1]))
                || b.get(m.end()).is_some_and(|&c| is_word_byte(c)))
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
                // Parsed whatever else is there.
                return found;
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

/// Decide how much of `text` the rules can use.
pub fn prefilter(text: &str) -> Prefiltered {
    let full = |configs, reason| Prefiltered {
        relevance: Relevance::Full,
        configs,
        light: None,
        reason,
    };
    let found = triggers(text);
    if found.config {
        return full(true, "config");
    }
    if found.dotenv {
        return full(false, "dotenv");
    }
    if found.suppression {
        return full(false, "suppression");
    }
    let Some(scan) = light::scan(text, &found.environ) else {
        return full(false, "scan");
    };
    if scan.key_risk {
        return full(false, "key");
    }
    Prefiltered {
        relevance: if found.env {
            Relevance::EnvOnly
        } else {
            Relevance::Quiet
        },
        configs: false,
        light: Some(scan.facts),
        reason: "",
    }
}

/// [`extract`] for files that can produce findings, the light scan for the others: the result
/// equals `extract(text)` in everything a rule, the import graph or an editor feature reads
/// (only `has_syntax_errors` is not computed for a quiet file: it stays false).
pub fn extract_fast(text: &str) -> PyFacts {
    match prefilter(text) {
        Prefiltered {
            relevance: Relevance::Quiet,
            light: Some(facts),
            ..
        } => facts,
        _ => extract(text),
    }
}

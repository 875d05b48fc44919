//! Trigger lines: the lines holding a token every fact needs, or a name that can resolve to
//! something keywire knows where a callee, an object or a binding can stand (see the module
//! above).

use rustc_hash::FxHashSet as HashSet;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use memchr::memchr;

use super::lines::{
    code_use, code_word, for_each_word, line_at, next_code_byte, tokens, Kind, Line, Tok, WordSet,
};
use super::Masker;
use crate::engine::providers::CONSTRUCTORS;
use crate::engine::python::extract::prune::FACT_TOKENS;
use crate::engine::python::extract::scope::RESOLVED_NAMES;
use crate::engine::python::lex::{ident_at, is_ident_byte, is_ident_start, whole_word};

/// Whether `dumps` ending at `e` on `line` can be read: the extractor reads a `json.dumps(…)`
/// call only as the value an `os.environ` item is set to (a trigger line anyway) or as what a
/// `.write(…)` / `.write_text(…)` writes; not called there, it may be an alias's value.
fn dumps_counts(b: &[u8], line: &Line, e: usize) -> bool {
    let called = matches!(next_code_byte(b, line, e), Some((_, b'(')));
    !called || memchr::memmem::find(&b[line.start..line.end], b"write").is_some()
}

/// Whether the constructor name `w` ending at `e` on `line` is only the object of an
/// attribute (`ConversableAgent.generate_reply`): the extractor resolves a class's attribute
/// only as `LLMConfig.from_json(…)`.
fn class_attribute(b: &[u8], line: &Line, w: &[u8], e: usize) -> bool {
    let Some((dot, b'.')) = next_code_byte(b, line, e) else {
        return false;
    };
    CONSTRUCTORS.iter().any(|c| c.name.as_bytes() == w)
        && matches!(next_code_byte(b, line, dot + 1),
            Some((j, c)) if is_ident_start(c) && ident_at(&b[..line.end], j) != b"from_json")
}

/// Package roots whose names can resolve to something keywire knows (see `scope::classify`).
pub(super) fn resolvable_root(w: &[u8]) -> bool {
    static ROOTS: OnceLock<Vec<&'static [u8]>> = OnceLock::new();
    let roots = ROOTS.get_or_init(|| {
        let mut roots: Vec<&'static [u8]> = vec![b"os", b"json", b"dotenv", b"autogen", b"ag2"];
        for c in CONSTRUCTORS {
            for p in c.packages {
                roots.push(p.split('.').next().unwrap_or(p).as_bytes());
            }
        }
        roots.sort_unstable();
        roots.dedup();
        roots
    });
    roots.binary_search(&w).is_ok()
}

/// The last names of the callees keywire resolves (constructors, env access, `.env` loading,
/// config list sources and writes), sorted.
/// Without `constructors`, the others only.
fn final_names(constructors: bool) -> &'static [&'static [u8]] {
    static NAMES: OnceLock<[Vec<&'static [u8]>; 2]> = OnceLock::new();
    let [without, with] = NAMES.get_or_init(|| {
        let mut without: Vec<&'static [u8]> = RESOLVED_NAMES.iter().map(|n| n.as_bytes()).collect();
        without.sort_unstable();
        let mut with = without.clone();
        with.extend(CONSTRUCTORS.iter().map(|c| c.name.as_bytes()));
        with.sort_unstable();
        with.dedup();
        [without, with]
    });
    match constructors {
        true => with,
        false => without,
    }
}

/// One automaton for the first look at a text: the tokens every fact needs
/// ([`FACT_TOKENS`], `:=`) and the final names of [`final_names`], each pattern with whether it
/// is a token and whether it is a name (`environ` and `getenv` are both). Matches overlap, so
/// that a longer pattern matching inside a word cannot hide a shorter one that is a word.
struct Scan {
    ac: AhoCorasick,
    kinds: Vec<(bool, bool)>,
}

fn scan(constructors: bool) -> &'static Scan {
    static SCANS: OnceLock<[Scan; 2]> = OnceLock::new();
    let build = |constructors: bool| {
        let mut pats: Vec<&[u8]> = FACT_TOKENS.iter().map(|t| t.as_bytes()).collect();
        pats.push(b":=");
        let mut kinds = vec![(true, false); pats.len()];
        for &n in final_names(constructors) {
            match pats.iter().position(|p| *p == n) {
                Some(k) => kinds[k].1 = true,
                None => {
                    pats.push(n);
                    kinds.push((false, true));
                }
            }
        }
        let ac = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .build(&pats)
            .expect("static patterns");
        Scan { ac, kinds }
    };
    let [without, with] = SCANS.get_or_init(|| [build(false), build(true)]);
    match constructors {
        true => with,
        false => without,
    }
}

/// Whether the `config_list` / `llm_config` at `s..e` may be what the extractor reads: a
/// keyword (`llm_config=…`, or an assignment, whose binding a kept line may read) or a string
/// (a dict key, `{"config_list": …}`). Not part of a longer name, an attribute
/// (`self.llm_config = …`), a parameter's annotation or a name only read (`llm_config.get(…)`).
fn config_use(b: &[u8], s: usize, e: usize) -> bool {
    let before = s.checked_sub(1).map(|k| b[k]);
    if before.is_some_and(is_ident_byte) || b.get(e).is_some_and(|&c| is_ident_byte(c)) {
        return false;
    }
    if matches!(before, Some(b'"' | b'\'')) {
        return true;
    }
    if before == Some(b'.') {
        return false;
    }
    // A keyword may be split from its `=` by line breaks and comments inside brackets.
    let mut i = e;
    while let Some(&c) = b.get(i) {
        match c {
            b' ' | b'\t' | b'\r' | b'\n' | b'\\' | b'\x0c' => i += 1,
            b'#' => i = memchr(b'\n', &b[i..]).map_or(b.len(), |k| i + k),
            b'=' => return b.get(i + 1) != Some(&b'='),
            _ => return false,
        }
    }
    false
}

impl<'a> Masker<'a> {
    /// Marks the trigger lines; None for a star import from a package keywire knows (any
    /// name may resolve then).
    pub(super) fn triggers(&mut self, configs: bool) -> Option<()> {
        // A callee resolves to something keywire knows only when its last name is one of
        // `final_names` (written on the line, after a `.` or not), or when it is a name bound
        // to one: by an import from a package keywire knows (`from os import getenv as g`), or
        // by an alias (below). Other names those packages export (`ChatCompletion`, errors,
        // types) resolve to nothing, and `environ`'s methods are reached through `environ`.
        let finals = final_names(configs);
        let mut names: HashSet<&'a [u8]> = finals.iter().copied().collect();
        // Names bound to one of `finals` by an import, looked for word by word below.
        let mut imported: Vec<&'a [u8]> = Vec::new();
        for i in 0..self.lines.len() {
            let line = &self.lines[i];
            if line.kind != Kind::Import {
                continue;
            }
            let mut words: Vec<&'a [u8]> = Vec::new();
            let mut star = false;
            let b = self.b;
            let (s, e) = (line.start, line.end);
            let mut j = s;
            while j < e {
                let c = b[j];
                if is_ident_start(c) {
                    let w = ident_at(&b[..e], j);
                    words.push(w);
                    j += w.len();
                    continue;
                }
                match c {
                    b'*' => star = true,
                    b'#' => j = memchr(b'\n', &b[j..e]).map_or(e, |k| j + k),
                    _ => {}
                }
                j += 1;
            }
            for w in &words {
                *self.import_words.entry(w).or_default() += 1;
            }
            if !words.iter().any(|w| resolvable_root(w)) {
                continue;
            }
            self.bound_elsewhere.extend(words.iter().copied());
            if star {
                return None;
            }
            let from = words
                .iter()
                .position(|w| *w == b"import")
                .map_or(0, |k| k + 1);
            for (k, w) in words.iter().enumerate().skip(from) {
                // `import … as dumps` may bind something else than `json.dumps` to the name,
                // whose calls then count wherever they stand.
                if words.get(k + 1) == Some(&&b"as"[..]) && words.get(k + 2) == Some(&&b"dumps"[..])
                {
                    self.dumps_rebound = true;
                }
                if words.get(k + 1) == Some(&&b"as"[..]) && finals.contains(w) {
                    if let Some(&alias) = words.get(k + 2) {
                        if names.insert(alias) {
                            imported.push(alias);
                        }
                    }
                }
            }
        }
        // Names are matched as whole ASCII words (a non-ASCII byte ends a word: tree-sitter
        // splits a name off a character it cannot take), so a non-ASCII name is not looked for.
        if imported.iter().any(|n| !n.is_ascii()) {
            return None;
        }
        let b = self.b;
        let mut marked: Vec<bool> = vec![false; self.lines.len()];
        let mut fresh = Vec::new();
        let scan = scan(configs);
        for m in scan.ac.find_overlapping_iter(b) {
            let (s, e) = (m.start(), m.end());
            let (token, name) = scan.kinds[m.pattern().as_usize()];
            if token {
                self.token_at(s, e, configs);
            }
            if name && whole_word(b, s, e) {
                self.name_at(s, e, &mut marked, &mut fresh);
            }
        }
        if !imported.is_empty() {
            self.names_at(WordSet::new(imported), &mut marked, &mut fresh);
        }
        // Aliases: a name bound on a line holding such a name may be bound to it.
        loop {
            let mut new = Vec::new();
            for i in std::mem::take(&mut fresh) {
                self.aliases(i, &names, |w| new.push(w));
            }
            new.retain(|w| w.is_ascii() && names.insert(w));
            if new.is_empty() {
                break;
            }
            self.names_at(WordSet::new(new), &mut marked, &mut fresh);
        }
        self.bound_elsewhere.extend(names.iter().copied());
        // A docstring names things; only a suppression comment on it counts.
        for line in &mut self.lines {
            if line.pure && line.trigger {
                line.trigger =
                    memchr::memmem::find(&self.b[line.start..line.end], b"keywire:").is_some();
            }
        }
        Some(())
    }

    /// The fact token at `s..e`: its line is a trigger line where the token counts.
    fn token_at(&mut self, s: usize, e: usize, configs: bool) {
        let b = self.b;
        let token = &b[s..e];
        let config = matches!(token, b"config_list" | b"llm_config");
        if config && !(configs && config_use(b, s, e)) {
            return;
        }
        // Keywords and the names the extractor reads add a fact only as words, never inside a
        // longer name (`optional_import_block`, `environment`, `global_config`); `dotenv` is
        // part of the names that load a `.env` (`load_dotenv`, `find_dotenv`).
        if matches!(
            token,
            b"import" | b"global" | b"nonlocal" | b"environ" | b"getenv"
        ) && !whole_word(b, s, e)
        {
            return;
        }
        let Some(i) = line_at(&self.lines, s) else {
            return;
        };
        // Configuration keys are dict keys, strings; a suppression is a comment; the other
        // tokens count in code only (`"import requests"` in a prompt is none).
        if config
            || matches!(token, b"keywire:" | b":=")
            || code_word(b, &self.lines[i], s).is_some()
        {
            self.lines[i].trigger = true;
        }
    }

    /// [`Masker::name_at`] for every whole word of the text in `look`.
    fn names_at(&mut self, look: WordSet<'a>, marked: &mut [bool], fresh: &mut Vec<usize>) {
        let b = self.b;
        for_each_word(b, |s, e| {
            if look.contains(&b[s..e]) {
                self.name_at(s, e, marked, fresh);
            }
        });
    }

    /// The name looked for at `s..e` (a whole word): its line is a trigger line where it is
    /// used as a callee, an object or a binding; `fresh` gets each line newly marked so.
    fn name_at(&mut self, s: usize, e: usize, marked: &mut [bool], fresh: &mut Vec<usize>) {
        let b = self.b;
        let w = &b[s..e];
        let Some(i) = line_at(&self.lines, s) else {
            return;
        };
        let line = &self.lines[i];
        let counts = code_use(b, line, s, e)
            && (w != b"dumps" || self.dumps_rebound || dumps_counts(b, line, e))
            && !class_attribute(b, line, w, e);
        if counts {
            self.lines[i].trigger = true;
            if !marked[i] {
                marked[i] = true;
                fresh.push(i);
            }
        }
    }

    /// The names line `i` may bind to what one of `names` holds: `X = name` and `X = a.b.C`
    /// with one of `names` on the right (the only assignments that copy an import's binding;
    /// `x: str = None` copies nothing), and `:=` targets.
    fn aliases(&self, i: usize, names: &HashSet<&'a [u8]>, mut f: impl FnMut(&'a [u8])) {
        let b = self.b;
        let line = &self.lines[i];
        let mut last_assign = None;
        let mut at = line.start;
        let mut last_ident: Option<&'a [u8]> = None;
        let mut walrus = Vec::new();
        tokens(b, line.start, line.end, |t| match t {
            Tok::Ident(s, e, _) => {
                at = e;
                last_ident = Some(&b[s..e]);
            }
            Tok::Assign => last_assign = Some(at),
            Tok::Walrus => walrus.extend(last_ident),
            Tok::FStr(_, e) => at = e,
            Tok::Colon => {}
        });
        walrus.into_iter().for_each(&mut f);
        let Some(from) = last_assign else {
            return;
        };
        // The right-hand side: after the last `=`, up to a comment.
        let Some(eq) = memchr::memchr(b'=', &b[from..line.end]).map(|k| from + k + 1) else {
            return;
        };
        let rhs = &b[eq..line.end];
        let rhs = &rhs[..memchr(b'#', rhs).unwrap_or(rhs.len())];
        let mut rhs = rhs.trim_ascii();
        while let [b'(', inner @ .., b')'] = rhs {
            rhs = inner.trim_ascii();
        }
        let dotted = rhs.split(|&c| c == b'.').all(|part| {
            let part = part.trim_ascii();
            !part.is_empty() && ident_at(part, 0).len() == part.len()
        });
        if dotted
            && rhs
                .split(|&c| c == b'.')
                .any(|p| names.contains(p.trim_ascii()))
        {
            self.binds(i, f);
        }
    }
}

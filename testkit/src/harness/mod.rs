//! Fuzz harness for keywire: seven entry points over raw bytes, called by the cargo-fuzz
//! targets (`server/fuzz/fuzz_targets/*.rs`) and by `server/tests/hardening_*.rs`, which replay
//! every saved crash input and the seed corpus on stable Rust.
//!
//! - [`python`]: Python text → facts, every rule, every fix (as one module of a workspace with
//!   a small `.env`).
//! - [`dotenv`]: `.env` text → parse, every `.env` rule (as `.env` and as `.env.example`, with a
//!   Python module reading from it).
//! - [`config_json`]: `OAI_CONFIG_LIST` text → read (alone and inside a `.env` value), every
//!   config list rule (as a list and as a template, git not ignoring them); every fix of a list
//!   `json.load` reads keeps it readable.
//! - [`notebook`]: `.ipynb` text → read (cells, the joined module, offsets mapped back to the
//!   JSON text), every rule on it as a notebook of a workspace; every fix of a notebook that
//!   reads keeps it readable.
//! - [`yaml`]: YAML text → the positioned tree and a compose file's facts (spans in bounds),
//!   every compose rule and fix (as the compose file of a project with a Dockerfile); a fix of
//!   a file that parses keeps it parsing.
//! - [`fix_loop`]: a Python module and a `.env` (split at the first `0xFF` byte): every fix
//!   applies cleanly and its result re-analyses; safe fixes applied one at a time converge
//!   without revisiting a text; a finding's first fix, applied repeatedly, removes it.
//! - [`lsp_edits`]: a document and a sequence of LSP `didChange` edits sent to an in-process
//!   `keywire lsp`; the server's text must equal an independent model of LSP position
//!   semantics, its incremental tree must equal a fresh parse, and it keeps answering.
//!
//! Every check is an `assert!`/`panic!`: libFuzzer reports it as a crash. The LSP half (model,
//! edit scripts, in-process server) is in [`lsp`].

mod deploy;
mod lsp;
mod manifests;

pub use deploy::{deploy_text, yaml};
pub use manifests::manifests;

pub use lsp::{
    decode, encode, lsp_edits, model_apply, model_offset, Change, EditScript, LspHarness,
};

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use keywire::engine::config::Config;
use keywire::engine::config_json::{self, ConfigJsonFile};
use keywire::engine::python::FieldValue;
use keywire::engine::workspace::{file_kind, FileKind, GitStatus, Workspace};
use keywire::engine::{dotenv, fix, json, Finding, Fix, Span};

use crate::paths::text;

const ROOT: &str = "/ws";
const PY: &str = "/ws/app.py";
const ENV: &str = "/ws/.env";
const TEMPLATE: &str = "/ws/.env.example";
const CONFIG_LIST: &str = "/ws/OAI_CONFIG_LIST";
const CONFIG_SAMPLE: &str = "/ws/OAI_CONFIG_LIST_sample";
const NOTEBOOK: &str = "/ws/analysis.ipynb";

/// The `.env` the Python target's module sees.
pub const SMALL_ENV: &str =
    "OPENAI_API_KEY=sk-proj-Qz3Wx7Ec1Rv5Tb9Yn2Um6Ik0Ol4Pa8SdT3BlbkFJh3Jk7Lm1Np\n\
AZURE_OPENAI_ENDPOINT=https://x.openai.azure.com/\n\
GROQ_API_KEY=\n\
export ANTHROPIC_API_KEY='sk-ant-api03-Zx1Cv5Bn9Mq3Wr7Et1Yu5Io9Pa3Sd7Fg1Hj5Kl9-Ab3CdAA'\n";

/// The Python module the `.env` target's file is read by.
pub const SMALL_PY: &str = "import os\n\
from dotenv import load_dotenv\n\
from autogen_ext.models.openai import OpenAIChatCompletionClient\n\
load_dotenv()\n\
c = OpenAIChatCompletionClient(model=\"gpt-4o\", api_key=os.environ[\"OPENAI_API_KEY\"])\n\
g = os.getenv(\"GROQ_API_KEY\")\n\
a = os.environ.get(\"ANTHROPIC_API_KEY\")\n";

// ------------------------------------------------------------------ engine harness

/// The files of a fuzz workspace, sorted by path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Files(pub Vec<(PathBuf, String)>);

impl Files {
    pub fn new(files: &[(&str, &str)]) -> Files {
        let mut v: Vec<_> = files
            .iter()
            .map(|(p, t)| (PathBuf::from(p), t.to_string()))
            .collect();
        v.sort();
        Files(v)
    }

    pub fn get(&self, path: &Path) -> Option<&str> {
        self.0
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, t)| t.as_str())
    }

    fn set(&mut self, path: &Path, text: String) {
        match self.0.iter_mut().find(|(p, _)| p == path) {
            Some(slot) => slot.1 = text,
            None => {
                self.0.push((path.to_path_buf(), text));
                self.0.sort();
            }
        }
    }
}

/// A workspace with every Python, .env and config list file of `files`.
pub fn workspace(files: &Files, git: &GitStatus) -> Workspace {
    let mut ws = Workspace::new(ROOT, Config::default());
    for (path, text) in &files.0 {
        match file_kind(path) {
            FileKind::Python => {
                ws.set_python(path.clone(), text);
            }
            FileKind::Env | FileKind::EnvTemplate => ws.set_env(path.clone(), text, git.clone()),
            FileKind::ConfigJson { .. } => ws.set_config_json(path.clone(), text, git.clone()),
            // A notebook that does not read is reported by the front end, not checked.
            FileKind::Notebook => {
                let _ = ws.set_notebook(path.clone(), text);
            }
            FileKind::Compose | FileKind::Dockerfile | FileKind::DockerIgnore => {
                ws.set_deploy(path.clone(), text)
            }
            FileKind::RunFile => ws.set_run_file(path.clone(), text),
            FileKind::Workflow => ws.set_workflow(path.clone(), text),
            FileKind::Manifest => ws.set_manifest(path.clone(), text),
            FileKind::Other => {}
        }
    }
    ws
}

/// Every finding of every file, checked for consistency with the texts.
pub fn check(files: &Files, git: &GitStatus) -> Vec<Finding> {
    let ws = workspace(files, git);
    let mut out = Vec::new();
    for (path, text) in &files.0 {
        let findings = match file_kind(path) {
            FileKind::Python => ws.check_python(path, text),
            FileKind::Env | FileKind::EnvTemplate => ws.check_env(path),
            FileKind::ConfigJson { .. }
            | FileKind::Notebook
            | FileKind::Compose
            | FileKind::Dockerfile
            | FileKind::Workflow
            | FileKind::Manifest
            | FileKind::RunFile => ws.check_file(path, text, keywire::engine::Reach::Workspace),
            FileKind::DockerIgnore | FileKind::Other => continue,
        };
        out.extend(findings);
    }
    for f in &out {
        validate(files, f);
    }
    out
}

fn assert_span(files: &Files, path: &Path, start: usize, end: usize, what: &str) {
    let Some(text) = files.get(path) else {
        return; // A file outside the workspace (a `.gitignore` to create…).
    };
    assert!(
        start <= end
            && end <= text.len()
            && text.is_char_boundary(start)
            && text.is_char_boundary(end),
        "{what}: span {start}..{end} does not fit {} ({} bytes)",
        path.display(),
        text.len()
    );
}

/// A finding's spans fit its texts, and every fix applies cleanly.
fn validate(files: &Files, f: &Finding) {
    let what = format!("{} {:?}", f.rule.code(), f.message);
    assert!(!f.message.is_empty(), "{what}: empty message");
    assert_span(files, &f.path, f.span.start, f.span.end, &what);
    for r in &f.related {
        assert_span(
            files,
            &r.path,
            r.span.start,
            r.span.end,
            &format!("{what} related"),
        );
    }
    for fx in &f.fixes {
        assert!(!fx.title.is_empty(), "{what}: a fix without a title");
        if let Err(e) = apply_fix(files, fx) {
            panic!("{what}: fix {:?} does not apply: {e}", fx.title);
        }
    }
}

/// The files after applying `fx` (edits to files not in the set apply to an empty text).
pub fn apply_fix(files: &Files, fx: &Fix) -> Result<Files, String> {
    let mut out = files.clone();
    let mut paths: Vec<&PathBuf> = fx.edits.iter().map(|e| &e.path).collect();
    paths.sort();
    paths.dedup();
    for path in paths {
        let edits: Vec<_> = fx.edits.iter().filter(|e| &e.path == path).collect();
        let old = files.get(path).unwrap_or("");
        let new = fix::apply(old, &edits).map_err(|e| format!("{}: {e}", path.display()))?;
        out.set(path, new);
    }
    Ok(out)
}

/// Python text → findings and fixes.
pub fn python(data: &[u8]) {
    let py = text(data);
    let files = Files::new(&[(ENV, SMALL_ENV), (PY, &py)]);
    check(&files, &GitStatus::Unknown);
    // Facts on their own, too (what the loader and the server extract in parallel); skipping
    // function bodies that cannot hold a fact changes no fact.
    // Nor does blanking the statements that cannot change a fact, where the text parses
    // (the mask does not see errors in the statements it leaves out).
    let facts = keywire::engine::python::extract(&py);
    let full = keywire::engine::python::extract_unpruned(&py);
    if full.has_syntax_errors {
        assert_eq!(
            keywire::engine::python::extract_unmasked(&py),
            full,
            "pruned extraction differs"
        );
    } else {
        assert_eq!(facts, full, "masked or pruned extraction differs");
        // As test code is read: the same facts but for the configurations.
        let left_out = keywire::engine::python::configs_left_out;
        assert_eq!(
            left_out(keywire::engine::python::extract_without_configs(&py)),
            left_out(full.clone()),
            "extraction without configurations differs"
        );
        // The light scan of a file the prefilter leaves unparsed gives the same facts, as
        // ordinary code and as test code.
        crate::light::assert_agrees(&py, &full, "fuzzed text");
    }
    // The facts cache gives back the same facts, and writes no key-like value.
    if let Some(bytes) = keywire::project::cache::encode(&facts, Some(&py)) {
        let back = keywire::project::cache::decode(&bytes, &py);
        assert_eq!(
            back.as_ref(),
            Some(&facts),
            "facts read back from the cache differ"
        );
        let secrets = facts
            .secret_constants
            .iter()
            .map(|c| &c.value)
            .chain(facts.env_writes.iter().filter_map(|w| w.value.as_ref()))
            .chain(facts.entries.iter().flat_map(|e| {
                e.fields.iter().filter_map(|f| match &f.value {
                    keywire::engine::python::FieldValue::Str(s) => Some(s),
                    _ => None,
                })
            }))
            .filter(|s| keywire::engine::secrets::looks_like_key(&s.value));
        for s in secrets {
            let found = bytes
                .windows(s.value.len())
                .any(|w| w == s.value.as_bytes());
            assert!(!found, "a key-like value is in the cache");
        }
    }
    // Keystrokes (a name character typed, a character deleted) at a few places: facts carried
    // over from the unedited text equal fresh ones.
    let Some(base) = keywire::engine::python::FactsBase::parse(py.as_str().into()) else {
        return;
    };
    let step = py.len() / 7 + 1;
    for at in (0..py.len())
        .step_by(step)
        .filter(|&i| py.is_char_boundary(i))
    {
        let mut typed = py.clone();
        typed.insert(at, 'a');
        let mut deleted = py.clone();
        deleted.remove(at);
        for edited in [typed, deleted] {
            if let Some(carried) = base.reuse(&edited) {
                let fresh = keywire::engine::python::extract(&edited);
                assert_eq!(carried, fresh, "facts carried over an edit at {at} differ");
            }
        }
    }
}

/// `.env` text → parse and findings.
pub fn dotenv(data: &[u8]) {
    let env = text(data);
    let parsed = dotenv::parse(&env);
    let mut last_line = 0;
    for e in &parsed.entries {
        assert!(e.span.end <= env.len() && env.is_char_boundary(e.span.start));
        assert!(env.is_char_boundary(e.span.end), "entry span {:?}", e.span);
        assert!(
            e.span.start <= e.key_span.start && e.key_span.end <= e.span.end,
            "key span {:?} outside entry {:?}",
            e.key_span,
            e.span
        );
        if let Some(raw) = e.raw_span {
            assert!(
                e.span.start <= raw.start && raw.end <= e.span.end,
                "raw span {raw:?} outside entry {:?}",
                e.span
            );
        }
        assert!(e.line >= last_line, "entries out of order");
        last_line = e.line;
    }
    for err in &parsed.errors {
        assert!(err.span.start <= err.span.end && err.span.end <= env.len());
    }
    let files = Files::new(&[(ENV, &env), (TEMPLATE, &env), (PY, SMALL_PY)]);
    let git = GitStatus::NotIgnored {
        repo_root: PathBuf::from(ROOT),
    };
    check(&files, &git);
}

/// `OAI_CONFIG_LIST` text → read, findings, fixes.
pub fn config_json(data: &[u8]) {
    let list = text(data);
    let file = config_json::read(&list);
    assert_spans(&list, &file);
    // The same text inside a `.env` value: the same entries, every span moved by the offset.
    let lead = "OAI_CONFIG_LIST='";
    let outer = format!("{lead}{list}'\n");
    let embedded = config_json::read_embedded(&list, lead.len());
    assert_spans(&outer, &embedded);
    assert_eq!(embedded.entries.len(), file.entries.len());
    for (a, b) in file.entries.iter().zip(&embedded.entries) {
        assert_eq!(a.span.start + lead.len(), b.span.start);
        assert_eq!(a.fields.len(), b.fields.len());
        assert_eq!(a.insert.offset + lead.len(), b.insert.offset);
    }
    assert_eq!(file.error.is_some(), embedded.error.is_some());

    let files = Files::new(&[
        (CONFIG_LIST, &list),
        (CONFIG_SAMPLE, &list),
        (ENV, SMALL_ENV),
        (PY, SMALL_PY),
    ]);
    let git = GitStatus::NotIgnored {
        repo_root: PathBuf::from(ROOT),
    };
    let findings = check(&files, &git);
    // Fixes edit JSON in its own layout: a list json.load reads stays readable.
    let readable = json::parse(&list).is_ok();
    for fx in findings.iter().flat_map(|f| f.fixes.iter()).take(24) {
        let fixed = apply_fix(&files, fx).unwrap();
        for path in [CONFIG_LIST, CONFIG_SAMPLE] {
            let after = fixed.get(Path::new(path)).unwrap_or("");
            assert!(
                !readable || json::parse(after).is_ok(),
                "fix {:?} breaks the JSON of {path}:\n{after}",
                fx.title
            );
        }
        check(&fixed, &git);
    }
}

/// `.ipynb` text → read, findings, fixes.
pub fn notebook(data: &[u8]) {
    use keywire::engine::notebook::Notebook;
    let nb_text = text(data);
    let Ok(nb) = Notebook::parse(&nb_text) else {
        // Unreadable: whatever is reported lies inside the text.
        check(
            &Files::new(&[(NOTEBOOK, &nb_text), (ENV, SMALL_ENV)]),
            &GitStatus::Unknown,
        );
        return;
    };
    // Every offset of the joined module maps to a cell and back into the JSON text, on a
    // character boundary.
    let module = nb.module();
    for offset in (0..=module.text.len()).step_by(7) {
        let Some((cell, at)) = module.locate(offset) else {
            continue;
        };
        let c = nb.cell(cell).expect("located in a cell");
        // Past the source: the newline that joins it to the next cell.
        if at >= c.source.len() || !c.source.is_char_boundary(at) {
            continue;
        }
        let json_at = c
            .notebook_offset(at)
            .expect("a source offset maps into the JSON");
        assert!(
            nb_text.is_char_boundary(json_at),
            "{json_at} not a boundary"
        );
        assert_eq!(nb.locate_json(json_at).map(|(i, _)| i), Some(cell));
    }
    let files = Files::new(&[(NOTEBOOK, &nb_text), (ENV, SMALL_ENV), (PY, SMALL_PY)]);
    let git = GitStatus::NotIgnored {
        repo_root: PathBuf::from(ROOT),
    };
    let findings = check(&files, &git);
    for fx in findings.iter().flat_map(|f| f.fixes.iter()).take(24) {
        let fixed = apply_fix(&files, fx).unwrap();
        let after = fixed.get(Path::new(NOTEBOOK)).unwrap_or("");
        assert!(
            Notebook::parse(after).is_ok(),
            "fix {:?} breaks the notebook:\n{after}",
            fx.title
        );
        check(&fixed, &git);
    }
}

/// Every span of a read config list lies on character boundaries inside `text`, fields inside
/// their entry.
fn assert_spans(text: &str, file: &ConfigJsonFile) {
    let ok = |s: Span| {
        s.start <= s.end
            && s.end <= text.len()
            && text.is_char_boundary(s.start)
            && text.is_char_boundary(s.end)
    };
    for e in &file.entries {
        assert!(ok(e.span) && ok(e.anchor), "entry span {:?}", e.span);
        assert!(e.span.start <= e.insert.offset && e.insert.offset <= e.span.end);
        for f in &e.fields {
            assert!(ok(f.key_span) && ok(f.value_span) && ok(f.span), "{f:?}");
            assert!(e.span.start <= f.span.start && f.span.end <= e.span.end);
            if let FieldValue::Str(lit) = &f.value {
                assert_eq!(lit.span, f.value_span);
            }
        }
    }
    if let Some(err) = &file.error {
        assert!(ok(err.span), "error span {:?}", err.span);
    }
}

/// Split at the first `0xFF` (never in UTF-8): Python before, `.env` after.
pub fn split_py_env(data: &[u8]) -> (String, String) {
    match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (text(&data[..i]), text(&data[i + 1..])),
        None => (text(data), SMALL_ENV.to_string()),
    }
}

/// Findings in a stable order: by file, then position.
fn ordered(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by(|a, b| {
        (&a.path, a.span.start, a.rule.code()).cmp(&(&b.path, b.span.start, b.rule.code()))
    });
    findings
}

/// Fixes apply, re-analyse, converge and do not loop.
pub fn fix_loop(data: &[u8]) {
    let (py, env) = split_py_env(data);
    let files = Files::new(&[(ENV, &env), (PY, &py)]);
    let git = GitStatus::Unknown;
    let findings = ordered(check(&files, &git));

    // Every fix (the first 24) applies, and what it produces analyses cleanly.
    for fx in findings.iter().flat_map(|f| f.fixes.iter()).take(24) {
        let fixed = apply_fix(&files, fx).unwrap();
        check(&fixed, &git);
    }

    // Safe fixes, one at a time (first finding first), reach a fixed point without ever
    // returning to an earlier text.
    let safe = findings
        .iter()
        .filter(|f| f.fixes.iter().any(|x| x.safe))
        .count();
    let budget = 4 * safe + 8;
    let mut state = files.clone();
    let mut seen = HashSet::new();
    seen.insert(state.clone());
    let mut findings = findings;
    for step in 0.. {
        let Some((f, fx)) = findings
            .iter()
            .find_map(|f| f.fixes.iter().find(|x| x.safe).map(|x| (f, x)))
        else {
            break;
        };
        assert!(
            step < budget,
            "safe fixes do not converge: {step} applied, still {} {:?} with fix {:?}",
            f.rule.code(),
            f.message,
            fx.title
        );
        let next = apply_fix(&state, fx).unwrap();
        assert!(
            next != state,
            "safe fix {:?} of {} changes nothing",
            fx.title,
            f.rule.code()
        );
        assert!(
            seen.insert(next.clone()),
            "safe fixes loop: {:?} of {} {:?} returns to an earlier text",
            fx.title,
            f.rule.code(),
            f.message
        );
        state = next;
        findings = ordered(check(&state, &git));
    }

    // The first fix of the first finding that has one, applied to each finding that is the
    // same (rule, file, message), makes all of them go away.
    let findings = ordered(check(&files, &git));
    let Some(first) = findings.iter().find(|f| !f.fixes.is_empty()) else {
        return;
    };
    let key = |f: &Finding| (f.rule, f.path.clone(), f.message.clone());
    let target = key(first);
    let count = |fs: &[Finding]| fs.iter().filter(|f| key(f) == target).count();
    let initial = count(&findings);
    let title = first.fixes[0].title.clone();
    let mut state = files;
    let mut current = findings;
    for _ in 0..initial + 2 {
        let Some(f) = current.iter().find(|f| key(f) == target) else {
            return;
        };
        let Some(fx) = f.fixes.first() else {
            return; // Its fix went away (another one covers it now).
        };
        state = apply_fix(&state, fx).unwrap();
        current = ordered(check(&state, &git));
    }
    assert!(
        count(&current) == 0,
        "applying {title:?} {} times leaves {} of {} {:?}",
        initial + 2,
        count(&current),
        target.0.code(),
        target.2
    );
}

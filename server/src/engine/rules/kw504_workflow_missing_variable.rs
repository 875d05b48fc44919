//! KW504 workflow-missing-variable: a GitHub Actions step runs Python that reads a variable at
//! start, and nothing gives the step that variable.
//!
//! A workflow's steps get only the environment the workflow states: the `env:` of the
//! workflow, of the job and of the step. A `.env` file that git ignores is not in the
//! checkout, and repository secrets reach a step only through `env:` (`${{ secrets.X }}`).
//! When a step runs `python app.py` (or `python -m pkg`, `pytest`, `uv run`, `poetry run`,
//! `streamlit run`, `uvicorn pkg:app`…) and that code reads `X` at module level without a
//! default (`os.environ["X"]`, or `os.getenv("X")` feeding a model configuration or naming a
//! credential), the run fails with `KeyError` or an invalid API key. For `pytest`, the test
//! modules under the working directory count, with what they import at module level.
//!
//! Not reported (keywire says nothing when unsure): when an earlier step uses an action that
//! may set variables (anything but well-known setup actions) or writes `$GITHUB_ENV`, sources
//! a file or exports a variable; when a job is a reusable workflow, runs in a container with
//! its own `env:`, or an `env:` is an expression; for `pytest`, when a `conftest.py` sets
//! variables or loads a `.env`; when a `.env` the code loads may be in the checkout (git
//! tracks it, or its git status is unknown), code sets the variable, or the configuration
//! assumes it. When the
//! workflow runs on `pull_request`, the message notes that runs from forks get no secrets.
//!
//! Bad:
//! ```yaml
//! jobs:
//!   test:
//!     runs-on: ubuntu-latest
//!     steps:
//!       - uses: actions/checkout@v4
//!       - run: python app.py
//! ```
//! Good:
//! ```yaml
//!       - run: python app.py
//!         env:
//!           OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}
//! ```
//!
//! Fix (unsafe): add `X: ${{ secrets.X }}` to the step's `env:` (creating it with the step's
//! indentation). The repository must hold a secret of that name.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::engine::diagnostic::{Edit, Finding, Fix};
use crate::engine::python::FieldValue;
use crate::engine::resolve::runners::{entry_modules, started_modules};
use crate::engine::resolve::ModuleScope;
use crate::engine::rules::Rule;
use crate::engine::runners::{line_entries, runners_of_line, Entry};
use crate::engine::secrets;
use crate::engine::text::Span;
use crate::engine::workflow::{EnvBlock, Step, Workflow};
use crate::engine::workspace::{GitStatus, Workspace};

/// Actions known to set no variable the code reads.
const QUIET_ACTIONS: &[&str] = &[
    "actions/checkout",
    "actions/setup-python",
    "actions/cache",
    "actions/upload-artifact",
    "actions/download-artifact",
    "astral-sh/setup-uv",
    "snok/install-poetry",
    "abatilo/actions-poetry",
    "pdm-project/setup-pdm",
    "actions/setup-node",
];

/// Words of a `run:` script after which later steps may have variables keywire cannot see.
const SETS_ENV: &[&str] = &["GITHUB_ENV", "source ", ". ./", "export ", "set -a"];

pub fn check(ws: &Workspace, path: &Path, text: &str, workflow: &Workflow, out: &mut Vec<Finding>) {
    if workflow.env == EnvBlock::Unknown {
        return;
    }
    // The repository holding `.github/workflows/`.
    let Some(repo) = path.parent().and_then(Path::parent).and_then(Path::parent) else {
        return;
    };
    for job in &workflow.jobs {
        if job.uses || job.env == EnvBlock::Unknown {
            continue;
        }
        let mut unsure = false;
        for step in &job.steps {
            if let Some(uses) = &step.uses {
                let action = uses.split('@').next().unwrap_or_default();
                if !QUIET_ACTIONS.contains(&action) {
                    unsure = true;
                }
            }
            let Some((key_span, script)) = &step.run else {
                continue;
            };
            if !unsure && step.env != EnvBlock::Unknown {
                let dir = step
                    .working_directory
                    .as_deref()
                    .or(job.working_directory.as_deref())
                    .or(workflow.working_directory.as_deref());
                if !dir.is_some_and(|d| d.contains("${{") || d.starts_with('/')) {
                    let cwd = crate::engine::runners::normalize(&repo.join(dir.unwrap_or("")));
                    let given = |name: &str| {
                        workflow.env.may_set(name)
                            || job.env.may_set(name)
                            || step.env.may_set(name)
                    };
                    report_step(
                        ws, path, text, workflow, step, *key_span, script, &cwd, &given, out,
                    );
                }
            }
            if SETS_ENV.iter().any(|w| script.contains(w)) {
                unsure = true;
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn report_step(
    ws: &Workspace,
    path: &Path,
    text: &str,
    workflow: &Workflow,
    step: &Step,
    key_span: Span,
    script: &str,
    cwd: &Path,
    given: &dyn Fn(&str) -> bool,
    out: &mut Vec<Finding>,
) {
    let mut modules: Vec<PathBuf> = Vec::new();
    // A test run starts hundreds of modules, most of them importing the same ones.
    let mut seen: HashSet<PathBuf> = HashSet::new();
    for line in script.lines() {
        // A tool that loads a .env itself (`dotenv run`): which variables it gives is the
        // checkout's business; say nothing about that line.
        if !runners_of_line(line, 0..0, cwd).is_empty() {
            continue;
        }
        for entry in line_entries(line) {
            let tests = matches!(entry, Entry::Tests | Entry::TestPath(_));
            if entry == Entry::Any || (tests && conftest_sets_env(ws, cwd)) {
                continue;
            }
            for start in entry_modules(ws, cwd, &entry) {
                for m in started_modules(ws, &start) {
                    if seen.insert(m.clone()) {
                        modules.push(m);
                    }
                }
            }
        }
    }
    let mut reported: Vec<String> = Vec::new();
    for module in &modules {
        let Some(m) = ws.python_module(module) else {
            continue;
        };
        let facts = &m.facts;
        let mut feeds_config = vec![false; facts.env_reads.len()];
        for entry in &facts.entries {
            for field in &entry.fields {
                if let FieldValue::Env(i) = field.value {
                    if let Some(slot) = feeds_config.get_mut(i) {
                        *slot = true;
                    }
                }
            }
        }
        for (i, read) in facts.env_reads.iter().enumerate() {
            let required = !read.has_default
                && read.module_level
                && (feeds_config[i] || secrets::is_credential_name(&read.name));
            if !required || given(&read.name) || reported.contains(&read.name) {
                continue;
            }
            if provided_otherwise(ws, module, &read.name) {
                continue;
            }
            reported.push(read.name.clone());
            let name = &read.name;
            let mut message = format!(
                "this step runs {}, which reads {name} at start, but no env: of the workflow, the job or the step sets it (and no .env the code loads is in the checkout)",
                ws.display_path(module)
            );
            if workflow.pull_request {
                message.push_str(
                    "; the workflow runs on pull_request, and runs from forks get no secrets",
                );
            }
            let mut finding = Finding::new(Rule::KW504, path, key_span, message).related(
                module,
                read.span,
                format!("{name} is read here"),
            );
            if let Some(fix) = add_env_fix(path, text, step, name) {
                finding = finding.fix(fix);
            }
            out.push(finding);
        }
    }
}

/// A `conftest.py` under `cwd` writes variables or loads a `.env`: pytest runs it before the
/// test modules.
fn conftest_sets_env(ws: &Workspace, cwd: &Path) -> bool {
    ws.python_modules().any(|(p, m)| {
        p.starts_with(cwd)
            && p.file_name().is_some_and(|n| n == "conftest.py")
            && (!m.facts.env_writes.is_empty() || !m.facts.loads.is_empty())
    })
}

/// The variable may reach the code another way: code sets it, the configuration assumes it,
/// the shell sources a file, or a `.env` the code loads (or a runner does) may be in the
/// checkout.
fn provided_otherwise(ws: &Workspace, module: &Path, name: &str) -> bool {
    let scope = ModuleScope::new(ws, module);
    let lookup = scope.lookup(name);
    if !lookup.written.is_empty() || lookup.assumed || lookup.shell_sourced || lookup.unknown_load {
        return true;
    }
    let in_checkout = |env: &Path| {
        ws.env_file(env)
            .is_none_or(|f| !matches!(f.git, GitStatus::Ignored | GitStatus::NotIgnored { .. }))
    };
    lookup.loaded.iter().any(|(d, _)| in_checkout(d.env))
        || lookup.configured.iter().any(|d| in_checkout(d.env))
        || lookup.run_loaded.iter().any(|(d, _)| in_checkout(d.env))
}

/// Add `NAME: ${{ secrets.NAME }}` to the step's `env:`: after its last entry, or in a new
/// `env:` block after the step. None for a flow-style `env: {…}` or an empty block.
fn add_env_fix(path: &Path, text: &str, step: &Step, name: &str) -> Option<Fix> {
    let line = format!("{name}: ${{{{ secrets.{name} }}}}");
    let (at, insert) = match &step.env {
        EnvBlock::Vars { vars, flow: false } => {
            let last = vars.last()?;
            let first = vars.first()?;
            let indent = column(text, first.name_span.start);
            let at = next_line_start(text, last.value_span.end.max(last.name_span.end));
            (at.0, format!("{}{}{}\n", at.1, " ".repeat(indent), line))
        }
        EnvBlock::None => {
            let at = next_line_start(text, content_end(text, step.span.end));
            let pad = " ".repeat(step.indent);
            (at.0, format!("{}{pad}env:\n{pad}  {line}\n", at.1))
        }
        _ => return None,
    };
    Some(Fix {
        title: format!("Add `{name}: ${{{{ secrets.{name} }}}}` to the step's env"),
        edits: vec![Edit {
            path: path.to_path_buf(),
            span: Span::empty(at),
            new_text: insert,
            create: false,
        }],
        safe: false,
        sensitive: false,
    })
}

/// Where the step's content ends: its span may run past a block scalar's trailing blank lines
/// up to the next item's `- `.
fn content_end(text: &str, end: usize) -> usize {
    let mut end = end.min(text.len());
    loop {
        let trimmed = text[..end].trim_end();
        let line_start = trimmed.rfind('\n').map_or(0, |i| i + 1);
        let line = &trimmed[line_start..];
        if line.trim_start() == "-" && line_start > 0 {
            end = line_start;
            continue;
        }
        return trimmed.len();
    }
}

/// The column (in bytes) of `offset` in its line.
fn column(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    offset - text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// Where the line after the one holding `offset - 1` starts, and a line break to write first
/// when the text ends without one. A value's span may end at the line break already.
fn next_line_start(text: &str, offset: usize) -> (usize, &'static str) {
    let offset = offset.min(text.len());
    if offset > 0 && text.as_bytes()[offset - 1] == b'\n' {
        return (offset, "");
    }
    match text[offset..].find('\n') {
        Some(i) => (offset + i + 1, ""),
        None => (text.len(), "\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::Config;

    fn findings(workflow: &str, files: &[(&str, &str)]) -> Vec<Finding> {
        let mut ws = Workspace::new("/p/repo", Config::default());
        let path = PathBuf::from("/p/repo/.github/workflows/ci.yml");
        ws.set_workflow(path.clone(), workflow);
        for (rel, text) in files {
            ws.set_python(PathBuf::from("/p/repo").join(rel), text);
        }
        let file = ws.workflow(&path).unwrap();
        let mut out = Vec::new();
        check(&ws, &path, &file.text, file.facts(), &mut out);
        out
    }

    const APP: &str = "import os\nKEY = os.environ[\"OPENAI_API_KEY\"]\n";
    const TEST: &str = "from app import KEY\n\ndef test_a():\n    assert KEY\n";

    #[test]
    fn pytest_runs_the_tests_and_what_they_import() {
        let w = "on: push\njobs:\n  t:\n    steps:\n      - run: python -m pytest\n";
        let files = [("app.py", APP), ("tests/test_a.py", TEST)];
        assert_eq!(findings(w, &files).len(), 1);
        // Only the test modules: a script nothing imports is not run.
        assert!(findings(w, &[("app.py", APP)]).is_empty());
        // Only the tests pytest is given.
        let other = "on: push\njobs:\n  t:\n    steps:\n      - run: pytest -v tests/test_b.py\n";
        let with_b = [
            ("app.py", APP),
            ("tests/test_a.py", TEST),
            ("tests/test_b.py", ""),
        ];
        assert!(findings(other, &with_b).is_empty());
        let given =
            "on: push\njobs:\n  t:\n    steps:\n      - run: pytest tests/test_a.py::test_a\n";
        assert_eq!(findings(given, &with_b).len(), 1);
        // A conftest.py that sets variables or loads a .env runs first.
        for conftest in [
            "import os\nos.environ.setdefault(\"OPENAI_API_KEY\", \"test\")\n",
            "from dotenv import load_dotenv\nload_dotenv(\".env.test\")\n",
        ] {
            let files = [
                ("app.py", APP),
                ("tests/test_a.py", TEST),
                ("tests/conftest.py", conftest),
            ];
            assert!(findings(w, &files).is_empty(), "{conftest}");
        }
    }

    #[test]
    fn working_directory_and_unsure_steps() {
        let files = [("svc/app.py", APP)];
        let w = "on: push\njobs:\n  t:\n    defaults:\n      run:\n        working-directory: svc\n    steps:\n      - run: python app.py\n";
        assert_eq!(findings(w, &files).len(), 1);
        let w = "on: push\njobs:\n  t:\n    steps:\n      - run: python app.py\n        working-directory: ${{ inputs.dir }}\n";
        assert!(findings(w, &files).is_empty());
        for before in [
            "      - run: export OPENAI_API_KEY=x\n",
            "      - uses: some/action@v1\n",
            "      - run: echo \"A=1\" >> $GITHUB_ENV\n",
        ] {
            let w = format!("on: push\njobs:\n  t:\n    steps:\n{before}      - run: python app.py\n        working-directory: svc\n");
            assert!(findings(&w, &files).is_empty(), "{before}");
        }
    }

    #[test]
    fn env_anywhere_on_the_way_gives_the_variable() {
        let files = [("app.py", APP)];
        for w in [
            "on: push\nenv:\n  OPENAI_API_KEY: x\njobs:\n  t:\n    steps:\n      - run: python app.py\n",
            "on: push\njobs:\n  t:\n    env: ${{ fromJSON(inputs.env) }}\n    steps:\n      - run: python app.py\n",
            "on: push\njobs:\n  t:\n    steps:\n      - run: python app.py\n        env: {OPENAI_API_KEY: x}\n",
        ] {
            assert!(findings(w, &files).is_empty(), "{w}");
        }
    }

    /// The workflow after the first finding's fix, checked to touch no byte outside its edit.
    fn fixed(workflow: &str) -> String {
        let found = findings(workflow, &[("app.py", APP)]);
        let edit = &found[0].fixes[0].edits[0];
        assert!(edit.span.is_empty());
        let mut out = workflow.to_string();
        out.insert_str(edit.span.start, &edit.new_text);
        assert_eq!(&out[..edit.span.start], &workflow[..edit.span.start]);
        assert_eq!(
            &out[edit.span.start + edit.new_text.len()..],
            &workflow[edit.span.start..]
        );
        assert!(findings(&out, &[("app.py", APP)]).is_empty(), "{out}");
        out
    }

    #[test]
    fn fixes_add_the_secret_to_the_step() {
        // A new `env:` after the step, at the step's indentation (also at the end of the file
        // without a final line break, and after a block scalar).
        assert_eq!(
            fixed("on: push\njobs:\n  t:\n    steps:\n      - name: Run\n        run: python app.py\n      - run: echo done\n"),
            "on: push\njobs:\n  t:\n    steps:\n      - name: Run\n        run: python app.py\n        env:\n          OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\n      - run: echo done\n"
        );
        assert_eq!(
            fixed("jobs:\n  t:\n    steps:\n    - run: python app.py"),
            "jobs:\n  t:\n    steps:\n    - run: python app.py\n      env:\n        OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\n"
        );
        assert_eq!(
            fixed("jobs:\n  t:\n    steps:\n      - run: |\n          python app.py\n\n      - run: echo\n"),
            "jobs:\n  t:\n    steps:\n      - run: |\n          python app.py\n        env:\n          OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\n\n      - run: echo\n"
        );
        // An existing block: one more entry, aligned with the others.
        assert_eq!(
            fixed("jobs:\n  t:\n    steps:\n      - env:\n          MODEL: gpt-4o  # comment\n        run: python app.py\n"),
            "jobs:\n  t:\n    steps:\n      - env:\n          MODEL: gpt-4o  # comment\n          OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\n        run: python app.py\n"
        );
        // A flow mapping: no fix offered.
        let flow = "jobs:\n  t:\n    steps:\n      - env: {MODEL: x}\n        run: python app.py\n";
        assert!(findings(flow, &[("app.py", APP)])[0].fixes.is_empty());
    }
}

//! Shell command lines: which of them load `.env` files (`uv run --env-file`, `UV_ENV_FILE`,
//! `dotenv run`) and which Python code a command runs (`python app.py`, `python -m pkg`,
//! `pytest`, `uvicorn pkg.mod:app`, `streamlit run app.py`…). A small tokenizer, not a shell:
//! quotes, backslashes, operators (`&&`, `||`, `;`, `|`, `&`) and comments; no expansion.

use std::ops::Range;
use std::path::{Path, PathBuf};

use super::{Entry, Runner, RunnerKind};

/// More words than any real command holds: the rest of a hostile line is not read.
const MAX_WORDS: usize = 512;

#[derive(Debug, PartialEq)]
pub(super) enum Word {
    Text(String),
    /// A control operator: ends a simple command.
    Op,
}

pub(super) fn tokenize(line: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if out.len() >= MAX_WORDS {
            break;
        }
        match c {
            '\'' => {
                in_word = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    cur.push(c);
                }
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => match chars.peek() {
                            Some(&n @ ('"' | '\\' | '$' | '`')) => {
                                cur.push(n);
                                chars.next();
                            }
                            _ => cur.push('\\'),
                        },
                        c => cur.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(n) = chars.next() {
                    if n != '\n' {
                        cur.push(n);
                    }
                }
            }
            '#' if !in_word => break,
            c if c.is_whitespace() && c != '\n' => {
                if in_word {
                    out.push(Word::Text(std::mem::take(&mut cur)));
                    in_word = false;
                }
            }
            '&' | '|' | ';' | '(' | ')' | '\n' => {
                if in_word {
                    out.push(Word::Text(std::mem::take(&mut cur)));
                    in_word = false;
                }
                out.push(Word::Op);
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        out.push(Word::Text(cur));
    }
    out
}

/// The runners a command line states: one per simple command that loads a `.env` file.
/// `span` is where the line is in its file, `cwd` the directory it runs in (a `cd dir &&`
/// before the command moves it).
pub fn runners_of_line(line: &str, span: Range<usize>, cwd: &Path) -> Vec<Runner> {
    let mut out = Vec::new();
    for_each_command(line, cwd, |command, cwd| {
        if let Some(runner) = runner_of_command(command, span.clone(), cwd) {
            out.push(runner);
        }
    });
    out
}

/// Each simple command of a command line (its words), with the directory it runs in: a
/// `cd dir` before it (`cd app && …`) moves it; a `cd` to a variable, `~` or `-` is not
/// followed.
pub fn for_each_command(line: &str, cwd: &Path, mut f: impl FnMut(&[&str], &Path)) {
    let mut cwd = cwd.to_path_buf();
    let words = tokenize(line);
    for command in words.split(|w| *w == Word::Op) {
        let command: Vec<&str> = command
            .iter()
            .filter_map(|w| match w {
                Word::Text(t) => Some(t.as_str()),
                Word::Op => None,
            })
            .collect();
        if let ["cd", dir] = command.as_slice() {
            if !dir.starts_with('$') && !dir.starts_with('~') && *dir != "-" {
                cwd = super::normalize(&cwd.join(dir));
            }
            continue;
        }
        f(&command, &cwd);
    }
}

/// The Python code a command line runs (every simple command of it), for a tool that loads
/// the `.env` for all of them (`just` with `set dotenv-load`).
pub fn line_entries(line: &str) -> Vec<Entry> {
    let words = tokenize(line);
    let mut out = Vec::new();
    for command in words.split(|w| *w == Word::Op) {
        let command: Vec<&str> = command
            .iter()
            .filter_map(|w| match w {
                Word::Text(t) => Some(t.as_str()),
                Word::Op => None,
            })
            .collect();
        for entry in entries_of(&command) {
            if !out.contains(&entry) {
                out.push(entry);
            }
        }
    }
    out
}

/// Commands that run no Python of the project.
const NOT_PYTHON: &[&str] = &[
    "echo",
    "printf",
    "rm",
    "mkdir",
    "cp",
    "mv",
    "cd",
    "ls",
    "cat",
    "touch",
    "chmod",
    "docker",
    "docker-compose",
    "podman",
    "kubectl",
    "helm",
    "npm",
    "npx",
    "yarn",
    "pnpm",
    "node",
    "git",
    "pip",
    "pip3",
    "ruff",
    "black",
    "isort",
    "mypy",
    "pyright",
    "flake8",
    "pylint",
    "make",
    "just",
    "export",
    "source",
    ".",
    "set",
    "test",
    "true",
    "false",
    "sleep",
    "curl",
    "wget",
    "tar",
    "find",
    "grep",
    "sed",
    "awk",
    "exit",
    "if",
    "then",
    "fi",
    "else",
    "for",
    "do",
    "done",
    "while",
    "pre-commit",
    "sphinx-build",
    "mkdocs",
    "twine",
    "build",
    "open",
    "xdg-open",
];

/// A simple command (its words) that loads `.env` files, and what it runs.
pub(super) fn runner_of_command(words: &[&str], span: Range<usize>, cwd: &Path) -> Option<Runner> {
    let mut uv_env: Vec<PathBuf> = Vec::new();
    let mut i = 0;
    // Assignments and wrappers before the command.
    while let Some(&w) = words.get(i) {
        if let Some((name, value)) = assignment(w) {
            if name == "UV_ENV_FILE" {
                uv_env = value.split_whitespace().map(PathBuf::from).collect();
            }
            i += 1;
        } else if matches!(w, "exec" | "time" | "command" | "nohup" | "env") {
            i += 1;
        } else {
            break;
        }
    }
    let rest = &words[i.min(words.len())..];
    match rest {
        ["uv", "run", tail @ ..] => {
            let run = uv_run(tail);
            let mut env_files = run.env_files;
            if env_files.is_empty() {
                env_files = uv_env;
            }
            let cwd = run
                .directory
                .map_or_else(|| cwd.to_path_buf(), |d| super::normalize(&cwd.join(d)));
            if run.no_env_file || env_files.is_empty() {
                // `uv run` loads nothing itself: what it runs may (`uv run dotenv run …`).
                return runner_of_command(&tail[run.consumed..], span, &cwd);
            }
            Some(Runner {
                kind: RunnerKind::Uv,
                span,
                cwd,
                env_files,
                runs: run.entries,
            })
        }
        ["dotenv", tail @ ..] => {
            let mut file = PathBuf::from(".env");
            let mut j = 0;
            while let Some(&w) = tail.get(j) {
                if let Some(f) = w.strip_prefix("--file=") {
                    file = PathBuf::from(f);
                } else if matches!(w, "-f" | "--file") {
                    file = PathBuf::from(*tail.get(j + 1)?);
                    j += 1;
                } else if matches!(w, "-q" | "--quote" | "-e" | "--export") {
                    j += 1;
                } else if w == "run" {
                    break;
                } else if !w.starts_with('-') {
                    // `dotenv get`, `dotenv set`, `dotenv list`: no program runs.
                    return None;
                }
                j += 1;
            }
            tail.get(j).filter(|w| **w == "run")?;
            j += 1;
            while tail
                .get(j)
                .is_some_and(|w| matches!(*w, "--override" | "--no-override"))
            {
                j += 1;
            }
            if tail.get(j) == Some(&"--") {
                j += 1;
            }
            Some(Runner {
                kind: RunnerKind::DotenvCli,
                span,
                cwd: cwd.to_path_buf(),
                env_files: vec![file],
                runs: entries_of(&tail[j.min(tail.len())..]),
            })
        }
        [w, tail @ ..] if is_wrapper(w, tail) => runner_of_command(&tail[1..], span, cwd),
        _ => None,
    }
}

/// `poetry run …`, `pdm run …`, `pipenv run …`, `hatch run …`, `rye run …`.
fn is_wrapper(word: &str, tail: &[&str]) -> bool {
    matches!(word, "poetry" | "pdm" | "pipenv" | "hatch" | "rye") && tail.first() == Some(&"run")
}

/// `NAME=value` (a shell assignment before a command).
pub(super) fn assignment(word: &str) -> Option<(&str, &str)> {
    let (name, value) = word.split_once('=')?;
    let valid = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then_some((name, value))
}

struct UvRun {
    env_files: Vec<PathBuf>,
    no_env_file: bool,
    directory: Option<String>,
    entries: Vec<Entry>,
    /// Words of the options (the command starts after them).
    consumed: usize,
}

/// uv run's options that take a value.
const UV_VALUE_OPTIONS: &[&str] = &[
    "--with",
    "--with-editable",
    "--with-requirements",
    "--python",
    "-p",
    "--package",
    "--directory",
    "--project",
    "--extra",
    "--group",
    "--only-group",
    "--no-group",
    "--index",
    "--default-index",
    "--index-url",
    "-i",
    "--extra-index-url",
    "--find-links",
    "-f",
    "--env-file",
    "--cache-dir",
    "--config-file",
    "--color",
    "--index-strategy",
    "--keyring-provider",
    "--resolution",
    "--prerelease",
    "--link-mode",
    "--refresh-package",
    "--reinstall-package",
    "--upgrade-package",
    "-P",
    "--exclude-newer",
    "--python-platform",
];

fn uv_run(tail: &[&str]) -> UvRun {
    let mut run = UvRun {
        env_files: Vec::new(),
        no_env_file: false,
        directory: None,
        entries: Vec::new(),
        consumed: 0,
    };
    let mut module = false;
    let mut j = 0;
    while let Some(&w) = tail.get(j) {
        if w == "--" {
            j += 1;
            break;
        }
        if !w.starts_with('-') {
            break;
        }
        let (name, inline) = match w.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v)),
            _ => (w, None),
        };
        let value = if UV_VALUE_OPTIONS.contains(&name) && inline.is_none() {
            j += 1;
            tail.get(j).copied()
        } else {
            inline
        };
        match name {
            "--env-file" => run.env_files.extend(value.map(PathBuf::from)),
            "--no-env-file" => run.no_env_file = true,
            "--directory" => run.directory = value.map(str::to_string),
            "-m" | "--module" => module = true,
            _ => {}
        }
        j += 1;
    }
    run.consumed = j.min(tail.len());
    let command = &tail[run.consumed..];
    run.entries = match command.first() {
        Some(m) if module => vec![Entry::Module((*m).to_string())],
        _ => entries_of(command),
    };
    run
}

/// Whether a word names a Python interpreter: `python`, `python3.12`, `.venv/bin/python`,
/// `$(PYTHON)`, `py`.
fn is_python(word: &str) -> bool {
    let name = word.rsplit('/').next().unwrap_or(word);
    let version = name
        .strip_prefix("python")
        .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.') && !v.starts_with('.'));
    version
        || name == "py"
        || ((word.starts_with("$(") || word.starts_with("${"))
            && word.to_ascii_lowercase().contains("python"))
}

/// The Python code a command (its words) runs: nothing for a command that runs no Python
/// keywire can name but is no Python tool either would be a guess, so that is [`Entry::Any`].
pub fn entries_of(words: &[&str]) -> Vec<Entry> {
    let mut i = 0;
    while words.get(i).is_some_and(|w| assignment(w).is_some()) {
        i += 1;
    }
    let words = &words[i.min(words.len())..];
    let Some((&first, tail)) = words.split_first() else {
        return Vec::new();
    };
    if is_wrapper(first, tail) {
        return entries_of(&tail[1..]);
    }
    if first == "uv" && tail.first() == Some(&"run") {
        return uv_run(&tail[1..]).entries;
    }
    if first == "dotenv" {
        let at = tail.iter().position(|w| *w == "run");
        let Some(at) = at else {
            return Vec::new();
        };
        let mut rest = &tail[at + 1..];
        while let Some((w, r)) = rest.split_first() {
            if matches!(*w, "--override" | "--no-override" | "--") {
                rest = r;
            } else {
                break;
            }
        }
        return entries_of(rest);
    }
    if is_python(first) {
        return python_entries(tail);
    }
    if first.ends_with(".py") {
        return vec![Entry::Script(PathBuf::from(first))];
    }
    if NOT_PYTHON.contains(&first) || (first == "uv" && tail.first() != Some(&"run")) {
        return Vec::new();
    }
    tool_entries(first.rsplit('/').next().unwrap_or(first), tail, false)
}

/// `python [options] script.py | -m module | -c code`.
fn python_entries(tail: &[&str]) -> Vec<Entry> {
    let mut j = 0;
    while let Some(&w) = tail.get(j) {
        match w {
            "-m" => {
                let Some(&module) = tail.get(j + 1) else {
                    return Vec::new();
                };
                return tool_entries(module, &tail[j + 2..], true);
            }
            "-c" => return vec![Entry::Any],
            "-X" | "-W" => j += 2,
            _ if w.starts_with('-') => j += 1,
            script => return vec![Entry::Script(PathBuf::from(script))],
        }
    }
    Vec::new()
}

/// pytest's options that take a value as the next word.
const PYTEST_VALUE_OPTIONS: &[&str] = &[
    "-k",
    "-m",
    "-c",
    "-p",
    "-o",
    "-n",
    "-W",
    "--rootdir",
    "--maxfail",
    "--junitxml",
    "--junit-xml",
    "--durations",
    "--timeout",
    "--ignore",
    "--ignore-glob",
    "--deselect",
    "--log-level",
    "--basetemp",
    "--confcutdir",
    "--cov-config",
    "--cov-report",
    "--import-mode",
    "--tb",
];

/// `pytest [options] [paths]`: the paths given (test files, node ids, folders), else every
/// test module.
fn pytest_entries(args: &[&str]) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut skip = false;
    for arg in args {
        if std::mem::take(&mut skip) {
            continue;
        }
        if arg.starts_with('-') {
            skip = !arg.contains('=') && PYTEST_VALUE_OPTIONS.contains(arg);
            continue;
        }
        let path = arg.split("::").next().unwrap_or(arg);
        if !path.is_empty() && !path.contains(['$', '*', '{']) {
            out.push(Entry::TestPath(PathBuf::from(path)));
        }
    }
    if out.is_empty() {
        out.push(Entry::Tests);
    }
    out
}

/// A Python tool (a console script, or `python -m` of it when `module`) and its arguments;
/// any other module `python -m` runs.
fn tool_entries(tool: &str, args: &[&str], module: bool) -> Vec<Entry> {
    match tool {
        "pytest" | "py.test" => pytest_entries(args),
        "streamlit" | "chainlit" | "fastapi" | "panel" | "gradio" => {
            match args
                .iter()
                .position(|a| matches!(*a, "run" | "dev" | "serve"))
            {
                Some(at) => args[at + 1..]
                    .iter()
                    .find(|a| a.ends_with(".py"))
                    .map(|s| vec![Entry::Script(PathBuf::from(*s))])
                    .unwrap_or_else(|| vec![Entry::Any]),
                None => vec![Entry::Any],
            }
        }
        "uvicorn" | "gunicorn" | "hypercorn" | "daphne" => {
            match args.iter().find(|a| !a.starts_with('-') && a.contains(':')) {
                Some(app) => {
                    let module = app.split(':').next().unwrap_or_default();
                    vec![Entry::Module(module.to_string())]
                }
                None => vec![Entry::Any],
            }
        }
        // `python -m pkg.mod`: a module of the project.
        _ if module => vec![Entry::Module(tool.to_string())],
        _ => vec![Entry::Any],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(line: &str) -> Vec<(RunnerKind, Vec<PathBuf>, Vec<Entry>)> {
        runners_of_line(line, 0..line.len(), Path::new("/p"))
            .into_iter()
            .map(|r| (r.kind, r.env_paths().collect(), r.runs))
            .collect()
    }

    fn script(p: &str) -> Entry {
        Entry::Script(PathBuf::from(p))
    }

    #[test]
    fn uv_loads_only_with_an_env_file() {
        let env = vec![PathBuf::from("/p/.env")];
        assert_eq!(
            run("uv run --env-file .env python app.py"),
            vec![(RunnerKind::Uv, env.clone(), vec![script("app.py")])]
        );
        assert_eq!(
            run("uv run --env-file=.env app.py"),
            vec![(RunnerKind::Uv, env.clone(), vec![script("app.py")])]
        );
        assert_eq!(
            run("UV_ENV_FILE=.env uv run -m pkg.main"),
            vec![(
                RunnerKind::Uv,
                env.clone(),
                vec![Entry::Module("pkg.main".into())]
            )]
        );
        assert!(run("uv run python app.py").is_empty());
        assert!(run("uv run --with rich app.py").is_empty());
        assert!(run("UV_ENV_FILE=.env uv run --no-env-file app.py").is_empty());
        assert_eq!(
            run("cd svc && uv run --env-file ../.env streamlit run ui.py"),
            vec![(RunnerKind::Uv, env, vec![script("ui.py")])]
        );
    }

    #[test]
    fn dotenv_cli() {
        let env = vec![PathBuf::from("/p/.env")];
        assert_eq!(
            run("dotenv run -- python app.py"),
            vec![(RunnerKind::DotenvCli, env.clone(), vec![script("app.py")])]
        );
        assert_eq!(
            run("dotenv -f conf/dev.env run uvicorn api.main:app --reload"),
            vec![(
                RunnerKind::DotenvCli,
                vec![PathBuf::from("/p/conf/dev.env")],
                vec![Entry::Module("api.main".into())]
            )]
        );
        assert_eq!(
            run("uv run dotenv run pytest -x"),
            vec![(RunnerKind::DotenvCli, env, vec![Entry::Tests])]
        );
        assert!(run("dotenv set KEY value").is_empty());
        assert!(run("echo 'dotenv run -- python app.py'").is_empty());
        assert!(run("# dotenv run -- python app.py").is_empty());
    }

    #[test]
    fn entries() {
        let e = |s: &str| entries_of(&s.split_whitespace().collect::<Vec<_>>());
        assert_eq!(
            e("python -u src/app.py --port 1"),
            vec![script("src/app.py")]
        );
        assert_eq!(e("python -m pytest"), vec![Entry::Tests]);
        assert_eq!(e("python -m pytest -x -k smoke"), vec![Entry::Tests]);
        assert_eq!(
            e("pytest --cov=pkg tests/memory/test_a.py::test_b -v --cov-report xml it"),
            vec![
                Entry::TestPath(PathBuf::from("tests/memory/test_a.py")),
                Entry::TestPath(PathBuf::from("it"))
            ]
        );
        assert_eq!(
            e("python3.12 -m pkg.cli"),
            vec![Entry::Module("pkg.cli".into())]
        );
        assert_eq!(e("$(PYTHON) main.py"), vec![script("main.py")]);
        assert_eq!(e("chainlit run chat.py -w"), vec![script("chat.py")]);
        assert_eq!(e("fastapi dev api.py"), vec![script("api.py")]);
        assert_eq!(
            e("poetry run gunicorn -w 2 web.app:server"),
            vec![Entry::Module("web.app".into())]
        );
        assert_eq!(e("./start-server"), vec![Entry::Any]);
        assert_eq!(e("python -c 'import app'"), vec![Entry::Any]);
    }

    #[test]
    fn hostile_lines_do_not_panic() {
        for line in [
            "\"unterminated",
            "'",
            "\\",
            "uv run --env-file",
            "dotenv -f",
            "dotenv run --",
            "&&&&||;;",
            "python -m",
            "UV_ENV_FILE= uv run",
        ] {
            let _ = run(line);
        }
        let long = "uv run --env-file .env ".repeat(10_000);
        let _ = run(&long);
    }
}

//! The command lines of the files that state how a project runs: `Makefile` recipes, `justfile`
//! recipes (and `set dotenv-load`), `Procfile` processes, task tables of `pyproject.toml`
//! (taskipy, poethepoet, PDM) and shell scripts.

use std::ops::Range;
use std::path::{Path, PathBuf};

use super::command::{line_entries, runners_of_line};
use super::{Runner, RunnerKind};

/// More lines than any real run file holds: the rest is not read.
const MAX_LINES: usize = 20_000;

/// Logical lines: physical lines joined where one ends with a backslash, each with the span of
/// its physical lines (without the line break). `\r` before a line break is dropped.
pub(super) fn logical_lines(text: &str) -> Vec<(String, Range<usize>)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut start = None;
    let mut offset = 0;
    for raw in text.split_inclusive('\n').take(MAX_LINES) {
        let line_start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches('\n').trim_end_matches('\r');
        let begin = *start.get_or_insert(line_start);
        match line.strip_suffix('\\') {
            Some(head) => {
                cur.push_str(head);
                cur.push(' ');
            }
            None => {
                cur.push_str(line);
                out.push((std::mem::take(&mut cur), begin..line_start + line.len()));
                start = None;
            }
        }
    }
    if let Some(begin) = start {
        out.push((cur, begin..text.len()));
    }
    out
}

/// A recipe line without make's / just's prefixes: `@` (quiet), `-` (ignore errors), `+`.
pub(super) fn strip_recipe_prefixes(line: &str) -> &str {
    line.trim_start()
        .trim_start_matches(['@', '-', '+'])
        .trim_start()
}

pub(super) fn makefile(text: &str, dir: &Path) -> Vec<Runner> {
    let mut out = Vec::new();
    for (line, span) in logical_lines(text) {
        // Recipe lines start with a tab; `target: ; command` holds one after the semicolon.
        let command = if line.starts_with('\t') {
            strip_recipe_prefixes(&line)
        } else {
            continue;
        };
        let command = command.replace("$$", "$");
        out.extend(runners_of_line(&command, span, dir));
    }
    out
}

pub(super) fn shell(text: &str, dir: &Path) -> Vec<Runner> {
    let mut out = Vec::new();
    for (line, span) in logical_lines(text) {
        out.extend(runners_of_line(&line, span, dir));
    }
    out
}

pub(super) fn procfile(text: &str, dir: &Path) -> Vec<Runner> {
    let mut out = Vec::new();
    for (line, span) in logical_lines(text) {
        let Some((name, command)) = line.split_once(':') else {
            continue;
        };
        if name.trim().is_empty() || name.trim_start().starts_with('#') {
            continue;
        }
        let start = span.start + name.len() + 1;
        out.extend(runners_of_line(command, start..span.end, dir));
    }
    out
}

pub(super) fn justfile(text: &str, dir: &Path) -> Vec<Runner> {
    let mut out = Vec::new();
    let mut dotenv: Option<PathBuf> = None;
    let mut recipes: Vec<(String, Range<usize>)> = Vec::new();
    for (line, span) in logical_lines(text) {
        let indented = line.starts_with([' ', '\t']);
        if indented {
            let command = strip_recipe_prefixes(&line);
            if !command.starts_with('#') {
                out.extend(runners_of_line(command, span.clone(), dir));
                recipes.push((command.to_string(), span));
            }
            continue;
        }
        let Some(setting) = line.trim().strip_prefix("set ") else {
            continue;
        };
        let (name, value) = match setting.split_once(":=") {
            Some((n, v)) => (n.trim(), v.trim()),
            None => (setting.trim(), "true"),
        };
        let unquoted = value.trim_matches(['"', '\'']);
        match name {
            "dotenv-load" if value == "true" => {
                dotenv.get_or_insert_with(|| PathBuf::from(".env"));
            }
            "dotenv-filename" | "dotenv-path" if !unquoted.is_empty() => {
                dotenv = Some(PathBuf::from(unquoted));
            }
            _ => {}
        }
    }
    if let Some(file) = dotenv {
        for (command, span) in recipes {
            let runs = line_entries(&command);
            if !runs.is_empty() {
                out.push(Runner {
                    kind: RunnerKind::Just,
                    span,
                    cwd: dir.to_path_buf(),
                    env_files: vec![file.clone()],
                    runs,
                });
            }
        }
    }
    out
}

/// Tasks of `[tool.taskipy.tasks]`, `[tool.poe.tasks]` and `[tool.pdm.scripts]`: a string, or
/// a table with `cmd` / `shell` (a string or, for PDM's `cmd`, a list of words), or a
/// sequence of those.
pub(super) fn pyproject(text: &str, dir: &Path) -> Vec<Runner> {
    if !text.contains("[tool.") {
        return Vec::new();
    }
    let Ok(doc) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let tool = doc.get("tool").and_then(|t| t.as_table());
    let tables = [("taskipy", "tasks"), ("poe", "tasks"), ("pdm", "scripts")];
    let mut commands = Vec::new();
    for (name, key) in tables {
        let Some(tasks) = tool
            .and_then(|t| t.get(name))
            .and_then(|t| t.get(key))
            .and_then(|t| t.as_table())
        else {
            continue;
        };
        for task in tasks.values() {
            task_commands(task, &mut commands, 0);
        }
    }
    let mut out = pytest_dotenv(&doc, text, dir);
    for command in commands {
        // The command's place in the file, as near as a value found again can say.
        let last = command.split_whitespace().last().unwrap_or_default();
        let span = text
            .find(command.as_str())
            .map(|s| s..s + command.len())
            .or_else(|| text.rfind(last).map(|s| s..s + last.len()))
            .unwrap_or(0..0);
        out.extend(runners_of_line(&command, span, dir));
    }
    // In the file's order (the table's is alphabetical).
    out.sort_by_key(|r| r.span.start);
    out
}

/// pytest-dotenv's `env_files` in `[tool.pytest.ini_options]`: loaded for the tests.
fn pytest_dotenv(doc: &toml::Table, text: &str, dir: &Path) -> Vec<Runner> {
    let Some(files) = doc
        .get("tool")
        .and_then(|t| t.get("pytest"))
        .and_then(|t| t.get("ini_options"))
        .and_then(|t| t.get("env_files"))
        .and_then(toml::Value::as_array)
    else {
        return Vec::new();
    };
    let env_files: Vec<PathBuf> = files
        .iter()
        .filter_map(toml::Value::as_str)
        .map(PathBuf::from)
        .collect();
    if env_files.is_empty() {
        return Vec::new();
    }
    let span = text
        .find("env_files")
        .map_or(0..0, |s| s..s + "env_files".len());
    vec![Runner {
        kind: RunnerKind::PytestDotenv,
        span,
        cwd: dir.to_path_buf(),
        env_files,
        runs: vec![super::Entry::Tests],
    }]
}

fn task_commands(task: &toml::Value, out: &mut Vec<String>, depth: usize) {
    if depth > 4 {
        return;
    }
    match task {
        toml::Value::String(s) => out.push(s.clone()),
        toml::Value::Array(items) => {
            if items.iter().all(toml::Value::is_str) && depth > 0 {
                // PDM's `cmd = ["python", "app.py"]`.
                let words: Vec<&str> = items.iter().filter_map(toml::Value::as_str).collect();
                out.push(words.join(" "));
            } else {
                for item in items {
                    task_commands(item, out, depth + 1);
                }
            }
        }
        toml::Value::Table(t) => {
            for key in ["cmd", "shell", "sequence"] {
                if let Some(v) = t.get(key) {
                    task_commands(v, out, depth + 1);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::Entry;
    use super::*;

    fn kinds(runners: &[Runner]) -> Vec<(RunnerKind, Vec<Entry>)> {
        runners.iter().map(|r| (r.kind, r.runs.clone())).collect()
    }

    fn script(p: &str) -> Entry {
        Entry::Script(PathBuf::from(p))
    }

    #[test]
    fn makefile_recipes() {
        let text = "PY=python\nrun:\n\t@uv run --env-file .env \\\n\t\tpython app.py\n\ntest:\n\t-dotenv run -- pytest\nnot-a-recipe: uv run --env-file .env x.py\n\t# a comment\n";
        let runners = makefile(text, Path::new("/p"));
        assert_eq!(
            kinds(&runners),
            vec![
                (RunnerKind::Uv, vec![script("app.py")]),
                (RunnerKind::DotenvCli, vec![Entry::Tests]),
            ]
        );
        assert_eq!(
            &text[runners[0].span.clone()],
            "\t@uv run --env-file .env \\\n\t\tpython app.py"
        );
        assert!(makefile("run:\n\tuv run python app.py\n", Path::new("/p")).is_empty());
        let crlf = "run:\r\n\t+dotenv run -- python app.py\r\n";
        assert_eq!(
            kinds(&makefile(crlf, Path::new("/p"))),
            vec![(RunnerKind::DotenvCli, vec![script("app.py")])]
        );
    }

    #[test]
    fn justfile_recipes_and_dotenv_load() {
        let text = "run:\n    @dotenv run -- python app.py\n";
        assert_eq!(
            kinds(&justfile(text, Path::new("/p"))),
            vec![(RunnerKind::DotenvCli, vec![script("app.py")])]
        );
        let text = "set dotenv-load\n\nserve:\n  uvicorn api:app\nclean:\n  rm -rf build\n";
        let runners = justfile(text, Path::new("/p"));
        assert_eq!(
            kinds(&runners),
            vec![(RunnerKind::Just, vec![Entry::Module("api".into())])]
        );
        assert_eq!(runners[0].env_files, vec![PathBuf::from(".env")]);
        let text = "set dotenv-filename := \".env.local\"\nrun:\n\tpython main.py\n";
        assert_eq!(
            justfile(text, Path::new("/p"))[0].env_files,
            vec![PathBuf::from(".env.local")]
        );
        assert!(justfile(
            "set dotenv-load := false\nrun:\n  python a.py\n",
            Path::new("/p")
        )
        .is_empty());
    }

    #[test]
    fn procfile_processes() {
        let text = "web: dotenv run uvicorn app:main --port $PORT\nworker: python worker.py\n";
        let runners = procfile(text, Path::new("/p"));
        assert_eq!(
            kinds(&runners),
            vec![(RunnerKind::DotenvCli, vec![Entry::Module("app".into())])]
        );
        assert_eq!(
            &text[runners[0].span.clone()],
            " dotenv run uvicorn app:main --port $PORT"
        );
    }

    #[test]
    fn pyproject_tasks() {
        let text = "[tool.taskipy.tasks]\nstart = \"dotenv run -- python app.py\"\n\n[tool.poe.tasks]\nserve = { cmd = \"uv run --env-file .env uvicorn web:app\" }\nall = [\"lint\", { shell = \"dotenv run pytest\" }]\n\n[tool.pdm.scripts]\ndev = { cmd = [\"dotenv\", \"run\", \"python\", \"-m\", \"svc\"] }\n";
        let runners = pyproject(text, Path::new("/p"));
        assert_eq!(
            kinds(&runners),
            vec![
                (RunnerKind::DotenvCli, vec![script("app.py")]),
                (RunnerKind::Uv, vec![Entry::Module("web".into())]),
                (RunnerKind::DotenvCli, vec![Entry::Tests]),
                (RunnerKind::DotenvCli, vec![Entry::Module("svc".into())]),
            ]
        );
        assert!(pyproject("[tool.poe.tasks\n", Path::new("/p")).is_empty());
        let text = "[tool.pytest.ini_options]\nenv_files = [\".env.test\"]\n";
        let runners = pyproject(text, Path::new("/p"));
        assert_eq!(
            kinds(&runners),
            vec![(RunnerKind::PytestDotenv, vec![Entry::Tests])]
        );
        assert_eq!(runners[0].env_files, vec![PathBuf::from(".env.test")]);
    }

    #[test]
    fn hostile_files_do_not_panic() {
        let dir = Path::new("/p");
        for text in [
            "\\",
            "\t\\",
            "\t@",
            ":",
            "set ",
            "set dotenv-path :=",
            "\u{feff}\t-",
        ] {
            let _ = makefile(text, dir);
            let _ = justfile(text, dir);
            let _ = procfile(text, dir);
            let _ = shell(text, dir);
            let _ = pyproject(text, dir);
        }
        let long = "\tdotenv run -- python app.py \\\n".repeat(50_000);
        let _ = makefile(&long, dir);
    }
}

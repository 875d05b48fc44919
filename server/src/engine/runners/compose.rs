//! How a project states it runs Docker Compose: `docker compose …` / `docker-compose …` lines
//! of a `Makefile`, a `justfile`, a `Procfile`, a shell script at the root, or a GitHub
//! Actions step's `run:`. Compose fills `${X}` in a compose file from the shell that runs it
//! first, then from the project directory's `.env` (or the `--env-file` files instead), so
//! each run keeps what its shell is given: assignments before the command, `export`s of the
//! file, a step's `env:` (step, job and workflow level), `.env` files loaded into the shell
//! (`dotenv run`, `uv run --env-file`, `set -a; . ./.env`, just's `set dotenv-load`, make's
//! `include .env` with `export`). Pure: text or workflow facts in, [`ComposeRun`]s out.

use std::ops::Range;
use std::path::{Path, PathBuf};

use super::command::{assignment, for_each_command, runner_of_command, tokenize, Word};
use super::files::{logical_lines, strip_recipe_prefixes};
use crate::engine::workflow::{EnvBlock, Workflow};

/// A command that runs Compose, and what its shell and options give it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ComposeRun {
    /// The bytes of the file that state it (a line, a step's `run:`).
    pub span: Range<usize>,
    /// The directory it runs in: paths below are relative to it.
    pub cwd: PathBuf,
    /// `-f` / `--file`, as written (none: the compose file of `cwd`).
    pub files: Vec<PathBuf>,
    /// `--env-file`, as written: Compose reads these instead of the `.env` of the project
    /// directory.
    pub env_files: Vec<PathBuf>,
    /// Variables its shell is given.
    pub vars: Vec<String>,
    /// Its shell may be given any variable (an `env:` that is an expression, an `export` of a
    /// computed list).
    pub any_var: bool,
    /// `.env` files loaded into its shell, as written.
    pub loaded: Vec<PathBuf>,
}

/// What the shell of a command is given before it runs.
#[derive(Clone, Debug, Default)]
struct ShellEnv {
    vars: Vec<String>,
    any_var: bool,
    loaded: Vec<PathBuf>,
}

/// More runs than any real file states.
const MAX_RUNS: usize = 1_000;

/// The Compose runs a run file states (`engine/runners/mod.rs`'s files; VS Code's and
/// `pyproject.toml` run no Compose).
pub fn of_run_file(path: &Path, text: &str) -> Vec<ComposeRun> {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return Vec::new();
    };
    let Some(dir) = path.parent() else {
        return Vec::new();
    };
    // A cheap test first: most run files never mention Compose.
    if !text.contains("compose") {
        return Vec::new();
    }
    let lines = logical_lines(text);
    let (make, just) = match name {
        "Makefile" | "makefile" | "GNUmakefile" => (true, false),
        "justfile" | "Justfile" | ".justfile" => (false, true),
        "Procfile" => (false, false),
        _ if name.ends_with(".sh") => (false, false),
        _ => return Vec::new(),
    };
    let env = file_env(&lines, make, just);
    let mut out = Vec::new();
    for (line, span) in &lines {
        let command = if make {
            match line.strip_prefix('\t') {
                Some(recipe) => strip_recipe_prefixes(recipe).replace("$$", "$"),
                None => continue,
            }
        } else if just {
            if !line.starts_with([' ', '\t']) {
                continue;
            }
            strip_recipe_prefixes(line).to_string()
        } else if name == "Procfile" {
            match line.split_once(':') {
                Some((_, command)) => command.to_string(),
                None => continue,
            }
        } else {
            line.clone()
        };
        of_line(&command, span.clone(), dir, &env, &mut out);
        if out.len() >= MAX_RUNS {
            break;
        }
    }
    out
}

/// The Compose runs of a workflow's steps. `path` is the workflow's; steps run at the root of
/// the repository (two folders above `.github/workflows/`) or their `working-directory`.
pub fn of_workflow(path: &Path, workflow: &Workflow) -> Vec<ComposeRun> {
    let Some(root) = path.parent().and_then(Path::parent).and_then(Path::parent) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for job in &workflow.jobs {
        // `echo "X=…" >> $GITHUB_ENV` in a step gives X to the job's later steps.
        let mut job_env = ShellEnv::default();
        add_block(&mut job_env, &workflow.env);
        add_block(&mut job_env, &job.env);
        for step in &job.steps {
            let Some((span, script)) = &step.run else {
                continue;
            };
            let mut env = job_env.clone();
            add_block(&mut env, &step.env);
            let lines = logical_lines(script);
            let script_env = file_env(&lines, false, false);
            env.vars.extend(script_env.vars);
            env.any_var |= script_env.any_var;
            env.loaded.extend(script_env.loaded);
            let dir = step
                .working_directory
                .as_deref()
                .or(job.working_directory.as_deref())
                .or(workflow.working_directory.as_deref())
                .filter(|d| !d.contains("${{"))
                .map_or_else(|| root.to_path_buf(), |d| super::normalize(&root.join(d)));
            for (line, _) in &lines {
                of_line(line, span.start..span.end, &dir, &env, &mut out);
            }
            // A step that writes an env file fills it for the job's later steps too.
            if lines.iter().any(|(l, _)| writes_env_file(l)) {
                job_env.any_var = true;
            }
            for (line, _) in &lines {
                if line.contains("GITHUB_ENV") {
                    match github_env_name(line) {
                        Some(name) => job_env.vars.push(name),
                        None => job_env.any_var = true,
                    }
                }
            }
            if out.len() >= MAX_RUNS {
                return out;
            }
        }
    }
    out
}

/// The name `echo "NAME=value" >> "$GITHUB_ENV"` writes (None: a name keywire cannot read).
fn github_env_name(line: &str) -> Option<String> {
    let words = tokenize(line);
    let mut texts = words.iter().filter_map(|w| match w {
        Word::Text(t) => Some(t.as_str()),
        Word::Op => None,
    });
    if texts.next()? != "echo" {
        return None;
    }
    let (name, _) = assignment(texts.next()?)?;
    Some(name.to_string())
}

fn add_block(env: &mut ShellEnv, block: &EnvBlock) {
    match block {
        EnvBlock::None => {}
        EnvBlock::Vars { vars, .. } => env.vars.extend(vars.iter().map(|v| v.name.clone())),
        EnvBlock::Unknown => env.any_var = true,
    }
}

/// What the whole file gives every command it runs: `export`s (a Makefile's or justfile's
/// top-level ones, or a script's), `.env` files sourced with `set -a`, make's
/// `include F` with `export`, just's `set dotenv-load` and `set export`. Names exported on any
/// line count for every run: saying too little is the safe side.
fn file_env(lines: &[(String, Range<usize>)], make: bool, just: bool) -> ShellEnv {
    let mut env = ShellEnv::default();
    let mut export_all = false;
    let mut assigned: Vec<String> = Vec::new();
    let mut included: Vec<PathBuf> = Vec::new();
    for (line, _) in lines {
        let line = strip_recipe_prefixes(line);
        if make || just {
            if let Some(name) = top_level_assignment(line) {
                assigned.push(name);
            }
        }
        if make {
            if let Some(rest) = line
                .strip_prefix("include ")
                .or_else(|| line.strip_prefix("-include "))
                .or_else(|| line.strip_prefix("sinclude "))
            {
                included.extend(rest.split_whitespace().map(PathBuf::from));
            }
        }
        if just {
            if let Some(setting) = line.strip_prefix("set ") {
                let (name, value) = match setting.split_once(":=") {
                    Some((n, v)) => (n.trim(), v.trim().trim_matches(['"', '\''])),
                    None => (setting.trim(), "true"),
                };
                match name {
                    "dotenv-load" if value == "true" => env.loaded.push(PathBuf::from(".env")),
                    "dotenv-filename" | "dotenv-path" if !value.is_empty() => {
                        env.loaded.push(PathBuf::from(value))
                    }
                    "export" if value == "true" => export_all = true,
                    _ => {}
                }
            }
        }
        // A script's own statements, and a recipe line's.
        for command in simple_commands(line) {
            let command: Vec<&str> = command.iter().map(String::as_str).collect();
            match command.as_slice() {
                ["export"] if make => export_all = true,
                ["export", rest @ ..] => {
                    // `export NAME := value` (make, just): the value is no name.
                    for word in rest {
                        if word.starts_with(['=', ':', '?', '+']) {
                            break;
                        }
                        export_word(word, &mut env);
                    }
                }
                ["source" | ".", file] if file.contains("env") => {
                    env.loaded.push(PathBuf::from(file));
                }
                _ => {}
            }
        }
        // A line that writes an env file (`echo "X=${{ secrets.X }}" >> .env`,
        // `cp .env.example .env`) fills what Compose reads with values keywire does not see.
        if writes_env_file(line) {
            env.any_var = true;
        }
        // `export $(grep -v '^#' .env | xargs)`: the words of a file, exported.
        if line.contains("export $(") || line.contains("export `") {
            let file = line
                .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '|' | '`'))
                .find(|w| w.contains(".env") && !w.starts_with('$'));
            match file {
                Some(f) => env.loaded.push(PathBuf::from(f.trim_matches(['"', '\'']))),
                None => env.any_var = true,
            }
        }
    }
    if export_all {
        env.vars.extend(assigned);
        if make {
            env.loaded.extend(included);
        }
    }
    env
}

/// Whether a command line writes a file whose name holds `env` (a redirection's target, or
/// the destination of `cp`, `mv`, `tee`, `ln`).
fn writes_env_file(line: &str) -> bool {
    if let Some(at) = line.rfind('>') {
        let target = line[at + 1..].split_whitespace().next().unwrap_or_default();
        if target.contains("env") && !target.contains("GITHUB_ENV") {
            return true;
        }
    }
    simple_commands(line).iter().any(|c| {
        matches!(
            c.first().map(String::as_str),
            Some("cp" | "mv" | "tee" | "ln")
        ) && c.len() > 1
            && c.last().is_some_and(|w| w.contains(".env"))
    })
}

/// `NAME = v`, `NAME := v`, `NAME ?= v` (make), `NAME := v` (just), `export NAME := v`.
fn top_level_assignment(line: &str) -> Option<String> {
    if line.starts_with([' ', '\t']) {
        return None;
    }
    let line = line.strip_prefix("export ").unwrap_or(line);
    let end = line.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    let (name, rest) = line.split_at(end);
    let rest = rest.trim_start();
    let valid = !name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit());
    (valid
        && ["=", ":=", "?=", "+=", "::="]
            .iter()
            .any(|op| rest.starts_with(op) && !rest.starts_with("=="))
        && !rest.starts_with(":=="))
    .then(|| name.to_string())
}

/// A word after `export`: `X`, `X=v`, `X := v` (make); `$(…)` exports what keywire cannot
/// read.
fn export_word(word: &str, env: &mut ShellEnv) {
    if word.starts_with('$') || word.starts_with('`') {
        env.any_var = true;
        return;
    }
    let name = word
        .split(['=', ':', '?', '+'])
        .next()
        .unwrap_or_default()
        .trim();
    let valid = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        env.vars.push(name.to_string());
    }
}

/// A line's simple commands, as words.
fn simple_commands(line: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = vec![Vec::new()];
    for w in tokenize(line) {
        match w {
            Word::Text(t) => {
                if let Some(last) = out.last_mut() {
                    last.push(t);
                }
            }
            Word::Op => out.push(Vec::new()),
        }
    }
    out.retain(|c| !c.is_empty());
    out
}

/// The Compose runs of one command line, in a shell given `env`.
fn of_line(line: &str, span: Range<usize>, cwd: &Path, env: &ShellEnv, out: &mut Vec<ComposeRun>) {
    if !line.contains("compose") {
        return;
    }
    for_each_command(line, cwd, |command, cwd| {
        let Some(at) = command
            .windows(2)
            .position(|w| w == ["docker", "compose"])
            .map(|i| (i, i + 2))
            .or_else(|| {
                command
                    .iter()
                    .position(|w| *w == "docker-compose")
                    .map(|i| (i, i + 1))
            })
        else {
            return;
        };
        let mut run = ComposeRun {
            span: span.clone(),
            cwd: cwd.to_path_buf(),
            vars: env.vars.clone(),
            any_var: env.any_var,
            loaded: env.loaded.clone(),
            ..ComposeRun::default()
        };
        // What runs it: `X=1 docker compose`, `dotenv run -- docker compose`,
        // `uv run --env-file .env docker compose`, `env X=1 docker compose`.
        for w in &command[..at.0] {
            if let Some((name, _)) = assignment(w) {
                run.vars.push(name.to_string());
            }
        }
        if let Some(runner) = runner_of_command(command, span.clone(), cwd) {
            run.loaded.extend(runner.env_paths());
        }
        options(&command[at.1..], &mut run);
        out.push(run);
    });
}

/// Compose's global options before its subcommand.
fn options(words: &[&str], run: &mut ComposeRun) {
    let mut i = 0;
    while let Some(&w) = words.get(i) {
        let (flag, inline) = match w.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v)),
            _ => (w, None),
        };
        let value = || inline.or_else(|| words.get(i + 1).copied());
        let takes = matches!(
            flag,
            "-f" | "--file"
                | "--env-file"
                | "--project-directory"
                | "-p"
                | "--project-name"
                | "--profile"
                | "--ansi"
                | "--progress"
                | "--parallel"
        );
        match flag {
            "-f" | "--file" => run.files.extend(value().map(PathBuf::from)),
            "--env-file" => run.env_files.extend(value().map(PathBuf::from)),
            "--project-directory" => {
                if let Some(d) = value() {
                    run.cwd = super::normalize(&run.cwd.join(d));
                }
            }
            _ if !w.starts_with('-') => return,
            _ => {}
        }
        i += if takes && inline.is_none() { 2 } else { 1 };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::workflow;

    fn runs(name: &str, text: &str) -> Vec<ComposeRun> {
        of_run_file(&Path::new("/p").join(name), text)
    }

    #[test]
    fn makefile_recipes() {
        let text = "include .env\nexport\nTAG ?= dev\nexport REGION = eu\n\nup:\n\tOPENAI_API_KEY=$$KEY docker compose --env-file deploy/prod.env -f deploy/compose.yaml up -d\n\tcd deploy && docker-compose up\n";
        let r = runs("Makefile", text);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].cwd, Path::new("/p"));
        assert_eq!(r[0].env_files, [PathBuf::from("deploy/prod.env")]);
        assert_eq!(r[0].files, [PathBuf::from("deploy/compose.yaml")]);
        assert!(r[0].vars.contains(&"OPENAI_API_KEY".to_string()));
        assert!(r[0].vars.contains(&"TAG".to_string()));
        assert!(r[0].vars.contains(&"REGION".to_string()));
        assert!(!r[0].vars.contains(&"eu".to_string()));
        assert_eq!(r[0].loaded, [PathBuf::from(".env")]);
        assert_eq!(r[1].cwd, Path::new("/p/deploy"));
        assert!(r[1].files.is_empty());
    }

    #[test]
    fn shell_and_justfile() {
        let r = runs(
            "run.sh",
            "#!/bin/sh\nset -a\n. ./secrets.env\nexport GROQ_API_KEY\ndocker compose up\n",
        );
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].loaded, [PathBuf::from("./secrets.env")]);
        assert_eq!(r[0].vars, ["GROQ_API_KEY"]);
        let r = runs(
            "justfile",
            "set dotenv-load\nset export\nMODEL := \"gpt-4o\"\n\nup:\n    dotenv -f ci.env run -- docker compose up\n",
        );
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].vars, ["MODEL"]);
        assert_eq!(
            r[0].loaded,
            [PathBuf::from(".env"), PathBuf::from("/p/ci.env")]
        );
        assert!(runs("Makefile", "up:\n\tdocker build .\n").is_empty());
        assert!(
            runs(
                "run.sh",
                "export $(cat \"$F\" | xargs)\ndocker compose up\n"
            )[0]
            .any_var
        );
    }

    #[test]
    fn workflow_steps() {
        let text = "on: push\nenv:\n  TAG: v1\njobs:\n  deploy:\n    env:\n      OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\n    steps:\n      - run: echo \"MODEL=gpt-4o\" >> \"$GITHUB_ENV\"\n      - run: docker compose up -d\n        working-directory: deploy\n        env:\n          GROQ_API_KEY: ${{ secrets.GROQ }}\n";
        let wf = workflow::read(text);
        let r = of_workflow(Path::new("/p/.github/workflows/ci.yml"), &wf);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].cwd, Path::new("/p/deploy"));
        for v in ["TAG", "OPENAI_API_KEY", "MODEL", "GROQ_API_KEY"] {
            assert!(r[0].vars.iter().any(|n| n == v), "{v}");
        }
    }

    #[test]
    fn a_script_that_writes_the_env_file_may_give_anything() {
        assert!(runs("run.sh", "cp .env.example .env\ndocker compose up\n")[0].any_var);
        let text = "on: push\njobs:\n  deploy:\n    steps:\n      - run: echo \"OPENAI_API_KEY=${{ secrets.KEY }}\" >> .env\n      - run: docker compose up -d\n";
        let r = of_workflow(
            Path::new("/p/.github/workflows/ci.yml"),
            &workflow::read(text),
        );
        assert!(r[0].any_var);
        assert!(!runs("run.sh", "docker compose up > compose.log\n")[0].any_var);
    }

    #[test]
    fn hostile_lines_do_not_panic() {
        for text in [
            "\tdocker compose -f",
            "\tdocker compose --env-file=",
            "docker-compose --project-directory",
            "export =\nexport $(\ndocker compose",
            "\u{0}compose\\",
        ] {
            runs("Makefile", text);
            runs("run.sh", text);
            runs("justfile", text);
        }
    }
}

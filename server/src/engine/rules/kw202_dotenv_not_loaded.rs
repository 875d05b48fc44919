//! KW202 dotenv-not-loaded: a variable is defined only in a `.env` file, and nothing on the
//! reading module's import chain loads that file.
//!
//! A `.env` file is just a file: Python never reads it by itself. Unless `load_dotenv()` runs
//! (in this module, a module it imports, or a module that imports it), `os.environ["X"]` raises
//! `KeyError` and `os.getenv("X")` returns `None`, and AutoGen reports an invalid API key.
//! Also reported, with its own message, when the only load is `dotenv_values()` (which returns
//! a dict and does not touch `os.environ`), or `config_list_from_dotenv()` without
//! `dotenv_file_path` (which searches from the installed autogen package, not your project).
//! Reads with an explicit default are intentional and not reported. In a notebook it is a hint:
//! Jupyter reads no `.env` file, but VS Code's Jupyter extension loads the workspace's `.env`
//! into the kernel, so the same notebook works there.
//!
//! A tool that loads the `.env` itself counts as loading it for the modules it runs and what
//! they import: `uv run --env-file .env`, `UV_ENV_FILE`, `dotenv run` (python-dotenv's CLI),
//! `just` with `set dotenv-load`, in a `Makefile`, `justfile`, `Procfile`, `pyproject.toml`
//! task table or a shell script at the root (plain `uv run` loads no `.env`), and
//! pytest-dotenv's `env_files` for the tests. When only VS
//! Code loads it (a launch configuration's `envFile`, `python.envFile`), the finding stays and
//! says that runs outside VS Code (a terminal, Docker, CI) do not have the variable.
//!
//! Bad:
//! ```python
//! import os
//! llm_config = {"config_list": [{"model": "gpt-4o", "api_key": os.environ["OPENAI_API_KEY"]}]}
//! ```
//! Good:
//! ```python
//! import os
//! from dotenv import load_dotenv
//!
//! load_dotenv()
//! llm_config = {"config_list": [{"model": "gpt-4o", "api_key": os.environ["OPENAI_API_KEY"]}]}
//! ```
//!
//! Fix (unsafe): add `from dotenv import load_dotenv` after the last top-level import and
//! `load_dotenv()` right after the imports. Loading a .env changes the whole environment the
//! program sees, not only this variable.

use super::helpers::{edits, runners};
use super::PyCtx;
use crate::engine::diagnostic::{Finding, Severity};
use crate::engine::python::LoadKind;
use crate::engine::rules::Rule;

pub(super) fn check(ctx: &PyCtx, out: &mut Vec<Finding>) {
    // Only env reads are judged: a module without one needs no scope (costly to build).
    if ctx.facts.env_reads.is_empty() {
        return;
    }
    if !ctx.scope().env_in_scope || ctx.scope().env_loads().next().is_some() {
        return;
    }
    let notebook = ctx.is_notebook();
    let mut reported: Vec<&str> = Vec::new();
    for read in &ctx.facts.env_reads {
        if read.has_default || reported.contains(&read.name.as_str()) {
            continue;
        }
        let lookup = ctx.scope().lookup(&read.name);
        if lookup.is_defined() || lookup.unknown_load {
            continue;
        }
        let Some(def) = lookup.unloaded.first() else {
            continue;
        };
        reported.push(&read.name);
        let env = ctx.ws.display_path(def.env);
        let values_only = ctx
            .scope()
            .loads
            .iter()
            .find(|l| l.point.kind == LoadKind::DotenvValues);
        let from_package = ctx
            .scope()
            .loads
            .iter()
            .find(|l| l.point.kind == LoadKind::ConfigListFromDotenv);
        let (message, related) = if let Some(l) = from_package {
            (
                format!("{} is defined in {env}, but config_list_from_dotenv() without dotenv_file_path searches from the installed autogen package, not this project", read.name),
                Some((l.module, l.point.span, "config_list_from_dotenv() is called here")),
            )
        } else if let Some(l) = values_only {
            (
                format!("{} is defined in {env}, but dotenv_values() only returns a dict; it does not set os.environ. Call load_dotenv()", read.name),
                Some((l.module, l.point.span, "dotenv_values() is called here")),
            )
        } else if notebook {
            (
                format!("{} is defined in {env}, but nothing in this notebook calls load_dotenv() (or %dotenv): Jupyter does not read .env files, so it is not in os.environ unless the editor loads it (VS Code's Jupyter extension does)", read.name),
                None,
            )
        } else if let Some((file, runner)) = runners::loaded_by_runner(ctx, def.env)
            .into_iter()
            .find(|(_, r)| r.kind.is_editor())
        {
            (
                format!("{} is defined in {env}, which only {} loads: load_dotenv() is never called on this module's import chain, so runs outside VS Code (a terminal, Docker, CI) do not have it in os.environ", read.name, runners::describe(ctx.ws, file, runner)),
                None,
            )
        } else {
            (
                format!("{} is defined in {env}, but load_dotenv() is never called on this module's import chain, so it is not in os.environ", read.name),
                None,
            )
        };
        let mut finding = Finding::new(Rule::KW202, ctx.path, read.span, message)
            .related(
                def.env,
                def.entry.key_span,
                format!("{} is defined here", read.name),
            )
            .fix(edits::load_dotenv_fix(ctx));
        if let Some((path, span, msg)) = related {
            finding = finding.related(path, span, msg);
        } else if notebook {
            finding = finding.severity(Severity::Hint);
        }
        out.push(finding);
    }
}

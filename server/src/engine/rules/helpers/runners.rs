//! Runners that load `.env` files themselves (`engine/runners/`), as rules see them: which
//! load a `.env` for the module being checked, and how a message names them.
//!
//! The question "is this `.env` loaded for this module by a runner, and by which" is
//! [`loaded_by_runner`]. `ModuleScope::lookup` already counts runners that run outside an
//! editor as loading (`Lookup::run_loaded`); a definition only an editor loads stays in
//! `Lookup::unloaded`, and a rule asks here which editor loads it.

use std::path::Path;

use crate::engine::rules::PyCtx;
use crate::engine::runners::{Runner, RunnerKind};
use crate::engine::workspace::Workspace;

/// The runners that load `env` for the checked module, with the file stating each (runners
/// outside an editor first).
pub(crate) fn loaded_by_runner<'a>(ctx: &PyCtx<'a>, env: &Path) -> Vec<(&'a Path, &'a Runner)> {
    crate::engine::resolve::runners_loading(ctx.ws, ctx.path, env)
}

/// How a message names a runner: what it is and the file stating it, e.g.
/// "VS Code's envFile (.vscode/launch.json)".
pub(crate) fn describe(ws: &Workspace, file: &Path, runner: &Runner) -> String {
    let name = match runner.kind {
        RunnerKind::VsCodeLaunch => "VS Code's envFile",
        RunnerKind::VsCodeSettings => "VS Code's python.envFile",
        kind => kind.describe(),
    };
    format!("{name} ({})", ws.display_path(file))
}

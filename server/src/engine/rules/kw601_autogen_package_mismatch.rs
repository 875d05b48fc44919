//! KW601 autogen-package-mismatch: the code imports an AutoGen package that the project's
//! AutoGen distribution does not install.
//!
//! Four distributions install the import name `autogen`, and not in every version:
//! `pyautogen` up to 0.9 (0.10 is an empty package that pulls in `autogen-agentchat`), `ag2`
//! before 1.0 (1.x installs `ag2` only), `autogen` (AG2 classic), and `autogen-agentchat` 0.2.x
//! (0.4 and later install `autogen_agentchat`). `autogen.LLMConfig` exists from AG2 0.8 on. So
//! `from autogen import AssistantAgent` with `autogen-agentchat` or an unpinned `pyautogen` or
//! `ag2` in `requirements.txt` fails with `ModuleNotFoundError` on a fresh install, and
//! `from autogen_agentchat.agents import …` with `pyautogen==0.2.35` fails the same way.
//!
//! keywire reads the module's environment: the manifests and lock files of the nearest folder
//! above it that has any, and its virtualenv's `*.dist-info` (never by running Python). A
//! declaration counts as the newest release it admits (what a fresh install gets). The import
//! is reported only when every source that names an AutoGen distribution (installed, locked,
//! declared) lacks it; when they disagree, KW603 reports that instead. A notebook that installs
//! its AutoGen itself (`%pip install ag2[openai]`, `!pip install …`) is judged against what that
//! installs. Imports inside `try:`, and packages whose source is in the workspace, are left
//! alone.
//!
//! Fix (unsafe: it changes what gets installed): when one requirement line names the project's
//! AutoGen, rewrite it to the versions of the same distribution that install the import (for
//! example `autogen-agentchat~=0.2`, `pyautogen<0.10`, `ag2<1`). The code is never rewritten:
//! AutoGen's generations are different APIs, not renamed modules.
//!
//! Bad (`requirements.txt`: `autogen-agentchat`):
//! ```python
//! from autogen import AssistantAgent
//! ```
//! Good (`requirements.txt`: `autogen-agentchat~=0.2`): the same code.

use super::helpers::packages::{
    describe_view, environment, guarded, local_package, provides, top_level,
};
use super::PyCtx;
use crate::engine::diagnostic::{Edit, Finding, Fix};
use crate::engine::packages::{self, data, read, Requirement, Source, View};
use crate::engine::rules::Rule;

pub(super) fn check(ctx: &PyCtx, out: &mut Vec<Finding>) {
    let mut seen: Vec<&str> = Vec::new();
    let mut imports = Vec::new();
    for import in &ctx.facts.imports {
        let Some(top) = top_level(import) else {
            continue;
        };
        let Some(&top) = data::AUTOGEN_IMPORTS.iter().find(|t| **t == top) else {
            continue;
        };
        let needs_llm = top == "autogen" && import.names.iter().any(|n| n == "LLMConfig");
        if seen.contains(&top) && !needs_llm {
            continue;
        }
        if guarded(ctx.text, import.span.start) {
            continue;
        }
        seen.push(top);
        imports.push((top, needs_llm, import));
    }
    if imports.is_empty() {
        return;
    }
    let ws = ctx.beyond();
    let env = environment(ws, ctx.path);
    // A notebook that installs its AutoGen itself (`%pip install ag2[openai]`) runs with that.
    let installs: Vec<Requirement> = ctx
        .facts
        .pip_installs
        .iter()
        .filter_map(|r| read::requirement_text(r))
        .collect();
    let own_view = notebook_view(&installs);
    let views = match own_view {
        Some(view) => vec![view],
        None => env.views(data::AUTOGEN_DISTS),
    };
    if views.is_empty() {
        return;
    }
    let from_notebook = !installs.is_empty() && views[0].dists.iter().all(|(_, _, d)| d.is_none());
    let own: Vec<&str> = env.own_names().collect();
    let mut reported: Vec<&str> = Vec::new();
    for (top, needs_llm, import) in imports {
        if reported.contains(&top) || views.iter().any(|v| provides(v, top, needs_llm)) {
            continue;
        }
        let own_provides = own.iter().any(|name| {
            packages::releases_of(name)
                .first()
                .and_then(|v| packages::line_of(name, v))
                .is_some_and(|l| l.imports.contains(&top))
        });
        if own_provides || local_package(ws, top) {
            continue;
        }
        reported.push(top);
        let top_missing = !views.iter().any(|v| provides(v, top, false));
        let what = if needs_llm && !top_missing {
            "`autogen.LLMConfig` (AG2 0.8 and later)".to_string()
        } else {
            format!("`{top}`")
        };
        let why = if from_notebook {
            let got: Vec<String> = views[0]
                .dists
                .iter()
                .map(|(d, v, _)| format!("{d} {v}"))
                .collect();
            format!("this notebook's `pip install` gets {}", got.join(", "))
        } else {
            describe_view(ws, &env, &views[0])
        };
        let mut finding = Finding::new(
            Rule::KW601,
            ctx.path,
            import.span,
            format!("this project's AutoGen does not install {what}: {why}; the import fails with ModuleNotFoundError"),
        );
        for view in &views {
            for (_, _, decl) in &view.dists {
                if let Some((path, r)) = decl {
                    finding = finding.related(*path, r.span, "declared here");
                }
            }
        }
        if let Some(fix) = repair(&views, top, needs_llm) {
            finding = finding.fix(fix);
        }
        out.push(finding);
    }
}

/// Rewrite the one AutoGen requirement to versions of its distribution that install `top`.
fn repair(views: &[View], top: &str, needs_llm: bool) -> Option<Fix> {
    // Only when nothing installed or locked overrides what the manifest says.
    let [view] = views else {
        return None;
    };
    if view.source != Source::Declared {
        return None;
    }
    let [(dist, _, Some((path, req)))] = view.dists.as_slice() else {
        return None;
    };
    let (_, _, _, spec) = data::REPAIRS
        .iter()
        .find(|(d, t, llm, _)| d == dist && *t == top && *llm == needs_llm)
        .or_else(|| {
            data::REPAIRS
                .iter()
                .find(|(d, t, llm, _)| d == dist && *t == top && *llm && needs_llm)
        })?;
    let new_text = req.rewritten(spec);
    Some(Fix {
        title: format!("Require {dist}{spec} (installs `{top}`)"),
        edits: vec![Edit {
            path: path.to_path_buf(),
            span: req.span,
            new_text,
            create: false,
        }],
        safe: false,
        sensitive: false,
    })
}

/// The AutoGen distributions a notebook installs itself, as a fresh install gets them.
fn notebook_view(installs: &[Requirement]) -> Option<View<'static>> {
    let mut dists = Vec::new();
    for dist in data::AUTOGEN_DISTS {
        let reqs: Vec<&Requirement> = installs.iter().filter(|r| r.name == *dist).collect();
        if reqs.is_empty() {
            continue;
        }
        if let Some(v) = packages::newest_admitted(dist, reqs.iter().copied()) {
            dists.push((dist.to_string(), v, None));
        }
    }
    (!dists.is_empty()).then_some(View {
        source: Source::Declared,
        dists,
    })
}

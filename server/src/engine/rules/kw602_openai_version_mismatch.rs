//! KW602 openai-version-mismatch: the project pins `openai` below 1.0 while its AutoGen or its
//! code needs openai 1.x.
//!
//! openai 1.0 replaced the module-level API (`openai.api_base`, `openai.ChatCompletion`) with
//! client objects (`OpenAI(base_url=…)`). AutoGen 0.2 and later (`pyautogen>=0.2`,
//! `autogen-agentchat` 0.2.x: `Requires-Dist: openai>=1.3`) build those clients, so with
//! `openai<1` pinned the install fails to resolve or AutoGen fails at import; and a config entry
//! with `base_url`, or `from openai import OpenAI`, needs openai 1.x whatever AutoGen is there
//! (openai 0.x reads `api_base` and has no `OpenAI` class). keywire reads the `openai` the
//! manifest admits (a fresh install gets its newest admitted release) and reports at that line,
//! with the AutoGen requirement or the code that needs 1.x as related locations (test code's
//! config entries do not count unless `tests = "all"`: tests mock the client).
//!
//! The opposite case, openai-0.x names (`api_base`) with openai 1.x, is KW102's; where the
//! project really has openai < 1 (and an AutoGen 0.1 that wants it), KW102 leaves those names
//! alone.
//!
//! When no manifest names `openai` but the project's virtualenv has openai < 1, the finding is
//! in the code instead: at the first line of each module that needs openai 1.x (no fix: the
//! message names the upgrade command).
//!
//! Fix (unsafe: it changes what gets installed): when the project's AutoGen needs openai 1.x,
//! require the `openai` it declares (`openai>=1.3`).
//!
//! Bad (`requirements.txt`):
//! ```text
//! pyautogen==0.2.35
//! openai==0.28.1
//! ```
//! Good:
//! ```text
//! pyautogen==0.2.35
//! openai>=1.3
//! ```

use std::path::{Path, PathBuf};
use std::str::FromStr;

use pep440_rs::{Version, VersionSpecifiers};

use super::helpers::packages::environment;
use super::PyCtx;
use crate::engine::diagnostic::{Edit, Finding, Fix};
use crate::engine::packages::{self, data, Manifest};
use crate::engine::providers::Generation;
use crate::engine::rules::Rule;
use crate::engine::text::Span;
use crate::engine::workspace::Workspace;

/// `openai` 1.x classes (`from openai import OpenAI`).
const V1_CLASSES: &[&str] = &["OpenAI", "AsyncOpenAI", "AzureOpenAI", "AsyncAzureOpenAI"];

pub(crate) fn check(ws: &Workspace, path: &Path, manifest: &Manifest, out: &mut Vec<Finding>) {
    let Some(req) = manifest
        .requirements
        .iter()
        .find(|r| r.name == data::OPENAI)
    else {
        return;
    };
    let env = environment(ws, path);
    let declared = env.declared(data::OPENAI);
    let Some(openai) = packages::newest_admitted(data::OPENAI, declared.iter().map(|(_, r)| *r))
    else {
        return;
    };
    if openai >= Version::new([1]) {
        return;
    }
    // AutoGen releases declared beside it that require openai 1.x.
    let mut needs: Vec<(PathBuf, Span, String)> = Vec::new();
    let mut autogen_spec = None;
    for dist in data::AUTOGEN_DISTS {
        let reqs = env.declared(dist);
        let Some(v) = packages::newest_admitted(dist, reqs.iter().map(|(_, r)| *r)) else {
            continue;
        };
        let Some(spec) = packages::line_of(dist, &v).and_then(|l| l.openai) else {
            continue;
        };
        if VersionSpecifiers::from_str(spec).is_ok_and(|s| !s.contains(&openai)) {
            if let Some((p, r)) = reqs.first() {
                needs.push((
                    p.to_path_buf(),
                    r.span,
                    format!("{dist} {v} requires openai{spec}"),
                ));
                autogen_spec.get_or_insert(spec);
            }
        }
    }
    // Code of this folder that needs openai 1.x.
    let code = code_needing_v1(ws, &env.dir);
    if needs.is_empty() && code.is_empty() {
        return;
    }
    let why = needs
        .iter()
        .map(|(_, _, w)| w.clone())
        .chain(code.iter().take(1).map(|(_, _, w)| w.clone()))
        .collect::<Vec<_>>()
        .join("; ");
    let mut finding = Finding::new(
        Rule::KW602,
        path,
        req.span,
        format!(
            "`openai{}` gives openai {openai} (before 1.0), but {why}",
            req.spec_text()
        ),
    );
    for (p, span, w) in needs.iter().chain(code.iter().take(3)) {
        finding = finding.related(p.clone(), *span, w.clone());
    }
    if let Some(spec) = autogen_spec {
        finding = finding.fix(Fix {
            title: format!("Require openai{spec}"),
            edits: vec![Edit {
                path: path.to_path_buf(),
                span: req.span,
                new_text: req.rewritten(spec),
                create: false,
            }],
            safe: false,
            sensitive: false,
        });
    }
    out.push(finding);
}

/// Config entries with `base_url` and imports of openai 1.x classes, in modules under `dir`
/// (test code's configurations left out: `Workspace::reads_configs_of`).
fn code_needing_v1(ws: &Workspace, dir: &Path) -> Vec<(PathBuf, Span, String)> {
    let mut modules: Vec<_> = ws
        .python_modules()
        .filter(|(p, _)| p.starts_with(dir))
        .collect();
    modules.sort_by(|a, b| a.0.cmp(b.0));
    let reads_configs_of = ws.reads_configs_of();
    modules
        .into_iter()
        .flat_map(|(p, m)| {
            module_needing_v1(&m.facts, reads_configs_of(p))
                .into_iter()
                .map(move |(span, why)| (p.clone(), span, why))
        })
        .collect()
}

/// The virtualenv has openai < 1 and no manifest names openai: the module's first line that
/// needs openai 1.x.
pub(crate) fn check_module(ctx: &PyCtx, out: &mut Vec<Finding>) {
    if ctx.config_list.is_some() {
        return;
    }
    let needs = module_needing_v1(ctx.facts, ctx.ws.reads_configs_of()(ctx.path));
    let Some((span, why)) = needs.into_iter().min_by_key(|(s, _)| s.start) else {
        return;
    };
    let ws = ctx.beyond();
    if ws.packages().is_empty() {
        return;
    }
    let env = environment(ws, ctx.path);
    let Some(installed) = env.installed else {
        return;
    };
    let Some(openai) = installed.dists.get(data::OPENAI) else {
        return;
    };
    if openai.version >= Version::new([1]) || !env.declared(data::OPENAI).is_empty() {
        return;
    }
    let venv = ws.display_path(&installed.root);
    out.push(
        Finding::new(
            Rule::KW602,
            ctx.path,
            span,
            format!(
                "{venv} has openai {} (before 1.0) and no manifest asks for another, but {why}; run `pip install -U \"openai>=1\"` in it",
                openai.version
            ),
        )
        .related(
            openai.metadata.clone(),
            Span::new(0, 0),
            format!("openai {} is installed here", openai.version),
        ),
    );
}

/// Lines of one module that need openai 1.x, with why.
fn module_needing_v1(facts: &crate::engine::python::PyFacts, configs: bool) -> Vec<(Span, String)> {
    let mut out = Vec::new();
    for e in facts.entries.iter().filter(|_| configs) {
        if e.generation == Generation::V02 {
            if let Some(f) = e.field("base_url") {
                out.push((
                    f.key_span,
                    "this entry sets `base_url`, which openai 0.x does not read (it reads `api_base`)".to_string(),
                ));
            }
        }
    }
    for i in &facts.imports {
        if i.level == 0 && i.module == "openai" {
            if let Some(name) = i.names.iter().find(|n| V1_CLASSES.contains(&n.as_str())) {
                out.push((
                    i.span,
                    format!("this module imports `{name}`, which openai 0.x does not have"),
                ));
            }
        }
    }
    out
}

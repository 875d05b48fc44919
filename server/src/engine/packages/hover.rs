//! The hover text of an AutoGen or `openai` import: what the project declares, locks and has
//! installed of the distributions that provide it, and which AutoGen API the import is. The
//! language server only calls it.

use std::fmt::Write;
use std::path::Path;

use super::{data, line_of, provided_imports, Source};
use crate::engine::workspace::Workspace;

/// Markdown for the import at `offset` of the module at `path`, if it is one keywire judges.
pub fn import_hover(ws: &Workspace, path: &Path, offset: usize) -> Option<String> {
    let facts = &ws.python_module(path)?.facts;
    let import = facts
        .imports
        .iter()
        .find(|i| i.span.start <= offset && offset <= i.span.end && i.level == 0)?;
    let top = import.module.split('.').next()?;
    let (api, dists): (&str, Vec<&str>) = match top {
        "openai" => ("openai", vec![data::OPENAI]),
        "autogen" => (
            "AutoGen 0.2 / AG2 0.x (`autogen`)",
            data::AUTOGEN_DISTS.to_vec(),
        ),
        "ag2" => ("AG2 1.x (`ag2`)", data::AUTOGEN_DISTS.to_vec()),
        "autogen_agentchat" | "autogen_ext" | "autogen_core" => {
            ("AutoGen 0.4+", data::AUTOGEN_DISTS.to_vec())
        }
        _ => return None,
    };
    let env = ws.packages().environment(&ws.root, path);
    let views = env.views(&dists);
    let mut out = format!("**`{top}`** · {api}\n\n");
    if views.is_empty() {
        out.push_str("No manifest, lock file or virtualenv of this project names the distribution that provides it.\n");
        return Some(out);
    }
    let rel = |p: &Path| ws.display_path(p);
    for view in &views {
        let label = match view.source {
            Source::Installed => format!(
                "Installed ({})",
                env.installed.map(|i| rel(&i.root)).unwrap_or_default()
            ),
            Source::Locked => format!(
                "Locked ({})",
                env.locks.first().map(|(p, _)| rel(p)).unwrap_or_default()
            ),
            Source::Declared => "Declared".to_string(),
        };
        let _ = writeln!(out, "{label}:");
        for (dist, version, decl) in &view.dists {
            let what = line_of(dist, version)
                .map(|l| l.api.describe())
                .unwrap_or("unknown release");
            match (view.source, decl) {
                (Source::Declared, Some((p, r))) => {
                    let spec = r.spec_text();
                    let spec = if spec.is_empty() {
                        "any version".into()
                    } else {
                        spec
                    };
                    let _ = writeln!(
                        out,
                        "- `{dist}` {spec} in `{}` (a fresh install gets {version}: {what})",
                        rel(p)
                    );
                }
                _ => {
                    let _ = writeln!(out, "- `{dist}` {version} ({what})");
                }
            }
        }
        let provides = top == "openai" || provided_imports(view).contains(&top);
        if !provides {
            let _ = writeln!(out, "\nThese do not install `{top}`.");
        }
        out.push('\n');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::Config;
    use std::path::PathBuf;

    #[test]
    fn says_what_is_declared_installed_and_whether_it_provides_the_import() {
        let mut ws = Workspace::new("/p", Config::default());
        let text = "from autogen import AssistantAgent\nimport os\n";
        ws.set_python(PathBuf::from("/p/app.py"), text);
        ws.set_manifest(
            PathBuf::from("/p/requirements.txt"),
            "autogen-agentchat\nopenai>=1\n",
        );
        let mut venv = crate::engine::packages::Installed::new(PathBuf::from("/p/.venv"));
        venv.add_file(
            Path::new("autogen_agentchat-0.2.40.dist-info/METADATA"),
            Path::new(
                "/p/.venv/lib/python3.11/site-packages/autogen_agentchat-0.2.40.dist-info/METADATA",
            ),
            "Name: autogen-agentchat\nVersion: 0.2.40\n\n",
        );
        ws.set_installed(vec![venv]);
        let hover = import_hover(&ws, Path::new("/p/app.py"), 5).unwrap();
        assert!(hover.starts_with("**`autogen`** · AutoGen 0.2"), "{hover}");
        assert!(
            hover.contains("Installed (.venv):\n- `autogen-agentchat` 0.2.40 (AutoGen 0.2)"),
            "{hover}"
        );
        let newest = &crate::engine::packages::releases_of("autogen-agentchat")[0];
        let declared = format!("- `autogen-agentchat` any version in `requirements.txt` (a fresh install gets {newest}: AutoGen 0.4+)\n\nThese do not install `autogen`.");
        assert!(hover.contains(&declared), "{hover}");
        // Not on an import keywire judges.
        assert_eq!(import_hover(&ws, Path::new("/p/app.py"), 38), None);
    }
}

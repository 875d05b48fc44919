//! Hover text for a compose file's `environment:` entry: where the container's value comes
//! from (described, never shown) and which modules of the project read the variable. Pure:
//! the workspace and a position in, Markdown out.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use super::compose::{EnvEntry, Service};
use super::compose_env::{self, RefForm};
use super::secrets;
use super::text::LineIndex;
use super::workspace::{DeployFacts, Workspace};

/// The hover text for the `environment:` entry at byte `offset` of the compose file at `path`,
/// if the cursor is on one.
pub fn hover(ws: &Workspace, path: &Path, offset: usize) -> Option<String> {
    let file = ws.deploy_file(path)?;
    let DeployFacts::Compose(compose) = &file.facts else {
        return None;
    };
    let (service, entry) = compose.services.iter().find_map(|s| {
        let env = s.environment.as_ref()?;
        let e = env
            .entries
            .iter()
            .find(|e| e.span.start <= offset && offset <= e.span.end)?;
        Some((s, e))
    })?;
    Some(render(ws, path, service, entry))
}

fn render(ws: &Workspace, path: &Path, service: &Service, entry: &EnvEntry) -> String {
    let name = &entry.name;
    let mut out = format!(
        "**`{name}`** · environment of service `{}`\n\n",
        service.name
    );
    let dotenv_path = path.parent().map(|d| d.join(".env"));
    let dotenv = dotenv_path
        .as_ref()
        .and_then(|p| Some((p, ws.env_file(p)?)))
        .map(|(p, f)| (p.clone(), f.text.clone(), compose_env::parse(&f.text)));
    let shown_env = dotenv_path
        .as_ref()
        .map_or_else(|| ".env".to_string(), |p| ws.display_path(p));
    match &entry.value {
        None => {
            let _ = writeln!(
                out,
                "Value: taken from the shell that runs Compose (`- {name}` / `{name}:` passes it on as it is there)."
            );
        }
        Some(raw) => {
            let refs = compose_env::references(raw);
            if refs.is_empty() {
                let _ = writeln!(
                    out,
                    "Value: written in the compose file, {}.",
                    secrets::describe(&raw.replace("$$", "$"))
                );
            }
            for r in &refs {
                let from_env = dotenv
                    .as_ref()
                    .and_then(|(p, text, env)| Some((p, text, env.entry(&r.name)?)));
                match from_env {
                    Some((p, text, e)) => {
                        let line = LineIndex::new(text).line_of(e.name_span.start) + 1;
                        let _ = writeln!(
                            out,
                            "- `{}`: from {}:{line}, {}",
                            r.name,
                            ws.display_path(p),
                            secrets::describe(&e.value)
                        );
                    }
                    None => {
                        let fallback = match &r.form {
                            RefForm::Default { .. } => "its default in the compose file",
                            RefForm::Required { .. } => "nothing: Compose stops with its error",
                            RefForm::Alternative => "an empty string",
                            RefForm::Plain => "an empty string",
                        };
                        let _ = writeln!(
                            out,
                            "- `{}`: not in {shown_env}; from the shell that runs Compose, else {fallback}",
                            r.name
                        );
                    }
                }
            }
        }
    }
    let mut readers: Vec<(&PathBuf, usize)> = ws
        .python_modules()
        .filter_map(|(p, m)| {
            let read = m.facts.env_reads.iter().find(|r| &r.name == name)?;
            Some((p, read.span.start))
        })
        .collect();
    readers.sort();
    if readers.is_empty() {
        let _ = write!(out, "\nNo module of the project reads `{name}`.");
    } else {
        let _ = writeln!(out, "\nRead by:");
        for (p, _) in readers.iter().take(10) {
            let _ = writeln!(out, "- {}", ws.display_path(p));
        }
        if readers.len() > 10 {
            let _ = writeln!(out, "- and {} more", readers.len() - 10);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::Config;

    #[test]
    fn describes_the_source_and_the_readers_never_the_value() {
        let key = "sk-proj-Zx81hQmPq7Lr2Vn5Ws9Tb3Kc6Yd0Fe4GjT3BlbkFJa1";
        let mut ws = Workspace::new("/p", Config::default());
        let compose = "services:\n  app:\n    environment:\n      OPENAI_API_KEY: ${OPENAI_API_KEY}\n      - X\n";
        let compose = compose.replace("      - X\n", "      MODE:\n      TAG: ${TAG:-1}\n");
        ws.set_deploy("/p/compose.yaml".into(), &compose);
        ws.set_env(
            "/p/.env".into(),
            &format!("OPENAI_API_KEY={key}\n"),
            Default::default(),
        );
        ws.set_python(
            "/p/app/main.py".into(),
            "import os\nk = os.environ['OPENAI_API_KEY']\n",
        );
        let at = compose.find("OPENAI_API_KEY:").unwrap() + 3;
        let text = hover(&ws, Path::new("/p/compose.yaml"), at).unwrap();
        assert!(text.contains("from .env:1"), "{text}");
        assert!(text.contains("app/main.py"), "{text}");
        assert!(!text.contains(&key[10..30]), "{text}");
        let at = compose.find("MODE").unwrap();
        let text = hover(&ws, Path::new("/p/compose.yaml"), at).unwrap();
        assert!(text.contains("from the shell"), "{text}");
        let at = compose.find("TAG").unwrap();
        let text = hover(&ws, Path::new("/p/compose.yaml"), at).unwrap();
        assert!(text.contains("its default"), "{text}");
        assert!(hover(&ws, Path::new("/p/compose.yaml"), 0).is_none());
    }
}

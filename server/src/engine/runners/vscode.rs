//! VS Code's files: `.vscode/launch.json` (Python launch configurations' `envFile`) and
//! `.vscode/settings.json` (`python.envFile`). Both are JSON with comments and trailing commas
//! (JSONC); [`strip_jsonc`] blanks those out, byte for byte, so that `engine::json` reads the
//! rest with spans into the original text.

use std::path::{Path, PathBuf};

use super::{Entry, Runner, RunnerKind};
use crate::engine::json::{self, Json};

/// The Python extension's default for both `envFile` and `python.envFile`.
const DEFAULT_ENV_FILE: &str = "${workspaceFolder}/.env";

/// JSONC to JSON of the same length: comments (`//…`, `/*…*/`) and commas before `}` or `]`
/// become spaces (line breaks in block comments stay), strings are left alone.
pub(super) fn strip_jsonc(text: &str) -> String {
    let mut b = text.as_bytes().to_vec();
    if b.starts_with("\u{feff}".as_bytes()) {
        b[..3].fill(b' ');
    }
    let mut i = 0;
    let mut in_string = false;
    while i < b.len() {
        let c = b[i];
        if in_string {
            match c {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        match (c, b.get(i + 1)) {
            (b'"', _) => in_string = true,
            (b'/', Some(b'/')) => {
                while i < b.len() && b[i] != b'\n' {
                    b[i] = b' ';
                    i += 1;
                }
                continue;
            }
            (b'/', Some(b'*')) => {
                let end = b[i + 2..]
                    .windows(2)
                    .position(|w| w == b"*/")
                    .map_or(b.len(), |p| i + 2 + p + 2);
                for byte in &mut b[i..end] {
                    if !matches!(*byte, b'\n' | b'\r') {
                        *byte = b' ';
                    }
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    // Trailing commas, now that comments are spaces.
    let mut in_string = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if in_string {
            match c {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
        } else if c == b'"' {
            in_string = true;
        } else if c == b',' {
            let next = b[i + 1..].iter().find(|c| !c.is_ascii_whitespace());
            if matches!(next, Some(b'}' | b']')) {
                b[i] = b' ';
            }
        }
        i += 1;
    }
    // Only ASCII bytes were replaced, by ASCII: still UTF-8.
    String::from_utf8(b).unwrap_or_default()
}

fn parse(text: &str) -> Option<Json> {
    json::parse(&strip_jsonc(text)).ok()
}

/// `${workspaceFolder}` (and the old `${workspaceRoot}`) replaced; None when another variable
/// remains (keywire cannot know its value).
fn substitute(value: &str, folder: &Path) -> Option<PathBuf> {
    let folder = folder.to_string_lossy();
    let s = value
        .replace("${workspaceFolder}", &folder)
        .replace("${workspaceRoot}", &folder);
    (!s.contains("${")).then(|| PathBuf::from(s))
}

/// Python launch configurations (`"type": "debugpy"` or `"python"`): each loads its `envFile`
/// (by default the folder's `.env`) for its `program` or `module`.
pub(super) fn launch(text: &str, folder: &Path) -> Vec<Runner> {
    let Some(root) = parse(text) else {
        return Vec::new();
    };
    let Some(configs) = root.get("configurations").and_then(|m| m.value.items()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for config in configs {
        let field = |k: &str| config.get(k).and_then(|m| m.value.as_str());
        if !matches!(field("type"), Some("debugpy" | "python")) {
            continue;
        }
        let env_file = field("envFile").unwrap_or(DEFAULT_ENV_FILE);
        let Some(env_file) = substitute(env_file, folder) else {
            continue;
        };
        let cwd = field("cwd")
            .and_then(|c| substitute(c, folder))
            .unwrap_or_else(|| folder.to_path_buf());
        let runs = if let Some(module) = field("module") {
            vec![Entry::Module(module.to_string())]
        } else if let Some(program) = field("program").and_then(|p| substitute(p, folder)) {
            vec![Entry::Script(program)]
        } else {
            vec![Entry::Any]
        };
        let span = config
            .get("envFile")
            .map_or(config.span.clone(), |m| m.key_span.start..m.value.span.end);
        out.push(Runner {
            kind: RunnerKind::VsCodeLaunch,
            span,
            cwd,
            env_files: vec![env_file],
            runs,
        });
    }
    out
}

/// `python.envFile` (by default the folder's `.env`), for whatever the extension runs.
pub(super) fn settings(text: &str, folder: &Path) -> Vec<Runner> {
    let Some(root) = parse(text) else {
        return Vec::new();
    };
    if root.members().is_none() {
        return Vec::new();
    }
    let member = root.get("python.envFile");
    let env_file = member
        .and_then(|m| m.value.as_str())
        .unwrap_or(DEFAULT_ENV_FILE);
    let Some(env_file) = substitute(env_file, folder) else {
        return Vec::new();
    };
    let span = member.map_or(0..0, |m| m.key_span.start..m.value.span.end);
    vec![Runner {
        kind: RunnerKind::VsCodeSettings,
        span,
        cwd: folder.to_path_buf(),
        env_files: vec![env_file],
        runs: vec![Entry::Any],
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonc_comments_and_trailing_commas() {
        let text = "{\n  // a comment with \"quotes\"\n  \"a\": \"http://x/*y*/\", /* block\n */\n  \"b\": [1, 2,],\n}\n";
        let stripped = strip_jsonc(text);
        assert_eq!(stripped.len(), text.len());
        let v = json::parse(&stripped).unwrap();
        assert_eq!(v.get("a").unwrap().value.as_str(), Some("http://x/*y*/"));
        assert_eq!(
            &text[v.get("a").unwrap().value.span.clone()],
            "\"http://x/*y*/\""
        );
        assert_eq!(v.get("b").unwrap().value.items().unwrap().len(), 2);
        // Unterminated comment and string: no panic.
        for bad in ["/*", "\"abc", "{\"a\": \"\\", "//", ",", "\u{e9}/*\u{e9}*/"] {
            let _ = strip_jsonc(bad);
            let _ = launch(bad, Path::new("/p"));
            let _ = settings(bad, Path::new("/p"));
        }
    }

    #[test]
    fn launch_configurations() {
        let text = r#"{
  "version": "0.2.0",
  "configurations": [
    {
      // comment
      "name": "App",
      "type": "debugpy",
      "request": "launch",
      "program": "${workspaceFolder}/app.py",
      "envFile": "${workspaceFolder}/.env",
    },
    { "name": "API", "type": "debugpy", "request": "launch", "module": "api.main" },
    { "name": "Current", "type": "python", "request": "launch", "program": "${file}" },
    { "name": "Node", "type": "node", "request": "launch", "program": "x.js" },
    { "name": "Odd", "type": "debugpy", "envFile": "${env:HOME}/.env" },
  ],
}"#;
        let runners = launch(text, Path::new("/p"));
        let runs: Vec<_> = runners.iter().map(|r| r.runs.clone()).collect();
        assert_eq!(
            runs,
            vec![
                vec![Entry::Script(PathBuf::from("/p/app.py"))],
                vec![Entry::Module("api.main".into())],
                vec![Entry::Any],
            ]
        );
        assert!(runners
            .iter()
            .all(|r| r.env_paths().collect::<Vec<_>>() == vec![PathBuf::from("/p/.env")]));
        assert!(runners.iter().all(|r| r.kind == RunnerKind::VsCodeLaunch));
        assert_eq!(
            &text[runners[0].span.clone()],
            "\"envFile\": \"${workspaceFolder}/.env\""
        );
    }

    #[test]
    fn settings_env_file() {
        let runners = settings(
            "{ \"python.envFile\": \"${workspaceFolder}/dev.env\", }",
            Path::new("/p"),
        );
        assert_eq!(runners.len(), 1);
        assert_eq!(
            runners[0].env_paths().collect::<Vec<_>>(),
            vec![PathBuf::from("/p/dev.env")]
        );
        let runners = settings("{ \"editor.tabSize\": 4 }", Path::new("/p"));
        assert_eq!(
            runners[0].env_paths().collect::<Vec<_>>(),
            vec![PathBuf::from("/p/.env")]
        );
        assert!(settings("[]", Path::new("/p")).is_empty());
    }

    #[test]
    fn huge_launch_json_is_fine() {
        let mut text = String::from("{\"configurations\": [");
        for _ in 0..20_000 {
            text.push_str("{\"type\": \"debugpy\", \"program\": \"${file}\"}, // x\n");
        }
        text.push_str("]}");
        assert_eq!(launch(&text, Path::new("/p")).len(), 20_000);
        let deep = "[".repeat(100_000);
        assert!(launch(&deep, Path::new("/p")).is_empty());
    }
}

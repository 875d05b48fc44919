//! The `manifests` fuzz target: dependency manifests, lock files and dist-info metadata.

use std::path::PathBuf;

use keywire::engine::packages::{self, LockKind, ManifestKind};
use keywire::engine::workspace::GitStatus;

use super::{apply_fix, check, Files, ROOT};
use crate::paths::text;

/// Each manifest and lock name the project layer reads.
const NAMES: &[&str] = &[
    "/ws/requirements.txt",
    "/ws/pyproject.toml",
    "/ws/Pipfile",
    "/ws/setup.cfg",
    "/ws/environment.yml",
    "/ws/uv.lock",
    "/ws/poetry.lock",
    "/ws/Pipfile.lock",
    "/ws/pdm.lock",
];

const CODE: &str = "import os\nfrom autogen import AssistantAgent\nfrom openai import OpenAI\n\
config_list = [{\"model\": \"gpt-4o\", \"api_key\": os.environ[\"OPENAI_API_KEY\"], \"base_url\": \"https://api.openai.com/v1\"}]\n\
a = AssistantAgent(\"a\", llm_config={\"config_list\": config_list})\n";

/// The same bytes as every manifest and lock kind and as METADATA: the readers never panic,
/// a requirement's span holds its text, and a small project with that file checks (spans in
/// bounds) with every fix applied and re-checked.
pub fn manifests(data: &[u8]) {
    let text = text(data);
    for kind in [
        ManifestKind::Requirements,
        ManifestKind::Pyproject,
        ManifestKind::Pipfile,
        ManifestKind::SetupCfg,
        ManifestKind::CondaEnv,
    ] {
        let m = packages::read::manifest(kind, &text);
        for r in &m.requirements {
            assert!(r.span.start <= r.span.end && text.get(r.span.start..r.span.end).is_some());
        }
    }
    for kind in [
        LockKind::Uv,
        LockKind::Poetry,
        LockKind::Pipenv,
        LockKind::Pdm,
    ] {
        let _ = packages::read::lock(kind, &text);
    }
    // A lock file read line by line gives what the TOML parser gives, whenever both read it.
    if let (Some(fast), Ok(toml)) = (
        packages::read::generated_lock_versions(&text),
        packages::read::toml_lock_versions(&text),
    ) {
        assert_eq!(fast, toml, "lock file read line by line differs");
    }
    let _ = packages::read::metadata(&text);
    let _ = packages::model_info::read(&text);
    let git = GitStatus::NotIgnored {
        repo_root: PathBuf::from(ROOT),
    };
    for name in NAMES {
        let files = Files::new(&[(name, &text), ("/ws/app.py", CODE)]);
        let findings = check(&files, &git);
        for fx in findings.iter().flat_map(|f| f.fixes.iter()).take(8) {
            if let Ok(fixed) = apply_fix(&files, fx) {
                check(&fixed, &git);
            }
        }
    }
}

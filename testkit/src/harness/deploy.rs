//! The `yaml` target: YAML text → the positioned tree (spans in bounds, on character
//! boundaries, nested in their parents), a compose file's facts, and every compose rule with
//! every fix, as the compose file of a small project with a Dockerfile.

use std::path::{Path, PathBuf};

use keywire::engine::compose;
use keywire::engine::workspace::GitStatus;
use keywire::engine::yaml::{self, Node, NodeKind};
use keywire::engine::Span;

use super::{apply_fix, check, Files, PY, ROOT, SMALL_ENV, SMALL_PY};
use crate::paths::text;

const COMPOSE: &str = "/ws/compose.yaml";
const DOCKERFILE: &str = "/ws/Dockerfile";
const SMALL_DOCKERFILE: &str = "FROM python:3.12-slim\nCOPY . .\nCMD [\"python\", \"app.py\"]\n";
const ENV: &str = "/ws/.env";

fn in_bounds(text: &str, s: Span) -> bool {
    s.start <= s.end
        && s.end <= text.len()
        && text.is_char_boundary(s.start)
        && text.is_char_boundary(s.end)
}

fn assert_node(text: &str, node: &Node, depth: usize) {
    assert!(depth <= yaml::MAX_DEPTH + 1, "deeper than the limit");
    assert!(
        in_bounds(text, node.span),
        "span {:?} out of bounds",
        node.span
    );
    match &node.kind {
        NodeKind::Map(entries) => {
            for e in entries {
                assert_node(text, &e.key, depth + 1);
                assert_node(text, &e.value, depth + 1);
            }
        }
        NodeKind::Seq(items) => items.iter().for_each(|n| assert_node(text, n, depth + 1)),
        NodeKind::Scalar(_) | NodeKind::Alias => {}
    }
}

/// YAML text → tree, compose facts, compose rules and fixes.
pub fn yaml(data: &[u8]) {
    let text = text(data);
    match yaml::parse(&text) {
        Ok(root) => assert_node(&text, &root, 0),
        Err(e) => {
            assert!(in_bounds(&text, e.span), "error span {:?}", e.span);
            assert!(e.line >= 1 && e.column >= 1);
        }
    }
    let facts = compose::read(&text);
    for s in &facts.services {
        assert!(in_bounds(&text, s.name_span));
        for e in s.environment.iter().flat_map(|e| &e.entries) {
            assert!(in_bounds(&text, e.name_span), "{e:?}");
            assert!(e.value_span.is_none_or(|v| in_bounds(&text, v)), "{e:?}");
        }
    }
    for r in &facts.refs {
        assert!(in_bounds(&text, r.span), "{r:?}");
    }

    let files = Files::new(&[
        (COMPOSE, &text),
        (DOCKERFILE, SMALL_DOCKERFILE),
        (ENV, SMALL_ENV),
        (PY, SMALL_PY),
    ]);
    let git = GitStatus::NotIgnored {
        repo_root: PathBuf::from(ROOT),
    };
    let findings = check(&files, &git);
    let parses = yaml::parse(&text).is_ok();
    for fx in findings.iter().flat_map(|f| f.fixes.iter()).take(24) {
        let fixed = apply_fix(&files, fx).unwrap();
        let after = fixed.get(Path::new(COMPOSE)).unwrap_or("");
        assert!(
            !parses || yaml::parse(after).is_ok(),
            "fix {:?} breaks the YAML:\n{after}",
            fx.title
        );
        check(&fixed, &git);
    }
}

const SMALL_COMPOSE: &str = "services:\n  app:\n    build: .\n";
const WORKFLOW: &str = "/ws/.github/workflows/ci.yml";
/// The run files a project states how it runs in.
const RUN_FILES: &[&str] = &[
    "/ws/Makefile",
    "/ws/justfile",
    "/ws/Procfile",
    "/ws/run.sh",
    "/ws/.vscode/launch.json",
    "/ws/.vscode/settings.json",
];

/// The `deploy_text` target: the same bytes as a Dockerfile, a GitHub workflow and each run
/// file, read and checked as part of a small project (readers and rules never panic, spans stay
/// in bounds: [`check`] validates every finding), and every fix applied and re-checked.
pub fn deploy_text(data: &[u8]) {
    let text = text(data);
    let _ = keywire::engine::dockerfile::read(&text);
    let _ = keywire::engine::workflow::read(&text);
    let git = GitStatus::NotIgnored {
        repo_root: PathBuf::from(ROOT),
    };
    let projects: Vec<Files> = [DOCKERFILE, WORKFLOW]
        .iter()
        .chain(RUN_FILES)
        .map(|path| {
            let _ = keywire::engine::runners::read(Path::new(path), &text);
            Files::new(&[
                (path, &text),
                (COMPOSE, SMALL_COMPOSE),
                (ENV, SMALL_ENV),
                (PY, SMALL_PY),
            ])
        })
        .collect();
    for files in &projects {
        let findings = check(files, &git);
        for fx in findings.iter().flat_map(|f| f.fixes.iter()).take(8) {
            if let Ok(fixed) = apply_fix(files, fx) {
                check(&fixed, &git);
            }
        }
    }
}

//! What the .env rules' unit tests share: a workspace with one .env file, and checks on
//! findings and fixes.

use std::path::{Path, PathBuf};

use crate::engine::config::Config;
use crate::engine::diagnostic::{Edit, Finding, Fix};
use crate::engine::fix;
use crate::engine::providers;
use crate::engine::rules::Rule;
use crate::engine::workspace::{GitStatus, Workspace};

pub const ROOT: &str = "/proj";

pub fn env_path() -> PathBuf {
    PathBuf::from(ROOT).join(".env")
}

pub fn check_at(path: &Path, text: &str, git: GitStatus) -> Vec<Finding> {
    let mut ws = Workspace::new(ROOT, Config::default());
    ws.set_env(path.to_path_buf(), text, git);
    ws.check_env(path)
}

/// Findings of a root `.env` with git status Ignored.
pub fn lint(text: &str) -> Vec<Finding> {
    check_at(&env_path(), text, GitStatus::Ignored)
}

pub fn of(findings: &[Finding], rule: Rule) -> Vec<Finding> {
    findings
        .iter()
        .filter(|f| f.rule == rule)
        .cloned()
        .collect()
}

/// The one finding of `rule` (panics with all findings otherwise).
pub fn one(findings: &[Finding], rule: Rule) -> Finding {
    let found = of(findings, rule);
    assert_eq!(found.len(), 1, "expected one {rule:?}, got {findings:#?}");
    found.into_iter().next().unwrap()
}

pub fn snippet<'a>(text: &'a str, f: &Finding) -> &'a str {
    &text[f.span.start..f.span.end]
}

/// Apply the edits of `fix` that target `path`.
pub fn apply(text: &str, path: &Path, fix: &Fix) -> String {
    let edits: Vec<&Edit> = fix.edits.iter().filter(|e| e.path == path).collect();
    fix::apply(text, &edits).expect("fix applies")
}

/// Apply the finding's first fix to `text` (a root `.env`), re-check, and assert the
/// finding is gone and nothing new appeared. Returns the fixed text.
pub fn assert_fix_clears(text: &str, finding: &Finding) -> String {
    let fix = finding.fixes.first().expect("finding has a fix");
    let fixed = apply(text, &finding.path, fix);
    let before = lint(text);
    let after = lint(&fixed);
    assert!(
        !after
            .iter()
            .any(|f| f.rule == finding.rule && f.message == finding.message),
        "{:?} still reported after the fix:\n{fixed}\n{after:#?}",
        finding.rule
    );
    for f in &after {
        assert!(
            before
                .iter()
                .any(|b| b.rule == f.rule && b.message == f.message),
            "the fix introduced {f:#?}\nin:\n{fixed}"
        );
    }
    fixed
}

/// Assert `message` contains no 8-character piece of `secret` beyond its public prefix.
pub fn assert_no_secret(message: &str, secret: &str) {
    let skip = providers::public_prefix(secret).map_or(0, str::len);
    let chars: Vec<char> = secret.chars().collect();
    for start in 0..chars.len().saturating_sub(7) {
        if start + 8 <= skip {
            continue;
        }
        let window: String = chars[start..start + 8].iter().collect();
        assert!(
            !message.contains(&window),
            "message reveals part of the secret: {message}"
        );
    }
}

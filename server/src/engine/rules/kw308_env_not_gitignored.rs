//! KW308 env-not-gitignored: a .env file with real credentials is not ignored by git, or git
//! tracks it anyway.
//!
//! The point of moving AutoGen's API keys into `.env` is to keep them out of the code, and so
//! out of git. If `.gitignore` does not cover the file, the next `git add .` commits every key
//! in it; once pushed, the keys are public (bots scan GitHub for `sk-` keys within minutes) and
//! must be revoked. And `.gitignore` only keeps untracked files out: a `.env` committed before
//! its ignore line stays in the repository, and every later commit of it too.
//!
//! Fires when the front end found the file inside a git work tree and either not ignored, or
//! tracked by git (listed in its index, ignored or not), and the file defines at least one
//! credential-like variable (`*_KEY`, `*_TOKEN`, `*_SECRET`, …) with a real-looking value: not
//! empty, not a placeholder, not a local runtime's dummy key, not a `${VAR}` reference, URL or
//! file path. The finding sits on the first such variable and names them all (never their
//! values); for a tracked file it says that git tracks it (although it is ignored, when it is).
//! A tracked `.env` holding only placeholders is the repository's template and is not reported.
//! Template files (`.env.example`, `.env.sample`, `env.sample`, …) are meant to be committed:
//! only a value in one that looks like a real key (a provider's format, or long and random, and
//! nothing that says it is fake) is reported, on its own line and described, never shown.
//!
//! Bad: `.env` holds `OPENAI_API_KEY=sk-proj-…` and `.gitignore` does not mention it; or
//! `.gitignore` lists `.env`, but the file was committed before that line was added.
//!
//! Good (`.gitignore`, with `.env` not in git's index):
//! ```text
//! /.env
//! ```
//!
//! The same holds for AutoGen's `OAI_CONFIG_LIST` files (and `OAI_CONFIG_LIST.json`…), which
//! hold keys written out: one with a real-looking key in a credential field (`api_key`,
//! `azure_ad_token`, `aws_secret_key`, …) that git does not ignore, or tracks, is reported on
//! the first such key, naming the entries (never the values). Template lists
//! (`OAI_CONFIG_LIST_sample`) are KW104's.
//!
//! Fix (safe), offered when the file is not ignored: add the file's path relative to the
//! repository root, anchored with a leading `/` (`/.env`, `/services/api/.env.local`), to the
//! repository's root `.gitignore`. The engine does no I/O and cannot know whether that
//! `.gitignore` exists, so the edit inserts the line at offset 0 with `create` set: it is valid
//! both for an existing file (the line goes first) and for a missing one (the file is created
//! with that line). A tracked file also needs `git rm --cached <file>` (the message names the
//! path) and new keys: ignoring or untracking it does not remove it from history, so rotate
//! every key it held.

use std::path::Path;

use super::helpers::dotenv_values::{real_credential, without_quotes};
use super::helpers::entry::EntryInfo;
use super::{ConfigJsonCtx, EnvCtx};
use crate::engine::diagnostic::{Edit, Finding, Fix};
use crate::engine::dotenv::Entry;
use crate::engine::python::{Field, FieldValue, StrLit};
use crate::engine::rules::Rule;
use crate::engine::secrets;
use crate::engine::text::Span;
use crate::engine::workspace::GitStatus;

pub(super) fn check(ctx: &EnvCtx, out: &mut Vec<Finding>) {
    if ctx.file.template {
        template_keys(ctx, out);
        return;
    }
    let (repo_root, tracked, ignored) = match &ctx.file.git {
        GitStatus::NotIgnored { repo_root } => (repo_root, false, false),
        GitStatus::Tracked { repo_root, ignored } => (repo_root, true, *ignored),
        _ => return,
    };
    let held: Vec<&Entry> = ctx
        .parsed()
        .entries
        .iter()
        .filter(|e| holds_credential(e))
        .collect();
    let Some(first) = held.first() else { return };
    let mut names: Vec<&str> = Vec::new();
    for e in &held {
        if !names.contains(&e.key.as_str()) {
            names.push(&e.key);
        }
    }
    let listed = match names.len() {
        1..=3 => names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", "),
        n => format!(
            "{} and {} more",
            names[..3]
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", "),
            n - 3
        ),
    };
    let what = if names.len() == 1 {
        "a credential"
    } else {
        "credentials"
    };
    let place = Place {
        path: ctx.path,
        repo_root,
        tracked,
        ignored,
    };
    out.push(place.finding(first.key_span, &format!("{what} ({listed})"), names.len()));
}

/// Where a file with credentials sits in git.
struct Place<'a> {
    path: &'a Path,
    repo_root: &'a Path,
    tracked: bool,
    ignored: bool,
}

impl Place<'_> {
    /// The finding at `span` for a file that holds `what` (`count` of them), with the
    /// .gitignore fix when the file is not ignored.
    fn finding(&self, span: Span, what: &str, count: usize) -> Finding {
        let Place {
            path,
            repo_root,
            tracked,
            ignored,
        } = *self;
        let rel = relative(path, repo_root);
        let shown = rel.clone().unwrap_or_else(|| {
            path.file_name()
                .map_or_else(|| ".env".into(), |n| n.to_string_lossy().into_owned())
        });
        let them = if count == 1 { "it" } else { "them" };
        let message = if tracked {
            format!(
                "`{shown}` holds {what} and git tracks it{}: {} in the repository; \
             run `git rm --cached {}`{} and rotate {them}",
                if ignored {
                    " although it is ignored"
                } else {
                    ""
                },
                if count == 1 { "it is" } else { "they are" },
                shell_quote(&shown),
                if ignored { "" } else { ", ignore the file" },
            )
        } else {
            format!(
                "`{shown}` holds {what} and git does not ignore it: the next `git add .` \
             commits {them} to the repository"
            )
        };
        let mut finding = Finding::new(Rule::KW308, path, span, message);
        if let Some(rel) = rel.filter(|_| !ignored) {
            let pattern = format!("/{}", gitignore_escape(&rel));
            finding = finding.fix(Fix {
                title: format!("Add `{pattern}` to .gitignore"),
                edits: vec![Edit {
                    path: repo_root.join(".gitignore"),
                    span: Span::empty(0),
                    new_text: format!("{pattern}\n"),
                    create: true,
                }],
                safe: true,
                sensitive: false,
            });
        }
        finding
    }
}

/// An `OAI_CONFIG_LIST` file with a real key that git does not ignore, or tracks: the same
/// mistake as a `.env`'s. Template lists are committed by design (a real key there is KW104's).
pub(super) fn check_json(ctx: &ConfigJsonCtx, out: &mut Vec<Finding>) {
    if ctx.file.template {
        return;
    }
    let (repo_root, tracked, ignored) = match &ctx.file.git {
        GitStatus::NotIgnored { repo_root } => (repo_root, false, false),
        GitStatus::Tracked { repo_root, ignored } => (repo_root, true, *ignored),
        _ => return,
    };
    let mut held: Vec<(usize, &Field, &StrLit)> = Vec::new();
    for (i, entry) in ctx.file.parsed.entries.iter().enumerate() {
        let info = EntryInfo::new(&ctx.entries, entry);
        for field in &entry.fields {
            let FieldValue::Str(lit) = &field.value else {
                continue;
            };
            let local = info.local && !secrets::has_key_prefix(&lit.value);
            if !local
                && real_credential(&field.key, &lit.value)
                && secrets::looks_like_key(&lit.value)
            {
                held.push((i + 1, field, lit));
            }
        }
    }
    let Some(&(_, _, first)) = held.first() else {
        return;
    };
    let mut entries: Vec<String> = held.iter().map(|(n, _, _)| n.to_string()).collect();
    entries.dedup();
    let what = match (held.len(), entries.len()) {
        (1, _) => format!("a key (`{}` of entry {})", held[0].1.key, held[0].0),
        (_, 1) => format!("keys (in entry {})", entries[0]),
        _ => format!("keys (in entries {})", entries.join(", ")),
    };
    let place = Place {
        path: ctx.path,
        repo_root,
        tracked,
        ignored,
    };
    out.push(place.finding(first.span, &what, held.len()));
}

/// A template is committed by design: a value in it that looks like a real key has leaked.
fn template_keys(ctx: &EnvCtx, out: &mut Vec<Finding>) {
    let repo_root = match &ctx.file.git {
        GitStatus::NotIgnored { repo_root } | GitStatus::Tracked { repo_root, .. } => repo_root,
        _ => return,
    };
    let shown = relative(ctx.path, repo_root).unwrap_or_else(|| ".env.example".into());
    for entry in &ctx.parsed().entries {
        let Some(literal) = entry.literal.as_deref() else {
            continue;
        };
        let value = without_quotes(literal);
        if !secrets::is_credential_name(&entry.key)
            || !secrets::looks_like_key(&value)
            || secrets::looks_fake(&value)
        {
            continue;
        }
        out.push(Finding::new(
            Rule::KW308,
            ctx.path,
            entry.key_span,
            format!(
                "`{shown}` is a template, committed by design, but `{}` holds what looks like a real key, {}: it is in the repository; replace it with a placeholder and rotate the key",
                entry.key,
                secrets::describe(&value)
            ),
        ));
    }
}

/// A credential-like variable with a real-looking value.
fn holds_credential(entry: &Entry) -> bool {
    let Some(literal) = entry.literal.as_deref() else {
        return false;
    };
    real_credential(&entry.key, &without_quotes(literal))
}

/// `path` relative to `root`, with `/` separators.
fn relative(path: &Path, root: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// `path` as one shell word: as it is when it is made of safe characters, else in single quotes.
fn shell_quote(path: &str) -> String {
    let safe =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | '+' | '@');
    if !path.is_empty() && path.chars().all(safe) {
        path.to_string()
    } else {
        format!("'{}'", path.replace('\'', "'\\''"))
    }
}

/// Escape gitignore's special characters so the pattern matches exactly this path.
fn gitignore_escape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if matches!(c, '*' | '?' | '[' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    if out.ends_with(' ') {
        out.pop();
        out.push_str("\\ ");
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::super::helpers::test_support::*;
    use super::*;
    use crate::engine::diagnostic::Severity;

    const KEY: &str = "sk-proj-4fQ9zR2mL8vX1cT7bN3kP6wY0hJ5sD2gA9eU4iO7lK1mN8bV3cX6z";

    fn not_ignored() -> GitStatus {
        GitStatus::NotIgnored {
            repo_root: PathBuf::from(ROOT),
        }
    }

    #[test]
    fn root_env_with_a_key() {
        let text =
            format!("# keys\nMODEL=gpt-4o\nOPENAI_API_KEY={KEY}\nHF_TOKEN=hf_x1y2z3w4v5u6t7s8r9\n");
        let found = check_at(&env_path(), &text, not_ignored());
        let f = one(&found, Rule::KW308);
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(snippet(&text, &f), "OPENAI_API_KEY");
        assert_eq!(
            f.message,
            "`.env` holds credentials (`OPENAI_API_KEY`, `HF_TOKEN`) and git does not ignore \
             it: the next `git add .` commits them to the repository"
        );
        assert_no_secret(&f.message, KEY);
        let fix = &f.fixes[0];
        assert!(fix.safe && !fix.sensitive);
        assert_eq!(fix.title, "Add `/.env` to .gitignore");
        assert_eq!(fix.edits.len(), 1);
        let edit = &fix.edits[0];
        let gitignore = PathBuf::from(ROOT).join(".gitignore");
        assert_eq!(edit.path, gitignore);
        assert_eq!(edit.span, Span::empty(0));
        assert!(edit.create);
        // Valid on an existing .gitignore and on a missing (empty) one.
        assert_eq!(
            apply("node_modules/\n", &gitignore, fix),
            "/.env\nnode_modules/\n"
        );
        assert_eq!(apply("", &gitignore, fix), "/.env\n");
        // Once ignored (what the front end reports after the fix), the finding is gone and
        // nothing else changes.
        let after = check_at(&env_path(), &text, GitStatus::Ignored);
        assert!(of(&after, Rule::KW308).is_empty());
        assert_eq!(after.len(), found.len() - 1);
    }

    #[test]
    fn nested_env_gets_an_anchored_relative_pattern() {
        let path = PathBuf::from(ROOT).join("services/api/.env.local");
        let text = "A_SECRET=Xk29sLq8Vn3Rt5Wy7Zb1\nB_KEY=1\nC_KEY=2\nD_KEY=3\nE_KEY=4\n";
        let f = one(&check_at(&path, text, not_ignored()), Rule::KW308);
        assert!(f.message.starts_with(
            "`services/api/.env.local` holds credentials (`A_SECRET`, `B_KEY`, `C_KEY` and 2 \
             more)"
        ));
        assert_eq!(f.fixes[0].edits[0].new_text, "/services/api/.env.local\n");
        assert_eq!(gitignore_escape("a[1]*.env "), "a\\[1]\\*.env\\ ");
    }

    fn tracked(ignored: bool) -> GitStatus {
        GitStatus::Tracked {
            repo_root: PathBuf::from(ROOT),
            ignored,
        }
    }

    #[test]
    fn tracked_although_ignored() {
        let text = format!("OPENAI_API_KEY={KEY}\n");
        let f = one(&check_at(&env_path(), &text, tracked(true)), Rule::KW308);
        assert_eq!(snippet(&text, &f), "OPENAI_API_KEY");
        assert_eq!(
            f.message,
            "`.env` holds a credential (`OPENAI_API_KEY`) and git tracks it although it is \
             ignored: it is in the repository; run `git rm --cached .env` and rotate it"
        );
        assert_no_secret(&f.message, KEY);
        assert!(f.fixes.is_empty(), "already ignored: no .gitignore fix");
    }

    #[test]
    fn tracked_and_not_ignored() {
        let path = PathBuf::from(ROOT).join("my app/.env");
        let text = format!("OPENAI_API_KEY={KEY}\nHF_TOKEN=hf_x1y2z3w4v5u6t7s8r9\n");
        let f = one(&check_at(&path, &text, tracked(false)), Rule::KW308);
        assert_eq!(
            f.message,
            "`my app/.env` holds credentials (`OPENAI_API_KEY`, `HF_TOKEN`) and git tracks it: \
             they are in the repository; run `git rm --cached 'my app/.env'`, ignore the file \
             and rotate them"
        );
        assert_eq!(f.fixes.len(), 1);
        assert_eq!(f.fixes[0].title, "Add `/my app/.env` to .gitignore");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
    }

    #[test]
    fn tracked_template_or_placeholders_are_quiet() {
        let placeholders = "OPENAI_API_KEY=sk-1111\nANTHROPIC_API_KEY=<your key>\n";
        for ignored in [true, false] {
            let found = check_at(&env_path(), placeholders, tracked(ignored));
            assert!(of(&found, Rule::KW308).is_empty(), "{found:#?}");
        }
        let template = PathBuf::from(ROOT).join(".env.example");
        assert!(of(
            &check_at(&template, placeholders, tracked(false)),
            Rule::KW308
        )
        .is_empty());
    }

    #[test]
    fn a_real_key_in_a_template_has_leaked() {
        let template = PathBuf::from(ROOT).join(".env.example");
        let text = format!("OPENAI_API_KEY={KEY}\nANTHROPIC_API_KEY=<your key>\n");
        for git in [tracked(false), not_ignored()] {
            let found = of(&check_at(&template, &text, git), Rule::KW308);
            assert_eq!(found.len(), 1, "{found:#?}");
            assert!(found[0].message.starts_with(
                "`.env.example` is a template, committed by design, but `OPENAI_API_KEY` holds what looks like a real key"
            ));
            assert_no_secret(&found[0].message, KEY);
        }
        // Not in the repository: nothing has leaked.
        assert!(of(&check_at(&template, &text, GitStatus::Ignored), Rule::KW308).is_empty());
    }

    #[test]
    fn quiet_without_real_credentials_or_when_ignored() {
        let quiet = "OPENAI_API_KEY=\nGROQ_API_KEY=sk-...\nLOCAL_API_KEY=ollama\nX_KEY=${Y}\n\
                     OPENAI_API_BASE=https://x\nGOOGLE_APPLICATION_CREDENTIALS=./sa.json\nMODEL=gpt\n";
        assert!(of(&check_at(&env_path(), quiet, not_ignored()), Rule::KW308).is_empty());
        let text = format!("OPENAI_API_KEY={KEY}\n");
        for git in [GitStatus::Ignored, GitStatus::NotInRepo, GitStatus::Unknown] {
            assert!(of(&check_at(&env_path(), &text, git), Rule::KW308).is_empty());
        }
    }
}

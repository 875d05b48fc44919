//! KW104 hardcoded-api-key: a real-looking API key is written into the source code.
//!
//! A key in code ends up in git history, screenshots and notebooks, and is the first thing
//! leaked-credential scanners find; providers revoke such keys, and the next run fails with 401.
//! Reported for a literal that looks like a real key — a known provider format (OpenAI `sk-`,
//! Anthropic `sk-ant-`, Groq `gsk_`, Google `AIza`, OpenRouter `sk-or-`, xAI `xai-`, Hugging
//! Face `hf_`, Perplexity `pplx-`, Azure's 32 hex characters), or 20+ characters with high
//! entropy — used as `api_key`, written by `os.environ["X"] = "…"` (or a notebook's
//! `%env X=…`, which also prints the key into the cell's output), or assigned to a
//! credential-like module constant (`OPENAI_API_KEY = "…"`). Comments count too: a
//! provider-format key that looks real, a ChatGPT session token (`sess-…`) or a password after
//! `password:` left in a comment is committed with the code. Placeholders, fake-looking values
//! (`mock`, `dummy`, `fortestingonly`, runs of one character), URLs, paths and the ids APIs give
//! their objects (`chatcmpl-…`, `call_…`, `msg_…`, in test fixtures and recorded responses) are
//! never reported. Messages show only the provider, length and fingerprint of the key.
//!
//! Keys given to the providers' own SDK clients (`OpenAI(api_key="sk-proj-…")`, `Groq(...)`)
//! count like those of AutoGen's clients.
//!
//! Bad:
//! ```python
//! config_list = [{"model": "gpt-4o", "api_key": "sk-proj-…"}]
//! ```
//! Good:
//! ```python
//! config_list = [{"model": "gpt-4o", "api_key": os.environ["OPENAI_API_KEY"]}]
//! ```
//!
//! In an `OAI_CONFIG_LIST` file (AutoGen's JSON config list) a key can only be written out, and
//! a list git ignores is the documented place for it: not reported. A list git does not ignore
//! or tracks is KW308's finding; this rule reports real-looking keys in a committed template
//! (`OAI_CONFIG_LIST_sample`), and in a committed list when KW308 is turned off. No fix there.
//!
//! Fix "Move the key to .env": appends `VAR=<key>` to the nearest `.env` (creating one at the
//! project root if there is none), replaces the literal with `os.environ["VAR"]`, and adds
//! `import os` and `load_dotenv()` when needed. Not offered when `VAR` already holds a
//! different value.

use super::helpers::edits;
use super::helpers::entry::{env_expr, EntryInfo};
use super::PyCtx;
use crate::engine::diagnostic::{Edit, Finding, Fix};
use crate::engine::providers;
use crate::engine::python::{self, Field, FieldValue, StrLit};
use crate::engine::rules::Rule;
use crate::engine::secrets::{self, CommentSecret};
use crate::engine::text::Span;
use crate::engine::workspace::{ConfigListFile, GitStatus};

pub(super) fn check(ctx: &PyCtx, out: &mut Vec<Finding>) {
    let mut seen: Vec<Span> = Vec::new();
    let mut report = |lit: &StrLit,
                      var: Option<String>,
                      what: String,
                      replace: Option<Span>,
                      out: &mut Vec<Finding>| {
        if seen.contains(&lit.span) || !secrets::looks_like_key(&lit.value) {
            return;
        }
        seen.push(lit.span);
        let mut finding = Finding::new(
            Rule::KW104,
            ctx.path,
            lit.span,
            format!(
                "{what} is hard-coded: {}; keep it in .env and read it from the environment",
                secrets::describe(&lit.value)
            ),
        );
        if let Some(var) = var {
            if let Some(fix) = move_to_env(ctx, lit, &var, replace) {
                finding = finding.fix(fix);
            }
        }
        out.push(finding);
    };
    if let Some(file) = ctx.config_list {
        config_list_keys(ctx, file, out);
        return;
    }
    for (info, key, lit) in literal_keys(ctx) {
        let var = providers::provider_for_key(&lit.value)
            .filter(|p| !p.key_vars.is_empty())
            .unwrap_or(info.target)
            .key_vars
            .first()
            .map(|v| v.to_string());
        report(
            lit,
            var,
            format!("the `{}` of this entry", key.key),
            Some(lit.span),
            out,
        );
    }
    for write in &ctx.facts.env_writes {
        let Some(lit) = &write.value else { continue };
        // Only a whole-line `os.environ["X"] = "..."` statement can simply be removed.
        let line_only = ctx
            .text
            .get(write.span.start..write.span.end)
            .is_some_and(|s| {
                let start = ctx.text[..write.span.start]
                    .rfind('\n')
                    .map_or(0, |i| i + 1);
                let end = ctx.text[write.span.end..]
                    .find('\n')
                    .map_or(ctx.text.len(), |i| write.span.end + i);
                ctx.text[start..end].trim() == s.trim()
            });
        let var = line_only.then(|| write.name.clone());
        report(
            lit,
            var,
            format!("the value written to {}", write.name),
            line_only.then_some(write.span),
            out,
        );
    }
    for constant in &ctx.facts.secret_constants {
        report(
            &constant.value,
            Some(constant.name.clone()),
            constant.name.clone(),
            Some(constant.value.span),
            out,
        );
    }
    comment_secrets(ctx, out);
}

/// Keys in an `OAI_CONFIG_LIST` file. A JSON entry can only hold a literal key, and a config
/// list is where AutoGen's documentation puts it: only a file git commits leaks it. That is
/// KW308's finding for a real config list; this rule reports the keys of a committed template
/// (`OAI_CONFIG_LIST_sample`), and those of any committed list while KW308 is off.
fn config_list_keys(ctx: &PyCtx, file: &ConfigListFile, out: &mut Vec<Finding>) {
    let git = match &file.git {
        GitStatus::NotIgnored { .. } => "git does not ignore",
        GitStatus::Tracked { .. } => "git tracks",
        _ => return,
    };
    if !file.template && ctx.ws.config.enabled(Rule::KW308) {
        return;
    }
    for (_, key, lit) in literal_keys(ctx) {
        if !secrets::looks_like_key(&lit.value) || secrets::looks_fake(&lit.value) {
            continue;
        }
        let advice = if file.template {
            "replace it with a placeholder and rotate the key"
        } else {
            "keep this file out of git (or omit the key and set the client's variable) and rotate the key"
        };
        out.push(Finding::new(
            Rule::KW104,
            ctx.path,
            lit.span,
            format!(
                "the `{}` of this entry is a real-looking key, {}, in a config list {git}: {advice}",
                key.key,
                secrets::describe(&lit.value)
            ),
        ));
    }
}

/// Each entry's key written as a string literal. A local server takes any string
/// (`"NotRequiredSinceWeAreLocal"`): only a real provider's key would leak there.
fn literal_keys<'c, 'a: 'c>(
    ctx: &'c PyCtx<'a>,
) -> impl Iterator<Item = (EntryInfo<'a>, &'a Field, &'a StrLit)> + 'c {
    ctx.facts.entries.iter().filter_map(move |entry| {
        let info = EntryInfo::new(ctx, entry);
        let key = info.key?;
        let FieldValue::Str(lit) = &key.value else {
            return None;
        };
        if info.local && !secrets::has_key_prefix(&lit.value) {
            return None;
        }
        Some((info, key, lit))
    })
}

/// Keys, session tokens and passwords left in comments: committed like the code around them.
fn comment_secrets(ctx: &PyCtx, out: &mut Vec<Finding>) {
    // Most modules hold no comment with anything secret-shaped: one cheap look first.
    if !secrets::may_hold_comment_secret(ctx.text) {
        return;
    }
    for (start, end) in python::comments(ctx.text) {
        let comment = &ctx.text[start..end];
        for (s, e, kind) in secrets::comment_secrets(comment) {
            let value = &comment[s..e];
            let span = Span::new(start + s, start + e);
            if out.iter().any(|f| f.span == span) {
                continue;
            }
            let what = match kind {
                CommentSecret::Key => {
                    format!("a comment holds a key: {}", secrets::describe(value))
                }
                CommentSecret::SessionToken => format!(
                    "a comment holds a ChatGPT session token (sess-…, {} chars)",
                    value.chars().count()
                ),
                CommentSecret::Password => format!(
                    "a comment holds a password ({} chars)",
                    value.chars().count()
                ),
            };
            out.push(Finding::new(
                Rule::KW104,
                ctx.path,
                span,
                format!("{what}: it is committed with the code; remove it and revoke or change it"),
            ));
        }
    }
}

/// Append `VAR=value` to the nearest .env and replace the literal (or remove the env write).
fn move_to_env(ctx: &PyCtx, lit: &StrLit, var: &str, replace: Option<Span>) -> Option<Fix> {
    let ws = ctx.ws;
    let scope = ctx.scope();
    let lookup = scope.lookup(var);
    let same_value = match lookup.value() {
        Some((v, _)) if v == lit.value => true,
        Some(_) => return None,
        None => false,
    };
    let conflicting = lookup
        .unloaded
        .iter()
        .any(|d| matches!(d.entry.value.as_deref(), Some(v) if !v.is_empty() && v != lit.value));
    if conflicting {
        return None;
    }
    let replace = replace?;
    let mut list: Vec<Edit> = Vec::new();
    let is_write = replace != lit.span;
    if is_write {
        list.push(edits::replace(ctx.path, whole_line(ctx.text, replace), ""));
    } else {
        list.push(edits::replace(ctx.path, lit.span, env_expr(var)));
        list.extend(edits::import_os(ctx));
    }
    if scope.env_loads().next().is_none() {
        list.push(edits::add_load_dotenv(ctx));
    }
    if !same_value {
        let nearest = edits::nearest_env(ctx);
        let value = env_value(&lit.value);
        match nearest {
            Some(p) => {
                let text = &ws.env_file(&p)?.text;
                let sep = if text.is_empty() || text.ends_with('\n') {
                    ""
                } else {
                    "\n"
                };
                list.push(edits::replace(
                    &p,
                    Span::empty(text.len()),
                    format!("{sep}{var}={value}\n"),
                ));
            }
            None => list.push(Edit {
                path: ws.root.join(".env"),
                span: Span::empty(0),
                new_text: format!("{var}={value}\n"),
                create: true,
            }),
        }
    }
    Some(Fix {
        title: format!("Move the key to .env as {var}"),
        edits: list,
        safe: false,
        sensitive: true,
    })
}

/// A value as python-dotenv reads it back unchanged.
fn env_value(value: &str) -> String {
    if value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.+/=:".contains(c))
    {
        value.to_string()
    } else {
        format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
    }
}

fn whole_line(text: &str, span: Span) -> Span {
    let start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[span.end..]
        .find('\n')
        .map_or(text.len(), |i| span.end + i + 1);
    Span::new(start, end)
}

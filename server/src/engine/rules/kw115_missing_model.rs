//! KW115 missing-model: an AutoGen 0.4+ model client, or a `config_list` entry, without `model`.
//!
//! `OpenAIChatCompletionClient`, `AzureOpenAIChatCompletionClient`,
//! `AnthropicChatCompletionClient` and `OllamaChatCompletionClient` (autogen-ext) take the model
//! as a required keyword: without it the constructor raises ("model is required"), before any
//! key is checked. A call that passes `**kwargs` may carry it and is not reported. No fix: the
//! model is the user's choice; the message names the models the project uses elsewhere (not
//! the mock models of its tests, unless `tests = "all"`).
//!
//! An AutoGen 0.2 / AG2 `config_list` entry written in Python without `model` is reported too:
//! AutoGen 0.2 sends the request without one (openai raises "Missing required arguments") and
//! AG2's `LLMConfig` rejects the entry. It is left alone when the module gives a model another
//! way (a top-level `"model"` in an `llm_config`, a constructor's `model=`), when the entry has
//! `**` splats, and in `OAI_CONFIG_LIST` files (an entry there may serve embeddings or be picked
//! by a filter).
//!
//! Bad:
//! ```python
//! client = OpenAIChatCompletionClient(api_key=os.environ["OPENAI_API_KEY"])
//! ```
//! Good:
//! ```python
//! client = OpenAIChatCompletionClient(model="gpt-4o", api_key=os.environ["OPENAI_API_KEY"])
//! ```

use super::PyCtx;
use crate::engine::diagnostic::Finding;
use crate::engine::providers::{ConstructorKind, Generation, ProviderId};
use crate::engine::python::{EntrySource, FieldValue};
use crate::engine::rules::Rule;

/// At most this many models are named in the message.
const MAX_NAMED: usize = 3;

pub(super) fn check(ctx: &PyCtx, out: &mut Vec<Finding>) {
    config_list_entries(ctx, out);
    for entry in &ctx.facts.entries {
        let Some(c) = entry.constructor else {
            continue;
        };
        let requires_model = c.kind == ConstructorKind::Client
            && c.generation == Generation::V04
            && matches!(
                c.provider,
                Some(
                    ProviderId::OpenAi
                        | ProviderId::Azure
                        | ProviderId::Anthropic
                        | ProviderId::Ollama
                )
            );
        if !requires_model || entry.has_splat || entry.field("model").is_some() {
            continue;
        }
        let elsewhere = models_note(ctx);
        out.push(Finding::new(
            Rule::KW115,
            ctx.path,
            entry.anchor,
            format!(
                "{} has no `model`: the constructor raises before any call (model is required){elsewhere}",
                c.name
            ),
        ));
    }
}

/// `config_list` dicts without `model`, in a module that gives no model another way.
fn config_list_entries(ctx: &PyCtx, out: &mut Vec<Finding>) {
    if ctx.config_list.is_some() {
        return;
    }
    let model_elsewhere = ctx
        .facts
        .llm_configs
        .iter()
        .any(|c| c.keys.iter().any(|(k, _)| k == "model"))
        || ctx.facts.entries.iter().any(|e| {
            e.source == EntrySource::Kwargs
                && e.constructor
                    .is_some_and(|c| c.kind == ConstructorKind::LlmConfig)
                && e.field("model").is_some()
        });
    if model_elsewhere {
        return;
    }
    for entry in &ctx.facts.entries {
        let in_list = matches!(
            entry.source,
            EntrySource::DictLiteral | EntrySource::DictCall
        );
        // A dict that says nothing about a model client (records written to a file) is no
        // config entry.
        let credentials = ["api_key", "api_type", "base_url", "api_base"]
            .iter()
            .any(|k| entry.field(k).is_some());
        if !in_list
            || !credentials
            || entry.generation != Generation::V02
            || entry.has_splat
            || entry.field("model").is_some()
        {
            continue;
        }
        let elsewhere = models_note(ctx);
        out.push(Finding::new(
            Rule::KW115,
            ctx.path,
            entry.anchor,
            format!(
                "this config_list entry has no `model`: AutoGen 0.2 sends the request without one (openai raises \"Missing required arguments\") and AG2 rejects the entry{elsewhere}"
            ),
        ));
    }
}

/// "; this project uses "gpt-4o", …" (the models named elsewhere), or nothing.
fn models_note(ctx: &PyCtx) -> String {
    let used = models_used(ctx);
    if used.is_empty() {
        return String::new();
    }
    let named: Vec<String> = used
        .iter()
        .take(MAX_NAMED)
        .map(|m| format!("\"{m}\""))
        .collect();
    format!("; this project uses {}", named.join(", "))
}

/// The literal models of the workspace's entries, most used first (test code's mock models
/// left out: `Workspace::reads_configs_of`).
fn models_used(ctx: &PyCtx) -> Vec<String> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    let ws = ctx.beyond();
    let reads_configs_of = ws.reads_configs_of();
    for (_, m) in ws.python_modules().filter(|(p, _)| reads_configs_of(p)) {
        for e in &m.facts.entries {
            if let Some(FieldValue::Str(s)) = e.field("model").map(|f| &f.value) {
                match counts.iter_mut().find(|(name, _)| *name == s.value) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((s.value.clone(), 1)),
                }
            }
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    counts.into_iter().map(|(m, _)| m).collect()
}

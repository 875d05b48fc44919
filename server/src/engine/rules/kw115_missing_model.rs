//! KW115 missing-model: an AutoGen 0.4+ model client built without `model`.
//!
//! `OpenAIChatCompletionClient`, `AzureOpenAIChatCompletionClient`,
//! `AnthropicChatCompletionClient` and `OllamaChatCompletionClient` (autogen-ext) take the model
//! as a required keyword: without it the constructor raises ("model is required"), before any
//! key is checked. A call that passes `**kwargs` may carry it and is not reported. No fix: the
//! model is the user's choice; the message names the models the project uses elsewhere.
//!
//! AutoGen 0.2 / AG2 config entries are not checked here: their `model` may come from the
//! `llm_config` around them or from the `create()` call.
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
use crate::engine::python::FieldValue;
use crate::engine::rules::Rule;

/// At most this many models are named in the message.
const MAX_NAMED: usize = 3;

pub(super) fn check(ctx: &PyCtx, out: &mut Vec<Finding>) {
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
        let used = models_used(ctx);
        let elsewhere = if used.is_empty() {
            String::new()
        } else {
            let named: Vec<String> = used
                .iter()
                .take(MAX_NAMED)
                .map(|m| format!("\"{m}\""))
                .collect();
            format!("; this project uses {}", named.join(", "))
        };
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

/// The literal models of the workspace's entries, most used first.
fn models_used(ctx: &PyCtx) -> Vec<String> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for (_, m) in ctx.beyond().python_modules() {
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

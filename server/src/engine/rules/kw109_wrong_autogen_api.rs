//! KW109 wrong-autogen-api: an AutoGen 0.2 / AG2 keyword passed to an AutoGen 0.4+ agent, or
//! the reverse.
//!
//! AutoGen 0.4 (`autogen_agentchat`) agents take a model client:
//! `AssistantAgent("a", model_client=OpenAIChatCompletionClient(...))`. AutoGen 0.2 / AG2
//! (`autogen`, `ag2`) agents take `llm_config={...}`. Passing the other generation's keyword is
//! a `TypeError` at best; with `**kwargs` it is silently ignored and the agent has no model.
//! Code mixing both generations in one file usually comes from copying examples across
//! versions; the message says so.
//!
//! Bad:
//! ```python
//! from autogen_agentchat.agents import AssistantAgent
//! AssistantAgent("writer", llm_config={"config_list": config_list})
//! ```
//! Good:
//! ```python
//! AssistantAgent("writer", model_client=OpenAIChatCompletionClient(model="gpt-4o"))
//! ```
//!
//! No automatic fix: the two APIs configure models differently.

use super::PyCtx;
use crate::engine::diagnostic::Finding;
use crate::engine::providers::Generation;
use crate::engine::rules::Rule;

pub(super) fn check(ctx: &PyCtx, out: &mut Vec<Finding>) {
    let has = |g: Generation| {
        ctx.facts
            .agents
            .iter()
            .any(|a| a.constructor.generation == g)
            || ctx.facts.entries.iter().any(|e| e.generation == g)
    };
    let mixed = has(Generation::V02) && has(Generation::V04);
    for agent in &ctx.facts.agents {
        let c = agent.constructor;
        let (wrong, right, package, generation) = match c.generation {
            Generation::V04 => ("llm_config", "model_client", "autogen_agentchat", "0.4+"),
            _ => ("model_client", "llm_config", "autogen", "0.2 / AG2"),
        };
        for kwarg in agent.kwargs.iter().filter(|k| k.name == wrong) {
            let mut message = format!(
                "`{wrong}=` is not accepted by {} from {package} (AutoGen {generation}), which takes `{right}=`",
                c.name
            );
            if mixed {
                message.push_str("; this file mixes AutoGen 0.2 and 0.4 APIs");
            }
            out.push(Finding::new(
                Rule::KW109,
                ctx.path,
                kwarg.name_span,
                message,
            ));
        }
    }
}

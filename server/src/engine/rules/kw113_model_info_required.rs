//! KW113 model-info-required: an AutoGen 0.4+ `OpenAIChatCompletionClient` (or
//! `AzureOpenAIChatCompletionClient`) for a model autogen-ext does not know, without
//! `model_info`.
//!
//! The client looks its model up in autogen-ext's table (`autogen_ext/models/openai/
//! _model_info.py`: `_MODEL_INFO`, and `_MODEL_POINTERS` such as `gpt-4o` →
//! `gpt-4o-2024-08-06`) unless `model_info` (or the deprecated `model_capabilities`) is given,
//! and raises "model_info is required when model name is not a valid OpenAI model" for any
//! other name: Gemini, Ollama, DeepSeek, OpenRouter or vLLM models served through the OpenAI
//! API. keywire reads the table of the autogen-ext installed in the project's virtualenv when
//! there is one, else the table of the newest release (data, generated from its wheel by
//! `server/scripts/gen_package_data.py`). Only a literal model name is judged; a call with
//! `**kwargs` is not.
//!
//! Fix (unsafe: the values describe the model, check them): add a `model_info` with the fields
//! `autogen_core.models.ModelInfo` requires (`vision`, `function_calling`, `json_output`,
//! `family`; `structured_output` warns when missing since 0.4.7).
//!
//! Bad:
//! ```python
//! client = OpenAIChatCompletionClient(model="llama3.2", base_url="http://localhost:11434/v1", api_key="ollama")
//! ```
//! Good:
//! ```python
//! client = OpenAIChatCompletionClient(
//!     model="llama3.2",
//!     base_url="http://localhost:11434/v1",
//!     api_key="ollama",
//!     model_info={"vision": False, "function_calling": True, "json_output": True, "family": "unknown", "structured_output": True},
//! )
//! ```

use super::helpers::edits;
use super::helpers::packages::environment;
use super::PyCtx;
use crate::engine::diagnostic::{Finding, Fix};
use crate::engine::packages::{MODELS, MODELS_FROM};
use crate::engine::providers::{ConstructorKind, Generation};
use crate::engine::python::FieldValue;
use crate::engine::rules::Rule;

/// The clients that look the model up (`BaseOpenAIChatCompletionClient.__init__`).
const CLIENTS: &[&str] = &[
    "OpenAIChatCompletionClient",
    "AzureOpenAIChatCompletionClient",
];

const SKELETON: &str = r#"{"vision": False, "function_calling": True, "json_output": True, "family": "unknown", "structured_output": True}"#;

pub(super) fn check(ctx: &PyCtx, out: &mut Vec<Finding>) {
    for entry in &ctx.facts.entries {
        let Some(c) = entry.constructor else {
            continue;
        };
        if c.kind != ConstructorKind::Client
            || c.generation != Generation::V04
            || !CLIENTS.contains(&c.name)
            || entry.has_splat
            || entry.field("model_info").is_some()
            || entry.field("model_capabilities").is_some()
        {
            continue;
        }
        let Some(model) = entry.field("model") else {
            continue;
        };
        let FieldValue::Str(name) = &model.value else {
            continue;
        };
        let ws = ctx.beyond();
        let env = environment(ws, ctx.path);
        let installed = env.installed.and_then(|i| {
            let models = i.models.as_ref()?;
            let version = i.dists.get("autogen-ext")?.version.to_string();
            Some((models, version))
        });
        let (known, from) = match &installed {
            Some((models, version)) => (
                models.contains(&name.value),
                format!("the installed autogen-ext {version}"),
            ),
            None => (
                MODELS.contains(&name.value.as_str()),
                format!("{MODELS_FROM} (the newest release)"),
            ),
        };
        // A documentation placeholder (`{model-name}`, `<your model>`) is no model name.
        let placeholder = name
            .value
            .contains(|c: char| c.is_whitespace() || matches!(c, '{' | '}' | '<' | '>'));
        if known || name.value.is_empty() || placeholder {
            continue;
        }
        out.push(
            Finding::new(
                Rule::KW113,
                ctx.path,
                model.value_span,
                format!(
                    "{} does not know the model \"{}\" ({from}) and no `model_info` is given: the constructor raises \"model_info is required when model name is not a valid OpenAI model\"",
                    c.name, name.value
                ),
            )
            .fix(Fix {
                title: "Add `model_info` describing the model".into(),
                edits: vec![edits::add_field(ctx, entry, "model_info", SKELETON)],
                safe: false,
                sensitive: false,
            }),
        );
    }
}

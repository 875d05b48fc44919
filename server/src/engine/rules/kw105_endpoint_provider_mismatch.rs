//! KW105 endpoint-provider-mismatch: the endpoint belongs to another provider than the client
//! the entry selects.
//!
//! AutoGen 0.2 / AG2 pick the client from `api_type` (missing means OpenAI). An Azure OpenAI
//! endpoint (`*.openai.azure.com`, `*.cognitiveservices.azure.com`, `*.services.ai.azure.com`)
//! used without `"api_type": "azure"` is called with OpenAI's authentication and URL layout and
//! answers 401 / 404; `"api_type": "azure"` with a non-Azure host, or any `api_type` whose
//! provider does not own the `base_url`'s host, fails the same way. In AutoGen 0.4 an Azure
//! endpoint needs `AzureOpenAIChatCompletionClient`, not `OpenAIChatCompletionClient`, and with
//! the openai SDK itself `AzureOpenAI`, not `OpenAI(base_url=...)`. A provider SDK's client
//! (`anthropic.Anthropic(base_url=...)`, `groq.Groq`, …) pointed at another provider's host is
//! reported like an entry whose `api_type` names its provider.
//! Hosts come from string literals or from the value of the variable in a loaded `.env`.
//! Azure's OpenAI-compatible `…/openai/v1/` endpoints are called with the OpenAI client as they
//! are, and are not reported.
//!
//! Bad:
//! ```python
//! {"model": "gpt-4o", "base_url": "https://my-res.openai.azure.com/", "api_key": ...}
//! ```
//! Good:
//! ```python
//! {"model": "gpt-4o", "base_url": "https://my-res.openai.azure.com/", "api_type": "azure",
//!  "api_version": "2024-10-21", "api_key": ...}
//! ```
//!
//! The entries of an `OAI_CONFIG_LIST` file (AutoGen's JSON config list) are checked the same
//! way, templates included; the fix then edits the JSON in its own layout.
//!
//! Fix (0.2 / AG2 entries, unsafe): add `"api_type": "azure"`. It selects another client, and
//! Azure's OpenAI-compatible `/openai/v1/` endpoints do work with the OpenAI client.

use super::helpers::edits;
use super::helpers::entry::{EntryInfo, Resolved};
use super::PyCtx;
use crate::engine::diagnostic::{Finding, Fix};
use crate::engine::providers::{self, Generation, ProviderId};
use crate::engine::python::FieldValue;
use crate::engine::rules::Rule;

pub(super) fn check(ctx: &PyCtx, out: &mut Vec<Finding>) {
    for entry in &ctx.facts.entries {
        let info = EntryInfo::new(ctx, entry);
        let (Some(host), Some(endpoint)) = (info.host.as_deref(), info.endpoint) else {
            continue;
        };
        let Some(host_provider) = providers::provider_for_host(host) else {
            continue;
        };
        let endpoint_name = &endpoint.key;
        // Azure's `https://x.openai.azure.com/openai/v1/` is its OpenAI-compatible API, which
        // the plain OpenAI client calls as it is.
        let openai_compatible = Resolved::of(ctx, endpoint)
            .value()
            .is_some_and(|(url, _)| url.to_ascii_lowercase().contains("/openai/v1"));
        if host_provider.id == ProviderId::Azure
            && info.client.id != ProviderId::Azure
            && !openai_compatible
        {
            if info.takes_api_type() {
                let (message, fix) = match info.api_type {
                    None => (
                        format!("`{endpoint_name}` is an Azure OpenAI endpoint ({host}) but the entry has no \"api_type\": \"azure\", so AutoGen calls it as plain OpenAI"),
                        Some(Fix {
                            title: "Add `\"api_type\": \"azure\"`".into(),
                            edits: vec![edits::add_field(ctx, entry, "api_type", "\"azure\"")],
                            // Selects another client; Azure's `/openai/v1/` endpoints work with
                            // the OpenAI client, so the entry may be right as it is.
                            safe: false,
                            sensitive: false,
                        }),
                    ),
                    Some(field) => (
                        format!("`{endpoint_name}` is an Azure OpenAI endpoint ({host}) but api_type selects {}", info.client.display),
                        matches!(field.value, FieldValue::Str(_)).then(|| Fix {
                            title: "Set \"api_type\" to \"azure\"".into(),
                            edits: vec![edits::replace(ctx.path, field.value_span, "\"azure\"")],
                            // Selects another client (and its credentials): review it.
                            safe: false,
                            sensitive: false,
                        }),
                    ),
                };
                let mut finding = Finding::new(Rule::KW105, ctx.path, endpoint.span, message);
                if let Some(fix) = fix {
                    finding = finding.fix(fix);
                }
                out.push(finding);
            } else if let Some(c) = entry.constructor {
                let hint = match c.generation {
                    Generation::V04 => "use AzureOpenAIChatCompletionClient(azure_endpoint=..., azure_deployment=..., api_version=...)",
                    Generation::Sdk => "use AzureOpenAI(azure_endpoint=..., api_version=...), or the endpoint's OpenAI-compatible `/openai/v1/` path",
                    _ => "use an Azure configuration (api_type \"azure\")",
                };
                out.push(Finding::new(
                    Rule::KW105,
                    ctx.path,
                    endpoint.span,
                    format!(
                        "{} is pointed at an Azure OpenAI endpoint ({host}); {hint}",
                        c.name
                    ),
                ));
            }
            continue;
        }
        if info.client.id == host_provider.id || providers::is_local_host(host) {
            continue;
        }
        // An explicit provider choice that disagrees with the host. Plain OpenAI entries
        // talking to another provider's OpenAI-compatible endpoint are fine.
        let explicit = info.client.id != ProviderId::OpenAi
            && (info.api_type.is_some() || entry.constructor.is_some_and(|c| c.provider.is_some()));
        if !explicit {
            continue;
        }
        let anchor = info.api_type.map_or(entry.anchor, |f| f.span);
        out.push(
            Finding::new(
                Rule::KW105,
                ctx.path,
                anchor,
                format!(
                    "this entry uses the {} client but `{endpoint_name}` points at {} ({host})",
                    info.client.display, host_provider.display
                ),
            )
            .related(ctx.path, endpoint.span, "endpoint set here"),
        );
    }
}

//! KW114 local-endpoint-path: an OpenAI-compatible `base_url` for a local model server without
//! the `/v1` path the server's OpenAI API lives under.
//!
//! The OpenAI client (and every AutoGen client built on it: 0.2 / AG2 entries without
//! `api_type`, AutoGen 0.4's `OpenAIChatCompletionClient`, AG2's `OpenAIConfig`) appends
//! `/chat/completions` to `base_url`. Ollama (port 11434) and LM Studio (port 1234) serve the
//! OpenAI API only under `/v1`, so `http://localhost:11434` answers every request with 404. vLLM
//! (port 8000) does the same, but 8000 is also where any local web app listens: on a local host
//! it is a hint. llama.cpp's server and LocalAI (port 8080) answer without `/v1` too, and are not
//! reported. Clients that speak Ollama's own API (`api_type: "ollama"`,
//! `OllamaChatCompletionClient`) take the bare host and are not reported either.
//!
//! Bad:
//! ```python
//! {"model": "llama3.1", "base_url": "http://localhost:11434", "api_key": "ollama"}
//! ```
//! Good:
//! ```python
//! {"model": "llama3.1", "base_url": "http://localhost:11434/v1", "api_key": "ollama"}
//! ```
//!
//! Fix (safe): append `/v1` to the URL.

use super::helpers::edits;
use super::helpers::entry::EntryInfo;
use super::PyCtx;
use crate::engine::diagnostic::{Finding, Fix};
use crate::engine::providers::{self, ProviderId};
use crate::engine::python::FieldValue;
use crate::engine::rules::Rule;
use crate::engine::Severity;

/// Local model servers whose OpenAI API is only under `/v1`, by port: name, and whether the
/// port alone says which server it is (else only on a local host, and as a hint).
const SERVERS: &[(u16, &str, bool)] = &[
    (11434, "Ollama", true),
    (1234, "LM Studio", true),
    (8000, "vLLM", false),
];

pub(super) fn check(ctx: &PyCtx, out: &mut Vec<Finding>) {
    for entry in &ctx.facts.entries {
        let info = EntryInfo::new(ctx, entry);
        if info.client.id != ProviderId::OpenAi {
            continue;
        }
        let Some(endpoint) = info.endpoint else {
            continue;
        };
        // `api_base` is openai < 1's name, which current clients do not read (KW102 says so).
        if endpoint.key != "base_url" {
            continue;
        }
        let FieldValue::Str(lit) = &endpoint.value else {
            continue;
        };
        let url = lit.value.trim();
        let Some((server, certain)) = server_without_v1(url) else {
            continue;
        };
        let base = url.trim_end_matches('/');
        let fixed = format!("{base}/v1");
        let message = if certain {
            format!(
                "`{}` looks like {server}'s address without `/v1`: the OpenAI client posts to `{base}/chat/completions`, which {server} answers with 404 (its OpenAI-compatible API is under `/v1`)",
                endpoint.key
            )
        } else {
            format!(
                "`{}` has no `/v1`: if this is {server} (its default port), the OpenAI client's `{base}/chat/completions` gets 404 (its OpenAI-compatible API is under `/v1`)",
                endpoint.key
            )
        };
        let mut finding = Finding::new(Rule::KW114, ctx.path, lit.span, message).fix(Fix {
            title: format!("Use `{fixed}`"),
            edits: vec![edits::replace_string_value(ctx, lit.span, &fixed)],
            safe: true,
            sensitive: false,
        });
        if !certain {
            finding = finding.severity(Severity::Hint);
        }
        out.push(finding);
    }
}

/// The server a URL with an empty path points at, and whether that is certain.
fn server_without_v1(url: &str) -> Option<(&'static str, bool)> {
    let rest = url.split_once("://").map(|(_, r)| r)?;
    let (authority, path) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
    if !(path.is_empty() || path == "/") {
        return None;
    }
    let port: u16 = authority.rsplit_once(':')?.1.parse().ok()?;
    let host = providers::host_of(url)?;
    let &(_, name, by_port) = SERVERS.iter().find(|(p, _, _)| *p == port)?;
    if by_port {
        Some((name, true))
    } else {
        providers::is_local_host(host).then_some((name, false))
    }
}

#[cfg(test)]
mod tests {
    use super::server_without_v1;

    #[test]
    fn only_bare_addresses_of_servers_that_need_v1() {
        assert_eq!(
            server_without_v1("http://localhost:11434"),
            Some(("Ollama", true))
        );
        assert_eq!(
            server_without_v1("http://gpu-box:11434/"),
            Some(("Ollama", true))
        );
        assert_eq!(
            server_without_v1("http://127.0.0.1:1234"),
            Some(("LM Studio", true))
        );
        assert_eq!(
            server_without_v1("http://localhost:8000"),
            Some(("vLLM", false))
        );
        assert_eq!(server_without_v1("http://api.example.com:8000"), None);
        assert_eq!(server_without_v1("http://localhost:11434/v1"), None);
        assert_eq!(server_without_v1("http://localhost:11434/api"), None);
        assert_eq!(server_without_v1("http://localhost:8080"), None);
        assert_eq!(server_without_v1("https://api.openai.com"), None);
        assert_eq!(server_without_v1("localhost:11434"), None);
    }
}

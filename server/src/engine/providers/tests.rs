//! Lookups over the provider tables, and the tables' consistency with the generated key
//! tables.

use super::*;

#[test]
fn keys_map_to_providers_by_longest_prefix() {
    assert_eq!(
        provider_for_key("sk-ant-api03-abc").unwrap().id,
        "anthropic"
    );
    assert_eq!(provider_for_key("sk-or-v1-abc").unwrap().id, "openrouter");
    assert_eq!(provider_for_key("sk-proj-abc").unwrap().id, "openai");
    // DeepSeek / DashScope: `sk-` and 32 hex digits.
    assert!(provider_for_key("sk-0f3a9c2e7b14d58a6c0e9f2b3d4a5c6e").is_none());
    assert_eq!(provider_for_key("gsk_abc").unwrap().id, "groq");
    assert_eq!(provider_for_key("AIzaSyabc").unwrap().id, "google");
    assert_eq!(
        provider_for_key("0123456789abcdef0123456789ABCDEF")
            .unwrap()
            .id,
        "azure"
    );
    assert!(provider_for_key("hello").is_none());
    assert_eq!(public_prefix("sk-ant-api03-zzz"), Some("sk-ant-api03-"));
}

#[test]
fn variables_and_hosts_map_to_providers() {
    assert_eq!(
        provider_for_var("AZURE_OPENAI_API_KEY").unwrap().id,
        "azure"
    );
    assert_eq!(provider_for_var("OPENAI_API_KEY").unwrap().id, "openai");
    assert_eq!(provider_for_var("MY_OPENAI_KEY").unwrap().id, "openai");
    assert_eq!(provider_for_var("GROQ_API_KEY").unwrap().id, "groq");
    assert!(provider_for_var("API_KEY").is_none());
    assert_eq!(
        provider_for_host("my-res.openai.azure.com").unwrap().id,
        "azure"
    );
    assert_eq!(provider_for_host("api.openai.com").unwrap().id, "openai");
    assert_eq!(provider_for_host("api.groq.com").unwrap().id, "groq");
    assert!(provider_for_host("example.com").is_none());
    assert_eq!(
        host_of("https://x.openai.azure.com/openai/"),
        Some("x.openai.azure.com")
    );
    assert_eq!(host_of("http://[::1]:8000/v1"), Some("::1"));
    assert_eq!(host_of("http://localhost:11434"), Some("localhost"));
    assert!(is_local_host("127.0.0.1"));
    assert!(!is_local_host("api.openai.com"));
}

#[test]
fn key_tables_are_sorted_and_name_their_source() {
    for table in crate::engine::known_keys::ALL {
        assert!(!table.keys.is_empty() && !table.sources.is_empty());
        assert!(
            table.keys.windows(2).all(|w| w[0] < w[1]),
            "{:?}",
            table.sources
        );
        for source in table.sources {
            // `package version `file Class``
            let mut words = source.split_whitespace();
            let (package, version) = (words.next().unwrap(), words.next().unwrap());
            assert!(
                !package.is_empty()
                    && version.split('.').all(|n| n.parse::<u32>().is_ok())
                    && source.contains(".py"),
                "{source}"
            );
        }
    }
}

#[test]
fn valid_keys_are_known() {
    for key in [
        "seed",
        "cache_seed",
        "top_k",
        "temperature",
        "timeout",
        "config_list",
    ] {
        assert!(is_known_v02_key(key), "{key}");
    }
    for key in [
        "apikey",
        "api_base",
        "request_timeout",
        "engine",
        "retry_wait_time",
    ] {
        assert!(!is_known_v02_key(key), "{key}");
    }
    let client = |name| {
        let c = CONSTRUCTORS.iter().find(|c| c.name == name).unwrap();
        client_keywords(c).unwrap()
    };
    let azure = client("AzureOpenAIChatCompletionClient");
    assert!(azure.accepts("azure_endpoint") && !azure.accepts("endpoint"));
    assert!(client("OllamaChatCompletionClient").accepts("Top_K"));
    assert!(client("AzureAIChatCompletionClient").accepts("anything"));
}

#[test]
fn api_types_route_by_prefix() {
    assert_eq!(provider_for_api_type("azure").id, "azure");
    assert_eq!(provider_for_api_type("google").id, "google");
    assert_eq!(provider_for_api_type("open_ai").id, "openai");
    assert!(!is_known_api_type("open_ai"));
    assert!(is_known_api_type("azure"));
}

#[test]
fn sdk_clients_read_a_variable_or_cloud_credentials() {
    let sdk: Vec<&Constructor> = CONSTRUCTORS
        .iter()
        .filter(|c| c.generation == Generation::Sdk)
        .collect();
    assert!(sdk.len() >= 14);
    for c in sdk {
        assert_eq!(c.kind, ConstructorKind::Client, "{}", c.name);
        let p = provider(c.provider.unwrap()).unwrap();
        assert!(
            c.cloud_credentials || c.key_var.or(p.fallback_var).is_some(),
            "{} reads no variable",
            c.name
        );
        // Never AutoGen's packages: an SDK client is no AutoGen class.
        assert!(
            c.packages
                .iter()
                .all(|p| !p.starts_with("autogen") && !p.starts_with("ag2")),
            "{}",
            c.name
        );
    }
}

//! Misspelt and legacy config-entry keys: KW102 reports them, and KW101 leaves an entry alone
//! whose `api_key` is only misspelt (KW102 says so).

use crate::engine::python::{ConfigEntry, Field};

/// Misspelt or legacy config-entry keys and their real names. None of them is accepted by any
/// version keywire knows (a test checks this against `known_keys`).
pub(crate) const ENTRY_RENAMES: &[(&str, &str)] = &[
    ("apikey", "api_key"),
    ("apiKey", "api_key"),
    ("api-key", "api_key"),
    ("API_KEY", "api_key"),
    ("Api_Key", "api_key"),
    ("openai_api_key", "api_key"),
    ("key", "api_key"),
    ("api_base", "base_url"),
    ("base-url", "base_url"),
    ("baseurl", "base_url"),
    ("baseUrl", "base_url"),
    ("baseURL", "base_url"),
    ("request_timeout", "timeout"),
    ("engine", "model"),
    ("deployment_name", "model"),
    ("deployment_id", "model"),
    ("apiType", "api_type"),
    ("api-type", "api_type"),
    ("apiVersion", "api_version"),
    ("api-version", "api_version"),
];

/// The field of `entry` that is a misspelling of `api_key`, if any.
pub(crate) fn misspelled_key_field(entry: &ConfigEntry) -> Option<&Field> {
    entry
        .fields
        .iter()
        .find(|f| rename_for(&f.key, ENTRY_RENAMES) == Some("api_key"))
}

/// The real name `key` stands for in `table`.
pub(crate) fn rename_for(key: &str, table: &[(&str, &'static str)]) -> Option<&'static str> {
    table
        .iter()
        .find(|(from, _)| *from == key)
        .map(|(_, to)| *to)
}

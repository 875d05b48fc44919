//! What the config-entry rules need to know about one entry (a Python dict or constructor, or
//! an object of an `OAI_CONFIG_LIST` file): which client reads it, which provider it really
//! talks to, its endpoint and its key. Computed from the facts and the provider table only.

use crate::engine::providers::{self, ConstructorKind, Generation, Provider, ProviderId};
use crate::engine::python::{ConfigEntry, EntrySource, EnvRead, Field, FieldValue, StrLit};
use crate::engine::resolve::{EnvDef, Lookup};

use crate::engine::rules::PyCtx;

/// A value as far as keywire can tell: a literal, or an env read and (when a loaded .env
/// defines it) its value there.
pub(crate) enum Resolved<'a> {
    Literal(&'a StrLit),
    Env {
        read: &'a EnvRead,
        lookup: Box<Lookup<'a>>,
    },
    Unknown,
}

impl<'a> Resolved<'a> {
    pub fn of(ctx: &PyCtx<'a>, field: &'a Field) -> Resolved<'a> {
        match &field.value {
            FieldValue::Str(lit) => Resolved::Literal(lit),
            FieldValue::Env(i) => match ctx.facts.env_reads.get(*i) {
                Some(read) => Resolved::Env {
                    read,
                    lookup: Box::new(ctx.scope().lookup(&read.name)),
                },
                None => Resolved::Unknown,
            },
            FieldValue::Other => Resolved::Unknown,
        }
    }

    /// The value and, for env values, where it is defined.
    pub fn value(&self) -> Option<(&str, Option<EnvDef<'_>>)> {
        match self {
            Resolved::Literal(lit) => Some((lit.value.as_str(), None)),
            Resolved::Env { lookup, .. } => lookup.value().map(|(v, d)| (v, Some(d))),
            Resolved::Unknown => None,
        }
    }

    pub fn env_name(&self) -> Option<&str> {
        match self {
            Resolved::Env { read, .. } => Some(&read.name),
            _ => None,
        }
    }
}

pub(crate) struct EntryInfo<'a> {
    pub entry: &'a ConfigEntry,
    /// The provider whose client library handles the entry (reads the fallback variable).
    pub client: &'static Provider,
    /// The provider whose service the entry talks to (the endpoint's, when it is known).
    pub target: &'static Provider,
    /// `api_type` as written (0.2 / AG2 entries).
    pub api_type: Option<&'a Field>,
    pub endpoint: Option<&'a Field>,
    /// The endpoint's host, from a literal or the .env value of its variable.
    pub host: Option<String>,
    pub key: Option<&'a Field>,
    /// The variable the client reads when no key is given.
    pub fallback_var: Option<&'static str>,
    /// No key is needed: a local endpoint or runtime.
    pub local: bool,
    /// Authenticates another way (Azure AD token, credential object, AWS).
    pub other_auth: bool,
    /// The endpoint is computed and keywire cannot read it: the service behind it is unknown
    /// (the client, and the variable it falls back to, are not).
    pub unknown_endpoint: bool,
    /// The client the entry selects cannot talk to its endpoint (KW105 reports it), or what
    /// selects the provider is not a literal: rules about the key stay quiet because the
    /// intended provider is unclear.
    pub conflict: bool,
}

const ENDPOINT_FIELDS: &[&str] = &[
    "base_url",
    "azure_endpoint",
    "endpoint",
    "host",
    "client_host",
    "api_base",
    "model_endpoint",
];

impl<'a> EntryInfo<'a> {
    pub fn new(ctx: &PyCtx<'a>, entry: &'a ConfigEntry) -> EntryInfo<'a> {
        let constructor = entry
            .constructor
            .filter(|c| c.kind == ConstructorKind::Client);
        let api_type = entry.field("api_type");
        let api_type_value = api_type.and_then(|f| match &f.value {
            FieldValue::Str(s) => Some(s.value.as_str()),
            _ => None,
        });
        let endpoint = constructor
            .and_then(|c| entry.field(c.endpoint_kwarg))
            .or_else(|| ENDPOINT_FIELDS.iter().find_map(|k| entry.field(k)));
        let host = endpoint.and_then(|f| {
            let resolved = Resolved::of(ctx, f);
            let (url, _) = resolved.value()?;
            providers::host_of(url).map(str::to_ascii_lowercase)
        });
        let model = entry.field("model").and_then(|f| match &f.value {
            FieldValue::Str(s) => Some(s.value.as_str()),
            _ => None,
        });

        let mut fallback_var = None;
        let client: &'static Provider = match (constructor.and_then(|c| c.provider), api_type_value)
        {
            (Some(id), _) => providers::provider(id).unwrap_or(&providers::PROVIDERS[0]),
            (None, Some(t)) => providers::provider_for_api_type(t),
            (None, None) => &providers::PROVIDERS[0],
        };
        if let Some(c) = constructor {
            if c.generation == Generation::V04 && c.provider == Some(ProviderId::OpenAi) {
                if let Some(route) = model.and_then(|m| {
                    providers::V04_MODEL_ROUTES
                        .iter()
                        .find(|(prefix, _, _)| m.starts_with(prefix))
                }) {
                    fallback_var = Some(route.2);
                }
            }
            if let Some(var) = c.key_var {
                fallback_var = Some(var);
            }
        }
        let fallback_var = fallback_var.or(client.fallback_var);
        let host_provider = host.as_deref().and_then(providers::provider_for_host);
        let routed = fallback_var
            .and_then(providers::provider_for_var)
            .filter(|p| p.id != client.id);
        let target = host_provider.or(routed).unwrap_or(client);
        let explicit =
            client.id != ProviderId::OpenAi && (api_type_value.is_some() || constructor.is_some());
        // What decides the provider is computed (a name imported from elsewhere, a function
        // call): which service the entry talks to is unknown, unless the endpoint says.
        let not_literal =
            |f: Option<&Field>| f.is_some_and(|f| !matches!(f.value, FieldValue::Str(_)));
        let routes_on_model = constructor.is_some_and(|c| {
            c.generation == Generation::V04 && c.provider == Some(ProviderId::OpenAi)
        });
        // An endpoint keywire cannot read (`base_url=os.environ["ENDPOINT"]` with no value in
        // a loaded .env) may be any provider's.
        let unknown_endpoint = endpoint.is_some() && host.is_none();
        let unknown_provider = host_provider.is_none()
            && (not_literal(api_type) || (routes_on_model && not_literal(entry.field("model"))));
        let conflict =
            unknown_provider || host_provider.is_some_and(|h| h.id != client.id && explicit);
        // `"model": "mock"`: a test double's entry, which never reaches a provider.
        let mock_model = model.is_some_and(|m| {
            let m = m.to_ascii_lowercase();
            ["mock", "fake", "dummy"].iter().any(|w| m.contains(w))
        });
        let local = host.as_deref().is_some_and(providers::is_local_host)
            || !client.needs_key
            || mock_model;
        let key = entry.field(constructor.map_or("api_key", |c| c.key_kwarg));
        let other_auth = client.aws_credentials
            || constructor.is_some_and(|c| {
                c.cloud_credentials || c.other_auth_kwargs.iter().any(|k| entry.field(k).is_some())
            })
            || [
                "azure_ad_token",
                "azure_ad_token_provider",
                "credential",
                "aws_access_key",
                "aws_profile_name",
                // Vertex AI: project and service-account credentials instead of a key.
                "project_id",
                "credentials",
                "google_application_credentials",
                // A custom client class: it authenticates however it likes.
                "model_client_cls",
            ]
            .iter()
            .any(|k| entry.field(k).is_some());
        EntryInfo {
            entry,
            client,
            target,
            api_type,
            endpoint,
            host,
            key,
            fallback_var,
            local,
            other_auth,
            unknown_endpoint,
            conflict,
        }
    }

    /// Entries of the 0.2 / AG2 dict family (those `api_type` applies to).
    pub fn takes_api_type(&self) -> bool {
        self.entry.generation == Generation::V02
    }

    /// Talks to Azure OpenAI: selects the Azure client, or is a 0.2 entry whose endpoint is an
    /// Azure host (KW105 asks for the missing `api_type`; the rest of the entry must suit Azure).
    pub fn is_azure(&self) -> bool {
        self.client.id == ProviderId::Azure
            || (self.target.id == ProviderId::Azure
                && self.api_type.is_none()
                && self.takes_api_type())
    }
}

/// For an entry of an `OAI_CONFIG_LIST` file: its `api_key` is there but makes the client read
/// its variable all the same. `null` becomes `None`, which every client replaces with its
/// variable; `""` does so for AutoGen's Gemini client only (`if not self.api_key:` in
/// `autogen/oai/gemini.py`), while the OpenAI and Azure clients send it (they test `is None`).
pub(crate) fn json_key_falls_back(ctx: &PyCtx, info: &EntryInfo) -> bool {
    let Some(key) = info.key.filter(|_| info.entry.source == EntrySource::Json) else {
        return false;
    };
    match &key.value {
        FieldValue::Str(lit) => lit.value.is_empty() && info.client.id == ProviderId::Google,
        _ => ctx.text.get(key.value_span.start..key.value_span.end) == Some("null"),
    }
}

/// Whether `name` is set for the program that reads a config list. Nothing says which program
/// that is (any module may call `config_list_from_json`), so a variable any `.env` or template
/// defines, `env-files` sets, `assume-defined` names or a module writes counts as set.
pub(crate) fn defined_for_config_list(ctx: &PyCtx, name: &str) -> bool {
    let lookup = ctx.scope().lookup(name);
    lookup.is_defined()
        || lookup.unknown_load
        || !lookup.unloaded.is_empty()
        || !lookup.templates.is_empty()
        || ctx
            .ws
            .python_modules()
            .any(|(_, m)| m.facts.env_writes.iter().any(|w| w.name == name))
}

/// The text of a new field that reads `var` from the environment.
pub(crate) fn env_expr(var: &str) -> String {
    format!("os.environ[\"{var}\"]")
}

//! KW101 missing-api-key: a config entry or model client has no API key, and the variable its
//! client falls back to is not defined.
//!
//! When `api_key` is absent, AutoGen (and the OpenAI, Anthropic, … SDKs underneath) read a
//! provider-specific environment variable instead: `OPENAI_API_KEY` for OpenAI entries,
//! `AZURE_OPENAI_API_KEY` for `api_type: "azure"`, `ANTHROPIC_API_KEY`, `GOOGLE_GEMINI_API_KEY`
//! (`GEMINI_API_KEY` for AG2's `GeminiConfig` and AutoGen 0.4 `gemini-*` models; AutoGen
//! 0.4's `OpenAIChatCompletionClient` reads `ANTHROPIC_API_KEY` for `claude-*` and
//! `LLAMA_API_KEY` for `Llama-*` models), `MISTRAL_API_KEY`, `GROQ_API_KEY`, `TOGETHER_API_KEY`, `COHERE_API_KEY`, `CEREBRAS_API_KEY`.
//! If that variable is never set, the first LLM call fails with "invalid API key" / HTTP 401.
//!
//! The providers' own SDK clients, which AutoGen users build beside their agents (and AutoGen
//! 0.4's clients wrap), are read the same way when they resolve through their imports
//! (`from openai import OpenAI`, `import openai` → `openai.OpenAI`, aliases; a class of the
//! project's own named `OpenAI` is not one). Each reads, when no `api_key` is given:
//! - `OpenAI`, `AsyncOpenAI` (and their aliases `openai.Client`, `openai.AsyncClient`, as
//!   anthropic's and groq's `Client` are theirs): `OPENAI_API_KEY` (or `OPENAI_ADMIN_KEY`),
//!   and raise "Missing credentials" without one (openai 3.57.0 `lib/_client_auth.py`, run by
//!   `_client.py`);
//! - `AzureOpenAI`, `AsyncAzureOpenAI`: `AZURE_OPENAI_AD_TOKEN`, then `AZURE_OPENAI_API_KEY`
//!   (`lib/azure.py`; a missing `api_version` is KW106's);
//! - `Anthropic`, `AsyncAnthropic`: `ANTHROPIC_API_KEY`, then `ANTHROPIC_AUTH_TOKEN`, then the
//!   profile `ANTHROPIC_PROFILE` names (anthropic 2.16.0 `_client.py`); `auth_token=`,
//!   `credentials=`, `config=` or `profile=` authenticate instead;
//! - `Groq`, `AsyncGroq`: `GROQ_API_KEY` (groq 1.7.0 `_client.py`);
//! - `Mistral`: `MISTRAL_API_KEY` (mistralai 3.7.0 `client/utils/security.py`);
//! - `google.genai.Client`: `GOOGLE_API_KEY`, else `GEMINI_API_KEY` (google-genai 3.6.1
//!   `_api_client.py`, `get_env_api_key`: `GOOGLE_API_KEY` wins when both are set);
//!   `vertexai=True`, `project=`, `location=` or `credentials=` select Vertex AI.
//!
//! `AnthropicBedrock` and `AnthropicVertex` authenticate with the cloud's credentials (AWS,
//! Google's application-default credentials; `lib/bedrock/_client.py`, `lib/vertex/_client.py`):
//! they are never reported. An SDK client built with `**kwargs` or a positional argument
//! (`Mistral(key)`) is not reported either: what it is given cannot be told.
//!
//! keywire cannot see a shell, so how sure it is depends on what it can see:
//! - the variable is in a `.env` that nothing on the module's import chain loads: a warning
//!   that says so, and the preferred fix loads that file;
//! - the project keeps its environment in files keywire sees (a `.env` or template in the
//!   module's folder or above, a loaded `.env`, `env-files`) and none of them has the variable:
//!   a warning;
//! - otherwise (no `.env` in the checkout, perhaps a gitignored one the user creates after
//!   cloning, or keys exported in the shell): a hint that names the variable the client reads.
//!
//! A variable listed in a template (`.env.example`, `env.sample`, …) with no real `.env`
//! beside it counts as provided when something on the import chain calls `load_dotenv()`: a
//! fresh clone, whose README says to copy the template. Without any `load_dotenv()` the copy is
//! never read, and the preferred fix adds the call. A variable commented out in a template
//! (`# OPENAI_API_KEY=`) is optional and never reported.
//!
//! Not reported when the module reads or writes the variable itself (it checks for it, or sets
//! it), for mock models (`"model": "mock"`), for Google entries in a module that switches to
//! Vertex AI (`GOOGLE_GENAI_USE_VERTEXAI`, `GOOGLE_CLOUD_PROJECT`), for OpenAI and Azure OpenAI
//! entries in a module that imports from `synapse.ml` (Microsoft Fabric, whose runtime
//! authenticates them), for local endpoints
//! (localhost, 127.0.0.0/8, `host.docker.internal`, `*.local`, Ollama), for entries that authenticate another way (`azure_ad_token`,
//! `azure_ad_token_provider`, `credential`, AWS credentials, Vertex AI project/credentials), for
//! custom clients (`model_client_cls`), when the provider cannot be told, or when KW102 found a
//! misspelled `api_key` in the same entry.
//!
//! When a loaded `.env` sets the key under a name the SDK does not read (`OPENAI_KEY`), KW205
//! reports it there instead.
//!
//! Bad:
//! ```python
//! config_list = [{"model": "gpt-4o"}]          # and .env lacks OPENAI_API_KEY
//! ```
//! Good:
//! ```python
//! config_list = [{"model": "gpt-4o", "api_key": os.environ["OPENAI_API_KEY"]}]
//! ```
//! If the variable is only set in your shell or deployment, list it under `assume-defined` in
//! `[tool.keywire]`.
//!
//! In an `OAI_CONFIG_LIST` file (AutoGen's JSON config list) an entry without `api_key`, or
//! with `"api_key": null` (or `""` for the Gemini client, which treats it as unset), makes the
//! client read the same variable. No program is known to read the file, so a definition in any
//! `.env` or template counts, and the only fix adds `<VAR>=` to the nearest `.env`. Templates
//! (`OAI_CONFIG_LIST_sample`) are not checked for missing keys. In a notebook, "nothing loads
//! the `.env`" is a hint: VS Code's Jupyter extension loads the workspace's `.env` itself.
//!
//! Azure OpenAI needs an endpoint as it needs a key: an entry with `"api_type": "azure"`, an
//! `AzureOpenAIChatCompletionClient` or the SDK's `AzureOpenAI` without `base_url` /
//! `azure_endpoint` reads `AZURE_OPENAI_ENDPOINT`, and the client raises when it is built if
//! that is unset too (openai `lib/azure.py`). Reported the same way (warning where `.env` files
//! are in view, with the fix that adds the variable; hint otherwise).
//!
//! Fixes (none applied by `--fix`: each changes what the program does): when the variable
//! sits in a `.env` nothing loads, add `load_dotenv()` (reading it in code would only trade the
//! 401 for a `KeyError`); where the project keeps its variables in `.env` files, add `<VAR>=`
//! to the `.env` (the preferred fix); and insert `"api_key": os.environ["<VAR>"]`
//! (`api_key=os.environ["<VAR>"]` for constructors), adding `import os` when missing, which
//! makes the dependency explicit (KW201 then reports the read until the variable is set).

use super::helpers::edits;
use super::helpers::entry::{defined_for_config_list, env_expr, json_key_falls_back, EntryInfo};
use super::helpers::keys::misspelled_key_field;
use super::PyCtx;
use crate::engine::diagnostic::{Finding, Fix, Severity};
use crate::engine::providers::{self, Generation, ProviderId, AZURE_ENDPOINT_VAR};
use crate::engine::python::FieldValue;
use crate::engine::rules::Rule;

pub(super) fn check(ctx: &PyCtx, out: &mut Vec<Finding>) {
    azure_endpoints(ctx, out);
    for entry in &ctx.facts.entries {
        let info = EntryInfo::new(ctx, entry);
        let falls_back = json_key_falls_back(ctx, &info);
        if (info.key.is_some() && !falls_back)
            || info.local
            || info.other_auth
            || info.conflict
            || entry.has_splat
        {
            continue;
        }
        if misspelled_key_field(entry).is_some() {
            continue;
        }
        let what = match entry.constructor {
            // An SDK's class names are generic (`Client`): the package says which one.
            Some(c) if c.generation == Generation::Sdk => format!(
                "{}.{}() has no `{}`",
                c.packages.first().copied().unwrap_or_default(),
                c.name,
                c.key_kwarg
            ),
            Some(c) => format!("{} has no `{}`", c.name, c.key_kwarg),
            None => "config entry has no \"api_key\"".to_string(),
        };
        if ctx.config_list.is_some() {
            if let Some(var) = info.fallback_var {
                config_list_entry(ctx, &info, var, out);
            }
            continue;
        }
        let Some(var) = info.fallback_var else {
            if entry
                .constructor
                .is_some_and(|c| c.key_kwarg == "credential")
            {
                out.push(Finding::new(
                    Rule::KW101,
                    ctx.path,
                    entry.anchor,
                    format!("{what}: {} needs a credential, e.g. `credential=AzureKeyCredential(os.environ[\"AZURE_AI_API_KEY\"])`", info.client.display),
                ));
            }
            continue;
        };
        // The module handles the variable itself (`if os.getenv("X"): ...`, a check that
        // raises), or switches Google's client to Vertex AI: the fallback is deliberate.
        let touches = |name: &str| {
            ctx.facts.env_reads.iter().any(|r| r.name == name)
                || ctx.facts.env_writes.iter().any(|w| w.name == name)
        };
        // Microsoft Fabric's runtime gives OpenAI and Azure OpenAI clients their credentials
        // (`synapse.ml.fabric.credentials`): no key is set there.
        let fabric = || {
            matches!(info.client.id, ProviderId::OpenAi | ProviderId::Azure)
                && ctx
                    .facts
                    .imports
                    .iter()
                    .any(|i| i.module == "synapse.ml" || i.module.starts_with("synapse.ml."))
        };
        if touches(var)
            || (info.client.id == ProviderId::Google
                && providers::VERTEX_AI_VARS.iter().any(|v| touches(v)))
            || fabric()
        {
            continue;
        }
        let scope = ctx.scope();
        if providers::equivalent_vars(var)
            .iter()
            .any(|v| *v != var && scope.lookup(v).is_defined())
        {
            continue;
        }
        // An SDK client that reads another credential variable in its place
        // (`AZURE_OPENAI_AD_TOKEN`, `ANTHROPIC_AUTH_TOKEN`) authenticates with it.
        if entry.constructor.is_some_and(|c| {
            c.alt_key_vars
                .iter()
                .any(|v| touches(v) || scope.lookup(v).is_defined())
        }) {
            continue;
        }
        let lookup = scope.lookup(var);
        if lookup.is_defined() || lookup.unknown_load {
            continue;
        }
        // A loaded .env sets the key under a name the SDK does not read: KW205 reports it there.
        if providers::UNREAD_VAR_NAMES
            .iter()
            .filter(|(_, real, _)| *real == var)
            .any(|(wrong, _, _)| !scope.lookup(wrong).loaded.is_empty())
        {
            continue;
        }
        let client = info.client.display;
        let notebook = ctx.is_notebook();
        let loads_missing = scope.env_loads().next().is_none();
        let mut fixes = Vec::new();
        // The load_dotenv() fix is offered: it removes the cause.
        let mut loads_the_file = false;
        let mut related = None;
        let (message, severity) = if let Some(def) = lookup.unloaded.first() {
            let env = ctx.ws.display_path(def.env);
            related = Some((
                def.env,
                def.entry.key_span,
                format!("{var} is defined here"),
            ));
            if loads_missing {
                fixes.push(edits::load_dotenv_fix(ctx));
                loads_the_file = true;
            }
            (
                format!(
                    "{var} is set in {env}, but nothing on this module's import chain loads that file; {what}, so the {client} client gets no key"
                ),
                Severity::Warning,
            )
        } else if scope.sees_env_files() {
            let mut m = format!(
                "{what}, and {var}, which the {client} client reads instead, is in none of the .env files this module loads"
            );
            if let Some(def) = lookup.templates.first() {
                let template = ctx.ws.display_path(def.env);
                if loads_missing {
                    m = format!(
                        "{what}, and {var}, which the {client} client reads instead, is only listed in {template}: nothing on this module's import chain calls load_dotenv(), so a .env copied from it is never read"
                    );
                    fixes.push(edits::load_dotenv_fix(ctx));
                    loads_the_file = true;
                } else {
                    m.push_str(&format!(" (it is listed in {template})"));
                }
            }
            // Preferred: define the variable. Reading it in code as well stays on offer (it
            // makes the dependency explicit; KW201 then points at the read until it is set).
            fixes.extend(edits::add_to_env(ctx, var));
            (m, Severity::Warning)
        } else {
            // A module that does not parse cannot run: a hint there is noise.
            if ctx.facts.has_syntax_errors {
                continue;
            }
            (
                format!(
                    "{what}: the {client} client reads {var} from the environment; keywire sees no .env for this module, so set it in your shell or a `.env`"
                ),
                Severity::Hint,
            )
        };
        // Where the file is not loaded, reading the variable in code would only trade the
        // 401 for a KeyError: loading the file is the fix.
        let mut edits = vec![edits::add_field(
            ctx,
            entry,
            entry_key_name(&info),
            &env_expr(var),
        )];
        edits.extend(edits::import_os(ctx));
        if !loads_the_file && related.is_none() {
            fixes.push(Fix {
                title: format!(
                    "Add `{}`",
                    entry.field_text(entry_key_name(&info), &env_expr(var))
                ),
                edits,
                safe: false,
                sensitive: false,
            });
        }
        // Jupyter reads no .env, but VS Code's Jupyter extension loads the workspace's .env into
        // the kernel: in a notebook, a file nothing loads may still be seen.
        let severity = if loads_the_file && notebook {
            Severity::Hint
        } else {
            severity
        };
        let mut finding =
            Finding::new(Rule::KW101, ctx.path, entry.anchor, message).severity(severity);
        if let Some((path, span, msg)) = related {
            finding = finding.related(path, span, msg);
        }
        for fix in fixes {
            finding = finding.fix(fix);
        }
        out.push(finding);
    }
}

/// An `OAI_CONFIG_LIST` entry without a key (or with one the client replaces by its variable).
/// No program is known to read the file, so no `load_dotenv()` or code fix: the variable must
/// be set wherever the program runs. Templates are left alone: a missing key there is for the
/// user to fill in.
fn config_list_entry(ctx: &PyCtx, info: &EntryInfo, var: &str, out: &mut Vec<Finding>) {
    if ctx.is_template_list()
        || providers::equivalent_vars(var)
            .iter()
            .any(|v| defined_for_config_list(ctx, v))
        || defined_for_config_list(ctx, var)
    {
        return;
    }
    let client = info.client.display;
    let what = match info.key.map(|k| &k.value) {
        None => "config entry has no \"api_key\"".to_string(),
        Some(FieldValue::Str(_)) => {
            format!("\"api_key\" is empty, which the {client} client treats as no key")
        }
        Some(_) => "\"api_key\" is null".to_string(),
    };
    let scope = ctx.scope();
    let (message, severity) = if scope.sees_env_files() {
        (
            format!(
                "{what}, and {var}, which the {client} client reads instead, is in none of the .env files keywire sees"
            ),
            Severity::Warning,
        )
    } else {
        (
            format!(
                "{what}: the {client} client reads {var} from the environment; keywire sees no .env here, so set it in your shell or a `.env`"
            ),
            Severity::Hint,
        )
    };
    let mut finding =
        Finding::new(Rule::KW101, ctx.path, info.entry.anchor, message).severity(severity);
    if let Some(fix) = edits::add_to_env(ctx, var) {
        finding = finding.fix(fix);
    }
    out.push(finding);
}

fn entry_key_name(info: &EntryInfo) -> &'static str {
    info.entry.constructor.map_or("api_key", |c| {
        if c.key_kwarg.is_empty() {
            "api_key"
        } else {
            c.key_kwarg
        }
    })
}

/// Where an Azure OpenAI entry or client names its endpoint.
const AZURE_ENDPOINT_FIELDS: &[&str] = &["azure_endpoint", "base_url", "api_base", "endpoint"];

/// An Azure OpenAI entry or client without an endpoint, where `AZURE_OPENAI_ENDPOINT` (which
/// the `AzureOpenAI` client reads in its place) is defined nowhere: the client raises "Must
/// provide one of the `base_url` or `azure_endpoint` arguments, or the `AZURE_OPENAI_ENDPOINT`
/// environment variable" when it is built (openai `lib/azure.py`).
fn azure_endpoints(ctx: &PyCtx, out: &mut Vec<Finding>) {
    for entry in &ctx.facts.entries {
        // A custom `http_client` carries its own base URL; Microsoft Fabric's runtime
        // (`synapse.ml`) gives its clients their endpoint.
        if entry.has_splat
            || entry.field("http_client").is_some()
            || AZURE_ENDPOINT_FIELDS
                .iter()
                .any(|f| entry.field(f).is_some())
            || ctx
                .facts
                .imports
                .iter()
                .any(|i| i.module == "synapse.ml" || i.module.starts_with("synapse.ml."))
        {
            continue;
        }
        let info = EntryInfo::new(ctx, entry);
        if !info.is_azure() || info.local {
            continue;
        }
        let var = AZURE_ENDPOINT_VAR;
        let touched = ctx.facts.env_reads.iter().any(|r| r.name == var)
            || ctx.facts.env_writes.iter().any(|w| w.name == var);
        // The `.env` fix works only where the module loads a `.env` (or, for a config list,
        // where any `.env` counts).
        let (defined, sees_env, fixable) = if ctx.config_list.is_some() {
            (defined_for_config_list(ctx, var), true, true)
        } else {
            let lookup = ctx.scope().lookup(var);
            let loads_file = ctx
                .scope()
                .env_loads()
                .any(|l| matches!(l.target, crate::engine::resolve::LoadTarget::File(_)));
            (
                lookup.is_defined() || lookup.unknown_load || !lookup.unloaded.is_empty(),
                ctx.scope().sees_env_files(),
                loads_file,
            )
        };
        if defined || touched {
            continue;
        }
        let what = match entry.constructor {
            Some(c) => format!("{} has no `azure_endpoint`", c.name),
            None => "this Azure OpenAI entry has no `base_url`".to_string(),
        };
        let mut finding = if sees_env {
            Finding::new(
                Rule::KW101,
                ctx.path,
                entry.anchor,
                format!("{what}, and {var}, which the Azure OpenAI client reads instead, is in none of the .env files this module loads: the client raises when it is built"),
            )
        } else {
            Finding::new(
                Rule::KW101,
                ctx.path,
                entry.anchor,
                format!("{what}: the Azure OpenAI client reads {var} from the environment; keywire sees no .env for this module, so set it in your shell or a `.env`"),
            )
            .severity(Severity::Hint)
        };
        if sees_env && fixable {
            if let Some(fix) = edits::add_to_env(ctx, var) {
                finding = finding.fix(fix);
            }
        }
        out.push(finding);
    }
}

//! KW103 placeholder-api-key: the API key is empty or a placeholder copied from documentation.
//!
//! `"api_key": "sk-..."`, `"YOUR_API_KEY"`, `"<your key>"`, `"xxxx"`, `"changeme"` or `""` on a
//! real endpoint is sent as-is and rejected with 401. A `sess-…` value is a ChatGPT web session
//! token, which the API never accepts. Local endpoints (localhost, Ollama, LM Studio) need no
//! key, so conventional dummy values there ("NULL", "EMPTY", "ollama", "lm-studio",
//! "not-needed") are fine.
//!
//! Bad:
//! ```python
//! OpenAIChatCompletionClient(model="gpt-4o", api_key="sk-...")
//! ```
//! Good:
//! ```python
//! OpenAIChatCompletionClient(model="gpt-4o", api_key=os.environ["OPENAI_API_KEY"])
//! ```
//!
//! The providers' own SDK clients (`OpenAI(api_key="sk-your-key-here")`, `Anthropic`, `Groq`,
//! `Mistral`, `google.genai.Client`: see KW101) are checked like AutoGen's.
//!
//! The same holds for a placeholder or empty value written into the environment for a key
//! variable (`os.environ["OPENAI_API_KEY"] = ""`): the variable then counts as set, and every
//! client that falls back to it sends that value.
//!
//! In an `OAI_CONFIG_LIST` file (AutoGen's JSON config list) a value is only ever a literal:
//! JSON is not evaluated. `"api_key": "OPENAI_API_KEY"` (a variable's name),
//! `"api_key": "os.environ['OPENAI_API_KEY']"` or `"${OPENAI_API_KEY}"` (code or a shell
//! reference) is sent as it is written, and rejected. Omitting `api_key`, or `null`, is what
//! makes the client read its variable. `""` follows each client: the OpenAI and Azure clients
//! send it (reported), AutoGen's Gemini client treats it as unset and reads
//! `GOOGLE_GEMINI_API_KEY` (not reported here; KW101 checks that variable). Template lists
//! (`OAI_CONFIG_LIST_sample`) hold placeholders by design and are not checked.
//!
//! No automatic fix for placeholders: read the key from the environment, and keep the real key
//! in `.env`. For a variable's name or code in a JSON config list: set `api_key` to `null`
//! (safe when the client's own variable is the one named, since the written text certainly
//! fails; unsafe when it reads another one).

use super::helpers::edits;
use super::helpers::entry::EntryInfo;
use super::PyCtx;
use crate::engine::diagnostic::{Finding, Fix};
use crate::engine::providers::{self, ProviderId};
use crate::engine::python::{EntrySource, FieldValue, StrLit};
use crate::engine::rules::Rule;
use crate::engine::secrets::{self, Placeholder};

pub(super) fn check(ctx: &PyCtx, out: &mut Vec<Finding>) {
    for entry in &ctx.facts.entries {
        let info = EntryInfo::new(ctx, entry);
        let Some(key) = info.key else { continue };
        let FieldValue::Str(lit) = &key.value else {
            continue;
        };
        if info.local {
            continue;
        }
        if entry.source == EntrySource::Json {
            if ctx.is_template_list() {
                continue;
            }
            if let Some(finding) = unevaluated(ctx, &info, &key.key, lit) {
                out.push(finding);
                continue;
            }
            // AutoGen's Gemini client reads its variable when the key is empty (KW101's).
            if lit.value.is_empty() && info.client.id == ProviderId::Google {
                continue;
            }
        }
        let Some(kind) = secrets::placeholder_for(&key.key, &lit.value) else {
            continue;
        };
        if providers::is_dummy_key(&lit.value) && kind != Placeholder::Empty {
            continue;
        }
        // `{"api_key": "", "base_url": ""}`: a blank form the program fills in at run time.
        let blank_endpoint = info
            .endpoint
            .is_some_and(|f| matches!(&f.value, FieldValue::Str(s) if s.value.trim().is_empty()));
        if kind == Placeholder::Empty && blank_endpoint {
            continue;
        }
        let message = match kind {
            Placeholder::SessionToken => format!(
                "`{}` holds a `sess-` value: this is a ChatGPT session token, not an API key; create a key for {}",
                key.key, info.target.display
            ),
            _ if entry.source == EntrySource::Json => format!(
                "`{}` holds {}, which {} rejects with 401; {}",
                key.key,
                kind.describe(),
                info.target.display,
                json_advice(&info)
            ),
            _ => format!(
                "`{}` holds {}, which {} rejects with 401; read the real key from the environment",
                key.key,
                kind.describe(),
                info.target.display
            ),
        };
        out.push(Finding::new(Rule::KW103, ctx.path, lit.span, message));
    }
    for write in &ctx.facts.env_writes {
        let Some(lit) = &write.value else { continue };
        if !secrets::is_credential_name(&write.name) || providers::is_dummy_key(&lit.value) {
            continue;
        }
        let Some(kind) = secrets::placeholder_for(&write.name, &lit.value) else {
            continue;
        };
        out.push(Finding::new(
            Rule::KW103,
            ctx.path,
            lit.span,
            format!(
                "{} is set to {}: every client that reads it sends that and gets 401; set the real key in `.env` or your shell instead",
                write.name,
                kind.describe()
            ),
        ));
    }
}

/// What a JSON config list can do instead of a placeholder.
fn json_advice(info: &EntryInfo) -> String {
    match info.fallback_var {
        Some(var) => format!(
            "JSON is not evaluated: put the real key here (and keep the file out of git), or omit `api_key` (or set it to null) and the {} client reads {var}",
            info.client.display
        ),
        None => "JSON is not evaluated: put the real key here (and keep the file out of git)"
            .to_string(),
    }
}

/// A JSON value that only code could turn into a key: a variable's name, a Python expression
/// reading one, a shell reference. AutoGen sends the text itself.
fn unevaluated(ctx: &PyCtx, info: &EntryInfo, key: &str, lit: &StrLit) -> Option<Finding> {
    let value = lit.value.trim();
    let (what, named) = if is_variable_name(value) {
        (format!("the name of the variable {value}"), value)
    } else {
        let code = [
            "os.environ",
            "os.getenv",
            "getenv(",
            "environ[",
            "environ.get(",
        ]
        .iter()
        .any(|m| value.contains(m));
        let shell = value.starts_with('$') && !value.contains(' ');
        if !code && !shell {
            return None;
        }
        let named = variable_in(value).unwrap_or("");
        let what = if code {
            "Python code".to_string()
        } else {
            "a shell variable reference".to_string()
        };
        let what = if named.is_empty() {
            what
        } else {
            format!("{what} reading {named}")
        };
        (what, named)
    };
    let mut message = format!(
        "`{key}` holds {what}, not a key: JSON is not evaluated, so AutoGen sends this text as the key and {} rejects it with 401",
        info.target.display
    );
    let fallback = info.fallback_var;
    match fallback {
        Some(var) => message.push_str(&format!(
            "; omit `{key}` (or set it to null) and the {} client reads {var}",
            info.client.display
        )),
        None => message.push_str("; put the key itself here, or build the config in code"),
    }
    let mut finding = Finding::new(Rule::KW103, ctx.path, lit.span, message);
    if let Some(var) = fallback {
        let reads_named = providers::equivalent_vars(var).contains(&named);
        finding = finding.fix(Fix {
            title: format!("Set `{key}` to null (the client reads {var})"),
            edits: vec![edits::replace(ctx.path, lit.span, "null")],
            // The written text certainly fails; when the client's variable is the one named,
            // null does what was meant.
            safe: reads_named,
            sensitive: false,
        });
    }
    Some(finding)
}

/// `OPENAI_API_KEY`: an upper-case name with an underscore that says it holds a credential.
fn is_variable_name(value: &str) -> bool {
    value.contains('_')
        && value.starts_with(|c: char| c.is_ascii_uppercase())
        && value
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && (secrets::is_credential_name(value) || providers::provider_for_var(value).is_some())
}

/// The first variable name inside code or a shell reference (`os.environ['X']`, `${X}`).
fn variable_in(value: &str) -> Option<&str> {
    value
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .find(|w| is_variable_name(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_code_are_told_apart_from_keys() {
        assert!(is_variable_name("OPENAI_API_KEY"));
        assert!(is_variable_name("AZURE_OPENAI_API_KEY"));
        assert!(!is_variable_name("sk-proj-abc"));
        assert!(!is_variable_name("MODEL_NAME"));
        assert!(!is_variable_name("ABCDEF123"));
        assert_eq!(
            variable_in("os.environ['OPENAI_API_KEY']"),
            Some("OPENAI_API_KEY")
        );
        assert_eq!(variable_in("${GROQ_API_KEY}"), Some("GROQ_API_KEY"));
        assert_eq!(variable_in("os.getenv(name)"), None);
    }
}

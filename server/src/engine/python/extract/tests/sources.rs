//! Config sources: `config_list_from_json`, `LLMConfig.from_json(...).where(...)`, and config
//! lists set by code.

use super::{at, extract, field_str};
use crate::engine::python::{Arg, ConfigSourceCall, Filter};

fn criteria(filter: &Arg<Option<Filter>>) -> Vec<(String, Vec<Option<String>>, bool)> {
    match filter {
        Arg::Known(Some(f)) => f
            .criteria
            .iter()
            .map(|c| {
                (
                    c.key.clone(),
                    c.values.iter().map(|v| v.value.clone()).collect(),
                    c.scalar,
                )
            })
            .collect(),
        Arg::Known(None) => Vec::new(),
        Arg::Unknown => vec![("?".into(), Vec::new(), false)],
    }
}

#[test]
fn config_list_from_json_through_every_import_form() {
    let text = r#"import autogen
from autogen import config_list_from_json as load
import autogen.oai.openai_utils as ou
a = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})
b = load(env_or_file="CFG", file_location="..", filter_dict={"model": {"gpt-4", None}, "tags": ("x",)})
c = ou.config_list_from_json("OAI_CONFIG_LIST", None, None)
d = autogen.config_list_from_json(name, filter_dict=flt)
e = autogen.config_list_from_json("OAI_CONFIG_LIST", location, {"model": "gpt-4"})
def config_list_from_json(x): ...
f = config_list_from_json("LOCAL")
"#;
    let facts = extract(text);
    let got: Vec<_> = facts
        .config_sources
        .iter()
        .map(|s| {
            (
                s.name.as_ref().map(|n| n.value.clone()),
                s.file_location.clone(),
                criteria(&s.filter),
            )
        })
        .collect();
    let s = |v: &str| Some(v.to_string());
    assert_eq!(
        got,
        vec![
            (
                s("OAI_CONFIG_LIST"),
                Arg::Known(String::new()),
                vec![("model".into(), vec![s("gpt-4o")], false)]
            ),
            (
                s("CFG"),
                Arg::Known("..".into()),
                vec![
                    ("model".into(), vec![s("gpt-4"), None], false),
                    ("tags".into(), vec![s("x")], false)
                ]
            ),
            (s("OAI_CONFIG_LIST"), Arg::Known(String::new()), vec![]),
            (
                None,
                Arg::Known(String::new()),
                vec![("?".into(), vec![], false)]
            ),
            (
                s("OAI_CONFIG_LIST"),
                Arg::Unknown,
                vec![("model".into(), vec![s("gpt-4")], true)]
            ),
        ]
    );
    let first = &facts.config_sources[0];
    assert_eq!(first.call, ConfigSourceCall::ConfigListFromJson);
    assert_eq!(
        at(text, first.name.as_ref().unwrap().span),
        "\"OAI_CONFIG_LIST\""
    );
}

#[test]
fn implicit_concatenation_in_a_filter_keeps_its_pieces() {
    let text = r#"import autogen
config_list = autogen.config_list_from_json(
    "OAI_CONFIG_LIST",
    filter_dict={"model": ["gpt-4", "gpt-3.5-turbo" "gpt-4-32k"]},
)
"#;
    let facts = extract(text);
    let Arg::Known(Some(filter)) = &facts.config_sources[0].filter else {
        panic!("filter not read");
    };
    let values = &filter.criteria[0].values;
    assert!(values[0].pieces.is_empty());
    assert_eq!(values[1].value.as_deref(), Some("gpt-3.5-turbogpt-4-32k"));
    let pieces: Vec<&str> = values[1].pieces.iter().map(|&p| at(text, p)).collect();
    assert_eq!(pieces, ["\"gpt-3.5-turbo\"", "\"gpt-4-32k\""]);
}

#[test]
fn llm_config_from_json_and_where() {
    let text = r#"from autogen import LLMConfig
a = LLMConfig.from_json(path="OAI_CONFIG_LIST").where(model=["gpt-4o"], api_type="openai")
b = LLMConfig.from_json(env="OAI_CONFIG_LIST", file_location="conf", filter_dict={"model": ["x"]})
c = LLMConfig.from_json(env="A", path="B")
d = LLMConfig.from_json(path="OAI_CONFIG_LIST").where(model=["a"], exclude=True)
"#;
    let facts = extract(text);
    assert_eq!(facts.config_sources.len(), 4);
    let a = &facts.config_sources[0];
    assert_eq!(a.call, ConfigSourceCall::LlmConfigFromJson);
    assert_eq!(a.name.as_ref().unwrap().value, "OAI_CONFIG_LIST");
    assert_eq!(
        criteria(&a.where_filter),
        vec![
            ("model".into(), vec![Some("gpt-4o".into())], false),
            ("api_type".into(), vec![Some("openai".into())], true)
        ]
    );
    assert!(at(text, a.span).ends_with(r#"api_type="openai")"#));
    let b = &facts.config_sources[1];
    assert_eq!(b.file_location, Arg::Known("conf".into()));
    assert_eq!(criteria(&b.filter).len(), 1);
    assert!(facts.config_sources[2].name.is_none());
    assert_eq!(facts.config_sources[3].where_filter, Arg::Unknown);
}

#[test]
fn config_lists_set_by_code() {
    let text = r#"import os, json
os.environ["OAI_CONFIG_LIST"] = json.dumps([{"model": "gpt-4o", "api_key": os.environ["K"]}, {"model": "o1"}])
os.environ["OTHER"] = json.dumps([cfg])
os.environ["PLAIN"] = '[{"model": "gpt-4"}]'
"#;
    let facts = extract(text);
    assert_eq!(facts.config_writes.len(), 2);
    let w = &facts.config_writes[0];
    assert_eq!(w.name, "OAI_CONFIG_LIST");
    assert!(w.complete);
    let models: Vec<_> = w.entries.iter().map(|e| field_str(e, "model")).collect();
    assert_eq!(models, [Some("gpt-4o"), Some("o1")]);
    assert!(!facts.config_writes[1].complete);
    // The write itself is still an env write; so is the plain literal.
    assert_eq!(facts.env_writes.len(), 3);
    assert_eq!(
        facts.env_writes[2].value.as_ref().unwrap().value,
        r#"[{"model": "gpt-4"}]"#
    );
}

//! Config entries (dicts, `dict(...)`, names, `LLMConfig`, clients) and where fields go.

use super::*;

// ----- config entries --------------------------------------------------------------------

#[test]
fn llm_config_dict_entries() {
    let text = r#"import os
from autogen import AssistantAgent
KEY = os.environ["OPENAI_API_KEY"]
MODEL = "gpt-4o"
agent = AssistantAgent(
    name="a",
    llm_config={
        "config_list": [
            {"model": MODEL, "api_key": KEY},
            {"model": "gpt-4", "api_key": os.getenv("K2"), **extra},
            dict(model="gpt-3.5", api_key="sk-x"),
        ],
        "temperature": 0,
    },
)
"#;
    let facts = extract(text);
    assert_eq!(facts.entries.len(), 3, "{:#?}", facts.entries);
    let e0 = &facts.entries[0];
    assert_eq!(e0.source, EntrySource::DictLiteral);
    assert_eq!(e0.generation, Generation::V02);
    assert!(e0.constructor.is_none());
    assert_eq!(at(text, e0.anchor), "{");
    assert_eq!(at(text, e0.span), r#"{"model": MODEL, "api_key": KEY}"#);
    assert_eq!(field_str(e0, "model"), Some("gpt-4o"));
    assert_eq!(field_env(&facts, e0, "api_key"), Some("OPENAI_API_KEY"));
    let model = e0.field("model").unwrap();
    assert_eq!(at(text, model.key_span), r#""model""#);
    assert_eq!(at(text, model.value_span), "MODEL");
    assert_eq!(at(text, model.span), r#""model": MODEL"#);
    if let FieldValue::Str(s) = &model.value {
        assert_eq!(at(text, s.span), r#""gpt-4o""#);
    }
    assert!(!e0.has_splat);

    let e1 = &facts.entries[1];
    assert!(e1.has_splat);
    assert_eq!(field_env(&facts, e1, "api_key"), Some("K2"));

    let e2 = &facts.entries[2];
    assert_eq!(e2.source, EntrySource::DictCall);
    assert_eq!(at(text, e2.anchor), "dict");
    assert_eq!(field_str(e2, "api_key"), Some("sk-x"));
    assert_eq!(at(text, e2.field("api_key").unwrap().key_span), "api_key");

    // Every env read appears once.
    let names: Vec<&str> = facts.env_reads.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, vec!["OPENAI_API_KEY", "K2"]);

    assert_eq!(facts.llm_configs.len(), 1);
    let keys: Vec<&str> = facts.llm_configs[0]
        .keys
        .iter()
        .map(|(k, s)| {
            assert_eq!(at(text, *s), format!("\"{k}\""));
            k.as_str()
        })
        .collect();
    assert_eq!(keys, vec!["config_list", "temperature"]);
    assert_eq!(facts.agents.len(), 1);
}

#[test]
fn config_lists_through_names() {
    let text = r#"import os
config_list = [
    {"model": "gpt-4", "api_key": os.environ["A"]},
]
unused = [{"model": "x"}]
gpt = {"model": "g", "api_key": "sk-g"}
other_list = [gpt]
llm_config = {"config_list": config_list, "seed": 1}
w = OpenAIWrapper(config_list=other_list)
"#;
    let facts = extract(text);
    assert_eq!(facts.entries.len(), 2, "{:#?}", facts.entries);
    assert_eq!(field_env(&facts, &facts.entries[0], "api_key"), Some("A"));
    assert_eq!(field_str(&facts.entries[1], "api_key"), Some("sk-g"));
    assert_eq!(facts.llm_configs.len(), 1);
    assert_eq!(facts.env_reads.len(), 1);
}

#[test]
fn llm_config_through_a_name_and_top_level_entry_dicts() {
    let text = r#"from autogen import ConversableAgent
cfg = {"model": "gpt-4o", "api_key": KEY, "temprature": 0}
a = ConversableAgent("a", llm_config=cfg)
b = ConversableAgent("b", llm_config=cfg)
c = ConversableAgent("c", llm_config={"cache_seed": 1})
"#;
    let facts = extract(text);
    assert_eq!(facts.llm_configs.len(), 2);
    let keys: Vec<&str> = facts.llm_configs[0]
        .keys
        .iter()
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(keys, vec!["model", "api_key", "temprature"]);
    assert_eq!(at(text, facts.llm_configs[1].keys[0].1), r#""cache_seed""#);
    // The AG2-style top-level dict is one entry, recorded once.
    assert_eq!(facts.entries.len(), 1);
    assert_eq!(field_str(&facts.entries[0], "model"), Some("gpt-4o"));
    // `KEY` is unbound: no claim.
    assert_eq!(
        facts.entries[0].field("api_key").unwrap().value,
        FieldValue::Other
    );
}

#[test]
fn dict_calls_through_names_and_as_llm_config() {
    let text = r#"import os
from autogen import AssistantAgent
gpt = dict(model="g", api_key=os.environ["G"])
plain = dict(seed=1)
llm_config = {"config_list": [gpt, plain]}
a = AssistantAgent("a", llm_config=dict(model="m", api_key="k"))
b = AssistantAgent("b", llm_config=dict(config_list=[{"model": "n"}]))
"#;
    let facts = extract(text);
    let models: Vec<(EntrySource, Option<&str>)> = facts
        .entries
        .iter()
        .map(|e| (e.source, field_str(e, "model")))
        .collect();
    assert_eq!(
        models,
        vec![
            (EntrySource::DictCall, Some("g")),
            (EntrySource::DictCall, Some("m")),
            (EntrySource::DictLiteral, Some("n")),
        ]
    );
    assert_eq!(field_env(&facts, &facts.entries[0], "api_key"), Some("G"));
    assert_eq!(at(text, facts.entries[0].anchor), "dict");
    // Only the dict literal with string keys is an llm_config dict.
    assert_eq!(facts.llm_configs.len(), 1);
}

#[test]
fn openai_wrapper_and_llmconfig() {
    let text = r#"import os
from autogen import LLMConfig, OpenAIWrapper
w = OpenAIWrapper(config_list=[{"model": "m", "api_key": "k"}])
c1 = LLMConfig({"model": "a"}, {"model": "b", "api_type": "azure"})
c2 = LLMConfig(config_list=[{"model": "c"}], temperature=0.1)
c3 = LLMConfig(model="d", api_key=os.environ["D"], temperature=0)
c4 = LLMConfig(temperature=0)
"#;
    let facts = extract(text);
    let summary: Vec<(EntrySource, Option<&str>, Option<&str>)> = facts
        .entries
        .iter()
        .map(|e| {
            (
                e.source,
                e.constructor.map(|c| c.name),
                field_str(e, "model"),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (EntrySource::DictLiteral, Some("OpenAIWrapper"), Some("m")),
            (EntrySource::DictLiteral, Some("LLMConfig"), Some("a")),
            (EntrySource::DictLiteral, Some("LLMConfig"), Some("b")),
            (EntrySource::DictLiteral, Some("LLMConfig"), Some("c")),
            (EntrySource::Kwargs, Some("LLMConfig"), Some("d")),
        ]
    );
    let kw = &facts.entries[4];
    assert_eq!(at(text, kw.anchor), "LLMConfig");
    assert_eq!(field_env(&facts, kw, "api_key"), Some("D"));
    assert!(kw.field("temperature").is_some());
    assert!(facts
        .entries
        .iter()
        .all(|e| e.generation == Generation::V02));
}

#[test]
fn client_constructor_entries() {
    let text = r#"import os
from autogen_ext.models.openai import OpenAIChatCompletionClient
import autogen_ext.models.openai as oai
from ag2.config import AnthropicConfig
client = OpenAIChatCompletionClient(model="gpt-4o", api_key=os.environ["OPENAI_API_KEY"])
az = oai.AzureOpenAIChatCompletionClient(**kwargs)
cfg = AnthropicConfig(model="claude", api_key="sk-ant-x")
"#;
    let facts = extract(text);
    assert_eq!(facts.entries.len(), 3);
    let c = &facts.entries[0];
    assert_eq!(c.source, EntrySource::Kwargs);
    assert_eq!(c.generation, Generation::V04);
    assert_eq!(c.constructor.unwrap().name, "OpenAIChatCompletionClient");
    assert_eq!(c.constructor.unwrap().kind, ConstructorKind::Client);
    assert_eq!(at(text, c.anchor), "OpenAIChatCompletionClient");
    assert!(at(text, c.span).starts_with("OpenAIChatCompletionClient(model="));
    assert_eq!(field_env(&facts, c, "api_key"), Some("OPENAI_API_KEY"));
    let api_key = c.field("api_key").unwrap();
    assert_eq!(at(text, api_key.key_span), "api_key");
    assert_eq!(
        at(text, api_key.span),
        r#"api_key=os.environ["OPENAI_API_KEY"]"#
    );
    let az = &facts.entries[1];
    assert_eq!(at(text, az.anchor), "AzureOpenAIChatCompletionClient");
    assert!(az.has_splat);
    assert!(az.fields.is_empty());
    let an = &facts.entries[2];
    assert_eq!(an.generation, Generation::Ag2Config);
    assert_eq!(field_str(an, "api_key"), Some("sk-ant-x"));
}

#[test]
fn field_names_resolve_to_the_last_binding_before_use() {
    let text = r#"import os
from autogen_ext.models.openai import OpenAIChatCompletionClient as C
KEY = "first"
KEY = os.getenv("SECOND")
a = C(model="m", api_key=KEY)
KEY = "third"
b = C(model="m", api_key=KEY)
def f():
    KEY = "local"
    return C(model="m", api_key=KEY)
def g():
    return C(model="m", api_key=KEY)
X = Y = "chained"
c = C(model=X, api_key=UNKNOWN)
KEY = compute()
d = C(model="m", api_key=KEY)
"#;
    let facts = extract(text);
    let keys: Vec<FieldValue> = facts
        .entries
        .iter()
        .map(|e| e.field("api_key").unwrap().value.clone())
        .collect();
    assert_eq!(keys.len(), 6);
    assert_eq!(keys[0], FieldValue::Env(0));
    assert_eq!(facts.env_reads.len(), 1);
    assert_eq!(facts.env_reads[0].name, "SECOND");
    assert_eq!(field_str(&facts.entries[1], "api_key"), Some("third"));
    assert_eq!(field_str(&facts.entries[2], "api_key"), Some("local"));
    assert_eq!(field_str(&facts.entries[3], "api_key"), Some("third"));
    assert_eq!(
        facts.entries[4].field("model").unwrap().value,
        FieldValue::Other
    );
    assert_eq!(keys[4], FieldValue::Other);
    assert_eq!(keys[5], FieldValue::Other);
}

#[test]
fn env_indices_follow_source_order() {
    // The outer read is finished after the inner one; indices still point at the right read.
    let text = r#"import os
from autogen_ext.models.openai import OpenAIChatCompletionClient as C
c = C(model=os.getenv("M", os.getenv("INNER")), api_key=os.environ["K"])
"#;
    let facts = extract(text);
    let names: Vec<&str> = facts.env_reads.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, vec!["M", "INNER", "K"]);
    assert_eq!(field_env(&facts, &facts.entries[0], "model"), Some("M"));
    assert_eq!(field_env(&facts, &facts.entries[0], "api_key"), Some("K"));
}

// ----- insert points ---------------------------------------------------------------------

#[test]
fn insert_points_give_valid_python() {
    let cases: &[(&str, &str)] = &[
        (
            "x = {\"config_list\": [{\"model\": \"m\"}]}\n",
            "x = {\"config_list\": [{\"model\": \"m\", \"api_key\": os.environ[\"X\"]}]}\n",
        ),
        (
            "x = {\"config_list\": [{}]}\n",
            "x = {\"config_list\": [{\"api_key\": os.environ[\"X\"]}]}\n",
        ),
        (
            "x = {\"config_list\": [{\"model\": \"m\",}]}\n",
            "x = {\"config_list\": [{\"model\": \"m\", \"api_key\": os.environ[\"X\"]}]}\n",
        ),
        (
            "x = {\"config_list\": [\n    {\n        \"model\": \"m\",\n        \"base_url\": \"u\",\n    },\n]}\n",
            "x = {\"config_list\": [\n    {\n        \"model\": \"m\",\n        \"base_url\": \"u\",\n        \"api_key\": os.environ[\"X\"],\n    },\n]}\n",
        ),
        (
            "x = {\"config_list\": [\n    {\n        \"model\": \"m\",\n        \"base_url\": \"u\"\n    }\n]}\n",
            "x = {\"config_list\": [\n    {\n        \"model\": \"m\",\n        \"base_url\": \"u\",\n        \"api_key\": os.environ[\"X\"]\n    }\n]}\n",
        ),
        (
            "x = {\"config_list\": [\n    {\n        \"model\": \"m\",  # the model\n    },\n]}\n",
            "x = {\"config_list\": [\n    {\n        \"model\": \"m\",  # the model\n        \"api_key\": os.environ[\"X\"],\n    },\n]}\n",
        ),
        (
            "x = {\"config_list\": [{\"model\": \"m\",\n                     \"base_url\": \"u\"}]}\n",
            "x = {\"config_list\": [{\"model\": \"m\",\n                     \"base_url\": \"u\",\n                     \"api_key\": os.environ[\"X\"]}]}\n",
        ),
        (
            "from autogen_ext.models.openai import OpenAIChatCompletionClient as C\nc = C(model=\"m\")\n",
            "from autogen_ext.models.openai import OpenAIChatCompletionClient as C\nc = C(model=\"m\", api_key=os.environ[\"X\"])\n",
        ),
        (
            "from autogen_ext.models.openai import OpenAIChatCompletionClient as C\nc = C()\n",
            "from autogen_ext.models.openai import OpenAIChatCompletionClient as C\nc = C(api_key=os.environ[\"X\"])\n",
        ),
        (
            "from autogen_ext.models.openai import OpenAIChatCompletionClient as C\nc = C(\n    model=\"m\",\n    base_url=\"u\",\n)\n",
            "from autogen_ext.models.openai import OpenAIChatCompletionClient as C\nc = C(\n    model=\"m\",\n    base_url=\"u\",\n    api_key=os.environ[\"X\"],\n)\n",
        ),
        (
            "from autogen_ext.models.openai import OpenAIChatCompletionClient as C\nc = C(\n    model=\"m\",\n    **extra\n)\n",
            "from autogen_ext.models.openai import OpenAIChatCompletionClient as C\nc = C(\n    model=\"m\",\n    **extra,\n    api_key=os.environ[\"X\"]\n)\n",
        ),
        (
            "x = {\"config_list\": [dict(model=\"m\")]}\n",
            "x = {\"config_list\": [dict(model=\"m\", api_key=os.environ[\"X\"])]}\n",
        ),
        (
            "x = {'config_list': [{\r\n    'model': 'm',\r\n}]}\r\n",
            "x = {'config_list': [{\r\n    'model': 'm',\r\n    \"api_key\": os.environ[\"X\"],\r\n}]}\r\n",
        ),
    ];
    for (text, expected) in cases {
        let facts = extract(text);
        assert_eq!(facts.entries.len(), 1, "{text}");
        let out = insert_api_key(text, &facts.entries[0]);
        assert_eq!(&out, expected, "{text}");
        assert!(parses_clean(&out), "{out}");
    }
}

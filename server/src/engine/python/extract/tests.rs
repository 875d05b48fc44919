use super::extract;
use crate::engine::providers::{ConstructorKind, Generation};
use crate::engine::python::{
    ConfigEntry, EntrySource, EnvReadKind, FieldValue, LoadKind, LoadPath, PyFacts,
};
use crate::engine::text::Span;

fn at(text: &str, span: Span) -> &str {
    &text[span.start..span.end]
}

fn parses_clean(text: &str) -> bool {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .unwrap();
    let tree = parser.parse(text, None).unwrap();
    !tree.root_node().has_error()
}

fn field_str<'f>(e: &'f ConfigEntry, key: &str) -> Option<&'f str> {
    match &e.field(key)?.value {
        FieldValue::Str(s) => Some(&s.value),
        _ => None,
    }
}

fn field_env<'f>(facts: &'f PyFacts, e: &ConfigEntry, key: &str) -> Option<&'f str> {
    match &e.field(key)?.value {
        FieldValue::Env(i) => Some(&facts.env_reads[*i].name),
        _ => None,
    }
}

fn insert_api_key(text: &str, e: &ConfigEntry) -> String {
    let p = &e.insert;
    let field = e.field_text("api_key", "os.environ[\"X\"]");
    format!(
        "{}{}{}{}{}",
        &text[..p.offset],
        p.before,
        field,
        p.after,
        &text[p.offset..]
    )
}

// ----- imports ----------------------------------------------------------------------------

#[test]
fn imports_are_recorded_with_levels_names_and_module_level() {
    let text = "\
import os, autogen.agentchat as ac
from ..pkg.sub import a, b as c
from . import x
from dotenv import *
from __future__ import annotations
if True:
    import json
try:
    import yaml
except ImportError:
    pass
class C:
    import re
def f():
    import sys
";
    let facts = extract(text);
    let i = &facts.imports;
    assert_eq!(i.len(), 10);
    assert_eq!(i[0].module, "os");
    assert_eq!(i[1].module, "autogen.agentchat");
    assert_eq!(at(text, i[0].span), "import os, autogen.agentchat as ac");
    assert_eq!(i[2].module, "pkg.sub");
    assert_eq!(i[2].level, 2);
    assert_eq!(i[2].names, vec!["a", "b"]);
    assert_eq!(i[3].module, "");
    assert_eq!(i[3].level, 1);
    assert_eq!(i[3].names, vec!["x"]);
    assert_eq!(i[4].names, vec!["*"]);
    assert_eq!(i[5].module, "__future__");
    assert_eq!(i[5].names, vec!["annotations"]);
    assert_eq!(i[6].module, "json");
    assert!(i[6].module_level);
    assert_eq!(i[6].stmt_start, text.find("if True").unwrap());
    assert_eq!(at(text, i[6].span), "import json");
    assert!(i[7].module_level);
    assert_eq!(i[7].stmt_start, text.find("try:").unwrap());
    assert_eq!(i[8].module, "re");
    assert!(i[8].module_level, "class bodies run at import time");
    assert_eq!(i[9].module, "sys");
    assert!(!i[9].module_level);
    assert_eq!(i[9].stmt_start, text.find("def f").unwrap());
    assert!(facts.edit_points.has_import_os);
}

// ----- constructor resolution ------------------------------------------------------------

#[test]
fn constructors_resolve_through_imports() {
    let text = "\
from autogen import AssistantAgent
from autogen import UserProxyAgent as UPA
import autogen
import autogen as ag
from autogen.agentchat import ConversableAgent
from autogen_agentchat.agents import AssistantAgent as A4
import autogen_agentchat.agents
AssistantAgent(name='a', llm_config=False)
UPA(name='u')
autogen.GroupChatManager(groupchat=g)
ag.AssistantAgent(name='b')
ConversableAgent(name='c')
A4(name='d', model_client=m)
autogen_agentchat.agents.CodeExecutorAgent(name='e')
autogen.agentchat.AssistantAgent(name='f')
";
    let facts = extract(text);
    let got: Vec<(&str, &str, Generation)> = facts
        .agents
        .iter()
        .map(|a| {
            (
                at(text, a.name_span),
                a.constructor.name,
                a.constructor.generation,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("AssistantAgent", "AssistantAgent", Generation::V02),
            ("UPA", "UserProxyAgent", Generation::V02),
            ("GroupChatManager", "GroupChatManager", Generation::V02),
            ("AssistantAgent", "AssistantAgent", Generation::V02),
            ("ConversableAgent", "ConversableAgent", Generation::V02),
            ("A4", "AssistantAgent", Generation::V04),
            ("CodeExecutorAgent", "CodeExecutorAgent", Generation::V04),
            ("AssistantAgent", "AssistantAgent", Generation::V02),
        ]
    );
    let kw: Vec<&str> = facts.agents[0]
        .kwargs
        .iter()
        .map(|k| at(text, k.name_span))
        .collect();
    assert_eq!(kw, vec!["name", "llm_config"]);
    assert_eq!(at(text, facts.agents[0].kwargs[1].span), "llm_config=False");
    assert_eq!(facts.agents[0].kwargs[1].name, "llm_config");
}

#[test]
fn constructors_need_the_right_package() {
    let text = "\
from mylib import AssistantAgent
import autogen_ext
from autogen_extras import OpenAIChatCompletionClient
from .local import OpenAIConfig
AssistantAgent(name='a')
autogen_ext.AssistantAgent(name='b')
autogen.AssistantAgent(name='c')
OpenAIChatCompletionClient(model='m')
OpenAIConfig(model='m')
UnimportedAgent(llm_config={'config_list': []})
";
    let facts = extract(text);
    assert!(facts.agents.is_empty(), "{:?}", facts.agents);
    assert!(facts.entries.is_empty(), "{:?}", facts.entries);
}

#[test]
fn local_definitions_shadow_imports() {
    let text = "\
from autogen import AssistantAgent
def f(AssistantAgent):
    AssistantAgent(name='shadowed by parameter')
AssistantAgent(name='ok')
def AssistantAgent():
    pass
AssistantAgent(name='shadowed by def')
";
    let facts = extract(text);
    assert_eq!(facts.agents.len(), 1);
    assert_eq!(
        facts.agents[0].name_span.start,
        text.find("AssistantAgent(name='ok'").unwrap()
    );
}

#[test]
fn imports_inside_functions_bind_locally() {
    let text = "\
def f():
    from autogen_ext.models.openai import OpenAIChatCompletionClient as C
    return C(model='gpt-4o')
C(model='x')
";
    let facts = extract(text);
    assert_eq!(facts.entries.len(), 1);
    assert_eq!(at(text, facts.entries[0].anchor), "C");
}

#[test]
fn star_imports_resolve() {
    let text = "from autogen import *\nAssistantAgent(name='a')\n";
    let facts = extract(text);
    assert_eq!(facts.agents.len(), 1);
    assert_eq!(facts.agents[0].constructor.generation, Generation::V02);
}

// ----- env reads -------------------------------------------------------------------------

#[test]
fn env_reads_in_all_spellings() {
    let text = r#"import os
import os as o
from os import environ, getenv
from os import environ as env, getenv as ge
a = os.environ["A"]
b = os.environ.get("B")
c = os.environ.get("C", "d")
d = os.getenv("D")
e = os.getenv("E", default=None)
f = environ["F"]
g = environ.get('G')
h = getenv("H")
i = o.environ["I"]
j = env.get("J")
k = ge("K", "x")
l = os.environ[f"L{x}"]
m = os.environ[name]
n = os.getenv(b"N")
p = other.environ["P"]
def fn():
    return os.environ["Q"]
"#;
    let facts = extract(text);
    let got: Vec<(&str, EnvReadKind, bool, bool)> = facts
        .env_reads
        .iter()
        .map(|r| (r.name.as_str(), r.kind, r.has_default, r.module_level))
        .collect();
    use EnvReadKind::*;
    assert_eq!(
        got,
        vec![
            ("A", Subscript, false, true),
            ("B", EnvironGet, false, true),
            ("C", EnvironGet, true, true),
            ("D", Getenv, false, true),
            ("E", Getenv, true, true),
            ("F", Subscript, false, true),
            ("G", EnvironGet, false, true),
            ("H", Getenv, false, true),
            ("I", Subscript, false, true),
            ("J", EnvironGet, false, true),
            ("K", Getenv, true, true),
            ("Q", Subscript, false, false),
        ]
    );
    let a = &facts.env_reads[0];
    assert_eq!(at(text, a.span), r#"os.environ["A"]"#);
    assert_eq!(at(text, a.name_span), r#""A""#);
    assert_eq!(a.stmt_start, text.find("a = ").unwrap());
    let c = &facts.env_reads[2];
    assert_eq!(at(text, c.span), r#"os.environ.get("C", "d")"#);
    let g = &facts.env_reads[6];
    assert_eq!(at(text, g.name_span), "'G'");
    let q = facts.env_reads.last().unwrap();
    assert_eq!(q.stmt_start, text.find("def fn").unwrap());
}

#[test]
fn env_reads_without_os_import_do_not_count() {
    let text = "environ['A']\nos.environ['B']\ngetenv('C')\n";
    assert!(extract(text).env_reads.is_empty());
}

#[test]
fn env_read_names_decode_escapes_and_concatenation() {
    let text = "import os\nos.environ['A\\x42' 'C']\nos.getenv(r'D\\n')\n";
    let facts = extract(text);
    let names: Vec<&str> = facts.env_reads.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, vec!["ABC", "D\\n"]);
}

#[test]
fn env_reads_inside_fstrings_and_lambdas() {
    let text = "import os\nx = f\"{os.environ['A']}\"\ny = lambda: os.getenv('B')\n";
    let facts = extract(text);
    assert_eq!(facts.env_reads.len(), 2);
    assert!(facts.env_reads[0].module_level);
    assert!(!facts.env_reads[1].module_level);
}

// ----- env writes ------------------------------------------------------------------------

#[test]
fn env_writes_in_all_spellings() {
    let text = r#"import os
os.environ["A"] = "va"
os.environ["B"] = compute()
os.environ.setdefault("C", "vc")
os.environ.update({"D": "vd", "E": x})
os.environ.update(F="vf")
del os.environ["G"]
"#;
    let facts = extract(text);
    assert!(facts.env_reads.is_empty(), "{:?}", facts.env_reads);
    let got: Vec<(&str, Option<&str>)> = facts
        .env_writes
        .iter()
        .map(|w| (w.name.as_str(), w.value.as_ref().map(|v| v.value.as_str())))
        .collect();
    assert_eq!(
        got,
        vec![
            ("A", Some("va")),
            ("B", None),
            ("C", Some("vc")),
            ("D", Some("vd")),
            ("E", None),
            ("F", Some("vf")),
        ]
    );
    let a = &facts.env_writes[0];
    assert_eq!(at(text, a.span), r#"os.environ["A"] = "va""#);
    assert_eq!(at(text, a.name_span), r#""A""#);
    assert_eq!(at(text, a.value.as_ref().unwrap().span), r#""va""#);
    assert_eq!(
        at(text, facts.env_writes[2].span),
        r#"os.environ.setdefault("C", "vc")"#
    );
    assert_eq!(at(text, facts.env_writes[3].span), r#""D": "vd""#);
    assert_eq!(at(text, facts.env_writes[5].name_span), "F");
}

// ----- load points -----------------------------------------------------------------------

#[test]
fn load_points_and_paths() {
    let text = r#"import dotenv
from dotenv import load_dotenv as ld, dotenv_values, find_dotenv
from autogen import config_list_from_dotenv
load_dotenv()
ld()
dotenv.load_dotenv(".env.local", override=True)
ld(dotenv_path="a/.env")
ld(find_dotenv())
ld(find_dotenv(usecwd=True))
ld(path)
ld(override=True)
dotenv_values(".env")
config_list_from_dotenv(dotenv_file_path=".env")
config_list_from_dotenv()
def f():
    ld()
"#;
    let facts = extract(text);
    let got: Vec<(LoadKind, LoadPath, bool, bool, bool)> = facts
        .loads
        .iter()
        .map(|l| {
            (
                l.kind,
                l.path.clone(),
                l.override_env,
                l.has_dotenv_file_path,
                l.module_level,
            )
        })
        .collect();
    use LoadKind::*;
    assert_eq!(
        got,
        vec![
            (LoadDotenv, LoadPath::Default, false, false, true),
            (
                LoadDotenv,
                LoadPath::Literal(".env.local".into()),
                true,
                false,
                true
            ),
            (
                LoadDotenv,
                LoadPath::Literal("a/.env".into()),
                false,
                false,
                true
            ),
            (
                LoadDotenv,
                LoadPath::FindDotenv { usecwd: false },
                false,
                false,
                true
            ),
            (
                LoadDotenv,
                LoadPath::FindDotenv { usecwd: true },
                false,
                false,
                true
            ),
            (LoadDotenv, LoadPath::Unknown, false, false, true),
            (LoadDotenv, LoadPath::Default, true, false, true),
            (
                DotenvValues,
                LoadPath::Literal(".env".into()),
                false,
                false,
                true
            ),
            (
                ConfigListFromDotenv,
                LoadPath::Literal(".env".into()),
                false,
                true,
                true
            ),
            (ConfigListFromDotenv, LoadPath::Default, false, false, true),
            (LoadDotenv, LoadPath::Default, false, false, false),
        ]
    );
    // `load_dotenv()` unresolved (the first call): `load_dotenv` was never imported by name.
    assert_eq!(at(text, facts.loads[0].span), "ld()");
    let l = &facts.loads[1];
    assert_eq!(
        at(text, l.span),
        r#"dotenv.load_dotenv(".env.local", override=True)"#
    );
    assert_eq!(at(text, l.stmt_span), at(text, l.span));
    assert_eq!(l.stmt_start, l.stmt_span.start);
    let last = facts.loads.last().unwrap();
    assert_eq!(at(text, last.stmt_span), "def f():\n    ld()");
    assert_eq!(facts.edit_points.load_dotenv_name.as_deref(), Some("ld"));
}

#[test]
fn unimported_load_dotenv_is_not_a_load_point() {
    let facts = extract("load_dotenv()\n");
    assert!(facts.loads.is_empty());
}

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

// ----- llm_configs, secrets, suppressions, edit points -----------------------------------

#[test]
fn secret_constants_are_module_level_credential_names() {
    let text = r#"OPENAI_API_KEY = "sk-abc"
api_token = 'tok'
MODEL = "gpt-4"
MONKEY = "banana"
KEYS = "x"
DB_PASSWORD: str = "hunter2"
APIKEY = ("a" "b")
SECRET = compute()
class Settings:
    AUTH_TOKEN = "t"
def f():
    LOCAL_KEY = "nope"
"#;
    let facts = extract(text);
    let got: Vec<(&str, &str)> = facts
        .secret_constants
        .iter()
        .map(|s| (s.name.as_str(), s.value.value.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("OPENAI_API_KEY", "sk-abc"),
            ("api_token", "tok"),
            ("DB_PASSWORD", "hunter2"),
            ("APIKEY", "ab"),
            ("AUTH_TOKEN", "t"),
        ]
    );
    let s = &facts.secret_constants[0];
    assert_eq!(at(text, s.name_span), "OPENAI_API_KEY");
    assert_eq!(at(text, s.value.span), "\"sk-abc\"");
    assert_eq!(at(text, s.stmt_span), "OPENAI_API_KEY = \"sk-abc\"");
}

#[test]
fn suppression_comments() {
    let text = "x = 1  # keywire: ignore\n# keywire: ignore[kw101, KW104]\n# noqa\n";
    let facts = extract(text);
    assert_eq!(facts.suppressions.len(), 2);
    assert_eq!(facts.suppressions[0].line, 0);
    assert!(facts.suppressions[0].codes.is_empty());
    assert_eq!(facts.suppressions[1].line, 1);
    assert_eq!(facts.suppressions[1].codes, vec!["KW101", "KW104"]);
}

#[test]
fn edit_points() {
    let text = "\"\"\"Doc.\"\"\"\n# comment\nimport os\nfrom dotenv import load_dotenv\n\nx = 1\nimport late\n";
    let facts = extract(text);
    let ep = &facts.edit_points;
    assert!(ep.has_import_os);
    assert_eq!(ep.load_dotenv_name.as_deref(), Some("load_dotenv"));
    assert_eq!(&text[ep.after_imports..], "\nx = 1\nimport late\n");
    assert_eq!(ep.newline, "\n");

    let text = "\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\nx = 1\n";
    let ep = extract(text).edit_points;
    assert_eq!(&text[ep.after_imports..], "x = 1\n");
    assert!(!ep.has_import_os);
    assert_eq!(ep.load_dotenv_name, None);

    let text = "\"\"\"Doc.\"\"\"\r\nx = 1\r\n";
    let ep = extract(text).edit_points;
    assert_eq!(&text[ep.after_imports..], "x = 1\r\n");
    assert_eq!(ep.newline, "\r\n");

    let ep = extract("x = 1\nimport os\n").edit_points;
    assert_eq!(ep.after_imports, 0);

    let text = "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nx = 1\n";
    let ep = extract(text).edit_points;
    assert_eq!(&text[ep.after_imports..], "x = 1\n");

    let ep = extract("import dotenv\nimport os as o\ndef f():\n    import os\n").edit_points;
    assert_eq!(ep.load_dotenv_name.as_deref(), Some("dotenv.load_dotenv"));
    assert!(!ep.has_import_os);

    let text = "import os";
    assert_eq!(extract(text).edit_points.after_imports, text.len());
}

// ----- robustness ------------------------------------------------------------------------

#[test]
fn deep_nesting_does_not_overflow() {
    for (open, close) in [("[", "]"), ("(", ")"), ("{", "}"), ("f(", ")")] {
        let text = format!("x = {}1{}\n", open.repeat(10_000), close.repeat(10_000));
        let facts = extract(&text);
        assert!(facts.entries.is_empty());
    }
    let text = format!(
        "import os\nx = {}os.environ['A']{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    assert_eq!(extract(&text).env_reads.len(), 1);
    let mut text = String::new();
    for depth in 0..2_000 {
        text.push_str(&"    ".repeat(depth));
        text.push_str("def f():\n");
    }
    text.push_str(&"    ".repeat(2_000));
    text.push_str("pass\n");
    let _ = extract(&text);
    let text = format!("x = {}a{}\n", "-(".repeat(10_000), ")".repeat(10_000));
    let _ = extract(&text);
    let text = format!("x = a{}\n", ".b".repeat(10_000));
    let _ = extract(&text);
    let text = format!("x = \"a\"{}\n", " \"b\"".repeat(10_000));
    let _ = extract(&text);
}

#[test]
fn garbage_does_not_panic() {
    let inputs: Vec<String> = vec![
        String::new(),
        "\0\0\0".into(),
        "\u{feff}import os\nos.environ[".into(),
        "import os\nos.environ['A".into(),
        "x = {'config_list': [{'model': 'm', 'api_key': os.environ['K'".into(),
        "from autogen import (\n".into(),
        "def f(:\n  {'config_list': [dict(,,)]}".into(),
        "é\u{1F600}\r\r\n\\".into(),
        (0..=255u8).map(char::from).collect(),
        "'''".into(),
        "x = '\\".into(),
        "import os\nos.environ['\\x'] = '\\".into(),
    ];
    for text in &inputs {
        let facts = extract(text);
        for r in &facts.env_reads {
            assert!(text.get(r.span.start..r.span.end).is_some());
        }
    }
    let facts = extract("def f(:\n");
    assert!(facts.has_syntax_errors);
    assert!(!extract("x = 1\n").has_syntax_errors);
    // Pseudo-random bytes.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..50 {
        let s: String = (0..400)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let alphabet = b"()[]{}'\"\\:=,.# \nosenvirongetAB_0f";
                alphabet[(state % alphabet.len() as u64) as usize] as char
            })
            .collect();
        let _ = extract(&s);
    }
}

#[test]
fn scoping_details() {
    let text = r#"import os.path
from autogen import AssistantAgent
class Config:
    KEY = os.environ["CLASS_KEY"]
    llm = {"config_list": [{"model": "m", "api_key": KEY}]}
    def method(self):
        return {"config_list": [{"model": "m", "api_key": KEY}]}
match = os.getenv("MATCH")
KEY = "module"
KEY += "x"
from autogen import (  # keywire: ignore[KW109]
    UserProxyAgent,
)
"#;
    let facts = extract(text);
    assert!(facts.edit_points.has_import_os);
    let names: Vec<&str> = facts.env_reads.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, vec!["CLASS_KEY", "MATCH"]);
    assert!(facts.env_reads[0].module_level);
    assert_eq!(facts.entries.len(), 2);
    // Class-body names are visible in the class body, not in its methods.
    assert_eq!(
        field_env(&facts, &facts.entries[0], "api_key"),
        Some("CLASS_KEY")
    );
    assert_eq!(
        facts.entries[1].field("api_key").unwrap().value,
        FieldValue::Other
    );
    assert_eq!(facts.suppressions.len(), 1);
    assert_eq!(facts.suppressions[0].line, 10);
    assert!(facts.secret_constants.iter().any(|s| s.name == "KEY"));
}

/// Function bodies are skipped only when they cannot hold a fact: a client constructed through
/// an imported (or aliased, or star-imported) name, or an env read through an alias, inside a
/// function, with none of the trigger words, is still found.
#[test]
fn pruned_function_bodies_keep_every_fact() {
    let cases = [
        "from autogen_ext.models.openai import OpenAIChatCompletionClient\n\ndef make():\n    return OpenAIChatCompletionClient(model=\"gpt-4o\")\n",
        "from autogen_ext.models.openai import OpenAIChatCompletionClient as C\n\ndef make():\n    return C(model=\"gpt-4o\")\n",
        "import autogen_ext.models.openai as m\n\ndef make():\n    return m.OpenAIChatCompletionClient(model=\"gpt-4o\")\n",
        "from autogen_ext.models.openai import *\n\ndef make():\n    return OpenAIChatCompletionClient(model=\"gpt-4o\")\n",
        "from os import getenv as ge\n\ndef key():\n    return ge(\"OPENAI_API_KEY\")\n",
    ];
    for text in cases {
        let pruned = extract(text);
        assert_eq!(pruned, super::extract_unpruned(text), "{text}");
        assert!(
            !pruned.entries.is_empty() || !pruned.env_reads.is_empty(),
            "no fact found in:\n{text}"
        );
    }
    // And a body with nothing in it is skipped without changing anything.
    let text = "from autogen_ext.models.openai import OpenAIChatCompletionClient\n\ndef f(x):\n    return [i * 2 for i in x]\n\nc = OpenAIChatCompletionClient(model=\"gpt-4o\")\n";
    assert_eq!(extract(text), super::extract_unpruned(text));
    assert_eq!(extract(text).entries.len(), 1);
}

/// Whole `def`s and `class`es are skipped only when nothing in them reaches outside: a
/// class-level credential constant, a class-level `if`, a `:=` in a default value (it binds in
/// the enclosing scope), and an env read in a default value are all still found.
#[test]
fn pruned_definitions_keep_every_fact() {
    let cases = [
        ("class Settings:\n    \"\"\"Doc.\"\"\"\n    API_KEY = \"sk-proj-abcdefghijklmnopqrstuvwxyz0123456789\"\n\n    def get(self):\n        return self.API_KEY\n", "secret"),
        ("class Settings:\n    if True:\n        API_TOKEN = \"abcdefghijklmnopqrstuvwxyz0123\"\n", "secret"),
        ("from autogen import AssistantAgent\n\ndef f(x=(cfg := {\"model\": \"gpt-4o\", \"api_key\": \"k\"})):\n    return x\n\nagent = AssistantAgent(\"a\", llm_config=cfg)\n", "entry"),
        ("import os\n\ndef f(key=os.environ[\"OPENAI_API_KEY\"]):\n    return key\n", "read"),
        ("import os\n\nclass A(dict):\n    retries: int = 3\n\n    def go(self):\n        return os.getenv(\"OPENAI_API_KEY\")\n", "read"),
    ];
    for (text, want) in cases {
        let pruned = extract(text);
        assert_eq!(pruned, super::extract_unpruned(text), "{text}");
        let found = match want {
            "secret" => !pruned.secret_constants.is_empty(),
            "entry" => !pruned.entries.is_empty(),
            _ => pruned.env_reads.iter().any(|r| r.name == "OPENAI_API_KEY"),
        };
        assert!(found, "no {want} found in:\n{text}");
    }
    // A plain class and a plain function: skipped, and their names still shadow imports.
    let text = "from autogen import AssistantAgent\n\nclass Service:\n    \"\"\"Doc.\"\"\"\n    name: str = \"x\"\n\n    def run(self, item):\n        return item\n\ndef AssistantAgent(**kw):\n    return kw\n\nagent = AssistantAgent(llm_config={\"model\": \"m\"})\n";
    assert_eq!(extract(text), super::extract_unpruned(text));
    assert!(extract(text).agents.is_empty());
}

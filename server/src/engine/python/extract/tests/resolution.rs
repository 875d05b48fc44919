//! Imports and how constructors resolve through them (or are shadowed).

use super::*;

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
fn sdk_clients_resolve_through_their_imports_only() {
    let text = "\
import openai
import google.genai as gg
from google import genai
from openai import AzureOpenAI as AOAI
from anthropic import AnthropicBedrock
from langchain_openai import ChatOpenAI
from llama_index.llms.openai import OpenAI as LlamaOpenAI
from mistralai.client import Mistral
a = openai.OpenAI()
b = AOAI(api_version='2024-10-21')
c = genai.Client()
d = gg.Client()
e = AnthropicBedrock()
f = Mistral(api_key='k')
g = openai.Client()
ChatOpenAI(model='gpt-4o')
LlamaOpenAI(model='gpt-4o')
class OpenAI:
    pass
OpenAI()
Client()
";
    let facts = extract(text);
    let names: Vec<(&str, Generation)> = facts
        .entries
        .iter()
        .filter_map(|e| e.constructor.map(|c| (c.name, e.generation)))
        .collect();
    let alias = facts.entries.last().and_then(|e| e.constructor).unwrap();
    assert_eq!(alias.provider, Some(ProviderId::OpenAi));
    let sdk = Generation::Sdk;
    assert_eq!(
        names,
        vec![
            ("OpenAI", sdk),
            ("AzureOpenAI", sdk),
            ("Client", sdk),
            ("Client", sdk),
            ("AnthropicBedrock", sdk),
            ("Mistral", sdk),
            ("Client", sdk),
        ]
    );
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

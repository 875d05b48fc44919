use super::mask;
use crate::engine::python::extract::{
    configs_left_out, extract, extract_unpruned, extract_without_configs,
};

/// The mask of `text`, and the facts from it equal the facts from the text as written; without
/// configurations, all but the configurations do.
fn masked(text: &str) -> Option<String> {
    let m = mask(text, true);
    if let Some(m) = &m {
        assert_eq!(m.len(), text.len());
        assert_eq!(
            m.bytes().filter(|&c| c == b'\n').count(),
            text.bytes().filter(|&c| c == b'\n').count()
        );
    }
    let unpruned = extract_unpruned(text);
    assert_eq!(
        configs_left_out(extract_without_configs(text)),
        configs_left_out(unpruned.clone()),
        "without configurations: {text}"
    );
    assert_eq!(extract(text), unpruned, "{text}");
    m
}

#[test]
fn inert_statements_and_definitions_are_blanked() {
    let text = "import os\nfrom autogen import AssistantAgent\n\nx = 1\n\n\
                def helper(a):\n    total = a * 2\n    return total\n\n\
                def build():\n    n = helper(3)\n    key = os.environ[\"OPENAI_API_KEY\"]\n    \
                return AssistantAgent(\"a\", llm_config={\"model\": \"gpt-4o\", \"api_key\": key})\n\n\
                def last():\n    return 0\n";
    let m = masked(text).expect("masked");
    // `helper` is written only on a line left out: its definition goes too.
    assert!(!m.contains("def helper(a)"), "{m}");
    assert!(!m.contains("total = a"), "{m}");
    assert!(!m.contains("n = helper"), "{m}");
    assert!(m.contains("key = os.environ"), "{m}");
    // The module's last statement goes too: nothing reads `last`.
    assert!(!m.contains("def last():"), "{m}");
}

#[test]
fn bindings_that_relevant_lines_read_are_kept() {
    let text = "from autogen import AssistantAgent\n\ndef build(flag):\n    \
                base = {\"model\": \"gpt-4o\", \"api_key\": \"sk-x\"}\n    other = 3\n    \
                cfg = [base]\n    if flag:\n        cfg = [base, base]\n    \
                a = AssistantAgent(\"a\", llm_config={\"config_list\": cfg})\n    \
                return a\n";
    let m = masked(text).expect("masked");
    assert!(m.contains("base = {"), "{m}");
    assert!(m.contains("cfg = [base, base]"), "{m}");
    assert!(!m.contains("other = 3"), "{m}");
}

#[test]
fn aliases_of_imported_names_are_triggers() {
    let text =
        "import autogen\n\ndef build():\n    Agent = autogen.AssistantAgent\n    x = 2\n    \
                a = Agent(\"a\", llm_config={\"model\": \"m\"})\n    return a\n";
    let m = masked(text).expect("masked");
    assert!(m.contains("a = Agent("), "{m}");
}

#[test]
fn what_is_not_plain_is_left_alone() {
    for text in [
        "def f():\n\tx = 1\n\treturn x\n",
        "def f():\n    x = (1\n",
        "def f():\n    s = '''open\n",
        "def f():\n    x = 1\n  y = 2\n",
        "from autogen import *\n\ndef f():\n    x = 1\n    return x\n",
    ] {
        assert_eq!(mask(text, true), None, "{text}");
    }
}

#[test]
fn names_written_elsewhere_keep_their_definitions() {
    let text = "import json\nx = 1\n\ndef dict(**kw):\n    return kw\n\n\
                def unused():\n    return 1\n\ny = 2\n\
                from autogen import AssistantAgent\n\
                A = AssistantAgent('a', llm_config=dict(model='m'))\n";
    let m = masked(text).expect("masked");
    // `dict(...)` is read as a dict only where `dict` is not rebound.
    assert!(m.contains("def dict"), "{m}");
    assert!(!m.contains("def unused"), "{m}");
}

#[test]
fn leading_imports_stay_where_they_are() {
    // The edit point after the leading imports: a first definition is never blanked.
    let text = "def first():\n    return 1\n\nimport os\nx = os.environ['A']\n";
    let m = masked(text);
    assert!(m.is_none_or(|m| m.contains("def first")));
}

#[test]
fn clauses_decorators_and_blocks_keep_their_shape() {
    let text = "import os\n\nclass A:\n    @property\n    def p(self):\n        return 1\n\n    \
                def q(self):\n        try:\n            v = 1\n        except ValueError:\n            \
                v = 2\n        else:\n            v = 3\n        finally:\n            pass\n        \
                for i in range(3):\n            if i:\n                continue\n        \
                key = os.getenv('K')\n        return key\n\n    def r(self):\n        return 2\n";
    let m = masked(text).expect("masked");
    assert!(!m.contains("except ValueError"), "{m}");
    assert!(m.contains("def r(self)"), "{m}");
}

#[test]
fn line_breaks_and_wide_characters_keep_their_places() {
    let text = "import os\n# 注释 😀\nfrom autogen import AssistantAgent\n\ndef 帮助(a):\n    总 = a * 2  # 😀\n    \
                return 总\n\ndef build():\n    n = \"数据 😀\"\n    # keywire: ignore[KW101]\n    \
                key = os.environ[\"OPENAI_API_KEY\"]\n    return AssistantAgent(\"名\", llm_config={\"model\": \"m\", \"api_key\": key})\n\n\
                def last():\n    return 0\n";
    let m = masked(text).expect("masked");
    assert!(!m.contains("数据"), "{m}");
    assert!(m.contains("# keywire: ignore[KW101]"), "{m}");
    let crlf = text.replace('\n', "\r\n");
    let m = masked(&crlf).expect("masked");
    assert!(!m.contains("数据"), "{m}");
    // The suppression is read on its line.
    assert_eq!(
        extract(&crlf).suppressions,
        extract_unpruned(&crlf).suppressions
    );
    assert_eq!(extract(&crlf).suppressions.len(), 1);
}

#[test]
fn names_that_resolve_to_nothing_keywire_knows_are_no_triggers() {
    let text = "from openai import OpenAI\nfrom openai.types.chat import ChatCompletion\n\
                from autogen import AssistantAgent as Helper, GroupChat\n\n\
                def respond(raw):\n    usage = raw.usage\n    \
                return ChatCompletion(id=raw.id, usage=usage)\n\n\
                def chat(agents):\n    return GroupChat(agents=agents)\n\n\
                def build(model):\n    client = OpenAI()\n    \
                return Helper(\"a\", llm_config={\"model\": model}), client\n";
    let m = masked(text).expect("masked");
    assert!(!m.contains("usage = raw.usage"), "{m}");
    // The last statement of a block stays, whatever it holds.
    assert!(m.contains("return ChatCompletion"), "{m}");
    assert!(m.contains("client = OpenAI()"), "{m}");
    assert!(m.contains("return Helper("), "{m}");
}

#[test]
fn module_level_statements_stay_when_a_kept_line_reads_what_they_bind() {
    let text = "import os\nfrom autogen import AssistantAgent\n\n\
                logger = make_logger()\nlogger.setLevel(10)\nMODEL = \"gpt-4o\"\n\
                BASE = {\"model\": MODEL}\nOPENAI_API_KEY = \"sk-not-read-anywhere\"\n\
                UNUSED = {\"a\": 1}\n\n\
                class Settings:\n    timeout = 30\n    retries = timeout * 2\n    \
                def agent(self):\n        return AssistantAgent(\"a\", llm_config=BASE)\n\n\
                key = os.environ[\"OPENAI_API_KEY\"]\n";
    let m = masked(text).expect("masked");
    assert!(m.contains("MODEL = \"gpt-4o\""), "{m}");
    assert!(m.contains("BASE = {"), "{m}");
    assert!(m.contains("OPENAI_API_KEY = \"sk-"), "{m}");
    assert!(!m.contains("UNUSED"), "{m}");
    assert!(!m.contains("logger.setLevel"), "{m}");
    assert!(!m.contains("retries"), "{m}");
}

#[test]
fn configuration_words_count_as_whole_words_only() {
    let text = "from autogen import AssistantAgent\n\nclass Chat:\n    def setup(self, other):\n        \
                self.speaker_llm_config = other.llm_config_defaults\n        \
                self.n = 1\n        return self.n\n\n    \
                def agent(self):\n        return AssistantAgent(\"a\", llm_config=self.speaker_llm_config)\n";
    let m = masked(text).expect("masked");
    assert!(!m.contains("self.speaker_llm_config = "), "{m}");
}

#[test]
fn configuration_words_count_as_keywords_and_keys_only() {
    let text = "from autogen import AssistantAgent, ConversableAgent, LLMConfig\n\n\
                class Chat(ConversableAgent):\n    \
                def __init__(self, llm_config: dict | None = None):\n        \
                self.llm_config = self.check(llm_config)\n        \
                self.register(ConversableAgent.generate_reply)\n        \
                if llm_config.get(\"cache_seed\") is None:\n            \
                print(\"no llm_config cache\")\n        \
                self.n = 1\n\n    \
                def build(self, llm_config):\n        \
                cfg = LLMConfig.from_json(path=\"OAI_CONFIG_LIST\")\n        \
                agents = [AssistantAgent(\"a\", llm_config=cfg)]\n        \
                return make(\"b\", llm_config\n            = {\"model\": \"gpt-4o\", \"api_key\": \"k\"})\n";
    let m = masked(text).expect("masked");
    assert!(!m.contains("self.llm_config = "), "{m}");
    assert!(!m.contains("ConversableAgent.generate_reply"), "{m}");
    assert!(!m.contains("cache_seed"), "{m}");
    assert!(m.contains("cfg = LLMConfig.from_json"), "{m}");
    assert!(m.contains("= {\"model\""), "{m}");
}

#[test]
fn definitions_and_compound_statements_stay_when_a_kept_line_reads_them() {
    let text = "import os\nfrom autogen import AssistantAgent\n\n\
                def make_cfg():\n    return {\"model\": MODEL}\n\n\
                def report(x):\n    print(x)\n\n\
                if os.name == \"nt\":\n    MODEL = \"gpt-4o\"\nelse:\n    MODEL = \"gpt-4o-mini\"\n\n\
                for q in QUESTIONS:\n    report(q)\n\n\
                with open(\"log\") as fh:\n    LOG = fh.read()\n\n\
                class Unused:\n    size = 3\n\n\
                class Used:\n    size = 4\n    def f(self):\n        return 1\n    done = True\n\n\
                a = AssistantAgent(\"a\", llm_config=make_cfg(), description=LOG + Used.size)\n\
                key = os.environ[\"OPENAI_API_KEY\"]\n";
    let m = masked(text).expect("masked");
    assert!(m.contains("def make_cfg():"), "{m}");
    assert!(m.contains("MODEL = \"gpt-4o-mini\""), "{m}");
    assert!(m.contains("with open(\"log\") as fh:"), "{m}");
    assert!(m.contains("class Used:"), "{m}");
    // Read as an attribute only: nothing resolves it.
    assert!(!m.contains("size = 4"), "{m}");
    assert!(!m.contains("def f(self)"), "{m}");
    assert!(!m.contains("def report"), "{m}");
    assert!(!m.contains("for q in"), "{m}");
    assert!(!m.contains("class Unused"), "{m}");
}

#[test]
fn names_in_strings_annotations_and_arguments_are_no_triggers() {
    let text = "from autogen import AssistantAgent, LLMConfig\n\n\
                class Chat:\n    \
                cfg: LLMConfig | dict[str, int] | None = None\n    \
                llm_config: dict[str, int] | None = None\n    \
                def g(self, s: str):\n        t = str(s)\n        return t\n    \
                def pick(self, agent: AssistantAgent, n: int) -> AssistantAgent:\n        \
                note = \"an AssistantAgent answers\"\n        \
                label = f\"AssistantAgent {n}\"\n        \
                if isinstance(agent, AssistantAgent):\n            return agent\n        \
                return None\n\n    \
                def make(self, n: str):\n        \
                x = f\"{AssistantAgent(n)}\"\n        \
                A = (AssistantAgent)\n        \
                return A(\"b\")\n\n\
                def last():\n    return 0\n";
    let m = masked(text).expect("masked");
    assert!(!m.contains("def pick"), "{m}");
    assert!(!m.contains("note ="), "{m}");
    // `x: T = None` copies nothing and binds only `x`.
    assert!(!m.contains("cfg: LLMConfig"), "{m}");
    assert!(!m.contains("t = str(s)"), "{m}");
    assert!(m.contains("x = f\"{AssistantAgent(n)}\""), "{m}");
    assert!(m.contains("A = (AssistantAgent)"), "{m}");
}

#[test]
fn json_dumps_counts_where_the_extractor_reads_it() {
    let text = "import json\n\ndef log(event):\n    line = json.dumps(event)\n    \
                print(line)\n    return None\n\n\
                def save(path):\n    cfg = [{\"model\": \"m\", \"api_key\": \"k\"}]\n    \
                n = 1\n    with open(path, \"w\") as f:\n        f.write(json.dumps(cfg))\n    \
                return n\n\n\
                def alias():\n    d = json.dumps\n    x = 2\n    \
                open(\"c.json\", \"w\").write(d(CFG))\n    return x\n";
    let m = masked(text).expect("masked");
    assert!(!m.contains("line = json.dumps"), "{m}");
    assert!(m.contains("cfg = [{"), "{m}");
    assert!(m.contains("d = json.dumps"), "{m}");
    assert!(!m.contains("x = 2"), "{m}");
}

#[test]
fn fact_tokens_in_strings_and_comments_are_no_triggers() {
    let text = "import os\nfrom autogen import AssistantAgent\n\n\
                def prompt():\n    task = \"import requests; print(os.environ)\"  # import it\n    \
                n = 1\n    return task\n\n\
                def read():\n    where = f\"{os.environ['HOME']}/x\"\n    return where\n\n\
                def build():\n    cfg = {\"config_list\": [{\"model\": \"m\"}]}\n    n = 2\n    \
                return AssistantAgent(\"a\", llm_config=cfg)\n";
    let m = masked(text).expect("masked");
    assert!(!m.contains("task = "), "{m}");
    assert!(m.contains("where = f"), "{m}");
    assert!(m.contains("cfg = {"), "{m}");
}

/// Statements of the kinds the mask judges, over a few names that resolve, shadow or alias
/// what keywire knows: any module made of them gives the same facts masked as written.
const STATEMENTS: &[&str] = &[
    "{a} = {b}\n",
    "{a}: LLMConfig | None = None\n",
    "{a} = AssistantAgent(\"x\", llm_config={b})\n",
    "{a} = {{\"config_list\": [{{\"model\": \"m\", \"api_key\": {b}}}]}}\n",
    "{a} = os.environ[\"K_{a}\"]\n",
    "if {b}:\n    {a} = \"gpt-4o\"\nelse:\n    {a} = {b}\n",
    "for {a} in {b}:\n    print({a})\n",
    "with open(\"f\") as {a}:\n    {b} = {a}.read()\n",
    "class {C}:\n    {a} = {b}\n    def m(self, x: AssistantAgent) -> None:\n        return {b}\n",
    "def {a}():\n    return {b}\n",
    "def {a}(x: AssistantAgent):\n    y = f\"{{x}} {{{b}}}\"\n    return AssistantAgent(\"n\", llm_config=y)\n",
    "{a} = json.dumps({b})\n",
    "open(\"c.json\", \"w\").write(json.dumps({b}))\n",
    "{a} = \"import os; AssistantAgent\"  # environ\n",
    "try:\n    {a} = {b}\nexcept Exception as {b}:\n    pass\n",
    "print({a}, {b})\n",
    "{C} = AssistantAgent\n",
    "{a} = {C}(\"z\", llm_config={b})\n",
    "OPENAI_API_KEY = \"sk-proj-4fQ9zR2mL8vX1cT7bN3kP6wY0hJ5sD2gA9eU4iO7lK1m\"\n",
    "{a} = isinstance({b}, AssistantAgent)\n",
    "{a} = {C}.from_json(path=\"{b}.json\")\n",
    "{a} = {C}.reply({b}, n={C} . from_json)\n",
    "{a}.llm_config = {{\"config_list\": {b}}}\n",
    "{a} = make(\"w\", llm_config  # keyword\n    = {{\"model\": \"m\", \"api_key\": {b}}})\n",
    "{a} = make(config_list=[{{\"model\": \"m\", \"api_key\": {b}}}])\n",
    "if {a}.get(\"llm_config\") == {b}:\n    {a}.config_list = {b}\n",
    "def {a}():\n    from autogen import {C}\n    return {b}\n",
    "from autogen import AssistantAgent as {a}\n",
    "from openai import {C}\n",
    "def {a}():\n    import json as {b}\n    x = {b}.dumps({a})\n    return x\n",
    "def {a}():\n    from os import environ as {b}\n    return {b}[\"K\"]\n",
    "def {a}():\n    from openai import {C} as {b}\n    return {b}(api_key=\"k\")\n",
];

const NAMES: &[&str] = &[
    "cfg",
    "key",
    "model",
    "base",
    "agent",
    "x",
    "environ",
    "dumps",
    "str",
    "getenv",
    "llm_config",
    "config_list",
];
const CLASSES: &[&str] = &["Helper", "Chat", "AssistantAgent", "OpenAI", "LLMConfig"];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
    #[test]
    fn modules_of_judged_statements_keep_their_facts(
        picks in proptest::collection::vec((0..STATEMENTS.len(), 0..NAMES.len(), 0..NAMES.len(), 0..CLASSES.len()), 1..14)
    ) {
        let mut text = String::from(
            "import os, json\nfrom autogen import AssistantAgent, LLMConfig\n\
             from autogen import ConversableAgent as Chat\nfrom openai import OpenAI\n\n",
        );
        for (s, a, b, c) in picks {
            text.push_str(
                &STATEMENTS[s]
                    .replace("{a}", NAMES[a])
                    .replace("{b}", NAMES[b])
                    .replace("{C}", CLASSES[c])
                    .replace("{{", "{")
                    .replace("}}", "}"),
            );
        }
        text.push_str("last = 0\n");
        masked(&text);
    }
}

#[test]
fn imports_that_bind_nothing_keywire_resolves_are_left_out() {
    let text = "\"\"\"Agents.\"\"\"\nfrom __future__ import annotations\n\nimport asyncio\n\
                from typing import (  # types\n    Any,\n    Dict,\n)\n\
                from . import helpers\nfrom .config import Settings as S\n\
                from autogen import AssistantAgent\nimport os\n\n\
                def build():\n    key = os.environ[\"OPENAI_API_KEY\"]\n    \
                return AssistantAgent(\"a\", llm_config={\"model\": \"m\", \"api_key\": key})\n";
    let m = masked(text).expect("masked");
    for gone in [
        "annotations",
        "asyncio",
        "typing",
        "Dict",
        "helpers",
        "Settings",
    ] {
        assert!(!m.contains(gone), "{gone}: {m}");
    }
    // A leading import from a package keywire knows goes too, its name bound before the walk;
    // `os` is noted by the extractor (an edit point).
    assert!(!m.contains("from autogen import AssistantAgent"), "{m}");
    assert!(m.contains("import os"), "{m}");
    let facts = extract(text);
    assert_eq!(facts.agents.len(), 1, "{facts:?}");
    let modules: Vec<&str> = facts.imports.iter().map(|i| i.module.as_str()).collect();
    assert_eq!(
        modules,
        [
            "__future__",
            "asyncio",
            "typing",
            "",
            "config",
            "autogen",
            "os"
        ]
    );
    // The leading imports end after `import os`, as if every one had been parsed.
    assert_eq!(facts.edit_points.after_imports, text.find("\ndef").unwrap());

    // Left out last, or first before a statement that would pass for a docstring.
    for text in [
        "import asyncio\nimport os\nx = os.environ[\"A\"]\nimport json\nimport typing\ny = 1\n",
        "import asyncio\n\"not a docstring\"\nimport os\nx = os.environ[\"A\"]\n",
        "import asyncio\n\n# a comment\nx = 1\nimport os\nv = os.getenv(\"A\")\n",
    ] {
        let m = masked(text).expect("masked");
        assert!(!m.contains("asyncio"), "{m}");
    }
}

#[test]
fn imports_that_may_rebind_a_resolved_name_are_parsed() {
    for (text, kept) in [
        (
            "from autogen import AssistantAgent\nfrom mylib import AssistantAgent\n\n\
             a = AssistantAgent(\"a\", llm_config={\"model\": \"m\"})\n",
            "from mylib import AssistantAgent",
        ),
        (
            "import autogen as ag\nfrom mylib import ag\n\n\
             a = ag.AssistantAgent(\"a\", llm_config={\"model\": \"m\"})\n",
            "from mylib import ag",
        ),
        (
            "import autogen\nAgent = autogen.AssistantAgent\nfrom mylib import Agent\n\n\
             a = Agent(\"a\", llm_config={\"model\": \"m\"})\n",
            "from mylib import Agent",
        ),
        (
            "from os import getenv\nfrom mylib.os import thing\nx = getenv(\"A\")\n",
            "from mylib.os import thing",
        ),
        (
            "import os\nimport asyncio; import json\nx = os.environ[\"A\"]\n",
            "import asyncio; import json",
        ),
        (
            "import os\nfrom typing import (  # keywire: ignore[KW201]\n    Any,\n)\n\
             x = os.environ[\"A\"]\n",
            "from typing import (",
        ),
        (
            "import os\nfrom mylib import *\nx = os.environ[\"A\"]\n",
            "from mylib import *",
        ),
    ] {
        let m = masked(text).unwrap_or_else(|| text.to_string());
        assert!(m.contains(kept), "{kept}: {m}");
    }
}

#[test]
fn the_modules_last_statement_goes_when_nothing_reads_it() {
    // A notebook's last cell prints what the conversation before it returned.
    let text = "from autogen import AssistantAgent, config_list_from_json\n\n\
                config_list = config_list_from_json(\"OAI_CONFIG_LIST\")\n\
                a = AssistantAgent(\"a\", llm_config={\"config_list\": config_list})\n\
                problem = \"Who wrote FLAML?\"\nresult = a.initiate_chat(a, message=problem)\n\
                print(result.summary)\n";
    let m = masked(text).expect("masked");
    for gone in ["print(", "initiate_chat", "problem = "] {
        assert!(!m.contains(gone), "{gone}: {m}");
    }
    // The first statement after the leading imports stays (it ends them).
    for text in [
        "import typing\nx = 1\ny = 2\n",
        "import typing\n\nx = 1\ny = 2\n# end\n",
    ] {
        let m = masked(text).expect("masked");
        assert!(m.contains("x = 1") && !m.contains("y = 2"), "{m}");
        assert_eq!(extract(text).imports.len(), 1);
    }
}

#[test]
fn class_level_bindings_stay_only_when_their_class_reads_them() {
    // `model` and `cfg` are read only inside a method, where a bare name never finds a class
    // attribute; `MODEL` at module level is found from anywhere; `base` is read by a
    // class-level line and `default` by a method's header (defaults run in the class scope).
    let text = "import os\nfrom autogen import AssistantAgent\n\n\
                MODEL = \"gpt-4o\"\n\n\
                class Team:\n    model = \"gpt-4o-mini\"\n    cfg = {\"model\": model}\n    \
                base = {\"model\": \"gpt-4o\"}\n    default = 3\n    \
                shared = AssistantAgent(\"s\", llm_config=base)\n    \
                def build(self, n=default):\n        \
                return AssistantAgent(\"a\", llm_config={\"model\": MODEL, \"n\": model, \"c\": cfg})\n    \
                done = True\n\n\
                key = os.environ[\"OPENAI_API_KEY\"]\n";
    let m = masked(text).expect("masked");
    assert!(m.contains("MODEL = \"gpt-4o\""), "{m}");
    assert!(!m.contains("model = \"gpt-4o-mini\""), "{m}");
    assert!(!m.contains("cfg = {"), "{m}");
    assert!(m.contains("base = {"), "{m}");
    assert!(m.contains("default = 3"), "{m}");
}

#[test]
fn names_that_hold_a_token_are_still_found() {
    // `config_list_from_json` starts with the token `config_list`: every match is looked at,
    // so the alias bound to it is followed to its call.
    let text = "import os\nfrom autogen import config_list_from_json\n\n\
                load = config_list_from_json\n\n\
                def main():\n    x = 1\n    return load(\"OAI_CONFIG_LIST\")\n\n\
                def other():\n    return 2\n";
    let m = masked(text).expect("masked");
    assert!(m.contains("load = config_list_from_json"), "{m}");
    assert!(m.contains("return load("), "{m}");
    assert!(!m.contains("x = 1"), "{m}");
}

#[test]
fn import_counts_as_the_keyword_only() {
    // AG2's own code and tests wrap optional imports in helpers whose names hold `import`.
    let text = "import os\nfrom autogen.import_utils import optional_import_block, \
                run_for_optional_imports\n\ndef test_c():\n    key = os.environ[\"X\"]\n    \
                assert key\n\nwith optional_import_block():\n    x = 1\n\n\
                @run_for_optional_imports([\"boto3\"], \"bedrock\")\ndef test_a():\n    \
                assert 1\n\n\
                def test_b():\n    import json\n    assert json\n";
    let m = masked(text).expect("masked");
    assert!(!m.contains("optional_import_block():"), "{m}");
    assert!(!m.contains("@run_for_optional_imports("), "{m}");
    // An import in a body that nothing there reads is left out: its facts are the light
    // scanner's (`masked` compares them with the parse's).
    assert!(!m.contains("import json"), "{m}");
    let m = crate::engine::python::extract::mask::mask(text, false).expect("masked");
    assert!(!m.contains("@run_for_optional_imports("), "{m}");
    assert!(!m.contains("import json"), "{m}");
    let json = extract(text)
        .imports
        .into_iter()
        .find(|i| i.module == "json")
        .expect("json imported");
    assert!(!json.module_level);
    assert_eq!(json.stmt_start, text.find("def test_b").unwrap());
}

#[test]
fn leading_imports_from_known_packages_are_bound_before_the_walk() {
    let text = "\"\"\"App.\"\"\"\nfrom autogen import AssistantAgent as A, LLMConfig\n\
                import autogen.agentchat as ac\nimport os\n\n\
                agent = A(\"a\", llm_config={\"model\": \"m\", \"api_key\": os.environ[\"K\"]})\n\
                other = ac.UserProxyAgent(\"u\", llm_config=False)\nx = 1\n";
    let m = masked(text).expect("masked");
    assert!(!m.contains("import AssistantAgent"), "{m}");
    assert!(!m.contains("import autogen.agentchat"), "{m}");
    let facts = extract(text);
    let ctors: Vec<&str> = facts.agents.iter().map(|a| a.constructor.name).collect();
    assert_eq!(ctors, ["AssistantAgent", "UserProxyAgent"], "{facts:?}");

    // After other statements too, when nothing before it names what it binds.
    let text = "import os\nx = os.environ[\"K\"]\nfrom autogen import AssistantAgent as A\n\n\
                agent = A(\"a\", llm_config={\"model\": \"m\"})\ny = 1\n";
    let m = masked(text).expect("masked");
    assert!(!m.contains("import AssistantAgent as A"), "{m}");
    assert_eq!(extract(text).agents.len(), 1);

    // A name another import binds too, or one written before the import, is bound where the
    // import stands.
    for text in [
        "from autogen import AssistantAgent as A\nfrom mylib import A\nimport os\n\n\
         agent = A(\"a\", llm_config={\"model\": \"m\"})\nx = 1\n",
        "import os\nA = os.environ[\"K\"]\nfrom autogen import AssistantAgent as A\n\n\
         agent = A(\"a\", llm_config={\"model\": \"m\"})\ny = 1\n",
        "import os\n\ndef make():\n    return A(\"b\", llm_config={\"model\": \"m\"})\n\n\
         from autogen import AssistantAgent as A\nagent = make()\n",
    ] {
        let m = masked(text).expect("masked");
        assert!(m.contains("import AssistantAgent as A"), "{m}");
    }
}

#[test]
fn imports_in_function_bodies_are_parsed_only_when_read() {
    let text = "import os\n\n@decorate\ndef read():\n    from os import environ\n    n = 1\n    \
                return environ[\"K\"]\n\n\
                class Tests:\n    def test_a(self):\n        import json\n        \
                from autogen import AssistantAgent as A\n        assert json\n\n\
                def build():\n    from autogen import AssistantAgent as B\n    x = 2\n    \
                return B(\"b\", llm_config={\"model\": \"m\"})\n";
    let m = masked(text).expect("masked");
    assert!(m.contains("    from os import environ"), "{m}");
    assert!(m.contains("import AssistantAgent as B"), "{m}");
    assert!(!m.contains("import json"), "{m}");
    assert!(!m.contains("as A"), "{m}");
    let facts = extract(text);
    let nested: Vec<(&str, usize)> = facts
        .imports
        .iter()
        .filter(|i| !i.module_level)
        .map(|i| (i.module.as_str(), i.stmt_start))
        .collect();
    let (read, tests, build) = (
        text.find("@decorate").unwrap(),
        text.find("class Tests").unwrap(),
        text.find("def build").unwrap(),
    );
    assert_eq!(
        nested,
        [
            ("os", read),
            ("json", tests),
            ("autogen", tests),
            ("autogen", build)
        ]
    );
}

#[test]
fn tokens_inside_longer_names_are_no_triggers() {
    let text = "import os\n\ndef build():\n    return os.environ[\"K\"]\n\n\
                environment = make_environment()\n\nglobal_config = {}\n\n\
                def helper():\n    global counter\n    counter = 1\n\n\
                def load():\n    load_dotenv()\n    return 1\n";
    let m = masked(text).expect("masked");
    assert!(!m.contains("environment = make_environment()"), "{m}");
    assert!(!m.contains("global_config = {}"), "{m}");
    // The keyword and the name are still triggers, and `dotenv` inside a name is one.
    assert!(m.contains("    global counter"), "{m}");
    assert!(m.contains("os.environ[\"K\"]"), "{m}");
    assert!(m.contains("    load_dotenv()"), "{m}");
}

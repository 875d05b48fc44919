//! Module-wide facts (secret constants, suppressions, edit points), scoping details,
//! robustness, and pruning that keeps every fact.

use super::*;

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
fn suppression_comments_inside_an_import_count() {
    // The walk does not descend into an import, unless a comment sits inside it.
    let text = "from autogen import (  # keywire: ignore[KW101]\n    AssistantAgent,\n)\nimport os  # keywire: ignore\n";
    for facts in [extract(text), super::super::extract_unmasked(text)] {
        let lines: Vec<usize> = facts.suppressions.iter().map(|s| s.line).collect();
        assert_eq!(lines, vec![0, 3]);
        assert_eq!(facts.imports.len(), 2);
    }
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
        assert_eq!(pruned, super::super::extract_unpruned(text), "{text}");
        assert!(
            !pruned.entries.is_empty() || !pruned.env_reads.is_empty(),
            "no fact found in:\n{text}"
        );
    }
    // And a body with nothing in it is skipped without changing anything.
    let text = "from autogen_ext.models.openai import OpenAIChatCompletionClient\n\ndef f(x):\n    return [i * 2 for i in x]\n\nc = OpenAIChatCompletionClient(model=\"gpt-4o\")\n";
    assert_eq!(extract(text), super::super::extract_unpruned(text));
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
        assert_eq!(pruned, super::super::extract_unpruned(text), "{text}");
        let found = match want {
            "secret" => !pruned.secret_constants.is_empty(),
            "entry" => !pruned.entries.is_empty(),
            _ => pruned.env_reads.iter().any(|r| r.name == "OPENAI_API_KEY"),
        };
        assert!(found, "no {want} found in:\n{text}");
    }
    // A plain class and a plain function: skipped, and their names still shadow imports.
    let text = "from autogen import AssistantAgent\n\nclass Service:\n    \"\"\"Doc.\"\"\"\n    name: str = \"x\"\n\n    def run(self, item):\n        return item\n\ndef AssistantAgent(**kw):\n    return kw\n\nagent = AssistantAgent(llm_config={\"model\": \"m\"})\n";
    assert_eq!(extract(text), super::super::extract_unpruned(text));
    assert!(extract(text).agents.is_empty());
}

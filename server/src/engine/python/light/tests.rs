//! The light scan agrees with tree-sitter on imports and edit points, and gives up when unsure.

use super::super::{extract, has_trigger, prefilter, Relevance};
use super::scan;

/// The light facts of `text` equal the full extractor's imports and edit points.
fn same(text: &str) {
    let light = scan(text, &[])
        .unwrap_or_else(|| panic!("the light scan gave up on:\n{text}"))
        .facts;
    let full = extract(text);
    assert!(!full.has_syntax_errors, "not valid Python:\n{text}");
    assert_eq!(light.imports, full.imports, "imports of:\n{text}");
    assert_eq!(
        light.edit_points, full.edit_points,
        "edit points of:\n{text}"
    );
}

#[test]
fn imports_in_every_spelling() {
    same("import os\nimport a.b.c as d, e\nfrom . import x\nfrom .. import y as z\n");
    same("from .a.b import (c,\n    d as e,  # comment\n    f,\n)\nx = 1\n");
    same("from .import x\nfrom . a import b\nfrom ...pkg import mod\n");
    same("import a \\\n    .b \\\n    as c\nfrom x import \\\n    y, z\n");
    same("import a; import b\nimport c;\nx = 1; import d\n");
    same(
        "from __future__ import annotations\nfrom __future__ import (division,\n print_function)\n",
    );
    same("from m import *\nimport os.path\nimport os as system\n");
    same("import ключ.модуль\nfrom café import naïve\n");
}

#[test]
fn imports_in_blocks_and_scopes() {
    same("try:\n    import ujson as json\nexcept ImportError:\n    import json\nelse:\n    pass\nfinally:\n    import gc\n");
    same("if x:\n    import a\nelif y:\n    import b\nelse:\n    import c\n");
    same("if x: import a\nelse: import b; import c\n");
    same("for i in y:\n    import a\nwhile z:\n    import b\nwith ctx() as c:\n    import d\n");
    same("def f():\n    import a\n    def g():\n        import b\n    import c\nimport d\n");
    same("def f(): import a; import b\nimport c\n");
    same("class A:\n    import os\n    def m(self):\n        import b\n    import c\nimport os\n");
    same("class A: import os\n");
    same("async def f():\n    import a\nasync def g(): import b\n");
    same("@dec\n@other(1)\ndef f():\n    import a\n\n@dec\nclass C:\n    import b\n");
    same("def f(\n    a,\n    b=lambda: 1,\n) -> dict[str, int]:\n    import x\n");
    same("if (y := f()):\n    import a\nif lambda: 1:\n    import b\n");
    same("match command:\n    case {'a': 1}:\n        import a\n    case _:\n        import b\nmatch = 1\nmatch(x)\n");
    same("def f[T: int](x: T) -> T:\n    import a\nclass K[T]:\n    import b\n");
    same("def f():\n    x = 1\n# a comment at column 0\n    import a\nimport b\n");
    same("if x:\n    pass\n\n\n    # indented comment\nimport a\n");
    same("x = [\n    1,\n]\nimport a\n");
}

#[test]
fn strings_and_comments_hide_imports() {
    same("s = '''\nimport os\n'''\nimport a\n");
    same("s = \"\"\"\nfrom x import y\n\"\"\"\n# import z\nimport a\n");
    same("s = 'a \\' import b'\nimport a\n");
    same("s = r'\\''\nimport a\n");
    same("s = 'abc\\\nimport x'\nimport a\n");
    same("s = f\"{x['a']!r:>{width}} {{import b}}\"\nimport a\n");
    same("s = f'''{\n  x\n}''' + rb'\\x00'\nimport a\n");
    same("x = (1 if y else\n     2)  # ) import c\nimport a\n");
    same("d = {'(': 1, '[': [2, ']'], '{': {3}}\nimport a\n");
    same("s = '#'; import a\n");
}

#[test]
fn edit_points() {
    same("\"\"\"Doc.\"\"\"\nimport os\nimport sys\n\nx = 1\nimport late\n");
    same("\"\"\"Doc.\"\"\"\n\nx = 1\n");
    same("'doc' 'more'\nimport a\n");
    same("#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nx = 1\n");
    same("#!/usr/bin/env python\nx = 1\n");
    same("import a; import b\nimport c\n");
    same("\"\"\"Doc\"\"\"; import a\nimport b\n");
    same("import a\n\"\"\"not a docstring\"\"\"\nimport b\n");
    same("from __future__ import annotations\n\"\"\"late\"\"\"\n");
    same("import os.path\n");
    same("def f():\n    import os\n");
    same("import os\r\nimport sys\r\n\r\nx = 1\r\n");
    same("");
    same("\n\n# only a comment\n");
    same("x = 1");
    same("import a");
}

#[test]
fn gives_up_when_unsure() {
    assert!(scan("\u{feff}import a\n", &[]).is_none());
    assert!(scan("if x:\n\timport a\n", &[]).is_none());
    assert!(scan("x = 1\rimport a\n", &[]).is_none());
    assert!(scan("x = (1,\nimport a\n", &[]).is_none());
    assert!(scan("s = 'abc\nimport a\n", &[]).is_none());
    assert!(scan("from a import b,\n", &[]).is_none());
    assert!(scan("import\n", &[]).is_none());
}

#[test]
fn key_like_literals_make_a_file_full() {
    let key = "sk-proj-9fQ2xLr7Tb4WmZ1cVn8KpE3sHd6JyA0u";
    let full = |text: &str| prefilter(text).relevance == Relevance::Full;
    assert!(full(&format!("OPENAI_API_KEY = \"{key}\"\n")));
    assert!(full(&format!(
        "api_key: str = (\n    \"{}\"\n    \"{}\"\n)\n",
        &key[..20],
        &key[20..]
    )));
    assert!(full(&format!("import os\nos.environ['X'] = '{key}'\n")));
    assert!(full(&format!(
        "import os\nos.environ.setdefault('X', '{key}')\n"
    )));
    assert!(full(&format!("KEY = (  # the key\n    \"{key}\"\n)\n")));
    assert!(full(&format!("class Settings:\n    token = '{key}'\n")));
    // Not where KW104 looks: a plain name, a call argument, a function's local, a chain.
    assert!(!full(&format!("key = bytes.fromhex('{key}')\n")));
    assert!(!full(&format!("def f():\n    key = '{key}'\n")));
    assert!(!full(&format!("KEY = OTHER = '{key}'\n")));
    assert!(!full(&format!("import os\nx = os.environ.get('{key}')\n")));
    assert!(!full(&format!("import os\nx = os.environ['{key}']\n")));
    assert!(!full(&format!("CHECKSUM = \"{key}\"\n")));
    assert!(!full(&format!("print(\"{key}\")\nTOKEN_NAME = 'x'\n")));
    assert!(!full("SECRET_KEY = 'not a key, just words'\n"));
    assert!(!full("TOKEN = 'short'\n"));
}

#[test]
fn triggers() {
    let rel = |text: &str| prefilter(text).relevance;
    assert_eq!(rel("import os\nx = os.getenv('A')\n"), Relevance::EnvOnly);
    assert_eq!(rel("from os import environ\n"), Relevance::EnvOnly);
    assert_eq!(rel("import json\n"), Relevance::Quiet);
    assert_eq!(
        rel("# autogenerated by a tool\nimport json\n"),
        Relevance::Quiet
    );
    // A constructor needs its package and its name.
    assert_eq!(rel("import autogen\nautogen.Agent\n"), Relevance::Quiet);
    assert_eq!(rel("from autogen_ext.models import X\n"), Relevance::Quiet);
    // KW601 judges AutoGen imports of any module: read, text kept.
    let p = super::super::prefilter_findings("from autogen_core import Image\n");
    assert!(p.imports_matter && !p.light_left_out);
    assert_eq!(p.light.map(|f| f.imports.len()), Some(1));
    assert!(!super::super::prefilter_findings("import json\n").imports_matter);
    assert_eq!(rel("class AssistantAgent:\n    pass\n"), Relevance::Quiet);
    assert_eq!(
        rel("import autogen\na = autogen.AssistantAgent()\n"),
        Relevance::Full
    );
    assert_eq!(
        rel("from autogen_ext.models.openai import OpenAIChatCompletionClient as C\n"),
        Relevance::Full
    );
    assert_eq!(rel("from openai import *\nc = OpenAI()\n"), Relevance::Full);
    // In a notebook's JSON, a line's first word follows an escape.
    assert!(has_trigger(
        r#"{"source": "from autogen import *\nAssistantAgent(name='a')"}"#
    ));
    assert_eq!(rel("x = {'config_list': []}\n"), Relevance::Full);
    assert_eq!(rel("from dotenv import load_dotenv\n"), Relevance::Full);
    assert_eq!(rel("x = 1  # keywire: ignore\n"), Relevance::Full);
    assert!(prefilter("from autogen import LLMConfig\n").configs);
    assert!(!prefilter("from dotenv import load_dotenv\n").configs);
}

//! A generated workspace for benchmarks and the prefilter differential test: N Python files in
//! service packages that import each other, about 10% of them touching env vars or AutoGen
//! configurations the way real projects do (settings modules, agent factories, scripts that load
//! .env files, a few mistakes keywire reports), the rest ordinary application code of realistic
//! size, plus .env files, templates and a .gitignore. Deterministic for a seed.
//!
//! Used by `benches/perf` (`gen`, `check`, `lsp`) and by `tests/prefilter.rs` and
//! `tests/incremental_facts.rs`.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

/// What was written.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub python_files: usize,
    pub python_bytes: usize,
    /// Files touching env vars or AutoGen configurations.
    pub config_files: usize,
    pub env_files: usize,
}

/// splitmix64: small, fast, good enough, and the same everywhere (its own generator, so
/// generated corpora stay the same for a seed).
struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A random string over `alphabet`.
    pub fn token(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len).map(|_| *self.pick(alphabet) as char).collect()
    }
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const HEX: &[u8] = b"0123456789abcdef";

const SUBPACKAGES: &[&str] = &["core", "api", "models", "utils", "tasks", "storage"];
const STDLIB: &[&str] = &[
    "json",
    "logging",
    "re",
    "time",
    "typing",
    "dataclasses",
    "functools",
    "itertools",
    "collections",
    "pathlib",
    "datetime",
    "enum",
    "uuid",
    "hashlib",
    "asyncio",
    "contextlib",
    "math",
    "random",
    "textwrap",
    "shutil",
    "subprocess",
    "threading",
    "abc",
    "copy",
];
const FROM_STDLIB: &[(&str, &str)] = &[
    ("typing", "Any, Dict, List, Optional"),
    ("dataclasses", "dataclass, field"),
    ("pathlib", "Path"),
    ("collections", "defaultdict, OrderedDict"),
    ("datetime", "datetime, timedelta"),
    ("functools", "lru_cache, wraps"),
    ("enum", "Enum"),
    ("contextlib", "contextmanager"),
];
const NOUNS: &[&str] = &[
    "order", "invoice", "customer", "session", "report", "ticket", "message", "document",
    "payment", "account", "event", "record", "metric", "job", "batch", "query", "profile",
    "channel", "upload", "summary",
];
const VERBS: &[&str] = &[
    "load",
    "save",
    "render",
    "validate",
    "compute",
    "merge",
    "split",
    "normalize",
    "fetch",
    "publish",
    "archive",
    "schedule",
    "score",
    "parse",
    "format",
    "resolve",
];
const MODELS: &[&str] = &["gpt-4o", "gpt-4o-mini", "gpt-4.1", "o3-mini"];

fn camel(s: &str) -> String {
    s.split('_')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// One module of the workspace.
struct Module {
    /// Dotted name (`svc3.core.m12`).
    dotted: String,
    /// Path relative to the root.
    path: String,
    service: usize,
    kind: Kind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Init,
    Ordinary,
    /// `main.py`: loads .env (sometimes too late) and runs the app.
    Main,
    /// `app.py`: ordinary code that imports the settings (no trigger of its own).
    App,
    /// `settings.py`: module-level env reads.
    Settings,
    /// An agent factory with AutoGen configurations.
    Agents,
    /// A helper reading env vars with defaults inside functions.
    EnvHelper,
    /// Writes env vars (`os.environ.setdefault`).
    EnvWriter,
    /// A script: `load_dotenv()` then reads.
    Script,
}

/// Generate `files` Python files (and .env files) under `dir`.
pub fn generate(dir: &Path, files: usize, seed: u64) -> io::Result<Stats> {
    let mut rng = Rng::new(seed);
    let services = files.div_ceil(250).max(1);
    let mut modules: Vec<Module> = Vec::with_capacity(files);
    let per_service = files / services;
    for s in 0..services {
        let count = if s + 1 == services {
            files - per_service * (services - 1)
        } else {
            per_service
        };
        let pkg = format!("svc{s}");
        let push = |name: &str, kind: Kind, modules: &mut Vec<Module>| {
            let path = format!("{pkg}/{}.py", name.replace('.', "/"));
            let dotted = if name == "__init__" {
                pkg.clone()
            } else {
                format!("{pkg}.{}", name.replace(".__init__", ""))
            };
            modules.push(Module {
                dotted,
                path,
                service: s,
                kind,
            });
        };
        let fixed = [
            ("__init__", Kind::Init),
            ("settings", Kind::Settings),
            ("app", Kind::App),
            ("main", Kind::Main),
            ("agents", Kind::Agents),
        ];
        let mut made = 0;
        for (name, kind) in fixed {
            if made < count {
                push(name, kind, &mut modules);
                made += 1;
            }
        }
        for sub in SUBPACKAGES {
            if made < count {
                push(&format!("{sub}.__init__"), Kind::Init, &mut modules);
                made += 1;
            }
        }
        let mut k = 0;
        while made < count {
            let sub = SUBPACKAGES[k % SUBPACKAGES.len()];
            // About 10% of the files touch env vars or AutoGen configs (counting the fixed ones).
            let kind = match rng.below(100) {
                0..=2 => Kind::EnvHelper,
                3..=4 => Kind::Agents,
                5 => Kind::EnvWriter,
                6 => Kind::Script,
                _ => Kind::Ordinary,
            };
            push(&format!("{sub}.m{k}"), kind, &mut modules);
            made += 1;
            k += 1;
        }
    }

    let mut stats = Stats::default();
    fs::create_dir_all(dir)?;
    fs::write(dir.join(".gitignore"), ".env\n.venv/\n__pycache__/\n")?;
    for (i, m) in modules.iter().enumerate() {
        let text = module_text(&mut rng, &modules, i);
        let path = dir.join(&m.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        stats.python_files += 1;
        stats.python_bytes += text.len();
        if !matches!(m.kind, Kind::Init | Kind::Ordinary | Kind::App) {
            stats.config_files += 1;
        }
        fs::write(path, text)?;
    }
    // .env files: the root, most services; templates; one service without any (KW201 is quiet
    // there), one with a missing key.
    let key = |rng: &mut Rng| format!("sk-proj-{}", rng.token(ALNUM, 48));
    fs::write(
        dir.join(".env"),
        format!(
            "OPENAI_API_KEY={}\nLOG_LEVEL=info\nDATABASE_URL=postgres://localhost/app\n",
            key(&mut rng)
        ),
    )?;
    fs::write(
        dir.join(".env.example"),
        "OPENAI_API_KEY=\nLOG_LEVEL=info\n",
    )?;
    stats.env_files += 2;
    for s in 0..services {
        let svc = dir.join(format!("svc{s}"));
        match s % 4 {
            0 | 1 => {
                let mut env = format!(
                    "OPENAI_API_KEY={}\nSERVICE_NAME=svc{s}\nREDIS_URL=redis://localhost:6379/{s}\n",
                    key(&mut rng)
                );
                if s % 8 == 1 {
                    // A quoted value with a stray space, a duplicate, an empty value.
                    env.push_str("AZURE_OPENAI_ENDPOINT=\" https://example.openai.azure.com/\"\n");
                    env.push_str("SERVICE_NAME=dup\nFEATURE_FLAG=\n");
                }
                fs::write(svc.join(".env"), env)?;
                stats.env_files += 1;
            }
            2 => {
                fs::write(svc.join(".env.example"), "OPENAI_API_KEY=\nSERVICE_NAME=\n")?;
                stats.env_files += 1;
            }
            _ => {}
        }
    }
    Ok(stats)
}

/// Sibling modules `i` may import: earlier modules of the same service.
fn siblings(modules: &[Module], i: usize) -> Vec<usize> {
    let s = modules[i].service;
    (0..i)
        .rev()
        .take_while(|&j| modules[j].service == s)
        .filter(|&j| modules[j].kind == Kind::Ordinary)
        .collect()
}

fn module_text(rng: &mut Rng, modules: &[Module], i: usize) -> String {
    let m = &modules[i];
    let pkg = format!("svc{}", m.service);
    let mut out = String::with_capacity(8192);
    match m.kind {
        Kind::Init => {
            let _ = writeln!(out, "\"\"\"The {} package.\"\"\"\n", m.dotted);
            if rng.chance(30) {
                out.push_str("__all__: list[str] = []\n");
            }
        }
        Kind::Ordinary => ordinary(rng, modules, i, &mut out),
        Kind::App => {
            out.push_str("\"\"\"Application wiring (no env access of its own).\"\"\"\n");
            out.push_str("from __future__ import annotations\n\nimport logging\n");
            let _ = writeln!(out, "from {pkg} import settings");
            let _ = writeln!(out, "from {pkg}.agents import build_team\n");
            out.push_str("log = logging.getLogger(__name__)\n\n\n");
            out.push_str(
                "def create_app():\n    team = build_team()\n    log.info(\"model %s\", settings.MODEL)\n    return team\n",
            );
            ordinary_body(rng, &mut out, 4);
        }
        Kind::Main => {
            out.push_str("\"\"\"Entry point.\"\"\"\n");
            // Every fourth service loads .env too late: the app (and so the settings, which
            // read OPENAI_API_KEY at import time) is imported first (KW203).
            if m.service % 4 == 1 {
                out.push_str("from dotenv import load_dotenv\n\n");
                let _ = writeln!(out, "from {pkg}.app import create_app\n");
                out.push_str("load_dotenv()\n");
            } else {
                out.push_str("from dotenv import load_dotenv\n\nload_dotenv()\n\n");
                let _ = writeln!(out, "from {pkg}.app import create_app  # noqa: E402\n");
            }
            out.push_str("\n\ndef main() -> None:\n    app = create_app()\n    app.run()\n\n\nif __name__ == \"__main__\":\n    main()\n");
        }
        Kind::Settings => {
            out.push_str("\"\"\"Settings from the environment.\"\"\"\nimport os\n\n");
            out.push_str("OPENAI_API_KEY = os.environ[\"OPENAI_API_KEY\"]\n");
            let _ = writeln!(
                out,
                "MODEL = os.getenv(\"MODEL\", \"{}\")",
                rng.pick(MODELS)
            );
            out.push_str("LOG_LEVEL = os.environ.get(\"LOG_LEVEL\", \"info\")\n");
            if m.service.is_multiple_of(3) {
                // Not in any .env file (KW201 where a .env is in scope).
                out.push_str("ANTHROPIC_API_KEY = os.environ[\"ANTHROPIC_API_KEY\"]\n");
            }
            out.push_str("REDIS_URL = os.getenv(\"REDIS_URL\", \"redis://localhost:6379/0\")\n");
        }
        Kind::Agents => agents(rng, m, &pkg, &mut out),
        Kind::EnvHelper => {
            out.push_str("\"\"\"Feature flags and limits.\"\"\"\nimport os\nfrom typing import Optional\n\n\n");
            for _ in 0..rng.range(2, 5) {
                let n = rng.pick(NOUNS);
                let _ = writeln!(
                    out,
                    "def {n}_limit() -> int:\n    return int(os.getenv(\"{}_LIMIT\", \"100\"))\n\n",
                    n.to_uppercase()
                );
            }
            out.push_str("def feature(name: str) -> Optional[str]:\n    return os.environ.get(f\"FEATURE_{name.upper()}\")\n\n");
            ordinary_body(rng, &mut out, 3);
        }
        Kind::EnvWriter => {
            out.push_str(
                "import os\n\nos.environ.setdefault(\"TOKENIZERS_PARALLELISM\", \"false\")\n",
            );
            if rng.chance(30) {
                out.push_str("os.environ[\"OPENAI_LOG\"] = \"warning\"\n");
            }
            ordinary_body(rng, &mut out, 3);
        }
        Kind::Script => {
            out.push_str("#!/usr/bin/env python\n\"\"\"One-off maintenance script.\"\"\"\nimport os\nimport sys\n\nfrom dotenv import load_dotenv\n\n");
            out.push_str("load_dotenv()\n\nTOKEN = os.environ[\"OPENAI_API_KEY\"]\n\n\ndef run(argv):\n    print(len(argv), TOKEN[:3])\n\n\nif __name__ == \"__main__\":\n    run(sys.argv)\n");
        }
    }
    out
}

fn agents(rng: &mut Rng, m: &Module, pkg: &str, out: &mut String) {
    let model = rng.pick(MODELS);
    out.push_str("\"\"\"Agents and their model configuration.\"\"\"\nimport os\n\n");
    match m.service % 3 {
        0 => {
            // AutoGen 0.2 / AG2.
            out.push_str("import autogen\n\n");
            let _ = writeln!(out, "from {pkg} import settings\n");
            let _ = writeln!(
                out,
                "config_list = [\n    {{\"model\": \"{model}\", \"api_key\": os.environ[\"OPENAI_API_KEY\"]}},\n]"
            );
            if rng.chance(25) {
                // Missing api_key (KW101) and a misspelt key (KW102).
                let _ = writeln!(
                    out,
                    "fallback = [{{\"model\": \"{model}\", \"temperture\": 0.2}}]"
                );
                out.push_str("helper = autogen.AssistantAgent(\"helper\", llm_config={\"config_list\": fallback})\n");
            }
            out.push_str("llm_config = {\"config_list\": config_list, \"temperature\": 0}\n\n\n");
            out.push_str("def build_team():\n    assistant = autogen.AssistantAgent(\"assistant\", llm_config=llm_config)\n    user = autogen.UserProxyAgent(\"user\", code_execution_config=False)\n    return [assistant, user, settings.MODEL]\n");
        }
        1 => {
            // AutoGen 0.4.
            out.push_str("from autogen_agentchat.agents import AssistantAgent\nfrom autogen_ext.models.openai import OpenAIChatCompletionClient\nfrom openai import OpenAI\n\n\n");
            // A provider SDK client beside the agents (the guide's "call the provider
            // directly"), with no key: it reads OPENAI_API_KEY. No random draw, so the rest of
            // the workspace stays the same.
            out.push_str("def check_key():\n    return OpenAI().models.list()\n\n\n");
            out.push_str("def build_team():\n");
            let _ = writeln!(
                out,
                "    client = OpenAIChatCompletionClient(model=\"{model}\", api_key=os.environ[\"OPENAI_API_KEY\"])"
            );
            out.push_str("    return [AssistantAgent(\"assistant\", model_client=client)]\n");
            if rng.chance(20) {
                // A hard-coded key (KW104), generated at random: nobody's key.
                let _ = writeln!(
                    out,
                    "\n\nBACKUP_CLIENT = OpenAIChatCompletionClient(model=\"{model}\", api_key=\"sk-proj-{}\")",
                    rng.token(ALNUM, 48)
                );
            }
        }
        _ => {
            // AG2 LLMConfig with a placeholder in one branch (KW103).
            out.push_str("from autogen import AssistantAgent, LLMConfig\n\n");
            let _ = writeln!(
                out,
                "llm_config = LLMConfig(api_type=\"openai\", model=\"{model}\", api_key=os.getenv(\"OPENAI_API_KEY\"))"
            );
            if rng.chance(25) {
                let _ = writeln!(
                    out,
                    "demo_config = LLMConfig(model=\"{model}\", api_key=\"sk-your-key-here\")"
                );
            }
            out.push_str("\n\ndef build_team():\n    return [AssistantAgent(\"assistant\", llm_config=llm_config)]\n");
        }
    }
}

/// Ordinary application code: imports (stdlib and siblings, in every spelling), constants,
/// classes and functions.
fn ordinary(rng: &mut Rng, modules: &[Module], i: usize, out: &mut String) {
    let m = &modules[i];
    let noun = *rng.pick(NOUNS);
    let _ = writeln!(
        out,
        "\"\"\"{} handling for {}.\n\nThis module was generated for keywire's benchmarks; it imports\nsiblings like `import {}` would in a docstring, which is not an import.\n\"\"\"",
        camel(noun),
        m.dotted,
        m.dotted
    );
    if rng.chance(40) {
        out.push_str("from __future__ import annotations\n\n");
    }
    let mut stdlib: Vec<&str> = (0..rng.range(2, 5)).map(|_| *rng.pick(STDLIB)).collect();
    stdlib.push("logging");
    stdlib.sort();
    stdlib.dedup();
    for s in &stdlib {
        let _ = writeln!(out, "import {s}");
    }
    if rng.chance(40) {
        let (module, names) = rng.pick(FROM_STDLIB);
        let _ = writeln!(out, "from {module} import {names}");
    }
    if rng.chance(15) {
        out.push_str("import os.path as osp; import sys\n");
    }
    if rng.chance(10) {
        out.push_str("import xml.etree.ElementTree \\\n    as ET\n");
    }
    if rng.chance(20) {
        out.push_str("try:\n    import ujson as fastjson\nexcept ImportError:  # pragma: no cover\n    import json as fastjson\n");
    }
    // Sibling imports, absolute and relative, sometimes parenthesized over several lines.
    let sib = siblings(modules, i);
    if !sib.is_empty() {
        for _ in 0..rng.range(1, 4).min(sib.len()) {
            let j = sib[rng.below(sib.len().min(40))];
            let target = &modules[j].dotted;
            let (parent, name) = target.rsplit_once('.').unwrap_or(("", target));
            let same_parent = m.dotted.rsplit_once('.').map(|p| p.0) == Some(parent);
            match rng.below(5) {
                0 => {
                    let _ = writeln!(out, "import {target}");
                }
                1 if same_parent => {
                    let _ = writeln!(out, "from . import {name}");
                }
                2 => {
                    let _ = writeln!(
                        out,
                        "from {target} import (\n    {}Service,  # the main class\n    {}_{},\n)",
                        camel(rng.pick::<&str>(NOUNS)),
                        rng.pick(VERBS),
                        rng.pick(NOUNS)
                    );
                }
                3 if same_parent => {
                    let _ = writeln!(out, "from .{name} import {}", rng.pick(VERBS));
                }
                _ => {
                    let _ = writeln!(out, "from {parent} import {name}");
                }
            }
        }
    }
    if rng.chance(15) {
        out.push_str("from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from collections.abc import Iterable\n");
    }
    out.push('\n');
    let blocks = rng.range(3, 7);
    ordinary_body(rng, out, blocks);
}

fn ordinary_body(rng: &mut Rng, out: &mut String, blocks: usize) {
    let _ = writeln!(out, "log = logging.getLogger(__name__)");
    let _ = writeln!(
        out,
        "DEFAULT_TIMEOUT = {}\nMAX_RETRIES = {}\nCACHE_KEY = \"{}:{{id}}\"\nCHECKSUM = \"{}\"\n",
        rng.range(5, 120),
        rng.range(1, 9),
        rng.pick(NOUNS),
        rng.token(HEX, 12)
    );
    for _ in 0..blocks {
        let noun = *rng.pick(NOUNS);
        let verb = *rng.pick(VERBS);
        if rng.chance(55) {
            let class = camel(noun);
            if rng.chance(50) {
                out.push_str("@dataclass\n");
            }
            let _ = writeln!(
                out,
                "class {class}Service:\n    \"\"\"{verb}s {noun}s.\n\n    Example::\n\n        svc = {class}Service()\n        svc.{verb}({{\"id\": 1}})\n    \"\"\"\n\n    retries: int = {}\n    name: str = \"{noun}\"\n",
                rng.range(1, 5)
            );
            for _ in 0..rng.range(2, 5) {
                let v = rng.pick(VERBS);
                let _ = writeln!(
                    out,
                    "    def {v}_{noun}(self, item: dict, *, strict: bool = False) -> dict:\n        \"\"\"{v} one {noun}.\"\"\"\n        if not item:\n            raise ValueError(f\"empty {noun}: {{item!r}}\")\n        result = {{k: v for k, v in item.items() if v is not None}}\n        for attempt in range(self.retries):\n            try:\n                result[\"attempt\"] = attempt\n                break\n            except KeyError as exc:  # keep going\n                log.warning(\"retry %s: %s\", attempt, exc)\n        return result\n"
                );
            }
            if rng.chance(30) {
                let _ = writeln!(
                    out,
                    "    @property\n    def label(self) -> str:\n        return f\"{{self.name}}-{{self.retries:03d}}\"\n"
                );
            }
        } else {
            let _ = writeln!(
                out,
                "def {verb}_{noun}s(items, limit=DEFAULT_TIMEOUT):\n    \"\"\"{verb} {noun}s, at most `limit` at a time.\"\"\"\n    out = []\n    for i, item in enumerate(items):\n        if i >= limit:\n            break\n        key = CACHE_KEY.format(id=i)\n        out.append((key, item))\n    return sorted(out, key=lambda kv: kv[0])\n"
            );
            if rng.chance(25) {
                let _ = writeln!(
                    out,
                    "def _lazy_{noun}():\n    import importlib  # imported late on purpose\n    return importlib.import_module(\"json\")\n"
                );
            }
        }
    }
    if rng.chance(20) {
        out.push_str("QUERY = \"\"\"\nSELECT id, name\n  FROM items\nimport os  -- inside a string: not an import\n\"\"\"\n");
    }
    if rng.chance(15) {
        out.push_str("\nif __name__ == \"__main__\":\n    import doctest; doctest.testmod()\n");
    }
}

/// A module of about `lines` lines: AutoGen configurations and env reads at the top (so every
/// keystroke needs a real parse), then ordinary code.
pub fn big_module(lines: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(lines * 40);
    out.push_str("\"\"\"A large module (for the language-server benchmark).\"\"\"\nimport os\nimport logging\nfrom dataclasses import dataclass\n\nimport autogen\n\n");
    out.push_str("config_list = [\n    {\"model\": \"gpt-4o\", \"api_key\": os.environ[\"OPENAI_API_KEY\"]},\n]\nllm_config = {\"config_list\": config_list, \"temperature\": 0}\n\n");
    while out.lines().count() < lines {
        ordinary_body(&mut rng, &mut out, 6);
    }
    out.push_str("# end of module\n");
    out
}

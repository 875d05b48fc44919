#!/usr/bin/env python3
"""Generate server/src/engine/known_keys/ (`mod.rs` and one file per package): the keys AutoGen, AG2, autogen-ext and the SDKs they
call accept, read from the packages' own sources (never imported, only parsed with `ast`).

Usage:

    pip download --no-deps -d /tmp/pkgs pyautogen==0.2.35 ag2==0.9.10 ag2==0.14.0 \
        autogen-ext==0.7.5 openai==1.109.1 openai==2.54.0 openai==3.57.0 \
        anthropic==2.16.0 ollama==0.6.3
    python3 server/scripts/gen_known_keys.py /tmp/pkgs server/src/engine/known_keys

(`pip download` takes one version of a name per call: run it once per requirement.) The wheels
may be given unpacked or not; each table names the package, version, file and class it comes
from. Versions are the `PACKAGES` below: change them there and re-run.
"""

import ast
import sys
import zipfile
from pathlib import Path

PACKAGES = {
    "pyautogen": ["0.2.35"],
    "ag2": ["0.9.10", "0.14.0"],
    "autogen_ext": ["0.7.5"],
    "openai": ["1.109.1", "2.54.0", "3.57.0"],
    "anthropic": ["2.16.0"],
    "ollama": ["0.6.3"],
}


class Wheel:
    def __init__(self, root: Path, name: str, version: str):
        self.name = name
        self.version = version
        self.files: dict[str, str] = {}
        wheel = next(root.glob(f"{name}-{version}-*.whl"), None)
        if wheel is None:
            sys.exit(f"missing {name}-{version}-*.whl in {root}")
        with zipfile.ZipFile(wheel) as z:
            for info in z.infolist():
                if info.filename.endswith(".py"):
                    self.files[info.filename] = z.read(info).decode("utf-8")

    def tree(self, path: str) -> ast.Module:
        return ast.parse(self.files[path], path)

    def label(self) -> str:
        return f"{self.name} {self.version}"


def classes(tree: ast.Module) -> dict[str, ast.ClassDef]:
    return {n.name: n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)}


def base_names(cls: ast.ClassDef) -> list[str]:
    out = []
    for b in cls.bases:
        while isinstance(b, ast.Subscript):
            b = b.value
        if isinstance(b, ast.Name):
            out.append(b.id)
        elif isinstance(b, ast.Attribute):
            out.append(b.attr)
    return out


def fields(all_classes: dict[str, ast.ClassDef], name: str) -> set[str]:
    """Annotated class attributes of `name` and its bases found in `all_classes` (pydantic
    fields, TypedDict keys); `model_config` and private names excluded."""
    cls = all_classes[name]
    out: set[str] = set()
    for base in base_names(cls):
        if base in all_classes and base != name:
            out |= fields(all_classes, base)
    for stmt in cls.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            n = stmt.target.id
            if n != "model_config" and not n.startswith("_"):
                out.add(n)
    return out


def method_params(cls: ast.ClassDef, method: str, kwonly_only: bool) -> set[str]:
    """Parameters of every definition (overloads included) of `method` in `cls`."""
    out: set[str] = set()
    for stmt in cls.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == method:
            args = stmt.args
            out |= {a.arg for a in args.kwonlyargs}
            if not kwonly_only:
                out |= {a.arg for a in args.args + args.posonlyargs}
    out.discard("self")
    out.discard("cls")
    return out


def literal_set(tree: ast.Module, name: str, cls: str | None = None) -> set[str]:
    """The string elements of a `NAME = {...}` / `NAME = set([...])` assignment (module level,
    or in class `cls`)."""
    body = classes(tree)[cls].body if cls else tree.body
    for stmt in body:
        if isinstance(stmt, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in stmt.targets
        ):
            return strings(stmt.value)
    sys.exit(f"{name} not found")


def dict_keys(tree: ast.Module, name: str, cls: str) -> set[str]:
    """The string keys of a `NAME = {...}` dict literal in class `cls`."""
    for stmt in classes(tree)[cls].body:
        if isinstance(stmt, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in stmt.targets
        ):
            if isinstance(stmt.value, ast.Dict):
                return {k.value for k in stmt.value.keys if isinstance(k, ast.Constant)}
    sys.exit(f"{cls}.{name} not found")


def strings(node: ast.AST) -> set[str]:
    return {
        n.value
        for n in ast.walk(node)
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def read_keys(tree: ast.Module, holders: set[str]) -> set[str]:
    """Keys a provider client reads from its config: `params.get("k")`, `params["k"]`,
    `"k" in params`, `validate_parameter(params, "k", ...)`, where `params` is one of
    `holders`."""
    out: set[str] = set()

    def is_holder(n: ast.AST) -> bool:
        return isinstance(n, ast.Name) and n.id in holders

    def lit(n: ast.AST) -> str | None:
        return n.value if isinstance(n, ast.Constant) and isinstance(n.value, str) else None

    for n in ast.walk(tree):
        if isinstance(n, ast.Call):
            f = n.func
            if (
                isinstance(f, ast.Attribute)
                and f.attr in ("get", "pop")
                and is_holder(f.value)
                and n.args
            ):
                if (k := lit(n.args[0])) is not None:
                    out.add(k)
            if (
                isinstance(f, ast.Name)
                and f.id == "validate_parameter"
                and len(n.args) >= 2
                and is_holder(n.args[0])
            ):
                if (k := lit(n.args[1])) is not None:
                    out.add(k)
        elif isinstance(n, ast.Subscript) and is_holder(n.value):
            if (k := lit(n.slice)) is not None:
                out.add(k)
        elif (
            isinstance(n, ast.Compare)
            and len(n.ops) == 1
            and isinstance(n.ops[0], (ast.In, ast.NotIn))
            and is_holder(n.comparators[0])
        ):
            if (k := lit(n.left)) is not None:
                out.add(k)
    return {k for k in out if k.isidentifier()}


class Table:
    def __init__(self, name: str, doc: str):
        self.name = name
        self.doc = doc
        self.keys: set[str] = set()
        self.sources: list[str] = []

    def add(self, wheel: Wheel, where: str, keys: set[str]) -> None:
        if not keys:
            sys.exit(f"{self.name}: nothing read from {wheel.label()} {where}")
        self.keys |= keys
        self.sources.append(f"{wheel.label()} `{where}`")


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/pkgs")
    wheels = {
        name: [Wheel(root, name, v) for v in versions] for name, versions in PACKAGES.items()
    }
    tables: list[Table] = []

    def table(name: str, doc: str) -> Table:
        t = Table(name, doc)
        tables.append(t)
        return t

    # ----- openai SDK --------------------------------------------------------------------
    t = table(
        "OPENAI_CLIENT_KWARGS",
        "Keyword arguments of the openai SDK's `OpenAI` / `AsyncOpenAI` constructors.",
    )
    for w in wheels["openai"]:
        cs = classes(w.tree("openai/_client.py"))
        for c in ("OpenAI", "AsyncOpenAI"):
            t.add(w, f"openai/_client.py {c}.__init__", method_params(cs[c], "__init__", True))
    t = table(
        "AZURE_OPENAI_CLIENT_KWARGS",
        "Keyword arguments of the openai SDK's `AzureOpenAI` / `AsyncAzureOpenAI` constructors \
(every overload).",
    )
    for w in wheels["openai"]:
        cs = classes(w.tree("openai/lib/azure.py"))
        for c in ("AzureOpenAI", "AsyncAzureOpenAI"):
            t.add(w, f"openai/lib/azure.py {c}.__init__", method_params(cs[c], "__init__", True))
    t = table(
        "OPENAI_CHAT_CREATE_KWARGS",
        "Keyword arguments of `client.chat.completions.create()` (every overload), where \
AutoGen 0.2 / AG2 send the config keys they do not use themselves.",
    )
    for w in wheels["openai"]:
        path = "openai/resources/chat/completions/completions.py"
        cs = classes(w.tree(path))
        for c in ("Completions", "AsyncCompletions"):
            t.add(w, f"{path} {c}.create", method_params(cs[c], "create", True))
    t = table(
        "OPENAI_CREATE_PARAMS_BASE",
        "Fields of the openai SDK's `CompletionCreateParamsBase`, which autogen-ext's OpenAI \
clients take as create arguments.",
    )
    for w in wheels["openai"]:
        path = "openai/types/chat/completion_create_params.py"
        t.add(w, f"{path} CompletionCreateParamsBase", fields(classes(w.tree(path)), "CompletionCreateParamsBase"))

    # ----- AutoGen 0.2 --------------------------------------------------------------------
    for w in wheels["pyautogen"]:
        tree = w.tree("autogen/oai/client.py")
        t = table(
            "AUTOGEN02_WRAPPER_KWARGS",
            "Config keys AutoGen 0.2's `OpenAIWrapper` keeps for itself (`extra_kwargs`) or reads \
from an entry (`model_client_cls`); everything else goes to the client or to `create()`.",
        )
        t.add(w, "autogen/oai/client.py OpenAIWrapper.extra_kwargs", literal_set(tree, "extra_kwargs", "OpenAIWrapper"))
        t.add(w, "autogen/oai/client.py OpenAIWrapper (config.get)", read_keys(tree, {"config"}))
        t = table(
            "AUTOGEN02_PROVIDER_KEYS",
            "Config keys AutoGen 0.2's non-OpenAI clients read (`params.get(\"k\")`, \
`validate_parameter(params, \"k\", ...)`, `kwargs.get(\"k\")`).",
        )
        for f in ("gemini", "anthropic", "mistral", "together", "groq", "cohere"):
            path = f"autogen/oai/{f}.py"
            t.add(w, path, read_keys(w.tree(path), {"params", "kwargs", "config"}))
        path = "autogen/oai/gemini.py"
        t.add(w, f"{path} GeminiClient.PARAMS_MAPPING", dict_keys(w.tree(path), "PARAMS_MAPPING", "GeminiClient"))

    # ----- AG2 ----------------------------------------------------------------------------
    t = table(
        "AG2_LLM_CONFIG_KEYS",
        "Top-level keys of AG2's `LLMConfig` (its constructor's keywords and the fields of the \
model behind it, which forbids others).",
    )
    for w in wheels["ag2"]:
        path = "autogen/llm_config/config.py"
        cs = classes(w.tree(path))
        t.add(w, f"{path} LLMConfig.__init__", method_params(cs["LLMConfig"], "__init__", True))
        t.add(w, f"{path} _LLMConfig", fields(cs, "_LLMConfig"))
    entry = table(
        "AG2_ENTRY_KEYS",
        "Fields of AG2's `LLMConfigEntry` and of every provider's `*LLMConfigEntry`, the keys \
its `OpenAIWrapper` keeps (`extra_kwargs`) and the client keywords it recognises without the \
openai SDK (`OPENAI_FALLBACK_KWARGS`, `AOPENAI_FALLBACK_KWARGS`).",
    )
    providers = table(
        "AG2_PROVIDER_KEYS",
        "Config keys AG2's provider clients read (`params.get(\"k\")`, \
`validate_parameter(params, \"k\", ...)`, `kwargs.get(\"k\")`).",
    )
    for w in wheels["ag2"]:
        all_classes: dict[str, ast.ClassDef] = {}
        origin: dict[str, str] = {}
        for path in sorted(w.files):
            if path.startswith("autogen/") and path.endswith(".py"):
                try:
                    tree = w.tree(path)
                except SyntaxError:
                    continue
                for name, c in classes(tree).items():
                    all_classes.setdefault(name, c)
                    origin.setdefault(name, path)
        for name in sorted(all_classes):
            if name == "LLMConfigEntry" or (
                name.endswith("LLMConfigEntry") and origin[name].startswith(("autogen/oai/", "autogen/llm_clients/"))
            ):
                entry.add(w, f"{origin[name]} {name}", fields(all_classes, name))
        tree = w.tree("autogen/oai/client.py")
        entry.add(w, "autogen/oai/client.py OpenAIWrapper.extra_kwargs", literal_set(tree, "extra_kwargs", "OpenAIWrapper"))
        for n in ("OPENAI_FALLBACK_KWARGS", "AOPENAI_FALLBACK_KWARGS"):
            entry.add(w, f"autogen/oai/client.py {n}", literal_set(tree, n))
        entry.add(w, "autogen/oai/client.py OpenAIWrapper (config.get)", read_keys(tree, {"config"}))
        for f in ("anthropic", "bedrock", "cerebras", "cohere", "gemini", "groq", "mistral", "ollama", "together"):
            path = f"autogen/oai/{f}.py"
            providers.add(w, path, read_keys(w.tree(path), {"params", "kwargs", "config"}))
        path = "autogen/oai/gemini.py"
        providers.add(w, f"{path} GeminiClient.PARAMS_MAPPING", dict_keys(w.tree(path), "PARAMS_MAPPING", "GeminiClient"))

    # ----- autogen-ext model clients ------------------------------------------------------
    for w in wheels["autogen_ext"]:
        base = "autogen_ext/models"
        path = f"{base}/openai/config/__init__.py"
        cs = classes(w.tree(path))
        table(
            "AUTOGEN_EXT_OPENAI_CLIENT_KEYS",
            "Keywords of autogen-ext's `OpenAIChatCompletionClient` (`OpenAIClientConfiguration`). \
It also passes on keys of `AsyncOpenAI()` and `CompletionCreateParamsBase` (plus `timeout`, \
`stream`, `extra_body`) and drops every other key silently.",
        ).add(w, f"{path} OpenAIClientConfiguration", fields(cs, "OpenAIClientConfiguration"))
        table(
            "AUTOGEN_EXT_AZURE_OPENAI_CLIENT_KEYS",
            "Keywords of autogen-ext's `AzureOpenAIChatCompletionClient` \
(`AzureOpenAIClientConfiguration`). It also passes on keys of `AsyncAzureOpenAI()` and \
`CompletionCreateParamsBase` (plus `timeout`, `stream`, `extra_body`) and drops every other key \
silently.",
        ).add(w, f"{path} AzureOpenAIClientConfiguration", fields(cs, "AzureOpenAIClientConfiguration"))
        tree = w.tree(f"{base}/openai/_openai_client.py")
        create_extra = set()
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "create_kwargs" for t in stmt.targets):
                create_extra = strings(stmt.value) - {"CompletionCreateParamsBase"}
        table(
            "AUTOGEN_EXT_OPENAI_EXTRA_CREATE_KEYS",
            "Keys autogen-ext's OpenAI clients add to `CompletionCreateParamsBase` as create \
arguments (`create_kwargs`).",
        ).add(w, f"{base}/openai/_openai_client.py create_kwargs", create_extra)

        path = f"{base}/anthropic/config/__init__.py"
        t = table(
            "AUTOGEN_EXT_ANTHROPIC_CLIENT_KEYS",
            "Keywords of autogen-ext's `AnthropicChatCompletionClient` \
(`AnthropicClientConfiguration`) and the message parameters it passes on \
(`anthropic_message_params`). It also passes on keys of `AsyncAnthropic()` and drops every \
other key silently.",
        )
        t.add(w, f"{path} AnthropicClientConfiguration", fields(classes(w.tree(path)), "AnthropicClientConfiguration"))
        t.add(
            w,
            f"{base}/anthropic/_anthropic_client.py anthropic_message_params",
            literal_set(w.tree(f"{base}/anthropic/_anthropic_client.py"), "anthropic_message_params"),
        )

        path = f"{base}/ollama/config/__init__.py"
        t = table(
            "AUTOGEN_EXT_OLLAMA_CLIENT_KEYS",
            "Keywords of autogen-ext's `OllamaChatCompletionClient` \
(`BaseOllamaClientConfiguration`), the options it moves into `options` (`LLM_CONTROL_PARAMS`), \
the keys it adds to ollama's `ChatRequest` fields (`OLLAMA_VALID_CREATE_KWARGS_KEYS`) and the \
client keywords it passes on (`ollama_init_kwargs`). Keys are compared lower-cased; every other \
key is dropped silently.",
        )
        t.add(w, f"{path} BaseOllamaClientConfiguration", fields(classes(w.tree(path)), "BaseOllamaClientConfiguration"))
        tree = w.tree(f"{base}/ollama/_ollama_client.py")
        for n in ("LLM_CONTROL_PARAMS", "OLLAMA_VALID_CREATE_KWARGS_KEYS", "ollama_init_kwargs"):
            t.add(w, f"{base}/ollama/_ollama_client.py {n}", literal_set(tree, n))

    # ----- SDKs behind autogen-ext's other clients -----------------------------------------
    t = table("ANTHROPIC_CLIENT_KWARGS", "Keyword arguments of the anthropic SDK's `AsyncAnthropic` constructor.")
    for w in wheels["anthropic"]:
        t.add(w, "anthropic/_client.py AsyncAnthropic.__init__", method_params(classes(w.tree("anthropic/_client.py"))["AsyncAnthropic"], "__init__", True))
    t = table("OLLAMA_CHAT_REQUEST_FIELDS", "Fields of the ollama SDK's `ChatRequest`.")
    for w in wheels["ollama"]:
        t.add(w, "ollama/_types.py ChatRequest", fields(classes(w.tree("ollama/_types.py")), "ChatRequest"))

    out = Path(sys.argv[2] if len(sys.argv) > 2 else "server/src/engine/known_keys")
    write_tables(tables, out)


# The file of each package's tables (named after the package of the table's first source).
FILES = {"pyautogen": "autogen02"}

HEADER = """\
//! Generated by `server/scripts/gen_known_keys.py` (see its docstring); do not edit by hand.
//! Each table names the packages, versions, files and classes it was read from.
"""


def write_tables(tables: list["Table"], out: Path) -> None:
    """`out/mod.rs` (the `KeyTable` type, `ALL`) and one file per package, so that no file
    grows with every package added."""
    files: dict[str, list[Table]] = {}
    for t in tables:
        package = t.sources[0].split(" ")[0]
        files.setdefault(FILES.get(package, package), []).append(t)
    out.mkdir(parents=True, exist_ok=True)
    lines = [
        "//! Keys the AutoGen packages and the SDKs behind them accept, read from their sources.",
        "//!",
        *HEADER.splitlines(),
        "",
    ]
    lines += [f"mod {f};" for f in files]
    lines.append("")
    lines += [f"pub use {f}::*;" for f in files]
    lines += [
        "",
        "/// A set of keys and where it was read.",
        "#[derive(Debug)]",
        "pub struct KeyTable {",
        "    /// `package version `file Class``, one per place read.",
        "    pub sources: &'static [&'static str],",
        "    /// Sorted.",
        "    pub keys: &'static [&'static str],",
        "}",
        "",
        "impl KeyTable {",
        "    pub fn contains(&self, key: &str) -> bool {",
        "        self.keys.binary_search(&key).is_ok()",
        "    }",
        "}",
        "",
        "/// Every table, for tests.",
        "pub static ALL: &[&KeyTable] = &[",
        *[f"    &{t.name}," for t in tables],
        "];",
    ]
    (out / "mod.rs").write_text("\n".join(lines) + "\n")
    for f, ts in files.items():
        package = ts[0].sources[0].split(" ")[0]
        lines = [f"//! Key tables read from {package}'s sources.", "//!", *HEADER.splitlines(), "", "use super::KeyTable;"]
        for t in ts:
            lines += ["", f"/// {t.doc}", "///", "/// Read from:"]
            lines += [f"/// - {s}" for s in t.sources]
            lines.append(f"pub static {t.name}: KeyTable = KeyTable {{")
            lines.append("    sources: &[")
            lines += [f"        {rust_str(s)}," for s in t.sources]
            lines += ["    ],", "    keys: &["]
            lines += [f"        {rust_str(k)}," for k in sorted(t.keys)]
            lines += ["    ],", "};"]
        (out / f"{f}.rs").write_text("\n".join(lines) + "\n")


def rust_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


if __name__ == "__main__":
    main()

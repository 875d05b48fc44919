#!/usr/bin/env python3
"""keywire against real virtualenvs: each case is a small project with a manifest, code and a
`.venv` into which real distributions from the package index are installed (`pip install
--no-deps`, so the case holds exactly the versions it names). keywire reads the `.venv`'s
`*.dist-info/METADATA` (and autogen-ext's model table) and must report exactly the expected
findings.

Usage: python3 tests/packages/cases.py KEYWIRE_BINARY WHEEL_DIR
WHEEL_DIR holds the wheels (`pip download --no-deps` of WHEELS below); run.sh fills it.
"""
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile

# Every distribution a case installs, pinned: what each version ships is what the rules judge.
WHEELS = [
    "pyautogen==0.1.14",
    "pyautogen==0.2.35",
    "ag2==0.9.9",
    "ag2==1.2.1",
    "autogen-agentchat==0.2.40",
    "autogen-agentchat==0.7.5",
    "autogen-ext==0.7.5",
    "autogen-core==0.7.5",
    "openai==0.28.1",
    "openai==1.51.0",
]

# (name, installed, files, expected findings as (code, path) pairs[, text the output must hold])
CASES = [
    (
        "pyautogen-0.2-classic-code",
        ["pyautogen==0.2.35", "openai==1.51.0"],
        {
            "requirements.txt": "pyautogen==0.2.35\nopenai>=1.3\n",
            "app.py": "import os\nfrom autogen import AssistantAgent\n"
            "llm_config = {\"config_list\": [{\"model\": \"gpt-4o\", \"api_key\": os.environ[\"OPENAI_API_KEY\"]}]}\n"
            "a = AssistantAgent(\"a\", llm_config=llm_config)\n",
        },
        [],
    ),
    (
        "pyautogen-0.2-with-0.4-code",
        ["pyautogen==0.2.35", "openai==1.51.0"],
        {
            "requirements.txt": "pyautogen==0.2.35\n",
            "app.py": "from autogen_agentchat.agents import AssistantAgent\n",
        },
        [("KW601", "app.py")],
    ),
    (
        "ag2-0.9-llmconfig",
        ["ag2==0.9.9"],
        {
            "requirements.txt": "ag2[openai]==0.9.*\n",
            "app.py": "from autogen import AssistantAgent, LLMConfig\n",
        },
        [],
    ),
    (
        "ag2-1-with-autogen-import",
        ["ag2==1.2.1"],
        {
            "requirements.txt": "ag2>=1\n",
            "app.py": "from autogen import AssistantAgent\n",
        },
        [("KW601", "app.py")],
    ),
    (
        "ag2-1-own-api",
        ["ag2==1.2.1"],
        {
            "requirements.txt": "ag2>=1\n",
            "app.py": "import ag2\nfrom ag2.config import OpenAIConfig\n",
        },
        [],
    ),
    (
        "agentchat-0.7-model-table",
        ["autogen-agentchat==0.7.5", "autogen-ext==0.7.5", "autogen-core==0.7.5", "openai==1.51.0"],
        {
            "requirements.txt": "autogen-agentchat==0.7.5\nautogen-ext[openai]==0.7.5\n",
            "app.py": "import os\nfrom autogen_agentchat.agents import AssistantAgent\n"
            "from autogen_ext.models.openai import OpenAIChatCompletionClient\n"
            "known = OpenAIChatCompletionClient(model=\"gpt-4o\", api_key=os.environ[\"OPENAI_API_KEY\"])\n"
            "local = OpenAIChatCompletionClient(model=\"llama3.2\", base_url=\"http://localhost:11434/v1\", api_key=os.environ[\"OLLAMA_KEY\"])\n",
        },
        [("KW113", "app.py")],
        "the installed autogen-ext 0.7.5",
    ),
    (
        "openai-0.28-with-autogen-0.1",
        ["pyautogen==0.1.14", "openai==0.28.1"],
        {
            "requirements.txt": "pyautogen==0.1.14\nopenai==0.28.1\n",
            "app.py": "import os\nimport autogen\n"
            "config_list = [{\"model\": \"gpt-4\", \"api_key\": os.environ[\"OPENAI_API_KEY\"], \"api_base\": \"https://api.openai.com/v1\"}]\n"
            "autogen.ChatCompletion.create(config_list=config_list, prompt=\"hi\")\n",
        },
        [],
    ),
    (
        "openai-0.28-with-autogen-0.2",
        ["pyautogen==0.2.35", "openai==0.28.1"],
        {
            "requirements.txt": "pyautogen==0.2.35\nopenai==0.28.1\n",
            "app.py": "from autogen import AssistantAgent\n",
        },
        # The manifest cannot work (pyautogen 0.2 requires openai>=1.3); the venv has what it
        # declares, so nothing is out of sync.
        [("KW602", "requirements.txt")],
    ),
    (
        "venv-openai-0.28-undeclared",
        ["pyautogen==0.1.14", "openai==0.28.1"],
        {
            "requirements.txt": "pyautogen==0.1.14\n",
            "app.py": "from openai import OpenAI\nclient = OpenAI()\n",
        },
        # Nothing declares openai: the finding is at the code that needs 1.x.
        [("KW602", "app.py")],
    ),
    (
        "stale-venv",
        ["autogen-agentchat==0.2.40", "openai==1.51.0"],
        {
            "requirements.txt": "autogen-agentchat>=0.4\n",
            "app.py": "from autogen_agentchat.agents import AssistantAgent\n",
        },
        [("KW603", "requirements.txt")],
    ),
]


def main():
    keywire, wheels = sys.argv[1], pathlib.Path(sys.argv[2])
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, installed, files, expected, *must_say in CASES:
            case = pathlib.Path(tmp) / name
            case.mkdir()
            subprocess.run(["git", "init", "-q", str(case)], check=True)
            for rel, text in files.items():
                (case / rel).write_text(text)
            venv = case / ".venv"
            subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
            site = next(venv.glob("lib/python3*/site-packages"))
            subprocess.run(
                [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                 "--disable-pip-version-check", "--find-links", str(wheels), "--target", str(site), *installed],
                check=True,
            )
            (case / ".gitignore").write_text(".venv/\n")
            out = subprocess.run(
                [keywire, "check", "--format", "json", str(case)],
                capture_output=True, text=True, cwd=case,
            )
            if out.returncode not in (0, 1):
                failures.append(f"{name}: keywire exited {out.returncode}: {out.stderr}")
                continue
            got = sorted(
                (d["code"], pathlib.Path(d["path"]).name)
                for d in json.loads(out.stdout)["diagnostics"]
                if d["severity"] in ("error", "warning") and d["code"][:3] in ("KW1", "KW2", "KW6")
            )
            status = "ok" if got == sorted(expected) else "FAIL"
            print(f"{status:4}  {name}: {got or 'nothing'}")
            if got != sorted(expected):
                failures.append(f"{name}: expected {sorted(expected)}, got {got}\n{out.stdout}")
            for text in must_say:
                if text not in out.stdout:
                    failures.append(f"{name}: the output does not say {text!r}\n{out.stdout}")
    if failures:
        print("\n".join(failures), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

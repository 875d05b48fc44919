import json
from pathlib import Path

import autogen

# Loaded before the file is written: AutoGen raises FileNotFoundError here.
config_list = autogen.config_list_from_json("OAI_CONFIG_LIST_late")
Path("OAI_CONFIG_LIST_late").write_text(json.dumps([{"model": "gpt-4o"}]))

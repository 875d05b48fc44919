import json
import os

import autogen

os.environ["CODE_LIST"] = json.dumps([{"model": "gpt-4o-mini"}])
config_list = autogen.config_list_from_json("CODE_LIST", filter_dict={"model": ["claude-3-5-sonnet"]})

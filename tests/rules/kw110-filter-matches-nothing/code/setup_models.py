import json
import os

import autogen

os.environ["CODE_LIST"] = json.dumps([{"model": "gpt-4o-mini"}])
config_list = autogen.config_list_from_json("CODE_LIST", filter_dict={"model": ["claude-3-5-sonnet"]})

# The JSON itself as a string literal.
os.environ["LIT_LIST"] = '[{"model": "gpt-4"}, {"model": "gpt-4o"}]'
literal = autogen.config_list_from_json("LIT_LIST", filter_dict={"model": ["o1-mini"]})

import json
import os

import autogen

# A config list set by code, with a key in it: the hover on its name describes the key.
os.environ["CODE_CONFIG_LIST"] = json.dumps([{"model": "gpt-4o", "api_key": "sk-proj-Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9LzT3BlbkFJx1Cv3Bn5"}])
config_list = autogen.config_list_from_json("CODE_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})

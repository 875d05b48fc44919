import json
import os

import autogen

# A key pasted into the model field: KW110 lists the models, and must describe this one.
os.environ["MODEL_LIST"] = json.dumps([{"model": "sk-proj-Mn4Bv6Cx8Za0Lk2Jh4Gf6Ds8AqT3BlbkFJp0Oi2Uy4Tr6"}])
config_list = autogen.config_list_from_json("MODEL_LIST", filter_dict={"model": ["gpt-4o"]})

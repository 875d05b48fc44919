import os

from autogen import AssistantAgent

# The model comes from the llm_config around the entries: nothing to report.
a = AssistantAgent("a", llm_config={"model": "gpt-4o", "config_list": [{"api_key": os.environ["OPENAI_API_KEY"]}]})
extra = {"model": "gpt-4o-mini"}
b = AssistantAgent("b", llm_config={"config_list": [{**extra, "api_key": os.environ["OPENAI_API_KEY"]}]})

# Records, not model entries, written where a config list could be read from.
import json

rows = [{"db_id": "world_1", "question": "How many?"}]
json.dump(rows, open("OAI_CONFIG_LIST", "w"))
config_list = autogen_config = None

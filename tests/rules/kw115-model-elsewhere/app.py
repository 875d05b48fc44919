import os

from autogen import AssistantAgent

# The model comes from the llm_config around the entries: nothing to report.
a = AssistantAgent("a", llm_config={"model": "gpt-4o", "config_list": [{"api_key": os.environ["OPENAI_API_KEY"]}]})
extra = {"model": "gpt-4o-mini"}
b = AssistantAgent("b", llm_config={"config_list": [{**extra, "api_key": os.environ["OPENAI_API_KEY"]}]})

import os

import autogen

config_list = [{"model": "gpt-4o", "api_key": os.environ["OPENAI_API_KEY"]}]

# A trailing comma: a tuple holding the dict.
llm_config = {"config_list": config_list, "temperature": 0},
assistant = autogen.AssistantAgent("assistant", llm_config=llm_config)
critic = autogen.AssistantAgent("critic", llm_config=llm_config)

# Written in the call.
writer = autogen.AssistantAgent("writer", llm_config=({"config_list": config_list},))

# A config list with a trailing comma.
gemini_list = [{"model": "gemini-1.5-pro", "api_type": "google", "api_key": os.environ["GEMINI_API_KEY"]}],
reviewer = autogen.AssistantAgent("reviewer", llm_config={"config_list": gemini_list})

# Right: dicts, lists, and tuples of several values elsewhere.
good = {"config_list": config_list, "temperature": 0}
pair = good, good
ok = autogen.AssistantAgent("ok", llm_config=good)

import os

from autogen import AssistantAgent, UserProxyAgent

llm_config = {
    "config_list": [
        {
            "model": "gpt-4o",
            "apikey": os.environ["OPENAI_API_KEY"],
            "api_base": "https://api.openai.com/v1",
        },
        {"model": "gpt-4o-mini", "api_key": os.environ["OPENAI_API_KEY"], "api_type": "open_ai"},
    ],
    "seed": 42,
}

assistant = AssistantAgent("assistant", lm_config=llm_config)
user = UserProxyAgent("user", llm_config=llm_config)

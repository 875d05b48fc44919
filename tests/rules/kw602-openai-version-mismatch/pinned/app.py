import os

from autogen import AssistantAgent

config_list = [{"model": "gpt-4o", "api_key": os.environ["OPENAI_API_KEY"], "base_url": "https://api.openai.com/v1"}]
assistant = AssistantAgent("assistant", llm_config={"config_list": config_list})

import os

from autogen_agentchat.agents import AssistantAgent
from autogen_ext.models.openai import OpenAIChatCompletionClient

config_list = [{"model": "gpt-4o", "api_key": os.environ["OPENAI_API_KEY"]}]

writer = AssistantAgent("writer", llm_config={"config_list": config_list})

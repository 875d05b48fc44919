from autogen_agentchat.agents import AssistantAgent
from autogen_ext.models.openai import OpenAIChatCompletionClient

from agents.config import llm_config

critic_client = OpenAIChatCompletionClient(model="gpt-4o-mini", api_key="sk-...")
critic = AssistantAgent("critic", model_client=critic_client)
writer = AssistantAgent("writer", llm_config=llm_config)

"""Agents for the demo."""
import os

from autogen import AssistantAgent

config_list = [{"model": "gpt-4o", "api_key": os.environ["OPENAI_API_KEY"]}]
assistant = AssistantAgent("assistant", llm_config={"config_list": config_list})

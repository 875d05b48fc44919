import os

from autogen import AssistantAgent
from autogen_ext.models.openai import OpenAIChatCompletionClient
from autogen_ext.models.anthropic import AnthropicChatCompletionClient
from autogen_ext.models.ollama import OllamaChatCompletionClient

config_list = [
    {"model": "gpt-4o"},
    {"model": "gpt-4o-mini", "api_key": os.environ["OPENAI_API_KEY"]},
    {"model": "llama3", "base_url": "http://localhost:11434/v1"},
    {"model": "gpt-4o", "api_type": "azure", "azure_ad_token_provider": token_provider, "api_version": "2024-10-21"},
]

assistant = AssistantAgent("assistant", llm_config={"config_list": config_list})

client = OpenAIChatCompletionClient(model="gpt-4o")
claude = AnthropicChatCompletionClient(
    model="claude-3-5-sonnet-20241022",
)
local = OllamaChatCompletionClient(model="llama3")

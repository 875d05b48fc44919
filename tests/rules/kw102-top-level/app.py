"""Legacy and misspelt keys at the top of an llm_config, and dropped client keywords."""

import os

from autogen import AssistantAgent
from autogen_ext.models.openai import AzureOpenAIChatCompletionClient, OpenAIChatCompletionClient

legacy = {
    "config_list": [{"model": "gpt-4o", "api_key": os.environ["OPENAI_API_KEY"]}],
    "request_timeout": 600,
    "retry_wait_time": 10,
    "max_retry_period": 120,
    "cache_seed": 42,
}
assistant = AssistantAgent("assistant", llm_config=legacy)

flat = {"model": "gpt-4o", "api_key": os.environ["OPENAI_API_KEY"], "request_timeout": 60}
helper = AssistantAgent("helper", llm_config=flat)

misspelt = {
    "configList": [{"model": "gpt-4o", "api_key": os.environ["OPENAI_API_KEY"]}],
    "temprature": 0,
}
writer = AssistantAgent("writer", llm_config=misspelt)

entries = [
    {"model": "gpt-4o", "api_key": os.environ["OPENAI_API_KEY"], "max_token": 256},
    {"model": "claude-3-5-sonnet-latest", "api_type": "anthropic", "apikey": os.environ["ANTHROPIC_API_KEY"]},
]
critic = AssistantAgent("critic", llm_config={"config_list": entries})

azure = AzureOpenAIChatCompletionClient(
    model="gpt-4o",
    endpoint="https://contoso.openai.azure.com/",
    api_version="2024-10-21",
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
)
client = OpenAIChatCompletionClient(model="gpt-4o", api_key=os.environ["OPENAI_API_KEY"], temprature=0.2, top_k=5)

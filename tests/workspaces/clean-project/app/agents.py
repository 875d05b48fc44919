import os

from autogen import AssistantAgent, UserProxyAgent
from autogen_ext.models.ollama import OllamaChatCompletionClient

from app.settings import AZURE_ENDPOINT, OPENAI_API_KEY

config_list = [
    {"model": "gpt-4o", "api_key": OPENAI_API_KEY},
    {
        "model": "gpt-4o",
        "api_type": "azure",
        "base_url": AZURE_ENDPOINT,
        "api_key": os.environ["AZURE_OPENAI_API_KEY"],
        "api_version": "2024-10-21",
    },
    {"model": "llama3.1", "base_url": "http://localhost:11434/v1", "api_key": "ollama"},
]

assistant = AssistantAgent("assistant", llm_config={"config_list": config_list, "cache_seed": 41})
user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
local = OllamaChatCompletionClient(model="llama3.1")

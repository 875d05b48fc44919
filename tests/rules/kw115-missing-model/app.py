import os

from autogen_ext.models.anthropic import AnthropicChatCompletionClient
from autogen_ext.models.openai import OpenAIChatCompletionClient

# No model: the constructor raises before anything else.
client = OpenAIChatCompletionClient(api_key=os.environ["OPENAI_API_KEY"])
claude = AnthropicChatCompletionClient(api_key=os.environ["ANTHROPIC_API_KEY"])

# Right: a model, or settings that may carry it.
main = OpenAIChatCompletionClient(model="gpt-4o", api_key=os.environ["OPENAI_API_KEY"])
settings = {"model": "gpt-4o-mini"}
other = OpenAIChatCompletionClient(**settings, api_key=os.environ["OPENAI_API_KEY"])

# AutoGen 0.2 / AG2: a config_list entry without a model.
from autogen import AssistantAgent

assistant = AssistantAgent("a", llm_config={"config_list": [{"api_key": os.environ["OPENAI_API_KEY"]}]})

import os

from autogen_ext.models.openai import AzureOpenAIChatCompletionClient, OpenAIChatCompletionClient

# An empty .env says nothing about where variables come from.
KEY = os.environ["OPENAI_API_KEY"]


class Settings:
    def __init__(self):
        # Read and never used: None fails nothing here.
        self.claude_api_key = os.getenv("CLAUDE_API_KEY")


# The endpoint is computed: any provider's key may be right.
gateway = OpenAIChatCompletionClient(
    model="gpt-4o",
    base_url=os.environ["LLM_GATEWAY_ENDPOINT"],
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
)
# Azure's OpenAI-compatible v1 API takes the plain OpenAI client.
azure_v1 = OpenAIChatCompletionClient(
    model="gpt-4o",
    base_url="https://contoso.openai.azure.com/openai/v1/",
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
)
# `endpoint` is dropped, but the SDK reads AZURE_OPENAI_ENDPOINT itself.
azure = AzureOpenAIChatCompletionClient(
    model="gpt-4o",
    endpoint=os.getenv("AZURE_OPENAI_ENDPOINT"),
    api_version="2024-10-21",
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
)
# The OpenAI SDK reads OPENAI_API_KEY, not this one: the dropped keyword loses the key.
wrong_var = OpenAIChatCompletionClient(
    model="gpt-4o",
    openai_api_key=os.getenv("AZURE_OPENAI_API_KEY"),  # keywire: ignore[KW107, KW204]
)
# A computed endpoint leaves the provider unknown, not the client's own fallback variable.
no_key = OpenAIChatCompletionClient(model="gpt-4o", base_url=os.environ["LLM_GATEWAY_ENDPOINT"])

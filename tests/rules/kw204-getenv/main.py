from os import getenv

from autogen_ext.models.openai import OpenAIChatCompletionClient

client = OpenAIChatCompletionClient(model="gpt-4o", api_key=getenv("TEAM_OPENAI_KEY"))
# The client falls back to OPENAI_API_KEY itself and raises a clear error: nothing to say.
fallback = OpenAIChatCompletionClient(model="gpt-4o", api_key=getenv("OPENAI_API_KEY"))

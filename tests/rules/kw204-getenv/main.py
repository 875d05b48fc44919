from os import getenv

from autogen_ext.models.openai import OpenAIChatCompletionClient

client = OpenAIChatCompletionClient(model="gpt-4o", api_key=getenv("OPENAI_API_KEY"))

from autogen_ext.models.openai import OpenAIChatCompletionClient

# Nothing in this module reads OPENAI_API_KEY: the client falls back to it on its own.
client = OpenAIChatCompletionClient(model="gpt-4o")

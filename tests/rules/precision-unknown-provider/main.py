import os

from autogen_ext.models.openai import OpenAIChatCompletionClient

from settings import GEMINI_MODEL

client = OpenAIChatCompletionClient(model=GEMINI_MODEL, api_key=os.getenv("GOOGLE_API_KEY"))

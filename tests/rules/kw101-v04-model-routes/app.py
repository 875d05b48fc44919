"""OpenAIChatCompletionClient sends `gemini-*`, `claude-*` and `Llama-*` models to their own
providers' endpoints, with the key from their own variables, not OPENAI_API_KEY."""
from autogen_ext.models.openai import OpenAIChatCompletionClient
from dotenv import load_dotenv

load_dotenv()

openai_client = OpenAIChatCompletionClient(model="gpt-4o")
gemini_client = OpenAIChatCompletionClient(model="gemini-2.0-flash")
llama_client = OpenAIChatCompletionClient(model="Llama-4-Scout-17B-16E-Instruct-FP8")

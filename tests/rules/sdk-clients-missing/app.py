"""Calling the providers directly, beside the agents: no key for most of them."""
import os

import anthropic
import openai
from dotenv import load_dotenv
from google import genai
from groq import Groq
from openai import AzureOpenAI as AOAI

load_dotenv()

# Each reads its key variable from the environment, and the .env defines none of them.
client = openai.OpenAI()
claude = anthropic.AsyncAnthropic()
gemini = genai.Client()
fast = Groq()

# The key is there; the API version is not (no api_version, no OPENAI_API_VERSION).
azure = AOAI(
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
    azure_endpoint="https://my-resource.openai.azure.com/",
)

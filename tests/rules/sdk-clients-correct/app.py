"""The same clients, written correctly: nothing to report."""
import os

import google.genai as genai
import openai
from anthropic import Anthropic, AnthropicBedrock, AnthropicVertex
from dotenv import load_dotenv
from langchain_openai import ChatOpenAI
from mistralai import Mistral
from openai import AsyncAzureOpenAI

load_dotenv()

client = openai.OpenAI()
keyed = openai.AsyncOpenAI(api_key=os.environ["OPENAI_API_KEY"])
claude = Anthropic()
gemini = genai.Client()
# google-genai replaces None with GOOGLE_API_KEY or GEMINI_API_KEY itself.
gemini_keyed = genai.Client(api_key=os.getenv("GEMINI_API_KEY"))
vertex = genai.Client(vertexai=True, project="my-project", location="us-central1")
azure = AsyncAzureOpenAI()
bedrock = AnthropicBedrock(aws_region="us-east-1")
on_vertex = AnthropicVertex(region="us-east5", project_id="my-project")
mistral = Mistral(os.environ["MISTRAL_API_KEY"])
chat = ChatOpenAI(model="gpt-4o")


def build(**settings):
    return openai.OpenAI(**settings)

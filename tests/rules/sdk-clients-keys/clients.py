import os

from anthropic import Anthropic
from dotenv import load_dotenv
from groq import Groq
from mistralai import Mistral
from openai import OpenAI

load_dotenv()

client = OpenAI(api_key="sk-your-key-here")
fast = Groq(api_key="gsk_Qw3rTy8UiOp2AsDfGh5JkLzXcV7bNm1Qw3rTy8UiOp2AsDf")
claude = Anthropic(api_key=os.environ["OPENAI_API_KEY"])
misrouted = OpenAI(base_url="https://api.anthropic.com/v1", api_key=os.getenv("OPENAI_API_KEY"))
azure_as_openai = OpenAI(base_url="https://my-resource.openai.azure.com/", api_key=os.environ["OPENAI_API_KEY"])
mistral = Mistral(api_key=os.getenv("LLM_KEY"))

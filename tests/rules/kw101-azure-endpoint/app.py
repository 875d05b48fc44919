import os

from dotenv import load_dotenv
from openai import AzureOpenAI
from autogen import AssistantAgent

load_dotenv()

# No endpoint, and AZURE_OPENAI_ENDPOINT is not in .env: the client raises when built.
client = AzureOpenAI(api_key=os.environ["AZURE_OPENAI_API_KEY"], api_version="2024-10-21")
config_list = [{"model": "gpt-4o", "api_type": "azure", "api_key": os.environ["AZURE_OPENAI_API_KEY"], "api_version": "2024-10-21"}]
agent = AssistantAgent("a", llm_config={"config_list": config_list})

# Right: an endpoint given.
ok = AzureOpenAI(api_key=os.environ["AZURE_OPENAI_API_KEY"], api_version="2024-10-21", azure_endpoint="https://res.openai.azure.com/")

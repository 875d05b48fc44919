import os

from openai import AzureOpenAI

client = AzureOpenAI(api_key=os.environ["AZURE_OPENAI_API_KEY"], api_version="2024-10-21", azure_endpoint="https://x.openai.azure.com/")

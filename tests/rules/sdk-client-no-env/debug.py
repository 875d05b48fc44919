"""The guide's debugging step: call the provider directly."""
from openai import OpenAI

client = OpenAI()
print(client.models.list())

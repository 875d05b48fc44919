# The README says: export OPENAI_API_KEY=... ; no .env, no template, no load_dotenv().
from autogen_ext.models.openai import OpenAIChatCompletionClient

client = OpenAIChatCompletionClient(model="gpt-4o")

from autogen_ext.models.openai import OpenAIChatCompletionClient
from dotenv import load_dotenv

load_dotenv()

# Relies on OPENAI_API_KEY and OPENAI_BASE_URL from the environment.
client = OpenAIChatCompletionClient(model="gpt-4o")

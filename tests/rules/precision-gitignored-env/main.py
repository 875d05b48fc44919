from dotenv import load_dotenv
from autogen_ext.models.openai import OpenAIChatCompletionClient

load_dotenv()  # loads the .env the user creates after cloning
client = OpenAIChatCompletionClient(model="gpt-4o")

import os

from autogen_ext.models.openai import OpenAIChatCompletionClient
from dotenv import load_dotenv

load_dotenv()

# The code reads the name it chose: nothing to report.
client = OpenAIChatCompletionClient(model="gpt-4o", api_key=os.environ["OPENAI_KEY"])

import os

from autogen import AssistantAgent
from dotenv import load_dotenv

load_dotenv()

llm_config = {"config_list": [{"model": "gpt-4o", "api_key": os.environ["OPENAI_API_KEY"]}]}

if __name__ == "__main__":
    AssistantAgent("assistant", llm_config=llm_config)

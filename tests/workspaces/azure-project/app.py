import os

from autogen import AssistantAgent, UserProxyAgent
from dotenv import load_dotenv

load_dotenv()

config_list = [
    {
        "model": "gpt-4o-deployment",
        "base_url": os.environ["AZURE_OPENAI_ENDPOINT"],
        "api_key": os.environ["OPENAI_API_KEY"],
    }
]

assistant = AssistantAgent("assistant", llm_config={"config_list": config_list})
user = UserProxyAgent("user", human_input_mode="NEVER")

"""Model configuration shared by every agent."""
import os

AZURE_ENDPOINT = os.environ["AZURE_OPENAI_ENDPOINT"]

config_list = [
    {
        "model": "gpt-4o",
        "apikey": os.environ["OPENAI_API_KEY"],
    },
    {
        "model": "gpt-4o",
        "base_url": AZURE_ENDPOINT,
        "api_key": os.environ["OPENAI_API_KEY"],
    },
]

llm_config = {"config_list": config_list, "seed": 42}

SEARCH_KEY = os.environ["SERPER_KEY"]

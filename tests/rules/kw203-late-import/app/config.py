import os

OPENAI_API_KEY = os.environ["OPENAI_API_KEY"]

llm_config = {"config_list": [{"model": "gpt-4o", "api_key": OPENAI_API_KEY}]}

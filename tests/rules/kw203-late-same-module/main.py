import os

from dotenv import load_dotenv

API_KEY = os.environ["OPENAI_API_KEY"]

load_dotenv()

config_list = [{"model": "gpt-4o", "api_key": API_KEY}]

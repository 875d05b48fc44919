import os

from dotenv import load_dotenv

load_dotenv()
config_list = [{"model": "gpt-4o", "api_key": os.environ["OPENAI_API_KEY"]}]

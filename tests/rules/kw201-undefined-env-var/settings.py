import os

from dotenv import load_dotenv

load_dotenv()

config_list = [{"model": "gpt-4o", "api_key": os.environ["OPENAI_KEY"]}]
llm_config = {"config_list": config_list}
SERPER_KEY = os.environ["SERPER_API_KEY"]
DEBUG = os.environ["DEBUG_LEVEL"]
TIMEOUT = os.getenv("MY_SERVICE_TOKEN", "")

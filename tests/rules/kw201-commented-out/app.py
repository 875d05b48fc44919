import os

from dotenv import load_dotenv

load_dotenv()

config_list = [{"model": os.environ["MODEL"], "api_key": os.environ["OPENAI_API_KEY"]}]

import os

from dotenv import load_dotenv

load_dotenv()
KEY = os.environ["OPENAI_API_KEY"]

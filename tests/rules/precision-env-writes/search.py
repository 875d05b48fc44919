import os

from dotenv import load_dotenv

load_dotenv()
SERPER_API_KEY = os.environ["SERPER_API_KEY"]

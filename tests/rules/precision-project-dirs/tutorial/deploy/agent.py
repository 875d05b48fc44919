import os

from autogen import LLMConfig
from dotenv import load_dotenv

load_dotenv()
# A project of its own (requirements.txt): the tutorial's template says nothing about it.
llm_config = LLMConfig({"model": "gemini-2.5-flash", "api_type": "google", "api_key": os.getenv("GEMINI_API_KEY")})

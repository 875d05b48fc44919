import os

from dotenv import load_dotenv

load_dotenv()
os.environ["GROQ_API_KEY"] = ""
os.environ["ANTHROPIC_API_KEY"] = "sk-ant-1111"
SERPER = os.environ["SERPER_API_KEY"]

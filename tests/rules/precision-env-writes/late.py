import os

from dotenv import load_dotenv

load_dotenv()
TAVILY = os.environ["TAVILY_API_KEY"]
os.environ["TAVILY_API_KEY"] = os.environ.get("TAVILY", "")

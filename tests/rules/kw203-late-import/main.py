from dotenv import load_dotenv

from app.config import llm_config

load_dotenv()

print(llm_config)

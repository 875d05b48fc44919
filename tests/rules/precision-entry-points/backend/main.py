# Run as `python main.py` from backend/: its folder is on sys.path for every module.
from dotenv import load_dotenv

from handlers.chat import handle

load_dotenv()

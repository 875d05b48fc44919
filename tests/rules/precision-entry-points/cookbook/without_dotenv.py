import os

# A script of its own: its sibling's load_dotenv() does not run here.
KEY = os.environ["OPENAI_API_KEY"]

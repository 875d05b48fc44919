import os

from dotenv import load_dotenv

import loop_keys  # sets GROQ_API_KEY and MISTRAL_API_KEY

load_dotenv()
GROQ = os.environ["GROQ_API_KEY"]

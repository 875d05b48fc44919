import os

from dotenv import load_dotenv

import keys  # sets BRAVE_API_KEY before the read below

load_dotenv()
BRAVE = os.environ["BRAVE_API_KEY"]

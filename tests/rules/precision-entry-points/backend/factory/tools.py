import os

# Imported by nothing keywire sees (a registry loads it): it may run in main.py's program.
KEY = os.environ["OPENAI_API_KEY"]

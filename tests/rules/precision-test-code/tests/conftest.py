import os

os.environ["OPENAI_API_KEY"] = "test"

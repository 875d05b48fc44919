import os

os.environ["BRAVE_API_KEY"] = os.environ.get("BRAVE", "")

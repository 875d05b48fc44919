import os

# Imported by main.py through the script folder on sys.path: runs after load_dotenv().
def handle():
    return os.environ["OPENAI_API_KEY"]

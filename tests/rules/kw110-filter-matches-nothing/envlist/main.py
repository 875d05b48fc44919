import autogen
from dotenv import load_dotenv

load_dotenv()

# The variable wins over any file: its value is the JSON itself.
config_list = autogen.config_list_from_json("MODELS", filter_dict={"model": ["gpt-4o"]})

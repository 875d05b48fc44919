import autogen
from dotenv import load_dotenv

load_dotenv()

# The variable holds the JSON itself: its entries are checked where they are, in .env.
config_list = autogen.config_list_from_json("OAI_CONFIG_LIST")

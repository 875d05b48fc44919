import autogen
from dotenv import load_dotenv

load_dotenv()

# No OAI_CONFIG_LIST file anywhere, and no variable of that name.
config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})

import autogen
from dotenv import load_dotenv

load_dotenv()

# The variable holds a path (from the working directory): the file it names is the list.
config_list = autogen.config_list_from_json("LIST_PATH", filter_dict={"model": ["o1"]})

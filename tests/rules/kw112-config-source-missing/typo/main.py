import autogen

config_list = autogen.config_list_from_json("OAI_CONFIG_LIST")

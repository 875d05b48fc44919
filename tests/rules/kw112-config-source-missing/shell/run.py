import autogen

# A template mentions the variable: it may be set at run time (a hint).
config_list = autogen.config_list_from_json("SHELL_CONFIG_LIST")

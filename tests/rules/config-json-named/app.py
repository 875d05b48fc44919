import autogen

# The list lives in a file of another name: AutoGen reads it all the same.
config_list = autogen.config_list_from_json("llm_config.json", filter_dict={"model": ["gpt-4o"]})

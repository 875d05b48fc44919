import os

import autogen

# The getting-started example, next to a list without gpt-4o.
config_list = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"model": ["gpt-4o"]})
assistant = autogen.AssistantAgent("assistant", llm_config={"config_list": config_list})

# A missing comma (as in one of AutoGen's own notebooks): reported although gpt-4 matches.
config_list_35 = autogen.config_list_from_json(
    "OAI_CONFIG_LIST",
    filter_dict={"model": ["gpt-4", "gpt-3.5-turbo" "gpt-4-32k"]},
)

# Not reported: these keep an entry, in some AutoGen version at least.
kept = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"tags": ["gpt4"]})
azure = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"api_type": {"azure"}})
maybe = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict={"api_type": ["openai", None]})
computed = autogen.config_list_from_json("OAI_CONFIG_LIST", filter_dict=my_filter)

# The list is not known (a computed folder): the joined value is still named, as a warning.
KEY_LOC = os.path.dirname(__file__)
unknown = autogen.config_list_from_json(
    "OAI_CONFIG_LIST", file_location=KEY_LOC, filter_dict={"model": ["gpt-4", "gpt-4-0314" "gpt4"]}
)

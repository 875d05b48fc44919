"""Two agents, as in AutoGen's getting-started guide."""

import autogen

config_list = autogen.config_list_from_json(
    "OAI_CONFIG_LIST",
    filter_dict={"model": ["gpt-4o"]},
)

# A missing comma joins two model names into one that no entry has.
gpt4_config_list = autogen.config_list_from_json(
    "OAI_CONFIG_LIST",
    filter_dict={"model": ["gpt-4o-mini" "gpt-4-32k"]},
)

# The file is OAI_CONFIG_LIST: AutoGen raises FileNotFoundError here.
review_config_list = autogen.config_list_from_json("OAI_CONFIG_LISTS")

assistant = autogen.AssistantAgent("assistant", llm_config={"config_list": config_list})
coder = autogen.AssistantAgent("coder", llm_config={"config_list": gpt4_config_list})
reviewer = autogen.AssistantAgent("reviewer", llm_config={"config_list": review_config_list})
user_proxy = autogen.UserProxyAgent("user_proxy", code_execution_config=False)
user_proxy.initiate_chat(assistant, message="Plot NVDA and TESLA stock price change YTD.")

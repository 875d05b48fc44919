from autogen import AssistantAgent, UserProxyAgent

from travel.config import llm_config

planner = AssistantAgent("planner", llm_config=llm_config)
user = UserProxyAgent("user", code_execution_config=False)

from autogen import LLMConfig

# AG2: `.where(...)` keeps nothing either.
llm_config = LLMConfig.from_json(path="OAI_CONFIG_LIST").where(model="o3-mini")
good = LLMConfig.from_json(path="OAI_CONFIG_LIST").where(model="gpt-4")

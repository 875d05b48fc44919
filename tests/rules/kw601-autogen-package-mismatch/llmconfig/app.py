from autogen import AssistantAgent, LLMConfig

llm_config = LLMConfig(config_list=[{"model": "gpt-4o", "api_type": "openai"}])

# A script that tries a model out is not test code, whatever its name.
llm_config = {"config_list": [{"model": "gpt-4o", "api_key": "sk-..."}]}

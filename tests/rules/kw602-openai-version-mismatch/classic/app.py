import os

import autogen

config_list = [{"model": "gpt-4", "api_key": os.environ["AZURE_OPENAI_API_KEY"], "api_base": "https://example.openai.azure.com/", "api_type": "azure", "api_version": "2023-05-15"}]
response = autogen.ChatCompletion.create(config_list=config_list, prompt="hi")

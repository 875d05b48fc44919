"""Code that may be AutoGen 0.1 (openai < 1.0), where these keys were right: hints."""

import autogen

llm_config = {
    "config_list": [{"model": "gpt-4", "api_key": "sk-...", "api_base": "https://example.com/v1"}],
    "request_timeout": 600,
    "api_base": "https://example.com/v1",
}
assistant = autogen.AssistantAgent("assistant", llm_config=llm_config)

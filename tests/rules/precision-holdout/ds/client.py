from autogen_ext.models.openai import OpenAIChatCompletionClient

# An `sk-` key of 32 hex digits is the format of DeepSeek and DashScope, not OpenAI.
deepseek = OpenAIChatCompletionClient(
    model="deepseek-chat",
    base_url="https://api.deepseek.com/v1",
    api_key="sk-9f3a1c2e7b14d58a6c0e9f2b3d4a5c6e",
)
# The old key, kept for later: sk-7c2e9f3a1b04d58a6c0e9f2b3d4a5c6e

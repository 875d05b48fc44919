from autogen_ext.models.openai import OpenAIChatCompletionClient

writer = OpenAIChatCompletionClient(model="gpt-4o", api_key="sk-...")
editor = OpenAIChatCompletionClient(model="gpt-4o", api_key="YOUR_API_KEY")
session = OpenAIChatCompletionClient(model="gpt-4o", api_key="sess-Qw3rTy8UiOp2AsDfGh5JkLzXcV7bNm1")
local = OpenAIChatCompletionClient(model="llama3", base_url="http://localhost:8000/v1", api_key="EMPTY")

config_list = [{"model": "gpt-4o", "api_key": ""}]
llm_config = {"config_list": config_list}

import os

from autogen_ext.models.openai import AzureOpenAIChatCompletionClient, OpenAIChatCompletionClient

# Models autogen-ext does not know: the constructor raises without model_info.
local = OpenAIChatCompletionClient(model="llama3.2", base_url="http://localhost:11434/v1", api_key="ollama")
router = OpenAIChatCompletionClient(model="deepseek/deepseek-chat", api_key=os.environ["OPENROUTER_API_KEY"])

# Right: a model it knows (directly or through a pointer), or model_info given.
main = OpenAIChatCompletionClient(model="gpt-4o", api_key=os.environ["OPENAI_API_KEY"])
dated = OpenAIChatCompletionClient(model="gpt-4o-2024-08-06", api_key=os.environ["OPENAI_API_KEY"])
gemini = OpenAIChatCompletionClient(model="gemini-1.5-flash", api_key=os.environ["GEMINI_API_KEY"])
described = OpenAIChatCompletionClient(
    model="llama3.2",
    base_url="http://localhost:11434/v1",
    api_key="ollama",
    model_info={"vision": False, "function_calling": True, "json_output": True, "family": "unknown", "structured_output": True},
)
settings = {"model_info": {"vision": False, "function_calling": True, "json_output": True, "family": "unknown"}}
spread = OpenAIChatCompletionClient(model="qwen2.5", api_key=os.environ["OPENAI_API_KEY"], **settings)
azure = AzureOpenAIChatCompletionClient(
    model="gpt-4o",
    azure_deployment="prod",
    azure_endpoint="https://x.openai.azure.com/",
    api_version="2024-06-01",
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
)

import autogen
from autogen_ext.models.openai import OpenAIChatCompletionClient

# Ollama's OpenAI API is under /v1: these get 404.
config_list = [{"model": "llama3.1", "base_url": "http://localhost:11434", "api_key": "ollama"}]
client = OpenAIChatCompletionClient(
    model="qwen2.5",
    base_url="http://127.0.0.1:1234/",
    api_key="lm-studio",
    model_info={"vision": False, "function_calling": True, "json_output": False, "family": "unknown"},
)
# Port 8000 on this machine: vLLM's default, or any web app (a hint).
vllm = [{"model": "mistral", "base_url": "http://localhost:8000", "api_key": "EMPTY"}]

# Right: /v1, Ollama's own API, llama.cpp's server (answers without /v1 too).
ok = [
    {"model": "llama3.1", "base_url": "http://localhost:11434/v1", "api_key": "ollama"},
    {"model": "llama3.1", "api_type": "ollama", "client_host": "http://localhost:11434"},
    {"model": "local", "base_url": "http://localhost:8080", "api_key": "none"},
]
agent = autogen.AssistantAgent("a", llm_config={"config_list": config_list})
local = autogen.AssistantAgent("b", llm_config={"config_list": vllm})
fine = autogen.AssistantAgent("c", llm_config={"config_list": ok})

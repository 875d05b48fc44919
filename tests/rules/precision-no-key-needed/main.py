from dotenv import load_dotenv
from autogen import AssistantAgent
from autogen_ext.models.openai import OpenAIChatCompletionClient
from ag2.config import GeminiConfig

load_dotenv()

vertex = [{"api_type": "google", "model": "gemini-1.5-pro", "project_id": "my-project", "location": "us-west1"}]
custom = [{"model": "my-model", "model_client_cls": "CustomModelClient"}]
docker = [{"model": "llama3", "base_url": "http://host.docker.internal:11434/v1", "api_key": "ollama"}]
local_endpoint = [{"model": "phi3", "model_endpoint": "http://localhost:8000/v1"}]
a = AssistantAgent("a", llm_config={"config_list": vertex + custom})
b = AssistantAgent("b", llm_config={"config_list": docker})
c = AssistantAgent("c", llm_config={"config_list": local_endpoint})
d = OpenAIChatCompletionClient(model="llama3", base_url="http://localhost:11434/v1", api_key="ollama")
gemini = GeminiConfig(model="gemini-2.0-flash")

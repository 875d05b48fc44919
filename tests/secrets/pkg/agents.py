import os

from autogen import AssistantAgent
from autogen_ext.models.openai import OpenAIChatCompletionClient

TOGETHER_API_KEY = "b8e2f4a6c0d9e1f3a5c7e9b0d2f4a6c8e0b9d1f3a5c7e9b2d4f6a8c0e1d3f5a7"
os.environ["COHERE_API_KEY"] = "Cq8Wm3Rn7Tb2Yk6Hv1Lp5Zx9Fd4Js0Ga8Ne3Ku7O"

config_list = [
    {"model": "gpt-4o", "api_key": "sk-proj-Hn5Vb1Xz7Lk3Qw9Er2Ty6Ui0Op4As8DfT3BlbkFJg5Hj1Kl7"},
    {"model": "gpt-4o", "api_type": "azure", "base_url": "https://x.openai.azure.com/", "api_key": "sk-ant-api03-Pq4Wr8Ty2Ui6Op0As4Df8Gh2Jk6Lz0Xc4Vb8Nm2Qw6Er0-Ty4UiAA"},
    {"model": "claude", "api_key": os.environ["ANTHROPIC_API_KEY"]},
    {"model": "gpt-4o", "apikey": "gsk_Zt6Yu2Io8Pa4Sd0Fg6Hj2Kl8Zx4Cv0Bn6Mq2Wr8Et4Ty0Ui6Op2"},
]

assistant = AssistantAgent("assistant", llm_config={"config_list": config_list})
client = OpenAIChatCompletionClient(model="gpt-4o", api_key=os.getenv("OPENAI_API_KEY"))
gemini = OpenAIChatCompletionClient(model="gemini-1.5-pro", api_key=os.environ["GROQ_API_KEY"])

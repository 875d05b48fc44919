"""Valid keys of AutoGen 0.2, AG2 and autogen-ext: nothing here is reported."""

import os

from autogen import AssistantAgent, LLMConfig, UserProxyAgent
from autogen_ext.models.anthropic import AnthropicChatCompletionClient
from autogen_ext.models.ollama import OllamaChatCompletionClient
from autogen_ext.models.openai import AzureOpenAIChatCompletionClient, OpenAIChatCompletionClient
from dotenv import load_dotenv

load_dotenv()

config_list = [
    {
        "model": "gpt-4o",
        "api_key": os.environ["OPENAI_API_KEY"],
        "base_url": "https://api.openai.com/v1",
        "organization": "org-example",
        "project": "proj-example",
        "timeout": 60,
        "max_retries": 3,
        "default_headers": {"X-Team": "agents"},
        "tags": ["gpt-4o", "tool"],
        "price": [0.0025, 0.01],
        "seed": 42,
        "temperature": 0.2,
        "top_p": 0.9,
        "max_tokens": 1024,
        "max_completion_tokens": 1024,
        "frequency_penalty": 0.1,
        "presence_penalty": 0.1,
        "logit_bias": {},
        "logprobs": False,
        "response_format": {"type": "json_object"},
        "parallel_tool_calls": False,
        "reasoning_effort": "low",
        "service_tier": "auto",
        "stop": ["TERMINATE"],
        "stream": False,
        "user": "agent-1",
        "extra_body": {},
    },
    {
        "model": "gpt-4o",
        "api_type": "azure",
        "api_key": os.environ["AZURE_OPENAI_API_KEY"],
        "base_url": "https://contoso.openai.azure.com/",
        "api_version": "2024-10-21",
        "azure_deployment": "gpt-4o",
    },
    {
        "model": "llama3.1",
        "api_type": "ollama",
        "client_host": "http://localhost:11434",
        "top_k": 40,
        "num_ctx": 4096,
        "num_predict": 256,
        "repeat_penalty": 1.1,
        "seed": 7,
        "hide_tools": "if_any_run",
        "native_tool_calls": True,
    },
    {
        "model": "claude-3-5-sonnet-latest",
        "api_type": "anthropic",
        "api_key": os.environ["ANTHROPIC_API_KEY"],
        "top_k": 5,
        "stop_sequences": ["TERMINATE"],
        "thinking": {"type": "enabled", "budget_tokens": 1024},
    },
    {
        "model": "gemini-1.5-pro",
        "api_type": "google",
        "api_key": os.environ["GOOGLE_GEMINI_API_KEY"],
        "project_id": "my-project",
        "location": "us-central1",
        "safety_settings": [],
        "max_output_tokens": 512,
    },
    {"model": "my-model", "model_client_cls": "CustomModelClient", "temprature": 0.5},
]

llm_config = {
    "config_list": config_list,
    "seed": 42,
    "cache_seed": 41,
    "temperature": 0,
    "timeout": 120,
    "max_tokens": 512,
    "top_p": 1,
    "functions": [],
    "tools": [],
    "parallel_tool_calls": False,
    "allow_format_str_template": True,
    "routing_method": "round_robin",
    "check_every_ms": 1000,
}

assistant = AssistantAgent("assistant", llm_config=llm_config)
user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)

ag2_config = LLMConfig(
    {"model": "gpt-4o-mini", "api_key": os.environ["OPENAI_API_KEY"]},
    seed=42,
    cache_seed=None,
    temperature=0.3,
    timeout=60,
)

openai_client = OpenAIChatCompletionClient(
    model="gpt-4o",
    api_key=os.environ["OPENAI_API_KEY"],
    base_url="https://api.openai.com/v1",
    organization="org-example",
    seed=42,
    temperature=0.2,
    max_tokens=512,
    timeout=30,
    max_retries=2,
    parallel_tool_calls=False,
    include_name_in_message=False,
    add_name_prefixes=True,
    extra_body={},
    service_tier="auto",
)
azure_client = AzureOpenAIChatCompletionClient(
    model="gpt-4o",
    azure_endpoint="https://contoso.openai.azure.com/",
    azure_deployment="gpt-4o",
    api_version="2024-10-21",
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
    temperature=0,
)
claude = AnthropicChatCompletionClient(
    model="claude-3-5-sonnet-latest",
    api_key=os.environ["ANTHROPIC_API_KEY"],
    top_k=5,
    stop_sequences=["TERMINATE"],
    max_retries=2,
)
local = OllamaChatCompletionClient(
    model="llama3.1",
    host="http://localhost:11434",
    top_k=40,
    num_ctx=4096,
    Temperature=0.1,
    keep_alive="5m",
    options={"seed": 1},
)

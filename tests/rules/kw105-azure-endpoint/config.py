import os

config_list = [
    {
        "model": "gpt-4o",
        "base_url": "https://contoso.openai.azure.com/",
        "api_key": os.environ["AZURE_OPENAI_API_KEY"],
        "api_version": "2024-10-21",
    },
    {
        "model": "gpt-4o",
        "api_type": "azure",
        "base_url": "https://api.openai.com/v1",
        "api_key": os.environ["AZURE_OPENAI_API_KEY"],
        "api_version": "2024-10-21",
    },
    {
        "model": "llama-3.1-70b-versatile",
        "base_url": "https://api.groq.com/openai/v1",
        "api_key": os.environ["GROQ_API_KEY"],
    },
]

llm_config = {"config_list": config_list}

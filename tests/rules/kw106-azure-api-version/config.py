import os

from autogen_ext.models.openai import AzureOpenAIChatCompletionClient

llm_config = {
    "config_list": [
        {
            "model": "gpt-4o",
            "api_type": "azure",
            "base_url": "https://contoso.openai.azure.com/",
            "api_key": os.environ["AZURE_OPENAI_API_KEY"],
        }
    ]
}

client = AzureOpenAIChatCompletionClient(
    azure_deployment="gpt-4o",
    model="gpt-4o",
    azure_endpoint="https://contoso.openai.azure.com/",
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
)

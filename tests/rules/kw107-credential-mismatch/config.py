import os

from dotenv import load_dotenv

load_dotenv()

llm_config = {
    "config_list": [
        {
            "model": "gpt-4o",
            "api_type": "azure",
            "base_url": "https://contoso.openai.azure.com/",
            "api_version": "2024-10-21",
            "api_key": os.environ["OPENAI_API_KEY"],
        }
    ]
}

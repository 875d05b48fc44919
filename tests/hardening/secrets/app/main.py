import os

from autogen_ext.models.openai import AzureOpenAIChatCompletionClient, OpenAIChatCompletionClient
from dotenv import load_dotenv

# old key, do not use: api_key="sk-proj-Yt6Re4Wq2Po0Iu8Ly6Kt4Jr2He0GwT3BlbkFJd2Sa4Fg6"
os.environ.setdefault("OPENAI_API_KEY", "sk-proj-Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9StT3BlbkFJu0Vw1Xy2")
os.environ["GROQ_API_KEY"] = "gsk_Ee5Rr6Tt7Yy8Uu9Ii0Oo1Pp2Aa3Ss4Dd5Ff6Gg7Hh8Jj9Kk0"
os.putenv("MISTRAL_API_KEY", "Wm3Xn8Bv2Cq7Lk1Jh6Gf0Ds5Az9Py4Ot")

load_dotenv()

client = OpenAIChatCompletionClient(
    model="gpt-4o",
    api_key="sk-ant-api03-Hh2Jj4Kk6Ll8Zz0Xx2Cc4Vv6Bb8Nn0Mm2Qq4Ww6Ee8Rr0-Tt2YyAA",
)
azure = AzureOpenAIChatCompletionClient(
    model="gpt-4o",
    azure_endpoint="https://example.openai.azure.com/",
    api_version="2024-06-01",
    api_key="sk-proj-Gg9Hh8Jj7Kk6Ll5Zz4Xx3Cc2Vv1BbT3BlbkFJn0Mm9Qq8Ww7",
)
config_list = [
    {"model": "gpt-4o", "api-key": "sk-proj-Pp1Oo2Ii3Uu4Yy5Tt6Rr7Ee8Ww9QqT3BlbkFJa0Ss1Dd2Ff3"},
    {"model": "mistral-large", "api_key": "Kf7Lg3Mh9Ni5Oj1Pk7Ql3Rm9Sn5To1Up", "api_type": "mistral"},
    {"model": "gpt-4o", "api_key": os.environ["OPENAI_API_KEY"], "base_url": "https://api.groq.com/openai/v1"},
    {"model": "gpt-4o", "api_key": os.getenv("TOGETHER_API_KEY"), "api_type": "together"},
    {"model": "gpt-4o", "api_key": os.environ.get("FIREWORKS_API_KEY"), "tags": [f"sk-proj-Ff1Gg2Hh3Jj4Kk5Ll6Zz7Xx8Cc9VvT3BlbkFJb0Nn1Mm2Qq3"]},
]
token = os.environ["HF_TOKEN"]

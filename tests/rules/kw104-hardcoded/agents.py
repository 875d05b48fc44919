import os

from autogen import AssistantAgent

GROQ_API_KEY = "gsk_Qw3rTy8UiOp2AsDfGh5JkLzXcV7bNm1Qw3rTy8UiOp2AsDf"
os.environ["ANTHROPIC_API_KEY"] = "sk-ant-api03-Zx81hQmPq7Lr2Vn5Ws9Tb3Kc6Yd0Fe4GjT3Blbk"

config_list = [
    {"model": "gpt-4o", "api_key": "sk-proj-Zx81hQmPq7Lr2Vn5Ws9Tb3Kc6Yd0Fe4GjT3BlbkFJa1"},
    {"model": "gpt-4o", "api_key": "not-a-key"},
]

assistant = AssistantAgent("assistant", llm_config={"config_list": config_list})

from autogen import AssistantAgent, UserProxyAgent

assistant = AssistantAgent("assistant")

from autogen import AssistantAgent

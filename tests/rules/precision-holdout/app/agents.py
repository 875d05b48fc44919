try:
    from autogen_agentchat.agents import AssistantAgent
except ImportError:
    # Only where the 0.4 package is missing; the code is written for the first import.
    from autogen import AssistantAgent


def build(client):
    return AssistantAgent("assistant", model_client=client)

from autogen_ext.models.openai import OpenAIChatCompletionClient


def test_client():
    # A key that looks real is reported even in test code: it leaks all the same.
    client = OpenAIChatCompletionClient(model="gpt-4o", api_key="sk-proj-Q7vR2mX9kL4pT8wZ1cN6bH3jF5dS0gA2eU7iO4yK")
    assert client

import pytest
from autogen_ext.models.openai import OpenAIChatCompletionClient
from autogen_ext.models.anthropic import AnthropicChatCompletionClient


def test_dump():
    # A dummy key on a client that is only serialised.
    assert OpenAIChatCompletionClient(model="gpt-4o", api_key="api_key").dump_component()


def test_anthropic_mock():
    client = AnthropicChatCompletionClient(model="claude-3-5-sonnet-latest", api_key="sk-password")
    assert client is not None


def test_expected_config():
    expected = {
        "api_type": "azure",
        "model": "m",
        "api_key": "sk-mock0123456789fortestingonly",
        "base_url": "https://api.openai.com/v1",
    }
    assert build() == expected


def test_missing_key_raises():
    with pytest.raises(ValueError):
        OpenAIChatCompletionClient(model="gpt-4o")


def build():
    return {}

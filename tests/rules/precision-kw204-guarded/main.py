import os

from autogen_ext.models.openai import OpenAIChatCompletionClient


def guarded_raise():
    key = os.getenv("OPENAI_API_KEY")
    if not key:
        raise RuntimeError("set OPENAI_API_KEY")
    return OpenAIChatCompletionClient(model="gpt-4o", api_key=key)


def guarded_assert():
    key = os.getenv("OPENAI_API_KEY")
    assert key, "set OPENAI_API_KEY"
    return OpenAIChatCompletionClient(model="gpt-4o", api_key=key)


def guarded_or():
    key = os.getenv("OPENAI_API_KEY")
    return OpenAIChatCompletionClient(model="gpt-4o", api_key=key or "")


def presence_checked():
    if "OPENAI_API_KEY" not in os.environ:
        return None
    return OpenAIChatCompletionClient(model="gpt-4o", api_key=os.getenv("OPENAI_API_KEY"))


def unguarded():
    return OpenAIChatCompletionClient(model="gpt-4o", api_key=os.getenv("ANTHROPIC_KEY_FOR_OPENAI"))

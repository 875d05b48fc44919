import pytest
from autogen import AssistantAgent


def is_default(cfg):
    # Only compared: never used to make a call.
    if cfg in [{"config_list": [{"model": ""}]}]:
        return True
    return cfg == {"config_list": [{"model": "gpt-4o", "api_key": ""}]}


def check_rejects():
    with pytest.raises(ValueError):
        AssistantAgent("a", llm_config={"config_list": [{"model": "gpt-4o"}]})

"""Tests of the agent."""
from app import assistant


def test_name():
    assert assistant.name == "assistant"

"""Entry point: run with `make run`."""
from agents import assistant

if __name__ == "__main__":
    print(assistant.name)

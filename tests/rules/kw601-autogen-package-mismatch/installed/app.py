# pyautogen unpinned gives 0.10 today (no `autogen`), but this virtualenv has 0.2.35: it runs.
from autogen import AssistantAgent

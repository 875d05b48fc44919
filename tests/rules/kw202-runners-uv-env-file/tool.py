"""A script nothing runs through the Makefile."""
import os

print(os.environ["OPENAI_API_KEY"][:3])

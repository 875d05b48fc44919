import os

# Each name of the list is written.
for name in ["GROQ_API_KEY", "MISTRAL_API_KEY"]:
    os.environ[name] = os.environ.get("SHARED_KEY", "")

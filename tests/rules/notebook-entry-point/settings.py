import os

SERVICE_TOKEN = os.environ["SERVICE_TOKEN"]
TIMEOUT = 30

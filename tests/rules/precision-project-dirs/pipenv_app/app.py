import os

# Run with `pipenv run python app.py`: pipenv loads the .env beside the Pipfile.
TOKEN = os.environ["SEARCH_SERVICE_TOKEN"]

"""A class of the project's own that happens to be called OpenAI."""


class OpenAI:
    def __init__(self, api_key=None):
        self.api_key = api_key


class Client:
    pass


wrapper = OpenAI()
other = Client()

# A separate script: its write does not reach the other programs of this folder.
import os

os.environ["SERPER_API_KEY"] = os.environ.get("SERPER", "")

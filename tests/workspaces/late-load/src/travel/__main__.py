from dotenv import load_dotenv

from travel.agents import planner, user

load_dotenv()

user.initiate_chat(planner, message="Plan three days in Lisbon.")

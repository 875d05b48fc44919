from app.agents import assistant, user


def run() -> None:
    user.initiate_chat(assistant, message="Summarise today's news.")


if __name__ == "__main__":
    run()

from dotenv import load_dotenv

from agents.team import critic, writer

load_dotenv()


def main() -> None:
    print(critic, writer)


if __name__ == "__main__":
    main()

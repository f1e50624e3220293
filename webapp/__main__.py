"""Serve Border Atlas: python -m webapp (HOST and PORT from the environment)."""

import os

from webapp import create_app


def main() -> None:
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    create_app().run(host=host, port=port, threaded=True)


if __name__ == "__main__":
    main()

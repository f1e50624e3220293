"""Serve Border Atlas: python -m webapp (HOST, PORT and BORDER_ATLAS_STORE from the environment)."""

import os
from pathlib import Path

from webapp import create_app


def main() -> None:
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    config = {"STORE": Path(os.environ["BORDER_ATLAS_STORE"])} if os.environ.get("BORDER_ATLAS_STORE") else None
    create_app(config).run(host=host, port=port, threaded=True)


if __name__ == "__main__":
    main()

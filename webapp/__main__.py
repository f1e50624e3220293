"""Flask's development server: python -m webapp (HOST, PORT, BORDER_ATLAS_STORE/DATABASE from the environment).

`make run` serves with gunicorn instead (see the Makefile).
"""

import os

from webapp import create_app


def main() -> None:
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    create_app().run(host=host, port=port, threaded=True)


if __name__ == "__main__":
    main()

"""The app plus one static file, for `make bench`: the same gunicorn serves both (BENCH_STATIC = the file)."""

import os

from werkzeug.middleware.shared_data import SharedDataMiddleware

from webapp import create_app

application = SharedDataMiddleware(create_app(), {"/bench-static.json": os.environ["BENCH_STATIC"]})

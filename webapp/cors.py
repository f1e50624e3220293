"""Read-only CORS: a page or notebook on any other origin may read every answer (GET, HEAD) and ask first
(OPTIONS), without credentials. Everything the server holds is public and nothing it answers changes data."""

from __future__ import annotations

from flask import Flask, Response, request

METHODS = "GET, HEAD, OPTIONS"
# On every answer: any origin may read it, and these headers of it.
HEADERS = {
    "Access-Control-Allow-Origin": "*",  # `*` never goes with credentials: browsers send no cookies with it
    "Access-Control-Expose-Headers": "ETag, X-Data-Version, Content-Disposition, Retry-After",
}
# On the answer to a preflight (OPTIONS with Access-Control-Request-Method): what may follow it.
PREFLIGHT = {
    "Access-Control-Allow-Methods": METHODS,
    "Access-Control-Allow-Headers": "Accept, Accept-Language, If-None-Match, If-Modified-Since",
    "Access-Control-Max-Age": "86400",
}


def register(app: Flask) -> None:
    """Install the after-request hook that sets the headers."""

    @app.after_request
    def _cors(response: Response) -> Response:
        response.headers.update(HEADERS)
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            response.headers.update(PREFLIGHT)
        return response

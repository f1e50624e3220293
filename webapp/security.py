"""Security headers on every response: a Content-Security-Policy with a per-response nonce, and friends.

The map page's inline scripts (Folium's) carry the nonce; any other inline script, such as one a
payload in the data might smuggle in, is refused by the browser.
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, g, request

from webapp.vocabulary import TILES

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def _nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def nonce() -> str:
    """This response's CSP nonce, for a page's inline scripts (made on first use).

    A page that uses it is not cacheable: a 304 would pair the cached page with the new nonce of its
    CSP header, and the browser would refuse the page's scripts (webapp/caching.py sends `no-store`).
    """
    g.csp_nonce_used = True
    return _nonce()


def tile_hosts() -> str:
    """The origins of the online base maps the map page offers (and only those)."""
    return " ".join(host for _, host in TILES.values())


# The pages this origin may show in a frame of its own: the map, whose comparison of two moments puts two of it side
# by side (static/atlas/compare.js); every other page may be framed by none.
FRAMED_BY_SELF = {"mapview.page"}


def policy(script_nonce: str, tiles: str = "", framed: bool = False) -> str:
    """The Content-Security-Policy: this origin only; inline script only with the nonce; framed by none, or by this
    origin only (`framed`)."""
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{script_nonce}'",
        "style-src": "'self' 'unsafe-inline'",  # Leaflet positions tiles and markers with inline styles
        "img-src": f"'self' data: {tiles}".strip(),
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'self'" if framed else "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def register(app: Flask) -> None:
    """Install the after-request hook that sets the headers."""
    tiles = tile_hosts()

    @app.after_request
    def _add_headers(response: Response) -> Response:
        framed = request.endpoint in FRAMED_BY_SELF
        response.headers["Content-Security-Policy"] = policy(_nonce(), tiles, framed)
        if framed:
            response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

"""Where the links of an answer point: the configured public URL, or the request's own origin if its host is trusted.

Nothing a client sends shapes the links another client gets:
- `PUBLIC_URL` (BORDER_ATLAS_PUBLIC_URL, e.g. https://atlas.example.org/atlas): every link, the OpenAPI
  `servers`, the LPF ids and the figures' captions are built from it, whatever Host or forwarded headers say;
- without it, from the request's scheme and Host, and only for a host in `TRUSTED_HOSTS`
  (BORDER_ATLAS_TRUSTED_HOSTS, comma-separated; by default the loopback names): any other Host gets a 400;
- the path prefix (WSGI's SCRIPT_NAME) comes only from PUBLIC_URL, never from a request header a server
  may have copied it from;
- forwarded headers (X-Forwarded-For, -Proto, -Host, -Port, -Prefix) are read only when `PROXIES`
  (BORDER_ATLAS_PROXIES, how many proxies stand in front) is set, and only those named in `FORWARDED`
  (BORDER_ATLAS_FORWARDED), as werkzeug's ProxyFix reads them: the values the nearest proxies set.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

LOOPBACK = ["127.0.0.1", "localhost"]
# The forwarded headers that can be trusted, by the name BORDER_ATLAS_FORWARDED gives them -> ProxyFix's argument.
FORWARDED = {"for": "x_for", "proto": "x_proto", "host": "x_host", "port": "x_port", "prefix": "x_prefix"}
SCHEMES = {"http": "80", "https": "443"}


def parse_public_url(text: str) -> tuple[str, str, str]:
    """(scheme, host[:port], path prefix) of a public base URL; ValueError saying what is allowed."""
    parts = urlsplit(text.strip())
    if parts.scheme not in SCHEMES or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(
            f"BORDER_ATLAS_PUBLIC_URL was {text!r} but must be an http(s) URL with a host and an optional path, "
            "such as https://atlas.example.org or https://example.org/atlas"
        )
    return parts.scheme, parts.netloc, parts.path.rstrip("/")


def parse_forwarded(names) -> dict[str, int]:
    """The ProxyFix arguments for the forwarded headers named (for, proto, host, port, prefix)."""
    names = [n.strip() for n in names if n.strip()]
    unknown = sorted(set(names) - set(FORWARDED))
    if unknown:
        raise ValueError(f"BORDER_ATLAS_FORWARDED named {unknown}; allowed: {sorted(FORWARDED)}")
    return {FORWARDED[n]: 1 for n in names}


class _Public:
    """Every request as if it had come to the public URL (scheme, host and path prefix)."""

    def __init__(self, app, public_url: str):
        self.app = app
        self.scheme, self.netloc, self.prefix = parse_public_url(public_url)
        parts = urlsplit(public_url.strip())
        self.server = (parts.hostname, str(parts.port or SCHEMES[self.scheme]))

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if self.prefix and (path == self.prefix or path.startswith(self.prefix + "/")):
            environ["PATH_INFO"] = path[len(self.prefix) :]  # a proxy that passed the prefix on
        environ.update(
            {
                "wsgi.url_scheme": self.scheme,
                "HTTP_HOST": self.netloc,
                "SERVER_NAME": self.server[0],
                "SERVER_PORT": self.server[1],
                "SCRIPT_NAME": self.prefix,
            }
        )
        return self.app(environ, start_response)


class Origin:
    """The app's WSGI entry: the path prefix from no header, forwarded headers only as configured, the public URL."""

    def __init__(self, app, public_url: str | None, proxies: int, forwarded: dict[str, int]):
        inner = _Public(app, public_url) if public_url else app
        self.app = ProxyFix(inner, **{k: proxies * v for k, v in forwarded.items()}) if proxies else inner

    def __call__(self, environ, start_response):
        environ["SCRIPT_NAME"] = ""  # a server may have copied it from a request header (gunicorn's forwarder_headers)
        return self.app(environ, start_response)


def base_url(app: Flask) -> str:
    """The URL a page made once for every client is made under: the public URL, or a trusted host's root."""
    if app.config.get("PUBLIC_URL"):
        return app.config["PUBLIC_URL"]
    hosts = app.config.get("TRUSTED_HOSTS") or LOOPBACK
    return f"http://{hosts[0].lstrip('.')}/"


def register(app: Flask) -> None:
    """Wrap the app's WSGI entry; with a public URL, its host is the one the app answers for."""
    public = app.config.get("PUBLIC_URL")
    forwarded = parse_forwarded(app.config.get("FORWARDED") or [])
    if public:
        host = urlsplit(public).hostname
        app.config["TRUSTED_HOSTS"] = [host, *(app.config.get("TRUSTED_HOSTS") or [])]
    app.wsgi_app = Origin(app.wsgi_app, public, int(app.config.get("PROXIES") or 0), forwarded)

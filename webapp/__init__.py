"""Border Atlas web app: the map page (Folium), OGC API - Features, front-end assets."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from store.config import STORE

ROOT = Path(__file__).resolve().parent.parent
DEFAULTS = {
    "STORE": STORE,
    "ASSETS": ROOT / "node_modules",
    "JSON_SORT_KEYS": False,
    "DATABASE": None,  # postgresql://... selects the PostGIS engine
    "RELEASES": None,  # the releases directory (None: store.releases.beside(STORE))
    "PUBLIC_URL": None,  # the base URL every link is built from (webapp/origin.py)
    "TRUSTED_HOSTS": ["127.0.0.1", "localhost"],  # without PUBLIC_URL: the Host values links may be built from
    "PROXIES": 0,  # how many proxies in front whose forwarded headers are read (0: none)
    "FORWARDED": ["for", "proto"],  # which of them, when PROXIES is set: for, proto, host, port, prefix
}


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


# Environment variable -> (config key, how to read it); read by create_app, never at import.
ENVIRONMENT = {
    "BORDER_ATLAS_STORE": ("STORE", Path),
    "BORDER_ATLAS_DATABASE": ("DATABASE", str),
    "BORDER_ATLAS_RELEASES": ("RELEASES", Path),
    "BORDER_ATLAS_CONTRIBUTIONS": ("CONTRIBUTIONS", str),
    "BORDER_ATLAS_PUBLIC_URL": ("PUBLIC_URL", str),
    "BORDER_ATLAS_TRUSTED_HOSTS": ("TRUSTED_HOSTS", _names),
    "BORDER_ATLAS_PROXIES": ("PROXIES", int),
    "BORDER_ATLAS_FORWARDED": ("FORWARDED", _names),
}


def _from_environment() -> dict:
    return {key: read(os.environ[name]) for name, (key, read) in ENVIRONMENT.items() if os.environ.get(name)}


def create_app(config: dict | None = None) -> Flask:
    """Create the app; nothing is read or built until a request needs it.

    Configuration: DEFAULTS, then the environment (ENVIRONMENT: BORDER_ATLAS_STORE, BORDER_ATLAS_DATABASE,
    BORDER_ATLAS_PUBLIC_URL, ...), then `config`.
    """
    from webapp import (
        api,
        assets,
        caching,
        changes,
        charts,
        cite,
        cors,
        customs,
        downloads,
        errors,
        figure,
        incidents,
        limits,
        mapview,
        ogc,
        origin,
        pinned,
        places,
        regime,
        releases,
        security,
        statistics,
        store,
        texts,
        tours,
    )
    from webapp.contribute import web as contribute

    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.update(_from_environment())
    app.config.update(config or {})
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    pinned.register(app)  # inside origin's layer, which sets the script root first
    origin.register(app)
    errors.register(app)
    caching.register(app)
    security.register(app)
    cors.register(app)
    store.register(app)
    limits.register(app)
    app.register_blueprint(assets.bp)
    app.register_blueprint(mapview.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(ogc.bp)
    app.register_blueprint(downloads.bp)
    app.register_blueprint(places.bp)
    app.register_blueprint(incidents.bp)
    app.register_blueprint(regime.bp)
    app.register_blueprint(customs.bp)
    app.register_blueprint(statistics.bp)
    app.register_blueprint(charts.bp)
    app.register_blueprint(figure.bp)
    app.register_blueprint(texts.bp)
    app.register_blueprint(cite.bp)
    app.register_blueprint(releases.bp)
    app.register_blueprint(tours.bp)
    app.register_blueprint(changes.bp)
    contribute.register(app)  # templates always; sign-in, contribute and review only where accounts exist
    return app

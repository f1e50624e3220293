"""Border Atlas web app: the map page (Folium), OGC API - Features, front-end assets."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
DEFAULTS = {
    "STORE": ROOT / "data" / "build" / "atlas.gpkg",
    "ASSETS": ROOT / "node_modules",
    "JSON_SORT_KEYS": False,
}


def create_app(config: dict | None = None) -> Flask:
    """Create the app; nothing is read or built until a request needs it."""
    from webapp import (
        api,
        assets,
        charts,
        customs,
        downloads,
        errors,
        mapview,
        ogc,
        places,
        regime,
        security,
        statistics,
        store,
    )

    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.update(config or {})
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    errors.register(app)
    security.register(app)
    store.register(app)
    app.register_blueprint(assets.bp)
    app.register_blueprint(mapview.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(ogc.bp)
    app.register_blueprint(downloads.bp)
    app.register_blueprint(places.bp)
    app.register_blueprint(regime.bp)
    app.register_blueprint(customs.bp)
    app.register_blueprint(statistics.bp)
    app.register_blueprint(charts.bp)
    return app

"""The app's one store, opened on first use and reopened when the data build replaces it."""

from __future__ import annotations

from flask import current_app

from layers import GeoPackageStore, NotFound


def get_store() -> GeoPackageStore:
    """The store for this app; a rebuilt GeoPackage is picked up on the next request."""
    path = current_app.config["STORE"]
    if not path.exists():
        raise NotFound(f"the data has not been built yet: run `make data` to create {path}")
    mtime = path.stat().st_mtime_ns
    cached = current_app.extensions.get("atlas_store")
    if cached is None or cached[0] != mtime:
        cached = (mtime, GeoPackageStore(path))
        current_app.extensions["atlas_store"] = cached
        current_app.extensions.pop("atlas_map_html", None)
    return cached[1]

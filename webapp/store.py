"""The app's one store, opened on first use and reopened when the data build replaces it."""

from __future__ import annotations

from flask import Flask, Response, current_app, g, jsonify, render_template, request, url_for

from layers import GeoPackageStore, NotFound
from webapp import params


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
    g.atlas_store = cached[1]
    return cached[1]


def register(app: Flask) -> None:
    """Every answer drawn from the store says which build it comes from (`X-Data-Version`)."""

    @app.after_request
    def _data_version(response: Response) -> Response:
        if "atlas_store" in g:
            response.headers["X-Data-Version"] = g.atlas_store.version
        return response


def meta_view(key: str, template: str, title: str, endpoint: str, name: str, **extra):
    """A page of the build's metadata (quality report, tariff, statistics): JSON, or HTML as `name`."""
    params.check_known(request.args, {"f"})
    value = get_store().meta(key)
    if value is None:
        raise NotFound(f"this build has no {key.replace('_', ' ')}: run `make data`")
    if not params.wants_html():
        return jsonify(value)
    return render_template(template, title=title, json_url=url_for(endpoint, f="json"), **{name: value}, **extra)

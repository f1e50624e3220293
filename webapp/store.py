"""The app's one store, chosen by configuration: the GeoPackage (default) or PostGIS (`DATABASE` set).

The GeoPackage is reopened when the data build replaces the file; PostGIS when a load switches in a new atlas
(its data version changes). Either way the map page built from the old data is dropped.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g, jsonify, render_template, request, url_for

from layers import GeoPackageStore, NotFound
from webapp import params


def _gpkg_store(app: Flask):
    """The GeoPackage at STORE; a rebuilt file (new mtime) is opened again."""
    path = app.config["STORE"]
    if not path.exists():
        raise NotFound(f"the data has not been built yet: run `make data` to create {path}")
    return path.stat().st_mtime_ns, lambda: GeoPackageStore(path)


def _postgis_store(app: Flask):
    """The atlas in PostGIS at DATABASE; a new load (new data version) is opened again."""
    from layers.postgis import Database, PostGISStore

    database = app.extensions.get("atlas_database")
    if database is None:
        database = app.extensions["atlas_database"] = Database(app.config["DATABASE"])
    version = database.version()
    return version, lambda: PostGISStore(database, version)


ENGINES = {"gpkg": _gpkg_store, "postgis": _postgis_store}


def engine(app: Flask) -> str:
    """The engine the app's configuration selects: "postgis" when DATABASE is set, else "gpkg"."""
    return "postgis" if app.config.get("DATABASE") else "gpkg"


def get_store():
    """The store for this app (either engine has the same interface)."""
    app = current_app._get_current_object()
    key, open_store = ENGINES[engine(app)](app)
    cached = app.extensions.get("atlas_store")
    if cached is None or cached[0] != key:
        cached = (key, open_store(), {})  # the store, and what `per_build` derives from it
        app.extensions["atlas_store"] = cached
    g.atlas_store, g.atlas_derived = cached[1], cached[2]
    return cached[1]


def per_build(name: str, make):
    """`make(store)`, made once per data build and kept with the store (a new build starts afresh)."""
    store = get_store()
    derived = g.atlas_derived
    if name not in derived:
        derived[name] = make(store)
    return derived[name]


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

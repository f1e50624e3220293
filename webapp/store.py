"""The app's one store, chosen by configuration (store.selected): the GeoPackage (default) or PostGIS.

The GeoPackage is reopened when the data build replaces the file; PostGIS when a load switches in a new atlas
(its data version changes). Either way what was derived from the old data (`per_build`) is dropped.
"""

from __future__ import annotations

from flask import Response, current_app, g, has_request_context, jsonify, render_template, request, url_for

import store
from store.errors import NotFound
from webapp import params, pinned

CHOSEN = "border_atlas.store"  # the request's environ key of its store


def get_store():
    """The store of this request: the release a pinned URL names (webapp/pinned.py), else the app's store. Chosen
    once per request (kept in its environ): every part of an answer reads the same build."""
    memo = request.environ if has_request_context() else {}
    if CHOSEN not in memo:
        memo[CHOSEN] = _choose()
    g.atlas_store, g.atlas_derived = memo[CHOSEN]
    return g.atlas_store


def _choose() -> tuple:
    """(the store, what `per_build` derived from it) this request reads."""
    release = pinned.requested()
    if release is not None:
        return pinned.release_store(release)
    app = current_app._get_current_object()
    key, open_store = store.selected(app.config, app.extensions)
    cached = app.extensions.get("atlas_store")
    if cached is None or cached[0] != key:
        cached = (key, open_store(), {})  # the store, and what `per_build` derives from it
        app.extensions["atlas_store"] = cached
    return cached[1], cached[2]


def per_build(name: str, make):
    """`make(store)`, made once per data build and kept with the store (a new build starts afresh)."""
    current = get_store()
    derived = g.atlas_derived
    if name not in derived:
        derived[name] = make(current)
    return derived[name]


def register(app) -> None:
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

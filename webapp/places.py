"""Pages for the gazetteer: a page per place, the data-quality report, Linked Places Format."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request, url_for

from layers import lpf
from layers.registry import REGISTRY
from layers.schema import LEVELS
from store.errors import QueryError
from webapp import geojson, params
from webapp.mapurl import map_url
from webapp.store import get_store, meta_view

bp = Blueprint("places", __name__)
NAME_LABELS = {
    "name": "Source spelling",
    "name_ru": "Russian",
    "name_kk": "Kazakh",
    "name_zh": "Chinese",
    "modern_name": "Modern official name",
}


@bp.get("/places/<pid>")
def place_page(pid: str):
    """One place: every name, where it is and how we know, population, sources (HTML or f=json)."""
    params.check_known(request.args, {"f"})
    html = params.wants_html()
    store = get_store()
    feature = geojson.features(store.get("places", pid))[0]
    if not html:
        response = jsonify(feature)
        response.mimetype = "application/geo+json"
        return response
    props = feature["properties"]
    names = [(label, props.get(key)) for key, label in NAME_LABELS.items() if props.get(key)]
    return render_template(
        "place.html",
        title=props["name"],
        p=props,
        names=names,
        coords=feature["geometry"]["coordinates"] if feature["geometry"] else None,
        json_url=url_for("places.place_page", pid=pid, f="json"),
        map_url=map_url(place=pid),
        cite_url=url_for("cite.feature_citations", cid="places", fid=pid),
    )


@bp.get("/quality")
def quality_page():
    """The data-quality report of the last build: findings to look at, not errors."""
    titles = {cid: module.TITLE for cid, module in REGISTRY.items()}  # layers by name, not by id
    held = (get_store().meta("texts") or {}).values()
    records_only = [d for d in held if d["shipped"] == "record"]  # no text held: nothing to account for
    return meta_view(
        "quality", "quality.html", "Data quality", "places.quality_page", "q", levels=LEVELS, titles=titles,
        records_only=records_only,
    )  # fmt: skip


@bp.get("/collections/places/lpf")
def linked_places():
    """The gazetteer as Linked Places Format (GeoJSON-LD) for the World Historical Gazetteer."""
    params.check_known(request.args, {"f"})
    if request.args.get("f", "json") != "json":
        raise QueryError("f", f"{request.args['f']!r} is not served here; allowed: ['json']")
    store = get_store()
    base = url_for("api.items", cid="places", _external=True) + "/"
    response = jsonify(lpf.feature_collection(store.frame("places"), base, store.basemap()))
    response.mimetype = "application/geo+json"
    return response

"""A page per incident: a short record in a historian's words (HTML, or the feature with f=json)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request, url_for

from layers.dates import overlaps, parse_partial
from layers.incidents import SUBTYPES
from layers.schema import DEFAULT_YEAR, LEVELS
from layers.words import when
from store.errors import NotFound
from webapp import geojson, params
from webapp.mapurl import map_url
from webapp.store import get_store

bp = Blueprint("incidents", __name__)


@bp.get("/incidents/<iid>")
def incident_page(iid: str):
    """One incident: when (as the source words it), where (with the level), what happened, who, counts, sources."""
    params.check_known(request.args, {"f"})
    store = get_store()
    feature = geojson.features(store.get("incidents", iid))[0]
    if not params.wants_html():
        response = jsonify(feature)
        response.mimetype = "application/geo+json"
        return response
    props = feature["properties"]
    year = parse_partial(props["start"])[0].year if props.get("start") else DEFAULT_YEAR
    return render_template(
        "incident.html",
        title=props["name"],
        p=props,
        what=SUBTYPES.get(props.get("subtype") or "", ""),
        when=when(props.get("start"), props.get("end"), props.get("date_precision")),
        level=LEVELS.get(props.get("where_prec") or "unlocated"),
        unit=unit_ref(store, props.get("unit"), props.get("start")),
        place=place_ref(store, props.get("location_place")),
        area=area_ref(store, props.get("area_id")),
        json_url=url_for("incidents.incident_page", iid=iid, f="json"),
        map_url=map_url(year=(year, year), sel=iid),
        cite_url=url_for("cite.feature_citations", cid="incidents", fid=iid),
    )


def unit_ref(store, unit_id: str | None, when: str | None) -> dict | None:
    """{name, url} of a border-guard unit by the name it had at the date `when`, or None."""
    if not unit_id:
        return None
    units = store.frame("outposts")
    rows = units[units["unit_id"] == unit_id]
    if rows.empty:
        return {"name": unit_id, "url": None}
    return {
        "name": name_at(rows.iloc[0], when),
        "url": url_for("api.items", cid="outposts", unit_id=unit_id, f="html"),
    }


def name_at(unit, when: str | None) -> str:
    """The name a unit had at a (partial) date: the last of its names in force then, else its name."""
    if not when:
        return unit["name"]
    day = parse_partial(when)[0]
    named = [n for n in unit["names_by_period"] or [] if overlaps(n.get("start"), n.get("end"), day, day)]
    return named[-1]["name"] if named else unit["name"]


def place_ref(store, pid: str | None) -> dict | None:
    """{name, url} of a gazetteer place, or None."""
    if not pid:
        return None
    try:
        row = store.get("places", pid).iloc[0]
    except NotFound:
        return {"name": pid, "url": None}
    return {"name": row["name"], "url": url_for("places.place_page", pid=pid)}


def area_ref(store, area_id: str | None) -> dict | None:
    """{name, basis, rule, url} of an area of possibility, or None."""
    if not area_id:
        return None
    row = store.get("areas", area_id).iloc[0]
    return {
        "name": row["name"],
        "basis": row["location_basis"],
        "rule": row["rule"]["text"],
        "url": url_for("api.item", cid="areas", fid=area_id, f="html"),
    }

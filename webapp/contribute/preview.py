"""A submission's staged records as the map draws them: built by the layers' own builders, as GeoJSON.

Never stored: the preview is made per request from the records a check kept, beside the published atlas.
"""

from __future__ import annotations

from layers import citations, customs, incidents, outposts, placenames, places
from webapp import geojson


def _lonlat(records: list[dict]) -> dict:
    return {p["id"]: (p["lon"], p["lat"], p.get("precision_m")) if placenames.located(p) else None for p in records}


def _names(records: list[dict]) -> dict:
    return {p["id"]: p["name"] for p in records}


# layer -> its builder, given (records, the gazetteer in source form, the context)
BUILDERS = {
    "incidents": lambda rs, ps, c: incidents.build(rs, ps, c.border_line, c.frame("areas")),
    "places": lambda rs, ps, c: places.build(rs, c.frame("areas")),
    "units": lambda rs, ps, c: outposts.build(rs, _lonlat(ps), _names(ps)),
    "customs": lambda rs, ps, c: customs.build(rs, _lonlat(ps), _names(ps)),
}


def staged_features(submission: dict, context) -> dict:
    """{"collection", "features"} of a submission's staged records (migration flows are not drawn)."""
    staged = submission.get("records") or []
    added = [s["record"] for s in staged if s["layer"] == "places"]
    gazetteer = context.place_records + [p for p in added if p["id"] not in context.places_by_id]
    out = []
    for layer in dict.fromkeys(s["layer"] for s in staged):
        if layer not in BUILDERS:
            continue
        records = [s["record"] for s in staged if s["layer"] == layer]
        frame = BUILDERS[layer](records, gazetteer, context)
        frame = frame.assign(contributor=submission["contributor"], submission=submission["name"], staged=True)
        frame["sources"] = [citations.resolve_all(v) for v in frame["sources"]]
        collection = LAYER_COLLECTIONS[layer]
        out += [f | {"collection": collection} for f in geojson.features(frame) if f.get("geometry")]
    return {"type": "FeatureCollection", "collection": "staged", "features": out}


LAYER_COLLECTIONS = {"incidents": "incidents", "places": "places", "units": "outposts", "customs": "customs"}

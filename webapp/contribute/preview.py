"""A submission's staged records as the map draws them: built by the layers' own builders, as GeoJSON.

Never stored: the preview is made per request from the records a check kept, beside the published atlas. It says
how many of them are the file's rows and which are new places of the gazetteer that choices make, and the years
the preview opens on (the records' own).
"""

from __future__ import annotations

from evidence import citations
from layers import customs, incidents, outposts, placenames, places
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
    made = [_made(s["record"]) for s in staged if s["layer"] != submission.get("layer")]
    return {"type": "FeatureCollection", "collection": "staged", "features": out, "staged": len(staged),
            "rows": len(staged) - len(made), "new_places": made}  # fmt: skip


def _made(place: dict) -> str:
    """A new place of the gazetteer in words: its name, and where its point came from."""
    return place["name"] + (f" (GeoNames {place['geonames_id']})" if place.get("geonames_id") else "")


def staged_years(submission: dict, years: tuple[int, int]) -> str | None:
    """The years of the submission's dated records as the map's period (`1928-1931`), within the atlas's years."""
    found = [int(str(r["record"][k])[:4]) for r in submission.get("records") or [] for k in ("start", "end")
             if str(r["record"].get(k) or "")[:4].isdigit()]  # fmt: skip
    if not found:
        return None
    low, high = max(min(found), years[0]), min(max(found), years[1])
    return None if low > high else (str(low) if low == high else f"{low}-{high}")


LAYER_COLLECTIONS = {"incidents": "incidents", "places": "places", "units": "outposts", "customs": "customs"}

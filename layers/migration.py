"""The `migration` layer: flows of people between areas by period, with counts and who gave them (seed 003).

Areas are anchored at a gazetteer place (or an editor's lon/lat where the gazetteer has none), always
flagged approximate: a line joins two anchors to show a movement between areas, not a route. A flow to
several areas at once (the figure not split by destination) is a MultiLineString.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
from shapely.geometry import LineString, MultiLineString

from layers import schema
from layers.errors import DataError
from layers.outposts import read_place_ids
from layers.placenames import located
from layers.sources import (
    LINE,
    check_citations,
    check_fields,
    check_period,
    check_place,
    check_range,
    check_unique,
    entries,
    load_yaml,
    strip_lines,
)

TITLE = "Migration"
DESCRIPTION = (
    "Flows of people between the Kazakh republic, Xinjiang and neighbouring regions, 1916–1939: emigration, "
    "repatriation, return, and the numbers present at the destination, each with its period, its counts "
    "(ranges kept as ranges), the authority that gave the figure, and the passage it comes from (Ablazhey "
    "and Zhanbossinova 2026). Each end of a line stands for a whole area: a line is not a route."
)
FILE = "migration.yaml"
KINDS = {
    "emigration": "Emigration",
    "repatriation": "Repatriation",
    "return": "Return migration",
    "presence": "Number present at the destination (a stock, not a flow)",
}
AREA_FIELDS = ({"id", "name", "kind", "radius_m", "approximate", "note"}, {"place", "lonlat"})
FLOW_FIELDS = (
    {"id", "from", "to", "start", "end", "date_precision", "people", "households", "authority", "kind", "text",
     "sources"},
    {"ratio_of_emigration", "note", "who"},
    {"from": ("text", "null"), "to": ("text", "texts")},  # area ids
)  # fmt: skip
EXTRA_COLUMNS = [
    "from_area", "to_areas", "kind", "kind_label", "who", "people", "households", "ratio_of_emigration",
    "authority", "text", "approximate_geometry", "note",
]  # fmt: skip
# Columns holding lists or mappings (stored as JSON text).
JSON_COLUMNS = {"to_areas", "people", "households", "ratio_of_emigration"}


def read_migration(sources: Path) -> tuple[list[dict], list[dict]]:
    """(areas, flows) from data/sources/migration.yaml, validated; DataError (file, line, id, reason) on a fault."""
    path = sources / FILE
    data = load_yaml(path)
    check_fields(path, data, {"areas", "flows"}, set())
    places = read_place_ids(sources)
    areas, flows = entries(path, data, "areas"), entries(path, data, "flows")
    check_unique(path, areas + flows)
    for area in areas:
        _check_area(path, area, places)
    area_ids = {a["id"] for a in areas}
    for flow in flows:
        _check_flow(path, flow, area_ids)
    return strip_lines(areas), strip_lines(flows)


def check_record(path: Path, flow: dict, area_ids: set[str]) -> None:
    """One flow against the areas (contributed records are checked with it)."""
    _check_flow(path, flow, area_ids)


def build(records: tuple[list[dict], list[dict]], places_records: list[dict]) -> gpd.GeoDataFrame:
    """The flows as (Multi)LineString features from the origin's anchor to the destination anchor(s).

    A flow with no origin (a stock at the destination) or an unlocated anchor has a None geometry.
    """
    areas, flows = records
    anchors = {a["id"]: _anchor(a, {p["id"]: p for p in places_records}) for a in areas}
    rows, geometries = [], []
    for flow in flows:
        targets = _targets(flow)
        start = anchors.get(flow["from"])
        ends = [anchors[t] for t in targets]
        lines = [LineString([start, end]) for end in ends if start and end and start != end]
        if start is None or not lines:
            geometry = None
        else:
            geometry = lines[0] if len(lines) == 1 else MultiLineString(lines)
        radii = [a["radius_m"] for a in areas if a["id"] in [flow["from"], *targets]]
        names = {a["id"]: _short(a["name"]) for a in areas}
        rows.append(_row(flow, targets, max(radii) if radii else None, geometry is not None, names))
        geometries.append(geometry)
    return schema.frame(rows, geometries, EXTRA_COLUMNS)


# --- private -------------------------------------------------------------------------------------


def _targets(flow: dict) -> list[str]:
    return flow["to"] if isinstance(flow["to"], list) else [flow["to"]]


def _check_area(path: Path, area: dict, places: set[str]) -> None:
    check_fields(path, area, *AREA_FIELDS)
    line, ident = area[LINE], area["id"]
    if (area.get("place") is None) == (area.get("lonlat") is None):
        raise DataError(path, line, ident, "an area needs exactly one anchor: `place` or `lonlat`")
    check_place(path, line, ident, area.get("place"), places, what="anchor place")
    lonlat = area.get("lonlat")
    if lonlat is not None and not (
        isinstance(lonlat, list) and len(lonlat) == 2 and -180 <= lonlat[0] <= 180 and -90 <= lonlat[1] <= 90
    ):
        raise DataError(path, line, ident, f"lonlat must be [lon, lat], not {lonlat!r}")
    if area["approximate"] is not True:
        raise DataError(path, line, ident, "an area anchor is always approximate: set `approximate: true`")


def _check_flow(path: Path, flow: dict, area_ids: set[str]) -> None:
    check_fields(path, flow, *FLOW_FIELDS)
    line, ident = flow[LINE], flow["id"]
    if flow["kind"] not in KINDS:
        raise DataError(path, line, ident, f"kind {flow['kind']!r} is not one of {list(KINDS)}")
    targets = _targets(flow)
    for area in [flow["from"], *targets]:
        if area is not None and area not in area_ids:
            raise DataError(path, line, ident, f"area {area!r} is not in `areas`")
    if not targets or None in targets:
        raise DataError(path, line, ident, "`to` must name an area")
    if flow["from"] is None and flow["kind"] != "presence":
        raise DataError(path, line, ident, "only a `presence` (stock) may have no `from` area")
    if flow["kind"] == "presence" and not flow.get("who"):
        raise DataError(path, line, ident, "a `presence` (stock) must say whom it counts: `who` (Kazakhs, Russians...)")
    check_period(path, line, ident, flow)
    for key in ("people", "households", "ratio_of_emigration"):
        if flow.get(key) is not None:
            check_range(path, line, ident, flow[key], key)
    check_citations(path, ident, flow)


def _anchor(area: dict, places: dict) -> tuple[float, float] | None:
    if area.get("lonlat") is not None:
        return tuple(area["lonlat"])
    place = places.get(area["place"])
    if place is None:
        raise DataError(FILE, None, area["id"], f"anchor place {area['place']!r} has no entry in the places layer")
    return (float(place["lon"]), float(place["lat"])) if located(place) else None


def _short(name: str) -> str:
    """An area's name without its explanation: "Xinjiang (Western China, the province)" -> "Xinjiang"."""
    return name.split(" (", maxsplit=1)[0]


def _label(flow: dict, targets: list[str], names: dict[str, str]) -> str:
    """A flow's name from whom it counts and its areas' names: "Emigration of Kazakhs: Kazakh ASSR → China",
    "Emigration: Kazakh ASSR → Xinjiang", "Kazakhs present in Ili District"."""
    to, who = ", ".join(names[t] for t in targets), flow.get("who")
    if flow["kind"] == "presence":
        return f"{who} present in {to}" + (f" (from {names[flow['from']]})" if flow["from"] else "")
    return f"{KINDS[flow['kind']]}{f' of {who}' if who else ''}: {names[flow['from']]} → {to}"


def _row(flow: dict, targets: list[str], radius, is_located: bool, names: dict[str, str]) -> dict:
    return {
        **{k: flow.get(k) for k in ("id", "start", "end", "date_precision", "sources", "authority", "text")},
        **{k: flow.get(k) for k in ("people", "households", "ratio_of_emigration", "note", "who")},
        "name": _label(flow, targets, names),
        "variants": [],
        "precision_m": radius,
        "location_basis": "each end stands for a whole area, drawn at one point of it; the line is not a route"
        if is_located
        else "not drawn: no origin area or an unlocated anchor",
        "from_area": flow["from"],
        "to_areas": targets,
        "kind": flow["kind"],
        "kind_label": KINDS[flow["kind"]],
        "approximate_geometry": True,
    }

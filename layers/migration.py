"""The `migration` layer: flows of people between areas by period, with counts and who gave them (seed 003).

A flow goes from the area its origin names to the area (or areas) its destination names (layers/flow_areas.py):
a curve between the areas' representative points, schematic (the route is not known), passing through the
crossing sector where the text names one (`via`, an area of possibility of areas.yaml), and ending at the border
where the crossing was stopped (`outcome: stopped`). A total whose split by destination is not given is one
flow to several areas (a MultiLineString, `split`). A stock (`kind: presence`, people counted in an area) is
never an arrow: its geometry is its area's outline.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import MultiLineString, Point

from geo import flows as curves
from layers import flow_areas, schema, when
from layers.errors import DataError
from layers.outposts import read_place_ids
from layers.sources import (
    LINE,
    check_citations,
    check_fields,
    check_period,
    check_range,
    check_unique,
    entries,
    load_yaml,
    read_entries,
    strip_lines,
)
from layers.words import count_words

TITLE = "Migration"
DESCRIPTION = (
    "Flows of people between the Kazakh republic, Xinjiang and neighbouring regions: emigration, repatriation, "
    "return, and the numbers present in an area, each with its period, its counts (ranges kept as ranges), the "
    "authority that gave the figure, and the passage it comes from (Ablazhey and Zhanbossinova 2026). A flow "
    "goes from area to area (the areas' outlines are in the `areas` collection): its line is schematic, the route "
    "unknown unless the text gives it. A stock is drawn as its area, never as an arrow."
)
FILE = "migration.yaml"
SECTORS_FILE = "areas.yaml"  # the crossing sectors a flow may pass through (`via`): the areas of possibility
KINDS = {
    "emigration": "Emigration",
    "repatriation": "Repatriation",
    "return": "Return migration",
    "presence": "Number present in an area (a stock, not a flow)",
}
OUTCOMES = {"stopped": "stopped at the border"}
SCHEMATIC = "a schematic line from area to area: the route is unknown unless the text gives it"  # legends say it
FLOW_FIELDS = (
    {"id", "from", "to", "start", "end", "date_precision", "people", "households", "authority", "kind", "text",
     "sources"},
    {"ratio_of_emigration", "note", "who", "via", "outcome", "ends", "date_text", "when"},
    {"from": ("text", "null"), "to": ("text", "texts"), "via": ("text", "null"), "outcome": ("text", "null"),
     "ends": ("text", "null")},  # area ids, the crossing sector, what became of it, why these areas
)  # fmt: skip
EXTRA_COLUMNS = [
    "from_area", "to_areas", "via_area", "area_id", "kind", "kind_label", "who", "people", "households",
    "ratio_of_emigration", "authority", "text", "ends", "outcome", "date_text", "direction", "split", "count_unit",
    "count", "count_low", "count_high", "count_open", "figure_text", "label_lon", "label_lat", "label_row",
    "approximate_geometry", "note", "when",
]  # fmt: skip
# Columns holding lists or mappings (stored as JSON text).
JSON_COLUMNS = {"to_areas", "people", "households", "ratio_of_emigration"}
# Whom a flow crosses to, by the sides of its ends (flow_areas.SIDES): the chart's directions.
DIRECTIONS = {
    ("USSR", "abroad"): "Out of the USSR",
    ("USSR", "both"): "Out of the republic, to the USSR and abroad",
    ("USSR", "USSR"): "Within the USSR",
    ("abroad", "USSR"): "Into the USSR",
    ("abroad", "abroad"): "Abroad",
    (None, "USSR"): "Present in the USSR (a stock)",
    (None, "abroad"): "Present abroad (a stock)",
}


def read_migration(sources: Path) -> tuple[list[dict], list[dict]]:
    """(areas, flows) from data/sources/migration.yaml, validated; DataError (file, line, id, reason) on a fault."""
    path = sources / FILE
    data = load_yaml(path)
    check_fields(path, data, {"areas", "flows"}, set())
    places = read_place_ids(sources)
    sectors = {a["id"] for a in read_entries(sources / SECTORS_FILE, "areas")}
    countries = set(flow_areas.outline_countries())
    areas, flows = entries(path, data, "areas"), entries(path, data, "flows")
    check_unique(path, areas + flows)
    earlier: set[str] = set()
    for area in areas:
        flow_areas.check_area(path, area, places, earlier, countries)
        earlier.add(area["id"])
    for flow in flows:
        _check_flow(path, flow, earlier, sectors)
        if flow["kind"] != "presence" and not str(flow.get("ends") or "").strip():
            raise DataError(path, flow[LINE], flow["id"], "`ends` must say which passage names each end and why")
    return strip_lines(areas), strip_lines(flows)


def check_record(path: Path, flow: dict, area_ids: set[str]) -> None:
    """One flow against the areas (contributed records are checked with it; the build checks `via`)."""
    _check_flow(path, flow, area_ids, None)


def build(records: tuple[list[dict], list[dict]], places_records: list[dict], sectors, border, reference: Path):
    """(the flows, the areas they name): the flows as curves between their areas (or a stock as its area's
    outline), and the areas as rows of the `areas` layer.

    Parameters
    ----------
    records : from `read_migration`
    places_records : the gazetteer (the circles' centres)
    sectors : the built areas of possibility (a flow's `via` is one of them)
    border : the border line (lon/lat), where a crossing is drawn
    reference : data/reference (the outline map)
    """
    areas, flows = records
    built = flow_areas.build(areas, {p["id"]: p for p in places_records}, reference).set_index("id", drop=False)
    points = {aid: Point(row["marker_lon"], row["marker_lat"]) for aid, row in built.iterrows()}
    sides = dict(zip(built["id"], built["side"], strict=True))
    names = {a["id"]: _short(a["name"]) for a in areas}
    rows, geometries, pairs = [], [], {}
    for flow in flows:
        targets = _targets(flow)
        geometry, label = _geometry(flow, targets, points, built, (sectors.set_index("id"), border, pairs))
        rows.append(_row(flow, targets, names, _direction(flow, targets, sides), label))
        geometries.append(geometry)
    _number_labels(rows)
    frame = schema.frame(rows, geometries, EXTRA_COLUMNS)
    for column in ("start", "end", "date_precision"):  # undated stays None (not NaN) where it is copied on
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame, built.reset_index(drop=True)


def users(frame: gpd.GeoDataFrame) -> dict[str, list[dict]]:
    """Area id -> [{collection, id, name, start, end}] of the flows that start or end in it (stocks: `area_id`)."""
    out: dict[str, list[dict]] = {}
    for row in frame[frame["kind"] != "presence"].to_dict("records"):
        for area in [row["from_area"], *(row["to_areas"] or [])]:
            entry = {"collection": "migration", **{k: row.get(k) for k in ("id", "name", "start", "end")}}
            out.setdefault(area, []).append(entry)
    return out


# --- private -------------------------------------------------------------------------------------


def _targets(flow: dict) -> list[str]:
    return flow["to"] if isinstance(flow["to"], list) else [flow["to"]]


def _check_flow(path: Path, flow: dict, area_ids: set[str], sectors: set[str] | None) -> None:
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
    _check_kind(path, flow, targets, sectors)
    check_period(path, line, ident, flow)
    when.check_record(path, line, ident, flow)
    for key in ("people", "households", "ratio_of_emigration"):
        if flow.get(key) is not None:
            check_range(path, line, ident, flow[key], key)
    check_citations(path, ident, flow)


def _check_kind(path: Path, flow: dict, targets: list[str], sectors: set[str] | None) -> None:
    """A stock is counted in one area (no origin, never an arrow); a flow has an origin; a stopped crossing
    names the sector it was stopped in."""
    line, ident, stock = flow[LINE], flow["id"], flow["kind"] == "presence"
    if stock and (flow["from"] is not None or len(targets) != 1 or flow.get("via") or flow.get("outcome")):
        raise DataError(path, line, ident, "a `presence` (stock) is counted in one area: no `from`, `via` or `outcome`")
    if not stock and flow["from"] is None:
        raise DataError(path, line, ident, "only a `presence` (stock) may have no `from` area")
    if stock and not flow.get("who"):
        raise DataError(path, line, ident, "a `presence` (stock) must say whom it counts: `who` (Kazakhs, Russians...)")
    if flow.get("outcome") is not None and flow["outcome"] not in OUTCOMES:
        raise DataError(path, line, ident, f"outcome {flow['outcome']!r} is not one of {list(OUTCOMES)}")
    if flow.get("outcome") == "stopped" and not flow.get("via"):
        raise DataError(path, line, ident, "a crossing stopped at the border must name its sector: `via`")
    if sectors is not None and flow.get("via") is not None and flow["via"] not in sectors:
        raise DataError(path, line, ident, f"via {flow['via']!r} is not an area of {SECTORS_FILE}")


def _geometry(flow: dict, targets: list[str], points: dict, areas, context) -> tuple:
    """(the flow's lines or the stock's outline, the point its label goes at), or (None, None) for a stock the
    source gives no year (it cannot be put on the map of any year). `context`: the crossing sectors, the border,
    and how many flows were drawn between each pair of areas (each further one is bent more)."""
    if flow["kind"] == "presence":
        area = targets[0]
        return (shapely.boundary(areas.loc[area, "geometry"]), points[area]) if flow["start"] else (None, None)
    start, (sectors, border, pairs) = points[flow["from"]], context
    sector = sectors.loc[flow["via"], "geometry"] if flow.get("via") else None
    if flow.get("outcome") == "stopped":
        return curves.arc(start, curves.crossing(border, sector, start)), None
    parts = []
    for target in targets:
        end, drawn = points[target], pairs.get((flow["from"], target), 0)
        pairs[(flow["from"], target)] = drawn + 1
        via = None if sector is None else curves.crossing(border, sector, curves.chord_middle(start, end))
        parts.append(curves.arc(start, end, via=via, bend=curves.BEND + drawn * curves.BEND_STEP))
    return (parts[0], None) if len(parts) == 1 else (MultiLineString(parts), start)


def _direction(flow: dict, targets: list[str], sides: dict[str, str]) -> str:
    def side(area):
        return "USSR" if sides[area] == "USSR" else "abroad"

    to = {side(t) for t in targets}
    return DIRECTIONS[(side(flow["from"]) if flow["from"] else None, to.pop() if len(to) == 1 else "both")]


def _drawn_count(flow: dict) -> dict:
    """The figure a flow is drawn by: people if given (households then are part of them), else households."""
    for unit in ("people", "households"):
        value = flow.get(unit) or {}
        numbers = [value.get(k) for k in ("low", "best", "high")]
        if any(n is not None for n in numbers):
            low, best, high = numbers
            count = next(n for n in (best, low, high) if n is not None)
            open_ended = high is None and low is not None and best in (None, low)
            return {"count_unit": unit, "count": count, "count_low": low if low is not None else count,
                    "count_high": high, "count_open": open_ended}  # fmt: skip
    return {"count_unit": None, "count": None, "count_low": None, "count_high": None, "count_open": False}


def _figure_text(flow: dict) -> str:
    """Every figure of a flow in words: "at least 400,000 people (286,000 households)"."""
    people, households = count_words(flow.get("people")), count_words(flow.get("households"))
    ratio = (flow.get("ratio_of_emigration") or {}).get("high")
    parts = [f"{people} people" if people else None, f"{households} households" if households else None]
    text = " (".join(p for p in parts if p) + (")" if people and households else "")
    if not text and ratio is not None:
        text = f"at most {ratio:.0%} of those who emigrated"
    return text or "no figure given"


def _short(name: str) -> str:
    """An area's name without its explanation: "Xinjiang (Western China, the province)" -> "Xinjiang"."""
    return name.split(" (", maxsplit=1)[0]


def _label(flow: dict, targets: list[str], names: dict[str, str]) -> str:
    """A flow's name from whom it counts and its areas' names: "Emigration of Kazakhs: Kazakh ASSR → China",
    "Emigration: Zaysan district → the border (stopped)", "Kazakhs present in Ili District"."""
    to, who = ", ".join(names[t] for t in targets), flow.get("who")
    if flow["kind"] == "presence":
        return f"{who} present in {to}"
    if flow.get("outcome"):
        to = f"{to} ({OUTCOMES[flow['outcome']]})"
    return f"{KINDS[flow['kind']]}{f' of {who}' if who else ''}: {names[flow['from']]} → {to}"


def _basis(flow: dict, split: bool) -> str:
    if flow["kind"] == "presence":
        if not flow["start"]:
            return "a stock with no year in the source: not drawn on the map of any year"
        return "a stock, drawn as the outline of the area it was counted in, never as an arrow"
    basis = "each end stands for a whole area, drawn at its middle; the line is schematic, the route unknown"
    if flow.get("via"):
        basis += "; it crosses the border in the sector the text names"
    if flow.get("outcome") == "stopped":
        basis += ", where it ends: the crossing was stopped there"
    return basis + ("; one total whose split by destination is not given" if split else "")


def _row(flow: dict, targets: list[str], names: dict[str, str], direction: str, label) -> dict:
    split = flow["kind"] != "presence" and len(targets) > 1
    keys = ("id", "start", "end", "date_precision", "sources", "authority", "text", "ends", "outcome", "date_text")
    return {
        **{k: flow.get(k) for k in keys},
        **{k: flow.get(k) for k in ("people", "households", "ratio_of_emigration", "note", "who", "when")},
        **_drawn_count(flow),
        "name": _label(flow, targets, names),
        "variants": [],
        "precision_m": None,
        "location_basis": _basis(flow, split),
        "from_area": flow["from"],
        "to_areas": targets,
        "via_area": flow.get("via"),
        "area_id": targets[0] if flow["kind"] == "presence" else None,
        "kind": flow["kind"],
        "kind_label": KINDS[flow["kind"]],
        "direction": direction,
        "split": split,
        "figure_text": _figure_text(flow),
        "label_lon": label.x if label is not None else None,
        "label_lat": label.y if label is not None else None,
        "approximate_geometry": True,
    }


def _number_labels(rows: list[dict]) -> None:
    """Labels at one point (the stocks of one area, the split flows of one origin) go one under another."""
    taken: dict[tuple, int] = {}
    for row in sorted(rows, key=lambda r: (r["start"] or "", r["id"])):
        if row["label_lon"] is None:
            row["label_row"] = None
            continue
        key = (round(row["label_lon"], 4), round(row["label_lat"], 4))
        row["label_row"] = taken.get(key, 0)
        taken[key] = row["label_row"] + 1

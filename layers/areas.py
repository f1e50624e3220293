"""The `areas` layer: areas of possibility, the polygons seed 003 constrains unplaced features to.

Each area is a rule in data/sources/areas.yaml (a stretch of border between two anchors, a depth,
optionally an inner depth and a place's circle), rebuilt by geo/areas.py at every build. Places, units
and incidents name the area they lie in (`area_id`); their marker goes to a point inside it.

Where an area's marker stands (`marker_in`): inside the area, off the border line, at the middle of its depth
(between `inner_m` and `depth_m`) and as near as that allows to the middle of the stretch of border the area
actually runs along; never within MARKER_APART_M of another area's marker, so that two areas never share one.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import Point
from shapely.ops import nearest_points, substring

import geo
from geo import areas as geo_areas
from layers import schema
from layers.errors import DataError
from layers.sources import LINE, check_citations, check_fields, check_number, read_entries

TITLE = "Areas of possibility"
DESCRIPTION = (
    "The areas the sources constrain a place or an incident to when they give no point: a stretch of the "
    "border zone (the 7.5 km zone of a province, a border unit's zone of responsibility, a line at a stated "
    "distance from the border). Each carries the rule that rebuilds it and the passages it rests on; "
    "places and incidents refer to it by `area_id`."
)
FILE = "areas.yaml"
FIELDS = (
    {"id", "name", "from", "to", "depth_m", "basis", "sources"},
    {"inner_m", "within"},
    {"from": ("text", "mapping"), "to": ("text", "mapping")},  # a line end or {place, km}
)
LINE_ENDS = {"start": lambda length: 0.0, "end": lambda length: length}
# Place levels an anchor or a `within` circle may rest on: a point, never another area.
ANCHOR_LEVELS = ("exact", "near", "feature", "district")
EXTRA_COLUMNS = ["rule", "depth_m", "inner_m", "within", "marker_lon", "marker_lat", "marker_radius_m", "used_by"]
JSON_COLUMNS = {"rule", "used_by"}  # columns holding lists or mappings (stored as JSON text)
MARKER_APART_M = 2_000.0  # two areas' markers are at least this far apart: a map never shows them as one
WINDOW_M = 50_000.0  # how far along the line either side of the middle a marker is looked for first
REACH_SAMPLES = 2_000  # at most this many vertices of the stretch are tested for the area's reach


def read_areas(sources: Path) -> list[dict]:
    """Read and validate data/sources/areas.yaml; raise DataError naming file, line, id and reason."""
    path = sources / FILE
    records = read_entries(path, "areas")
    for record in records:
        _check(path, record)
    return records


def build(records: list[dict], places: dict[str, dict], line_metric, land_metric) -> gpd.GeoDataFrame:
    """The areas as polygons in the common schema.

    Parameters
    ----------
    records : from `read_areas`
    places : gazetteer id -> place record (with lon, lat, precision_m and where_prec)
    line_metric, land_metric : the border line and the Soviet-side land, from geo.prepare
    """
    path = Path(FILE)
    rows, geometries, taken = [], [], []
    for record in records:
        start = max(0.0, _anchor(path, record, "from", places, line_metric))
        stop = min(line_metric.length, _anchor(path, record, "to", places, line_metric))
        inner, disc = record.get("inner_m") or 0.0, _disc(path, record, places)
        try:
            geometry = geo_areas.strip(
                line_metric, land_metric, (start, stop), record["depth_m"], inner_m=inner, disc=disc
            )
        except ValueError as exc:  # an empty stretch or an empty area
            raise DataError(path, record.get(LINE), record["id"], str(exc)) from None
        try:
            marker, radius = marker_in(geometry, line_metric, (start, stop), (inner, record["depth_m"]), taken)
        except ValueError as exc:
            raise DataError(path, record.get(LINE), record["id"], str(exc)) from None
        taken.append(geo.to_metric(marker))
        marker_columns = {"marker_lon": marker.x, "marker_lat": marker.y, "marker_radius_m": round(radius, -2)}
        rows.append(_row(record, start, stop) | marker_columns)
        geometries.append(geometry)
    return schema.frame(rows, geometries, EXTRA_COLUMNS)


def marker_in(area_lonlat, line_metric, stretch: tuple[float, float], depths: tuple[float, float], taken: list):
    """(marker point in lon/lat, radius in metres covering the area) of an area (see the module's docstring).

    Parameters
    ----------
    area_lonlat : the area; line_metric : the border line (metric CRS)
    stretch : (from_m, to_m) of its rule along the line; depths : (inner_m, depth_m)
    taken : the markers (metric CRS) of the areas placed before it
    """
    area = geo.to_metric(area_lonlat)
    inner, depth = depths
    part = substring(line_metric, max(0.0, stretch[0] - depth), min(line_metric.length, stretch[1] + depth))
    along = _middle_of_reach(area, line_metric, part, inner)
    middle = line_metric.interpolate(along)
    reach = WINDOW_M + depth
    window = substring(line_metric, max(0.0, along - reach), min(line_metric.length, along + reach))
    apart = shapely.union_all([p.buffer(MARKER_APART_M) for p in taken]) if taken else None
    candidates = (  # the line at mid-depth within the area, near the middle; failing that, anywhere inside it
        lambda: shapely.intersection(area, window.buffer((inner + depth) / 2, quad_segs=8).boundary),
        lambda: area.buffer(-min(50.0, (depth - inner) / 10)),
    )
    for make in candidates:
        free = make() if apart is None else shapely.difference(make(), apart)
        if free.is_empty:
            continue
        point = nearest_points(free, middle)[0]
        if area.contains(point) and line_metric.distance(point) > 0:
            return geo.to_lonlat(point), float(shapely.hausdorff_distance(point, area))
    raise ValueError(f"no point inside the area lies {MARKER_APART_M / 1000:g} km from the other areas' markers")


def _middle_of_reach(area, line_metric, part, inner: float) -> float:
    """How far along the line lies the middle of the part of its stretch the area runs along (a disc may cut it
    short; an area that begins inland, `inner`, runs along the whole stretch)."""
    coords = shapely.get_coordinates(part)
    coords = coords[:: max(1, len(coords) // REACH_SAMPLES)]  # enough to find where the area's reach ends
    shapely.prepare(area)
    near = np.flatnonzero(shapely.dwithin(shapely.points(coords), area, inner + 1.0))  # the vertices by the area
    first, last = (coords[near[0]], coords[near[-1]]) if len(near) else (coords[0], coords[-1])
    return sum(line_metric.project(shapely.Point(xy)) for xy in (first, last)) / 2


def rule_text(rule: dict) -> str:
    """The rule in words: 'the land 0–7.5 km from the border, from the Khan Tengri end to 1055 km along it'."""
    depth = (
        f"{rule['inner_m'] / 1000:g}–{rule['depth_m'] / 1000:g} km"
        if rule.get("inner_m")
        else (f"0–{rule['depth_m'] / 1000:g} km")
    )
    within = f", within the circle of `{rule['within']}`" if rule.get("within") else ""
    return (
        f"Soviet-side land {depth} from the border line, between {rule['from_km']:.0f} and {rule['to_km']:.0f} km "
        f"along it from the Khan Tengri end{within}"
    )


# --- private -------------------------------------------------------------------------------------


def _check(path: Path, record: dict) -> None:
    check_fields(path, record, *FIELDS)
    line, ident = record[LINE], record["id"]
    for key in ("from", "to"):
        value = record[key]
        if isinstance(value, dict):
            check_fields(path, {**value, "id": ident}, {"id", "place", "km"}, set())
            if not isinstance(value["km"], (int, float)) or isinstance(value["km"], bool):
                raise DataError(path, line, ident, f"`{key}.km` was {value['km']!r} but must be a number of km")
        elif value not in LINE_ENDS:
            allowed = f"one of {list(LINE_ENDS)} or {{place, km}}"
            raise DataError(path, line, ident, f"`{key}` was {value!r} but must be {allowed}")
    for key in ("depth_m", "inner_m"):
        check_number(path, line, ident, record.get(key), f"`{key}`")
    if not record["depth_m"] or record["depth_m"] <= (record.get("inner_m") or 0):
        raise DataError(path, line, ident, "`depth_m` must be a number greater than `inner_m` (or 0)")
    if not isinstance(record["basis"], str) or not record["basis"].strip():
        raise DataError(path, line, ident, "`basis` must say in a sentence why the text allows this area")
    check_citations(path, ident, record)


def _point_place(path: Path, record: dict, pid, places: dict[str, dict]) -> dict:
    place = places.get(pid)
    if place is None:
        raise DataError(path, record[LINE], record["id"], f"place {pid!r} is not in the gazetteer")
    if place.get("where_prec") not in ANCHOR_LEVELS or place.get("lon") is None:
        raise DataError(
            path, record[LINE], record["id"], f"place {pid!r} is not located to a point ({list(ANCHOR_LEVELS)})"
        )
    return place


def _anchor(path: Path, record: dict, key: str, places: dict[str, dict], line_metric) -> float:
    value = record[key]
    if not isinstance(value, dict):
        return LINE_ENDS[value](line_metric.length)
    place = _point_place(path, record, value["place"], places)
    return geo_areas.along(line_metric, place["lon"], place["lat"]) + 1000.0 * value["km"]


def _disc(path: Path, record: dict, places: dict[str, dict]):
    if not record.get("within"):
        return None
    place = _point_place(path, record, record["within"], places)
    return place["lon"], place["lat"], float(place["precision_m"])


def _row(record: dict, start_m: float, stop_m: float) -> dict:
    rule = {
        "from_km": round(start_m / 1000, 1),
        "to_km": round(stop_m / 1000, 1),
        "depth_m": record["depth_m"],
        "inner_m": record.get("inner_m"),
        "within": record.get("within"),
    }
    return {
        "id": record["id"],
        "name": record["name"],
        "variants": [],
        "location_basis": " ".join(record["basis"].split()),
        "sources": [{k: v for k, v in c.items() if k != LINE} for c in record["sources"]],
        "rule": {**rule, "text": rule_text(rule)},
        "depth_m": record["depth_m"],
        "inner_m": record.get("inner_m"),
        "within": record.get("within"),
        "used_by": [],
    }


def used_by(frames: dict[str, gpd.GeoDataFrame]) -> dict[str, list[dict]]:
    """Area id -> [{collection, id, name, start, end}] of the features placed in it."""
    users: dict[str, list[dict]] = {}
    for cid, frame in frames.items():
        if "area_id" not in frame:
            continue
        for row in frame[frame["area_id"].notna()].to_dict("records"):
            keys = ("id", "name", "start", "end")  # texts, or None (never a missing value's NaN)
            users.setdefault(row["area_id"], []).append(
                {"collection": cid, **{k: row.get(k) if isinstance(row.get(k), str) else None for k in keys}}
            )
    return users


def marker(frame: gpd.GeoDataFrame, area_id: str) -> tuple[Point, float]:
    """(marker point, radius covering the area) of one area of the built layer."""
    row = frame[frame["id"] == area_id].iloc[0]
    return Point(row["marker_lon"], row["marker_lat"]), float(row["marker_radius_m"])

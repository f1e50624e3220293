"""What border regime applied at a point on a date: the zones around it, which were in force, what they restricted."""

from __future__ import annotations

import math
from datetime import date

import geopandas as gpd
import shapely
from shapely.geometry import Point

import geo
from layers.dates import overlaps, parse_partial
from layers.errors import BadValue
from layers.schema import PERIOD

COVER_M = 500_000.0  # the atlas covers the land within this distance of the border section
FAR_M = 100_000.0  # the deepest zone named in the sources
STEP_DEG = 0.002  # about 200 m: how far across the line the side of a point is probed
ENDPOINT_DEG = 1e-9
NOTES = {
    "china": "in Xinjiang (China), outside the Soviet border zones",
    "far": "in the USSR but farther than 100 km from this section of the border",
    "off_land": "in the USSR, but off the land the zones are drawn on (a lake, a river, or outside Kazakhstan)",
    "outside": "outside the area the atlas covers",
    "none_in_force": "inside the zones listed, none of which was in force on that date",
    "undated_only": "inside the zones listed, none of which was in force on that date but one the sources do not "
    "date, which may have been",
}
STATUS = {
    "in_force": "in force",
    "before": "not yet in force",
    "after": "no longer in force",
    "undated": "in force at a time the sources do not give",
}


def regime_at(  # noqa: PLR0917 - the query and the three layers it reads
    lon: float,
    lat: float,
    on: date | str,
    zones_gdf: gpd.GeoDataFrame,
    border_line: shapely.Geometry,
    soviet_land: shapely.Geometry,
) -> dict:
    """The border regime at a point on a date.

    Parameters
    ----------
    lon, lat : the point in WGS84 degrees (numbers or numeric strings)
    on : the date, a `datetime.date` or an ISO 8601 string; "1933" or "1933-06" mean the last day of that
        year or month, so that the acts of that period count. Must lie in 1918–1940.
    zones_gdf : the `zones` layer (columns id, name, start, end, depth_m, acts, rules; lon/lat geometry)
    border_line, soviet_land : the border line and the Soviet-side land, lon/lat

    Returns
    -------
    {lon, lat, date, side ("USSR", "China" or None), distance_m (geodesic, to the border line),
    zones: [{id, name, depth_m, start, end, in_force, status, rules, acts, undated_acts, sources}] deepest last,
    in_force: [zone ids], note}. Acts are those dated on or before `on`; rules are theirs, for the zones
    in force only; a rule whose act's partial date straddles `on` is marked `"date_uncertain": True`. A zone
    the sources do not date has `in_force` null (neither in force nor not: unknown) and its acts and their
    rules in `undated_acts`.

    Raises
    ------
    BadValue : lon/lat out of range or not numbers; `on` not a date in 1918–1940
    """
    lon, lat, day = _check_lon(lon), _check_lat(lat), _check_date(on)
    where = _where(lon, lat, border_line, soviet_land)
    zones = [_zone(row, day) for row in _containing(zones_gdf, lon, lat)] if where["side"] == "USSR" else []
    in_force = [z["id"] for z in zones if z["in_force"]]
    note = where["note"] or _land_note(zones, in_force, where["distance_m"])
    return {
        "lon": lon,
        "lat": lat,
        "date": day.isoformat(),
        **where,
        "note": note,
        "zones": zones,
        "in_force": in_force,
    }


def distance_and_zones(
    lon: float, lat: float, zones_gdf: gpd.GeoDataFrame, border_line: shapely.Geometry
) -> tuple[float, list[str]]:
    """(geodesic distance in metres to the border, ids of the zones containing the point, any date)."""
    distance = geo.geodesic_distance_to_line(lon, lat, border_line)
    return distance, [str(row["id"]) for row in _containing(zones_gdf, lon, lat)]


# --- the query's parameters ----------------------------------------------------------------------


def _number(parameter: str, value, low: float, high: float) -> float:
    allowed = f"a number from {low:g} to {high:g}"
    if isinstance(value, bool):
        raise BadValue(parameter, f"was {value!r} but must be {allowed}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise BadValue(parameter, f"was {value!r} but must be {allowed}") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise BadValue(parameter, f"was {value!r} but must be {allowed}")
    return number


def _check_lon(value) -> float:
    return _number("lon", value, -180.0, 180.0)


def _check_lat(value) -> float:
    return _number("lat", value, -90.0, 90.0)


def _check_date(value) -> date:
    allowed = f"an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD) from {PERIOD[0]} to {PERIOD[1]}"
    if isinstance(value, date):
        day = value
    else:
        try:
            day = parse_partial(str(value))[1]
        except ValueError:
            raise BadValue("on", f"was {value!r} but must be {allowed}") from None
    if not PERIOD[0] <= day <= PERIOD[1]:
        raise BadValue("on", f"was {value!r} but must be {allowed}")
    return day


# --- where the point lies ------------------------------------------------------------------------


def _where(lon: float, lat: float, border_line, soviet_land) -> dict:
    """{side, distance_m, note}: which side of the border the point is on, and why it has no zones if not."""
    distance = geo.geodesic_distance_to_line(lon, lat, border_line)
    point = Point(lon, lat)
    if soviet_land.covers(point):
        return {"side": "USSR", "distance_m": distance, "note": None}
    if distance > COVER_M or _beyond_the_ends(point, border_line):
        return {"side": None, "distance_m": distance, "note": NOTES["outside"]}
    if _across_from_soviet_land(point, border_line, soviet_land):
        return {"side": "China", "distance_m": distance, "note": NOTES["china"]}
    return {"side": "USSR", "distance_m": distance, "note": NOTES["far" if distance > FAR_M else "off_land"]}


def _beyond_the_ends(point: Point, border_line) -> bool:
    """Is the nearest point of the line one of its ends (the point lies past a tripoint)?"""
    along = border_line.project(point)
    return along <= ENDPOINT_DEG or along >= border_line.length - ENDPOINT_DEG


def _across_from_soviet_land(point: Point, border_line, soviet_land) -> bool:
    """Is the point on the far side of the line from the Soviet land, probed a step from its nearest point?"""
    nearest = border_line.interpolate(border_line.project(point))
    dx, dy = point.x - nearest.x, point.y - nearest.y
    length = math.hypot(dx, dy)
    if length == 0:
        return False
    step = min(STEP_DEG, length / 2) / length
    return not soviet_land.covers(Point(nearest.x + dx * step, nearest.y + dy * step))


def _land_note(zones: list[dict], in_force: list[str], distance: float) -> str | None:
    if not zones:
        return NOTES["far"] if distance > FAR_M else None
    if in_force:
        return None
    return NOTES["undated_only" if any(z["in_force"] is None for z in zones) else "none_in_force"]


# --- the zones ----------------------------------------------------------------------------------


def _containing(zones_gdf: gpd.GeoDataFrame, lon: float, lat: float) -> list:
    """The rows of the zones that contain the point (on the edge counts), shallowest first."""
    point = Point(lon, lat)
    hits = zones_gdf[zones_gdf.geometry.covers(point)]
    if "depth_m" in hits:
        hits = hits.sort_values("depth_m")
    return [row for _, row in hits.iterrows()]


def _zone(row, day: date) -> dict:
    start, end = _text(row.get("start")), _text(row.get("end"))
    in_force = overlaps(start, end, day, day) if start else None  # a zone the sources do not date: unknown
    acts = [a for a in _list(row.get("acts")) if _on_or_before(a.get("date"), day)]
    undated = _list(row.get("undated_acts"))
    titles = {a.get("id"): a for a in acts}
    rules = [_rule(r, titles, day) for r in _list(row.get("rules")) if in_force and _on_or_before(r.get("date"), day)]
    phase = _phase(start, in_force, day)
    return {
        "id": str(row["id"]),
        "name": _text(row.get("name")),
        "depth_m": _float(row.get("depth_m")),
        "start": start,
        "end": end,
        "in_force": in_force,
        "status": STATUS[phase],
        "rules": rules,
        "acts": acts,
        "undated_acts": undated,
        "sources": [a["citation"] for a in [*acts, *undated] if a.get("citation")],
    }


def _phase(start: str | None, in_force: bool | None, day: date) -> str:
    if in_force is None:
        return "undated"
    return "in_force" if in_force else ("before" if start and parse_partial(start)[0] > day else "after")


def _rule(rule: dict, acts: dict, day: date) -> dict:
    act = acts.get(rule.get("act")) or {}
    return {
        **rule,
        "act_title": act.get("title"),
        "citation": act.get("citation"),
        "date_uncertain": parse_partial(str(rule["date"]))[1] > day,
    }


def _on_or_before(value, day: date) -> bool:
    return value is not None and parse_partial(str(value))[0] <= day


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


def _float(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else None


def _list(value) -> list:
    return value if isinstance(value, list) else []

"""Findings about the places layer against the drawn zones and border: things to look at, not errors.

- 1927 list outside the 7.5 km zone: a place of the 1927 list of border settlements in the
  7.5 km zone (seed 003, footnote 31) whose point falls outside zone-7-5-km as drawn.
- Wrong side of the border: a USSR-side place whose point is not on the Soviet side, or a
  China-side place whose point is. "Soviet side" is the land polygon the zones are clipped to
  (layers.border.soviet_land). It covers Kazakhstan only, and only near the border, so places
  more than 100 km from the border are not judged, and a USSR-side place in today's Kyrgyzstan
  or Russia near a tripoint would be listed too.
- Unlocated: places kept without coordinates.
- Levels: for every layer with points, how many features are located to each level (`where_prec`:
  exact, near, feature, area of possibility, district, unlocated), and for each unlocated one why.
- Coverage (added by the build, layers.coverage): per source, how many of its paragraphs and notes a record cites
  and how many its coverage table explains.

Only a point of the feature's own (not a marker inside an area of possibility) is checked against the
zone and the border: a marker is inside its area by construction and says nothing about the place.

A finding whose point lies within its own uncertainty radius (`precision_m`) of the line that
decides it is marked `within_precision`: the place may well be right and only its point off.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import Point

from geo.measure import geodesic_distance_to_line
from layers.schema import LEVELS, POINTLESS

ZONE_1927 = "zone-7-5-km"
JUDGED_WITHIN_M = 100_000.0  # the Soviet-side polygon covers the deepest (100 km) zone; beyond it, no verdict
SOVIET = "USSR"


def report(
    places: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    border: gpd.GeoDataFrame,
    soviet_land: shapely.Geometry,
    layers: dict[str, gpd.GeoDataFrame] | None = None,
) -> dict:
    """Findings as {"outside_1927_zone", "wrong_side", "unlocated", "counts", "levels", "unlocated_features"}.

    Parameters
    ----------
    places : the `places` layer
    zones : the `zones` layer (must hold zone-7-5-km)
    border : the `border` layer
    soviet_land : the Soviet-side land polygon (layers.border.soviet_land)
    layers : every layer by collection id, for the table of levels (default: the places alone)
    """
    line = shapely.union_all(border.geometry.to_numpy())
    has_point = places.geometry.notna() & ~places.geometry.is_empty
    if "where_prec" in places:
        has_point &= ~places["where_prec"].isin(POINTLESS)  # a marker in an area is not the place's own point
    located, unlocated = places[has_point], places[~has_point & ~_in_area(places)]
    findings = {
        "outside_1927_zone": _outside_zone(located, _zone(zones, ZONE_1927), line),
        "wrong_side": _wrong_side(located, soviet_land, line),
        "unlocated": [_entry(row) | {"in_1927_list": bool(row["in_1927_list"])} for _, row in unlocated.iterrows()],
    }
    in_list = places["in_1927_list"].astype(bool)
    findings["counts"] = {
        "places": len(places),
        "located": len(located),
        "unlocated": len(unlocated),
        "in_1927_list": int(in_list.sum()),
        "in_1927_list_checked": int((in_list & has_point).sum()),
        "in_area": int(_in_area(places).sum()),
    }
    findings["levels"] = level_table(layers or {"places": places})
    findings["unlocated_features"] = unlocated_features(layers or {"places": places})
    return findings


def level_table(layers: dict[str, gpd.GeoDataFrame]) -> dict:
    """{"levels": [...], "rows": [{"layer", "counts": {level: n}, "total"}]} for the layers with `where_prec`."""
    rows = []
    for cid, frame in layers.items():
        if "where_prec" not in frame:
            continue
        counts = frame["where_prec"].value_counts().to_dict()
        rows.append({"layer": cid, "counts": {lv: int(counts.get(lv, 0)) for lv in LEVELS}, "total": len(frame)})
    return {"levels": list(LEVELS), "rows": rows}


def unlocated_features(layers: dict[str, gpd.GeoDataFrame]) -> list[dict]:
    """Every feature located to no level, with the reason its `location_basis` gives."""
    return [
        {"layer": cid, "id": row["id"], "name": row["name"], "reason": row["location_basis"]}
        for cid, frame in layers.items()
        if "where_prec" in frame
        for row in frame[frame["where_prec"] == "unlocated"].to_dict("records")
    ]


def _in_area(places: gpd.GeoDataFrame):
    return places["where_prec"] == "area" if "where_prec" in places else pd.Series(False, index=places.index)


def format_report(findings: dict) -> str:
    """The findings as plain text for the build log."""
    counts = findings["counts"]
    lines = [
        f"places: {counts['places']} ({counts['located']} with a point, {counts.get('in_area', 0)} in an area of "
        f"possibility, {counts['unlocated']} unlocated)",
        *_level_lines(findings.get("levels")),
        f"1927 list outside the 7.5 km zone as drawn ({counts['in_1927_list_checked']} of "
        f"{counts['in_1927_list']} listed places have a point to check): {len(findings['outside_1927_zone'])}",
        *(_line(f) for f in findings["outside_1927_zone"]),
        f"on the wrong side of the border: {len(findings['wrong_side'])}",
        *(_line(f) for f in findings["wrong_side"]),
        f"without coordinates: {len(findings['unlocated'])}",
        *(f"  {f['id']} ({f['name']}){' [1927 list]' if f['in_1927_list'] else ''}" for f in findings["unlocated"]),
        *_coverage_lines(findings.get("coverage")),
    ]
    return "\n".join(lines)


def _coverage_lines(coverage: dict | None) -> list[str]:
    """Per source, how many of its paragraphs and notes records cite and how many its coverage table explains."""
    if not coverage:
        return []
    rows = [f"  {c['label']}: {c['counts']['cited']} of {c['counts']['paragraphs']} cited "
            f"(paragraphs {c['counts']['body']['cited']} of {c['counts']['body']['paragraphs']}, footnotes "
            f"{c['counts']['footnotes']['cited']} of {c['counts']['footnotes']['paragraphs']}), "
            f"{c['counts']['explained']} explained" for c in coverage.values()]  # fmt: skip
    return ["paragraphs of the sources accounted for:", *rows]


def _level_lines(levels: dict | None) -> list[str]:
    if not levels:
        return []
    head = "located to: " + ", ".join(levels["levels"])
    rows = [f"  {r['layer']}: " + ", ".join(str(r["counts"][lv]) for lv in levels["levels"]) for r in levels["rows"]]
    return [head, *rows]


def _line(finding: dict) -> str:
    soft = "; within its uncertainty radius" if finding["within_precision"] else ""
    return (
        f"  {finding['id']} ({finding['name']}): {finding['distance_to_border_m'] / 1000:.1f} km from the border, "
        f"radius {_km(finding['precision_m'])}{soft}; {finding['detail']}"
    )


def _km(metres) -> str:
    return "unknown" if metres is None else f"{metres / 1000:g} km"


def _zone(zones: gpd.GeoDataFrame, zone_id: str) -> shapely.Geometry:
    match = zones[zones["id"] == zone_id]
    if match.empty:
        raise ValueError(f"zone {zone_id!r} is not in the zones layer; it has {sorted(zones['id'])}")
    return match.geometry.iloc[0]


def _entry(row) -> dict:
    precision = row.get("precision_m")
    return {
        "id": row["id"],
        "name": row["name"],
        "side": row["side"],
        "precision_m": None if pd.isna(precision) else float(precision),
    }


def _with_distance(row, border_line: shapely.Geometry, decisive: shapely.Geometry, detail: str) -> dict:
    """An entry with its distance to the border; within_precision if its radius reaches the `decisive` line."""
    entry = _entry(row)
    x, y = row.geometry.coords[0]
    return entry | {
        "distance_to_border_m": geodesic_distance_to_line(x, y, border_line),
        "within_precision": geodesic_distance_to_line(x, y, decisive) <= (entry["precision_m"] or 0.0),
        "detail": detail,
    }


def _outside_zone(located: gpd.GeoDataFrame, zone: shapely.Geometry, line: shapely.Geometry) -> list[dict]:
    listed = located[located["in_1927_list"].astype(bool)]
    return [
        _with_distance(row, line, zone.boundary, f"outside {ZONE_1927} as drawn")
        for _, row in listed.iterrows()
        if not zone.covers(row.geometry)
    ]


def _wrong_side(located: gpd.GeoDataFrame, soviet_land: shapely.Geometry, line: shapely.Geometry) -> list[dict]:
    findings = []
    for _, row in located.iterrows():
        x, y = row.geometry.coords[0]
        if geodesic_distance_to_line(x, y, line) > JUDGED_WITHIN_M:
            continue
        on_soviet_side = soviet_land.covers(Point(x, y))
        if on_soviet_side != (row["side"] == SOVIET):
            where = "on the Soviet side" if on_soviet_side else "not on the Soviet side"
            findings.append(_with_distance(row, line, line, f"a {row['side']}-side place {where}"))
    return findings

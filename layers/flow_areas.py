"""The areas migration flows go between and stocks are counted in (data/sources/migration.yaml, `areas`).

Each area is drawn from an extent rule, rebuilt at every build, and says in `basis` why the text allows it and
what its outline is (never a boundary of the time, which the atlas does not have):

  countries: [KAZ, ...]             today's countries on the outline map of the flows (data/reference/
                                    regions.geojson, from OpenStreetMap, 40–136°E and 22–62°N), united
  box: [west, south, east, north]   cut to a box of longitude and latitude (an editor's approximation of a region
                                    the text does not bound; the basis says so)
  circle: {place, area_km2, page}   cut to a circle of `area_km2` around a gazetteer place (a district's seat):
                                    the size of today's unit of that name, as the cited page gives it
  areas: [id, ...]                  the union of areas listed above it

The built areas join the `areas` layer (role "migration", beside the areas of possibility); a flow starts and
ends at its areas' representative points (geo.flows.representative_point), never at a town.
"""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import Point, box

from geo import flows as curves
from geo.crs import to_lonlat, to_metric
from layers import schema
from layers.errors import DataError
from layers.sources import LINE, check_citations, check_fields

AREA_FIELDS = ({"id", "name", "kind", "side", "extent", "basis", "sources"}, {"note"})
AREA_TYPES = {"extent": ("mapping",)}
EXTENT_FIELDS = {"countries", "box", "circle", "areas"}
EXTENT_TYPES = {"countries": ("texts",), "box": ("numbers",), "circle": ("mapping",), "areas": ("texts",)}
CIRCLE_FIELDS = {"place", "area_km2", "page"}
CIRCLE_TYPES = {"area_km2": ("number",), "page": ("text",)}
SIDES = {"USSR": "the Soviet side", "China": "China", "Mongolia": "Mongolia"}
REFERENCE = Path(__file__).resolve().parent.parent / "data" / "reference"
OUTLINES = "regions.geojson"
ROLE = "migration"  # the areas layer's `role` of these areas (its own areas: "possibility")


def check_area(path: Path, area: dict, places: set[str], earlier: set[str], countries: set[str]) -> None:
    """One area: its fields, its side, its extent rule (known countries, a located place, areas above it)."""
    check_fields(path, area, *AREA_FIELDS, AREA_TYPES)
    line, ident = area[LINE], area["id"]
    if area["side"] not in SIDES:
        raise DataError(path, line, ident, f"side {area['side']!r} is not one of {list(SIDES)}")
    extent = area["extent"]
    check_fields(path, {**extent, "id": ident}, {"id"}, EXTENT_FIELDS, EXTENT_TYPES)
    keys = {k for k in extent if k != LINE}
    if ("areas" in keys) == ("countries" in keys) or ("areas" in keys and len(keys) > 1):
        raise DataError(path, line, ident, "`extent` needs `countries` (cut by `box` or `circle`) or `areas` alone")
    unknown = [c for c in extent.get("countries", []) if c not in countries]
    if unknown:
        raise DataError(
            path, line, ident, f"countries {unknown} are not on the outline map; known: {sorted(countries)}"
        )
    missing = [a for a in extent.get("areas", []) if a not in earlier]
    if missing:
        raise DataError(path, line, ident, f"areas {missing} must be listed above this one")
    edges = extent.get("box", [0, 0, 1, 1])
    if len(edges) != 4 or not (-180 <= edges[0] < edges[2] <= 180 and -90 <= edges[1] < edges[3] <= 90):
        raise DataError(path, line, ident, f"box must be [west, south, east, north], not {extent['box']!r}")
    if "circle" in extent:
        circle = extent["circle"]
        check_fields(path, {**circle, "id": ident}, CIRCLE_FIELDS | {"id"}, set(), CIRCLE_TYPES)
        if circle["place"] not in places:
            raise DataError(path, line, ident, f"circle place {circle['place']!r} is not in the gazetteer")
        if not circle["area_km2"] > 0 or not str(circle["page"]).startswith(("http://", "https://")):
            raise DataError(path, line, ident, "a circle needs `area_km2` > 0 and the `page` that gives it")
    if not str(area["basis"]).strip():
        raise DataError(path, line, ident, "`basis` must say why the text allows this area and what its outline is")
    check_citations(path, ident, area)


def outline_countries(reference: Path = REFERENCE) -> dict[str, shapely.Geometry]:
    """The outline map's countries: {ISO alpha-3 code: its land, longitude/latitude}."""
    frame = gpd.read_file(reference / OUTLINES)
    return dict(zip(frame["a3"], frame.geometry, strict=True))


def country_names(reference: Path) -> dict[str, str]:
    frame = gpd.read_file(reference / OUTLINES)
    return dict(zip(frame["a3"], frame["name"], strict=True))


def build(areas: list[dict], places: dict[str, dict], reference: Path) -> gpd.GeoDataFrame:
    """The areas as polygons, with the columns of the areas layer (layers/areas.py) and `role` "migration"."""
    countries, names = outline_countries(reference), country_names(reference)
    built: dict[str, shapely.Geometry] = {}
    rows = []
    for area in areas:
        geometry = _polygon(area, countries, places, built)
        built[area["id"]] = geometry
        point = curves.representative_point(geometry)
        names[area["id"]] = area["name"]
        rows.append(_row(area, geometry, point, _extent_text(area["extent"], names, places)))
    columns = ["rule", "depth_m", "inner_m", "within", "marker_lon", "marker_lat", "marker_radius_m", "used_by"]
    return schema.frame(rows, list(built.values()), columns + ["role", "side"])


def circle_radius_m(area_km2: float) -> float:
    """The radius of a circle of that area."""
    return math.sqrt(area_km2 * 1e6 / math.pi)


# --- private -------------------------------------------------------------------------------------


def _polygon(area: dict, countries: dict, places: dict, built: dict) -> shapely.Geometry:
    extent = area["extent"]
    if "areas" in extent:
        return shapely.union_all([built[a] for a in extent["areas"]])
    geometry = shapely.union_all([countries[c] for c in extent["countries"]])
    if "box" in extent:
        geometry = shapely.intersection(geometry, box(*extent["box"]))
    if "circle" in extent:
        circle = extent["circle"]
        place = places[circle["place"]]
        if place.get("lon") is None:
            raise DataError("migration.yaml", area.get(LINE), area["id"], f"place {circle['place']!r} has no point")
        disc = to_metric(Point(place["lon"], place["lat"])).buffer(circle_radius_m(circle["area_km2"]), quad_segs=32)
        geometry = shapely.intersection(geometry, to_lonlat(disc))
    if geometry.is_empty:
        raise DataError("migration.yaml", area.get(LINE), area["id"], "the extent rule gives an empty area")
    return geometry


def _extent_text(extent: dict, names: dict[str, str], places: dict) -> str:
    """The rule in words: "today's China on the outline map, within a circle of 56,382 km² around Ili District"."""
    if "areas" in extent:
        return "the union of " + ", ".join(names[a] for a in extent["areas"])
    text = "today's " + " and ".join(names[c] for c in extent["countries"]) + " on the outline map"
    if "box" in extent:
        west, south, east, north = extent["box"]
        text += f", between {west:g}° and {east:g}°E and {south:g}° and {north:g}°N"
    if "circle" in extent:
        circle = extent["circle"]
        radius = circle_radius_m(circle["area_km2"]) / 1000
        where = places[circle["place"]]["name"]
        text += (
            f", within a circle of {circle['area_km2']:,.0f} km² (radius {radius:.0f} km) around the gazetteer point "
            f"of {where}, the area of today's unit of that name ({circle['page']})"
        )
    return text


def _row(area: dict, geometry, point: Point, rule_text: str) -> dict:
    radius = shapely.hausdorff_distance(to_metric(point), to_metric(geometry))
    return {
        "id": area["id"],
        "name": area["name"],
        "variants": [],
        "location_basis": " ".join(area["basis"].split()),
        "sources": [{k: v for k, v in c.items() if k != LINE} for c in area["sources"]],
        "rule": {"kind": ROLE, "extent": area["extent"], "text": rule_text},
        "marker_lon": point.x,
        "marker_lat": point.y,
        "marker_radius_m": round(radius, -2),
        "used_by": [],
        "role": ROLE,
        "side": area["side"],
    }

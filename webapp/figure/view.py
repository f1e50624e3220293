"""The view a figure shows: the map view's own parameters (years, extent, layers off, labels), parsed and checked.

Every refusal is a QueryError naming the parameter and what is allowed; a view is the extent of a browser window
when given as centre and zoom, and is clipped to the area the metric CRS draws well.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from shapely.geometry import MultiPoint, box

from geo import to_lonlat, to_metric
from layers.schema import DEFAULT_YEAR, PERIOD, YEARS
from store.errors import QueryError
from webapp import params, pinned
from webapp.figure.page import COLUMNS, DEFAULT_WIDTH, FORMATS, SOURCE_FORMATS, WIDTHS, Page, fit_extent
from webapp.figure.selected import parse_sel
from webapp.mapurl import map_url as map_view_url
from webapp.mapview import MAX_ZOOM
from webapp.store import get_store
from webapp.vocabulary import LANGUAGES, OVERLAYS

ALLOWED = {"year", "datetime", "bbox", "c", "z", "off", "lang", "format", "width", "part", "compare", "certain", "sel"}
# What a request gives (`part`): the figure, its sources (the bibliography), or both in a zip; the formats of each,
# the first the default.
PARTS = {"figure": FORMATS, "sources": SOURCE_FORMATS, "all": FORMATS}
# The map's overlays (by key in OVERLAYS) and the figure layer each switches; "" for those a figure does not draw
# (accepted in `off`, so that any shared view works).
FIGURE_LAYERS = {
    "border": "border",
    "places": "places",
    "outposts": "outposts",
    "customs": "customs",
    "diplomacy": "diplomacy",
    "incidents": "incidents",
    "migration": "migration",
    "incidentAreas": "areas",
    "migrationAreas": "flowareas",
    "placeCircles": "",
    "placeAreas": "",
    "incidentCircles": "",
    "heat": "",
}
# The collections a figure draws (webapp.figure.drawers), whose features `sel` may name.
DRAWN = ("zones", "border", "places", "outposts", "customs", "diplomacy", "incidents", "migration")
# `certain`: everything in the years, possible features drawn lighter (0), or only what is certain (1).
CERTAIN = {"0": False, "1": True}
# A view given as centre and zoom is the extent of a browser window of this size (CSS pixels) at that zoom.
VIEWPORT = (1200, 800)
# The area the metric CRS draws well; a view is clipped to it.
DRAWABLE = (40.0, 20.0, 130.0, 70.0)
MIN_SPAN_M = 1000.0  # a view is at least 1 km across


@dataclass
class View:
    """What a figure shows: the years, the extent (metric CRS), the layers switched off, the labels."""

    years: tuple[int, int] = (DEFAULT_YEAR, DEFAULT_YEAR)
    extent: tuple[float, float, float, float] | None = None  # minx, miny, maxx, maxy in METRIC_CRS
    off: set[str] = field(default_factory=set)
    lang: str = "name"
    fmt: str = "svg"
    part: str = "figure"
    page: Page = field(default_factory=Page)
    url: str = ""  # the map view's URL, cited in the caption
    version: str = ""  # the release and data version, cited in the caption
    compare: tuple[int, int] | None = None  # the years of a second panel beside the first (webapp.figure.compare)
    certain: bool = False  # only what is certainly there in the years (`certain=1`, as on the map)
    sel: tuple[str, ...] = ()  # the features ringed as selected (webapp.figure.selected)

    @property
    def period(self) -> tuple[date, date]:
        return date(self.years[0], 1, 1), date(self.years[1], 12, 31)

    @property
    def years_text(self) -> str:
        return _years_text(self.years)

    @property
    def moments_text(self) -> str:
        """The years shown: "1930", or, with a second panel, "1927 (left) and 1935 (right)"."""
        if self.compare is None:
            return self.years_text
        return f"{self.years_text} (left) and {_years_text(self.compare)} (right)"

    @property
    def file_text(self) -> str:
        """The years in a file name: "1927-1932", "1927-and-1935"."""
        both = [self.years] + ([self.compare] if self.compare else [])
        return "-and-".join(_years_text(years).replace("–", "-") for years in both)

    @property
    def span(self) -> float:
        """The larger side of the extent, in metres."""
        minx, miny, maxx, maxy = self.extent
        return max(maxx - minx, maxy - miny)


def _years_text(years: tuple[int, int]) -> str:
    first, last = years
    return str(first) if first == last else f"{first}–{last}"


def parse_view(args, store) -> View:
    """The view of the query string, or a QueryError naming the parameter and what is allowed."""
    params.check_known(args, ALLOWED)
    view = View(years=_years(params.parse_period(args, store.first_date())))
    if "compare" in args:  # `compare=1935` or `1934-1935`, as in the map's URL
        view.compare = tuple(day.year for day in params.parse_years(args["compare"], "compare"))
    view.certain = CERTAIN[params.parse_choice("certain", args.get("certain", "0"), CERTAIN)]
    if "sel" in args:
        view.sel = parse_sel(args["sel"], store, DRAWN)
    view.lang = params.parse_choice("lang", args.get("lang", "name"), LANGUAGES)
    view.part = params.parse_choice("part", args.get("part", "figure"), PARTS)
    view.fmt = params.parse_choice("format", args.get("format", next(iter(PARTS[view.part]))), PARTS[view.part])
    view.page = Page(parse_width(args.get("width", DEFAULT_WIDTH)))
    view.off = parse_off(args.get("off", ""), store)
    view.extent = fit_extent(_extent(args, store))
    view.version = pinned.data_words(store)
    return view


def parse_width(text: str) -> float:
    """`width=single` or `double` (or their widths in mm, 84 or 174): the journal column the figure fills."""
    if text not in WIDTHS:
        allowed = ", ".join(f"{name} ({mm} mm)" for name, mm in COLUMNS.items())
        raise QueryError("width", f"{text!r} is not a journal column width; allowed: {allowed}, or 84 or 174")
    return WIDTHS[text]


def _years(period) -> tuple[int, int]:
    """The years a figure shows: those the asked period touches, within the map's (the default year without one)."""
    if period is None:
        return DEFAULT_YEAR, DEFAULT_YEAR
    first, last = max(period[0].year if period[0] else YEARS[0], YEARS[0]), min((period[1] or PERIOD[1]).year, YEARS[1])
    if first > last:
        raise QueryError("datetime", f"the period lies outside the map's years; {params.PERIOD_HELP}")
    return first, last


def overlay_names(store) -> dict[str, str]:
    """The map's overlay names (as its layer control names them) -> the figure layer they switch ("" for none)."""
    names = {html.unescape(zone): f"zone:{zid}" for zid, zone in zip(*_zone_columns(store), strict=True)}
    return names | {OVERLAYS[key]: layer for key, layer in FIGURE_LAYERS.items()}


def _zone_columns(store):
    zones = store.frame("zones", display=True)
    return list(zones["id"]), list(zones["name"])


def parse_off(text: str, store) -> set[str]:
    """`off=Places,22 km border zone`: the figure layers switched off (map overlay names, comma-separated)."""
    known = overlay_names(store)
    names = [html.unescape(n) for n in text.split(",") if n]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise QueryError("off", f"unknown layer(s) {unknown}; allowed: the map's layer names {sorted(known)}")
    return {known[n] for n in names} - {""}


def _extent(args, store) -> tuple[float, float, float, float]:
    """The view's extent in the metric CRS: from `bbox`, or `c` and `z`, or the whole border."""
    if "bbox" in args and ("c" in args or "z" in args):
        raise QueryError("bbox", "give either bbox or c and z, not both; allowed: bbox=minlon,minlat,maxlon,maxlat")
    if "bbox" in args:
        return _metric_extent(_drawable("bbox", params.parse_bbox(args["bbox"])))
    if "c" in args or "z" in args:
        lat, lon, zoom = _centre_zoom(args)
        return _metric_extent(_drawable("c", bbox_at(lat, lon, zoom)))
    minx, miny, maxx, maxy = _metric_extent(tuple(store.frame("border", display=True).total_bounds))
    pad = 0.04 * max(maxx - minx, maxy - miny)  # the whole border, with a margin
    return minx - pad, miny - pad, maxx + pad, maxy + pad


def _centre_zoom(args) -> tuple[float, float, int]:
    allowed = "allowed: c=lat,lon (WGS84 degrees) with z=zoom (0–18), as in the map URL"
    for name in ("c", "z"):
        if name not in args:
            raise QueryError(name, f"missing; {allowed}")
    parts = args["c"].split(",")
    if len(parts) != 2:
        raise QueryError("c", f"{args['c']!r} is not two numbers; {allowed}")
    lat, lon = (params.parse_number("c", p) for p in parts)
    if not (-85 <= lat <= 85 and -180 <= lon <= 180):
        raise QueryError("c", f"{args['c']!r} is out of range; {allowed}, latitude -85..85, longitude -180..180")
    zoom = params.parse_int("z", args["z"], 0)
    if zoom > MAX_ZOOM:
        raise QueryError("z", f"{zoom} is above {MAX_ZOOM}; {allowed}")
    return lat, lon, zoom


def _drawable(name: str, bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The part of a WGS84 box the metric CRS draws well, or a QueryError if there is none."""
    minx, miny, maxx, maxy = DRAWABLE
    clipped = (max(bbox[0], minx), max(bbox[1], miny), min(bbox[2], maxx), min(bbox[3], maxy))
    if clipped[0] > clipped[2] or clipped[1] > clipped[3]:
        raise QueryError(name, f"the view {bbox} lies outside the area a figure can show; allowed: within {DRAWABLE}")
    return clipped


def _metric_extent(bbox) -> tuple[float, float, float, float]:
    """A WGS84 box as the bounds of its outline in the metric CRS, at least MIN_SPAN_M across."""
    minx, miny, maxx, maxy = to_metric(_outline(bbox)).bounds
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    half_w, half_h = max(maxx - minx, MIN_SPAN_M) / 2, max(maxy - miny, MIN_SPAN_M) / 2
    return cx - half_w, cy - half_h, cx + half_w, cy + half_h


def _outline(bbox, steps: int = 64) -> MultiPoint:
    """Points along the edges of a WGS84 box (which may be a line or a point), to project it."""
    minx, miny, maxx, maxy = bbox
    xs, ys = np.linspace(minx, maxx, steps), np.linspace(miny, maxy, steps)
    edges = [(x, y) for x in xs for y in (miny, maxy)] + [(x, y) for y in ys for x in (minx, maxx)]
    return MultiPoint(edges)


# Web Mercator, as the map's zoom levels are: 256 px tiles, the world 2**z tiles wide.
def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _mercator_lat(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def bbox_at(lat: float, lon: float, zoom: int) -> tuple[float, float, float, float]:
    """The WGS84 box a browser window of VIEWPORT pixels shows at centre (lat, lon) and zoom."""
    world = 256 * 2**zoom
    half_lon = VIEWPORT[0] / 2 * 360 / world
    half_y = VIEWPORT[1] / 2 * 2 * math.pi / world
    y = _mercator_y(lat)
    south, north = max(_mercator_lat(y - half_y), -85.0), min(_mercator_lat(y + half_y), 85.0)
    return max(lon - half_lon, -180.0), south, min(lon + half_lon, 180.0), north


def zoom_for(extent) -> tuple[float, float, int]:
    """(lat, lon, zoom) of the map view that shows a metric extent in a VIEWPORT window."""
    minlon, minlat, maxlon, maxlat = to_lonlat(box(*extent)).bounds
    lat, lon = (minlat + maxlat) / 2, (minlon + maxlon) / 2
    span_y = max(_mercator_y(maxlat) - _mercator_y(minlat), 1e-9)
    fit_x = math.log2(VIEWPORT[0] * 360 / (256 * max(maxlon - minlon, 1e-9)))
    fit_y = math.log2(VIEWPORT[1] * 2 * math.pi / (256 * span_y))
    return lat, lon, max(0, min(MAX_ZOOM, math.floor(min(fit_x, fit_y))))


def map_url(args, view: View) -> str:
    """The URL of the map view the figure shows (year, zoom, centre, layers off, label language), to cite it."""
    if "c" in args:
        lat, lon = (float(p) for p in args["c"].split(","))
        zoom = int(args["z"])
    else:
        lat, lon, zoom = zoom_for(view.extent)
    off = [n for n in args.get("off", "").split(",") if n]
    lang = None if view.lang == View.lang else view.lang
    url = map_view_url(
        external=True,
        year=view.years,
        z=zoom,
        c=(lat, lon),
        off=off,
        lang=lang,
        certain=view.certain,
        sel=view.sel[0] if view.sel else None,
        compare=view.compare,
    )
    return pinned.cite_url(url, get_store())

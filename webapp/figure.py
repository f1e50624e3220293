"""A figure for publication: any map view drawn on the server as SVG, PDF or PNG (GeoPandas + Matplotlib).

`GET /figure` takes the map view's own parameters (the years, the bounds or centre and zoom, the layers
switched off, the label language) and draws the same layers in the same styles as the map, in the
project's metric CRS, with a legend, a scale bar, a north arrow and a caption that cites the atlas, the
data version, the view and the sources of every feature drawn. Nothing is drawn at import time.

`python -m webapp.figure --out docs/figure-1930.png` writes the default view to a file.
"""

from __future__ import annotations

import argparse
import functools
import html
import io
import math
import re
import textwrap
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import quote

import geopandas as gpd
import numpy as np
from flask import Blueprint, Response, request, url_for
from shapely.geometry import MultiPoint, Point, box

from geo import METRIC_CRS, to_lonlat, to_metric
from layers import REGISTRY, QueryError
from layers.dates import overlaps
from webapp import limits, params
from webapp.mapview import (
    AREA_STYLE,
    BASEMAP_FILL,
    BORDER_STYLE,
    DEFAULT_YEAR,
    IN_1927_LIST,
    INCIDENT_STYLES,
    LANGUAGES,
    MAX_ZOOM,
    MIGRATION_COLOURS,
    PLACE_STYLES,
    POST_STYLES,
    UNIT_STYLES,
    YEARS,
    ZONE_COLOURS,
)
from webapp.mapview import _figure as flow_range
from webapp.mapview import _width as flow_width
from webapp.store import get_store

bp = Blueprint("figure", __name__)

CITE_TITLE = "Border Atlas: the Kazakh–Xinjiang section of the Soviet–Chinese border, 1918–1940"
FORMATS = {"svg": "image/svg+xml", "pdf": "application/pdf", "png": "image/png"}
ALLOWED = {"year", "bbox", "c", "z", "off", "lang", "format"}
PNG_DPI = 300
# The map's overlays that the figure does not draw (accepted in `off`, so any shared view works).
NOT_DRAWN = {
    "Places: uncertainty (radius)",
    "Places: areas of possibility",
    "Incidents: uncertainty (radius)",
    "Incidents: heat map",
}
INCIDENT_AREAS = "Incidents: areas of possibility"
# A view given as centre and zoom is the extent of a browser window of this size (CSS pixels) at that zoom.
VIEWPORT = (1200, 800)
# The area the metric CRS draws well; a view is clipped to it.
DRAWABLE = (40.0, 20.0, 130.0, 70.0)
MIN_SPAN_M = 1000.0  # a view is at least 1 km across

# Greyscale-safe styles on top of the map's colours: hatching, edges and marker shapes.
ZONE_HATCHES = ["xxxx", "xxx", "////", "///", "//", "/", "\\\\", "\\", ".."]  # narrowest (densest) first
ZONE_EDGES = ["-", "--", "-.", ":"]
POINT_MARKERS = {"places": "o", "outposts": "^", "customs": "s"}
INCIDENT_MARKERS = {
    "crossing": ">",
    "attempted_crossing": "<",
    "armed_clash": "X",
    "detention": "D",
    "smuggling": "P",
    "opium_cultivation": "*",
    "raid_on_post": "v",
    "arrest": "d",
    "deportation": "h",
}
FLOW_LINES = {"emigration": "-", "repatriation": "--", "return": "-.", "presence": ":"}
AREA_HATCH = "...."
# Which places get a label: by rank (lower first) when labels would overlap; others only in narrow views.
LABEL_RANK = {"town": 0, "fortification": 0, "district": 1}
LABEL_ALL_BELOW_M = 400_000

# Layout, in inches: a journal's full page width.
WIDTH_IN, MAP_H_IN, TITLE_H_IN, MARGIN_IN = 7.2, 5.4, 0.5, 0.3
GAP_IN = 0.2
FONT, SMALL = 7.0, 5.8
LEGEND_COLUMNS = 3
FONTS = ["Noto Sans", "Noto Sans CJK SC", "DejaVu Sans"]  # Latin/Cyrillic/Kazakh, then Chinese, then a last resort
RC = {
    "font.family": FONTS,  # a list of families: Matplotlib falls back glyph by glyph
    "svg.fonttype": "none",  # text stays text (searchable, selectable)
    "pdf.fonttype": 42,
    "hatch.linewidth": 0.4,
    # Text from the data is drawn as written: a `$` in a name or a caption never starts Matplotlib's mathtext
    # (two of them made a label a formula, and an unparsable one a 500) and TeX is never run on it.
    "text.parse_math": False,
    "text.usetex": False,
}
_LOCK = threading.Lock()  # Matplotlib's settings are process-wide: one figure at a time


@dataclass
class View:
    """What a figure shows: the years, the extent (metric CRS), the layers switched off, the labels."""

    years: tuple[int, int] = (DEFAULT_YEAR, DEFAULT_YEAR)
    extent: tuple[float, float, float, float] | None = None  # minx, miny, maxx, maxy in METRIC_CRS
    off: set[str] = field(default_factory=set)
    lang: str = "name"
    fmt: str = "svg"
    url: str = ""  # the map view's URL, cited in the caption
    version: str = ""  # the data version, cited in the caption

    @property
    def period(self) -> tuple[date, date]:
        return date(self.years[0], 1, 1), date(self.years[1], 12, 31)

    @property
    def years_text(self) -> str:
        first, last = self.years
        return str(first) if first == last else f"{first}–{last}"


@dataclass
class Drawing:
    """The features a figure draws, by layer (each a frame in the metric CRS), and its legend."""

    frames: dict[str, gpd.GeoDataFrame]
    legend: list[tuple[str, object]] = field(default_factory=list)


# ---------------------------------------------------------------- the endpoint


@bp.get("/figure")
def figure():
    """The current map view as a figure for publication (SVG, PDF or PNG)."""
    store = get_store()
    view = parse_view(request.args, store)
    view.url = map_url(request.args, view)
    body = limits.figure(lambda: render(store, view))
    name = f"border-atlas-{view.years_text.replace('–', '-')}.{view.fmt}"
    headers = {"Content-Disposition": f'inline; filename="{name}"'}
    return Response(body, mimetype=FORMATS[view.fmt], headers=headers)


def parse_view(args, store) -> View:
    """The view of the query string, or a QueryError naming the parameter and what is allowed."""
    params.check_known(args, ALLOWED)
    view = View(years=parse_years(args.get("year")), lang=_choice("lang", args.get("lang", "name"), LANGUAGES))
    view.fmt = _choice("format", args.get("format", "svg"), FORMATS)
    view.off = parse_off(args.get("off", ""), store)
    view.extent = fit_extent(_extent(args, store))
    view.version = store.version
    return view


def _choice(name: str, value: str, allowed) -> str:
    if value not in allowed:
        raise QueryError(name, f"{value!r} is not one of the choices; allowed: {sorted(allowed)}")
    return value


_YEARS = re.compile(r"^([0-9]{4})(?:-([0-9]{4}))?$")


def parse_years(text: str | None) -> tuple[int, int]:
    """`year=1930` or `year=1927-1932`, as in the map URL, within the map's years."""
    if text is None:
        return DEFAULT_YEAR, DEFAULT_YEAR
    allowed = f"allowed: a year (1930) or a range of years (1927-1932) within {YEARS[0]}–{YEARS[1]}"
    match = _YEARS.match(text)
    if not match:
        raise QueryError("year", f"{text!r} is not a year or a range of years; {allowed}")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if not (YEARS[0] <= first <= last <= YEARS[1]):
        raise QueryError("year", f"{text!r} is outside the map's years or ends before it starts; {allowed}")
    return first, last


def overlay_names(store) -> dict[str, str]:
    """The map's overlay names (as its layer control names them) -> the figure layer they switch."""
    names = {html.unescape(zone): f"zone:{zid}" for zid, zone in zip(*_zone_columns(store), strict=True)}
    names |= {REGISTRY[cid].TITLE: cid for cid in ("border", "places", "outposts", "customs", "incidents")}
    names |= {REGISTRY["migration"].TITLE: "migration", INCIDENT_AREAS: "areas"}
    return names | dict.fromkeys(NOT_DRAWN, "")


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
    """The URL of the map view the figure shows (year, zoom, centre, layers off), to cite it."""
    if "c" in args:
        lat, lon = (float(p) for p in args["c"].split(","))
        zoom = int(args["z"])
    else:
        lat, lon, zoom = zoom_for(view.extent)
    parts = [f"year={view.years[0]}" + (f"-{view.years[1]}" if view.years[1] != view.years[0] else "")]
    parts += [f"z={zoom}", f"c={lat:.4f},{lon:.4f}"]
    off = [n for n in args.get("off", "").split(",") if n]
    if off:
        parts.append("off=" + ",".join(quote(n, safe="") for n in off))
    return url_for("mapview.page", _external=True) + "#" + "&".join(parts)


# ---------------------------------------------------------------- what is drawn


def features(store, view: View) -> dict[str, gpd.GeoDataFrame]:
    """The features the figure draws, by layer: in force in the years, in the view, not switched off."""
    frames = {}
    for cid in ("zones", "border", "places", "outposts", "customs", "incidents", "migration"):
        if cid not in view.off:
            frames[cid] = _in_view(_in_years(store.frame(cid, display=True), view), view)
    frames["zones"] = frames["zones"][[f"zone:{z}" not in view.off for z in frames["zones"]["id"]]]
    frames["areas"] = _incident_areas(store, frames.get("incidents"), view)
    return {cid: frame for cid, frame in frames.items() if len(frame)}


def _in_years(frame: gpd.GeoDataFrame, view: View) -> gpd.GeoDataFrame:
    lo, hi = view.period
    return frame[[overlaps(s, e, lo, hi) for s, e in zip(frame["start"], frame["end"], strict=True)]]


def _in_view(frame: gpd.GeoDataFrame, view: View) -> gpd.GeoDataFrame:
    """The located rows whose geometry meets the view, in the metric CRS."""
    located = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    metric = located.to_crs(METRIC_CRS)
    return metric[metric.intersects(box(*view.extent))]


def _incident_areas(store, incidents, view: View) -> gpd.GeoDataFrame:
    """The areas of possibility of the incidents drawn that were located to an area (unless switched off)."""
    areas = store.frame("areas", display=True)
    if incidents is None or "areas" in view.off:
        return areas.iloc[0:0]
    used = set(incidents.loc[incidents["where_prec"] == "area", "area_id"].dropna())
    return _in_view(areas[areas["id"].isin(used)], view)


def footnotes(frames: dict[str, gpd.GeoDataFrame]) -> list[str]:
    """Each distinct citation of the features drawn, once, in order of first use (seed, note, reference)."""
    seen: dict[tuple, str] = {}
    for frame in frames.values():
        for sources in frame["sources"]:
            for c in sources or []:
                key = (c["seed"], c.get("footnote"), c.get("reference"))
                seen.setdefault(key, citation_text(c))
    return list(seen.values())


def citation_text(c: dict) -> str:
    """A citation as the caption gives it: the seed, its footnote number and the archival reference."""
    note = f", note {c['footnote']}" if c.get("footnote") is not None else ""
    reference = f": {c['reference']}" if c.get("reference") else ""
    return f"{c['seed']}{note}{reference}"


# ---------------------------------------------------------------- drawing


def render(store, view: View, dpi: int = PNG_DPI) -> bytes:
    """The figure of a view as the bytes of an SVG, PDF or PNG file."""
    frames = features(store, view)
    notes = footnotes(frames)
    _ensure_fonts()
    with _LOCK, _matplotlib().rc_context(RC):
        fig = _draw(store, view, frames, notes)
        out = io.BytesIO()
        fig.savefig(out, format=view.fmt, dpi=dpi, metadata=_metadata(view))
    return out.getvalue()


def _metadata(view: View) -> dict:
    title = f"{CITE_TITLE}, {view.years_text}"
    return {"png": {"Title": title}, "svg": {"Title": title}, "pdf": {"Title": title, "Author": "Border Atlas"}}[
        view.fmt
    ]


@functools.cache
def _matplotlib():
    """Matplotlib with the Agg backend, imported on first use."""
    import matplotlib

    matplotlib.use("Agg")
    return matplotlib


@functools.cache
def _ensure_fonts() -> None:
    """Make the installed Noto fonts known to Matplotlib even if its font cache predates them."""
    from matplotlib import font_manager

    for family in FONTS[:2]:
        try:
            font_manager.findfont(family, fallback_to_default=False)
        except ValueError:
            for path in font_manager.findSystemFonts():
                if Path(path).name.startswith("Noto"):
                    font_manager.fontManager.addfont(path)
            return


def _draw(store, view: View, frames: dict, notes: list[str]):
    """The figure: title, map, legend and caption, stacked from the top; the height follows their sizes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_IN, TITLE_H_IN + MAP_H_IN))
    ax = fig.add_axes((0, 0, 1, 1))
    drawing = Drawing(frames)
    _draw_basemap(ax, store, view)
    for layer, draw in DRAWERS.items():
        if layer in frames:
            draw(ax, frames[layer], drawing, view)
    _frame_map(ax, view)
    _scale_bar(ax, view)
    _north_arrow(ax, view)
    FigureCanvasAgg(fig)  # a renderer to measure the legend and the caption (after GeoPandas, which redraws on it)
    parts = {
        "title": fig.text(0.5, 1, f"The Kazakh–Xinjiang border, {view.years_text}", ha="center", fontsize=11),
        "legend": _legend(fig, drawing.legend),
        "caption": fig.text(0, 0, "\n".join(_caption_lines(view, notes)), va="top", fontsize=SMALL, gid="caption"),
    }
    _lay_out(fig, ax, parts)
    return fig


def _lay_out(fig, ax, parts: dict) -> None:
    """Stack the map, the legend and the caption under the title, and size the figure to hold them."""
    legend_h = _height_in(fig, parts["legend"])
    caption_h = _height_in(fig, parts["caption"])
    tops = {"legend": TITLE_H_IN + MAP_H_IN + GAP_IN}
    tops["caption"] = tops["legend"] + legend_h + GAP_IN * (legend_h > 0)
    height = tops["caption"] + caption_h + MARGIN_IN
    fig.set_size_inches(WIDTH_IN, height)
    left, map_w = MARGIN_IN / WIDTH_IN, (WIDTH_IN - 2 * MARGIN_IN) / WIDTH_IN
    ax.set_position((left, 1 - (TITLE_H_IN + MAP_H_IN) / height, map_w, MAP_H_IN / height))
    parts["title"].set_position((0.5, 1 - 0.32 / height))
    parts["caption"].set_position((left, 1 - tops["caption"] / height))
    if parts["legend"] is not None:
        parts["legend"].set_bbox_to_anchor((left, 1 - tops["legend"] / height), transform=fig.transFigure)


def _height_in(fig, artist) -> float:
    return 0.0 if artist is None else artist.get_window_extent().height / fig.dpi


def _frame_map(ax, view: View) -> None:
    """Set the map's extent to the view (already at the map's shape), without axes or ticks."""
    minx, miny, maxx, maxy = view.extent
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_linewidth(0.6)


def fit_extent(extent, aspect: float = (WIDTH_IN - 2 * MARGIN_IN) / MAP_H_IN) -> tuple[float, float, float, float]:
    """An extent widened (never cut) to the map's width/height ratio, as the map frame shows it."""
    minx, miny, maxx, maxy = extent
    w, h = maxx - minx, maxy - miny
    w, h = max(w, h * aspect), max(h, w / aspect)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def _draw_basemap(ax, store, view: View) -> None:
    countries = store.basemap()
    countries = countries.to_crs(METRIC_CRS).clip(box(*view.extent).buffer(view_span(view)))
    for a3, group in countries.groupby("a3"):
        group.plot(ax=ax, facecolor=BASEMAP_FILL.get(a3, "#f2f2f2"), edgecolor="#8a8a8a", linewidth=0.4, zorder=0)


def view_span(view: View) -> float:
    minx, miny, maxx, maxy = view.extent
    return max(maxx - minx, maxy - miny)


def _zone_style(rank: int) -> dict:
    return {"hatch": ZONE_HATCHES[rank % len(ZONE_HATCHES)], "linestyle": ZONE_EDGES[rank % len(ZONE_EDGES)]}


def _draw_zones(ax, zones, drawing: Drawing, view: View) -> None:
    """Zones in force, widest at the bottom; colour, hatch density and edge style by depth rank."""
    from matplotlib.colors import to_rgba
    from matplotlib.patches import Patch

    ranks = {zid: i for i, zid in enumerate(zones.sort_values("depth_m")["id"])}
    for _, zone in zones.sort_values("depth_m", ascending=False).iterrows():
        colour = ZONE_COLOURS[ranks[zone["id"]]]
        style = {
            "facecolor": to_rgba(colour, 0.18),
            "edgecolor": colour,
            "linewidth": 0.6,
            **_zone_style(ranks[zone["id"]]),
        }
        gpd.GeoSeries([zone.geometry], crs=METRIC_CRS).plot(ax=ax, zorder=1, **style)
        drawing.legend.append((zone["name"], Patch(**style)))


def _draw_border(ax, border, drawing: Drawing, view: View) -> None:
    from matplotlib.lines import Line2D

    style = {"color": BORDER_STYLE["color"], "linewidth": 1.3}
    border.plot(ax=ax, zorder=3, **style)
    drawing.legend.append((REGISTRY["border"].TITLE, Line2D([], [], **style)))


def _draw_areas(ax, areas, drawing: Drawing, view: View) -> None:
    from matplotlib.colors import to_rgba
    from matplotlib.patches import Patch

    style = {
        "facecolor": to_rgba(AREA_STYLE["fillColor"], 0.12),
        "edgecolor": AREA_STYLE["color"],
        "linewidth": 0.6,
        "linestyle": "--",
        "hatch": AREA_HATCH,
    }
    areas.plot(ax=ax, zorder=2, **style)
    drawing.legend.append(("Incident: area of possibility", Patch(**style)))


def _point_style(styles: dict, kind: str, marker: str) -> dict:
    radius, colour = styles[kind]
    return {"marker": marker, "s": (radius * 0.95) ** 2, "color": colour, "edgecolors": "#ffffff", "linewidths": 0.4}


def _legend_marker(style: dict):
    from matplotlib.lines import Line2D

    return Line2D(
        [],
        [],
        linestyle="none",
        marker=style["marker"],
        markersize=math.sqrt(style["s"]),
        markerfacecolor=style["color"],
        markeredgecolor=style["edgecolors"],
        markeredgewidth=style["linewidths"],
    )


def _draw_typed(ax, frame, drawing: Drawing, kind: tuple, zorder: int) -> None:
    """Points by type: the map's colour and size, and a marker shape per layer (or per incident type)."""
    column, label_column, prefix, styles, markers = kind
    for value, group in frame.groupby(column, sort=True):
        style = _point_style(styles, value, markers.get(value, "o"))
        ax.scatter(group.geometry.x, group.geometry.y, zorder=zorder, **style)
        label = group[label_column].iloc[0] if label_column else str(value).replace("_", " ")
        drawing.legend.append((f"{prefix}: {label}", _legend_marker(style)))


def _draw_places(ax, places, drawing: Drawing, view: View) -> None:
    from matplotlib.lines import Line2D

    _draw_typed(ax, places, drawing, ("feature_type", None, "Place", PLACE_STYLES, {}), 5)
    listed = places[places["in_1927_list"].astype(bool)]
    if len(listed):
        ring = {"marker": "o", "s": 60, "facecolors": "none", "edgecolors": IN_1927_LIST["color"], "linewidths": 0.8}
        ax.scatter(listed.geometry.x, listed.geometry.y, zorder=4, **ring)
        handle = Line2D([], [], linestyle="none", marker="o", markersize=7.5, markerfacecolor="none")
        handle.set_markeredgecolor(IN_1927_LIST["color"])
        drawing.legend.append(("Place in the 1927 list of the 7.5 km zone", handle))
    _label_places(ax, places, view)


def _draw_outposts(ax, frame, drawing: Drawing, view: View) -> None:
    _draw_typed(ax, frame, drawing, ("unit_type", "unit_type_label", "Unit", UNIT_STYLES, {}), 6)


def _draw_customs(ax, frame, drawing: Drawing, view: View) -> None:
    _draw_typed(ax, frame, drawing, ("post_type", "post_type_label", "Customs", POST_STYLES, {}), 6)


def _draw_incidents(ax, frame, drawing: Drawing, view: View) -> None:
    _draw_typed(
        ax, frame, drawing, ("event_type", "event_type_label", "Incident", INCIDENT_STYLES, INCIDENT_MARKERS), 7
    )


def _draw_migration(ax, flows, drawing: Drawing, view: View) -> None:
    """Flows as curved arrows (as on the map), width by count, line style by kind."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    for kind, group in flows.groupby("kind", sort=True):
        style = {"color": MIGRATION_COLOURS.get(kind, "#54278f"), "linestyle": FLOW_LINES.get(kind, "-")}
        for _, flow in group.iterrows():
            width = 0.35 * flow_width(flow_range(flow.to_dict())[1])
            for part in getattr(flow.geometry, "geoms", [flow.geometry]):
                arrow = FancyArrowPatch(
                    part.coords[0],
                    part.coords[-1],
                    connectionstyle="arc3,rad=0.18",
                    arrowstyle="-|>",
                    mutation_scale=6 + 2 * width,
                    linewidth=width,
                    alpha=0.8,
                    zorder=4,
                    **style,
                )
                ax.add_patch(arrow)
        drawing.legend.append((f"Migration: {group['kind_label'].iloc[0]}", Line2D([], [], linewidth=1.2, **style)))


DRAWERS = {
    "zones": _draw_zones,
    "areas": _draw_areas,
    "border": _draw_border,
    "migration": _draw_migration,
    "places": _draw_places,
    "outposts": _draw_outposts,
    "customs": _draw_customs,
    "incidents": _draw_incidents,
}


def _label_places(ax, places, view: View) -> None:
    """Place names in the chosen language, most important first, skipping any that would overlap."""
    narrow = view_span(view) < LABEL_ALL_BELOW_M
    ranked = places.assign(rank=[LABEL_RANK.get(t, 2) for t in places["feature_type"]])
    ranked = ranked[narrow | (ranked["rank"] < 2)].sort_values(["rank", "name"])
    minx, miny, maxx, maxy = view.extent
    metres_per_pt = (maxx - minx) / ((WIDTH_IN - 2 * MARGIN_IN) * 72)
    taken: list = []
    for _, place in ranked.iterrows():
        text = place.get(view.lang) or place["name"]
        x, y = place.geometry.x + 4 * metres_per_pt, place.geometry.y
        width = len(text) * SMALL * 0.6 * metres_per_pt * (2 if re.search(r"[\u3000-\u9fff]", text) else 1)
        room = box(x, y - SMALL * 0.5 * metres_per_pt, x + width, y + SMALL * 0.5 * metres_per_pt)
        if any(room.intersects(other) for other in taken):
            continue
        taken.append(room)
        ax.text(x, y, text, fontsize=SMALL, va="center", zorder=8, clip_on=True)


def _scale_bar(ax, view: View) -> None:
    """A scale bar of a round length (1, 2 or 5 × 10^n) about a fifth of the map's width, lower left."""
    minx, miny, maxx, maxy = view.extent
    length = nice_length((maxx - minx) / 5)
    x, y = minx + (maxx - minx) * 0.04, miny + (maxy - miny) * 0.05
    tick = (maxy - miny) * 0.008
    for i, colour in enumerate(("#000000", "#ffffff")):
        ax.add_patch(_bar_part(x + i * length / 2, y, length / 2, tick * 1.5, colour))
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    ax.text(x, y + tick * 2.5, "0", fontsize=SMALL, ha="center", zorder=9)
    ax.text(x + length, y + tick * 2.5, label, fontsize=SMALL, ha="center", zorder=9)


def _bar_part(x: float, y: float, width: float, height: float, colour: str):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), width, height, facecolor=colour, edgecolor="#000000", linewidth=0.5, zorder=9)


def nice_length(target: float) -> float:
    """The largest 1, 2 or 5 × 10^n not above target (metres)."""
    power = 10 ** math.floor(math.log10(target))
    return max(step * power for step in (1, 2, 5) if step * power <= target)


def _north_arrow(ax, view: View) -> None:
    """An arrow to true north at the map's centre (the metric CRS's meridians converge), upper right."""
    minx, miny, maxx, maxy = view.extent
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    angle = north_angle(cx, cy)
    size = (maxy - miny) * 0.07
    x, y = maxx - (maxx - minx) * 0.05, maxy - (maxy - miny) * 0.14
    dx, dy = size * math.sin(angle), size * math.cos(angle)
    ax.annotate(
        "N",
        xy=(x + dx, y + dy),
        xytext=(x, y),
        ha="center",
        va="top",
        fontsize=FONT,
        zorder=9,
        arrowprops={"arrowstyle": "-|>", "color": "#000000", "linewidth": 1},
    )


def north_angle(x: float, y: float) -> float:
    """The angle (radians, clockwise from the grid's up) of true north at a point of the metric CRS."""
    here = to_lonlat(Point(x, y))
    north = to_metric(Point(here.x, min(here.y + 0.01, 89.9)))
    return math.atan2(north.x - x, north.y - y)


def _legend(fig, entries: list[tuple[str, object]]):
    """The legend of what is drawn, in columns under the map (None when nothing is drawn)."""
    if not entries:
        return None
    labels, handles = zip(*entries, strict=True)
    return fig.legend(
        handles,
        labels,
        loc="upper left",
        ncol=LEGEND_COLUMNS,
        fontsize=SMALL,
        frameon=False,
        handlelength=2.2,
        handleheight=1.0,
        columnspacing=1.2,
        labelspacing=0.35,
        borderaxespad=0,
        borderpad=0,
    )


def _caption_lines(view: View, notes: list[str]) -> list[str]:
    """The caption: the citation of the atlas, the data version and the view, then the numbered sources."""
    width = int((WIDTH_IN - 2 * MARGIN_IN) * 72 / (SMALL * 0.52))
    cite = f"{CITE_TITLE}. Map view, {view.years_text}. Data version {view.version}. {view.url}"
    wrap = functools.partial(textwrap.wrap, width=width, break_long_words=False, break_on_hyphens=False)
    lines = wrap(cite)
    sources = (
        "Sources: " + " ".join(f"[{i}] {note.rstrip('.')}." for i, note in enumerate(notes, 1))
        if notes
        else "Sources: none"
    )
    return lines + wrap(sources)


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> None:
    """Write the figure of a view to a file: python -m webapp.figure --out docs/figure-1930.png."""
    from webapp import create_app

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="the file to write (.svg, .pdf or .png)")
    parser.add_argument("--query", default="year=1930", help="the view's parameters, as in the URL")
    parser.add_argument("--dpi", type=int, default=150, help="PNG resolution")
    parser.add_argument("--url", default="http://127.0.0.1:8000/", help="the server the caption cites")
    parser.add_argument("--palette", action="store_true", help="reduce a PNG to 256 colours (a smaller file)")
    args = parser.parse_args(argv)
    query = f"{args.query}&format={args.out.suffix.lstrip('.')}"
    app = create_app()
    with app.test_request_context(f"/figure?{query}", base_url=args.url):
        store = get_store()
        view = parse_view(request.args, store)
        view.url = map_url(request.args, view)
        data = render(store, view, dpi=args.dpi)
    args.out.write_bytes(_palette(data, args.dpi) if args.palette and view.fmt == "png" else data)
    print(f"wrote {args.out}")


def _palette(png: bytes, dpi: int) -> bytes:
    """A PNG reduced to 256 colours, keeping its resolution."""
    from PIL import Image

    out = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE).save(
        out, format="png", optimize=True, dpi=(dpi, dpi)
    )
    return out.getvalue()


if __name__ == "__main__":
    main()

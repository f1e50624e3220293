"""What a figure draws: the features of a view, selected by the store's query, and one drawer per layer.

The features are those the map shows for the same years and view: the store's SQL query (the time filter of the
map and the API), then the display geometries that meet the view itself, in the metric CRS. Each drawer takes its
colours, sizes, shapes and line styles from the vocabulary (webapp/vocabulary.py), in the figure's points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import partial

import geopandas as gpd
from shapely.geometry import Point, box

from geo import METRIC_CRS, to_metric
from webapp import certainty, vocabulary
from webapp.figure.page import BORDER_WIDTH, LINE_SCALE, MARKER_SCALE
from webapp.figure.view import DRAWN, View

# The layers drawn as typed points: the legend's prefix and the drawing order (higher on top); the type in words
# is the vocabulary's (webapp/vocabulary.py Layer.words).
POINTS = {
    "places": ("Place", 5),
    "outposts": ("Unit", 6),
    "customs": ("Customs", 6),
    "diplomacy": ("Diplomacy", 6),
    "incidents": ("Incident", 7),
}
LABEL_ALL_BELOW_M = 400_000  # a view narrower than this labels every place; a wider one the important ones
AREA_FILL_OPACITY = 0.12
RING = {"marker": "o", "s": 60, "facecolors": "none", "linewidths": 0.8}  # around the places of the 1927 list
EDGE = 0.03  # a label moved inside the frame keeps this share of the frame from its edge
POSSIBLE_ALPHA = 0.4  # a feature only possibly there in the years: lighter (and dashed), as on the map
POSSIBLE = "Lighter: only possibly there"  # in these years: its sources date it to a wider span, or not at all
FLOW_AREAS = "Migration: areas; lines schematic"  # a flow's line: the route unknown unless the text gives it
STOCK_AREAS = "Migration: area of a stock"


@dataclass
class Drawing:
    """The features a figure draws, by layer (each a frame in the metric CRS), the types of points some marker of
    which shows (webapp.figure.marks: the legend lists those), and its legend."""

    frames: dict[str, gpd.GeoDataFrame]
    showing: set[tuple[str, object]] = field(default_factory=set)
    legend: list[tuple[str, object]] = field(default_factory=list)


# ---------------------------------------------------------------- what is drawn


def features(store, view: View) -> dict[str, gpd.GeoDataFrame]:
    """The features the figure draws, by layer: in force in the years, in the view, not switched off."""
    frames = {}
    for cid in DRAWN:
        if cid not in view.off:
            frame = store.query(cid, period=view.period, display=True)[0]
            frame = _in_view(certainty.with_column(store, cid, frame, view.period), view)
            frames[cid] = _certain(frame) if view.certain else frame
    frames["zones"] = frames["zones"][[f"zone:{z}" not in view.off for z in frames["zones"]["id"]]]
    frames["areas"] = _incident_areas(store, frames.get("incidents"), view)
    frames["flowareas"] = _flow_areas(store, frames.get("migration"), view)
    return {cid: frame for cid, frame in frames.items() if len(frame)}


def _certain(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The rows certainly there in the years (`certain=1`): the possible ones left out, not drawn lighter."""
    return frame[~frame.apply(_possible, axis=1).astype(bool)] if len(frame) else frame


def _in_view(frame: gpd.GeoDataFrame, view: View) -> gpd.GeoDataFrame:
    """The located rows whose geometry meets the view, in the metric CRS."""
    located = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    metric = located.to_crs(METRIC_CRS)
    return metric[metric.intersects(box(*view.extent))]


def _parts(geometry) -> list:
    return list(getattr(geometry, "geoms", [geometry]))


def _flow_areas(store, flows, view: View) -> gpd.GeoDataFrame:
    """The areas the flows drawn go between (outlined), and those the stocks drawn are counted in (hatched)."""
    areas = store.frame("areas", display=True)
    if flows is None or "flowareas" in view.off:
        return areas.iloc[0:0]
    moving = flows[flows["kind"] != "presence"]
    ends = set(moving["from_area"].dropna()) | {a for t in moving["to_areas"] for a in (t or [])}
    stocks = set(flows.loc[flows["kind"] == "presence", "area_id"].dropna())
    used = areas[areas["id"].isin(ends | stocks)]
    return _in_view(used.assign(stock=used["id"].isin(stocks)), view)


def _incident_areas(store, incidents, view: View) -> gpd.GeoDataFrame:
    """The areas of possibility of the incidents drawn that were located to an area (unless switched off)."""
    areas = store.frame("areas", display=True)
    if incidents is None or "areas" in view.off:
        return areas.iloc[0:0]
    used = set(incidents.loc[incidents["where_prec"] == "area", "area_id"].dropna())
    return _in_view(areas[areas["id"].isin(used)], view)


# ---------------------------------------------------------------- one drawer per layer


def _line(name: str) -> str:
    return vocabulary.LINES[name].figure


def draw_zones(ax, zones, drawing: Drawing, view: View, ranks: dict[str, int]) -> None:
    """Zones in force, widest at the bottom; colour, hatch density and edge style by depth rank (as on the map)."""
    from matplotlib.colors import to_rgba
    from matplotlib.patches import Patch

    for _, zone in zones.sort_values("depth_m", ascending=False).iterrows():
        rank = ranks[zone["id"]]
        look = vocabulary.zone_look(rank)
        style = {
            "facecolor": to_rgba(look.colour, vocabulary.ZONE_FILL_OPACITY),
            "edgecolor": look.colour,
            "linewidth": 0.6,
            "hatch": vocabulary.ZONE_HATCHES[rank % len(vocabulary.ZONE_HATCHES)],
            "linestyle": _line(look.shape),
        }
        if _possible(zone):
            style |= {"facecolor": to_rgba(look.colour, vocabulary.ZONE_FILL_OPACITY * POSSIBLE_ALPHA),
                      "edgecolor": to_rgba(look.colour, POSSIBLE_ALPHA), "linestyle": "--"}  # fmt: skip
            possible_key(drawing)
        gpd.GeoSeries([zone.geometry], crs=METRIC_CRS).plot(ax=ax, zorder=1, **style)
        drawing.legend.append((zone["name"], Patch(**style)))


def draw_border(ax, border, drawing: Drawing, view: View) -> None:
    from matplotlib.lines import Line2D

    style = {"color": vocabulary.BORDER.colour, "linewidth": BORDER_WIDTH, "linestyle": _line(vocabulary.BORDER.shape)}
    border.plot(ax=ax, zorder=3, **style)
    drawing.legend.append((vocabulary.OVERLAYS["border"], Line2D([], [], **style)))


def draw_areas(ax, areas, drawing: Drawing, view: View) -> None:
    from matplotlib.colors import to_rgba
    from matplotlib.patches import Patch

    style = {
        "facecolor": to_rgba(vocabulary.AREA.colour, AREA_FILL_OPACITY),
        "edgecolor": vocabulary.AREA.colour,
        "linewidth": 0.6,
        "linestyle": _line(vocabulary.AREA.shape),
        "hatch": vocabulary.AREA_HATCH,
    }
    areas.plot(ax=ax, zorder=2, **style)
    drawing.legend.append(("Incident: area of possibility", Patch(**style)))


def _possible(row) -> bool:
    """Whether a feature is only possibly there in the figure's years (webapp.certainty)."""
    return row.get("certainty") == "possible"


def possible_key(drawing: Drawing) -> None:
    """The legend's key of what lighter and dashed mean, once."""
    from matplotlib.patches import Patch

    if all(label != POSSIBLE for label, _ in drawing.legend):
        style = {"facecolor": (0.4, 0.4, 0.4, 0.15), "edgecolor": (0.3, 0.3, 0.3, POSSIBLE_ALPHA), "linestyle": "--"}
        drawing.legend.append((POSSIBLE, Patch(**style)))


def marker_style(look: vocabulary.Look) -> dict:
    """Matplotlib's scatter style of a type's look: its shape, colour and size."""
    marker = vocabulary.SHAPES[look.shape].figure
    return {"marker": marker, "s": (look.size * MARKER_SCALE) ** 2, "color": look.colour, "edgecolors": "#ffffff"}


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
        markeredgewidth=0.4,
    )


def draw_points(cid: str, ax, frame, drawing: Drawing, view: View) -> None:
    """Points by type: the vocabulary's colour, size and shape for each type of the layer; in the legend the types
    some marker of which shows."""
    prefix, zorder = POINTS[cid]
    layer = vocabulary.LAYERS[cid]
    label_column = layer.words  # the type in words, as the map's legend says it (None: the type itself)
    for value, group in frame.groupby(layer.column, sort=True):
        style = marker_style(layer.look(value))
        possible = group.apply(_possible, axis=1).astype(bool)
        ax.scatter(group.geometry.x[~possible], group.geometry.y[~possible], zorder=zorder, linewidths=0.4,
                   gid=f"{cid}-{value}", **style)  # fmt: skip
        if possible.any():
            ax.scatter(group.geometry.x[possible], group.geometry.y[possible], zorder=zorder, linewidths=0.8,
                       alpha=POSSIBLE_ALPHA, gid=f"{cid}-{value}-possible", **style)  # fmt: skip
            possible_key(drawing)
        label = group[label_column].iloc[0] if label_column else str(value).replace("_", " ")
        if (cid, value) in drawing.showing:  # a type all of whose markers lie under others is not listed
            drawing.legend.append((f"{prefix}: {label}", _legend_marker(style)))


def draw_places(ax, places, drawing: Drawing, view: View) -> None:
    """Places by type and a ring around those of the 1927 list (their labels: webapp.figure.labels)."""
    from matplotlib.lines import Line2D

    draw_points("places", ax, places, drawing, view)
    listed = places[places["in_1927_list"].astype(bool)]
    ring = vocabulary.RINGS["listed"]["color"]
    if len(listed):
        ax.scatter(listed.geometry.x, listed.geometry.y, zorder=4, edgecolors=ring, **RING)
        handle = Line2D([], [], linestyle="none", marker="o", markersize=7.5, markerfacecolor="none")
        handle.set_markeredgecolor(ring)
        drawing.legend.append(("In the 7.5 km zone's 1927 list", handle))


def draw_migration(ax, flows, drawing: Drawing, view: View) -> None:
    """Flows as the curves the build drew between areas (as on the map): width by figure, a band behind for its
    range, dashed where it counts households, an arrowhead at each end or a bar where the crossing was stopped; a
    total whose split by destination is not given thin, its figure written at its origin, as a stock's is at its
    area (which draw_flow_areas hatches)."""
    from matplotlib.lines import Line2D

    layer, keys = vocabulary.LAYERS["migration"], set()
    for kind, group in flows.groupby(layer.column, sort=True):
        look = layer.look(kind)
        for _, flow in group.iterrows():
            props = flow.to_dict()
            if kind != "presence":
                keys |= _draw_flow(ax, flow, props, look.colour)
            if _possible(props):
                possible_key(drawing)
            _figure_label(ax, props, look.colour, view)
        if kind != "presence":
            handle = Line2D([], [], linewidth=1.2, color=look.colour)
            drawing.legend.append((f"Migration: {group['kind_label'].iloc[0]}", handle))
    for key in FLOW_KEYS:
        if key in keys:
            drawing.legend.append((FLOW_KEYS[key][0], FLOW_KEYS[key][1]()))


def _draw_flow(ax, flow, props: dict, colour: str) -> set[str]:
    """One flow's parts, band and ends; the keys of the legend it needs."""
    line, band, open_band = vocabulary.flow_widths(props)
    unit = vocabulary.FLOW_UNIT_LINES.get(props.get("count_unit"), "solid")
    stopped = props.get("outcome") == "stopped"
    for part in _parts(flow.geometry):
        xs, ys = part.xy
        if band:
            band_style = {"alpha": vocabulary.FLOW_WIDTH["band"], "solid_capstyle": "butt"}
            ax.plot(xs, ys, color=colour, linewidth=LINE_SCALE * band, linestyle=":" if open_band else "-",
                    zorder=3.9, gid=f"migration-band-{props['id']}", **band_style)  # fmt: skip
        alpha = 0.85 * (POSSIBLE_ALPHA if _possible(props) else 1)
        ax.plot(xs, ys, color=colour, linewidth=LINE_SCALE * line, linestyle=_line(unit), alpha=alpha, zorder=4,
                gid=f"migration-{props['kind']}")  # fmt: skip
        ax.add_patch(_end(part, colour, LINE_SCALE * line, stopped))
    keys = {props.get("count_unit") or "", "split" if props.get("split") else "", "stopped" if stopped else ""}
    return (keys | {("open" if open_band else "band") if band else ""}) - {""}


def _end(part, colour: str, width: float, stopped: bool):
    """The arrowhead on a part's last segment, or a bar across its end."""
    from matplotlib.patches import FancyArrowPatch

    style = "-[,widthB=0.7,lengthB=0" if stopped else "-|>"
    head = {"arrowstyle": style, "mutation_scale": 6 + 2 * width, "linewidth": max(width, 0.8) if stopped else 0}
    return FancyArrowPatch(part.coords[-2], part.coords[-1], color=colour, zorder=4.1, **head)


def _inside(point, view: View) -> tuple[tuple[float, float], str, bool]:
    """A label's point moved inside the frame where it lies outside (an origin or area beyond the view: its figure is
    written at the frame's edge nearest it), the side its text runs from, and whether it runs up (from the bottom)."""
    minx, miny, maxx, maxy = view.extent
    dx, dy = (maxx - minx) * EDGE, (maxy - miny) * EDGE
    x, y = min(max(point.x, minx + dx), maxx - dx), min(max(point.y, miny + dy), maxy - dy)
    return (x, y), "right" if x < point.x else "left", y > point.y


def _figure_label(ax, props: dict, colour: str, view: View) -> None:
    """The figure of a stock, or of a total whose split is not given, at its area (one under another)."""
    if props.get("label_lon") is None or (props["kind"] != "presence" and not props.get("split")):
        return
    (x, y), align, up = _inside(to_metric(Point(props["label_lon"], props["label_lat"])), view)
    text = (f"{props['who']}: " if props["kind"] == "presence" else "") + props["figure_text"]
    text += " (split not given)" if props.get("split") else ""
    rise = 4 + 8 * (props.get("label_row") or 0)
    offset = (4 if align == "left" else -4, rise if up else -rise)
    ax.annotate(text, (x, y), xytext=offset, ha=align, va="bottom" if up else "top",
                textcoords="offset points", fontsize=5.5, fontstyle="italic", color=colour, zorder=8,
                gid="flow-label", bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none",
                                        "alpha": 0.8}, annotation_clip=True)  # fmt: skip


def _line_key(unit: str, width: float = 1.2):
    from matplotlib.lines import Line2D

    return lambda: Line2D([], [], linewidth=width, color="#333333", linestyle=_line(vocabulary.FLOW_UNIT_LINES[unit]))


def _band_key(style: str = "-"):
    from matplotlib.lines import Line2D

    return lambda: Line2D([], [], linewidth=5, color="#54278f", alpha=vocabulary.FLOW_WIDTH["band"], linestyle=style,
                          solid_capstyle="butt")  # fmt: skip


def _stopped_key():
    from matplotlib.lines import Line2D

    return Line2D([], [], linestyle="none", marker="|", markersize=7, markeredgewidth=1.5, color="#333333")


# The legend keys of how a flow is drawn: the line by whom it counts, the band of a range, a stopped crossing.
FLOW_KEYS = {
    "people": ("Migration: people (solid)", _line_key("people")),
    "households": ("Migration: households (dashed)", _line_key("households")),
    "band": ("Migration: range (pale band)", _band_key()),
    "open": ("Migration: 'at least' (broken band)", _band_key(":")),
    "split": ("Migration: total not split (thin)", _line_key("people", 0.6)),
    "stopped": ("Migration: stopped at the border", _stopped_key),
}


def draw_flow_areas(ax, areas, drawing: Drawing, view: View) -> None:
    """The areas the flows go between, outlined; those a stock is counted in, hatched (schematic, never boundaries
    of the time: each area's basis says what it is)."""
    from matplotlib.colors import to_rgba
    from matplotlib.patches import Patch

    colour = vocabulary.LAYERS["migration"].types["presence"].colour
    ends = {"facecolor": "none", "edgecolor": vocabulary.LAYERS["migration"].types["emigration"].colour}
    ends |= {"linewidth": 0.5, "linestyle": _line("dot")}
    stock = {"facecolor": to_rgba(colour, 0.08), "edgecolor": colour, "linewidth": 0.5, "hatch": "////"}
    for is_stock, style, label in ((False, ends, FLOW_AREAS), (True, stock, STOCK_AREAS)):
        group = areas[areas["stock"] == is_stock]
        if len(group):
            group.plot(ax=ax, zorder=1.5, **style)
            drawing.legend.append((label, Patch(**style)))


DRAWERS = {
    "areas": draw_areas,
    "flowareas": draw_flow_areas,
    "border": draw_border,
    "migration": draw_migration,
    "places": draw_places,
    "outposts": partial(draw_points, "outposts"),
    "customs": partial(draw_points, "customs"),
    "diplomacy": partial(draw_points, "diplomacy"),
    "incidents": partial(draw_points, "incidents"),
}

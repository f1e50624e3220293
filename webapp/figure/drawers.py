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
import numpy as np
from shapely.geometry import LineString, box

from geo import METRIC_CRS
from webapp import vocabulary
from webapp.figure.page import BORDER_WIDTH, LINE_SCALE, MARKER_SCALE
from webapp.figure.view import View

DRAWN = ("zones", "border", "places", "outposts", "customs", "diplomacy", "incidents", "migration")
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
FLOW_BEND = 0.18  # a flow's arc: Matplotlib's arc3 `rad`, the control point's offset from the chord's middle


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
            frames[cid] = _in_view(store.query(cid, period=view.period, display=True)[0], view)
    frames["zones"] = frames["zones"][[f"zone:{z}" not in view.off for z in frames["zones"]["id"]]]
    if "migration" in frames:  # a flow is drawn as an arc: it is in view when its arc is, whatever its line does
        shown = box(*view.extent)
        flows = frames["migration"]
        frames["migration"] = flows[[any(flow_arc(p).intersects(shown) for p in _parts(g)) for g in flows.geometry]]
    frames["areas"] = _incident_areas(store, frames.get("incidents"), view)
    return {cid: frame for cid, frame in frames.items() if len(frame)}


def _in_view(frame: gpd.GeoDataFrame, view: View) -> gpd.GeoDataFrame:
    """The located rows whose geometry meets the view, in the metric CRS."""
    located = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    metric = located.to_crs(METRIC_CRS)
    return metric[metric.intersects(box(*view.extent))]


def _parts(geometry) -> list:
    return list(getattr(geometry, "geoms", [geometry]))


def flow_arc(part, steps: int = 32) -> LineString:
    """The curve a flow's line is drawn as, from its first point to its last: Matplotlib's arc3, a quadratic
    Bézier whose control point stands FLOW_BEND of the chord off its middle."""
    (x1, y1), (x2, y2) = part.coords[0], part.coords[-1]
    cx, cy = (x1 + x2) / 2 + FLOW_BEND * (y2 - y1), (y1 + y2) / 2 - FLOW_BEND * (x2 - x1)
    t = np.linspace(0, 1, steps)
    xs = (1 - t) ** 2 * x1 + 2 * (1 - t) * t * cx + t**2 * x2
    ys = (1 - t) ** 2 * y1 + 2 * (1 - t) * t * cy + t**2 * y2
    return LineString(np.column_stack([xs, ys]))


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
        ax.scatter(group.geometry.x, group.geometry.y, zorder=zorder, linewidths=0.4, gid=f"{cid}-{value}", **style)
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
        drawing.legend.append(("Place in the 1927 list of the 7.5 km zone", handle))


def draw_migration(ax, flows, drawing: Drawing, view: View) -> None:
    """Flows as curved arrows (as on the map), width by count, colour and line style by kind."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    layer = vocabulary.LAYERS["migration"]
    for kind, group in flows.groupby(layer.column, sort=True):
        look = layer.look(kind)
        style = {"color": look.colour, "linestyle": _line(look.shape)}
        for _, flow in group.iterrows():
            width = LINE_SCALE * vocabulary.flow_width(vocabulary.flow_range(flow.to_dict())[1])
            for part in _parts(flow.geometry):
                arrow = FancyArrowPatch(
                    part.coords[0],
                    part.coords[-1],
                    connectionstyle=f"arc3,rad={FLOW_BEND}",
                    arrowstyle="-|>",
                    mutation_scale=6 + 2 * width,
                    linewidth=width,
                    alpha=0.8,
                    zorder=4,
                    gid=f"migration-{kind}",
                    **style,
                )
                ax.add_patch(arrow)
        drawing.legend.append((f"Migration: {group['kind_label'].iloc[0]}", Line2D([], [], linewidth=1.2, **style)))


DRAWERS = {
    "areas": draw_areas,
    "border": draw_border,
    "migration": draw_migration,
    "places": draw_places,
    "outposts": partial(draw_points, "outposts"),
    "customs": partial(draw_points, "customs"),
    "diplomacy": partial(draw_points, "diplomacy"),
    "incidents": partial(draw_points, "incidents"),
}

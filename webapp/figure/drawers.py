"""What a figure draws: the features of a view, selected by the store's query, and one drawer per layer.

The features are those the map shows for the same years and view: the store's SQL query (the time filter of the
map and the API), then the display geometries that meet the view itself, in the metric CRS. Each drawer takes its
colours, sizes, shapes and line styles from the vocabulary (webapp/vocabulary.py), in the figure's points.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import partial

import geopandas as gpd
from shapely.geometry import box

from geo import METRIC_CRS
from webapp import vocabulary
from webapp.figure.page import BORDER_WIDTH, LINE_SCALE, MARKER_SCALE, SMALL
from webapp.figure.view import View

DRAWN = ("zones", "border", "places", "outposts", "customs", "diplomacy", "incidents", "migration")
# The layers drawn as typed points: the legend's prefix, the column naming the type in words (None: the type
# itself), and the drawing order (higher on top).
POINTS = {
    "places": ("Place", None, 5),
    "outposts": ("Unit", "unit_type_label", 6),
    "customs": ("Customs", "post_type_label", 6),
    "diplomacy": ("Diplomacy", "kind_label", 6),
    "incidents": ("Incident", "event_type_label", 7),
}
LABEL_ALL_BELOW_M = 400_000  # a view narrower than this labels every place; a wider one the important ones
AREA_FILL_OPACITY = 0.12


@dataclass
class Drawing:
    """The features a figure draws, by layer (each a frame in the metric CRS), and its legend."""

    frames: dict[str, gpd.GeoDataFrame]
    legend: list[tuple[str, object]] = field(default_factory=list)


# ---------------------------------------------------------------- what is drawn


def features(store, view: View) -> dict[str, gpd.GeoDataFrame]:
    """The features the figure draws, by layer: in force in the years, in the view, not switched off."""
    frames = {}
    for cid in DRAWN:
        if cid not in view.off:
            frames[cid] = _in_view(store.query(cid, period=view.period, display=True)[0], view)
    frames["zones"] = frames["zones"][[f"zone:{z}" not in view.off for z in frames["zones"]["id"]]]
    frames["areas"] = _incident_areas(store, frames.get("incidents"), view)
    return {cid: frame for cid, frame in frames.items() if len(frame)}


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
    """Points by type: the vocabulary's colour, size and shape for each type of the layer."""
    prefix, label_column, zorder = POINTS[cid]
    layer = vocabulary.LAYERS[cid]
    for value, group in frame.groupby(layer.column, sort=True):
        style = marker_style(layer.look(value))
        ax.scatter(group.geometry.x, group.geometry.y, zorder=zorder, linewidths=0.4, gid=f"{cid}-{value}", **style)
        label = group[label_column].iloc[0] if label_column else str(value).replace("_", " ")
        drawing.legend.append((f"{prefix}: {label}", _legend_marker(style)))


def draw_places(ax, places, drawing: Drawing, view: View) -> None:
    """Places by type, a ring around those of the 1927 list, and their labels."""
    from matplotlib.lines import Line2D

    draw_points("places", ax, places, drawing, view)
    listed = places[places["in_1927_list"].astype(bool)]
    ring = vocabulary.RINGS["listed"]["color"]
    if len(listed):
        style = {"marker": "o", "s": 60, "facecolors": "none", "edgecolors": ring, "linewidths": 0.8}
        ax.scatter(listed.geometry.x, listed.geometry.y, zorder=4, **style)
        handle = Line2D([], [], linestyle="none", marker="o", markersize=7.5, markerfacecolor="none")
        handle.set_markeredgecolor(ring)
        drawing.legend.append(("Place in the 1927 list of the 7.5 km zone", handle))
    _label_places(ax, places, view)


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
    "areas": draw_areas,
    "border": draw_border,
    "migration": draw_migration,
    "places": draw_places,
    "outposts": partial(draw_points, "outposts"),
    "customs": partial(draw_points, "customs"),
    "diplomacy": partial(draw_points, "diplomacy"),
    "incidents": partial(draw_points, "incidents"),
}


def _label_places(ax, places, view: View) -> None:
    """Place names in the chosen language, most important first, skipping any that would overlap."""
    narrow = view.span < LABEL_ALL_BELOW_M
    layer = vocabulary.LAYERS["places"]
    ranked = places.assign(rank=[layer.look(t).label for t in places[layer.column]])
    ranked = ranked[narrow | (ranked["rank"] <= vocabulary.FIGURE_LABELS)].sort_values(["rank", "name"])
    minx, _, maxx, _ = view.extent
    metres_per_pt = (maxx - minx) / (view.page.map_w_in * 72)
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

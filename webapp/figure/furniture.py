"""The map's scale bar and north arrow, each returning the box it takes (in the map's points, webapp.figure.labels)
so that no place label is put over it.

The scale bar stands lower left; the north arrow in the first corner free of markers (upper right, upper left,
lower right), its "N" on a white box, readable over whatever lies under it.
"""

from __future__ import annotations

import math

from shapely.geometry import Point, box

from geo import to_lonlat, to_metric
from webapp.figure.marks import MapPoints, Marker
from webapp.figure.page import FONT, SMALL
from webapp.figure.text import size_pt
from webapp.figure.view import View

HALO = {"boxstyle": "square,pad=0.15", "facecolor": "#ffffff", "edgecolor": "none", "alpha": 0.85}
# The corners the north arrow may take, in order: where its tail (and the "N" under it) stands, as fractions of
# the map's width and height.
NORTH_CORNERS = ((0.95, 0.86), (0.05, 0.86), (0.95, 0.14))
NORTH_SIZE = 0.07  # the arrow's length, a fraction of the map's height


def scale_bar(ax, view: View):
    """A scale bar of a round length (1, 2 or 5 × 10^n) about a fifth of the map's width, lower left."""
    minx, miny, maxx, maxy = view.extent
    length = nice_length((maxx - minx) / 5)
    x, y = minx + (maxx - minx) * 0.04, miny + (maxy - miny) * 0.05
    tick = (maxy - miny) * 0.008
    for i, colour in enumerate(("#000000", "#ffffff")):
        ax.add_patch(_bar_part(x + i * length / 2, y, length / 2, tick * 1.5, colour))
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    for at, text in ((x, "0"), (x + length, label)):  # on a white box: readable over the zones' hatching
        ax.text(at, y + tick * 2.5, text, fontsize=SMALL, ha="center", zorder=9, gid="scale-label", bbox=HALO)
    points = MapPoints(view)
    (left, bottom), (right, top) = points.at(x, y), points.at(x + length, y + tick * 2.5)
    half = size_pt(label, SMALL)[0] / 2 + 1
    return box(left - half, bottom, right + half, top + size_pt(label, SMALL)[1] + 1)


def _bar_part(x: float, y: float, width: float, height: float, colour: str):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), width, height, facecolor=colour, edgecolor="#000000", linewidth=0.5, zorder=9)


def nice_length(target: float) -> float:
    """The largest 1, 2 or 5 × 10^n not above target (metres)."""
    power = 10 ** math.floor(math.log10(target))
    return max(step * power for step in (1, 2, 5) if step * power <= target)


def north_arrow(ax, view: View, drawn: list[Marker]):
    """An arrow to true north at the map's centre (the metric CRS's meridians converge), in the first corner of
    NORTH_CORNERS whose box meets no marker (`drawn`; else the one meeting fewest), its "N" on a white box."""
    minx, miny, maxx, maxy = view.extent
    angle = north_angle((minx + maxx) / 2, (miny + maxy) / 2)
    size = (maxy - miny) * NORTH_SIZE
    points = MapPoints(view)
    rooms = [_north_box(points, corner) for corner in NORTH_CORNERS]
    crowded = [sum(room.intersects(m.shape) for m in drawn) for room in rooms]
    corner = NORTH_CORNERS[crowded.index(min(crowded))]
    x, y = minx + (maxx - minx) * corner[0], miny + (maxy - miny) * corner[1]
    ax.annotate(
        "N",
        xy=(x + size * math.sin(angle), y + size * math.cos(angle)),
        xytext=(x, y),
        ha="center",
        va="top",
        fontsize=FONT,
        zorder=9,
        gid="north-arrow",
        bbox=HALO,
        arrowprops={"arrowstyle": "-|>", "color": "#000000", "linewidth": 1},
    )
    return rooms[crowded.index(min(crowded))]


def _north_box(points: MapPoints, corner: tuple[float, float]):
    """The box the arrow and its "N" take with its tail at a corner (a little wider than the arrow may lean)."""
    width, height = points.size
    x, y = width * corner[0], height * corner[1]
    n_width, n_height = size_pt("N", FONT)
    half = max(n_width, height * NORTH_SIZE * 0.3) / 2 + 2
    return box(x - half, y - n_height - 2, x + half, y + height * NORTH_SIZE + 1)


def north_angle(x: float, y: float) -> float:
    """The angle (radians, clockwise from the grid's up) of true north at a point of the metric CRS."""
    here = to_lonlat(Point(x, y))
    north = to_metric(Point(here.x, min(here.y + 0.01, 89.9)))
    return math.atan2(north.x - x, north.y - y)

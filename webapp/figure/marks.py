"""The markers a figure draws, as shapes on the map's page: what a label, the north arrow and the legend must
know of them.

Everything is in the map's points, from its lower left corner, where a marker's shape and size are known (the
vocabulary's shape at its size, as Matplotlib's scatter draws it). The markers come in the order they are painted
(by layer's drawing order, then type, then row), so that one can tell which show and which lie under others: a
type is in the legend only if some marker of it shows (webapp.figure.drawers).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from shapely import affinity
from shapely.geometry import Polygon, box

from webapp import vocabulary
from webapp.figure.drawers import RING
from webapp.figure.page import MARKER_SCALE
from webapp.figure.view import View

EDGE_PT = 0.2  # half a marker's white edge (drawers.draw_points: 0.4 pt)
RING_Z = 4  # the ring around the places of the 1927 list is painted under every marker (drawers.draw_places)
SHOWS = 0.25  # a marker shows when at least this share of it is not under markers painted after it


@dataclass
class MapPoints:
    """The map of a view in points: metric coordinates to points from the map's lower left corner."""

    view: View

    @property
    def per_pt(self) -> float:
        minx, _, maxx, _ = self.view.extent
        return (maxx - minx) / (self.view.page.map_w_in * 72)

    @property
    def size(self) -> tuple[float, float]:
        return self.view.page.map_w_in * 72, self.view.page.map_h_in * 72

    def at(self, x: float, y: float) -> tuple[float, float]:
        minx, miny, _, _ = self.view.extent
        return (x - minx) / self.per_pt, (y - miny) / self.per_pt

    def frame(self, inset: float = 0.0):
        width, height = self.size
        return box(inset, inset, width - inset, height - inset)


@dataclass
class Marker:
    """One marker drawn: its layer and type, its place (points) and its outline there."""

    layer: str
    kind: object
    at: tuple[float, float]
    shape: Polygon


@functools.cache
def _outline(marker: str) -> Polygon:
    """A Matplotlib marker's outline, one point across (as scatter scales it by the marker's size)."""
    from matplotlib.markers import MarkerStyle

    style = MarkerStyle(marker)
    return Polygon(style.get_path().transformed(style.get_transform()).to_polygons()[0])


def markers(frames: dict, points: MapPoints, layers: dict) -> list[Marker]:
    """Every marker of the point layers (`layers`: {layer: (prefix, zorder)}) in the order they are painted: by
    zorder, then layer, type and row, as Matplotlib paints them."""
    drawn = []
    for cid, (_, zorder) in layers.items():
        if cid not in frames:
            continue
        layer = vocabulary.LAYERS[cid]
        for kind, group in frames[cid].groupby(layer.column, sort=True):
            look = layer.look(kind)
            size = look.size * MARKER_SCALE
            outline = affinity.scale(_outline(vocabulary.SHAPES[look.shape].figure), size, size, origin=(0, 0))
            outline = outline.buffer(EDGE_PT)
            for geometry in group.geometry:
                at = points.at(geometry.x, geometry.y)
                drawn.append((zorder, Marker(cid, kind, at, affinity.translate(outline, *at))))
    if "places" in frames:
        size = RING["s"] ** 0.5 + RING["linewidths"]
        listed = frames["places"][frames["places"]["in_1927_list"].astype(bool)]
        for geometry in listed.geometry:
            at = points.at(geometry.x, geometry.y)
            drawn.append((RING_Z, Marker("ring", None, at, affinity.scale(_outline("o"), size, size, origin=(0, 0)))))
    return [marker for _, marker in sorted(drawn, key=lambda pair: pair[0])]


def showing(drawn: list[Marker]) -> set[tuple[str, object]]:
    """(layer, type) of the types some marker of which shows: not mostly under markers painted after it."""
    shown, above = set(), Polygon()
    for marker in reversed(drawn):
        if marker.shape.intersection(above).area <= (1 - SHOWS) * marker.shape.area:
            shown.add((marker.layer, marker.kind))
        above = above.union(marker.shape)
    return shown

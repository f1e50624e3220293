"""Where a figure's place labels go: beside their marker, clear of the map's frame, of each other, of the scale
bar and the north arrow, and above every marker.

Laid out in the map's points (webapp.figure.marks), where the markers' outlines and a label's measured width are
known: a label starts a small gap past the markers drawn at its place, on the right, else on the left, above or
below; a side that would cover another marker is taken only when no other fits. A label that fits on no side (it
would cross the frame or another label) is left out, never cut; where several places share a point (a town and
its district) the most important is named.
"""

from __future__ import annotations

from shapely.geometry import Point, box

from webapp import vocabulary
from webapp.figure.drawers import LABEL_ALL_BELOW_M
from webapp.figure.marks import MapPoints, Marker
from webapp.figure.page import SMALL
from webapp.figure.text import size_pt
from webapp.figure.view import View

GAP_PT = 1.2  # between the markers at a place and its label
EDGE_PT = 1.0  # a label keeps this far inside the map's frame
SAME_POINT_PT = 1.0  # places closer than this share a label
LABEL_Z = 10  # above every marker (places 5, units and posts 6, incidents 7) and the scale bar (9)
LABEL_BOX = {"boxstyle": "square,pad=0.08", "facecolor": "#ffffff", "edgecolor": "none", "alpha": 0.7}
PAD_PT = 0.08 * SMALL  # the box's pad around the text
# The sides a label may take, in order of preference: (ha, va, x and y of the offset in reaches from the point).
SIDES = (("left", "center", 1, 0), ("right", "center", -1, 0), ("center", "bottom", 0, 1), ("center", "top", 0, -1))


def label_places(ax, places, view: View, drawn: list[Marker], reserved: list) -> list:
    """Place names in the chosen language, most important first, each on the first side of its markers that fits;
    `drawn`: the markers, `reserved`: the boxes (in the map's points) of what else is drawn on the map. Returns
    the labels' boxes."""
    if places is None:
        return []
    points = MapPoints(view)
    inside = points.frame(EDGE_PT)
    taken, named = list(reserved), []
    for _, place in _ranked(places, view).iterrows():
        anchor = Point(points.at(place.geometry.x, place.geometry.y))
        if any(anchor.distance(other) < SAME_POINT_PT for other in named):
            continue
        text = place.get(view.lang) or place["name"]
        own = [m.shape for m in drawn if m.shape.contains(anchor)]
        reach = max((anchor.hausdorff_distance(shape.exterior) for shape in own), default=0) + GAP_PT
        fits = [s for s in _sides(anchor, text, reach) if inside.contains(s[1]) and _clear(s[1], taken)]
        if not fits:
            continue
        others = [m.shape for m in drawn if not m.shape.contains(anchor)]
        side, room = next((s for s in fits if _clear(s[1], others)), fits[0])
        taken.append(room)
        named.append(anchor)
        _draw_label(ax, place.geometry, text, side, reach)
    return taken[len(reserved) :]


def _ranked(places, view: View):
    """The places to label, most important first: all of them in a narrow view, the important ones in a wide one."""
    narrow = view.span < LABEL_ALL_BELOW_M
    layer = vocabulary.LAYERS["places"]
    ranked = places.assign(rank=[layer.look(t).label for t in places[layer.column]])
    return ranked[narrow | (ranked["rank"] <= vocabulary.FIGURE_LABELS)].sort_values(["rank", "name"])


def _sides(anchor: Point, text: str, reach: float) -> list[tuple[tuple, object]]:
    """(side, the label's box there, its pad included) for each side of SIDES."""
    width, height = size_pt(text, SMALL)
    rooms = []
    for side in SIDES:
        _, _, dx, dy = side
        cx, cy = anchor.x + dx * (reach + width / 2), anchor.y + dy * (reach + height / 2)
        room = box(cx - width / 2 - PAD_PT, cy - height / 2 - PAD_PT, cx + width / 2 + PAD_PT, cy + height / 2 + PAD_PT)
        rooms.append((side, room))
    return rooms


def _clear(room, others: list) -> bool:
    return not any(room.intersects(other) for other in others)


def _draw_label(ax, at, text: str, side: tuple, reach: float) -> None:
    ha, va, dx, dy = side
    ax.annotate(
        text,
        xy=(at.x, at.y),
        xytext=(dx * reach, dy * reach),
        textcoords="offset points",
        ha=ha,
        va=va,
        fontsize=SMALL,
        zorder=LABEL_Z,
        bbox=LABEL_BOX,
        annotation_clip=True,
        gid="place-label",
    )

"""The features a figure marks as selected (`sel=id,id`, as a map URL's `sel` or a tour step's `select`): each
ringed in a colour no layer uses, above everything, with one key in the legend."""

from __future__ import annotations

import geopandas as gpd

from geo import METRIC_CRS
from store.errors import QueryError

COLOUR = "#ffc400"  # a yellow halo: no layer of the atlas is drawn in it
KEY = "Selected"
POINT = {"s": 260, "facecolors": "none", "edgecolors": COLOUR, "linewidths": 2.4, "zorder": 30}
LINE = {"color": COLOUR, "linewidth": 4.5, "alpha": 0.75, "zorder": 29}


def parse_sel(text: str, store, collections) -> tuple[str, ...]:
    """`sel=id[,id…]`: features of the atlas (of the `collections` a figure draws), or a QueryError naming `sel`."""
    ids = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    known = {str(fid) for cid in collections for fid in store.frame(cid, display=True)["id"]}
    unknown = [fid for fid in ids if fid not in known]
    if unknown or not ids:
        shown = ", ".join(repr(fid) for fid in unknown) or "nothing"
        raise QueryError("sel", f"{shown}: no such feature; allowed: ids of the atlas's features, comma-separated")
    return ids


def mark(ax, frames: dict, sel: tuple[str, ...], legend: list) -> None:
    """Ring the selected features drawn in `frames` (metric CRS) and key them once."""
    found = [frame[frame["id"].astype(str).isin(sel)] for frame in frames.values() if "id" in frame]
    rows = [row for frame in found for row in frame.geometry if row is not None and not row.is_empty]
    if not rows:
        return
    points = [g for g in rows if g.geom_type == "Point"]
    if points:
        ax.scatter([p.x for p in points], [p.y for p in points], gid="selected-points", **POINT)
    shapes = [g.boundary if g.geom_type.endswith("Polygon") else g for g in rows if g.geom_type != "Point"]
    if shapes:
        gpd.GeoSeries(shapes, crs=METRIC_CRS).plot(ax=ax, gid="selected-lines", **LINE)
    from matplotlib.lines import Line2D

    legend.append((KEY, Line2D([], [], marker="o", linestyle="", markerfacecolor="none", markeredgecolor=COLOUR,
                               markeredgewidth=2.4, markersize=11)))  # fmt: skip

"""A figure's drawing: the map of the view, its legend, a scale bar and a north arrow, and a caption that cites
the atlas, the data version, the view and the sources of every feature drawn (GeoPandas + Matplotlib)."""

from __future__ import annotations

import functools
import io
import math
import textwrap
import threading
from functools import partial
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Point, box

from geo import METRIC_CRS, to_lonlat, to_metric
from layers.schema import TITLE
from webapp import vocabulary
from webapp.figure.drawers import DRAWERS, Drawing, draw_zones, features
from webapp.figure.page import (
    FONT,
    FONTS,
    GAP_IN,
    LEGEND_COLUMNS,
    MAP_H_IN,
    MAP_W_IN,
    MARGIN_IN,
    PNG_DPI,
    RC,
    SMALL,
    TITLE_H_IN,
    WIDTH_IN,
)
from webapp.figure.view import View

_LOCK = threading.Lock()  # Matplotlib's settings are process-wide: one figure at a time


def footnotes(frames: dict[str, gpd.GeoDataFrame]) -> list[str]:
    """Each distinct reference of the features drawn, once, in order of first use (layers.citations made it)."""
    seen: dict[str, None] = {}
    for frame in frames.values():
        for sources in frame["sources"]:
            for c in sources or []:
                seen.setdefault(c["reference"], None)
    return list(seen)


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
    title = f"{TITLE}, {view.years_text}"
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
    for layer, draw in ({"zones": partial(draw_zones, ranks=_zone_ranks(store))} | DRAWERS).items():
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
    left, map_w = MARGIN_IN / WIDTH_IN, MAP_W_IN / WIDTH_IN
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


def _draw_basemap(ax, store, view: View) -> None:
    countries = store.basemap()
    countries = countries.to_crs(METRIC_CRS).clip(box(*view.extent).buffer(view.span))
    for a3, group in countries.groupby("a3"):
        fill = vocabulary.BASEMAP_FILL.get(a3, vocabulary.BASEMAP_OTHER)
        group.plot(ax=ax, facecolor=fill, edgecolor=vocabulary.BASEMAP_EDGE, linewidth=0.4, zorder=0)


def _zone_ranks(store) -> dict[str, int]:
    """Every zone's depth rank among all the zones (as the map ranks them), whichever are drawn."""
    zones = store.frame("zones", display=True)
    return vocabulary.zone_ranks(zip(zones["id"], zones["depth_m"], strict=True))


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
    width = int(MAP_W_IN * 72 / (SMALL * 0.52))
    cite = f"{TITLE}. Map view, {view.years_text}. Data version {view.version}. {view.url}"
    wrap = functools.partial(textwrap.wrap, width=width, break_long_words=False, break_on_hyphens=False)
    lines = wrap(cite)
    sources = (
        "Sources: " + " ".join(f"[{i}] {note.rstrip('.')}." for i, note in enumerate(notes, 1))
        if notes
        else "Sources: none"
    )
    return lines + wrap(sources)

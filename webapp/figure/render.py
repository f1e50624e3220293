"""A figure's drawing: the map of the view at a journal's column width, its legend, a scale bar and a north
arrow, and a short caption: what and when, the atlas's release and the view, and the sources in short
(webapp.figure.sources; the full references go in the bibliography beside the figure). GeoPandas + Matplotlib."""

from __future__ import annotations

import functools
import io
import math
import textwrap
import threading
from functools import partial
from pathlib import Path

from shapely.geometry import Point, box

from geo import METRIC_CRS, to_lonlat, to_metric
from layers.schema import TITLE
from webapp import vocabulary
from webapp.figure.drawers import DRAWERS, Drawing, draw_zones, features
from webapp.figure.page import FONT, FONTS, GAP_IN, MARGIN_IN, PNG_DPI, RC, SMALL
from webapp.figure.sources import Entry, bibliography, caption
from webapp.figure.view import View

HALO = {"boxstyle": "square,pad=0.15", "facecolor": "#ffffff", "edgecolor": "none", "alpha": 0.85}
LEGEND_COLUMNS = (4, 3, 2, 1)  # the most that fit the map's width
_LOCK = threading.Lock()  # Matplotlib's settings are process-wide: one figure at a time


def render(store, view: View, dpi: int = PNG_DPI) -> bytes:
    """The figure of a view as the bytes of an SVG, PDF or PNG file."""
    frames = features(store, view)
    entries = bibliography(frames, store.meta("texts") or {})
    _ensure_fonts()
    with _LOCK, _matplotlib().rc_context(RC):
        fig = _draw(store, view, frames, entries)
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


def _draw(store, view: View, frames: dict, entries: list[Entry]):
    """The figure: the map at the column's width, its legend and a short caption, stacked from the top; the height
    follows their sizes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    page = view.page
    fig = Figure(figsize=(page.width_in, page.map_h_in + 2 * MARGIN_IN))
    ax = fig.add_axes((0, 0, 1, 1), gid="map")
    drawing = Drawing(frames)
    _draw_basemap(ax, store, view)
    for layer, draw in ({"zones": partial(draw_zones, ranks=_zone_ranks(store))} | DRAWERS).items():
        if layer in frames:
            draw(ax, frames[layer], drawing, view)
    _frame_map(ax, view)
    _scale_bar(ax, view)
    _north_arrow(ax, view)
    FigureCanvasAgg(fig)  # a renderer to measure the legend and the caption (after GeoPandas, which redraws on it)
    text = "\n".join(_wrap(view, caption(view, frames, entries)))
    parts = {
        "legend": _legend(fig, drawing.legend, page.map_w_in),
        "caption": fig.text(0, 0, text, va="top", fontsize=SMALL, gid="caption"),
    }
    _lay_out(fig, ax, parts, page)
    return fig


def _lay_out(fig, ax, parts: dict, page) -> None:
    """Stack the map, the legend and the caption, and size the figure to hold them."""
    legend_h = _height_in(fig, parts["legend"])
    caption_h = _height_in(fig, parts["caption"])
    tops = {"legend": MARGIN_IN + page.map_h_in + GAP_IN}
    tops["caption"] = tops["legend"] + legend_h + GAP_IN * (legend_h > 0)
    height = tops["caption"] + caption_h + MARGIN_IN
    fig.set_size_inches(page.width_in, height)
    left = MARGIN_IN / page.width_in
    map_bottom = 1 - (MARGIN_IN + page.map_h_in) / height
    ax.set_position((left, map_bottom, page.map_w_in / page.width_in, page.map_h_in / height))
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
    for at, text in ((x, "0"), (x + length, label)):  # on a white box: readable over the zones' hatching
        ax.text(at, y + tick * 2.5, text, fontsize=SMALL, ha="center", zorder=9, gid="scale-label", bbox=HALO)


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


def _legend(fig, entries: list[tuple[str, object]], width_in: float):
    """The legend of what is drawn, under the map, in as many columns as fit its width (None when nothing is
    drawn)."""
    if not entries:
        return None
    labels, handles = zip(*entries, strict=True)
    for columns in LEGEND_COLUMNS:
        legend = fig.legend(
            handles,
            labels,
            loc="upper left",
            ncol=columns,
            fontsize=SMALL,
            frameon=False,
            handlelength=2.2,
            handleheight=1.0,
            columnspacing=1.2,
            labelspacing=0.35,
            borderaxespad=0,
            borderpad=0,
        )
        if columns == 1 or legend.get_window_extent().width / fig.dpi <= width_in:
            return legend
        legend.remove()


def _wrap(view: View, paragraphs: list[str]) -> list[str]:
    """The caption's paragraphs in lines that fit the map's width."""
    width = int(view.page.map_w_in * 72 / (SMALL * 0.52))
    wrap = functools.partial(textwrap.wrap, width=width, break_long_words=False, break_on_hyphens=False)
    return [line for paragraph in paragraphs for line in wrap(paragraph)]

"""A figure's drawing: the map of the view at a journal's column width, its legend, a scale bar and a north
arrow, and a short caption: what and when, the atlas's release and the view, and the sources in short
(webapp.figure.sources; the full references go in the bibliography beside the figure). GeoPandas + Matplotlib."""

from __future__ import annotations

import contextlib
import functools
import io
import threading
from functools import partial
from pathlib import Path

from shapely.geometry import box

from geo import METRIC_CRS
from layers.schema import TITLE
from webapp import vocabulary
from webapp.figure.compare import PANEL_GAP_IN, change_paragraphs, merged, panels
from webapp.figure.drawers import DRAWERS, POINTS, Drawing, draw_zones, features
from webapp.figure.furniture import north_arrow, scale_bar
from webapp.figure.labels import label_places
from webapp.figure.marks import MapPoints, markers, showing
from webapp.figure.page import FONT, FONTS, GAP_IN, MARGIN_IN, PNG_DPI, RC, SMALL
from webapp.figure.selected import mark
from webapp.figure.sources import Entry, bibliography, caption
from webapp.figure.text import wrap
from webapp.figure.view import View

LEGEND_COLUMNS = (4, 3, 2, 1)  # the most that fit the map's width
_LOCK = threading.Lock()  # Matplotlib's settings are process-wide: one figure at a time


def render(store, view: View, dpi: int = PNG_DPI) -> bytes:
    """The figure of a view as the bytes of an SVG, PDF or PNG file."""
    out = io.BytesIO()
    with drawn(store, view) as fig:
        fig.savefig(out, format=view.fmt, dpi=dpi, metadata=_metadata(view))
    return out.getvalue()


@contextlib.contextmanager
def drawn(store, view: View):
    """The Matplotlib figure of a view, while Matplotlib's settings are the figure's (one figure at a time)."""
    views = panels(view)
    frames = [features(store, panel) for panel in views]
    entries = bibliography(merged(frames), store.meta("texts") or {})
    _ensure_fonts()
    with _LOCK, _matplotlib().rc_context(RC):
        yield _draw(store, view, list(zip(views, frames, strict=True)), entries)


def _metadata(view: View) -> dict:
    title = f"{TITLE}, {view.moments_text}"
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


def _draw(store, view: View, panels: list[tuple[View, dict]], entries: list[Entry]):
    """The figure: the map (or two maps side by side, of two moments) at the column's width, one legend and a short
    caption (and the changes between the two moments), stacked from the top; the height follows their sizes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    page, map_h = view.page, panels[0][0].page.map_h_in
    fig = Figure(figsize=(page.width_in, map_h + 2 * MARGIN_IN))
    axes, legend = [], {}
    for n, (panel, frames) in enumerate(panels):
        axes.append(fig.add_axes((0, 0, 1, 1), gid="map" if len(panels) == 1 else f"map-{n + 1}"))
        legend |= {label: handle for label, handle in _draw_map(axes[-1], store, panel, frames) if label not in legend}
        if len(panels) > 1:
            _years_label(axes[-1], panel)
    FigureCanvasAgg(fig)  # a renderer to measure the legend and the caption (after GeoPandas, which redraws on it)
    parts = {
        "legend": _legend(fig, list(legend.items()), page.map_w_in),
        "caption": _paragraphs(fig, caption(view, merged([f for _, f in panels]), entries), page, "caption"),
    }
    if view.compare is not None:
        parts["changes"] = _paragraphs(fig, change_paragraphs(store, view), page, "changes")
    _lay_out(fig, axes, parts, page, map_h)
    return fig


def _draw_map(ax, store, view: View, frames: dict) -> list:
    """One map of the figure, with its scale bar, north arrow and place labels; returns its legend's entries."""
    drawn = markers(frames, MapPoints(view), POINTS)
    drawing = Drawing(frames, showing(drawn))
    _draw_basemap(ax, store, view)
    for layer, draw in ({"zones": partial(draw_zones, ranks=_zone_ranks(store))} | DRAWERS).items():
        if layer in frames:
            draw(ax, frames[layer], drawing, view)
    mark(ax, frames, view.sel, drawing.legend)
    _frame_map(ax, view)
    reserved = [scale_bar(ax, view), north_arrow(ax, view, drawn)]
    label_places(ax, frames.get("places"), view, drawn, reserved)
    return drawing.legend


def _years_label(ax, view: View) -> None:
    """A panel's years, in its upper left corner."""
    box = {"boxstyle": "square,pad=0.25", "facecolor": "white", "edgecolor": "#333333", "linewidth": 0.5}
    ax.text(0.02, 0.98, view.years_text, transform=ax.transAxes, ha="left", va="top", fontsize=FONT, bbox=box,
            zorder=20, gid="panel-years")  # fmt: skip


def _paragraphs(fig, paragraphs: list[str], page, gid: str):
    text = "\n".join(wrap(paragraphs, page.map_w_in * 72, SMALL))
    return fig.text(0, 0, text, va="top", fontsize=SMALL, gid=gid)


def _lay_out(fig, axes: list, parts: dict, page, map_h: float) -> None:
    """Put the maps side by side, stack the legend and the texts under them, and size the figure to hold them."""
    tops, top = {}, MARGIN_IN + map_h + GAP_IN
    for name, artist in parts.items():
        tops[name], part_h = top, _height_in(fig, artist)
        top += part_h + GAP_IN * (part_h > 0)
    height = max(top - GAP_IN, MARGIN_IN + map_h) + MARGIN_IN
    fig.set_size_inches(page.width_in, height)
    left, map_bottom = MARGIN_IN / page.width_in, 1 - (MARGIN_IN + map_h) / height
    width = (page.map_w_in - PANEL_GAP_IN * (len(axes) - 1)) / len(axes)
    for n, ax in enumerate(axes):
        x = MARGIN_IN + n * (width + PANEL_GAP_IN)
        ax.set_position((x / page.width_in, map_bottom, width / page.width_in, map_h / height))
    for name, artist in parts.items():
        if artist is None:
            continue
        at = (left, 1 - tops[name] / height)
        if name == "legend":
            artist.set_bbox_to_anchor(at, transform=fig.transFigure)
        else:
            artist.set_position(at)


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

"""The figure's page: a journal's full page width, its fonts, and Matplotlib's settings for it."""

from __future__ import annotations

FORMATS = {"svg": "image/svg+xml", "pdf": "application/pdf", "png": "image/png"}
PNG_DPI = 300
# Layout, in inches: a journal's full page width.
WIDTH_IN, MAP_H_IN, TITLE_H_IN, MARGIN_IN = 7.2, 5.4, 0.5, 0.3
MAP_W_IN = WIDTH_IN - 2 * MARGIN_IN
GAP_IN = 0.2
FONT, SMALL = 7.0, 5.8
LEGEND_COLUMNS = 3
FONTS = ["Noto Sans", "Noto Sans CJK SC", "DejaVu Sans"]  # Latin/Cyrillic/Kazakh, then Chinese, then a last resort
RC = {
    "font.family": FONTS,  # a list of families: Matplotlib falls back glyph by glyph
    "svg.fonttype": "none",  # text stays text (searchable, selectable)
    "pdf.fonttype": 42,
    "hatch.linewidth": 0.4,
    # Text from the data is drawn as written: a `$` in a name or a caption never starts Matplotlib's mathtext
    # (two of them made a label a formula, and an unparsable one a 500) and TeX is never run on it.
    "text.parse_math": False,
    "text.usetex": False,
}
# The map's screen pixels in the figure's points: marker radii and line widths come from the vocabulary in pixels.
MARKER_SCALE = 0.95  # a marker's diameter in points per pixel of the map's radius
LINE_SCALE = 0.35  # a flow's width in points per pixel of the map's width
BORDER_WIDTH = 1.3  # points


def fit_extent(extent, aspect: float = MAP_W_IN / MAP_H_IN) -> tuple[float, float, float, float]:
    """An extent widened (never cut) to the map's width/height ratio, as the map frame shows it."""
    minx, miny, maxx, maxy = extent
    w, h = maxx - minx, maxy - miny
    w, h = max(w, h * aspect), max(h, w / aspect)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2

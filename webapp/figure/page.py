"""The figure's page: a journal's column width (single or double), its fonts, and Matplotlib's settings for it."""

from __future__ import annotations

from dataclasses import dataclass

FORMATS = {"svg": "image/svg+xml", "pdf": "application/pdf", "png": "image/png"}
SOURCE_FORMATS = {"html": "text/html", "txt": "text/plain", "json": "application/json"}  # of the bibliography
PNG_DPI = 300
MM = 1 / 25.4  # inches
# A journal's column widths (mm): a figure is printed at one of them, the whole figure that wide.
COLUMNS = {"single": 84, "double": 174}
WIDTHS = COLUMNS | {str(mm): mm for mm in COLUMNS.values()}  # `width=single` or `width=84`
DEFAULT_WIDTH = "double"
MAP_ASPECT = 11 / 9  # the map's width / height
MARGIN_IN, GAP_IN = 1.5 * MM, 0.08  # around the figure; between the map, the legend and the caption
FONT, SMALL = 7.0, 5.8
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


@dataclass(frozen=True)
class Page:
    """The figure's width (a journal column, in mm) and the map's size on it (inches)."""

    width_mm: float = COLUMNS[DEFAULT_WIDTH]

    @property
    def width_in(self) -> float:
        return self.width_mm * MM

    @property
    def map_w_in(self) -> float:
        return self.width_in - 2 * MARGIN_IN

    @property
    def map_h_in(self) -> float:
        return self.map_w_in / MAP_ASPECT


WIDTH_IN = Page().width_in  # the default figure's width


def fit_extent(extent, aspect: float = MAP_ASPECT) -> tuple[float, float, float, float]:
    """An extent widened (never cut) to the map's width/height ratio, as the map frame shows it."""
    minx, miny, maxx, maxy = extent
    w, h = maxx - minx, maxy - miny
    w, h = max(w, h * aspect), max(h, w / aspect)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2

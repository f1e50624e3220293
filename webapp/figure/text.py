"""The figure's text measured in its fonts, and the caption wrapped to the map's width.

Widths are measured with Matplotlib's own renderer in the figure's fonts (glyph by glyph, Chinese from the CJK
font), in points, so a line that fits here fits on the page. A word wider than a line (a URL) is broken where a
reader expects it, before a single slash or an ampersand ("…/v/2026.12.7-1" / "/map#year=1930" / "&off=…"),
and, only if a piece is still too wide, between characters.
"""

from __future__ import annotations

import functools
import re

from webapp.figure.page import FONTS

# Where a URL may break: before a "/" that is not part of "//" (nor the one after "http:"), and before a "&".
URL_BREAK = re.compile(r"(?<![/:])(?=/(?!/))|(?=&)")
CHARACTERS_FILL = 0.95  # a word broken between characters fills this much of a line


@functools.cache
def _renderer():
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(1, 1, 72)  # at 72 dpi a pixel is a point


@functools.cache
def _font(size: float):
    from matplotlib.font_manager import FontProperties

    return FontProperties(family=FONTS, size=size)


@functools.lru_cache(maxsize=4096)
def size_pt(text: str, size: float) -> tuple[float, float]:
    """(width, height) of a line of text in points, the height at least a line's ("lp": ascender and descender)."""
    width, height, _ = _renderer().get_text_width_height_descent(text, _font(size), ismath=False)
    line = _renderer().get_text_width_height_descent("lp", _font(size), ismath=False)[1]
    return width, max(height, line)


def width_pt(text: str, size: float) -> float:
    return size_pt(text, size)[0]


def wrap(paragraphs: list[str], width: float, size: float) -> list[str]:
    """The paragraphs in lines no wider than `width` points at font `size`, each paragraph on a new line."""
    return [line for paragraph in paragraphs for line in _wrap_one(paragraph, width, size)]


def _wrap_one(paragraph: str, width: float, size: float) -> list[str]:
    lines, line = [], ""
    for piece, spaced in _pieces(paragraph, width, size):
        joined = f"{line}{' ' if spaced else ''}{piece}" if line else piece
        if line and width_pt(joined, size) > width:
            lines.append(line)
            joined = piece
        line = joined
    return [*lines, line] if line else lines


def _pieces(paragraph: str, width: float, size: float):
    """(piece, preceded by a space) of a paragraph: its words, a word wider than a line in its parts."""
    for word in paragraph.split():
        parts = [word] if width_pt(word, size) <= width else _broken(word, width, size)
        for index, part in enumerate(parts):
            yield part, index == 0


def _broken(word: str, width: float, size: float) -> list[str]:
    """A word too wide for a line in parts: at its URL breaks; a part still too wide between characters, by the
    sum of its characters' widths (a little short of the line, for the kerning the sum leaves out)."""
    parts = []
    for piece in filter(None, URL_BREAK.split(word)):
        if width_pt(piece, size) <= width:
            parts.append(piece)
            continue
        line, used = "", 0.0
        for char in piece:
            advance = width_pt(char, size)
            if line and used + advance > width * CHARACTERS_FILL:
                parts.append(line)
                line, used = "", 0.0
            line, used = line + char, used + advance
        parts.append(line)
    return parts

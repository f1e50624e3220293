"""/figure draws what is only possibly there in its years lighter and dashed, and its legend says what that means."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tests.web.test_figure import flat, svg_text
from webapp.figure.drawers import POSSIBLE, POSSIBLE_ALPHA


def _possible_zone_edges(data: bytes) -> list[str]:
    """The stroke opacities of the zone patches drawn dashed (matplotlib writes a dash array for them)."""
    root = ET.fromstring(data)
    styles = [p.get("style") or "" for p in root.iter("{http://www.w3.org/2000/svg}path")]
    return [s for s in styles if "stroke-dasharray" in s and f"stroke-opacity: {POSSIBLE_ALPHA}" in s]


def test_the_legend_says_what_lighter_means_and_the_undated_zone_is_drawn_so(app):
    client = app.test_client()
    data = client.get("/figure?year=1932&format=svg").data
    assert flat(POSSIBLE) in flat(svg_text(data))  # the 100 km zone: in force at a time the sources do not give
    assert _possible_zone_edges(data)

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


def test_only_what_is_certain_leaves_the_possible_out_and_says_so(app):
    """`certain=1`, as the map's toggle: the possible zone is not drawn, the legend has no 'lighter' key, the caption
    says what is shown and cites the map view with `certain=1`; a bad value is a 400 naming the parameter."""
    client = app.test_client()
    data = client.get("/figure?year=1932&format=svg&certain=1").data
    text = flat(svg_text(data))
    assert flat(POSSIBLE) not in text and "100 km" not in text  # the 100 km zone: only possibly in force in 1932
    assert "100 km" in flat(svg_text(client.get("/figure?year=1932&format=svg").data))
    assert "only what the sources date certainly to these years" in text and "certain=1" in text
    bad = client.get("/figure?year=1932&certain=yes")
    assert bad.status_code == 400 and bad.get_json()["parameter"] == "certain"

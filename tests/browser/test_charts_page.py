"""The charts page in headless Chromium: every label and axis title drawn whole, inside its chart."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# For each migration row: the right edge of its label (all its lines) and the left edge of its bar, as drawn.
ROWS = """() => [...document.querySelectorAll('#migration svg g.flow')].map(g => {
    const text = g.querySelector('text.label'), label = text.getBBox();
    const lines = [...text.querySelectorAll('tspan')].map(line => line.textContent);
    return {label: lines.join(' '), right: label.x + label.width,
            bar: Number(g.querySelector('rect.bar').getAttribute('x'))};
})"""
# Every axis title: its box and its chart's.
TITLES = """() => [...document.querySelectorAll('svg text.axis-title')].map(t => {
    const box = t.getBoundingClientRect(), svg = t.ownerSVGElement.getBoundingClientRect();
    return {text: t.textContent, inside: box.left >= svg.left && box.right <= svg.right
            && box.top >= svg.top && box.bottom <= svg.bottom};
})"""


def test_migration_labels_end_before_their_bars_and_axis_titles_are_inside(browser, live_server):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    try:
        page.goto(live_server.url + "/charts")
        rows = page.evaluate(ROWS)
        assert any("Siberia, Volga region, Central Asia, Xinjiang's border districts" in r["label"] for r in rows), rows
        for row in rows:
            assert row["right"] <= row["bar"] - 2, row
        titles = page.evaluate(TITLES)
        by_year = {"People (logarithmic scale)", "Households (logarithmic scale)"}  # migration by year and direction
        assert {t["text"] for t in titles} == {"People", "Households", "Features"} | by_year
        assert all(t["inside"] for t in titles), titles
    finally:
        page.close()

"""Migration on the map of 1931 in a real headless Chromium: curves between areas with their ranges (issue 27)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.pages import open_map, open_popup, wait_until
from webapp import vocabulary

pytestmark = pytest.mark.browser

# Looked at after a run; the README's picture (docs/migration-1931.png) is made by docs/screenshots.py.
SCREENSHOT = Path(__file__).resolve().parents[2] / "tests" / "artifacts" / "migration-1931.png"
VIEW = "/#year=1931&z=4&c=46.5000,78.0000&off=Places"
# Opaque fills that are not markers (the outline map's land) painted above the bands would hide them: none may.
HIDING_BANDS = """() => { const band = document.querySelector('path.migration-band');
    const z = e => +getComputedStyle(e.closest('.leaflet-pane')).zIndex;
    return Array.from(document.querySelectorAll('.leaflet-pane path')).filter(p => p.getAttribute('fill') !== 'none'
        && !p.classList.contains('leaflet-interactive') && +(p.getAttribute('fill-opacity') || 1) >= 0.9
        && z(p) >= z(band)).length; }"""
DRAWN = """() => Array.from(document.querySelectorAll('path.migration-path, path.migration-band'), p => ({
    cls: p.getAttribute('class'), d: p.getAttribute('d'), width: parseFloat(p.getAttribute('stroke-width')),
    dash: p.getAttribute('stroke-dasharray'), cap: p.getAttribute('stroke-linecap')}))"""


def _of(drawn: list[dict], kind: str, fid: str) -> list[dict]:
    return [p for p in drawn if p["cls"].split()[:2] == [kind, fid]]


def test_1931_draws_flows_between_areas_with_their_ranges(browser, live_server):
    page = open_map(browser, live_server.url + VIEW)
    try:
        drawn = page.evaluate(DRAWN)
        total = _of(drawn, "migration-path", "emigration-1930-1933")
        assert len(total) == 1, "one total whose split is not given: one flow, not four"
        origin = total[0]["d"].split("L", 1)[0]  # "M x y": the republic's middle
        assert total[0]["d"].count(origin + "L") == 4, "from one origin to its four areas, as parts of one line"
        assert total[0]["width"] == pytest.approx(vocabulary.FLOW_WIDTH["min"]), "not four times at full width"
        ogpu = _of(drawn, "migration-path", "households-to-western-china-ogpu")
        band = _of(drawn, "migration-band", "households-to-western-china-ogpu")
        assert len(ogpu) == 1 and len(band) == 1, "'at least 40,000 households': a band beyond its line"
        assert band[0]["width"] > ogpu[0]["width"] and band[0]["dash"], "the open range, dashed"
        assert page.evaluate(HIDING_BANDS) == 0, "no opaque land painted over the range bands"
        assert ogpu[0]["dash"], "households dashed, apart from people"
        gap = float(ogpu[0]["dash"].replace(",", " ").split()[1])
        assert ogpu[0]["cap"] == "butt" and gap >= ogpu[0]["width"], "gaps a wide line's round caps would close"
        assert ogpu[0]["d"].count("L") >= 5, "a curve, not a straight line between two towns"
        head = page.locator("path.migration-head.households-to-western-china-ogpu")
        assert head.count() == 1 and not head.get_attribute("stroke-dasharray"), "its arrowhead solid, not dashed"
        assert len(_of(drawn, "migration-path", "zaysan-households-1931-02")) == 1
        labels = page.locator(".flow-label").all_inner_texts()
        assert "at least 400,000 people (286,000 households) (split not given)" in labels
        legend = page.locator(".atlas-legend").inner_text()
        assert "schematic, the route unknown unless the text gives it" in legend
        assert "a figure given as 'at least' (a striped band beyond the line)" in legend
        assert "a dashed arrow: a figure given as a range" not in legend  # dashed is households, not a range
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT))
        open_popup(page, "zaysan-households-1931-02")
        popup = page.locator(".leaflet-popup-content .atlas-popup")
        popup.wait_for()
        assert "(stopped at the border)" in popup.inner_text()
        sources = popup.locator("ol.sources")  # three passages of one note: its reference once, then each passage
        assert sources.locator(":scope > li").count() == 1 and sources.locator(".quote").count() == 3
        link = popup.get_by_role("link", name="Migration by year and direction (chart)")
        assert link.get_attribute("href") == "/charts#migration-years"
        link.click()
        wait_until(page, "location.pathname === '/charts' && !!document.getElementById('migration-years')")
        assert page.errors == []
    finally:
        page.close()


def test_the_areas_flows_go_between_open_from_a_link_and_from_the_ground(browser, live_server):
    """'sel=xinjiang-border-districts' was refused as having no point, and a click in an area never named it."""
    page = open_map(browser, live_server.url + "/#year=1931&sel=xinjiang-border-districts")
    try:
        popup = page.locator(".leaflet-popup-content .atlas-popup")
        popup.wait_for()
        text = popup.inner_text()
        assert text.startswith("Xinjiang's border districts") and "An area migration flows go between" in text
        assert "the union of Ili District, Tarbagatai District, Altay District" in text
        assert "Emigration: Kazakh ASSR → Xinjiang's border districts" in text and "read the passage" in text
        assert page.locator(".atlas-notice").count() == 0, "no 'has no point on the map' notice"
        page.evaluate("BorderAtlas.map.closePopup(); BorderAtlas.map.setView([47.6, 84.5], 7, {animate: false})")
        box = page.locator(".leaflet-container").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # the ground, in Zaysan district
        wait_until(page, "!!document.querySelector('.atlas-regime')")
        answer = page.locator(".atlas-regime").inner_text()
        assert "Areas here" in answer and "Zaysan district" in answer
        assert page.errors == []
    finally:
        page.close()


def test_two_stocks_of_one_area_are_both_offered_by_a_click(browser, live_server):
    """In 1938 the Kazakhs and the Russians present in Xinjiang share its outline: a click opened only the Russians'."""
    page = open_map(browser, live_server.url + "/#year=1938&z=5&c=42.0000,85.0000&off=Places")
    try:
        stock = page.locator("path.migration-stock.russians-in-xinjiang-late-1930s")
        stock.wait_for()
        box = page.locator(".leaflet-container").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # inside Xinjiang
        choices = page.locator(".atlas-stack-list button")
        choices.first.wait_for()
        names = choices.all_inner_texts()
        assert any("Kazakhs" in n for n in names) and any("Russians" in n for n in names), names
        next(c for c in choices.all() if "Kazakhs" in c.inner_text()).click()
        wait_until(
            page,
            "document.querySelector('.leaflet-popup-content h3') && "
            "document.querySelector('.leaflet-popup-content h3').textContent.includes('Kazakhs')",
        )
        assert page.errors == []
    finally:
        page.close()

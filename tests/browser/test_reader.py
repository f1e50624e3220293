"""The source reader and the popups in Chromium: a passage opened by its link stands below the top edge with
context above it, its marks meet without gaps, and a popup says dates and directions in a historian's words."""

from __future__ import annotations

from tests.browser.pages import open_map, open_popup
from tests.web.readable import offences

CORE = "ablazhey-zhanbossinova-2026"
VIEWPORT = {"width": 1200, "height": 800}
CONTEXT_PX = 60  # at least this much of the page above the passage opened


def _passage(live_server) -> str:
    """A passage in the middle of the article (the page can scroll it to the top)."""
    found = live_server.get_json(f"/texts/{CORE}?f=json")["passages"]
    return found[len(found) // 2]["anchor"]


def test_a_passage_opened_by_its_link_has_context_above_it(browser, live_server):
    anchor = _passage(live_server)
    page = browser.new_page(viewport=VIEWPORT)
    try:
        page.goto(f"{live_server.url}/texts/{CORE}#{anchor}")
        page.wait_for_load_state("load")
        box = page.evaluate(
            """(id) => { const r = document.getElementById(id).getBoundingClientRect();
                return {top: r.top, bottom: r.bottom, scrolled: window.scrollY, padding: getComputedStyle(
                    document.getElementById(id)).paddingLeft}; }""",
            anchor,
        )
        assert box["scrolled"] > 0, "the page did not go to the passage"
        assert CONTEXT_PX <= box["top"] < VIEWPORT["height"] and box["bottom"] <= VIEWPORT["height"], box
        assert box["padding"] == "0px", "padded marks leave a gap where a passage is cut"
    finally:
        page.close()


def test_an_incident_popup_says_its_day_and_its_direction_in_words(browser, live_server):
    feature = live_server.get_json("/collections/incidents/items/kaldybaev-1935-12-13")
    lon, lat = feature["geometry"]["coordinates"]
    page = open_map(browser, f"{live_server.url}/#year=1935&z=11&c={lat:.4f},{lon:.4f}")
    try:
        open_popup(page, "kaldybaev-1935-12-13")
        popup = page.locator(".leaflet-popup-content .atlas-popup")
        popup.wait_for()
        text = popup.inner_text()
        assert "on 13 December 1935" in text and "Direction: into China" in text, text
        assert offences(text) == []
    finally:
        page.close()

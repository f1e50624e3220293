"""What the map asks of the items API and draws, count bubbles, and the reader's links, in headless Chromium."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.pages import (
    count_bubbles,
    incident_ids_on_map,
    items_requests,
    located_ids,
    open_map,
    place_ids_on_map,
    set_year,
    wait_loaded,
    wait_until,
)
from tests.conftest import LiveServer
from tests.synthetic import write_scaled_store
from webapp import create_app
from webapp.mapcontrols import COUNT_THRESHOLD

pytestmark = pytest.mark.browser


def test_the_year_and_the_view_are_asked_of_the_items_api_and_drawn_as_answered(browser, live_server):
    page = open_map(browser, live_server.url + "/#year=1927&z=7&c=45.0000,80.5000")
    try:
        set_year(page, 1932)
        incidents = items_requests(page, "incidents")[-1]
        query = parse_qs(urlparse(incidents).query)
        assert query["datetime"] == ["1932"], "the chosen year"
        minlon, minlat, maxlon, maxlat = (float(v) for v in query["bbox"][0].split(","))
        assert minlon < 80.5 < maxlon and minlat < 45.0 < maxlat and maxlon - minlon < 40, "the view, not the world"
        assert incident_ids_on_map(page) == located_ids(incidents)

        places = items_requests(page, "places")[-1]
        before = place_ids_on_map(page)
        assert before and before == located_ids(places)
        page.evaluate("BorderAtlas.map.panBy([700, 0], {animate: false})")  # eastward
        wait_loaded(page)
        panned = items_requests(page, "places")[-1]
        assert panned != places and float(parse_qs(urlparse(panned).query)["bbox"][0].split(",")[0]) > minlon
        after = place_ids_on_map(page)
        assert after == located_ids(panned) and after != before, "the markers follow the view"
        assert incident_ids_on_map(page) == located_ids(items_requests(page, "incidents")[-1])
        assert page.errors == []
    finally:
        page.close()


def test_a_shared_incident_outside_the_view_is_fetched_alone_and_opened(browser, live_server):
    page = open_map(browser, live_server.url + "/#year=1927&z=9&c=49.0000,86.0000&sel=sarkand-1927-08-18")
    try:
        popup = page.locator(".leaflet-popup-content .atlas-popup", has_text="Sarkand")
        popup.wait_for()
        assert any(urlparse(u).path == "/collections/incidents/items/sarkand-1927-08-18" for u in page.requests)
        center = page.evaluate("[BorderAtlas.map.getCenter().lat, BorderAtlas.map.getCenter().lng]")
        assert abs(center[0] - 45.4) < 0.5 and abs(center[1] - 79.9) < 0.8, "the map went to it"
        wait_until(page, "location.hash.includes('sel=sarkand-1927-08-18')")
    finally:
        page.close()


@pytest.fixture(scope="module")
def crowded_server(tmp_path_factory, layers):
    """A synthetic build with more places than the map draws at once (and the other layers as built)."""
    out = tmp_path_factory.mktemp("crowded") / "atlas.gpkg"
    factor = COUNT_THRESHOLD // int(layers["places"].geometry.notna().sum()) + 2  # just above the threshold
    write_scaled_store(out, 1, layers=layers, factors={"places": factor})
    with LiveServer(create_app({"STORE": out, "DATABASE": None})) as server:
        yield server


def test_a_crowded_view_shows_count_bubbles_and_a_click_on_one_zooms_to_its_markers(browser, crowded_server):
    page = open_map(browser, crowded_server.url + "/")
    try:
        bubbles = count_bubbles(page, "places")
        assert bubbles, "the whole-border view of a crowded layer is drawn as counts"
        assert place_ids_on_map(page) == [], "no place marker while the view holds more than the threshold"
        assert not any(urlparse(u).path == "/collections/places/items" for u in page.requests)
        assert sum(b["count"] for b in bubbles) > COUNT_THRESHOLD
        assert all(b["text"].endswith(("places — zoom in", "place — zoom in")) for b in bubbles)
        assert all(re.fullmatch(r"[0-9,]+ places? in this cell — zoom in", b["title"]) for b in bubbles)
        assert page.locator("path.count-cell").count() == len(bubbles), "each count is drawn with its cell"
        zoom = page.evaluate("BorderAtlas.map.getZoom()")
        most = max(b["count"] for b in bubbles)  # a cell inside the window (the grid covers the view and a margin)
        page.locator(f'.count-bubble.count-places[data-count="{most}"]').first.click()
        wait_until(page, f"BorderAtlas.map.getZoom() > {zoom}")
        for _ in range(600):  # the redraw starts once the zoom has ended
            if items_requests(page, "places"):
                break
            page.wait_for_timeout(50)
        wait_loaded(page)
        assert count_bubbles(page, "places") == []
        assert place_ids_on_map(page), "zoomed into a cell: its places are drawn as markers"
        assert not page.errors
    finally:
        page.close()


def test_the_reader_and_the_map_link_both_ways(browser, live_server):
    """From a cited passage in the reader to the incident on the map, and from its popup back to the passage."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        page.goto(live_server.url + "/texts/ablazhey-zhanbossinova-2026")
        link = page.locator('ul.supports a[href*="sel=santos-1927-08-24"]').first
        passage = link.locator("xpath=ancestor::li[1]").get_attribute("id").removesuffix("-features")
        assert page.locator(f"mark#{passage}").inner_text().strip(), "the passage is marked in the text"
        link.click()
        page.wait_for_selector("path.border-path")
        wait_loaded(page)
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        assert "Exchange of fire with six armed smugglers" in popup.inner_text()
        assert page.evaluate("document.querySelector('.leaflet-container').dataset.year") == "1927"
        back = popup.locator('a:has-text("read the passage in")').first
        assert back.get_attribute("href").startswith("/texts/ablazhey-zhanbossinova-2026#q-")
        back.click()
        page.wait_for_url(lambda url: "/texts/ablazhey-zhanbossinova-2026#q-" in url)  # the map's own URL before
        target = page.evaluate("location.hash.slice(1)")
        assert page.locator(f"mark#{target}").count() == 1, "the popup's link lands on a marked passage"
    finally:
        page.close()

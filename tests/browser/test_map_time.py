"""The map's time control, URL state, histogram, clusters, heat map and figure button in headless Chromium."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse
from urllib.request import urlopen

import pytest

from tests.browser.pages import (
    api_items,
    heat_pixels,
    histogram_count,
    incident_ids_on_map,
    open_map,
    open_popup,
    overlay_checkbox,
    set_year,
    settled_href,
    visible_circles,
    wait_loaded,
    wait_until,
)
from webapp import vocabulary

pytestmark = pytest.mark.browser


def test_the_view_is_in_the_url_and_can_be_cited(browser, live_server):
    page = open_map(browser, live_server.url + "/#year=1925&z=8&c=44.2000,80.4000&off=Places")
    try:
        assert page.evaluate("BorderAtlas.map.getZoom()") == 8
        center = page.evaluate("[BorderAtlas.map.getCenter().lat, BorderAtlas.map.getCenter().lng]")
        assert abs(center[0] - 44.2) < 0.01 and abs(center[1] - 80.4) < 0.01
        assert not overlay_checkbox(page, "Places").is_checked()
        assert page.locator(".atlas-year-value").inner_text() == "1925"

        overlay_checkbox(page, "22 km border zone").uncheck()
        wait_until(page, "location.hash.includes('off=') && location.hash.includes('22%20km%20border%20zone')")
        open_popup(page, "zone-7-5-km")
        wait_until(page, "location.hash.includes('sel=zone-7-5-km')")
        shared = settled_href(page)  # the popup may pan the map into view first, which rewrites the URL

        page.locator(".atlas-cite button").click()
        text = page.locator(".atlas-cite-text").input_value()
        assert shared in text and "Data version" in text and "year 1925" in text
    finally:
        page.close()
    again = open_map(browser, shared)
    try:
        assert not overlay_checkbox(again, "22 km border zone").is_checked()
        again.locator(".leaflet-popup-content .atlas-popup", has_text="7.5 km border zone").wait_for()
    finally:
        again.close()


def test_a_range_of_years_shows_what_overlaps_it_and_the_histogram_follows_the_layers(browser, live_server):
    page = open_map(browser, live_server.url + "/#year=1927-1932")
    try:
        assert page.locator(".atlas-year-value").inner_text() == "1927–1932"
        shown = incident_ids_on_map(page)  # drawn or grouped in a cluster
        assert "santos-1927-08-24" in shown and "kyzyl-aul-khabarasu-1932-10" in shown
        assert page.locator(".atlas-histogram g.year").count() == 23
        assert page.locator(".atlas-histogram g.in-period").count() == 6

        page.locator(".atlas-span").fill("4")
        page.locator(".atlas-span").dispatch_event("change")
        wait_until(page, "location.hash.includes('year=1927-1930')")
        wait_loaded(page)
        assert "kyzyl-aul-khabarasu-1932-10" not in incident_ids_on_map(page)

        in_1927 = len(live_server.get_json("/collections/incidents/items?datetime=1927&limit=100")["features"])
        before = histogram_count(page, 1927)
        overlay_checkbox(page, "Incidents").uncheck()
        bar = "document.querySelector('.atlas-histogram g.year[data-year=\"1927\"]')"
        wait_until(page, f"{bar}.dataset.count === '{before - in_1927}'")
        page.locator('.atlas-histogram g.year[data-year="1929"]').focus()
        page.keyboard.press("Enter")  # the bars work from the keyboard too
        wait_until(page, "document.querySelector('.leaflet-container').dataset.period === '1929–1932'")
        page.locator('.atlas-histogram g.year[data-year="1938"]').click()
        wait_until(page, "document.querySelector('.leaflet-container').dataset.period === '1937–1940'")
        assert "year=1937-1940" in page.evaluate("location.hash"), "a 4-year period ending in 1940"
        assert page.errors == []
    finally:
        page.close()


def test_play_runs_through_the_years_and_stops_at_the_end(browser, live_server):
    page = open_map(browser, live_server.url + "/#year=1938")
    try:
        play = page.locator(".atlas-play")
        play.click()
        assert play.get_attribute("aria-pressed") == "true"
        wait_until(page, "document.querySelector('.leaflet-container').dataset.year === '1939'")
        wait_until(page, "document.querySelector('.leaflet-container').dataset.year === '1940'")
        wait_until(page, "document.querySelector('.atlas-play').getAttribute('aria-pressed') === 'false'")
        assert "year=1940" in page.evaluate("location.hash")
    finally:
        page.close()


def test_incidents_cluster_when_dense_and_a_shared_incident_opens_from_its_cluster(browser, live_server):
    page = open_map(browser, live_server.url + "/#year=1927&z=3&c=44.0000,81.0000")
    try:
        cluster = page.locator(".marker-cluster")
        cluster.first.wait_for()
        located = [f for f in api_items(live_server, "incidents", "datetime=1927") if f["geometry"]]
        counts = [int(t) for t in cluster.all_inner_texts()]
        assert sum(counts) == len(located) and len(located) >= 2, "the 1927 incidents grouped at zoom 3"
        wait_until(page, "document.querySelectorAll('path.incidents-marker').length === 0")  # after the animation
    finally:
        page.close()
    page = open_map(browser, live_server.url + "/#year=1927&z=3&c=44.0000,81.0000&sel=santos-1927-08-24")
    try:
        popup = page.locator(".leaflet-popup-content .atlas-popup", has_text="Santos")
        popup.wait_for()
        assert page.evaluate("BorderAtlas.map.getZoom()") == 3, "the link's zoom is kept: the group is spread"
        assert page.locator("path.incidents-marker.santos-1927-08-24").count() == 1, "the cluster was opened to show it"
    finally:
        page.close()


def test_every_incident_of_1927_is_on_the_map_with_its_area_and_basis(browser, live_server):
    features = api_items(live_server, "incidents", "datetime=1927")
    assert features and all(f["geometry"] for f in features), "every 1927 incident has a point at some level"
    page = open_map(browser, live_server.url + "/#year=1927&z=6&c=44.5000,80.5000")
    try:
        set_year(page, 1927)
        assert incident_ids_on_map(page) == sorted(f["id"] for f in features)
        assert page.locator("path.area-path.sector-49-jarkent").count() == 1, "the 49th detachment's zone is drawn"
        assert page.locator("path.area-path.sector-50-zaysan").count() == 0, "no 1927 incident lies in it"
        hatch = page.evaluate("document.querySelector('#atlas-hatch line').getAttribute('stroke')")
        assert hatch == vocabulary.AREA.colour, "hatched in the areas' colour of the vocabulary"
        set_year(page, 1931)
        assert page.locator("path.area-path.sector-50-zaysan").count() == 1
        assert page.locator("path.area-path.sector-49-jarkent").count() == 0
        assert not page.errors
    finally:
        page.close()
    # a shared view with an area-level incident selected: its popup names the level and the basis
    page = open_map(browser, live_server.url + "/#year=1927&z=6&c=44.5000,80.5000&sel=ush-bulak-1927-summer")
    try:
        basis = page.locator(".leaflet-popup-content .where-basis")
        basis.wait_for()
        text = basis.inner_text()
        assert text.startswith("Area of possibility: placed in the area of possibility")
        assert "Zone of responsibility of the 49th (Jarkent) or of the 50th (Zaysan) border detachment" in text
    finally:
        page.close()
    # a place located to an area: the level is said once, not again from its basis ("area of possibility: …")
    page = open_map(browser, live_server.url + "/#year=1927&z=6&c=44.5000,80.5000&place=tokhty-tract")
    try:
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        text = popup.inner_text().lower()
        assert "area of possibility" in text and "area of possibility: area of possibility" not in text, text
    finally:
        page.close()


def test_heat_map_is_a_layer_that_follows_the_period(browser, live_server):
    page = open_map(browser, live_server.url + "/#year=1927")
    try:
        assert page.locator("canvas.leaflet-heatmap-layer").count() == 0, "off until switched on"
        overlay_checkbox(page, "Incidents: heat map").check()
        page.locator("canvas.leaflet-heatmap-layer").wait_for()
        located = [f for f in api_items(live_server, "incidents", "datetime=1927") if f["geometry"]]
        wait_until(page, f"BorderAtlas.heat._latlngs.length === {len(located)}")
        page.wait_for_timeout(200)  # the heat map redraws on the next animation frame
        assert heat_pixels(page) > 0
        set_year(page, 1920)
        wait_until(page, "BorderAtlas.heat._latlngs.length === 0")
        page.wait_for_timeout(200)
        assert heat_pixels(page) == 0, "no located incident in 1920"
    finally:
        page.close()


def test_popups_name_what_they_refer_to_stay_in_the_window_and_close_with_escape(browser, live_server):
    page = open_map(browser, live_server.url + "/#year=1927&z=6&c=44.5000,80.5000&sel=sarkand-1927-08-18")
    try:
        popup = page.locator(".leaflet-popup-content .atlas-popup")
        popup.wait_for()
        text = popup.inner_text()
        assert "Outpost No. 9 of the 49th border detachment" in text and "Sarkand" in text
        assert "outpost-49-9" not in text and "`" not in text, "no id in the popup's text"
        links = page.locator(".leaflet-popup-content a")
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        assert "/places/sarkand" in hrefs and "/incidents/sarkand-1927-08-18" in hrefs
        inside = "(() => { const r = document.querySelector('.leaflet-popup').getBoundingClientRect();"
        inside += " return r.top >= 0 && r.bottom <= window.innerHeight; })()"
        wait_until(page, inside, 5000)  # panned into view
        page.keyboard.press("Escape")
        wait_until(page, "document.querySelectorAll('.leaflet-popup').length === 0")
    finally:
        page.close()


def test_uncertainty_circles_do_not_drown_the_regional_view(browser, live_server):
    page = open_map(browser, live_server.url + "/#year=1927&z=6&c=44.5000,80.5000")
    try:
        assert page.locator("path.uncertainty-path").count() > 5
        assert visible_circles(page) == 0, "hidden at the regional zoom"
        page.locator("path.place-marker.jarkent").dispatch_event("mouseover")
        assert visible_circles(page) == 1, "the hovered feature's circle is drawn"
        page.locator("path.place-marker.jarkent").dispatch_event("mouseout")
        assert visible_circles(page) == 0
        page.get_by_label("Show every uncertainty circle").check()
        assert visible_circles(page) == page.locator("path.uncertainty-path").count()
        page.get_by_label("Show every uncertainty circle").uncheck()
        page.evaluate("BorderAtlas.map.setZoom(8)")
        wait_until(page, "BorderAtlas.map.getZoom() === 8")
        assert visible_circles(page) > 0, "shown from zoom 8"
    finally:
        page.close()


def test_place_labels_do_not_overlap_and_towns_come_first(browser, live_server):
    page = open_map(browser, live_server.url + "/#year=1930&z=5&c=45.5000,82.0000")
    try:
        boxes = page.evaluate(
            """Array.from(document.querySelectorAll('.place-label')).filter(n => !n.classList.contains('label-hidden'))
                .map(n => { const r = n.getBoundingClientRect();
                            return [n.textContent, r.left, r.top, r.right, r.bottom]; })"""
        )
        names = [b[0] for b in boxes]
        assert "Jarkent" in names and "Zaysan" in names and "Dararty" not in names
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert a[1] >= b[3] or a[3] <= b[1] or a[2] >= b[4] or a[4] <= b[2], f"{a[0]} overlaps {b[0]}"
    finally:
        page.close()


def test_the_figure_button_opens_a_figure_of_the_current_view(browser, live_server):
    page = open_map(browser, live_server.url + "/#year=1927-1932&z=7&c=44.5000,80.0000")
    try:
        overlay_checkbox(page, "Migration").uncheck()
        wait_until(page, "location.hash.includes('off=Migration')")
        page.locator(".atlas-figure select").select_option("svg")
        with page.context.expect_page() as opened:
            page.locator(".atlas-figure button").click()
        figure = opened.value
        figure.wait_for_load_state()
        query = parse_qs(urlparse(figure.url).query)
        assert query["year"] == ["1927-1932"] and query["format"] == ["svg"] and query["off"] == ["Migration"]
        minlon, minlat, maxlon, maxlat = (float(v) for v in query["bbox"][0].split(","))
        assert minlon < 80 < maxlon and minlat < 44.5 < maxlat
        with urlopen(figure.url, timeout=60) as response:
            svg = response.read().decode()
        assert "The Kazakh–Xinjiang border, 1927–1932" in svg
        assert "Migration:" not in svg and "Border line" in svg
        figure.close()
        assert page.errors == []
    finally:
        page.close()

"""The map in a real headless Chromium (Debian's), served by the app on 127.0.0.1."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlparse
from urllib.request import urlopen

import pytest

from tests.conftest import ARTIFACTS, PAYLOAD, LiveServer
from tests.synthetic import write_scaled_store
from webapp import create_app, vocabulary
from webapp.mapview import COUNT_THRESHOLD

pytestmark = pytest.mark.browser
ZONE_22 = "path.zone-path.zone-22-km"


def open_map(browser, url: str):
    """A page on the map with every request recorded and any dialog (alert) counted."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.requests, page.dialogs, page.errors = [], [], []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector("path.border-path")
    wait_loaded(page)
    return page


LOADED = (
    "window.BorderAtlas && BorderAtlas.ready && document.querySelector('.leaflet-container').dataset.loaded === 'true'"
)


def wait_loaded(page) -> None:
    """Wait until the modules have started and the fetched layers of the view and period asked for are drawn."""
    wait_until(page, LOADED)


def wait_until(page, expression: str, timeout_ms: int = 30_000) -> None:
    """Wait until a JavaScript expression is truthy, polling from Python.

    Playwright's own wait_for_function re-evaluates its predicate with eval() inside the page, which the
    app's Content-Security-Policy (no 'unsafe-eval') refuses; page.evaluate goes through the DevTools protocol.
    """
    for _ in range(timeout_ms // 50):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"still false after {timeout_ms} ms: {expression}")


def open_popup(page, feature_id: str, at_place: str | None = None) -> None:
    """Open the popup of a feature, as a click on it does (at a place's point, if given)."""
    page.evaluate(
        """([id, place]) => {
            let at = null;
            const layers = [];
            BorderAtlas.map.eachLayer(l => { if (l.feature) layers.push(l); });
            layers.forEach(l => { if (place && l.feature.id === place && l.getLatLng) at = l.getLatLng(); });
            layers.forEach(l => { if (l.feature.id === id && l.openPopup) l.openPopup(at || undefined); });
        }""",
        [feature_id, at_place],
    )


def overlay_checkbox(page, name: str):
    return page.locator(".leaflet-control-layers-overlays").get_by_role("checkbox", name=name, exact=True)


def set_year(page, year: int) -> None:
    page.locator(".atlas-year input[type=range]").fill(str(year))
    wait_until(page, f"document.querySelector('.leaflet-container').dataset.year === '{year}'")
    wait_loaded(page)


def test_layers_year_and_offline(browser, live_server):
    page = open_map(browser, live_server.url + "/")
    try:
        set_year(page, 1930)
        assert page.locator(ZONE_22).count() == 1

        overlay_checkbox(page, "22 km border zone").uncheck()
        assert page.locator(ZONE_22).count() == 0
        overlay_checkbox(page, "22 km border zone").check()
        assert page.locator(ZONE_22).count() == 1

        set_year(page, 1920)
        assert page.locator(ZONE_22).count() == 0, "the 22 km zone dates from 1923"
        assert page.locator("path.zone-path.zone-7-5-km").count() == 1
        assert page.locator(".atlas-legend .row.off", has_text="22 km border zone").count() == 1

        set_year(page, 1930)
        assert page.locator(ZONE_22).count() == 1
        assert page.locator(".leaflet-control-scale").count() == 1
        assert page.locator(".atlas-legend").count() == 1

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "map.png"))
        outside = [u for u in page.requests if urlparse(u).hostname != "127.0.0.1"]
        assert outside == [], f"requests left 127.0.0.1: {outside}"
        assert page.errors == []
    finally:
        page.close()


def test_zone_popup_shows_depth_acts_rules_and_citation(browser, live_server):
    page = open_map(browser, live_server.url + "/#year=1930")
    try:
        open_popup(page, "zone-22-km")
        popup = page.locator(".leaflet-popup-content .atlas-popup")
        popup.wait_for()
        text = popup.inner_text()
        for expected in (
            "22 km border zone",
            "Depth: 22 km",
            "June 15, 1927",
            "Entry",
            "n. 21",
            "f. 13, op. 1, d. 2, l. 3, Spetsial'nyi gosudarstvennyi arkhiv",
            "the zone's nominal depth",  # the caveat
        ):
            assert expected in text, f"{expected!r} missing from the popup"
    finally:
        page.close()


def test_a_click_on_the_border_opens_its_popup(browser, live_server):
    page = open_map(browser, live_server.url + "/")
    try:
        box = page.locator("path.border-path").bounding_box()
        page.evaluate(
            "BorderAtlas.map.eachLayer(l => { if (l.feature && l.feature.id === 'kazakh-xinjiang-border') "
            "l.fire('click', {latlng: l.getLatLngs()[Math.floor(l.getLatLngs().length / 2)]}); })"
        )
        assert box is not None
        popup = page.locator(".leaflet-popup-content .atlas-popup")
        popup.wait_for()
        assert "Acts for the border zone as a whole" in popup.inner_text()
        assert "November 1924" in popup.inner_text()
    finally:
        page.close()


def test_text_from_data_never_runs(browser, hostile_server):
    page = open_map(browser, hostile_server.url + "/#year=1930")
    try:
        open_popup(page, "zone-22-km")
        popup = page.locator(".leaflet-popup-content .atlas-popup")
        popup.wait_for()
        page.wait_for_timeout(300)  # let any injected image error handler fire
        assert PAYLOAD in popup.inner_text(), "the payload is shown as text"
        assert page.evaluate("window.__xss") is None
        assert page.dialogs == []
        assert page.locator(".leaflet-control-layers", has_text="<img src=x").count() == 1, "the name is shown as text"
        assert page.locator(".leaflet-control-layers img, .atlas-popup img").count() == 0
    finally:
        page.close()


def test_search_finds_a_place_under_another_name_and_zooms_to_it(browser, live_server):
    page = open_map(browser, live_server.url + "/")
    try:
        search = page.locator(".atlas-search input")
        search.fill("Ghulja")  # the modern name of Kuldja
        page.locator(".atlas-results button", has_text="Kuldja").first.click()
        popup = page.locator(".leaflet-popup-content .atlas-popup")
        popup.wait_for()
        assert "Kuldja" in popup.inner_text() and "China" in popup.inner_text()
        assert page.evaluate("BorderAtlas.map.getZoom()") >= 9
        center = page.evaluate("[BorderAtlas.map.getCenter().lat, BorderAtlas.map.getCenter().lng]")
        assert abs(center[0] - 43.9) < 0.2 and abs(center[1] - 81.3) < 0.2

        search.fill("Uryl")  # unlocated: offered as a link to its page
        assert page.locator(".atlas-results a", has_text="Uryl").get_attribute("href").endswith("/places/uryl")
    finally:
        page.close()


def test_label_language_switch(browser, live_server):
    # The whole border, where Jarkent, Zaysan and Narynkol are all drawn (with place= the map moves to Jarkent
    # after the first view, and Zaysan's label could go while the test reads the labels).
    page = open_map(browser, live_server.url + "/#year=1930")
    try:
        label = page.locator(".place-label", has_text="Jarkent")
        label.wait_for()
        page.locator(".atlas-box select").select_option("name_ru")
        assert page.locator(".place-label", has_text="Джаркент").count() == 1
        page.locator(".atlas-box select").select_option("name_zh")
        texts = "Array.from(document.querySelectorAll('.place-label'), e => e.textContent)"
        wait_until(page, f"{texts}.includes('斋桑')")  # labels hidden by collision count too: textContent
        labels = page.evaluate(texts)
        assert "斋桑" in labels and "Zaysan" not in labels  # the town of Zaysan
        assert "Narynkol" in labels, "a place without a Chinese name keeps its source spelling"
    finally:
        page.close()


def test_place_text_never_runs(browser, hostile_server):
    page = open_map(browser, hostile_server.url + "/#place=narynkol")
    try:
        popup = page.locator(".leaflet-popup-content .atlas-popup")
        popup.wait_for()
        page.wait_for_timeout(300)
        assert "<img src=x onerror=window.__xss=6>" in popup.inner_text()
        assert page.evaluate("window.__xss") is None and page.dialogs == []
    finally:
        page.close()


def test_units_follow_the_year_and_undated_ones_are_counted(browser, live_server):
    page = open_map(browser, live_server.url + "/")
    try:
        set_year(page, 1920)
        assert page.locator("path.outposts-marker.jetisu-border-detachment").count() == 0, "formed in April 1924"
        set_year(page, 1930)
        assert page.locator("path.outposts-marker.jetisu-border-detachment").count() == 1
        undated = page.locator(".atlas-legend .undated-count").inner_text()
        assert undated.split()[0].isdigit() and int(undated.split()[0]) > 0
        assert page.locator("path.customs-marker.customs-post-khorgos").count() == 1
    finally:
        page.close()


def test_a_click_on_the_background_answers_what_applied_there(browser, live_server):
    page = open_map(browser, live_server.url + "/#year=1933")
    try:
        for layer in ("Places: uncertainty (radius)", "Places"):
            overlay_checkbox(page, layer).uncheck()
        # a point in Xinjiang, far from every zone
        point = page.evaluate(
            "(() => { const p = BorderAtlas.map.latLngToContainerPoint([43.0, 84.5]); return [p.x, p.y]; })()"
        )
        page.mouse.click(point[0], point[1])
        answer = page.locator(".leaflet-popup-content .atlas-regime")
        answer.wait_for()
        assert "What applied here" in answer.inner_text() and "Xinjiang" in answer.inner_text()
    finally:
        page.close()


def test_what_applied_here_button_in_a_zone_popup(browser, live_server):
    page = open_map(browser, live_server.url + "/#year=1933")
    try:
        open_popup(page, "zone-22-km", at_place="khorgos")
        page.locator(".atlas-regime-button").click()
        answer = page.locator(".leaflet-popup-content .atlas-regime")
        answer.wait_for()
        assert "22 km border zone" in answer.inner_text()
    finally:
        page.close()


def test_incidents_and_flows_follow_the_year(browser, live_server):
    page = open_map(browser, live_server.url + "/")
    try:
        set_year(page, 1927)
        assert page.locator("path.incidents-marker.santos-1927-08-24").count() == 1
        assert page.locator("path.migration-path.emigration-1930-1933").count() == 0
        set_year(page, 1932)
        assert page.locator("path.incidents-marker.santos-1927-08-24").count() == 0
        assert page.locator("path.migration-path.emigration-1930-1933").count() == 1
    finally:
        page.close()


def test_flows_are_as_wide_as_the_vocabulary_says(browser, live_server):
    """The page draws each flow with the server's flow_width (its parameters come in the page's config)."""
    page = open_map(browser, live_server.url + "/#year=1932")
    try:
        drawn = page.evaluate(
            """Array.from(document.querySelectorAll('path.migration-path'),
                p => [p.getAttribute('class').split(' ')[1], parseFloat(p.getAttribute('stroke-width'))])"""
        )
        assert len(drawn) >= 3
        widths = set()
        for fid, width in drawn:
            props = live_server.get_json(f"/collections/migration/items/{fid}")["properties"]
            assert width == pytest.approx(vocabulary.flow_width(vocabulary.flow_range(props)[1]), abs=1e-6), fid
            widths.add(round(width, 3))
        assert len(widths) > 1, "flows of different sizes: the check can tell widths apart"
    finally:
        page.close()


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


def settled_href(page, still_ms: int = 300) -> str:
    """The page's URL once it has not changed for `still_ms` (a pan or zoom in progress rewrites it)."""
    previous = None
    for _ in range(100):
        current = page.evaluate("location.href")
        if current == previous:
            return current
        previous = current
        page.wait_for_timeout(still_ms)
    raise AssertionError(f"the URL kept changing: {current}")


def histogram_count(page, year: int) -> int:
    return int(page.locator(f'.atlas-histogram g.year[data-year="{year}"]').get_attribute("data-count"))


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
        assert page.evaluate("BorderAtlas.map.getZoom()") > 3, "the cluster was opened to show it"
    finally:
        page.close()


def api_items(server, cid: str, query: str) -> list[dict]:
    with urlopen(f"{server.url}/collections/{cid}/items?{query}&limit=1000") as response:
        return json.load(response)["features"]


def incident_ids_on_map(page) -> list[str]:
    """The incidents now in their cluster group (drawn, or inside a cluster)."""
    return page.evaluate(
        """(() => { const ids = [];
            BorderAtlas.map.eachLayer(l => {
                if (l.zoomToShowLayer) l.getLayers().forEach(m => ids.push(m.feature.id)); });
            return ids.sort(); })()"""
    )


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


def heat_pixels(page) -> int:
    return page.evaluate(
        """(() => { const c = document.querySelector('canvas.leaflet-heatmap-layer');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; })()"""
    )


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


def visible_circles(page) -> int:
    return page.evaluate(
        "Array.from(document.querySelectorAll('path.uncertainty-path'))"
        ".filter(p => getComputedStyle(p).display !== 'none').length"
    )


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


def items_requests(page, cid: str) -> list[str]:
    """The items requests the page made for a collection, oldest first."""
    return [u for u in page.requests if urlparse(u).path == f"/collections/{cid}/items"]


def located_ids(url: str) -> list[str]:
    """The ids of the located features of the API's answer to an items request the page made."""
    with urlopen(url) as response:
        return sorted(f["id"] for f in json.load(response)["features"] if f["geometry"])


def place_ids_on_map(page) -> list[str]:
    return page.evaluate(
        """Array.from(document.querySelectorAll('path.place-marker'))
            .map(p => [...p.classList].find(c => !['place-marker', 'leaflet-interactive'].includes(c))).sort()"""
    )


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


def count_bubbles(page, cid: str) -> list[dict]:
    return page.evaluate(
        f"""Array.from(document.querySelectorAll('.count-bubble.count-{cid}'))
            .map(b => ({{count: Number(b.dataset.count), text: b.textContent, title: b.title}}))"""
    )


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
        page.wait_for_load_state()
        target = page.evaluate("location.hash.slice(1)")
        assert page.locator(f"mark#{target}").count() == 1, "the popup's link lands on a marked passage"
    finally:
        page.close()

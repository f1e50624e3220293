"""The map's layers, popups, search and labels in a real headless Chromium (Debian's), served on 127.0.0.1."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.browser.pages import ZONE_22, open_map, open_popup, overlay_checkbox, popup_text, set_year, wait_until
from tests.conftest import ARTIFACTS, PAYLOAD
from webapp import vocabulary

pytestmark = pytest.mark.browser


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
        text = popup_text(page, "zone-22-km")
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
            assert width == pytest.approx(vocabulary.flow_widths(props)[0], abs=1e-6), fid
            widths.add(round(width, 3))
        assert len(widths) > 1, "flows of different sizes: the check can tell widths apart"
    finally:
        page.close()


def test_a_popup_shows_a_quote_with_the_words_the_copy_cut_joined(browser, live_server):
    """Issue 27: a quote cut at a line's end in the copy ("Мак- сумханов") is shown joined in the map's popups; the
    data keeps it verbatim (quote_shown beside it)."""
    page = open_map(browser, live_server.url + "/#year=1923&sel=russian-chinese-jsc-draft-1923")
    try:
        text = popup_text(page, "russian-chinese-jsc-draft-1923")
        assert "Агзумхан Габидович Максумханов" in text and "Мак- сумханов" not in text
        assert "<sup>" not in text
    finally:
        page.close()

"""The "What changed" panel on the map and "Show its years" (real headless Chromium): the panel for 1927 → 1935
lists the 1932 passportization and the 1935 ban on staying in the 500-metre strip, each with its reference, a link
to the passage in the reader that opens it, and a link that selects the feature on the map; a click on the map
gives the regime there at both moments; a popup's "Show its years" moves the slider to the feature's interval."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.request import urlopen

import pytest

from tests.browser.pages import open_map, open_popup, wait_loaded, wait_until

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("CHANGES_SHOTS", "/tmp/changes29-shots"))


def _panel(page):
    page.locator(".atlas-changes-open").click()
    panel = page.locator(".atlas-changes")
    panel.locator(".change").first.wait_for()
    return panel


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name))


def test_the_panel_lists_1927_to_1935_with_references_and_working_links(browser, live_server):
    page = open_map(browser, live_server.url + "/map#year=1927&compare=1935")
    panel = _panel(page)
    assert "After 1927, up to the end of 1935" in panel.locator(".changes-summary").inner_text()
    assert panel.locator("input[aria-label='From the year']").input_value() == "1927"
    assert panel.locator("input[aria-label='To the year']").input_value() == "1935"
    _shot(page, "panel-1927-1935.png")
    passports = panel.locator(".change", has_text="Partial passportization")
    ban = panel.locator(".change", has_text="Complete ban on staying in the 500 m zone")
    assert passports.locator(".change-date").inner_text() == "In 1932"
    for line in (passports, ban):
        source = line.locator(".changes-ref a").first
        assert "Ablazhey and Zhanbossinova 2026" in source.inner_text()
        with urlopen(live_server.url + source.get_attribute("href")) as response:  # the reader's passage opens
            assert response.status == 200
        assert "Natalia N. Ablazhey" in line.locator(".changes-ref details p").first.text_content()
    before = page.evaluate("history.length")
    ban.locator(".change-select").click()  # comparing: selects the 500 m strip on the second map, of 1935
    frame = page.frame_locator("iframe.atlas-compare-frame")
    frame.locator(".leaflet-popup-content .atlas-popup").wait_for()
    assert "500" in frame.locator(".leaflet-popup-content h3").inner_text()
    hash_ = page.evaluate("location.hash")  # both moments kept
    assert "year=1927" in hash_ and "compare=1935" in hash_, hash_
    assert page.locator(".atlas-compare-second output").inner_text() == "1935"
    _shot(page, "panel-selected-compare.png")
    assert page.locator(".atlas-changes").is_visible()  # the list stays open beside the selection
    _shot(page, "panel-selected.png")
    assert page.evaluate("history.length") == before + 1  # Back returns to the comparison, not out of the atlas
    page.go_back()
    assert "compare=1935" in page.evaluate("location.href")
    assert page.errors == []
    page.close()


def test_a_click_on_the_map_gives_the_regime_at_both_moments(browser, live_server):
    page = open_map(browser, live_server.url + "/map#year=1920&z=9&c=45.1000,80.3000")
    panel = _panel(page)
    assert panel.locator("input[aria-label='To the year']").input_value() == "1940"  # no compare: the last year
    panel.locator("input[aria-label='To the year']").fill("1935")
    panel.locator(".changes-show").click()
    wait_until(page, "document.querySelector('.changes-summary').textContent.includes('end of 1935')")
    panel.locator(".changes-pick").click()
    box = page.locator(".leaflet-container").bounding_box()
    at = page.evaluate("BorderAtlas.map.latLngToContainerPoint([45.1, 80.3])")
    page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])
    moments = panel.locator(".changes-point .moment")
    moments.first.wait_for()
    assert moments.nth(0).locator("h4").inner_text() == "In 1920"
    assert moments.nth(1).locator("h4").inner_text() == "In 1935"
    assert "16 km border zone" not in moments.nth(0).inner_text()  # in force from 1923
    assert "16 km border zone" in moments.nth(1).locator("li.differs").first.inner_text()
    assert "(new since 1920)" in moments.nth(1).inner_text()
    for moment in (moments.nth(0), moments.nth(1)):  # undated, as /changes and the map's click list give it
        assert "100 km gold zone — in force at a time the sources do not give" in moment.inner_text()
    assert page.locator("path.changes-point-mark").count() == 1  # the point asked about, marked
    assert page.locator(".leaflet-popup").count() == 0  # the click answered the panel, not "what applied here?"
    _shot(page, "panel-point.png")
    page.close()


def test_show_its_years_moves_the_slider_to_the_feature_interval(browser, live_server):
    page = open_map(browser, live_server.url + "/map#year=1923")
    open_popup(page, "zone-21-verst")  # in force from 1922 to 1924
    page.locator(".leaflet-popup-content .atlas-show-years").click()
    wait_until(page, "location.hash.includes('year=1922-1924')")
    wait_loaded(page)
    assert page.locator(".atlas-year input[type=range]").input_value() == "1922"
    assert page.locator(".atlas-span").input_value() == "3"
    page.close()


def _pick_on(page, frame_selector: str | None, lat: float, lon: float) -> None:
    """A click on the ground of the first map (None) or of the map in the frame, at a point."""
    target = page.locator(frame_selector) if frame_selector else page.locator(".leaflet-container").first
    box = target.bounding_box()
    window = f"document.querySelector('{frame_selector}').contentWindow" if frame_selector else "window"
    at = page.evaluate(f"{window}.BorderAtlas.map.latLngToContainerPoint([{lat}, {lon}])")
    page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])


def test_comparing_a_click_on_the_second_map_answers_the_panel(browser, live_server):
    page = open_map(browser, live_server.url + "/map#year=1920&compare=1935&z=9&c=45.1000,80.3000")
    wait_until(page, "document.querySelector('iframe.atlas-compare-frame').contentWindow.BorderAtlas.ready === true")
    panel = _panel(page)
    panel.locator(".changes-pick").click()
    _pick_on(page, "iframe.atlas-compare-frame", 45.1, 80.3)
    moments = panel.locator(".changes-point .moment")
    moments.first.wait_for(timeout=15000)
    assert moments.nth(1).locator("h4").inner_text() == "In 1935"
    assert "16 km border zone" in moments.nth(1).inner_text()
    frame = page.frame_locator("iframe.atlas-compare-frame")
    assert frame.locator(".leaflet-popup").count() == 0  # the click answered the panel
    page.close()


def test_on_a_phone_the_armed_panel_folds_to_a_bar_until_the_click(browser, live_server):
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(live_server.url + "/map#year=1920&z=9&c=45.1000,80.3000")
    page.wait_for_selector("path.border-path")
    wait_loaded(page)
    panel = _panel(page)
    panel.locator(".changes-pick").click()
    bar = panel.bounding_box()
    assert bar["height"] < 60 and bar["width"] < 300, bar  # the map free for the click
    assert panel.locator(".changes-armed-bar").inner_text().startswith("Click the map")
    _shot(page, "phone-armed.png")
    page.mouse.click(350, 300)  # the ground, clear of the controls down the left
    panel.locator(".changes-point .moment").first.wait_for(timeout=15000)
    assert panel.bounding_box()["height"] > 300  # reopened with the answer
    _shot(page, "phone-answer.png")
    page.close()


def test_the_histogram_tooltip_says_one_incident_in_the_singular(browser, live_server):
    page = open_map(browser, live_server.url + "/map#year=1927")
    tips = page.evaluate("Array.from(document.querySelectorAll('.atlas-year g.year title')).map(t => t.textContent)")
    assert not [t for t in tips if re.search(r"(?<![\d–])1 incidents", t)], tips
    assert [t for t in tips if re.search(r"(?<![\d–])1 incident\b", t)], tips
    page.close()

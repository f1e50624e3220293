"""Clicks that do what they say: every feature at a shared point can be reached, a click on the ground answers with
the regime there, a click on a marker with the feature, and popups open clear of the controls."""

from __future__ import annotations

import pytest

from tests.browser.pages import wait_until
from tests.journeys.conftest import Journey
from tests.journeys.map_state import marker_point, overlaps, rect, rects, settle

pytestmark = pytest.mark.browser

CONTROLS = ".leaflet-control-container .leaflet-control"


def popup_title(page) -> str | None:
    """The title of the open popup (the last: one closing fades out for a moment)."""
    return page.evaluate(
        "Array.from(document.querySelectorAll('.leaflet-popup h3')).map(h => h.textContent).pop() ?? null"
    )


def click_marker(page, feature_id: str) -> None:
    x, y = marker_point(page, feature_id)
    page.mouse.click(x, y)
    page.wait_for_selector(".leaflet-popup")


@pytest.mark.parametrize("zoom", [6, 10])
def test_every_feature_at_a_shared_point_can_be_opened(journey, zoom):
    page = journey.go(f"/map#year=1930&z={zoom}&c=44.1660,80.0070")
    click_marker(page, "jarkent")
    choices = page.locator(".atlas-stack-choice")
    names = [n.strip() for n in choices.locator(".name").all_inner_texts()]
    assert {"Jarkent", "49th Jarkent border detachment"} <= set(names), names
    journey.shot(f"stacked-point-list-z{zoom}")
    for i, name in enumerate(names):
        if i:
            click_marker(page, "jarkent")
        page.locator(".atlas-stack-choice").nth(i).click()
        page.wait_for_function("1")  # the list's popup closes, the feature's opens
        settle(page)
        assert popup_title(page) == name
        assert page.locator(".atlas-stack").count() == 0
    journey.shot(f"stacked-point-chosen-z{zoom}")


def test_a_group_of_incidents_over_places_offers_them_all(journey):
    page = journey.go("/map#year=1928-1935&z=9&c=46.6590,82.7730")
    group = page.locator(".marker-cluster").first
    group.click()
    page.wait_for_selector(".atlas-stack")
    text = page.locator(".atlas-stack").inner_text()
    for expected in ("Bakhty — Places", "Six Kazakhs from Chuguchak"):  # a place and the incidents at its point
        assert expected in text
    assert page.locator(".atlas-stack-choice").count() >= 4
    journey.shot("incidents-over-places-list")
    page.locator(".atlas-stack-choice", has_text="Six Kazakhs from Chuguchak").click()  # an incident in the group
    wait_until(page, "location.hash.includes('sel=six-kazakhs-1935-07-18')")
    page.wait_for_timeout(400)  # the list's popup fades out
    assert popup_title(page).startswith("Six Kazakhs from Chuguchak")
    journey.shot("incidents-over-places-chosen")


def test_a_click_on_the_ground_in_a_zone_answers_with_the_regime(journey):
    page = journey.go("/map#year=1931&z=9&c=44.1700,80.1000")
    frame = page.locator(".leaflet-container").bounding_box()
    page.mouse.click(frame["x"] + 790, frame["y"] + 360)  # between Jarkent and the border: inside every zone
    page.wait_for_selector(".atlas-regime")
    answer = page.locator(".atlas-regime")
    assert "What applied here in 1931 (as of 31 December)" in answer.inner_text()
    zones = answer.locator("details.regime-zone")
    assert zones.count() >= 5 and page.locator(".leaflet-popup").count() == 1
    in_force = answer.locator("details.regime-zone.in-force summary").all_inner_texts()
    assert any("7.5 km border zone — in force" in z for z in in_force), in_force
    first = answer.locator("details.regime-zone.in-force").first
    assert first.locator("ol.sources").is_hidden()
    first.locator("summary").click()
    assert first.locator("ol.sources").is_visible() and first.locator("ul.acts li").count() >= 1
    for zone in answer.locator("details.regime-zone summary").all()[1:4]:
        zone.click()  # more opened: the answer scrolls inside its popup, which stays in the window
    page.wait_for_timeout(300)
    popup, frame = rect(page, ".leaflet-popup"), rect(page, ".leaflet-container")
    assert popup["top"] >= frame["top"] and popup["bottom"] <= frame["bottom"], (popup, frame)
    assert page.locator(".atlas-regime h3").is_visible()
    journey.shot("ground-click-regime")


def test_a_click_on_a_marker_answers_with_the_feature_only(journey):
    page = journey.go("/map#year=1927&z=9&c=42.7260,80.1750")
    click_marker(page, "narynkol")
    assert page.locator(".leaflet-popup").count() == 1 and page.locator(".atlas-regime").count() == 0
    assert popup_title(page) == "Narynkol"


def _put_marker_at(page, feature_id: str, x: float, y: float) -> None:
    """Pan the map so that the feature's marker stands at page point (x, y)."""
    mx, my = marker_point(page, feature_id)
    page.evaluate("([dx, dy]) => BorderAtlas.map.panBy([dx, dy], {animate: false})", [mx - x, my - y])
    settle(page)


@pytest.mark.parametrize("beside", ["time", "layers", "legend", "links"])
def test_a_popup_opens_clear_of_the_controls(journey, beside):
    page = journey.go("/map#year=1927&z=9&c=42.7260,80.1750")
    time, layers = rect(page, ".atlas-year"), rect(page, ".leaflet-control-layers")
    legend, links = rect(page, ".atlas-legend"), rect(page, ".atlas-links")
    spot = {
        "time": (time["right"] + 30, time["top"] + 30),
        "layers": (layers["left"] - 30, layers["top"] + 40),
        "legend": (legend["left"] - 30, legend["top"] + 60),
        "links": (links["left"] + 120, links["top"] - 30),
    }[beside]
    _put_marker_at(page, "narynkol", *spot)
    click_marker(page, "narynkol")
    page.wait_for_timeout(1000)  # Leaflet's pan into the window, then ours clear of the controls
    popup = rect(page, ".leaflet-popup")
    boxes = rects(page, CONTROLS)
    assert not [b for b in boxes if overlaps(popup, b)], (popup, boxes)
    journey.shot(f"popup-beside-{beside}")


def test_the_page_has_a_title_a_language_and_allows_zooming(journey):
    page = journey.go("/map")
    assert "Border Atlas" in page.title() and page.title().startswith("Map")
    assert page.evaluate("document.documentElement.lang") == "en"
    viewport = page.evaluate("document.querySelector('meta[name=viewport]').content")
    assert "user-scalable=no" not in viewport and "maximum-scale" not in viewport


def test_the_legend_keys_the_markers_drawn(journey):
    page = journey.go("/map#year=1930&z=6&c=45.0000,82.0000")
    keys = page.locator(".atlas-legend .markers")
    assert "Border-guard units:" in keys.inner_text() and "Border detachment" in keys.inner_text()
    assert "schematic, the route unknown" in keys.inner_text()
    journey.shot("legend-keys")
    page.locator(".leaflet-control-layers-overlays label", has_text="Border-guard units").locator("input").uncheck()
    settle(page)
    assert "Border-guard units:" not in keys.inner_text(), "a layer switched off leaves the key"


def test_a_click_on_the_histogram_changes_the_year_and_nothing_else(journey):
    page = journey.go("/map#year=1927&z=8&c=44.5000,80.6000")
    page.locator('.atlas-histogram g.year[data-year="1930"]').click()
    wait_until(page, "document.querySelector('.leaflet-container').dataset.year === '1930'")
    page.wait_for_timeout(500)
    assert page.locator(".leaflet-popup").count() == 0, "the click did not reach the map under the control"


def visibility(page) -> list[bool]:
    """Whether each shown control (as `rects` lists them) is visible, not stepped aside."""
    return page.evaluate(
        f"Array.from(document.querySelectorAll('{CONTROLS}')).filter(c => c.offsetWidth)"
        ".map(c => getComputedStyle(c).visibility !== 'hidden')"
    )


def test_a_popup_in_a_small_window_is_not_hidden_under_the_controls(browser, live_server):
    walk = Journey(browser, live_server.url, {"width": 933, "height": 600})
    try:
        page = walk.go("/map#year=1927&z=8&c=44.1700,79.9500&off=Migration")
        page.evaluate("location.hash = 'year=1927&z=8&c=44.1700,79.9500&off=Migration&sel=narynkol'")
        page.wait_for_selector(".leaflet-popup h3")
        page.wait_for_timeout(1000)
        popup = rect(page, ".leaflet-popup")
        boxes = list(zip(rects(page, CONTROLS), visibility(page), strict=True))
        assert not [b for b, visible in boxes if visible and overlaps(popup, b)], "no shown control covers the popup"
        assert all(visible for b, visible in boxes if not overlaps(popup, b)), "a control clear of it stays in place"
        walk.shot("mid-window-popup")
        page.keyboard.press("Escape")
        assert page.locator(".atlas-year").is_visible(), "the controls come back when it closes"
    finally:
        walk.close()

"""On a phone-sized screen: the legend and the layer control start folded, each opens with a tap and folds the other,
their long lists scroll, and a popup fits the screen."""

from __future__ import annotations

import pytest

from tests.browser.pages import wait_until
from tests.journeys.map_state import ground_point, rect

pytestmark = pytest.mark.browser


def scrolls(page, selector: str) -> bool:
    return page.evaluate(
        "(s) => { const e = document.querySelector(s); return e.scrollHeight > e.clientHeight + 4; }", selector
    )


def test_the_legend_and_the_layers_fold_and_scroll_on_a_phone(phone):
    page = phone.go("/map#year=1930")
    assert page.evaluate("document.querySelector('.atlas-legend').open") is False
    assert page.locator(".leaflet-control-layers-expanded").count() == 0
    phone.shot("phone-folded")

    page.locator(".leaflet-control-layers-toggle").click()
    assert page.locator(".leaflet-control-layers-expanded").count() == 1
    assert scrolls(page, ".leaflet-control-layers-expanded"), "the layer list is longer than the screen allows"
    layers = rect(page, ".leaflet-control-layers-expanded")
    assert layers["bottom"] <= 740 and layers["right"] <= 390
    phone.shot("phone-layers")

    page.locator(".atlas-legend summary").click()
    assert page.evaluate("document.querySelector('.atlas-legend').open") is True
    wait_until(page, "!document.querySelector('.leaflet-control-layers-expanded')", timeout_ms=2000)  # folded
    assert scrolls(page, ".atlas-legend")
    legend = rect(page, ".atlas-legend")
    assert legend["top"] >= 0 and legend["right"] <= 390
    phone.shot("phone-legend")

    page.mouse.click(*ground_point(page))  # the map: both fold, and nothing else happens
    wait_until(page, "!document.querySelector('.atlas-legend').open", timeout_ms=2000)
    page.wait_for_timeout(500)
    assert page.locator(".leaflet-popup").count() == 0, "a tap that folds the legend asks nothing of the map"
    page.locator(".leaflet-control-layers-toggle").click()
    overlay = page.locator(".leaflet-control-layers-overlays label", has_text="Border line").locator("input")
    overlay.click()  # above the controls of the other corners
    assert not overlay.is_checked()


def test_a_popup_fits_a_phone(phone):
    page = phone.go("/map#year=1927&z=9&c=45.4130,79.9170&sel=sarkand-1927-08-18")
    page.wait_for_selector(".leaflet-popup")
    page.wait_for_timeout(800)
    popup = rect(page, ".leaflet-popup")
    assert popup["left"] >= 0 and popup["right"] <= 390 and popup["top"] >= 0
    for x, y in ((popup["left"] + 30, popup["top"] + 30), (popup["left"] + 60, popup["top"] + 120)):
        on_top = page.evaluate("([x, y]) => Boolean(document.elementFromPoint(x, y).closest('.leaflet-popup'))", [x, y])
        assert on_top, f"the popup is hidden under a control at {x}, {y}"
    phone.shot("phone-popup")
    page.keyboard.press("Escape")
    assert page.locator(".atlas-year").is_visible(), "the controls come back when the popup closes"


def test_the_regime_at_a_point_fits_a_phone_when_a_zone_is_opened(phone):
    page = phone.go("/map#year=1931&z=9&c=44.0500,80.2500")
    page.mouse.click(170, 520)  # on the Soviet side, inside the zones
    page.wait_for_selector(".atlas-regime details.regime-zone")
    page.locator(".atlas-regime details.regime-zone.in-force summary").first.click()
    page.wait_for_timeout(300)
    popup = rect(page, ".leaflet-popup")
    assert popup["top"] >= 0 and popup["bottom"] <= 740 and popup["right"] <= 390, popup
    assert page.locator(".leaflet-popup-close-button").is_visible(), "the popup can be closed"
    phone.shot("phone-regime-opened")

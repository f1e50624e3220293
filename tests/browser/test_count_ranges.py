"""Counts as ranges on the map (real headless Chromium): a popup says a range with its best figure as every page
does ("about 50 (40–60)"), and the histogram's tooltip gives each layer's count in a year as a range from the
features certainly there to those possibly there too."""

from __future__ import annotations

import re

import pytest

from tests.browser.pages import open_map, open_popup, popup_text
from tests.conftest import LiveServer
from tests.ranged import ZAYSAN_SAID, ranged_store
from webapp import create_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with LiveServer(create_app({"STORE": ranged_store(tmp_path_factory.mktemp("ranged"))})) as live:
        yield live


def test_popups_say_a_range_with_its_best_figure(browser, server):
    page = open_map(browser, f"{server.url}/map#year=1931&z=8&c=47.5000,84.5000")
    assert f"households: {ZAYSAN_SAID}" in popup_text(page, "zaysan-1931-02-11")  # the incident
    page.evaluate("BorderAtlas.map.closePopup()")
    open_popup(page, "zaysan-households-1931-02")  # its flow
    page.locator(".leaflet-popup-content", has_text="Households").wait_for()
    assert f"Households: {ZAYSAN_SAID}" in page.locator(".leaflet-popup-content").inner_text()
    assert page.errors == []
    page.close()


def test_the_histogram_tooltip_gives_a_range_from_certain_to_possible(browser, server):
    page = open_map(browser, f"{server.url}/map#year=1931")
    tip = page.locator('.atlas-histogram g.year[data-year="1931"] title').text_content()
    ranged = re.search(r"(\d+)–(\d+) [a-z ]+ \((\d+) only possibly\)", tip)
    assert ranged, tip
    low, high, possible = (int(n) for n in ranged.groups())
    assert high - low == possible > 0
    page.close()

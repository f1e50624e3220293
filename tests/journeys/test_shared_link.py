"""A shared link: opened, pasted into the address bar of an open map, and walked back and forward; every part of
the view (years, zoom, centre, layers off, the selected feature, the label language) is what the link says."""

from __future__ import annotations

import pytest

from tests.journeys.map_state import paste, seen, settle
from webapp.vocabulary import OVERLAYS

pytestmark = pytest.mark.browser

FIRST = "year=1931&z=6&c=45.0000,82.0000"
SECOND = "year=1927-1929&z=8&c=45.1000,80.2000&off=Migration,Border-guard%20units&sel=sarkand-1927-08-18&lang=name_ru"
SARKAND = "Detention and deportation of 12 border violators at Sarkono (Sarkand)"
HIDDEN_FIRST = {OVERLAYS["heat"], OVERLAYS["placeAreas"]}  # overlays the map starts without


def _is_second(view: dict) -> None:
    assert view["years"] == "1927–1929" and view["zoom"] == 8
    assert view["popup"] == SARKAND
    assert set(view["off"]) - HIDDEN_FIRST == {"Border-guard units", "Migration"}
    assert view["language"] == "name_ru"


def _is_first(view: dict) -> None:
    assert view["years"] == "1931" and view["zoom"] == 6 and view["popup"] is None
    assert set(view["off"]) == HIDDEN_FIRST
    assert view["centre"] == pytest.approx([45.0, 82.0], abs=0.01)
    assert view["language"] == "name"


def test_a_link_opens_as_sent(journey):
    page = journey.go("/map#" + SECOND)
    settle(page)
    view = seen(page)
    _is_second(view)
    assert page.locator(".place-label", has_text="Сарканд").count() == 1, "the labels are in Russian"
    written = dict(part.split("=", 1) for part in page.evaluate("location.hash")[1:].split("&"))
    assert written["year"] == "1927-1929" and written["z"] == "8" and written["sel"] == "sarkand-1927-08-18"
    assert set(written["off"].split(",")) == {"Migration", "Border-guard%20units"} and written["lang"] == "name_ru"
    journey.shot("shared-link-opened")


def test_a_link_pasted_into_an_open_map_applies_whole_and_back_and_forward_return(journey):
    page = journey.go("/map#" + FIRST)
    _is_first(seen(page))
    paste(page, SECOND)
    _is_second(seen(page))
    assert "sel=sarkand-1927-08-18" in page.evaluate("location.hash"), "the pasted view is not rewritten to the old"
    journey.shot("shared-link-pasted")
    page.go_back()
    settle(page)
    _is_first(seen(page))
    journey.shot("shared-link-back")
    page.go_forward()
    settle(page)
    _is_second(seen(page))


def test_a_view_copied_from_the_address_bar_reopens_the_same(journey, browser):
    page = journey.go("/map#year=1930&z=7&c=45.5,81.0")
    page.locator('select[aria-label="Label language"]').select_option("name_zh")
    overlays = page.locator(".leaflet-control-layers-overlays label")
    overlays.filter(has_text="Customs offices and posts").locator("input").uncheck()
    overlays.filter(has_text=OVERLAYS["heat"]).locator("input").check()
    page.get_by_label("Find a place").fill("Jarkent")
    page.locator(".atlas-results button", has_text="Jarkent").first.click()
    settle(page)
    copied = page.evaluate("location.href")
    before = seen(page)
    assert before["popup"] == "Jarkent" and set(before["off"]) == {"Customs offices and posts", OVERLAYS["placeAreas"]}
    assert "on=Incidents%3A%20heat%20map" in copied
    other = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        other.goto(copied)
        other.wait_for_selector("path.border-path")
        settle(other)
        after = seen(other)
        assert after["centre"] == pytest.approx(before["centre"], abs=0.001)
        assert {k: v for k, v in after.items() if k != "centre"} == {k: v for k, v in before.items() if k != "centre"}
    finally:
        other.close()


def test_a_link_to_incidents_drawn_at_one_point_opens_each_where_the_link_puts_the_map(journey):
    page = journey.go("/map#year=1927&z=8&c=44.8000,80.0000&sel=chulak-1927-08-15")
    settle(page)
    first = seen(page)
    assert first["popup"] == "Opium field of 4 dessiatines destroyed in the Chulak area" and first["zoom"] == 8
    assert "sel=chulak-1927-08-15" in page.evaluate("location.hash")
    paste(page, "year=1927&z=8&c=44.8000,80.0000&sel=tokhty-1927-08")
    second = seen(page)
    assert second["popup"] and "Tokhty" in second["popup"] and second["zoom"] == 8, second
    journey.shot("shared-link-incident-in-a-group")


def test_a_link_asking_for_what_the_map_cannot_show_says_so(journey):
    page = journey.go("/map#year=3000&z=99&sel=uryl-1933&off=Nope&lang=xx")
    settle(page)
    note = page.locator(".atlas-notice")
    note.wait_for()
    text = note.inner_text()
    for part in ("“3000”", "1918–1940", "“z=99”", "“xx”", "“Nope”", "“uryl-1933”", "no point on the map"):
        assert part in text, part
    assert seen(page)["years"] == "1930", "the rest of the view is the map's own"
    journey.shot("shared-link-what-was-left-out")
    note.get_by_role("button", name="Close this note").click()
    assert page.locator(".atlas-notice").count() == 0

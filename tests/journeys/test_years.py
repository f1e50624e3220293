"""Playing the years: the time control steps through them, the map, the histogram and the address follow, and a
pause keeps the year reached."""

from __future__ import annotations

import pytest

from tests.browser.pages import wait_until
from tests.journeys.map_state import settle

pytestmark = pytest.mark.browser


def test_play_steps_through_the_years_and_pause_keeps_one(journey):
    page = journey.go("/map#year=1927")
    page.get_by_role("button", name="▶ Play").click()
    wait_until(page, "document.querySelector('.leaflet-container').dataset.year === '1929'", timeout_ms=10_000)
    page.get_by_role("button", name="❚❚ Pause").click()
    settle(page)
    year = page.locator(".atlas-year-value").inner_text()
    assert year in ("1929", "1930")
    assert f"year={year}" in page.evaluate("location.hash")
    assert page.locator(f'.atlas-histogram g.year.in-period[data-year="{year}"]').count() == 1
    page.wait_for_timeout(1500)
    assert page.locator(".atlas-year-value").inner_text() == year, "paused: the year stays"
    journey.shot("years-paused")


@pytest.mark.parametrize(
    ("fragment", "shown", "written"),
    [("datetime=1927/1932", "1927–1932", "year=1927-1932"), ("datetime=1930-05-01", "1930", "year=1930")],
)
def test_a_link_with_the_api_s_datetime_opens_those_years(journey, fragment, shown, written):
    page = journey.go(f"/map#{fragment}")
    assert page.locator(".atlas-year-value").inner_text() == shown
    wait_until(page, f"location.hash.includes('{written}')")
    assert page.locator(".atlas-notice").count() == 0, "nothing of the link was left out"

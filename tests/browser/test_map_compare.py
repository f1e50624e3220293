"""Two moments compared (real headless Chromium): `/map#year=1927&compare=1935` shows two maps, each with its years,
that follow each other's pan; a reload reopens the comparison; a layer switched off goes off on both; a narrow
screen shows one map over the other with a divider whose drag moves the clip; "Compare" opens it and "One map"
leaves it for the first years."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse
from urllib.request import urlopen

import pytest

from tests.browser.pages import open_map, overlay_checkbox, settled_href, wait_loaded, wait_until

pytestmark = pytest.mark.browser

FRAME = "document.querySelector('iframe.atlas-compare-frame')"
SECOND = f"{FRAME} && {FRAME}.contentWindow.BorderAtlas"
SECOND_READY = (
    f"{SECOND} && {FRAME}.contentWindow.BorderAtlas.ready"
    f" && {FRAME}.contentWindow.document.querySelector('.leaflet-container').dataset.loaded === 'true'"
)


def second(expression: str) -> str:
    """An expression on the compared map's window (`w`)."""
    return f"(w => {expression})({FRAME}.contentWindow)"


def open_compare(browser, url: str, width: int = 1400):
    page = open_map(browser, url) if width == 1400 else _open_narrow(browser, url, width)
    wait_until(page, SECOND_READY)
    return page


def _open_narrow(browser, url: str, width: int):
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(url)
    page.wait_for_selector("path.border-path")
    wait_loaded(page)
    return page


def years_shown(page) -> tuple[str, str, str, str]:
    """The years each map draws, and each side's label."""
    return (
        page.evaluate("document.querySelector('.leaflet-container').dataset.period"),
        page.evaluate(second("w.document.querySelector('.leaflet-container').dataset.period")),
        page.locator(".atlas-compare-first").inner_text(),
        page.locator(".atlas-compare-second output").inner_text(),
    )


def centres(page) -> list[list[float]]:
    return page.evaluate(
        f"""[BorderAtlas.map, {FRAME}.contentWindow.BorderAtlas.map]
            .map(m => [m.getCenter().lat, m.getCenter().lng, m.getZoom()])"""
    )


def test_two_maps_with_their_years_follow_each_others_pan(browser, live_server):
    page = open_compare(browser, f"{live_server.url}/map#year=1927&compare=1935")
    try:
        assert years_shown(page) == ("1927", "1935", "1927", "1935")
        boxes = [page.locator(s).bounding_box() for s in (".folium-map", "iframe.atlas-compare-frame")]
        assert boxes[0]["width"] == pytest.approx(700, abs=2) and boxes[1]["x"] >= 698, "side by side"
        page.evaluate("BorderAtlas.map.panBy([200, 120], {animate: false})")
        first, other = centres(page)
        assert first[:2] == pytest.approx(other[:2], abs=1e-3) and first[2] == other[2]
        page.evaluate(second("w.BorderAtlas.map.setView([44.5, 79.0], 8, {animate: false})"))
        first, other = centres(page)
        assert first == pytest.approx([44.5, 79.0, 8], abs=1e-3), "the first map follows the second"
        assert "compare=1935" in settled_href(page) and "year=1927" in settled_href(page)
    finally:
        page.close()


def test_ranges_and_a_reload_reopen_the_comparison(browser, live_server):
    page = open_compare(browser, f"{live_server.url}/map#year=1927-1928&compare=1934-1935&z=7&c=44.0000,80.0000")
    try:
        assert years_shown(page) == ("1927–1928", "1934–1935", "1927–1928", "1934–1935")
        page.locator(".atlas-compare-second button", has_text="▶").click()
        wait_until(page, "location.hash.includes('compare=1935-1936')")
        page.reload()
        page.wait_for_selector("path.border-path")
        wait_until(page, SECOND_READY)
        assert years_shown(page) == ("1927–1928", "1935–1936", "1927–1928", "1935–1936")
        assert centres(page)[1][:2] == pytest.approx([44.0, 80.0], abs=0.01)
        cited = _cite(page)
        assert "years 1927–1928, compared with 1935–1936" in cited and "compare=1935-1936" in cited
    finally:
        page.close()


def _cite(page) -> str:
    page.get_by_role("button", name="Cite this view").click()
    return page.locator("textarea.atlas-cite-text").input_value()


def test_a_layer_switched_off_and_only_what_is_certain_apply_to_both(browser, live_server):
    page = open_compare(browser, f"{live_server.url}/map#year=1927&compare=1935")
    try:
        borders = "w.document.querySelectorAll('path.border-path').length"
        assert page.evaluate(second(borders)) > 0
        page.locator(".leaflet-control-layers-toggle").click()  # folded when the comparison opened
        overlay_checkbox(page, "Border line").uncheck()
        wait_until(page, second(f"{borders} === 0"))
        assert page.evaluate("document.querySelectorAll('path.border-path').length") == 0
        page.locator(".atlas-certain-only").check()
        wait_until(page, second("w.location.hash.includes('certain=1')"))
        overlay_checkbox(page, "Border line").check()
        wait_until(page, second(f"{borders} > 0"))
    finally:
        page.close()


def test_compare_button_opens_and_one_map_returns_to_the_first_years(browser, live_server):
    page = open_map(browser, f"{live_server.url}/map#year=1930")
    try:
        page.get_by_role("button", name="Compare").click()
        wait_until(page, SECOND_READY)
        assert years_shown(page) == ("1930", "1931", "1930", "1931")
        page.locator(".atlas-compare-second input[type=range]").fill("1938")
        wait_until(page, second("w.document.querySelector('.leaflet-container').dataset.period === '1938'"))
        assert "compare=1938" in page.evaluate("location.hash")
        page.get_by_role("button", name="× One map").click()
        assert page.locator("iframe.atlas-compare-frame").count() == 0
        assert "compare=" not in page.evaluate("location.hash") and "year=1930" in page.evaluate("location.hash")
        width = page.locator(".folium-map").bounding_box()["width"]
        assert width == pytest.approx(1400, abs=2)
    finally:
        page.close()


def test_a_bad_compare_value_is_left_out_with_a_note(browser, live_server):
    page = open_map(browser, f"{live_server.url}/map#year=1927&compare=1800")
    try:
        note = page.locator(".atlas-notice").inner_text()
        assert "the years to compare “1800”" in note
        assert page.locator("iframe.atlas-compare-frame").count() == 0
    finally:
        page.close()


def test_a_narrow_screen_shows_a_swipe_whose_divider_moves_the_clip(browser, live_server):
    page = open_compare(browser, f"{live_server.url}/map#year=1927&compare=1935", width=600)
    try:
        frame = page.locator("iframe.atlas-compare-frame")
        assert frame.bounding_box()["width"] == pytest.approx(600, abs=1), "one map over the other"
        assert page.evaluate(f"getComputedStyle({FRAME}).clipPath") == "inset(0px 0px 0px 300px)"
        handle = page.locator(".atlas-compare-handle").bounding_box()
        x, y = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(150, y, steps=5)
        page.mouse.up()
        assert page.evaluate(f"getComputedStyle({FRAME}).clipPath") == "inset(0px 0px 0px 150px)"
        page.locator(".atlas-compare-divider").press("ArrowRight")
        assert page.evaluate(f"getComputedStyle({FRAME}).clipPath") == "inset(0px 0px 0px 170px)"
        # The clip cuts the second map's vector layers too: a border path of the second map left of the divider
        # is hidden (the hit test finds the first map's page there).
        hit = page.evaluate(f"document.elementFromPoint(100, 400) === {FRAME}")
        assert hit is False and page.evaluate(f"document.elementFromPoint(450, 400) === {FRAME}")
    finally:
        page.close()


def test_the_figure_button_asks_for_both_moments(browser, live_server):
    page = open_compare(browser, f"{live_server.url}/map#year=1927-1928&compare=1935")
    try:
        page.evaluate("() => { window.__opened = []; window.open = (u) => { window.__opened.push(u); }; }")
        page.locator(".atlas-figure button").click()
        url = page.evaluate("new URL(window.__opened[0], location.href).href")
        query = parse_qs(urlparse(url).query)
        assert query["year"] == ["1927-1928"] and query["compare"] == ["1935"]
        with urlopen(url, timeout=120) as response:
            assert response.headers.get_content_type() == "image/svg+xml"
            assert "1927–1928 (left) and 1935 (right)" in response.read().decode()
    finally:
        page.close()


def test_back_undoes_years_and_the_comparison_and_the_frame_adds_no_entries(browser, live_server):
    page = open_map(browser, live_server.url + "/map#year=1927")
    page.locator(".atlas-year .atlas-year-row button", has_text="▶").first.click()  # a year later: 1928
    wait_until(page, "location.hash.includes('year=1928')")
    page.locator(".atlas-compare-button").click()
    wait_until(page, SECOND_READY)
    page.locator(".atlas-compare-second button", has_text="▶").click()  # the second map a year later
    wait_until(page, "location.hash.includes('compare=1930')")
    page.locator(".atlas-compare-close").click()
    wait_until(page, "!location.hash.includes('compare=')")
    page.go_back()  # the comparison again, with its years
    wait_until(page, "location.hash.includes('compare=1930') && !!document.querySelector('iframe.atlas-compare-frame')")
    page.go_back()  # the second map's earlier years (the frame's own updates added no entry in between)
    wait_until(page, "location.hash.includes('compare=1929')")
    page.go_back()  # one map again
    wait_until(page, "!location.hash.includes('compare=') && !document.querySelector('iframe.atlas-compare-frame')")
    page.go_back()  # the year before the step
    wait_until(page, "location.hash.includes('year=1927')")
    assert page.evaluate("document.querySelector('.leaflet-container').dataset.period") == "1927"
    page.close()


def test_a_pasted_comparison_without_a_view_frames_the_whole_border_in_the_half_map(browser, live_server):
    page = open_compare(browser, live_server.url + "/map#year=1927&compare=1935")
    framed = page.evaluate(
        """(() => {
            const map = BorderAtlas.map;
            let b = null;
            map.eachLayer(l => {
                if (l.options && l.options.className === 'border-path' && l.getBounds) {
                    const own = l.getBounds();
                    b = b ? b.extend(own) : L.latLngBounds(own.getSouthWest(), own.getNorthEast());
                }
            });
            const half = map.getSize().x < innerWidth * 0.6;
            return [map.getBounds().contains(b), map.getZoom() === map.getBoundsZoom(b), half];
        })()"""
    )
    assert framed == [True, True, True]
    page.close()


def test_on_a_phone_both_labels_are_whole_on_the_screen_and_apart(browser, live_server):
    page = open_compare(browser, live_server.url + "/map#year=1927&compare=1935", width=390)
    first = page.locator(".atlas-compare-first").bounding_box()
    second = page.locator(".atlas-compare-second").bounding_box()
    for box in (first, second):
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    apart = first["y"] + first["height"] <= second["y"] or second["y"] + second["height"] <= first["y"]
    assert apart or first["x"] + first["width"] <= second["x"], (first, second)
    page.screenshot(path="/tmp/changes29-shots/phone-compare.png")
    page.close()

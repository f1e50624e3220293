"""Guided tours in headless Chromium: a tour played from its first step to its last, each step's map showing the
years, layers and selected feature it names; a step's permalink reopening that step; references opening their
passages in the reader."""

from __future__ import annotations

import json
import unicodedata
from urllib.parse import urlsplit

import pytest

from tests.browser.pages import open_map, wait_loaded, wait_until
from tests.hostile.test_csp import VIOLATIONS
from webapp.vocabulary import OVERLAYS

pytestmark = pytest.mark.browser
OVERLAYS_SHOWN = """Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))
    .map(l => [l.textContent.trim(), l.querySelector('input').checked])"""
# The map at the step's own centre and zoom (its popup's pan once moved every step elsewhere: new-user walk).
AT_STEP_VIEW = """(() => { const h = document.querySelector('.tour-step:not([hidden])').dataset.hash;
    const c = /(?:^|&)c=(-?[\\d.]+),(-?[\\d.]+)/.exec(h), z = /(?:^|&)z=(\\d+)/.exec(h), m = BorderAtlas.map;
    const at = m.getCenter();
    return !!c && !!z && m.getZoom() === Number(z[1]) && Math.abs(at.lat - Number(c[1])) < 0.01
        && Math.abs(at.lng - Number(c[2])) < 0.01; })()"""
OPEN_POPUP = """(() => { const p = BorderAtlas.map._popup;
    return p && BorderAtlas.map.hasLayer(p) && p._source && p._source.feature ? p._source.feature.id : null; })()"""

# The features outlined on the map (static/tour.js): the ids of the drawn layers whose element has the class.
OUTLINED = """(() => { const ids = new Set(); BorderAtlas.map.eachLayer(l => { const e = l.feature && l.getElement
    && l.getElement(); if (e && e.classList.contains('tour-also')) ids.add(String(l.feature.id)); });
    return Array.from(ids).sort(); })()"""


def check_step(page, step: dict) -> None:
    """The panel shows the step, the URL is its permalink, and the map its years, layers and selected feature."""
    n = step["n"]
    wait_until(page, f"document.getElementById('tour').dataset.current === '{n}'")
    assert page.locator(".tour-step:not([hidden]) h2").inner_text() == step["title"]
    assert urlsplit(page.url).path.endswith(f"/{n}") or n == 1
    first, last = step["years"]
    period = str(first) if first == last else f"{first}–{last}"
    wait_until(page, f"document.querySelector('.leaflet-container').dataset.period === '{period}'")
    first, *others = step["select"]
    wait_until(page, f"{OPEN_POPUP} === {first!r}")
    assert f"sel={first}" in page.evaluate("location.hash")
    outlined = json.dumps(sorted(others), separators=(",", ":"))
    wait_until(page, f"JSON.stringify({OUTLINED}) === {outlined!r}")  # the others outlined, and only they
    wait_until(page, AT_STEP_VIEW, timeout_ms=5_000)
    shown = dict(page.evaluate(OVERLAYS_SHOWN))  # the layer control (moved aside while a popup is open)
    for cid in ("border", "places", "outposts", "customs", "incidents", "migration"):
        assert shown[OVERLAYS[cid]] == (cid in step["layers"]), (n, cid)
    zones = [name for name in shown if name.endswith(("zone", "strip"))]
    assert sum(shown[name] for name in zones) == sum(layer.startswith(("zone-", "strip-")) for layer in step["layers"])
    progress = page.locator(".tour-progress").get_attribute("aria-valuenow")
    assert progress == str(n)


def open_watched(browser, url: str):
    """A page on the player, its script errors and the CSP's refusals recorded."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.add_init_script(VIOLATIONS)
    page.goto(url)
    page.wait_for_selector("path.border-path")
    wait_loaded(page)
    return page


@pytest.mark.parametrize("slug", ["flight-to-xinjiang", "closing-the-border"])
def test_play_a_tour_from_the_first_step_to_the_last(browser, live_server, slug):
    tour = live_server.get_json(f"/tours/{slug}?f=json")
    page = open_watched(browser, f"{live_server.url}/tours/{slug}")
    try:
        assert page.locator(".tour-prev").is_disabled()
        for step in tour["steps"]:
            check_step(page, step)
            if step["n"] == len(tour["steps"]):
                break
            if step["n"] % 2:
                page.locator(".tour-title").click()  # the focus out of the map: the arrows are the tour's
                page.keyboard.press("ArrowRight")
            else:
                page.locator(".tour-next").click()
        assert page.locator(".tour-next").is_disabled()
        assert urlsplit(page.url).path == f"/tours/{slug}/{len(tour['steps'])}"
        page.keyboard.press("ArrowLeft")
        check_step(page, tour["steps"][-2])
        assert page.errors == [] and page.evaluate("window.__violations") == [], "nothing refused by the CSP"
    finally:
        page.close()


def test_a_step_permalink_reopens_that_step(browser, live_server):
    tour = live_server.get_json("/tours/closing-the-border?f=json")
    page = open_map(browser, f"{live_server.url}/tours/closing-the-border/3")
    try:
        check_step(page, tour["steps"][2])
        assert page.evaluate("BorderAtlas.map.getZoom()") == tour["steps"][2]["zoom"]
        page.locator(".tour-permalink:visible").click()
        page.wait_for_selector("path.border-path")
        check_step(page, tour["steps"][2])
    finally:
        page.close()


def test_back_and_forward_go_through_the_steps_with_their_addresses(browser, live_server):
    tour = live_server.get_json("/tours/closing-the-border?f=json")
    page = open_watched(browser, f"{live_server.url}/tours/closing-the-border/2")
    try:
        check_step(page, tour["steps"][1])
        for _ in range(2):
            page.locator(".tour-next").click()
        check_step(page, tour["steps"][3])
        page.go_back()
        check_step(page, tour["steps"][2])
        assert urlsplit(page.url).path == "/tours/closing-the-border/3"
        page.go_back()
        check_step(page, tour["steps"][1])
        assert urlsplit(page.url).path == "/tours/closing-the-border/2"
        page.go_forward()
        check_step(page, tour["steps"][2])
        assert page.errors == []
    finally:
        page.close()


def test_a_reference_opens_its_passage_in_the_reader(browser, live_server):
    page = open_map(browser, f"{live_server.url}/tours/flight-to-xinjiang/4")
    try:
        link = page.locator(".tour-step:not([hidden]) a.tour-passage").first
        anchor = link.get_attribute("href").split("#")[1]
        link.click()
        page.wait_for_url(f"**/texts/ablazhey-zhanbossinova-2026#{anchor}")
        mark = page.locator(f"mark#{anchor}")
        assert "ambush was set up in the Chagan-Abo area" in mark.inner_text() or mark.is_visible()
    finally:
        page.close()


def test_the_print_view_makes_a_pdf_with_a_page_per_step(browser, live_server):
    from io import BytesIO

    from pypdf import PdfReader

    tour = live_server.get_json("/tours/flight-to-xinjiang?f=json")
    page = browser.new_page()
    try:
        page.goto(f"{live_server.url}/tours/flight-to-xinjiang/print")
        wait_until(page, "document.body.dataset.figures === 'ready'", timeout_ms=90_000)  # drawn one at a time
        drawn = page.evaluate("Array.from(document.images).map(i => i.complete && i.naturalWidth > 0)")
        assert drawn == [True] * len(tour["steps"]), "every step's figure loaded"
        pdf = PdfReader(BytesIO(page.pdf(format="A4")))
        texts = [" ".join(unicodedata.normalize("NFKC", p.extract_text()).split()) for p in pdf.pages]  # "ﬂ": "fl"
        assert len(texts) == len(tour["steps"])
        for text, step in zip(texts, tour["steps"], strict=True):
            assert step["title"] in text and "References" in text and "Ablazhey" in text
            first, last = step["years"]
            # the figure is on the step's page: its caption and legend are text (an SVG's text stays text)
            assert "Border line" in text, "the figure's legend"
            for cite in step["cite"]:
                assert " ".join(cite["reference"].split())[:60] in text, (step["n"], cite["reference"])
    finally:
        page.close()


def test_play_moves_on_by_itself_and_pause_stops_it(browser, live_server):
    tour = live_server.get_json("/tours/closing-the-border?f=json")
    page = open_watched(browser, f"{live_server.url}/tours/closing-the-border/5")
    try:
        page.locator(".tour-play").click()
        assert page.locator(".tour-play").get_attribute("aria-pressed") == "true"
        check_step(page, tour["steps"][5])  # after a pause on step 5
        page.locator(".tour-play").click()  # pause at the last step
        assert page.locator(".tour-play").get_attribute("aria-pressed") == "false"
        page.wait_for_timeout(500)
        assert page.evaluate("document.getElementById('tour').dataset.current") == "6"
    finally:
        page.close()


# Where the step's selected points and lines (a line's two ends) are, and whether a popup or the tour's panel is over
# them; and the open popup's box in the map.
SUBJECT_SEEN = """(ids) => {
  const m = BorderAtlas.map, box = m.getContainer().getBoundingClientRect(), seen = [];
  m.eachLayer(l => {
    const e = l.feature && ids.includes(String(l.feature.id)) && l.getElement && l.getElement();
    if (!e || l instanceof L.Circle || l instanceof L.Polygon) return;  // an area (a zone) is seen around its popup
    const line = l.getLatLng ? [l.getLatLng()] : l.getLatLngs().flat(3);
    [line[0], line[line.length - 1]].forEach(at => {
      const p = m.latLngToContainerPoint(at), x = box.left + p.x, y = box.top + p.y;
      if (x < box.left || x > box.right || y < box.top || y > box.bottom) return;  // a flow's end off the map
      const stack = document.elementsFromPoint(x, y), own = stack.indexOf(e);
      const over = (own < 0 ? stack : stack.slice(0, own)).some(el => el.closest('.leaflet-popup, .tour-panel'));
      seen.push([String(l.feature.id), !over]);
    });
  });
  const popup = document.querySelector('.leaflet-popup').getBoundingClientRect();
  return {seen: seen, popup: [popup.top - box.top, box.bottom - popup.bottom, popup.left - box.left,
                              box.right - popup.right]};
}"""


def _step_shown(browser, live_server, slug: str, step: dict, size: tuple[int, int], shot):
    """A page on the step's permalink at `size`, its first feature's popup open and placed, a screenshot kept."""
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.goto(f"{live_server.url}/tours/{slug}/{step['n']}")
    page.wait_for_selector("path.border-path")
    wait_loaded(page)
    wait_until(page, f"{OPEN_POPUP} === {step['select'][0]!r}")
    page.wait_for_timeout(300)  # the popup placed (static/tour.js)
    page.screenshot(path=shot)  # kept for a look: pytest's tmp_path
    return page


@pytest.mark.parametrize("slug", ["closing-the-border", "flight-to-xinjiang"])
def test_on_a_laptop_a_steps_popup_leaves_its_features_in_sight(browser, live_server, slug, tmp_path):
    tour = live_server.get_json(f"/tours/{slug}?f=json")
    for step in tour["steps"]:
        page = _step_shown(browser, live_server, slug, step, (1366, 768), tmp_path / f"{slug}-{step['n']}.png")
        try:
            found = page.evaluate(SUBJECT_SEEN, step["select"])
            assert all(visible for _, visible in found["seen"]), (step["n"], found)
            assert min(found["popup"]) >= 0, ("the popup inside the map", step["n"], found["popup"])
        finally:
            page.close()


@pytest.mark.parametrize("slug", ["closing-the-border", "flight-to-xinjiang"])
def test_on_a_phone_a_steps_popup_stays_inside_the_map(browser, live_server, slug, tmp_path):
    """390×844 (a phone): the popup no wider than the map and placed within it (it once ran off its right edge)."""
    tour = live_server.get_json(f"/tours/{slug}?f=json")
    for step in tour["steps"]:
        page = _step_shown(browser, live_server, slug, step, (390, 844), tmp_path / f"phone-{slug}-{step['n']}.png")
        try:
            top, bottom, left, right = page.evaluate(SUBJECT_SEEN, step["select"])["popup"]
            assert left >= 0 and right >= 0, ("the popup inside the map's width", step["n"], left, right)
        finally:
            page.close()

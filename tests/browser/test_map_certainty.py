"""Certain and possible, drawn (real headless Chromium): an event dated only to a window of several years is drawn
lighter and dashed (possible) in each year inside it and certain in none; "Only what is certain" hides it and
lives in the URL; the undated 100 km zone is possible in every year; the histogram counts the possible apart."""

from __future__ import annotations

import shutil

import pytest

from layers.build import SOURCES
from pipeline.build import build
from tests.browser.pages import open_map, wait_loaded, wait_until
from tests.conftest import LiveServer
from tests.contrib.quick import simplified_reference
from webapp import create_app

WINDOW = "makulbayev-window-1930-1933"


def _with_a_window_event(sources) -> None:
    """The real sources, with Makulbayev's detention copied as an event the sources would date only to 1930-1933."""
    text = (sources / "incidents.yaml").read_text(encoding="utf-8")
    first = text.index("  - id: makulbayev-1929\n")
    block = text[first : text.index("  - id: ", first + 10)]
    copy = block.replace("id: makulbayev-1929", f"id: {WINDOW}").replace('start: "1929"', 'start: "1930"')
    copy = copy.replace('end: "1929"', 'end: "1933"').replace("date_text: detained in 1929", "date_text: 1930-1933")
    (sources / "incidents.yaml").write_text(text.replace(block, block + copy), encoding="utf-8")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("certainty")
    sources = root / "sources"
    shutil.copytree(SOURCES, sources)
    _with_a_window_event(sources)
    build(sources, simplified_reference(root / "reference"), root / "atlas.gpkg", progress=lambda *_: None,
          releases=root / "releases")  # fmt: skip
    with LiveServer(create_app({"STORE": root / "atlas.gpkg"})) as live:
        yield live


DRAWN = """(id) => { const l = BorderAtlas.layers.layers('incidents').find(m => m.feature.id === id);
    return l ? {certainty: l.certainty, dash: l.options.dashArray, opacity: l.options.opacity} : null; }"""
ZONE = """(id) => { let out = null; BorderAtlas.map.eachLayer(l => {
    if (l.feature && l.feature.id === id && l.certainty) out = {certainty: l.certainty, dash: l.options.dashArray}; });
    return out; }"""


def _go(page, fragment: str) -> None:
    page.evaluate("(f) => { location.hash = f; }", fragment)
    wait_until(page, f"location.hash.includes({fragment.split('&', maxsplit=1)[0]!r})")
    wait_loaded(page)


def test_a_window_event_is_possible_in_each_year_of_it_and_certain_in_none(browser, server):
    page = open_map(browser, f"{server.url}/map#year=1931")
    seen = {}
    for year in range(1930, 1934):
        _go(page, f"year={year}")
        seen[year] = page.evaluate(DRAWN, WINDOW)
    assert all(s["certainty"] == "possible" and s["dash"] for s in seen.values()), seen
    assert seen[1931]["opacity"] < 1
    _go(page, "year=1929")
    assert page.evaluate(DRAWN, "makulbayev-1929")["certainty"] == "certain"  # the same detention, dated to its year
    _go(page, "year=1931")
    assert page.evaluate(ZONE, "zone-100-km")["certainty"] == "possible"  # in force at a time not given
    assert page.evaluate(ZONE, "zone-50-km")["certainty"] == "certain"
    cap = page.locator('.atlas-histogram g.year[data-year="1931"] rect.possible')
    assert cap.count() >= 1  # the lighter cap counts the possible apart
    assert "only possibly" in page.locator('.atlas-histogram g.year[data-year="1931"] title').text_content()
    assert "only possibly there" in page.locator(".atlas-legend").inner_text()
    assert page.errors == []
    page.close()


def test_only_what_is_certain_hides_it_and_survives_a_pasted_url(browser, server):
    page = open_map(browser, f"{server.url}/map#year=1931")
    assert page.evaluate(DRAWN, WINDOW) is not None
    page.locator(".atlas-certain-only").check()
    wait_until(page, "location.hash.includes('certain=1')")
    wait_loaded(page)
    assert page.evaluate(DRAWN, WINDOW) is None
    assert page.evaluate(ZONE, "zone-100-km") is None or not page.evaluate(
        "BorderAtlas.map.hasLayer && (() => { let on = false; BorderAtlas.map.eachLayer(l => { "
        "if (l.feature && l.feature.id === 'zone-100-km') on = true; }); return on; })()"
    )
    url = page.evaluate("location.href")
    page.close()
    pasted = open_map(browser, url)
    assert pasted.locator(".atlas-certain-only").is_checked()
    assert pasted.evaluate(DRAWN, WINDOW) is None
    assert pasted.evaluate(DRAWN, "kaldybaev-1935-12-13") is None  # not in 1931 at all
    pasted.evaluate("() => { window.__opened = []; window.open = (u) => { window.__opened.push(u); }; }")
    pasted.locator(".atlas-figure button").first.click()  # the figure of this view leaves the possible out too
    assert "certain=1" in pasted.evaluate("window.__opened[0]")
    pasted.locator(".atlas-certain-only").uncheck()
    wait_until(pasted, "!location.hash.includes('certain=1')")
    wait_loaded(pasted)
    assert pasted.evaluate(DRAWN, WINDOW)["certainty"] == "possible"
    pasted.close()

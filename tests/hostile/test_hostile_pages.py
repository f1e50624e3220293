"""Every page and view of the hostile build (a payload in every text field) in headless Chromium.

The pages are opened with the Content-Security-Policy bypassed, so what is proven here is the escaping alone:
nothing runs (no dialog, no `window.__xss`), nothing is asked of another host, and the payloads are shown
as text. tests/hostile/test_csp.py proves the policy alone.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from tests.browser.pages import items_requests, open_popup, wait_loaded, wait_until
from tests.payloads import EVIL_HOST, PAYLOADS

pytestmark = pytest.mark.browser

# one feature of each kind, with its popup; all dated within the years shown
POPUPS = {
    "zone": "zone-22-km",
    "place": "narynkol",
    "unit": "jetisu-border-detachment",
    "post": "customs-post-khorgos",
    "incident": "santos-1927-08-24",
    "flow": "emigration-1930-1933",
}
FETCHED = ("places", "outposts", "customs", "incidents", "migration")
PAGES = [
    "/places/narynkol",
    "/charts",
    "/statistics?f=html",
    "/quality?f=html",
    "/customs/tariff-1923",
    "/collections?f=html",
    "/collections/incidents?f=html",
    "/collections/places/items?f=html&limit=200",
    "/collections/incidents/items/santos-1927-08-24?f=html",
    "/incidents/santos-1927-08-24",
    "/incidents/masanov-1928",  # in an area of possibility: the area's name, basis and rule
    "/texts",  # the documents' records, labels and licences
    "/texts/ablazhey-zhanbossinova-2026",  # its text (a paragraph of payloads added), notes and references
    "/texts/shemetova-2020",  # excerpts, notes by page
]
# popups whose references (a unit by the name it bore, a place) are links; to pages of this server only
GEONAMES = re.compile(r"https://www\.geonames\.org/[0-9]+")
REFS = {"post": ["Place"], "incident": ["Unit", "Place"]}
NO_PAYLOAD_HERE = {"/collections?f=html", "/collections/incidents?f=html"}  # no text from the data
ACTIVE = "img[src='x'], [onerror], [onload], script:not([src]):not([nonce])"


@pytest.fixture()
def hostile_page(browser, hostile_server):
    """A page with the CSP bypassed; every request, dialog and error recorded; other hosts refused."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.requests, page.dialogs, page.errors = [], [], []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    context.route(lambda url: urlparse(url).hostname != "127.0.0.1", lambda route: route.abort())
    yield page
    context.close()


def assert_nothing_ran(page) -> None:
    page.wait_for_timeout(300)  # let any injected handler fire
    assert page.evaluate("window.__xss") is None, "a payload ran"
    assert page.dialogs == []
    outside = [u for u in page.requests if urlparse(u).hostname != "127.0.0.1"]
    assert outside == [] and not any(EVIL_HOST in u for u in page.requests), outside


def test_map_popups_search_legend_histogram_and_regime(hostile_page, hostile_server):
    page = hostile_page
    page.goto(hostile_server.url + "/map#year=1927-1933")
    page.wait_for_selector("path.border-path")
    wait_loaded(page)
    for cid in FETCHED:  # their popups are built from the items API's answers, not from the page
        assert items_requests(page, cid), cid
    for kind, fid in POPUPS.items():
        page.evaluate("BorderAtlas.map.closePopup()")
        open_popup(page, fid)
        popup = page.locator(".leaflet-popup-content .atlas-popup").last
        popup.wait_for()
        assert "__xss" in popup.inner_text() or "HYPERLINK" in popup.inner_text(), f"{kind}: payload not shown"
        assert page.locator(f".leaflet-popup-content :is({ACTIVE})").count() == 0, kind
        check_links(popup, hostile_server.url, REFS.get(kind, []))
    page.evaluate("BorderAtlas.map.closePopup()")
    open_popup(page, "zone-22-km", at_place="khorgos")
    page.locator(".atlas-regime-button").last.click()  # "what applied here?": the zones' names and rules
    answer = page.locator(".leaflet-popup-content .atlas-regime")
    answer.wait_for()
    assert "__xss" in answer.inner_text()
    page.evaluate("BorderAtlas.map.closePopup()")  # a tall popup has the controls it covers step aside until it closes
    page.locator(".atlas-search input").fill("window")
    results = page.locator(".atlas-results")
    wait_until(page, "document.querySelectorAll('.atlas-results li').length > 0")
    assert "__xss" in results.inner_text()
    legend = page.locator(".atlas-legend").inner_text()
    assert "<img src=x" in legend, "the zone's name in the legend, as text"
    page.locator('.atlas-histogram g.year[data-year="1930"]').hover()
    assert page.locator('.atlas-histogram g.year[data-year="1930"] title').text_content().startswith("1930:")
    assert page.locator(f"body :is({ACTIVE})").count() == 0
    assert_nothing_ran(page)
    assert page.errors == []


@pytest.mark.parametrize("path", PAGES)
def test_pages_show_payloads_as_text(hostile_page, hostile_server, path):
    page = hostile_page
    page.goto(hostile_server.url + path)
    assert_nothing_ran(page)
    assert page.locator(f"body :is({ACTIVE})").count() == 0
    if path not in NO_PAYLOAD_HERE:
        assert "__xss" in page.locator("body").inner_text(), "the payloads are shown as text"


def check_links(popup, origin: str, labels: list[str]) -> None:
    """Every link of a popup goes to a page of this server (or a GeoNames record, by its number); each `labels`
    line holds a link named with a payload."""
    hrefs = popup.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert all(h.startswith(origin + "/") or GEONAMES.fullmatch(h) for h in hrefs), hrefs
    for label in labels:
        line = popup.locator("p", has_text=label + ": ").first
        link = line.locator("a").first
        assert link.get_attribute("href").startswith("/"), label
        text = link.inner_text()
        assert any(payload.strip()[:12] in text for payload in PAYLOADS.values()), f"{label}: the name, as text"


@pytest.mark.parametrize("lang", ["name", "name_ru"])
def test_figure_svg_opened_as_a_document_runs_nothing(hostile_page, hostile_server, lang):
    """The SVG figure (labels, legend, caption from the data) opened by itself in the browser, as a link to it
    would open it: its text is escaped, so no element or handler comes from the data."""
    page = hostile_page
    page.goto(hostile_server.url + f"/figure?format=svg&year=1927-1933&lang={lang}")
    assert page.evaluate("document.documentElement.namespaceURI") == "http://www.w3.org/2000/svg"
    assert_nothing_ran(page)
    svg_active = "script, foreignObject, image, a, iframe, [onload], [onerror], [onclick], [onmouseover]"
    assert page.locator(svg_active).count() == 0, "an element or handler from the data"
    text = page.evaluate("document.documentElement.textContent")
    assert "22 km <img src=x onerror=window.__xss=5>" in text, "the zone's name in the legend, as text"
    assert "__xss" in text, "the payloads of the labels, as text"
    if lang == "name":  # the labels in the source spelling carry the CDATA payload too (the caption cites only
        assert "]]>" in text, "the payloads of the labels, as text"  # short forms: its bibliography is part=sources

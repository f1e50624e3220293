"""Helpers for driving the map in headless Chromium: open it, wait for it, open popups, read what it drew."""

from __future__ import annotations

import json
from urllib.parse import urlparse
from urllib.request import urlopen

ZONE_22 = "path.zone-path.zone-22-km"


def open_map(browser, url: str):
    """A page on the map with every request recorded and any dialog (alert) counted."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.requests, page.dialogs, page.errors = [], [], []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector("path.border-path")
    wait_loaded(page)
    return page


LOADED = (
    "window.BorderAtlas && BorderAtlas.ready && document.querySelector('.leaflet-container').dataset.loaded === 'true'"
)


def wait_loaded(page) -> None:
    """Wait until the modules have started and the fetched layers of the view and period asked for are drawn."""
    wait_until(page, LOADED)


def wait_until(page, expression: str, timeout_ms: int = 30_000) -> None:
    """Wait until a JavaScript expression is truthy, polling from Python.

    Playwright's own wait_for_function re-evaluates its predicate with eval() inside the page, which the
    app's Content-Security-Policy (no 'unsafe-eval') refuses; page.evaluate goes through the DevTools protocol.
    """
    for _ in range(timeout_ms // 50):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"still false after {timeout_ms} ms: {expression}")


def open_popup(page, feature_id: str, at_place: str | None = None) -> None:
    """Open the popup of a feature, as a click on it does (at a place's point, if given)."""
    page.evaluate(
        """([id, place]) => {
            let at = null;
            const layers = [];
            BorderAtlas.map.eachLayer(l => { if (l.feature) layers.push(l); });
            layers.forEach(l => { if (place && l.feature.id === place && l.getLatLng) at = l.getLatLng(); });
            layers.forEach(l => { if (l.feature.id === id && l.openPopup) l.openPopup(at || undefined); });
        }""",
        [feature_id, at_place],
    )


def popup_text(page, feature_id: str) -> str:
    """Open a feature's popup (open_popup) and return its text once drawn."""
    open_popup(page, feature_id)
    popup = page.locator(".leaflet-popup-content .atlas-popup")
    popup.wait_for()
    return popup.inner_text()


def overlay_checkbox(page, name: str):
    return page.locator(".leaflet-control-layers-overlays").get_by_role("checkbox", name=name, exact=True)


def set_year(page, year: int) -> None:
    page.locator(".atlas-year input[type=range]").fill(str(year))
    wait_until(page, f"document.querySelector('.leaflet-container').dataset.year === '{year}'")
    wait_loaded(page)


def settled_href(page, still_ms: int = 300) -> str:
    """The page's URL once it has not changed for `still_ms` (a pan or zoom in progress rewrites it)."""
    previous = None
    for _ in range(100):
        current = page.evaluate("location.href")
        if current == previous:
            return current
        previous = current
        page.wait_for_timeout(still_ms)
    raise AssertionError(f"the URL kept changing: {current}")


def histogram_count(page, year: int) -> int:
    return int(page.locator(f'.atlas-histogram g.year[data-year="{year}"]').get_attribute("data-count"))


def api_items(server, cid: str, query: str) -> list[dict]:
    with urlopen(f"{server.url}/collections/{cid}/items?{query}&limit=1000") as response:
        return json.load(response)["features"]


def incident_ids_on_map(page) -> list[str]:
    """The incidents now in their cluster group (drawn, or inside a cluster)."""
    return page.evaluate(
        """(() => { const ids = [];
            BorderAtlas.map.eachLayer(l => {
                if (l.zoomToShowLayer) l.getLayers().forEach(m => ids.push(m.feature.id)); });
            return ids.sort(); })()"""
    )


def heat_pixels(page) -> int:
    return page.evaluate(
        """(() => { const c = document.querySelector('canvas.leaflet-heatmap-layer');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; })()"""
    )


def visible_circles(page) -> int:
    return page.evaluate(
        "Array.from(document.querySelectorAll('path.uncertainty-path'))"
        ".filter(p => getComputedStyle(p).display !== 'none').length"
    )


def items_requests(page, cid: str) -> list[str]:
    """The items requests the page made for a collection, oldest first."""
    return [u for u in page.requests if urlparse(u).path == f"/collections/{cid}/items"]


def located_ids(url: str) -> list[str]:
    """The ids of the located features of the API's answer to an items request the page made."""
    with urlopen(url) as response:
        return sorted(f["id"] for f in json.load(response)["features"] if f["geometry"])


def place_ids_on_map(page) -> list[str]:
    return page.evaluate(
        """Array.from(document.querySelectorAll('path.place-marker'))
            .map(p => [...p.classList].find(c => !['place-marker', 'leaflet-interactive'].includes(c))).sort()"""
    )


def count_bubbles(page, cid: str) -> list[dict]:
    return page.evaluate(
        f"""Array.from(document.querySelectorAll('.count-bubble.count-{cid}'))
            .map(b => ({{count: Number(b.dataset.count), text: b.textContent, title: b.title}}))"""
    )

"""What the map shows now, read as a person would see it (the year box, the popup, the layer checkboxes, labels)."""

from __future__ import annotations

from tests.browser.pages import wait_loaded, wait_until


def seen(page) -> dict:
    """The view as shown: the years in the time control, zoom, centre, the open popup's title, the overlays off."""
    return page.evaluate(
        """(() => {
            const map = BorderAtlas.map, c = map.getCenter(), h = document.querySelector('.leaflet-popup h3');
            const off = Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))
                .filter(l => !l.querySelector('input').checked).map(l => l.textContent.trim());
            return {years: document.querySelector('.atlas-year-value').textContent, zoom: map.getZoom(),
                    centre: [c.lat, c.lng], popup: h ? h.textContent : null, off: off,
                    language: document.querySelector('select[aria-label="Label language"]').value};
        })()"""
    )


def settle(page) -> None:
    """Wait until the layers of the view are drawn and any popup asked for is open."""
    wait_loaded(page)
    page.wait_for_timeout(400)
    wait_loaded(page)


def paste(page, fragment: str) -> None:
    """Put a view into the address bar of the open page, as a person pasting a link does."""
    page.evaluate("(h) => { location.hash = h; }", fragment)
    wait_until(page, f"location.hash.includes({fragment.split('&', maxsplit=1)[0]!r})")
    settle(page)


BOX = "(e => { const {left, top, right, bottom} = e.getBoundingClientRect(); return {left, top, right, bottom}; })"


def rect(page, selector: str) -> dict | None:
    """The box of the first element the selector finds, in page pixels (None if there is none)."""
    return page.evaluate(f"(s) => {{ const e = document.querySelector(s); return e && {BOX}(e); }}", selector)


def rects(page, selector: str) -> list[dict]:
    """The boxes of the shown elements the selector finds."""
    shown = "(s) => Array.from(document.querySelectorAll(s)).filter(e => e.offsetWidth)"
    return page.evaluate(f"{shown}.map({BOX})", selector)


def overlaps(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def marker_point(page, feature_id: str) -> list[float] | None:
    """The page coordinates of a feature's marker, if it is drawn."""
    return page.evaluate(
        """(id) => {
            const map = BorderAtlas.map, box = map.getContainer().getBoundingClientRect();
            let at = null;
            map.eachLayer(l => {
                if (!(l.feature && l.feature.id === id && l._map && l.getRadius)) return;
                const p = map.latLngToContainerPoint(l.getLatLng());
                at = [box.left + p.x, box.top + p.y];
            });
            return at; }""",
        feature_id,
    )


def ground_point(page, x0: int = 0, y0: int = 0) -> tuple[int, int]:
    """A point of the map not under any control or popup (the first found scanning from x0, y0), to tap the ground."""
    return tuple(
        page.evaluate(
            """([x0, y0]) => {
                for (let y = y0 + 20; y < innerHeight; y += 20) for (let x = x0 + 20; x < innerWidth; x += 20) {
                    const e = document.elementFromPoint(x, y);
                    if (e && !e.closest('.leaflet-control, .leaflet-popup, .leaflet-interactive')) return [x, y];
                }
                return null; }""",
            [x0, y0],
        )
    )

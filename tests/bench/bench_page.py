"""`make bench`, the map page: its weight and how soon its first view is drawn in headless Chromium.

    .venv/bin/python -m tests.bench.bench_page    # this part of `make bench` alone (builds the three stores itself)

Measured on the real build (1x), on a synthetic build with 100 times the incidents, places and flows
(tests/synthetic.py) and on one with at least INCIDENTS incidents (places and flows 100x), beside a baseline
in the same run: an empty Leaflet map (Leaflet served by the same app, one marker, no data). "First draw" is
the time from navigation start to the `atlas-drawn` performance mark that static/atlas/layers.js sets once the
first view's fetched layers are drawn (the baseline sets it when its marker is added); the median of RUNS page
loads, each in a fresh browser context (no cache).
"""

from __future__ import annotations

import re
import shutil
import statistics
import tempfile
from pathlib import Path

from flask import url_for

from layers.build import REFERENCE, SOURCES
from pipeline.build import build
from store import GeoPackageStore
from tests.conftest import CHROMIUM_ARGS, LiveServer
from tests.synthetic import write_scaled_store
from webapp import create_app, security

RUNS = 5
INCIDENTS = 100_000  # the incidents of the largest synthetic build (issue 11)
MARK = "atlas-drawn"
POLL = f"performance.getEntriesByName('{MARK}').length ? performance.getEntriesByName('{MARK}')[0].startTime : null"
EMPTY_MAP = """<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="{css}">
<script nonce="{nonce}" src="{js}"></script></head><body><div id="m" style="height:100vh"></div>
<script nonce="{nonce}">const m = L.map("m").setView([45, 80], 6); L.circleMarker([45, 80]).addTo(m);
performance.mark("{mark}");</script></body></html>"""


def _add_empty_map(app) -> None:
    """The baseline page, /bench/empty-map: Leaflet alone, from the same app, under the same CSP."""

    def empty_map():
        vendor = lambda name: url_for("assets.vendor", package="leaflet", filename=name)  # noqa: E731
        page = EMPTY_MAP.format(css=vendor("leaflet.css"), js=vendor("leaflet.js"), nonce=security.nonce(), mark=MARK)
        return page, 200, {"Content-Type": "text/html; charset=utf-8"}

    app.add_url_rule("/bench/empty-map", "bench_empty_map", empty_map)


def _bytes(client, path: str) -> int:
    return len(client.get(path).data)


def weights(client) -> dict[str, int]:
    """Bytes of the map page, of the scripts and stylesheets it loads from the app, and of the places index."""
    html = client.get("/map").get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="(/[^"]+)"', html)
    modules = [f"/static/atlas/{p.name}" for p in (Path(__file__).parents[2] / "webapp/static/atlas").glob("*.js")]
    assets += [m for m in modules if m not in assets]  # main.js imports the others
    return {
        "page": len(html.encode()),
        "assets": sum(_bytes(client, url) for url in assets),
        "places index": _bytes(client, "/map/places.json"),
    }


def first_draw_ms(browser, url: str, runs: int = RUNS) -> float:
    """Median milliseconds from navigation start to the MARK, over `runs` loads in fresh contexts."""
    times = []
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        page.goto(url)
        for _ in range(1200):  # polled from Python: the CSP refuses Playwright's eval-based waits
            at = page.evaluate(POLL)
            if at is not None:
                break
            page.wait_for_timeout(25)
        else:
            raise AssertionError(f"{url}: no {MARK} mark after 30 s")
        times.append(at)
        context.close()
    return statistics.median(times)


def scaled_stores(tmp: Path, layers: dict) -> dict[str, Path]:
    """The synthetic builds measured beside the real one: 100x, and 100x with at least INCIDENTS incidents."""
    x100, big = tmp / "x100.gpkg", tmp / "incidents100k.gpkg"
    write_scaled_store(x100, 100, layers=layers)
    write_scaled_store(big, 100, layers=layers, factors={"incidents": -(-INCIDENTS // len(layers["incidents"]))})
    return {"100x": x100, "100k": big}


def counts(path: Path) -> str:
    store = GeoPackageStore(path)
    return ", ".join(f"{store.query(cid, limit=0)[1]:,} {cid}" for cid in ("incidents", "places", "migration"))


def measure(stores: dict[str, Path]) -> dict[str, dict]:
    """{label: {"page", "assets", "places index", "draw_ms", "baseline_ms"}} for each store."""
    from playwright.sync_api import sync_playwright

    figures = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        for label, path in stores.items():
            app = create_app({"STORE": path, "DATABASE": None})
            _add_empty_map(app)
            with LiveServer(app) as server:
                figures[label] = weights(app.test_client()) | {"counts": counts(path)}
                figures[label]["draw_ms"] = first_draw_ms(browser, server.url + "/map")
                figures[label]["baseline_ms"] = first_draw_ms(browser, server.url + "/bench/empty-map")
        browser.close()
    return figures


def report(figures: dict[str, dict]) -> str:
    """The lines `make bench` prints."""
    lines = [f"map page (headless Chromium, median of {RUNS} loads; baseline: an empty Leaflet map, same run):"]
    for label, f in figures.items():
        lines.append(
            f"  {label:4s} page {f['page']:>10,} bytes (+ {f['assets']:,} bytes of scripts and styles, "
            f"+ {f['places index']:,} bytes of places index fetched after); first view drawn in {f['draw_ms']:.0f} ms "
            f"(empty Leaflet map: {f['baseline_ms']:.0f} ms); {f['counts']}"
        )
    return "\n".join(lines)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "atlas.gpkg"
        layers = build(SOURCES, REFERENCE, store, progress=lambda *_: None)
        print(report(measure({"1x": store, **scaled_stores(Path(tmp), layers)})))


if __name__ == "__main__":
    main()

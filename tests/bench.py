"""`make bench`: how long the zones take to build, and how heavy the map page is.

Figures are medians over several runs, each beside a baseline measured in the same run:
  zones   exact segment-capsule buffers (what the build does) vs GEOS's own line buffer
          (faster, but it simplifies the line by 1% of the depth first, so edges err by up to 1%)
  page    the map page with display geometries vs the same page at full precision
  latency items requests (bbox+datetime) per collection and the charts page vs GET /conformance
  load    20 client threads for 60 s over map, items, item, regime and download against `python -m webapp`,
          the store replaced by another build halfway: requests, 5xx, wrong answers, p50/p95, peak RSS
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import shapely  # noqa: E402

import geo  # noqa: E402
from layers import border, zones  # noqa: E402
from layers.build import REFERENCE, SOURCES, build  # noqa: E402
from layers.store import GeoPackageStore  # noqa: E402
from tests import load  # noqa: E402
from tests.payloads import hostile_sources  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.mapview import build_map  # noqa: E402

RUNS = 5
LOAD_SECONDS, LOAD_CLIENTS = 60, 20


def median_seconds(func, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def build_zones() -> None:
    zones.build(zones.read_regime(SOURCES), REFERENCE, progress=lambda *_: None)


def geos_line_buffers() -> None:
    regime = zones.read_regime(SOURCES)
    line = geo.prepare(border.border_line(REFERENCE))
    land = geo.prepare(border.soviet_land(REFERENCE))
    for zone in regime.zones:
        depth = geo.to_metres(zone["depth"]["value"], zone["depth"]["unit"])
        geo.to_lonlat(shapely.intersection(shapely.buffer(line, depth, quad_segs=16), land))


def page_bytes(client, html: str) -> tuple[int, dict[str, int]]:
    """Bytes of the page and of every script and stylesheet it loads from the app."""
    parts = {"page": len(html.encode())}
    for url in re.findall(r'(?:src|href)="(/[^"]+)"', html):
        parts[url] = len(client.get(url).data)
    return sum(parts.values()), parts


REQUESTS = 50
QUERY = "bbox=79,42,84,47&datetime=1930"


def items_latency(client) -> dict[str, tuple[float, float]]:
    """p50 and p95 of an items request with bbox and datetime, per collection, and of /conformance."""
    urls = {"baseline": "/conformance"}
    collections = ("border", "zones", "places", "outposts", "customs", "incidents", "migration")
    urls |= {cid: f"/collections/{cid}/items?{QUERY}" for cid in collections}
    urls |= {"charts": "/charts?f=html", "charts json": "/charts?f=json"}
    figures = {}
    for name, url in urls.items():
        client.get(url)  # warm the store's cache
        times = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - started)
        times.sort()
        figures[name] = (statistics.median(times), times[int(0.95 * (len(times) - 1))])
    return figures


def main() -> None:
    print(f"Border Atlas benchmark (medians of {RUNS} runs)")
    ours = median_seconds(build_zones)
    base = median_seconds(geos_line_buffers)
    print(f"zones build from scratch (9 zones): {ours:.2f} s; GEOS line buffers: {base:.2f} s; ratio {ours / base:.2f}")

    with tempfile.TemporaryDirectory() as tmp:
        store_path = Path(tmp) / "atlas.gpkg"
        build(SOURCES, REFERENCE, store_path, progress=lambda *_: None)
        app = create_app({"STORE": store_path})
        client = app.test_client()
        with app.test_request_context():
            store = GeoPackageStore(store_path)
            light = build_map(store).get_root().render()
            full = build_map(store, display=False).get_root().render()
        total, parts = page_bytes(client, light)
        full_total, _ = page_bytes(client, full)
        render = median_seconds(lambda: client.get("/map") and app.extensions.pop("atlas_map_html", None))
        latency = items_latency(client)
        other = Path(tmp) / "other.gpkg"  # the build that replaces the store under load
        build(hostile_sources(SOURCES, Path(tmp) / "sources"), REFERENCE, other, progress=lambda *_: None)
        (Path(tmp) / "served").mkdir()
        figures = load.run(store_path, other, Path(tmp) / "served", seconds=LOAD_SECONDS, clients=LOAD_CLIENTS)
    detail = ", ".join(f"{k}: {v:,}" for k, v in parts.items())
    print(f"map page weight: {total:,} bytes ({detail})")
    print(f"  full-precision page: {full_total:,} bytes; ratio {total / full_total:.3f}")
    print(f"map page build (uncached): {render:.2f} s")
    base_p50 = latency.pop("baseline")[0]
    print(
        f"latency, items with bbox+datetime and the charts page, {REQUESTS} requests each "
        f"(baseline GET /conformance p50 {base_p50 * 1000:.1f} ms):"
    )
    for cid, (p50, p95) in latency.items():
        print(
            f"  {cid:11s} p50 {p50 * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms  "
            f"p50 ratio to baseline {p50 / base_p50:.1f}"
        )

    print(load.report(figures, LOAD_SECONDS, LOAD_CLIENTS))
    for name, status, body in figures["errors"][:5]:
        print(f"  5xx: {name} {status} {body!r}")
    for name, status, version in figures["wrong"][:5]:
        print(f"  wrong answer: {name} {status} version {version}")


if __name__ == "__main__":
    main()

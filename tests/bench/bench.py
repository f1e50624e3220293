"""`make bench`: how long the zones take to build, and how heavy the map page is.

Figures are medians over several runs, each beside a baseline measured in the same run:
  zones   exact segment-capsule buffers (what the build does) vs GEOS's own line buffer
          (faster, but it simplifies the line by 1% of the depth first, so edges err by up to 1%)
  page    the map page with display geometries vs the same page at full precision
  map     the map page's bytes and its first view drawn in headless Chromium, on the build and on a synthetic
          100x build and one with 100,000 incidents (tests/bench/bench_page.py), vs an empty Leaflet map served by the
          same app
  latency items requests (bbox+datetime) per collection and the charts page vs GET /conformance
  figure  the default view (1930, the whole border) rendered to PNG (300 dpi) and SVG vs an empty axes
          of the same size saved the same way
  storage items p50/p95 (bbox+datetime) per collection and engine: SQL (after) vs the row-by-row pandas filter
          and per-request GeoJSON encoding the store used before (kept here as the reference), same app
  serving requests/s under gunicorn for /collections/incidents/items (200, and 304 with If-None-Match) vs a
          static file of the same bytes served by the same gunicorn
  load    20 client threads for 60 s over map, items, item, regime and download against the serving path of
          `make run` (nginx in front of gunicorn), the store replaced by another build halfway: requests, 5xx, wrong
          answers, p50/p95, peak RSS, the workers' memory after it
  front   slow and idle connections, concurrent figures and parallel downloads against the serving path, each
          beside a baseline of the same run (tests/bench/bench_front.py)
  changes GET /changes for 1918 → 1940 on the build and the 100x build, p50, beside an items query of the same
          app (tests/bench/bench_changes.py)
  releases disk per release, the time of a changelog, pinned against plain items p50 (tests/bench/bench_releases.py)
  hostile 20 clients' items p95 alone and beside 12 hostile uploads and 24 sign-in attempts a second, as a ratio,
          and their errors (tests/bench/bench_hostile.py)
"""

from __future__ import annotations

import http.client
import io
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import shapely  # noqa: E402

import geo  # noqa: E402
from layers import border, zones  # noqa: E402
from layers.build import REFERENCE, SOURCES  # noqa: E402
from layers.dates import overlaps  # noqa: E402
from layers.geojson import feature_text  # noqa: E402
from pipeline.build import build  # noqa: E402
from store import GeoPackageStore, as_text  # noqa: E402
from tests import pgcluster  # noqa: E402
from tests.bench import bench_changes, bench_front, bench_hostile, bench_page, bench_releases, load  # noqa: E402
from tests.payloads import hostile_sources  # noqa: E402
from webapp import create_app, figure  # noqa: E402
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
    urls |= {
        "charts": "/charts?f=html",
        "charts json": "/charts?f=json",
        "zones html": "/collections/zones/items?f=html",
    }
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


def empty_figure(fmt: str, height_in: float) -> None:
    """The baseline: an empty axes on a figure of the same size, saved as the figure is."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(figure.WIDTH_IN, height_in))
    fig.add_axes((0.04, 0.3, 0.92, 0.6))
    fig.savefig(io.BytesIO(), format=fmt, dpi=figure.PNG_DPI)


def figure_times(app, store) -> dict[str, tuple[float, float, int]]:
    """(median seconds, baseline seconds, bytes) of the default view's figure, PNG then SVG."""
    from flask import request
    from PIL import Image

    times, height = {}, None
    for fmt in ("png", "svg"):
        with app.test_request_context(f"/figure?format={fmt}"):
            view = figure.parse_view(request.args, store)
            view.url = figure.map_url(request.args, view)
            data = figure.render(store, view)  # warm: fonts, frames
            ours = median_seconds(lambda v=view: figure.render(store, v))
        height = height or Image.open(io.BytesIO(data)).height / figure.PNG_DPI  # the baseline's size: the PNG's
        base = median_seconds(lambda f=fmt, h=height: empty_figure(f, h))
        times[fmt] = (ours, base, len(data))
    return times


def row_by_row_items(store):
    """The store's `items` as it was before SQL: filter the whole frame row by row, encode each feature."""

    def items(collection, *, period=None, bbox=None, equals=None, limit=None, offset=0):
        frame = store.frame(collection)
        for column, value in (equals or {}).items():
            frame = frame[[as_text(v) == value for v in frame[column]]]
        if period is not None:
            frame = frame[[overlaps(s, e, *period) for s, e in zip(frame["start"], frame["end"], strict=True)]]
        if bbox is not None:
            frame = frame[frame.intersects(shapely.box(*bbox))]
        page = frame.iloc[offset : None if limit is None else offset + limit]
        return [feature_text(row).encode() for row in page.to_dict("records")], len(frame)

    return items


def percentiles(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def storage_latency(config: dict) -> dict[str, dict[str, tuple]]:
    """{collection: {"before": (p50, p95), "after": (p50, p95)}} for items with bbox+datetime, one engine."""
    app = create_app(config)
    client = app.test_client()
    client.get("/collections")
    store = app.extensions["atlas_store"][1]
    sql_items, figures = store.items, {}
    for cid in ("border", "zones", "places", "outposts", "customs", "incidents", "migration"):
        url = f"/collections/{cid}/items?{QUERY}"
        figures[cid] = {}
        for name, items in (("before", row_by_row_items(store)), ("after", sql_items)):
            store.items = items
            assert client.get(url).status_code == 200  # and warm
            times = []
            for _ in range(REQUESTS):
                started = time.perf_counter()
                client.get(url)
                times.append(time.perf_counter() - started)
            figures[cid][name] = percentiles(times)
        store.items = sql_items
    return figures


SECONDS, CLIENTS = 4.0, 8


def requests_per_second(port: int, path: str, headers: dict) -> tuple[float, int]:
    """Requests/s that CLIENTS keep-alive connections get for `path` in SECONDS, and how many were not 200/304."""
    done, errors, stop = [0], [0], time.perf_counter() + SECONDS

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < stop:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            done[0] += 1
            errors[0] += response.status not in (200, 304)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0] / (time.perf_counter() - started), errors[0]


def serving_rates(env: dict, tmp: Path) -> dict[str, tuple[float, int]]:
    """gunicorn (as `make run`) serving the incidents items, with and without If-None-Match, and a static copy."""
    port = pgcluster.free_port()
    static = tmp / "incidents.json"
    command = [sys.executable, "-m", "gunicorn", "--workers", "3", "--threads", "4", "--bind", f"127.0.0.1:{port}"]
    command += ["--no-control-socket", "tests.bench.bench_wsgi:application"]
    path = "/collections/incidents/items"
    static.write_bytes(b"")
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env, "BENCH_STATIC": str(static)})
    try:
        for _ in range(200):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", path)
                response = conn.getresponse()
                body, etag = response.read(), response.getheader("ETag")
                break
            except OSError:
                time.sleep(0.1)
        static.write_bytes(body)
        return {
            "items (200)": requests_per_second(port, path, {}),
            "items (304, If-None-Match)": requests_per_second(port, path, {"If-None-Match": etag}),
            "static file, same bytes": requests_per_second(port, "/bench-static.json", {}),
        }
    finally:
        process.terminate()
        process.wait(timeout=30)


def report_storage(engine: str, figures: dict) -> None:
    print(f"items with {QUERY}, {REQUESTS} requests each, engine {engine}: before (row-by-row) vs after (SQL)")
    for cid, f in figures.items():
        (b50, b95), (a50, a95) = f["before"], f["after"]
        print(
            f"  {cid:10s} before p50 {b50 * 1000:6.1f} ms p95 {b95 * 1000:6.1f} ms | "
            f"after p50 {a50 * 1000:6.1f} ms p95 {a95 * 1000:6.1f} ms | p50 before/after {b50 / a50:.1f}x"
        )


def report_serving(engine: str, rates: dict) -> None:
    static = rates["static file, same bytes"][0]
    print(f"gunicorn (3 workers x 4 threads), {CLIENTS} clients for {SECONDS:.0f} s, engine {engine}:")
    for name, (rate, errors) in rates.items():
        print(f"  {name:28s} {rate:7.0f} req/s  errors {errors}  ratio to static {rate / static:.2f}")


def bench_storage_and_serving(store_path: Path) -> None:
    """Both engines: storage latency before/after, and gunicorn requests/s against a static file."""
    with pgcluster.cluster() as url, tempfile.TemporaryDirectory() as tmp:
        from store import load

        load(store_path, url, progress=lambda *_: None)
        engines = {"gpkg": ({"STORE": store_path}, {}), "postgis": ({"DATABASE": url}, {"BORDER_ATLAS_DATABASE": url})}
        for engine, (config, env) in engines.items():
            report_storage(engine, storage_latency({"STORE": store_path, "DATABASE": None} | config))
            base_env = {"BORDER_ATLAS_STORE": str(store_path)} | env
            report_serving(engine, serving_rates(base_env, Path(tmp)))


def main() -> None:
    print(f"Border Atlas benchmark (medians of {RUNS} runs)")
    ours = median_seconds(build_zones)
    base = median_seconds(geos_line_buffers)
    print(f"zones build from scratch (9 zones): {ours:.2f} s; GEOS line buffers: {base:.2f} s; ratio {ours / base:.2f}")

    with tempfile.TemporaryDirectory() as tmp:
        store_path = Path(tmp) / "atlas.gpkg"
        built = build(SOURCES, REFERENCE, store_path, progress=lambda *_: None)
        app = create_app({"STORE": store_path, "DATABASE": None})
        client = app.test_client()
        with app.test_request_context():
            store = GeoPackageStore(store_path)
            light = build_map(store).get_root().render()
            full = build_map(store, display=False).get_root().render()
        total, parts = page_bytes(client, light)
        full_total, _ = page_bytes(client, full)
        render = median_seconds(lambda: client.get("/map") and app.extensions["atlas_store"][2].clear())
        latency = items_latency(client)
        scaled = bench_page.scaled_stores(Path(tmp), built)
        drawn = bench_page.measure({"1x": store_path, **scaled})
        changed = bench_changes.measure({"1x": store_path, "100x": scaled["100x"]})
        figures = figure_times(app, GeoPackageStore(store_path))
        bench_storage_and_serving(store_path)
        other = Path(tmp) / "other.gpkg"  # the build that replaces the store under load
        build(hostile_sources(SOURCES, Path(tmp) / "sources"), REFERENCE, other, progress=lambda *_: None)
        kept = bench_releases.measure(store_path, other, Path(tmp))  # before the load test replaces the store
        (Path(tmp) / "served").mkdir()
        loaded = load.run(store_path, other, Path(tmp) / "served", seconds=LOAD_SECONDS, clients=LOAD_CLIENTS)
        served = bench_front.measure(store_path)
        attacked = bench_hostile.measure(store_path)
    detail = ", ".join(f"{k}: {v:,}" for k, v in parts.items())
    print(f"map page weight: {total:,} bytes ({detail})")
    print(f"  full-precision page: {full_total:,} bytes; ratio {total / full_total:.3f}")
    print(f"map page build (uncached): {render:.2f} s")
    print(bench_page.report(drawn))
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
    print(bench_changes.report(changed))

    for fmt, (ours, base, size) in figures.items():
        print(
            f"figure of the default view, {fmt.upper()}: {ours:.2f} s ({size:,} bytes); "
            f"empty axes of the same size: {base:.2f} s; ratio {ours / base:.1f}"
        )
    print(load.report(loaded, LOAD_SECONDS, LOAD_CLIENTS))
    for name, status, body in loaded["errors"][:5]:
        print(f"  5xx: {name} {status} {body!r}")
    for name, status, version in loaded["wrong"][:5]:
        print(f"  wrong answer: {name} {status} version {version}")
    print(bench_front.report(served))
    print(bench_releases.report(kept))
    print(bench_hostile.report(attacked))


if __name__ == "__main__":
    main()

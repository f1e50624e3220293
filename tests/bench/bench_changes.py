"""`make bench`: GET /changes for the widest span (1918 → 1940) on the build (1x) and on the synthetic 100x build
(tests/synthetic.py), p50, beside an items query (bbox+datetime) of the same app in the same run.

Run alone: `.venv/bin/python -m tests.bench.bench_changes` (it builds the atlas and its 100x copy first).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from layers.build import REFERENCE, SOURCES  # noqa: E402
from pipeline.build import build  # noqa: E402
from tests.synthetic import write_scaled_store  # noqa: E402
from webapp import create_app  # noqa: E402

REQUESTS = 15
CHANGES = "/changes?from=1918&to=1940&f=json"
ITEMS = "/collections/incidents/items?bbox=75,40,90,50&datetime=1930-01-01/1935-12-31"


def p50_ms(client, url: str, requests: int = REQUESTS) -> float:
    """The median of `requests` GETs of `url` (after one that warms the store's cache), in milliseconds."""
    assert client.get(url).status_code == 200, url
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def measure(stores: dict[str, Path]) -> dict[str, dict]:
    """{label: {"changes", "items": p50 ms, "lines": how many changes}} per store."""
    figures = {}
    for label, path in stores.items():
        client = create_app({"STORE": path, "DATABASE": None}).test_client()
        lines = len(client.get(CHANGES).get_json()["changes"])
        figures[label] = {"changes": p50_ms(client, CHANGES), "items": p50_ms(client, ITEMS), "lines": lines}
    return figures


def _line(label: str, f: dict) -> str:
    changes, items = f"{f['changes']:7.1f} ms ({f['lines']:,} changes)", f"{f['items']:7.1f} ms"
    return f"  {label:5s} changes p50 {changes}  items p50 {items}  ratio {f['changes'] / f['items']:.1f}"


def report(figures: dict[str, dict]) -> str:
    """The lines `make bench` prints."""
    head = f"/changes for 1918 → 1940 ({CHANGES}), {REQUESTS} requests each, beside an items query (bbox+datetime):"
    return "\n".join([head, *(_line(label, f) for label, f in figures.items())])


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "atlas.gpkg"
        layers = build(SOURCES, REFERENCE, store, progress=lambda *_: None)
        x100 = Path(tmp) / "x100.gpkg"
        write_scaled_store(x100, 100, layers=layers)
        print(report(measure({"1x": store, "100x": x100})))


if __name__ == "__main__":
    main()

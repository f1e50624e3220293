"""`make bench`, the serving path (issue 19): what slow and idle connections, concurrent figures and parallel
downloads do to `make run` (nginx in front of gunicorn), each beside a baseline measured in the same run.

  slow       20 ordinary clients' p50/p95 without and with 100 connections held (50 idle after one byte, 25
             sending headers a byte a second, 25 reading the 12 MB zones 1 KB a second), medians of ROUNDS
             rounds, as a ratio; and the same against gunicorn alone, as `make run` served before
  figures    items requests' p50/p95 alone and beside 24 concurrent PNG figures, as a ratio; how many figures
             were drawn (200) or refused (503); a figure drawn vs served from the cache
  downloads  the servers' memory rise for 20 parallel zone downloads (GeoJSON, 12 MB each) vs 20 parallel
             small answers, medians of ROUNDS

Runnable alone: .venv/bin/python -m tests.bench.bench_front [--store data/build/atlas.gpkg]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from tests import front

ROUNDS = 3
SECONDS = 8.0
ZONES = "/collections/zones/download?format=geojson"
ITEMS = ["/collections/places/items?limit=20", "/collections/zones"]


def _hold(port: int) -> front.Hostile:
    return front.Hostile(port).idle(50).slow_senders(25).slow_readers(25)


def slow_clients(port: int, rounds: int = ROUNDS) -> dict[str, list[front.Run]]:
    """Rounds of (20 clients alone, 20 clients beside 100 held connections)."""
    runs = {"alone": [], "held": []}
    for _ in range(rounds):
        runs["alone"].append(front.clients(port, SECONDS))
        with _hold(port):
            time.sleep(SECONDS)  # the slow readers' answers made: from now on they are only held
            runs["held"].append(front.clients(port, SECONDS))
    return runs


@contextlib.contextmanager
def gunicorn_alone(store: Path):
    """The app as `make run` served it before: gunicorn on 127.0.0.1, 3 workers x 4 threads, nothing in front."""
    port = front.free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BORDER_ATLAS_")} | {
        "BORDER_ATLAS_STORE": str(store)
    }
    command = [sys.executable, "-m", "gunicorn", "--workers", "3", "--threads", "4", "--no-control-socket"]
    process = subprocess.Popen(
        [*command, "--bind", f"127.0.0.1:{port}", "webapp:create_app()"],
        cwd=front.ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            with contextlib.suppress(OSError):
                front.get(port, "/conformance", timeout=2)
                break
            time.sleep(0.1)
        front.parallel(port, "/map", 12)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def gunicorn_alone_held(store: Path) -> front.Run:
    """One round of 20 clients beside the same 100 held connections, against gunicorn alone (clients give up
    after 10 s)."""
    with gunicorn_alone(store) as port, _hold(port):
        time.sleep(SECONDS)
        return front.clients(port, SECONDS, timeout=10)


def figures(port: int) -> dict:
    """Items alone and beside 24 concurrent figures; the figures' statuses; a figure drawn vs from the cache."""
    alone = front.clients(port, 6, n=4, paths=ITEMS)
    views = [f"/figure?format=png&year={1918 + i % 23}&lang={'name_ru' if i >= 23 else 'name'}" for i in range(24)]
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda v=v: statuses.append(front.get(port, v, timeout=120)[0])) for v in views]
    for thread in threads:
        thread.start()
    beside = front.clients(port, 6, n=4, paths=ITEMS)
    for thread in threads:
        thread.join()
    drawn = _seconds(lambda i: front.get(port, f"/figure?format=png&year=1930-{1930 + i}"), 5)
    cached = _seconds(lambda i: front.get(port, "/figure?format=png&year=1930-1930"), 5)
    return {"alone": alone, "beside": beside, "statuses": statuses, "drawn": drawn, "cached": cached}


def _seconds(request: Callable[[int], object], n: int) -> float:
    times = []
    for i in range(n):
        started = time.perf_counter()
        request(i)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def downloads(server, rounds: int = ROUNDS) -> dict[str, float]:
    """Median memory rise (MB) of the server for 20 parallel zone downloads, and for 20 small answers, each made by
    gunicorn (not answered from nginx's cache)."""
    port = server.options.port
    front.parallel(port, ZONES, 12, headers=front.UNCACHED)  # every worker has opened the store and sent a zone once
    rises = {"zones": [], "small": []}
    for _ in range(rounds):
        for name, path in (("zones", ZONES), ("small", "/collections/zones")):
            with front.PeakMemory(server) as memory:
                front.parallel(port, path, 20, headers=front.UNCACHED)
            rises[name].append(memory.rise)
    return {name: statistics.median(values) for name, values in rises.items()}


def measure(store: Path) -> dict:
    """Every figure of this module, on the build at `store`."""
    with front.front(store) as server:
        port = server.options.port
        front.parallel(port, "/map", 12)
        result = {"slow": slow_clients(port), "figures": figures(port), "downloads": downloads(server)}
        result["workers_mb"] = [front.rss_mb([pid]) for pid in front.workers(server)]
    result["gunicorn_alone"] = gunicorn_alone_held(store)
    return result


def _median(runs: list[front.Run], q: float) -> float:
    return statistics.median(r.p(q) for r in runs) * 1000


def report(result: dict) -> str:
    slow, fig, dl = result["slow"], result["figures"], result["downloads"]
    alone50, alone95 = _median(slow["alone"], 50), _median(slow["alone"], 95)
    held50, held95 = _median(slow["held"], 50), _median(slow["held"], 95)
    errors = sum(len(r.errors) for r in slow["alone"] + slow["held"])
    old = result["gunicorn_alone"]
    ok, busy = fig["statuses"].count(200), fig["statuses"].count(503)
    lines = [
        f"serving path (make run: nginx in front of gunicorn, 3 workers x 4 threads), medians of {ROUNDS} rounds:",
        f"  20 clients alone: p50 {alone50:.0f} ms, p95 {alone95:.0f} ms; beside 100 held connections (50 idle, 25 "
        f"slow senders, 25 slow readers): p50 {held50:.0f} ms, p95 {held95:.0f} ms; p95 ratio {held95 / alone95:.2f} "
        f"(goal <= 3); errors {errors}",
        f"  the same 100 against gunicorn alone (make run before): {old.summary()} (clients give up after 10 s)",
        f"  items alone: p50 {fig['alone'].p(50) * 1000:.0f} ms, p95 {fig['alone'].p(95) * 1000:.0f} ms; beside 24 "
        f"concurrent figures: p50 {fig['beside'].p(50) * 1000:.0f} ms, p95 {fig['beside'].p(95) * 1000:.0f} ms; "
        f"p95 ratio {fig['beside'].p(95) / fig['alone'].p(95):.1f}; errors {len(fig['beside'].errors)}; figures "
        f"{ok} drawn, {busy} refused (503, Retry-After)",
        f"  a PNG figure drawn: {fig['drawn']:.2f} s; the same from the cache: {fig['cached'] * 1000:.1f} ms; "
        f"ratio {fig['drawn'] / fig['cached']:.0f}",
        f"  memory rise for 20 parallel zone downloads (12 MB GeoJSON each, past nginx's cache): {dl['zones']:.1f} MB "
        "(goal < 100); "
        f"for 20 small answers: {dl['small']:.1f} MB",
        f"  gunicorn workers' memory after all this: {[round(w) for w in result['workers_mb']]} MB "
        "(recycled above 512 MB)",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=front.ROOT / "data" / "build" / "atlas.gpkg")
    print(report(measure(parser.parse_args().store)))

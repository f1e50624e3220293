"""A bounded load test: client threads over a mix of requests against the app on 127.0.0.1, served as `make run`
serves it (nginx in front of gunicorn, 3 workers x 4 threads: tests/front.py).

Halfway through, the store is replaced by another build (atomically, as the data build does). Each answer
is checked against the data version it names in `X-Data-Version`: the expected answers of both builds are
worked out before the clients start.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import threading
import time
from pathlib import Path

from tests import front

ROOT = Path(__file__).resolve().parents[2]
# name -> (path, what of the answer is compared)
MIX = {
    "map": ("/map", "map"),
    "items": ("/collections/places/items?bbox=79,42,84,47&limit=50", "ids"),
    "item": ("/collections/zones/items/zone-22-km", "name"),
    "regime": ("/regime?lat=44.2234&lon=80.3852&date=1933-06-01", "zones"),
    "download": ("/collections/incidents/download?format=geojson", "citation"),
}


def _key(kind: str, body: bytes, version: str):
    """What must match between two answers of the same build."""
    if kind == "map":
        return version in body.decode()  # the page cites its data version
    data = json.loads(body)
    return {
        "ids": lambda: sorted(f["id"] for f in data["features"]),
        "name": lambda: data["properties"]["name"],
        "zones": lambda: sorted(z["id"] for z in data["zones"]),
        "citation": lambda: f"Data version {version}" in data["citation"] and len(data["features"]),
    }[kind]()


def _get(port: int, path: str) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.getheader("X-Data-Version", ""), response.read()
    finally:
        connection.close()


def _peak_rss_mb(server) -> float:
    """The peak resident memory of the server: nginx and gunicorn, masters and workers, summed."""
    total = 0
    for pid in front.processes(server):
        with contextlib.suppress(OSError):  # a worker recycled meanwhile
            status = Path(f"/proc/{pid}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
    return total / 1024


def _expected(port: int, seen: dict | None = None, wait: float = 10.0) -> dict[tuple[str, str], object]:
    """{(version, request): key} for the build the server has now; with `seen` (the answers of the build before),
    each request is asked again until it names another version (nginx's micro-cache keeps an answer up to 2 s)."""
    answers, old = {}, {version for version, _ in seen or {}}
    for name, (path, kind) in MIX.items():
        deadline = time.monotonic() + wait
        status, version, body = _get(port, path)
        while version in old and time.monotonic() < deadline:
            time.sleep(0.2)
            status, version, body = _get(port, path)
        if status != 200 or not version or version in old:
            raise RuntimeError(f"{path}: {status}, version {version!r}")
        answers[(version, name)] = _key(kind, body, version)
    return answers


def run(first: Path, second: Path, workdir: Path, seconds: float = 60, clients: int = 20) -> dict:
    """Serve `first`, load it, replace it with `second` halfway; the figures of the run."""
    store = workdir / "atlas.gpkg"
    shutil.copy(second, store)
    with front.front(store) as server:
        port = server.options.port
        expected = _expected(port)  # the second build's answers, then the first's
        shutil.copy(first, workdir / "next.gpkg")
        os.replace(workdir / "next.gpkg", store)
        expected |= _expected(port, seen=expected)
        shutil.copy(second, workdir / "next.gpkg")  # ready for the swap halfway
        figures = _load(port, expected, seconds, clients, swap=lambda: os.replace(workdir / "next.gpkg", store))
        figures["peak_rss_mb"] = _peak_rss_mb(server)
        figures["workers_mb"] = [front.rss_mb([pid]) for pid in front.workers(server)]
        return figures


def _load(port: int, expected: dict, seconds: float, clients: int, swap) -> dict:
    names = list(MIX)
    lock = threading.Lock()
    times, errors, wrong, versions = [], [], [], set()
    stop = time.monotonic() + seconds

    def client(index: int) -> None:
        turn = index
        while time.monotonic() < stop:
            name = names[turn % len(names)]
            turn += 1
            path, kind = MIX[name]
            started = time.perf_counter()
            try:
                status, version, body = _get(port, path)
            except OSError as exc:
                status, version, body = 599, "", str(exc).encode()
            elapsed = time.perf_counter() - started
            ok = status == 200 and expected.get((version, name)) == _key(kind, body, version) if status == 200 else None
            with lock:
                times.append(elapsed)
                versions.add(version)
                if status >= 500:
                    errors.append((name, status, body[:200]))
                elif not ok:
                    wrong.append((name, status, version))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(seconds / 2)
    swap()
    for thread in threads:
        thread.join()
    times.sort()
    return {
        "requests": len(times),
        "errors": errors,
        "wrong": wrong,
        "versions": sorted(versions),
        "p50_ms": 1000 * times[len(times) // 2],
        "p95_ms": 1000 * times[int(0.95 * (len(times) - 1))],
    }


def report(figures: dict, seconds: float, clients: int) -> str:
    return (
        f"load: {clients} clients for {seconds:.0f} s, store replaced halfway: {figures['requests']} requests, "
        f"{len(figures['errors'])} 5xx, {len(figures['wrong'])} wrong answers, p50 {figures['p50_ms']:.0f} ms, "
        f"p95 {figures['p95_ms']:.0f} ms, server peak RSS {figures['peak_rss_mb']:.0f} MB (nginx and gunicorn), "
        f"workers after it {[round(w) for w in figures['workers_mb']]} MB, "
        f"data versions seen {figures['versions']}"
    )

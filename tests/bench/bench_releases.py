"""Releases in `make bench`: the disk a release takes, the time to compute a changelog, and pinned against plain
items p50 in the same run (the pinned answer should be no slower)."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from store import changelog, releases
from webapp import create_app

ITEMS = "/collections/places/items?limit=50&bbox=75,40,90,50"
REQUESTS = 200


def _disk(folder: Path, seen: set) -> int:
    """Bytes on disk of a release's files, each inode counted once (a hard link shared with the build is not)."""
    total = 0
    for path in folder.iterdir():
        stat = path.stat()
        if (stat.st_dev, stat.st_ino) not in seen:
            seen.add((stat.st_dev, stat.st_ino))
            total += stat.st_blocks * 512
    return total


def measure(first: Path, second: Path, tmp: Path) -> dict:
    """Publish two builds as releases in `tmp`, then time a changelog and plain vs pinned items."""
    root = tmp / "releases"
    a = releases.publish(first, root, progress=lambda *_: None)
    b = releases.publish(second, root, progress=lambda *_: None)
    seen: set = set()
    disk = {r.number: _disk(root / r.number, seen) for r in (a, b)}
    directory = releases.Directory(root)
    times = []
    for _ in range(3):
        started = time.perf_counter()
        changelog.changes(directory.open(a), directory.open(b))
        times.append(time.perf_counter() - started)
    client = create_app({"STORE": second, "RELEASES": root, "DATABASE": None}).test_client()
    plain, pinned = [], []
    for path in (ITEMS, f"/v/{b.number}{ITEMS}"):
        client.get(path)  # warm: the store opened
    for _ in range(REQUESTS):  # alternated, so that both see the same machine
        for path, into in ((ITEMS, plain), (f"/v/{b.number}{ITEMS}", pinned)):
            started = time.perf_counter()
            assert client.get(path).status_code == 200
            into.append(time.perf_counter() - started)
    return {
        "disk": disk,
        "build": os.path.getsize(second),
        "changelog": statistics.median(times),
        "changes": b.manifest["summary"]["total"],
        "plain": statistics.median(plain),
        "pinned": statistics.median(pinned),
    }


def report(found: dict) -> str:
    disk = ", ".join(f"{n}: {v / 1e6:.1f} MB" for n, v in found["disk"].items())
    return (
        f"releases: disk per release ({disk}; a build is {found['build'] / 1e6:.1f} MB, hard-linked, not copied)\n"
        f"  changelog between two releases ({found['changes']} changes): {found['changelog']:.2f} s\n"
        f"  items {ITEMS}, {REQUESTS} requests each: plain p50 {found['plain'] * 1000:.1f} ms, "
        f"pinned p50 {found['pinned'] * 1000:.1f} ms (pinned/plain {found['pinned'] / found['plain']:.2f})"
    )

"""Crash tests: a build killed (SIGKILL) while it works, or stopped by a full disk, leaves the store as it was.

The app serving that store keeps answering with the same data version, and the next build succeeds.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from store.writer import temporary_prefix
from tests.conftest import ROOT
from webapp import create_app

# when to kill: after the first progress line, once the temporary file exists, once it holds 2 MB
KILL_POINTS = {
    "reading the sources": lambda out, tmp, lines: lines > 0,
    "the temporary file created": lambda out, tmp, lines: tmp is not None,
    "2 MB written": lambda out, tmp, lines: tmp is not None and tmp.stat().st_size > 2_000_000,
}


def temporary(out: Path) -> list[Path]:
    """The temporary files of the builds of `out` (each build has its own: store.writer)."""
    return [p for p in out.parent.glob(temporary_prefix(out) + "*") if p.suffix == out.suffix]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_build(out: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "layers.build", "--out", str(out)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def start_build(out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-u", "-m", "layers.build", "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def kill_when(process: subprocess.Popen, out: Path, point) -> bool:
    """SIGKILL the build once `point` holds; False if it finished first."""
    os.set_blocking(process.stdout.fileno(), False)
    lines = 0
    deadline = time.monotonic() + 300
    left = set(temporary(out))  # by a build killed before (this one removes them once it holds the lock)
    while process.poll() is None and time.monotonic() < deadline:
        lines += sum(1 for _ in iter(process.stdout.readline, ""))
        found = [p for p in temporary(out) if p not in left]
        try:
            if point(out, found[0] if found else None, lines):
                process.send_signal(signal.SIGKILL)
                process.wait()
                return True
        except FileNotFoundError:  # renamed into place meanwhile
            pass
        time.sleep(0.01)
    return False


@pytest.fixture()
def store(built, tmp_path):
    path = tmp_path / "atlas.gpkg"
    shutil.copy(built[0], path)
    return path


def test_a_killed_build_leaves_the_store_and_the_next_build_succeeds(store):
    before = digest(store)
    client = create_app({"STORE": store, "TESTING": True}).test_client()
    version = client.get("/collections/zones/items?limit=1").headers.get("X-Data-Version")
    for name, point in KILL_POINTS.items():
        process = start_build(store)
        assert kill_when(process, store, point), f"the build ended before {name}"
        assert digest(store) == before, f"killed at {name}: the store changed"
        response = client.get("/collections/zones/items?limit=1")
        assert response.status_code == 200 and response.headers.get("X-Data-Version") == version
        assert client.get("/map").status_code == 200
    finished = run_build(store)
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert not temporary(store), "the next build removes what the killed ones left"
    assert client.get("/collections/zones/items?limit=1").status_code == 200


def _fill(disk: Path, leave: int) -> None:
    """Fill the file system at `disk` up to `leave` free bytes."""
    stat = os.statvfs(disk)
    free = stat.f_bavail * stat.f_frsize
    with open(disk / "filler", "wb") as filler:
        filler.truncate(0)
        for _ in range(max(0, free - leave) // 1_000_000):
            filler.write(b"\0" * 1_000_000)


def test_a_full_disk_leaves_the_store(built, tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    size_mb = built[0].stat().st_size // 1_000_000 + 4  # the store fits, a second copy does not
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(disk)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {mounted.stderr.decode().strip()}")
    try:
        store = disk / "atlas.gpkg"
        shutil.copy(built[0], store)
        _fill(disk, leave=1_000_000)  # whatever the store's size, a second copy cannot fit
        before = digest(store)
        finished = run_build(store)
        assert finished.returncode != 0, "the build cannot fit"
        assert digest(store) == before
        assert not temporary(store), "the partial file was removed"
        client = create_app({"STORE": store, "TESTING": True}).test_client()
        assert client.get("/collections/zones/items?limit=1").status_code == 200
    finally:
        subprocess.run(["umount", "--lazy", str(disk)], check=False)  # lazy: the app still holds the store open


def test_a_build_killed_while_it_makes_a_release_leaves_every_release(store, tmp_path):
    """Killed while reading, once the store is written, and while the new release is written: every release kept
    is as it was and its pinned URLs answer; the next build makes the release and clears the leftover."""
    from store import releases
    from tests.store.test_releases import changed_copy

    root = tmp_path / "releases"  # beside --out, where the build keeps its releases
    first = releases.publish(changed_copy(store, tmp_path / "older.gpkg"), root, progress=lambda *_: None)
    kept = {p: digest(p) for p in root.rglob("*") if p.is_file() and p.name != releases.LOCK}
    client = create_app({"STORE": store, "RELEASES": root, "TESTING": True}).test_client()
    pinned = f"/v/{first.number}/collections/places/items/narynkol?f=json"
    points = {
        "reading the sources": KILL_POINTS["reading the sources"],
        "the release being written": lambda out, tmp, lines: any(root.glob(releases.NEW + "*")),
    }
    for name, point in points.items():
        process = start_build(store)
        assert kill_when(process, store, point), f"the build ended before {name}"
        assert {p: digest(p) for p in kept} == kept, f"killed at {name}: a release changed"
        assert [r.number for r in releases.Directory(root).all()] == [first.number], name
        answer = client.get(pinned)
        assert answer.status_code == 200 and answer.json["properties"]["modern_name"] == "Narynkol (renamed)"
    finished = run_build(store)
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert not list(root.glob(releases.NEW + "*"))
    numbers = [r.number for r in releases.Directory(root).all()]
    assert len(numbers) == 2 and numbers[0] == first.number
    assert {p: digest(p) for p in kept if p.name != releases.LATEST} == {
        p: h for p, h in kept.items() if p.name != releases.LATEST
    }
    assert client.get(pinned).json["properties"]["modern_name"] == "Narynkol (renamed)"
    assert (
        client.get(f"/v/{numbers[1]}/collections/places/items/narynkol?f=json").json["properties"]["modern_name"]
        == "Narynkol"
    )

"""Storage and serving: SQL queries give what a row-by-row filter gives, on both engines; ETag/304; PostGIS loads."""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import psycopg
import pytest
from shapely.geometry import box

from layers.dates import overlaps
from store import Database, as_text, load, pg_releases
from store.pg_load import APPLICATION
from store.postgis import open_latest

ROOT = Path(__file__).resolve().parents[2]
BBOXES = [(80, 42, 82, 45), (85, 43, 86, 44), (78, 40, 90, 51), (80.38, 44.2, 80.5, 44.3), (70, 30, 71, 31)]
PERIODS = [(date(1930, 1, 1), date(1930, 12, 31)), (None, date(1925, 1, 1)), (date(1935, 1, 1), None)]


def reference(frame, period=None, bbox=None, equals=None):
    """The ids a row-by-row filter keeps (the store before it queried in SQL)."""
    keep = []
    for row in frame.to_dict("records"):
        if any(as_text(row[c]) != v for c, v in (equals or {}).items()):
            continue
        if period is not None and not overlaps(row["start"], row["end"], *period):
            continue
        geometry = row["geometry"]
        if bbox is not None and (geometry is None or not geometry.intersects(box(*bbox))):
            continue
        keep.append(row["id"])
    return keep


def test_the_reference_can_fail(layers):
    frame = layers["places"]
    assert reference(frame, bbox=(78, 40, 90, 51)) != list(frame["id"])  # the unlocated places are left out


@pytest.mark.parametrize("cid", ["zones", "places", "incidents", "migration", "areas", "outposts"])
def test_sql_query_matches_a_row_by_row_filter(store, cid):
    frame = store.frame(cid)
    precisions = [as_text(v) for v in frame["precision_m"] if v is not None]
    equals = [None, {"name": frame["name"].iloc[0]}] + [{"precision_m": v} for v in precisions[-1:]]
    for period, bbox, eq in itertools.product([None, *PERIODS], [None, *BBOXES], equals):
        want = reference(frame, period, bbox, eq)
        page, matched = store.query(cid, period=period, bbox=bbox, equals=eq)
        assert list(page["id"]) == want and matched == len(want), (period, bbox, eq)
        texts, matched = store.items(cid, period=period, bbox=bbox, equals=eq, limit=2, offset=1)
        assert matched == len(want) and len(texts) == len(want[1:3])


def test_a_bbox_never_returns_unlocated_features(client):
    body = client.get("/collections/places/items?bbox=-180,-90,180,90&limit=1000").get_json()
    everything = client.get("/collections/places/items?limit=1000").get_json()
    assert all(f["geometry"] is not None for f in body["features"])
    assert body["numberMatched"] < everything["numberMatched"]


@pytest.mark.parametrize(
    ("query", "matches"),
    [
        ("precision_m=250000", True),
        ("precision_m=250000.0", False),
        ("precision_m=2.5e5", False),
        ("located=true", True),
        ("located=True", False),
    ],
)
def test_equality_compares_values_as_text(client, query, matches):
    body = client.get(f"/collections/places/items?{query}").get_json()
    assert (body["numberMatched"] > 0) == matches


def test_etag_and_not_modified(client, store):
    first = client.get("/collections/incidents/items?datetime=1930")
    assert first.status_code == 200 and store.version in first.headers["ETag"]
    assert "max-age" in first.headers["Cache-Control"] and "Accept" in first.headers["Vary"]
    again = client.get("/collections/incidents/items?datetime=1930", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    other = client.get("/collections/incidents/items?datetime=1931", headers={"If-None-Match": first.headers["ETag"]})
    assert other.status_code == 200  # another query has another ETag
    html = client.get("/collections/incidents/items?datetime=1930", headers={"Accept": "text/html"})
    assert html.headers["ETag"] != first.headers["ETag"]


@pytest.mark.parametrize("url", ["/collections", "/collections/zones/download?format=geojson", "/quality"])
def test_build_derived_answers_carry_cache_headers(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response.headers["ETag"].startswith('W/"')
    assert response.headers["Cache-Control"] == "public, max-age=60"


def test_a_page_with_a_csp_nonce_is_not_cached(client):
    """A 304 would pair the cached map page with a new nonce in its CSP header: its scripts would be refused."""
    first = client.get("/map")
    nonce = first.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in first.get_data(as_text=True)
    assert first.headers["Cache-Control"] == "no-store" and "ETag" not in first.headers
    again = client.get("/map", headers={"If-None-Match": "*"})
    assert again.status_code == 200
    assert again.headers["Content-Security-Policy"] != first.headers["Content-Security-Policy"]


def test_errors_are_not_cached(client):
    response = client.get("/collections/zones/items?limit=-1")
    assert response.status_code == 400 and "ETag" not in response.headers
    assert response.get_json()["parameter"] == "limit"


# ---------------------------------------------------------------------------------------------------- PostGIS loads


@pytest.fixture()
def other_build(built, tmp_path):
    """A copy of the session's build with one more metadata row: the same atlas, another data version."""
    path = tmp_path / "other.gpkg"
    shutil.copy(built[0], path)
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO _meta (key, value) VALUES ('test_marker', '\"other\"')")
    return path


def _served_version(url: str) -> str:
    store = open_latest(Database(url))
    assert store.query("zones", period=(date(1930, 1, 1), date(1930, 12, 31)))[1] > 0  # it answers queries
    return store.version


def _wait_for_lock_wait(url: str, timeout: float = 60) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for _ in range(int(timeout / 0.1)):
            row = conn.execute(
                "SELECT wait_event_type FROM pg_stat_activity WHERE application_name = %s", (APPLICATION,)
            ).fetchone()
            if row and row[0] == "Lock":
                return
            time.sleep(0.1)
    pytest.fail("the loader never reached its switch")


def _every_release(url: str) -> list[tuple[str, str, int]]:
    """(number, schema, zones in it) of every release PostGIS holds: each must still answer."""
    with psycopg.connect(url, autocommit=True) as conn:
        found = pg_releases.read_all(conn)
        return [
            (r.number, r.where, conn.execute(f'SELECT count(*) FROM "{r.where}"."zones"').fetchone()[0]) for r in found
        ]  # noqa: S608


def test_a_load_killed_halfway_leaves_the_old_atlas_serving(postgis, other_build):
    before, kept = _served_version(postgis), _every_release(postgis)
    env = {**os.environ, "BORDER_ATLAS_DATABASE": postgis}
    command = [sys.executable, "-m", "store.pg_admin", "load", "--gpkg", str(other_build)]
    with psycopg.connect(postgis) as reader:  # a reader holding the atlas: the switch waits for it
        reader.execute('SELECT count(*) FROM atlas."zones"').fetchone()
        loader = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            _wait_for_lock_wait(postgis)  # loaded, renaming schemas, not committed
            loader.send_signal(signal.SIGKILL)
            loader.wait(timeout=30)
        finally:
            if loader.poll() is None:
                loader.kill()
        reader.rollback()
    assert loader.returncode == -signal.SIGKILL
    assert _served_version(postgis) == before and _every_release(postgis) == kept and kept


def test_a_failed_load_leaves_the_old_atlas_serving(postgis, tmp_path):
    before = _served_version(postgis)
    broken = tmp_path / "broken.gpkg"
    broken.write_bytes(b"not a GeoPackage")
    result = subprocess.run(
        [sys.executable, "-m", "store.pg_admin", "load", "--gpkg", str(broken), "--database", postgis],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1 and "load failed" in result.stderr
    assert _served_version(postgis) == before


def test_a_complete_load_is_switched_in(postgis, built, other_build):
    before = _served_version(postgis)
    try:
        assert load(other_build, postgis, progress=lambda *_: None) == _served_version(postgis) != before
    finally:
        load(built[0], postgis, progress=lambda *_: None)
    assert _served_version(postgis) == before


RACE = """
import sys, threading
from store import GeoPackageStore

for _ in range(10):  # a fresh store each time: its geometries not yet prepared
    store = GeoPackageStore(sys.argv[1])
    store.frame("zones"), store.frame("areas")
    barrier = threading.Barrier(16)

    def query(i):
        barrier.wait()
        for _ in range(5):
            store.items("zones" if i % 2 else "areas", bbox=(79 + i * 0.1, 42, 84, 47))

    threads = [threading.Thread(target=query, args=(i,)) for i in range(16)]
    [t.start() for t in threads]
    [t.join() for t in threads]
"""


def test_concurrent_first_bbox_queries_on_lines_and_polygons_do_not_crash(built):
    """GEOS prepares geometries in place: two threads preparing the same ones at once crashed gunicorn workers
    (SIGSEGV, in a process of its own here)."""
    command = [sys.executable, "-c", RACE, str(built[0])]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr.decode()[-2000:]

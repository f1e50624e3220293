"""Releases in PostGIS: each load a release in a schema of its own, made the latest in one transaction and heard by
every app's listener; pinned URLs served from the release's schema; one round trip to the database per request."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

from store import load, pg_releases
from store.postgis import CATALOGUE, SCHEMA, Database
from tests import pgcluster
from tests.web.test_releases import ITEM, PUBLIC, rebuilt  # noqa: F401 - the fixture, reused
from webapp import create_app

ROOT = Path(__file__).resolve().parents[2]
quiet = lambda *_: None  # noqa: E731


@pytest.fixture(scope="module")
def loaded(rebuilt):  # noqa: F811
    """(database URL, app on it, first, second): a cluster of its own holding both GeoPackage releases of `rebuilt`,
    loaded one after the other with their numbers."""
    app, first, second = rebuilt
    kept = app.config["RELEASES"]
    if pgcluster.binaries() is None:
        pytest.fail(f"PostgreSQL is not installed: {pgcluster.INSTALL_HINT}")
    with pgcluster.cluster() as url:
        load(first.where, url, quiet, kept=kept)
        load(app.config["STORE"], url, quiet, kept=kept)
        served = create_app({"STORE": app.config["STORE"], "DATABASE": url, "PUBLIC_URL": PUBLIC, "TESTING": True})
        yield url, served, first, second


def _catalogue(url: str) -> tuple[list, str | None]:
    with psycopg.connect(url, autocommit=True) as conn:
        return pg_releases.read_all(conn), pg_releases.latest_number(conn)


def _wait_for(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the app never saw the new latest release"
        time.sleep(0.05)


def test_each_load_is_a_release_in_a_schema_of_its_own(loaded):
    url, _app, first, second = loaded
    found, latest = _catalogue(url)
    assert [r.number for r in found] == [first.number, second.number] and latest == second.number
    assert [r.where for r in found] == [pg_releases.schema_of(first.number), pg_releases.schema_of(second.number)]
    (changed,) = found[1].manifest["changes"]["layers"]["places"]["changed"]
    assert changed["id"] == "narynkol" and changed["fields"]["name"] == ["Narynkol", "Narynkol-Sumbe"]
    with psycopg.connect(url) as conn:  # the stable schema: views of the latest release
        name = conn.execute(f"SELECT name FROM {SCHEMA}.places WHERE id = 'narynkol'").fetchone()[0]  # noqa: S608
        old = conn.execute(f'SELECT name FROM "{found[0].where}".places WHERE id = %s', ("narynkol",)).fetchone()[0]  # noqa: S608
    assert (name, old) == ("Narynkol-Sumbe", "Narynkol")


def test_pinned_urls_answer_from_the_release_schema_and_plain_ones_from_the_latest(loaded):
    _url, app, first, second = loaded
    client = app.test_client()
    assert client.get(f"/v/{first.number}{ITEM}?f=json").json["properties"]["name"] == "Narynkol"
    answer = client.get(f"{ITEM}?f=json")
    assert answer.json["properties"]["name"] == "Narynkol-Sumbe" and answer.headers["X-Data-Version"] == second.version
    listed = client.get("/releases?f=json").json["releases"]
    assert [r["number"] for r in listed] == [second.number, first.number]
    banner = client.get(f"/v/{first.number}/quality?f=html").get_data(as_text=True)
    assert f"the latest is {second.number}" in banner
    assert f'"citeUrl": "{PUBLIC}/v/{second.number}/map"' in client.get("/map").get_data(as_text=True)


def test_content_already_latest_makes_no_release(loaded):
    url, app, _first, second = loaded
    assert load(app.config["STORE"], url, quiet) == second.version
    assert [r.number for r in _catalogue(url)[0]][-1] == second.number and len(_catalogue(url)[0]) == 2


def _statements_per_request(client, path: str, headers=None) -> int:
    """How many statements this thread sends to PostgreSQL while answering `path`."""
    sent, this = [], threading.get_ident()
    original = psycopg.Cursor.execute

    def counting(cursor, *args, **kwargs):
        if threading.get_ident() == this:
            sent.append(args[0])
        return original(cursor, *args, **kwargs)

    psycopg.Cursor.execute = counting
    try:
        assert client.get(path, headers=headers or {}).status_code in (200, 304)
    finally:
        psycopg.Cursor.execute = original
    return len(sent)


def test_a_request_is_one_round_trip(loaded):
    _url, app, _first, _second = loaded
    client = app.test_client()
    client.get(f"{ITEM}?f=json")  # the store's catalogue and metadata are read once, by the first request
    client.get("/collections/incidents/items?f=json&limit=5")
    database = app.extensions["atlas_database"]  # made by the first request
    _wait_for(database.listening)
    assert _statements_per_request(client, f"{ITEM}?f=json") == 1
    assert _statements_per_request(client, "/collections/incidents/items?f=json&limit=5") == 1
    tag = client.get(f"{ITEM}?f=json").headers["ETag"]
    assert _statements_per_request(client, f"{ITEM}?f=json", {"If-None-Match": tag}) == 0


def test_a_new_latest_is_heard_even_after_the_listener_lost_its_connection(loaded, tmp_path):
    url, app, first, second = loaded
    client = app.test_client()
    database: Database = app.extensions["atlas_database"]
    _wait_for(database.listening)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'border-atlas-listen'"
        )
    assert client.get(f"{ITEM}?f=json").json["properties"]["name"] == "Narynkol-Sumbe"  # read directly meanwhile
    try:
        load(first.where, url, quiet)  # the first release's content again: a third release, the latest
        _wait_for(lambda: client.get(f"{ITEM}?f=json").json["properties"]["name"] == "Narynkol")
        assert database.listening()
    finally:
        load(app.config["STORE"], url, quiet)  # and the second's again: a fourth
    _wait_for(lambda: client.get(f"{ITEM}?f=json").json["properties"]["name"] == "Narynkol-Sumbe")


def test_prune_lists_then_drops_schemas_and_pinned_urls_say_gone(loaded):
    url, app, first, _second = loaded
    command = [sys.executable, "-m", "store.pg_admin", "prune", "--keep", "1", "--database", url]
    dry = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert f"would remove {first.number}" in dry and "nothing removed" in dry
    assert _catalogue(url)[0][0].pruned is None
    done = subprocess.run([*command, "--yes"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert f"removing {first.number}" in done
    found, latest = _catalogue(url)
    assert found[0].pruned and latest == found[-1].number
    with psycopg.connect(url) as conn:
        schemas = {r[0] for r in conn.execute("SELECT nspname FROM pg_namespace")}
    assert first.where not in schemas and found[-1].where in schemas
    _wait_for(lambda: app.test_client().get(f"/v/{first.number}{ITEM}?f=json").status_code == 410)
    listing = subprocess.run(
        [sys.executable, "-m", "store.pg_admin", "list", "--database", url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"{found[-1].number} (latest)" in listing and "pruned" in listing


def test_the_catalogue_is_beside_the_release_schemas(loaded):
    url, *_ = loaded
    with psycopg.connect(url) as conn:
        tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", (CATALOGUE,))}
    assert tables == {"release", "latest"}


def test_an_app_started_before_the_first_load_says_so_then_serves_it(built):
    with pgcluster.cluster() as url:
        client = create_app({"STORE": built[0], "DATABASE": url, "TESTING": True}).test_client()
        empty = client.get(f"{ITEM}?f=json")
        assert empty.status_code == 404 and "make postgis" in empty.get_data(as_text=True)
        load(built[0], url, quiet)
        _wait_for(lambda: client.get(f"{ITEM}?f=json").status_code == 200)
        assert client.application.extensions["atlas_database"].listening()

"""The contributions store on both engines: submissions, accounts, and a history that only grows."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest

from contrib.store import ContributionStore, StoreError


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        return ContributionStore(tmp_path / "c.sqlite")
    url = request.getfixturevalue("postgis")
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("DROP SCHEMA IF EXISTS contributions CASCADE")
    return ContributionStore(url)


def test_a_submission_keeps_its_file_and_state(store):
    store.create("ogpu", "incidents", file_name="ogpu.csv", data=b"id\r\nx\r\n", contributor="h")
    store.update("ogpu", status="checked", choices={"2:location.place": {"choice": "place:bakhty"}})
    sub = store.get("ogpu")
    assert (sub["status"], sub["choices"], store.file("ogpu")) == (
        "checked", {"2:location.place": {"choice": "place:bakhty"}}, b"id\r\nx\r\n")  # fmt: skip
    with pytest.raises(StoreError, match="there is already a submission 'ogpu'"):
        store.create("ogpu", "incidents", file_name="ogpu.csv", data=b"", contributor="h")


def test_the_history_is_append_only(store):
    store.log("h", "import", "ogpu", {"rows": 2}, file_name="ogpu.csv")
    store.log("r", "accept", "ogpu", why="sources checked")
    assert [(h["who"], h["action"], h["why"]) for h in store.history()] == [
        ("h", "import", None), ("r", "accept", "sources checked")]  # fmt: skip
    errors = (sqlite3.DatabaseError, psycopg.Error)
    for sql in ("UPDATE {p}history SET who = 'x'", "DELETE FROM {p}history"):
        with pytest.raises(errors, match="the history is append-only"):
            store._run(sql)  # noqa: SLF001 - proving the guard
    assert len(store.history()) == 2

"""The contributions store on both engines: submissions, accounts, and a history that only grows."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest

from contrib.store import ContributionStore, StoreError, milliseconds


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


def test_a_name_taken_by_another_process_at_that_moment_is_refused_cleanly(store, monkeypatch):
    """Two imports asking for one name at once: the second is told the name is taken (not a database error), even
    when the name was free when it looked."""
    store.create("ogpu", "incidents", file_name="ogpu.csv", data=b"first", contributor="h")
    monkeypatch.setattr(ContributionStore, "get", lambda self, name: None)  # it looked before the other one wrote
    with pytest.raises(StoreError, match="there is already a submission 'ogpu'"):
        store.create("ogpu", "incidents", file_name="other.csv", data=b"second", contributor="k")
    monkeypatch.undo()
    assert (store.get("ogpu")["contributor"], store.file("ogpu")) == ("h", b"first")


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


# Statements that would rewrite the history: each engine's own (SQLite's REPLACE deletes the row it replaces without
# firing a DELETE trigger; PostgreSQL's TRUNCATE fires none either), and an upsert's UPDATE in both.
REWRITES = {
    "sqlite": [
        "INSERT OR REPLACE INTO history (id, at, who, action) VALUES (1, 'now', 'x', 'forged')",
        "REPLACE INTO history (id, at, who, action) VALUES (1, 'now', 'x', 'forged')",
        "INSERT INTO history (id, at, who, action) VALUES (1, 'now', 'x', 'forged') "
        "ON CONFLICT (id) DO UPDATE SET who = 'x'",
    ],
    "postgresql": [
        "TRUNCATE contributions.history",
        "INSERT INTO contributions.history (id, at, who, action) VALUES (1, 'now', 'x', 'forged') "
        "ON CONFLICT (id) DO UPDATE SET who = 'x'",
    ],
}


def test_the_history_refuses_every_rewrite(store):
    store.log("h", "import", "ogpu", {"rows": 2}, file_name="ogpu.csv")
    store.log("r", "accept", "ogpu", why="sources checked")
    before = store.history()
    for sql in REWRITES["postgresql" if store.postgres else "sqlite"]:
        with pytest.raises((sqlite3.DatabaseError, psycopg.Error), match="the history is append-only"):
            store._run(sql)  # noqa: SLF001 - proving the guard
        assert store.history() == before, sql
    store.log("r", "publish")
    assert [h["action"] for h in store.history()] == ["import", "accept", "publish"]


def test_a_transaction_keeps_all_of_its_statements_or_none(store):
    with pytest.raises(RuntimeError), store.transaction():
        store.create("half", "incidents", file_name="half.csv", data=b"id\r\n", contributor="h", status="checked")
        store.log("h", "import", "half")
        raise RuntimeError("killed")
    assert store.get("half") is None and store.history("half") == []
    with store.transaction():
        store.create("whole", "incidents", file_name="whole.csv", data=b"id\r\n", contributor="h", status="checked")
        store.log("h", "import", "whole")
    assert store.get("whole")["status"] == "checked" and len(store.history("whole")) == 1


def test_a_store_made_before_the_publication_column_gets_it(tmp_path):
    """A SQLite store of an earlier version (no `publication` column) opens, and keeps where a publication is."""
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE submissions (name TEXT PRIMARY KEY, layer TEXT NOT NULL, file_name TEXT NOT NULL, "
                   "file_data BLOB NOT NULL, contributor TEXT NOT NULL, status TEXT NOT NULL, kind TEXT NOT NULL, "
                   "choices TEXT NOT NULL, report TEXT, records TEXT, created TEXT NOT NULL, "
                   "updated TEXT NOT NULL)")  # fmt: skip
        db.execute("INSERT INTO submissions VALUES ('old', 'incidents', 'old.csv', x'00', 'h', 'accepted', 'file', "
                   "'{}', NULL, NULL, 'then', 'then')")  # fmt: skip
    store = ContributionStore(path)
    assert store.get("old")["publication"] is None
    store.update("old", publication={"state": "published", "release": "2026.12.7-1"})
    assert store.get("old")["publication"]["release"] == "2026.12.7-1"


def test_sessions_and_sign_in_attempts_are_kept_in_either_engine(store):
    """What every worker of the app shares: the open sessions (one ends for good when closed) and the attempts the
    sign-in throttle counts."""
    first, second = store.open_session("con"), store.open_session("con")
    assert first != second and store.session_account(first) == store.session_account(second) == "con"
    store.close_session(first)
    assert store.session_account(first) is None and store.session_account(second) == "con"
    since = milliseconds() - 1000
    failed = store.attempt("192.0.2.1", "con", trusted=False)
    store.succeeded(store.attempt("192.0.2.2", "con", trusted=True))
    assert failed > 0
    assert [(a["address"], a["trusted"], a["ok"]) for a in store.attempts(since)] == [
        ("192.0.2.1", 0, 0), ("192.0.2.2", 1, 1)]  # fmt: skip


def test_a_secret_is_made_once_and_the_same_for_every_process(store):
    """The key sessions are signed with on a deployment without BORDER_ATLAS_SECRET_KEY: every worker, and the app
    after a restart, read the one kept in the store (sign-ins carry across them)."""
    from contrib.store import ContributionStore
    from webapp.contribute.web import _secret_key

    first = store.secret("session key")
    assert len(first) == 64 and ContributionStore(store.url).secret("session key") == first
    assert _secret_key(store) == _secret_key(ContributionStore(store.url))

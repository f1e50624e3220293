"""The contributions store: accounts, submissions and their append-only history.

SQLite beside the build by default (data/contributions/contributions.sqlite, kept by `make clean`), or
tables in the schema `contributions` of the PostgreSQL database at BORDER_ATLAS_DATABASE. One SQL
template with `?` placeholders, two small dialects, values always bound. The history table refuses
every rewrite (UPDATE, DELETE, a replacing INSERT, TRUNCATE: triggers in either engine): every action is a new
row (who, when, what, why, which file). Several statements can be made one transaction (`transaction`): all
of them are kept, or none. Also kept here: the signed-in sessions (server-side: signing out ends one) and the
recent sign-in attempts the throttle counts (contrib.throttle), shared by every worker of the app.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sqlite3
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQLITE = ROOT / "data" / "contributions" / "contributions.sqlite"
SCHEMA = "contributions"
TABLES = """
CREATE TABLE IF NOT EXISTS {p}users (name TEXT PRIMARY KEY, role TEXT NOT NULL, password TEXT NOT NULL,
    created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS {p}submissions (name TEXT PRIMARY KEY, layer TEXT NOT NULL, file_name TEXT NOT NULL,
    file_data {blob} NOT NULL, contributor TEXT NOT NULL, status TEXT NOT NULL, kind TEXT NOT NULL,
    choices TEXT NOT NULL, report TEXT, records TEXT, created TEXT NOT NULL, updated TEXT NOT NULL, publication TEXT);
CREATE TABLE IF NOT EXISTS {p}history (id {serial}, at TEXT NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL,
    submission TEXT, file_name TEXT, what TEXT, why TEXT);
CREATE TABLE IF NOT EXISTS {p}versions (submission TEXT NOT NULL, version INTEGER NOT NULL, file_name TEXT NOT NULL,
    file_data {blob} NOT NULL, at TEXT NOT NULL, PRIMARY KEY (submission, version));
CREATE TABLE IF NOT EXISTS {p}secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS {p}sessions (id TEXT PRIMARY KEY, account TEXT NOT NULL, created {ms} NOT NULL);
CREATE TABLE IF NOT EXISTS {p}sign_ins (id {serial}, at {ms} NOT NULL, address TEXT NOT NULL, account TEXT NOT NULL,
    trusted INTEGER NOT NULL, ok INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS sign_ins_at ON {p}sign_ins (at);
"""
# Columns added since a store was first made: added to an older store when it is opened.
ADDED = {"submissions": {"publication": "TEXT"}}
# The history refuses UPDATE and DELETE, and an INSERT that would replace a row (INSERT OR REPLACE and REPLACE INTO
# delete the old row without firing a DELETE trigger); PostgreSQL's TRUNCATE too (it fires no DELETE trigger either).
SQLITE_GUARD = """
CREATE TRIGGER IF NOT EXISTS history_no_update BEFORE UPDATE ON history
BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;
CREATE TRIGGER IF NOT EXISTS history_no_delete BEFORE DELETE ON history
BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;
CREATE TRIGGER IF NOT EXISTS history_no_replace BEFORE INSERT ON history
WHEN EXISTS (SELECT 1 FROM history WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;
"""
POSTGRES_GUARD = """
CREATE OR REPLACE FUNCTION {s}.append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'the history is append-only'; END; $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS history_append_only ON {s}.history;
CREATE TRIGGER history_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {s}.history
FOR EACH STATEMENT EXECUTE FUNCTION {s}.append_only();
"""
SUBMISSION_FIELDS = ("name", "layer", "file_name", "contributor", "status", "kind", "choices", "report", "records",
                     "created", "updated", "publication")  # fmt: skip
JSON_FIELDS = ("choices", "report", "records", "publication")
SESSION_DAYS = 14  # a session ends on signing out, or this long after signing in


class StoreError(ValueError):
    """A request of the store that cannot be met (an unknown submission, a name taken)."""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def milliseconds() -> int:
    return int(time.time() * 1000)


class ContributionStore:
    """Accounts, submissions and history, in SQLite or PostgreSQL (chosen by `url`)."""

    def __init__(self, url: str | Path | None = None):
        self.url = str(url or SQLITE)
        self.postgres = self.url.startswith(("postgresql://", "postgres://"))
        self.prefix = f"{SCHEMA}." if self.postgres else ""
        self._ready = False
        self._local = threading.local()  # the connection of a transaction under way, per thread

    # -- the engine -----------------------------------------------------------------------------------

    @contextmanager
    def _db(self):
        if self.postgres:
            import psycopg

            with psycopg.connect(self.url) as db:
                yield db
            return
        Path(self.url).parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.url, timeout=30)
        try:
            with db:
                yield db
        finally:
            db.close()

    @contextmanager
    def transaction(self):
        """Every statement made inside is one transaction: kept together when the block ends, or none of them (an
        exception, or the process killed)."""
        self._create()
        if getattr(self._local, "db", None) is not None:
            yield self
            return
        with self._db() as db:
            if not self.postgres:
                db.execute("BEGIN IMMEDIATE")  # the write lock now: no other writer between our reads and writes
            self._local.db = db
            try:
                yield self
            finally:
                self._local.db = None

    def _sql(self, sql: str) -> str:
        sql = sql.replace("{p}", self.prefix)
        return re.sub(r"\?", "%s", sql) if self.postgres else sql

    def _run(self, sql: str, params: tuple = ()) -> list[tuple]:
        self._create()
        held = getattr(self._local, "db", None)
        if held is not None:
            cursor = held.execute(self._sql(sql), params)
            return cursor.fetchall() if cursor.description else []
        with self._db() as db:
            cursor = db.execute(self._sql(sql), params)
            return cursor.fetchall() if cursor.description else []

    def _create(self) -> None:
        if self._ready:
            return
        with self._db() as db:
            if self.postgres:
                db.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
            serial = "BIGSERIAL PRIMARY KEY" if self.postgres else "INTEGER PRIMARY KEY AUTOINCREMENT"
            dialect = {"blob": "BYTEA" if self.postgres else "BLOB", "serial": serial, "ms": "BIGINT"}
            for statement in TABLES.format(p=self.prefix, **dialect).split(";"):
                if statement.strip():
                    db.execute(statement)
            self._add_columns(db)
            if self.postgres:
                db.execute(POSTGRES_GUARD.format(s=SCHEMA))
            else:
                db.executescript(SQLITE_GUARD)
        self._ready = True

    def _add_columns(self, db) -> None:
        """The columns a store made before they were added (ADDED)."""
        for table, columns in ADDED.items():
            for column, kind in columns.items():
                if self.postgres:
                    db.execute(f"ALTER TABLE {SCHEMA}.{table} ADD COLUMN IF NOT EXISTS {column} {kind}")
                elif column not in {row[1] for row in db.execute(f"PRAGMA table_info({table})")}:
                    try:
                        db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
                    except sqlite3.OperationalError as exc:  # another process added it meanwhile
                        if "duplicate column" not in str(exc):
                            raise

    # -- accounts -------------------------------------------------------------------------------------

    def add_user(self, name: str, role: str, password_hash: str) -> None:
        if self.user(name) is not None:
            raise StoreError(f"there is already a user {name!r}")
        self._run("INSERT INTO {p}users (name, role, password, created) VALUES (?, ?, ?, ?)",
                  (name, role, password_hash, now()))  # fmt: skip

    def user(self, name: str) -> dict | None:
        rows = self._run("SELECT name, role, password FROM {p}users WHERE name = ?", (name,))
        return dict(zip(("name", "role", "password"), rows[0], strict=True)) if rows else None

    def has_users(self) -> bool:
        return bool(self._run("SELECT 1 FROM {p}users LIMIT 1"))

    def configured_users(self) -> bool:
        """Does the store exist and hold an account? (Creates nothing: a read-only deployment stays so.)"""
        if not self.postgres and not Path(self.url).exists():
            return False
        errors: tuple = (sqlite3.Error, OSError)
        if self.postgres:
            import psycopg

            errors += (psycopg.Error,)
        try:
            with self._db() as db:
                probe = "SELECT to_regclass('contributions.users')" if self.postgres else (
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'users'")  # fmt: skip
                if db.execute(probe).fetchone()[0] is None:
                    return False
            return self.has_users()
        except errors:
            return False

    def secret(self, name: str) -> str:
        """A secret made once and kept in the store (the key sessions are signed with, on PostgreSQL: the same for
        every worker and after every restart)."""
        self._run("INSERT INTO {p}secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                  (name, secrets.token_hex(32)))  # fmt: skip
        return self._run("SELECT value FROM {p}secrets WHERE name = ?", (name,))[0][0]

    # -- sessions and sign-in attempts ----------------------------------------------------------------

    def open_session(self, account: str) -> str:
        """A new session of `account` (its id goes in the session cookie); sessions past their time are removed."""
        ident = secrets.token_urlsafe(32)
        stamp = milliseconds()
        self._run("DELETE FROM {p}sessions WHERE created < ?", (stamp - SESSION_DAYS * 86_400_000,))
        self._run("INSERT INTO {p}sessions (id, account, created) VALUES (?, ?, ?)", (ident, account, stamp))
        return ident

    def session_account(self, ident: str) -> str | None:
        """The account of a session still open, or None (signed out, too old, or never opened)."""
        since = milliseconds() - SESSION_DAYS * 86_400_000
        rows = self._run("SELECT account FROM {p}sessions WHERE id = ? AND created >= ?", (ident, since))
        return rows[0][0] if rows else None

    def close_session(self, ident: str) -> None:
        self._run("DELETE FROM {p}sessions WHERE id = ?", (ident,))

    def attempt(self, address: str, account: str, *, trusted: bool) -> int:
        """Note a sign-in attempt about to be checked (as failed until `succeeded`); returns its id."""
        stamp = milliseconds()
        self._run("DELETE FROM {p}sign_ins WHERE at < ?", (stamp - 86_400_000,))
        sql = "INSERT INTO {p}sign_ins (at, address, account, trusted, ok) VALUES (?, ?, ?, ?, 0) RETURNING id"
        return self._run(sql, (stamp, address, account, int(trusted)))[0][0]

    def succeeded(self, attempt: int) -> None:
        self._run("UPDATE {p}sign_ins SET ok = 1 WHERE id = ?", (attempt,))

    def attempts(self, since_ms: int) -> list[dict]:
        """The sign-in attempts since a time (milliseconds since the epoch), oldest first."""
        rows = self._run("SELECT at, address, account, trusted, ok FROM {p}sign_ins WHERE at >= ? ORDER BY at, id",
                         (since_ms,))  # fmt: skip
        return [dict(zip(("at", "address", "account", "trusted", "ok"), r, strict=True)) for r in rows]

    # -- submissions ----------------------------------------------------------------------------------

    def create(self, name: str, layer: str, *, file_name: str, data: bytes, contributor: str, kind: str = "file",
               **state) -> None:  # fmt: skip
        """A new submission holding its file (kind: file, or suggestion for a correction from a page), with its
        status (default imported), report and records when given."""
        stamp = now()
        status = state.get("status", "imported")
        report, records = (_json(state.get(k)) for k in ("report", "records"))
        made = self._run(
            "INSERT INTO {p}submissions (name, layer, file_name, file_data, contributor, status, kind, choices, "
            "report, records, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, '{}', ?, ?, ?, ?) "
            "ON CONFLICT (name) DO NOTHING RETURNING name",
            (name, layer, file_name, data, contributor, status, kind, report, records, stamp, stamp),
        )
        if not made:  # taken, even by a submission made a moment ago by another process
            raise StoreError(f"there is already a submission {name!r}; choose another name (--as NAME)")

    def get(self, name: str) -> dict | None:
        """A submission (without its file), its JSON fields decoded; None if there is none."""
        columns = ", ".join(SUBMISSION_FIELDS)
        rows = self._run(f"SELECT {columns} FROM {{p}}submissions WHERE name = ?", (name,))  # noqa: S608 - constant
        return _decoded(rows[0]) if rows else None

    def file(self, name: str) -> bytes:
        rows = self._run("SELECT file_data FROM {p}submissions WHERE name = ?", (name,))
        if not rows:
            raise StoreError(f"no submission {name!r}")
        return bytes(rows[0][0])

    def submissions(self, status: str | None = None, contributor: str | None = None) -> list[dict]:
        """Submissions, newest first, optionally of one status or one contributor."""
        columns = ", ".join(SUBMISSION_FIELDS)
        rows = self._run(f"SELECT {columns} FROM {{p}}submissions ORDER BY created DESC, name")  # noqa: S608
        found = [_decoded(r) for r in rows]
        return [s for s in found if status in (None, s["status"]) and contributor in (None, s["contributor"])]

    def update(self, name: str, **fields) -> None:
        """Set a submission's status, choices, report, records or publication."""
        allowed = {"status", "choices", "report", "records", "publication"}
        if not fields.keys() <= allowed:
            raise StoreError(f"cannot set {sorted(fields.keys() - allowed)}; allowed: {sorted(allowed)}")
        values = [_json(v) if k in JSON_FIELDS else v for k, v in fields.items()]
        sets = ", ".join(f"{k} = ?" for k in fields)
        self._run(f"UPDATE {{p}}submissions SET {sets}, updated = ? WHERE name = ?", (*values, now(), name))  # noqa: S608

    def replace_file(self, name: str, file_name: str, data: bytes) -> int:
        """A submission's new file: the one it held is kept among its earlier versions. Returns the new version's
        number (the first file is version 1)."""
        with self.transaction():
            kept = self._run("SELECT COUNT(*) FROM {p}versions WHERE submission = ?", (name,))[0][0]
            self._run("INSERT INTO {p}versions (submission, version, file_name, file_data, at) SELECT name, ?, "
                      "file_name, file_data, updated FROM {p}submissions WHERE name = ?", (kept + 1, name))  # fmt: skip
            self._run("UPDATE {p}submissions SET file_name = ?, file_data = ?, updated = ? WHERE name = ?",
                      (file_name, data, now(), name))  # fmt: skip
        return kept + 2

    def versions(self, name: str) -> list[dict]:
        """A submission's earlier files, oldest first: {version, file_name, at}."""
        sql = "SELECT version, file_name, at FROM {p}versions WHERE submission = ? ORDER BY version"
        rows = self._run(sql, (name,))
        return [dict(zip(("version", "file_name", "at"), r, strict=True)) for r in rows]

    # -- history --------------------------------------------------------------------------------------

    def log(self, who: str, action: str, submission: str | None = None, what=None, *, why: str | None = None,
            file_name: str | None = None) -> None:  # fmt: skip
        """Append one action to the history."""
        text = None if what is None else json.dumps(what, ensure_ascii=False)
        sql = "INSERT INTO {p}history (at, who, action, submission, file_name, what, why) VALUES (?, ?, ?, ?, ?, ?, ?)"
        self._run(sql, (now(), who, action, submission, file_name, text, why))

    def history(self, submission: str | None = None) -> list[dict]:
        """Every action, oldest first (of one submission if given)."""
        rows = self._run("SELECT at, who, action, submission, file_name, what, why FROM {p}history ORDER BY id")
        keys = ("at", "who", "action", "submission", "file_name", "what", "why")
        out = [dict(zip(keys, r, strict=True)) for r in rows]
        return [h | {"what": json.loads(h["what"]) if h["what"] else None} for h in out
                if submission in (None, h["submission"])]  # fmt: skip


def _json(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _decoded(row: tuple) -> dict:
    out = dict(zip(SUBMISSION_FIELDS, row, strict=True))
    return out | {k: json.loads(out[k]) if out[k] else None for k in JSON_FIELDS}


def configured(database: str | None = None, path: str | Path | None = None) -> ContributionStore:
    """The store the configuration names: PostgreSQL at `database` (or BORDER_ATLAS_DATABASE), else SQLite at
    `path` (or BORDER_ATLAS_CONTRIBUTIONS, or data/contributions/contributions.sqlite)."""
    database = database or os.environ.get("BORDER_ATLAS_DATABASE")
    if database:
        return ContributionStore(database)
    return ContributionStore(path or os.environ.get("BORDER_ATLAS_CONTRIBUTIONS") or SQLITE)

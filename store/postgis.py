"""The PostGIS engine: the store's interface and SQL over PostgreSQL, each release in a schema of its own.

    python -m store.pg_admin load  [--gpkg data/build/atlas.gpkg] [--database postgresql://...]
    python -m store.pg_admin list  [--database ...]
    python -m store.pg_admin prune [--keep N] [--yes] [--database ...]

A load (store.pg_load) copies a GeoPackage build into a new schema `atlas_<release id>` beside the releases
loaded before and makes it the latest in one transaction: the release catalogue (`atlas_releases.release`,
one row per release with its manifest), the latest (`atlas_releases.latest`), the stable schema `atlas` (views
of the latest release's tables, for QGIS and other clients) and a notification on the channel `atlas_release`.

Every request is one round trip: a Database keeps the latest release known from a listening connection (a thread
of its own), so a query names its release's schema without asking first; while that connection is down, the
latest is read with each request instead.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg

from store.errors import NotFound
from store.sql import SqlStore
from store.tables import GEOMETRY, quote

SCHEMA = "atlas"  # views of the latest release's tables (for other clients; the app reads release schemas)
CATALOGUE = "atlas_releases"  # the releases loaded: .release (one row each) and .latest (one row)
PREFIX = "atlas_"  # a release's schema: atlas_<release id>
CHANNEL = "atlas_release"  # notified (in the switch's transaction) when the latest or the list changes
INFO = "_atlas"  # (key, value) in each release schema: the data version and where it came from
LISTEN_TIMEOUT = 30.0  # the listener re-reads the latest at least this often (a lost notification heals)
LATEST_SQL = f"SELECT r.schema, r.version, r.number FROM {CATALOGUE}.latest l JOIN {CATALOGUE}.release r USING (number)"  # noqa: S608
NO_ATLAS = "no atlas has been loaded into PostGIS yet: run `make postgis` (python -m store.pg_admin load)"


@dataclass(frozen=True)
class Latest:
    """The release served at the plain URLs: its schema, data version and number."""

    schema: str
    version: str
    number: str


def read_latest(conn: psycopg.Connection) -> Latest:
    """The latest release as the catalogue says; NotFound when nothing has been loaded yet."""
    try:
        row = conn.execute(LATEST_SQL).fetchone()
    except psycopg.errors.UndefinedTable:
        row = None
    if row is None:
        raise NotFound(NO_ATLAS)
    return Latest(*row)


class Database:
    """A PostgreSQL database at `url`: one autocommit connection per thread, reopened when broken, and the latest
    release kept up to date by a listening thread (started by the first `latest()`)."""

    def __init__(self, url: str):
        self.url = url
        self._local = threading.local()
        self._known: Latest | None = None  # the latest, while the listener is connected
        self._listener: tuple[int, threading.Thread] | None = None  # (process id, thread)
        self._start_lock = threading.Lock()
        self.generation = 0  # counts the catalogue's changes seen (a cache of it is stale when this moves)

    def connection(self) -> psycopg.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed or conn.broken:
            conn = self._local.conn = psycopg.connect(self.url, autocommit=True)
        return conn

    def rows(self, sql: str, params: dict) -> list[tuple]:
        """The rows of one statement (values bound by psycopg, never formatted into the text), in PostgreSQL's binary
        format (a bytea as its bytes, not in hex)."""
        with self.connection().cursor(binary=True) as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def stream(self, sql: str, params: dict, batch: int = 64) -> Iterator[tuple]:
        """The rows of one statement, fetched `batch` at a time through a server-side cursor on a connection of its
        own, in one transaction (one snapshot); the connection closes with it."""
        conn = psycopg.connect(self.url)
        try:
            cursor = conn.cursor(name="atlas_stream", binary=True)
            cursor.itersize = batch
            cursor.execute(sql, params)
        except BaseException:
            conn.close()
            raise
        return _Rows(conn, cursor)

    def latest(self) -> Latest:
        """The latest release: as the listener last saw it (no query), else read now (one small query)."""
        self._listen()
        known = self._known
        return known if known is not None else read_latest(self.connection())

    def version(self) -> str:
        """The data version of the latest release."""
        return self.latest().version

    def listening(self) -> bool:
        """Whether the latest is known without a query (the listener is connected in this process)."""
        return self._known is not None and self._listener is not None and self._listener[0] == os.getpid()

    def _listen(self) -> None:
        """Start the listener in this process (a fork does not inherit threads: the child starts its own)."""
        if self._listener is not None and self._listener[0] == os.getpid():
            return
        with self._start_lock:
            if self._listener is None or self._listener[0] != os.getpid():
                self._known = None
                thread = threading.Thread(target=self._watch, name="atlas-release-listener", daemon=True)
                self._listener = (os.getpid(), thread)
                thread.start()

    def _watch(self) -> None:
        """LISTEN, read the latest, and read it again on every notification (or every LISTEN_TIMEOUT s); on a lost
        connection, forget it (requests read it themselves) and reconnect a second later."""
        while True:
            try:
                with psycopg.connect(self.url, autocommit=True, application_name="border-atlas-listen") as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    while True:
                        self._seen(self._read(conn))
                        for _ in conn.notifies(timeout=LISTEN_TIMEOUT, stop_after=1):
                            pass
            except (psycopg.Error, OSError):
                self._known = None
                self.generation += 1
            time.sleep(1.0)

    @staticmethod
    def _read(conn: psycopg.Connection) -> Latest | None:
        """The latest, or None before the first load (the listener then waits for it, connected)."""
        try:
            return read_latest(conn)
        except NotFound:
            return None

    def _seen(self, latest: Latest | None) -> None:
        self._known = latest
        self.generation += 1


class _Rows:
    """The rows of a server-side cursor; its connection is closed at the end, or when the reader stops early."""

    def __init__(self, conn: psycopg.Connection, cursor):
        self._conn, self._rows = conn, iter(cursor)

    def __iter__(self) -> _Rows:
        return self

    def __next__(self) -> tuple:
        try:
            return next(self._rows)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self._conn.close()

    __del__ = close


class PostGISStore(SqlStore):
    """The store over PostGIS: the same queries as the GeoPackage's, bbox by ST_Intersects on a GiST index."""

    def __init__(self, database: Database, version: str, schema: str = SCHEMA):
        """The release in `schema` (by default the views of the latest) of `database`, with its data version."""
        super().__init__()
        self.database = database
        self.version = version
        self.schema = schema

    def _rows(self, sql: str, params: dict) -> list[tuple]:
        return self.database.rows(sql, params)

    def _stream(self, sql: str, params: dict) -> Iterator[tuple]:
        return self.database.stream(sql, params)

    def _param(self, name: str) -> str:
        return f"%({name})s"

    def _table(self, name: str) -> str:
        return f"{quote(self.schema)}.{quote(name)}"

    def _floor(self, expr: str) -> str:
        return f"CAST(floor({expr}) AS bigint)"

    def _utf8(self, expr: str) -> str:
        return f"convert_to({expr}, 'UTF8')"

    def _bbox_clause(self, collection: str) -> str:
        return f"ST_Intersects(t.{GEOMETRY}, ST_MakeEnvelope(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, 4326))"

    def _bbox_params(self, collection: str, bbox) -> dict:
        return {}

    def _read_table(self, table: str, columns: list[list[str]]) -> tuple[list, list, list]:
        names = "".join(f", {quote(name)}" for name, _ in columns)
        geometry = f"ST_AsBinary({GEOMETRY})" if self._catalog()["geometry"].get(table) else "NULL"
        rows = self._rows(f"SELECT fid, {geometry}{names} FROM {self._table(table)} ORDER BY fid", {})  # noqa: S608
        return [r[0] for r in rows], [None if r[1] is None else bytes(r[1]) for r in rows], [r[2:] for r in rows]


def open_latest(database: Database) -> PostGISStore:
    """The store of the latest release."""
    latest = database.latest()
    return PostGISStore(database, latest.version, latest.schema)

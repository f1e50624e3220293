"""The PostGIS engine: the store's interface and SQL over PostgreSQL, and the loader that fills it.

    python -m store.postgis load [--gpkg data/build/atlas.gpkg] [--database postgresql://...]

The loader copies every table of a GeoPackage build (layers, display copies, basemap, metadata, and the query
columns: period day numbers, envelopes, pre-encoded features) into a new schema, indexes it (GiST on the
geometry, B-tree on the period and the id) and then switches it in, in one transaction, by renaming schemas:
readers never see a half-loaded atlas, and a load that fails or is killed leaves the old one serving.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import psycopg
import shapely

from layers.errors import NotFound
from store.geopackage import GeoPackageStore
from store.sql import SqlStore
from store.tables import GEOMETRY, KINDS, META, gpkg_wkb, quote

SCHEMA = "atlas"  # the atlas readers query
LOADING = "atlas_loading"  # a load in progress (or one that failed before its switch)
RETIRED = "atlas_retired"  # the previous atlas, inside the switch transaction only
INFO = "_atlas"  # (key, value): the data version and where it came from
LOAD_LOCK = 0x41544C53  # advisory lock: one load at a time
APPLICATION = "border-atlas-load"
DEFAULT_GPKG = Path(__file__).resolve().parent.parent / "data" / "build" / "atlas.gpkg"
# Column kind (as the GeoPackage declares it) -> PostgreSQL type, and how a SQLite value is copied.
PG_TYPES = {"text": "text", "real": "double precision", "integer": "bigint", "boolean": "boolean"}
COPY_VALUE = {
    "text": lambda v: v,
    "real": lambda v: v,
    "integer": lambda v: v,
    "boolean": lambda v: None if v is None else bool(v),
}


class Database:
    """A PostgreSQL database at `url`: one autocommit connection per thread, reopened when broken."""

    def __init__(self, url: str):
        self.url = url
        self._local = threading.local()

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
        own, in one transaction (one snapshot; a load's switch waits for it); the connection closes with it."""
        conn = psycopg.connect(self.url)
        try:
            cursor = conn.cursor(name="atlas_stream", binary=True)
            cursor.itersize = batch
            cursor.execute(sql, params)
        except BaseException:
            conn.close()
            raise
        return _Rows(conn, cursor)

    def version(self) -> str:
        """The data version of the atlas being served (one small query)."""
        try:
            rows = self.rows(f"SELECT value FROM {SCHEMA}.{INFO} WHERE key = 'version'", {})  # noqa: S608
        except psycopg.errors.UndefinedTable:
            raise NotFound(
                "no atlas has been loaded into PostGIS yet: run `make postgis` (python -m store.postgis load)"
            ) from None
        return rows[0][0]


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

    def __init__(self, database: Database, version: str):
        super().__init__()
        self.database = database
        self.version = version

    def _rows(self, sql: str, params: dict) -> list[tuple]:
        return self.database.rows(sql, params)

    def _stream(self, sql: str, params: dict) -> Iterator[tuple]:
        return self.database.stream(sql, params)

    def _param(self, name: str) -> str:
        return f"%({name})s"

    def _table(self, name: str) -> str:
        return f"{SCHEMA}.{quote(name)}"

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


# ---------------------------------------------------------------------------------------------------- loading


def _gpkg_tables(db: sqlite3.Connection) -> list[tuple[str, list[list[str]], bool]]:
    """(table, [[column, kind]], has geometry) for every table of the GeoPackage's contents."""
    tables = []
    for (table,) in db.execute("SELECT table_name FROM gpkg_contents ORDER BY rowid"):
        info = db.execute("SELECT name, type FROM pragma_table_info(?)", (table,)).fetchall()
        columns = [[n, KINDS.get(t.upper(), "text")] for n, t in info if n not in ("fid", GEOMETRY)]
        tables.append((table, columns, any(n == GEOMETRY for n, _ in info)))
    return tables


def _ewkb(blobs: list) -> list:
    """GeoPackage geometry blobs as hex EWKB with SRID 4326, as COPY reads a PostGIS geometry."""
    geometries = shapely.from_wkb(np.array([gpkg_wkb(b) for b in blobs], dtype=object))
    geometries = shapely.set_srid(geometries, 4326)
    return list(shapely.to_wkb(geometries, hex=True, include_srid=True))


def _load_table(cursor, db: sqlite3.Connection, table: str, columns: list[list[str]], geometry: bool) -> int:
    """Create one table in the loading schema and COPY the GeoPackage rows into it; returns the row count."""
    target = f"{LOADING}.{quote(table)}"
    definitions = ["fid bigint PRIMARY KEY"] + ([f"{GEOMETRY} geometry(Geometry, 4326)"] if geometry else [])
    definitions += [f"{quote(name)} {PG_TYPES[kind]}" for name, kind in columns]
    cursor.execute(f"CREATE TABLE {target} ({', '.join(definitions)})")
    if any(name == "feature_json" for name, _ in columns):  # sent whole, never searched: kept uncompressed
        cursor.execute(f"ALTER TABLE {target} ALTER COLUMN feature_json SET STORAGE EXTERNAL")
    names = ["fid"] + ([GEOMETRY] if geometry else []) + [name for name, _ in columns]
    select = ", ".join(quote(n) for n in names)
    rows = db.execute(f"SELECT {select} FROM {quote(table)} ORDER BY fid").fetchall()  # noqa: S608 - catalog names
    shapes = _ewkb([r[1] for r in rows]) if geometry else []
    copy_values = [COPY_VALUE[kind] for _, kind in columns]
    start = 2 if geometry else 1
    with cursor.copy(f"COPY {target} ({', '.join(quote(n) for n in names)}) FROM STDIN") as copy:
        for i, row in enumerate(rows):
            values = [f(v) for f, v in zip(copy_values, row[start:], strict=True)]
            copy.write_row([row[0], *([shapes[i]] if geometry else []), *values])
    return len(rows)


def _index_table(cursor, table: str, columns: list[list[str]], geometry: bool) -> None:
    """GiST on the geometry; B-tree on the period and the id where the table has them."""
    target = f"{LOADING}.{quote(table)}"
    if geometry:
        cursor.execute(f"CREATE INDEX ON {target} USING GIST ({GEOMETRY})")
    for name in ("start_min", "end_max", "id"):
        if any(c[0] == name for c in columns):
            cursor.execute(f"CREATE INDEX ON {target} ({quote(name)})")
    cursor.execute(f"ANALYZE {target}")


def load(gpkg: Path, url: str, progress=print) -> str:
    """Load a GeoPackage build into PostGIS and switch it in; returns its data version."""
    gpkg = Path(gpkg)
    if not gpkg.exists():
        raise FileNotFoundError(f"no GeoPackage at {gpkg}: run `make data` first")
    version = GeoPackageStore(gpkg).version
    with (
        sqlite3.connect(f"file:{gpkg}?mode=ro", uri=True) as db,
        psycopg.connect(url, application_name=APPLICATION) as conn,
    ):
        tables = _gpkg_tables(db)
        if META not in [t for t, _, _ in tables]:
            raise ValueError(f"{gpkg} is not a Border Atlas build (no {META} table): run `make data`")
        conn.execute("SELECT pg_advisory_lock(%s)", (LOAD_LOCK,))
        with conn.transaction(), conn.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {LOADING} CASCADE")
            cursor.execute(f"CREATE SCHEMA {LOADING}")
            for table, columns, geometry in tables:
                progress(f"loading {table}")
                _load_table(cursor, db, table, columns, geometry)
                _index_table(cursor, table, columns, geometry)
            cursor.execute(f"CREATE TABLE {LOADING}.{INFO} (key text PRIMARY KEY, value text NOT NULL)")
            info = [("version", version), ("source", str(gpkg))]
            cursor.executemany(f"INSERT INTO {LOADING}.{INFO} VALUES (%s, %s)", info)  # noqa: S608 - constants
        progress(f"switching {SCHEMA} to version {version}")
        _switch(conn)
        conn.execute("SELECT pg_advisory_unlock(%s)", (LOAD_LOCK,))
    progress(f"PostGIS serves version {version}")
    return version


def _switch(conn: psycopg.Connection) -> None:
    """In one transaction: the old atlas out, the loaded one in under its name, the old one dropped."""
    with conn.transaction(), conn.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {RETIRED} CASCADE")
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (SCHEMA,))
        if cursor.fetchone():
            cursor.execute(f"ALTER SCHEMA {SCHEMA} RENAME TO {RETIRED}")
        cursor.execute(f"ALTER SCHEMA {LOADING} RENAME TO {SCHEMA}")
        cursor.execute(f"DROP SCHEMA IF EXISTS {RETIRED} CASCADE")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m store.postgis", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    loader = commands.add_parser("load", help="load a GeoPackage build into PostGIS and switch it in")
    loader.add_argument("--gpkg", type=Path, default=DEFAULT_GPKG, help="the build to load (default: %(default)s)")
    loader.add_argument(
        "--database",
        default=os.environ.get("BORDER_ATLAS_DATABASE"),
        help="postgresql://... (default: $BORDER_ATLAS_DATABASE)",
    )
    args = parser.parse_args(argv)
    if not args.database:
        parser.error("`--database` is missing: give postgresql://user@host:port/db or set BORDER_ATLAS_DATABASE")
    try:
        load(args.gpkg, args.database, progress=lambda text: print(text, flush=True))
    except (OSError, ValueError, sqlite3.Error, psycopg.Error) as exc:
        print(f"load failed: {exc}\n(the atlas PostGIS was serving is unchanged)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

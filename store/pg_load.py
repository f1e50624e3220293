"""Loading a GeoPackage build into PostGIS as a new release (the command line: store.pg_admin).

A load copies every table of the build (layers, display copies, basemap, metadata, and the query columns: period
day numbers, envelopes, pre-encoded features) into a schema being loaded, indexes it (GiST on the geometry,
B-tree on the period and the id), then makes it a release (store.pg_releases.make_latest: renamed to its own
schema, catalogued and made the latest in one transaction). Readers never see a half-loaded release; a load
that fails or is killed leaves every release as it was, the latest serving. A build whose content is the
latest's makes no new release. The release keeps the number the build's own release has in data/releases
(store.releases), so that a citation names the same release on either engine; its changelog is against the
latest release in the database.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import psycopg
import shapely

from store import pg_releases, releases
from store.geopackage import GeoPackageStore
from store.postgis import INFO, Database, PostGISStore
from store.tables import GEOMETRY, KINDS, META, gpkg_wkb, quote

LOADING = "atlas_loading"  # a load in progress (or one that failed before its switch)
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


def _fill(conn: psycopg.Connection, db: sqlite3.Connection, gpkg: Path, version: str, progress) -> None:
    """The build's tables into the loading schema (a leftover of a killed load replaced), in one transaction."""
    tables = _gpkg_tables(db)
    if META not in [t for t, _, _ in tables]:
        raise ValueError(f"{gpkg} is not a Border Atlas build (no {META} table): run `make data`")
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


def _new_release(build: GeoPackageStore, content: str, known: list, url: str, *, latest, kept) -> releases.Release:
    """The release the build (of content id `content`) becomes: the number and time of the build's own release
    (data/releases) when it has one newer than every number here, else the next number of today; the changelog
    against `latest`, the latest release here."""
    own = releases.Directory(kept or releases.beside(build.path)).of_version(build.version)
    numbers = [r.number for r in known]
    newest = max(numbers, key=releases.order, default="")
    if own is not None and own.number not in numbers and releases.order(own.number) > releases.order(newest):
        number, created = own.number, own.created
    else:
        moment = releases.now()
        number, created = releases.next_number(numbers, moment.date()), releases.stamp(moment)
    previous = (latest, PostGISStore(Database(url), latest.version, latest.where)) if latest is not None else None
    manifest = releases.make_manifest(build, content, number, created, previous)
    return releases.Release.of(manifest, pg_releases.schema_of(number))


def load(gpkg: Path, url: str, progress=print, kept: Path | None = None) -> str:
    """Load a GeoPackage build into PostGIS as a new release and make it the latest; returns its data version.

    A build whose content is the latest release's is not loaded again. `kept`: the build's GeoPackage releases
    (default: store.releases.beside(gpkg)), whose number for this build the new release takes."""
    gpkg = Path(gpkg)
    if not gpkg.exists():
        raise FileNotFoundError(f"no GeoPackage at {gpkg}: run `make data` first")
    build = GeoPackageStore(gpkg)
    with (
        sqlite3.connect(f"file:{gpkg}?mode=ro", uri=True) as db,
        psycopg.connect(url, application_name=APPLICATION, autocommit=True) as conn,
    ):
        conn.execute("SELECT pg_advisory_lock(%s)", (LOAD_LOCK,))
        pg_releases.ensure_catalogue(conn)
        known = pg_releases.read_all(conn)
        number = pg_releases.latest_number(conn)
        latest = next((r for r in known if r.number == number), None)
        content = build.version  # its content id, hashed once: every row of every table
        if latest is not None and latest.id == content:
            progress(f"the build's content is that of release {latest.number}, the latest: nothing to load")
            return latest.version
        _fill(conn, db, gpkg, build.version, progress)
        release = _new_release(build, content, known, url, latest=latest, kept=kept)
        progress(f"making release {release.number} ({release.id}) the latest, in schema {release.where}")
        pg_releases.make_latest(conn, release, loaded_from=LOADING)
    progress(
        f"PostGIS serves release {release.number} (data version {release.version}): "
        f"{releases.words(release.manifest['summary'])}"
    )
    return release.version

"""The releases in PostGIS: a catalogue beside the release schemas, read as store.releases reads a directory.

    atlas_releases.release   number (key), id, data version, creation time, schema, manifest (JSON), when loaded
    atlas_releases.latest    one row: the number of the release the plain URLs serve
    atlas_<number>           a release's tables (`2026.12.3-1` -> atlas_2026_12_3_1), never written again
    atlas                    views of the latest release's tables (for QGIS and other clients)

Making a release the latest is one transaction: the catalogue row, the latest, the views and a notification on
the channel `atlas_release` (delivered at commit), which every app's listener (store.postgis.Database) hears.
Pruning drops a release's schema and keeps its catalogue row, marked pruned, so its number is never given again.
"""

from __future__ import annotations

import re

import psycopg
from psycopg.types.json import Jsonb

from store import releases
from store.postgis import CATALOGUE, CHANNEL, PREFIX, SCHEMA, Database, PostGISStore
from store.tables import quote

CATALOGUE_DDL = [
    f"CREATE SCHEMA IF NOT EXISTS {CATALOGUE}",
    f"""CREATE TABLE IF NOT EXISTS {CATALOGUE}.release (
        number text PRIMARY KEY, id text NOT NULL, version text NOT NULL, created text NOT NULL,
        schema text NOT NULL UNIQUE, manifest jsonb NOT NULL, loaded timestamptz NOT NULL DEFAULT now())""",
    f"""CREATE TABLE IF NOT EXISTS {CATALOGUE}.latest (
        one boolean PRIMARY KEY DEFAULT true CHECK (one),
        number text NOT NULL REFERENCES {CATALOGUE}.release (number))""",
]
RELEASES_SQL = f"SELECT manifest, schema FROM {CATALOGUE}.release"  # noqa: S608 - constants
LATEST_NUMBER_SQL = f"SELECT number FROM {CATALOGUE}.latest"  # noqa: S608 - constants


def schema_of(number: str) -> str:
    """The schema of the release numbered `number`: atlas_2026_12_3_1."""
    return PREFIX + re.sub(r"[^0-9A-Za-z]", "_", number)


def ensure_catalogue(conn: psycopg.Connection) -> None:
    with conn.transaction():
        for statement in CATALOGUE_DDL:
            conn.execute(statement)


def read_all(conn: psycopg.Connection) -> list[releases.Release]:
    """Every release of the catalogue (pruned ones included), oldest first; [] before the first load."""
    try:
        rows = conn.execute(RELEASES_SQL).fetchall()
    except psycopg.errors.UndefinedTable:
        return []
    found = [releases.Release.of(manifest, schema) for manifest, schema in rows]
    return sorted(found, key=lambda r: releases.order(r.number))


def latest_number(conn: psycopg.Connection) -> str | None:
    try:
        row = conn.execute(LATEST_NUMBER_SQL).fetchone()
    except psycopg.errors.UndefinedTable:
        return None
    return row[0] if row else None


def _views(conn: psycopg.Connection, schema: str) -> None:
    """The schema `atlas` as views of `schema`'s tables (replaced whole)."""
    tables = conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_type = 'BASE TABLE'"
        " ORDER BY table_name",
        (schema,),
    ).fetchall()
    conn.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    conn.execute(f"CREATE SCHEMA {SCHEMA}")
    for (table,) in tables:
        conn.execute(f"CREATE VIEW {SCHEMA}.{quote(table)} AS SELECT * FROM {quote(schema)}.{quote(table)}")  # noqa: S608


def make_latest(conn: psycopg.Connection, release: releases.Release, loaded_from: str | None = None) -> None:
    """In one transaction: (when `loaded_from` names the schema it was loaded into) the release's schema renamed
    to its own and its catalogue row written; the latest set to it; the views; the notification."""
    schema = release.where
    with conn.transaction():
        if loaded_from is not None:
            conn.execute(f"ALTER SCHEMA {quote(loaded_from)} RENAME TO {quote(schema)}")
            conn.execute(
                f"INSERT INTO {CATALOGUE}.release (number, id, version, created, schema, manifest)"  # noqa: S608
                " VALUES (%s, %s, %s, %s, %s, %s)",
                (release.number, release.id, release.version, release.created, schema, Jsonb(release.manifest)),
            )
        _views(conn, schema)
        conn.execute(
            f"INSERT INTO {CATALOGUE}.latest (one, number) VALUES (true, %s)"  # noqa: S608 - constants
            " ON CONFLICT (one) DO UPDATE SET number = EXCLUDED.number",
            (release.number,),
        )
        conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, release.number))


def prune(conn: psycopg.Connection, release: releases.Release) -> None:
    """Drop one release's schema; its catalogue row stays, marked pruned. Never the latest."""
    if latest_number(conn) == release.number:
        raise ValueError(f"release {release.number} is the latest: it is never pruned")
    manifest = release.manifest | {"pruned": releases.stamp(releases.now())}
    with conn.transaction():
        conn.execute(f"DROP SCHEMA IF EXISTS {quote(release.where)} CASCADE")
        conn.execute(
            f"UPDATE {CATALOGUE}.release SET manifest = %s WHERE number = %s",  # noqa: S608 - constants
            (Jsonb(manifest), release.number),
        )
        conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, release.number))


class Catalogue(releases.Releases):
    """The releases of a PostGIS database (the web app's /releases pages and pinned URLs read either engine's);
    read again when the database's listener hears a change."""

    def __init__(self, database: Database):
        self.database = database
        self._listed: tuple[int, list[releases.Release], str | None] | None = None

    def _read(self) -> tuple[list[releases.Release], str | None]:
        generation = self.database.generation
        if self._listed is None or self._listed[0] != generation or not self.database.listening():
            conn = self.database.connection()
            self._listed = (generation, read_all(conn), latest_number(conn))
        return self._listed[1], self._listed[2]

    def all(self) -> list[releases.Release]:
        return self._read()[0]

    def latest(self) -> releases.Release | None:
        found, number = self._read()
        return next((r for r in found if r.number == number), None)

    def open(self, release: releases.Release) -> PostGISStore:
        return PostGISStore(self.database, release.version, release.where)

"""The GeoPackage engine: the store's SQL through Python's sqlite3, bbox through the R-tree GDAL builds."""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from store.sql import SqlStore
from store.tables import GEOMETRY, quote, sqlite_rows


def content_id(path: Path) -> str:
    """A short hash of a GeoPackage build's content: every row of every table, never the file's bytes (two builds
    of the same sources differ in timestamps and page layout, not in content)."""
    digest = hashlib.sha256()
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        tables = [r[0] for r in db.execute("SELECT table_name FROM gpkg_contents ORDER BY table_name")]
        for table in tables:
            digest.update(table.encode() + b"\0")
            for row in db.execute(f"SELECT * FROM {quote(table)} ORDER BY fid"):  # noqa: S608 - the catalog's own names
                digest.update(repr(row).encode())
    return digest.hexdigest()[:12]


class GeoPackageStore(SqlStore):
    """The GeoPackage engine: SQL through Python's sqlite3, bbox through the R-tree GDAL builds."""

    def __init__(self, path: Path, version: str | None = None):
        """`version`: the data version when it is already known (a release's manifest), else hashed when asked."""
        super().__init__()
        self.path = Path(path)
        if version:
            self._version = version
        self._local = threading.local()  # one read-only connection per thread

    @property
    def _db(self) -> sqlite3.Connection:
        if not hasattr(self._local, "db"):
            self._local.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        return self._local.db

    @property
    def version(self) -> str:
        """The data version cited with every export: the content id (content_id), which is also the id of the
        release that holds this content, so a rebuild of the same content keeps citing that release."""
        if not hasattr(self, "_version"):
            self._version = content_id(self.path)
        return self._version

    def _rows(self, sql: str, params: dict) -> list[tuple]:
        return self._db.execute(sql, params).fetchall()

    def _stream(self, sql: str, params: dict) -> Iterator[tuple]:
        """The rows of one statement as SQLite steps to them (a replaced file is still read from its old copy)."""
        return self._db.execute(sql, params)

    def _param(self, name: str) -> str:
        return f":{name}"

    def _table(self, name: str) -> str:
        return quote(name)

    def _floor(self, expr: str) -> str:
        """The whole number below `expr` (truncation: the same after clamping negatives into the grid)."""
        return f"CAST({expr} AS INTEGER)"

    def _utf8(self, expr: str) -> str:
        """A text column read as its UTF-8 bytes."""
        return f"CAST({expr} AS BLOB)"

    def _bbox_clause(self, collection: str) -> str:
        """R-tree candidates, the exact envelope in doubles, and for lines and polygons the geometry itself."""
        rtree = quote(f"rtree_{collection}_{GEOMETRY}")
        clause = (
            f"t.fid IN (SELECT id FROM {rtree} WHERE minx <= :maxx AND maxx >= :minx"  # noqa: S608 - catalog name
            " AND miny <= :maxy AND maxy >= :miny)"
            " AND t.bbox_minx <= :maxx AND t.bbox_maxx >= :minx AND t.bbox_miny <= :maxy AND t.bbox_maxy >= :miny"
        )
        if self._catalog()["geometry"][collection] != "POINT":
            clause += " AND t.fid IN (SELECT value FROM json_each(:exact))"
        return clause

    def _bbox_params(self, collection: str, bbox) -> dict:
        if self._catalog()["geometry"][collection] == "POINT":
            return {}
        return {"exact": json.dumps(self._exact_fids(collection, bbox))}

    def _read_table(self, table: str, columns: list[list[str]]) -> tuple[list, list, list]:
        return sqlite_rows(self._db, table, columns)

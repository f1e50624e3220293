"""The store: one GeoPackage holding every layer, full precision and a light display copy.

Behind a small interface (`collections`, `frame`, `query`, `items`, `get`, `meta`, ...) with two engines: this
GeoPackage, queried in SQL through Python's sqlite3 and its R-tree, and PostGIS (layers.postgis) with the same
SQL. Writes are atomic: a failed build leaves the old file.

Each collection table carries, besides the layer's own columns, the columns the queries use (STORE_COLUMNS):
the period as day numbers (`start_min`, `end_max`; an open start or end is the first or last day Python
knows), the exact envelope (`bbox_*`, doubles: the R-tree keeps 32-bit floats) and the feature as the
API serves it (`feature_json`, RFC 7946 text), so that an items response is a join of stored text.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from shapely.geometry import box

from layers import schema
from layers.dates import parse_partial
from layers.errors import NotFound, QueryError
from layers.geojson import feature_text

DISPLAY_SUFFIX = "__display"
BASEMAP = "_basemap"  # country outlines for the offline base map; not a collection
LAND = "_soviet_land"  # the Soviet-side land the zones are clipped to (for "what applied here")
META = "_meta"  # build metadata (key, JSON value), e.g. the data-quality report
CATALOG = "_catalog"  # meta key: {"collections": [...], "columns": {table: [[name, kind], ...]}, "geometry": {...}}
OPEN_START, OPEN_END = date.min.toordinal(), date.max.toordinal()
ALL_ROWS = 2**62  # the LIMIT of a query without one
BBOX_COLUMNS = ["bbox_minx", "bbox_miny", "bbox_maxx", "bbox_maxy"]
STORE_COLUMNS = ["start_min", "end_max", *BBOX_COLUMNS, "feature_json"]
GEOMETRY = "geom"  # the geometry column GDAL writes in a GeoPackage, kept in PostGIS

# Declared column types (GeoPackage / SQLite) -> the kind the store decodes and compares by.
_KINDS = {"TEXT": "text", "REAL": "real", "FLOAT": "real", "DOUBLE": "real", "INTEGER": "integer"}
_KINDS |= {"INT": "integer", "MEDIUMINT": "integer", "SMALLINT": "integer", "TINYINT": "integer"}
_KINDS |= {"BOOLEAN": "boolean", "DATE": "text", "DATETIME": "text"}
_INTEGER_TEXT = re.compile(r"^-?[0-9]+$")


# ---------------------------------------------------------------------------------------------------- writing


def write_store(
    layers: dict[str, tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]],
    basemap: gpd.GeoDataFrame,
    path: Path,
    meta: dict | None = None,
    land: gpd.GeoDataFrame | None = None,
) -> None:
    """Write {id: (full, display)}, the basemap and build metadata to `path` atomically (temp file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")
    tmp.unlink(missing_ok=True)
    tables = {BASEMAP: basemap} | ({LAND: land} if land is not None else {})
    for name, (full, display) in layers.items():
        tables |= {name: full, name + DISPLAY_SUFFIX: display}
    try:
        for table, frame in tables.items():
            encoded = frame.copy()
            for column in encoded.columns.drop(encoded.geometry.name):
                encoded[column] = encoded[column].map(schema.encode)
            pyogrio.write_dataframe(encoded, tmp, layer=table, driver="GPKG")
        catalog = _catalog(tmp, list(layers), list(tables))
        _add_query_columns(tmp, list(layers), catalog)
        meta = (meta or {}) | {CATALOG: catalog}
        rows = {"key": list(meta), "value": [json.dumps(v, ensure_ascii=False) for v in meta.values()]}
        pyogrio.write_dataframe(pd.DataFrame(rows), tmp, layer=META, driver="GPKG")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _catalog(path: Path, collections: list[str], tables: list[str]) -> dict:
    """What the readers need to know of each table: its columns and their kinds, its geometry type."""
    with sqlite3.connect(path) as db:
        columns = {t: _declared_columns(db, t) for t in tables}
        geometry = dict(db.execute("SELECT table_name, geometry_type_name FROM gpkg_geometry_columns"))
    return {"collections": collections, "columns": columns, "geometry": {t: geometry.get(t) for t in tables}}


def _declared_columns(db: sqlite3.Connection, table: str) -> list[list[str]]:
    rows = db.execute("SELECT name, type FROM pragma_table_info(?)", (table,)).fetchall()
    return [[name, _KINDS.get(kind.upper(), "text")] for name, kind in rows if name not in ("fid", GEOMETRY)]


def _add_query_columns(path: Path, collections: list[str], catalog: dict) -> None:
    """Add the period, envelope and pre-encoded feature columns to each collection, with their indexes."""
    with sqlite3.connect(path) as db:
        for name, function in _GPKG_FUNCTIONS.items():  # GDAL's R-tree triggers call them on any update
            db.create_function(name, 1, function, deterministic=True)
        for cid in collections:
            frame = _frame_from_rows(*_sqlite_rows(db, cid, catalog["columns"][cid]), catalog["columns"][cid])
            table = _quote(cid)
            for column, kind in zip(STORE_COLUMNS, ["INTEGER"] * 2 + ["REAL"] * 4 + ["TEXT"], strict=True):
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
            db.executemany(
                f"UPDATE {table} SET start_min = ?, end_max = ?, bbox_minx = ?, bbox_miny = ?, bbox_maxx = ?, "  # noqa: S608 - our table
                "bbox_maxy = ?, feature_json = ? WHERE fid = ?",
                _query_values(frame),
            )
            db.execute(f"CREATE INDEX {_quote(f'idx_{cid}_start_min')} ON {table} (start_min)")
            db.execute(f"CREATE INDEX {_quote(f'idx_{cid}_end_max')} ON {table} (end_max)")
            db.execute(f"CREATE INDEX {_quote(f'idx_{cid}_id')} ON {table} (id)")


def _bound(blob: bytes | None, i: int) -> float | None:
    geometry = shapely.from_wkb(_gpkg_wkb(blob)) if blob is not None else None
    return None if geometry is None or geometry.is_empty else float(shapely.bounds(geometry)[i])


# The GeoPackage functions GDAL's R-tree triggers use (as SpatiaLite or GDAL itself would give them).
_GPKG_FUNCTIONS = {
    "ST_IsEmpty": lambda blob: None if blob is None else int(shapely.from_wkb(_gpkg_wkb(blob)).is_empty),
    "ST_MinX": lambda blob: _bound(blob, 0),
    "ST_MinY": lambda blob: _bound(blob, 1),
    "ST_MaxX": lambda blob: _bound(blob, 2),
    "ST_MaxY": lambda blob: _bound(blob, 3),
}


def _query_values(frame: gpd.GeoDataFrame) -> list[tuple]:
    """(start_min, end_max, minx, miny, maxx, maxy, feature_json, fid) for each row of a decoded frame."""
    starts = [parse_partial(s)[0].toordinal() if s else OPEN_START for s in frame["start"]]
    ends = [parse_partial(e)[1].toordinal() if e else OPEN_END for e in frame["end"]]
    bounds = shapely.bounds(frame.geometry.values)  # NaN for a feature without geometry
    bounds = [[None if np.isnan(v) else float(v) for v in row] for row in bounds]
    texts = [feature_text(row) for row in frame.to_dict("records")]
    return [
        (s, e, *b, t, int(fid)) for s, e, b, t, fid in zip(starts, ends, bounds, texts, frame.attrs["fid"], strict=True)
    ]


# ---------------------------------------------------------------------------------------------------- reading


def _quote(identifier: str) -> str:
    """An SQL identifier, quoted (the names come from the store's own catalog, never from a request)."""
    return '"' + identifier.replace('"', '""') + '"'


def _gpkg_wkb(blob: bytes | None) -> bytes | None:
    """The WKB inside a GeoPackage geometry blob (header: magic, version, flags, srs id, envelope)."""
    if blob is None:
        return None
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(blob[3] >> 1) & 0b111]
    return bytes(blob[8 + envelope :])


def _sqlite_rows(db: sqlite3.Connection, table: str, columns: list[list[str]]) -> tuple[list, list, list]:
    """(fids, WKB geometries, attribute rows) of a GeoPackage table, in fid order."""
    names = ", ".join(_quote(name) for name, _ in columns)
    has_geometry = any(r[0] == GEOMETRY for r in db.execute("SELECT name FROM pragma_table_info(?)", (table,)))
    geometry = GEOMETRY if has_geometry else "NULL"
    select = f"SELECT fid, {geometry} {', ' + names if names else ''} FROM {_quote(table)} ORDER BY fid"  # noqa: S608
    rows = db.execute(select).fetchall()
    return [r[0] for r in rows], [_gpkg_wkb(r[1]) for r in rows], [r[2:] for r in rows]


# How a stored value of each kind is read back as the layer built it (before schema.decode).
_READ = {
    "text": lambda v: v,
    "real": lambda v: None if v is None or v != v else float(v),  # noqa: PLR0124 - NaN check
    "integer": lambda v: None if v is None else int(v),
    "boolean": lambda v: None if v is None else bool(v),
}


def _frame_from_rows(fids: list, wkbs: list, rows: list, columns: list[list[str]]) -> gpd.GeoDataFrame:
    """A decoded GeoDataFrame (object columns, JSON columns parsed) from stored rows; the fids in attrs."""
    data = {}
    for i, (name, kind) in enumerate(columns):
        read = _READ[kind]
        data[name] = pd.Series([schema.decode(name, read(r[i])) for r in rows], dtype=object)
    geometry = shapely.from_wkb(np.array(wkbs, dtype=object)) if wkbs else np.array([], dtype=object)
    frame = gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geometry, crs=schema.CRS), crs=schema.CRS)
    frame.attrs["fid"] = list(fids)
    return frame


def _scale(cells: int, width: float) -> float:
    """Cells per degree along one side of a grid (a box of no width: every feature in the first cell)."""
    return cells / width if width > 0 else 0.0


def as_text(value) -> str | None:
    """A property value as a filter compares it: 22000.0 -> "22000", True -> "true", None -> None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _bind_real(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if as_text(value) == text else None


# An equality filter's text -> the value bound for a column of each kind (None never matches): the same
# matches as comparing `as_text(value) == text` row by row.
BIND = {
    "text": lambda text: text,
    "real": _bind_real,
    "integer": lambda text: int(text) if _INTEGER_TEXT.match(text) and str(int(text)) == text else None,
    "boolean": {"true": True, "false": False}.get,
}


class SqlStore:
    """What both engines share: the catalog, the decoded frames (read once) and the SQL of a query.

    An engine gives `_rows(sql, params)`, `_stream(sql, params)`, `_param(name)`, `_table(name)`, `_utf8(expr)`,
    `_bbox_clause(collection)`, `_bbox_params(collection, bbox)`, `_floor(expr)`, `_read_table(table)` and `version`.
    """

    def __init__(self):
        self._frames: dict[str, gpd.GeoDataFrame] = {}
        self._prepared: dict[str, np.ndarray] = {}
        self._prepared_lock = threading.Lock()  # GEOS prepares in place, lazily: never two threads on one geometry
        self._meta: dict | None = None

    # -- metadata ---------------------------------------------------------------------------------------

    def _meta_values(self) -> dict:
        if self._meta is None:
            rows = self._rows(f"SELECT key, value FROM {self._table(META)}", {})  # noqa: S608 - our table
            self._meta = {key: json.loads(value) for key, value in rows}
        return self._meta

    def meta(self, key: str):
        """A build metadata value (e.g. "quality"), or None."""
        return self._meta_values().get(key)

    def _catalog(self) -> dict:
        catalog = self._meta_values().get(CATALOG)
        if catalog is None:
            raise NotFound("the store was written by an older build without a catalog: run `make data`")
        return catalog

    def collections(self) -> list[str]:
        """Ids of the collections in the store, in the order they were written (read once)."""
        return list(self._catalog()["collections"])

    def _check(self, collection: str) -> None:
        if collection not in self._catalog()["collections"]:
            raise NotFound(f"no collection {collection!r}; available: {self.collections()}")

    def _kinds(self, table: str) -> dict[str, str]:
        return dict(map(tuple, self._catalog()["columns"][table]))

    def first_date(self) -> date | None:
        """The earliest date any feature of the store can have (its earliest start), or None."""
        if not hasattr(self, "_first_date"):
            firsts = []
            for cid in self.collections():
                sql = f"SELECT min(start_min) FROM {self._table(cid)} WHERE start_min > {self._param('open')}"  # noqa: S608
                firsts += [row[0] for row in self._rows(sql, {"open": OPEN_START}) if row[0] is not None]
            self._first_date = date.fromordinal(min(firsts)) if firsts else None
        return self._first_date

    # -- frames -----------------------------------------------------------------------------------------

    def basemap(self) -> gpd.GeoDataFrame:
        """Country outlines for the offline base map."""
        return self._read(BASEMAP)

    def soviet_land(self):
        """The Soviet-side land polygon the zones are clipped to."""
        return self._read(LAND).geometry.iloc[0]

    def frame(self, collection: str, display: bool = False) -> gpd.GeoDataFrame:
        """The whole layer, decoded (display=True: the simplified copy for the map page)."""
        self._check(collection)
        return self._read(collection + (DISPLAY_SUFFIX if display else ""))

    def _read(self, table: str) -> gpd.GeoDataFrame:
        if table not in self._frames:
            columns = [c for c in self._catalog()["columns"][table] if c[0] not in STORE_COLUMNS]
            self._frames[table] = _frame_from_rows(*self._read_table(table, columns), columns)
        return self._frames[table]

    def filterable(self, collection: str) -> list[str]:
        """Properties that can be filtered by equality: the scalar ones."""
        self._check(collection)
        names = [name for name, _ in self._catalog()["columns"][collection]]
        return [c for c in names if c not in schema.JSON_COLUMNS and c not in STORE_COLUMNS]

    def _positions(self, collection: str, fids: list[int]) -> list[int]:
        """Row positions in the decoded frame of the given fids."""
        index = pd.Index(self.frame(collection).attrs["fid"])
        return list(index.get_indexer(fids))

    # -- queries ----------------------------------------------------------------------------------------

    def _where(self, collection, period, bbox, equals) -> tuple[str, dict]:
        """The WHERE clause of a query and its bound parameters."""
        clauses, bound = ["TRUE"], {}
        if period is not None:
            lo, hi = period
            clauses += [f"t.start_min <= {self._param('hi')}", f"t.end_max >= {self._param('lo')}"]
            bound |= {"lo": (lo or date.min).toordinal(), "hi": (hi or date.max).toordinal()}
        if bbox is not None:
            clauses.append(self._bbox_clause(collection))
            bound |= dict(zip(("minx", "miny", "maxx", "maxy"), map(float, bbox), strict=True))
            bound |= self._bbox_params(collection, bbox)
        kinds = self._kinds(collection)
        for i, (column, text) in enumerate((equals or {}).items()):
            if column not in self.filterable(collection):
                raise QueryError(column, f"not a filterable property; allowed: {self.filterable(collection)}")
            clauses.append(f"t.{_quote(column)} = {self._param(f'v{i}')}")
            bound[f"v{i}"] = BIND[kinds[column]](text)
        return " AND ".join(clauses), bound

    def _select(self, collection, what, filters, limit, offset) -> tuple[list, int]:
        """(rows of `what`, number matched) for a query; the count comes in the same statement.

        The count is a scalar subquery, run once: `count(*) OVER ()` would copy every matching row (15 MB of zone
        texts) into a window buffer first.
        """
        where, bound = self._where(collection, **filters)
        paging = f" LIMIT {self._param('limit')} OFFSET {self._param('offset')}"
        bound |= {"limit": ALL_ROWS if limit is None else int(limit), "offset": int(offset)}
        table = self._table(collection)
        count = f"(SELECT count(*) FROM {table} t WHERE {where})"  # noqa: S608 - catalog names, bound values
        sql = f"SELECT {what}, {count} FROM {table} t WHERE {where} ORDER BY t.fid{paging}"  # noqa: S608 - as above
        rows = self._rows(sql, bound)
        if rows:
            return [r[:-1] for r in rows], rows[0][-1]
        count = self._rows(f"SELECT count(*) FROM {table} t WHERE {where}", bound)  # noqa: S608 - as above
        return [], count[0][0]

    def query(
        self,
        collection: str,
        *,
        period: tuple[date | None, date | None] | None = None,
        bbox: tuple[float, float, float, float] | None = None,
        equals: dict[str, str] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> tuple[gpd.GeoDataFrame, int]:
        """Features overlapping `period` and `bbox` whose `equals` properties match (as text).

        Returns (page, number matched): the rows of the decoded frame, selected in SQL.
        """
        self._check(collection)
        filters = {"period": period, "bbox": bbox, "equals": equals}
        rows, matched = self._select(collection, "t.fid", filters, limit, offset)
        return self.frame(collection).iloc[self._positions(collection, [r[0] for r in rows])], matched

    def items(
        self,
        collection: str,
        *,
        period: tuple[date | None, date | None] | None = None,
        bbox: tuple[float, float, float, float] | None = None,
        equals: dict[str, str] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> tuple[list[bytes], int]:
        """As `query`, but the page as the stored RFC 7946 text of each feature, in UTF-8 as it is sent (read as
        bytes: never decoded and encoded again): (texts, number matched)."""
        self._check(collection)
        filters = {"period": period, "bbox": bbox, "equals": equals}
        rows, matched = self._select(collection, self._utf8("t.feature_json"), filters, limit, offset)
        return [r[0] for r in rows], matched

    def texts(
        self,
        collection: str,
        *,
        period: tuple[date | None, date | None] | None = None,
        bbox: tuple[float, float, float, float] | None = None,
        equals: dict[str, str] | None = None,
    ) -> Iterator[bytes]:
        """As `items` without paging, read while they are sent: every matching feature's stored text (UTF-8), a few
        rows in memory at a time, all from one snapshot of the store (a download of any size in constant memory).

        The query is checked and started now; the rows are read as the iterator is.
        """
        self._check(collection)
        where, bound = self._where(collection, period, bbox, equals)
        text, table = self._utf8("t.feature_json"), self._table(collection)
        sql = f"SELECT {text} FROM {table} t WHERE {where} ORDER BY t.fid"  # noqa: S608 - catalog names, bound values
        return (row[0] for row in self._stream(sql, bound))

    def grid(
        self,
        collection: str,
        *,
        bbox: tuple[float, float, float, float],
        cells: int,
        period: tuple[date | None, date | None] | None = None,
    ) -> list[tuple[int, int, int]]:
        """How many features matching `period` and `bbox` fall in each cell of a cells x cells grid over the bbox.

        A feature counts in the cell of its envelope's centre (clamped into the grid: a line crossing the box
        may have its centre outside it); features without geometry are not counted. Grouped in SQL, returns
        [(column, row, count)] for the non-empty cells, column 0 at the west, row 0 at the south; the counts
        sum to the number `items` matches for the same period and bbox.
        """
        self._check(collection)
        where, bound = self._where(collection, period, bbox, None)
        minx, miny, maxx, maxy = map(float, bbox)
        bound |= {"gx": minx, "gy": miny, "sx": _scale(cells, maxx - minx), "sy": _scale(cells, maxy - miny)}
        column = self._floor(f"((t.bbox_minx + t.bbox_maxx) / 2 - {self._param('gx')}) * {self._param('sx')}")
        row = self._floor(f"((t.bbox_miny + t.bbox_maxy) / 2 - {self._param('gy')}) * {self._param('sy')}")
        sql = (
            f"SELECT {column}, {row}, count(*) FROM {self._table(collection)} t"  # noqa: S608 - catalog names, bound values
            f" WHERE {where} AND t.bbox_minx IS NOT NULL GROUP BY 1, 2"
        )
        counts: dict[tuple[int, int], int] = {}
        for col, r, n in self._rows(sql, bound):
            key = (min(max(int(col), 0), cells - 1), min(max(int(r), 0), cells - 1))
            counts[key] = counts.get(key, 0) + int(n)
        return [(col, r, n) for (col, r), n in sorted(counts.items())]

    def _by_id(self, collection: str, column: str, fid: str):
        """`column` of the feature whose id is `fid`; NotFound when there is none."""
        self._check(collection)
        sql = f"SELECT {column} FROM {self._table(collection)} WHERE id = {self._param('id')}"  # noqa: S608 - catalog names
        rows = self._rows(sql, {"id": fid})
        if not rows:
            raise NotFound(f"no feature {fid!r} in collection {collection!r}")
        return rows[0][0]

    def get(self, collection: str, fid: str) -> gpd.GeoDataFrame:
        """One feature by id, as a one-row frame."""
        return self.frame(collection).iloc[self._positions(collection, [self._by_id(collection, "fid", fid)])]

    def feature_text(self, collection: str, fid: str) -> str:
        """One feature by id as its stored RFC 7946 text, the text `items` serves (no decoding, no encoding)."""
        return self._by_id(collection, "feature_json", fid)

    def _exact_fids(self, collection: str, bbox) -> list[int]:
        """The fids whose geometry itself meets the box (lines and polygons: the envelope is not enough)."""
        with self._prepared_lock:  # two threads preparing or querying the same geometries at once crashed workers
            if collection not in self._prepared:  # prepared once (GEOS indexes each polygon's edges), then reused
                geometries = np.array(self.frame(collection).geometry.values, dtype=object).copy()
                shapely.prepare(geometries)
                self._prepared[collection] = geometries
            hits = shapely.intersects(self._prepared[collection], box(*bbox))
        return [int(f) for f, hit in zip(self.frame(collection).attrs["fid"], hits, strict=True) if hit]


class GeoPackageStore(SqlStore):
    """The GeoPackage engine: SQL through Python's sqlite3, bbox through the R-tree GDAL builds."""

    def __init__(self, path: Path):
        super().__init__()
        self.path = Path(path)
        self._local = threading.local()  # one read-only connection per thread

    @property
    def _db(self) -> sqlite3.Connection:
        if not hasattr(self._local, "db"):
            self._local.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        return self._local.db

    @property
    def version(self) -> str:
        """A short content hash of the store: the data version cited with every export."""
        if not hasattr(self, "_version"):
            self._version = hashlib.sha256(self.path.read_bytes()).hexdigest()[:12]
        return self._version

    def _rows(self, sql: str, params: dict) -> list[tuple]:
        return self._db.execute(sql, params).fetchall()

    def _stream(self, sql: str, params: dict) -> Iterator[tuple]:
        """The rows of one statement as SQLite steps to them (a replaced file is still read from its old copy)."""
        return self._db.execute(sql, params)

    def _param(self, name: str) -> str:
        return f":{name}"

    def _table(self, name: str) -> str:
        return _quote(name)

    def _floor(self, expr: str) -> str:
        """The whole number below `expr` (truncation: the same after clamping negatives into the grid)."""
        return f"CAST({expr} AS INTEGER)"

    def _utf8(self, expr: str) -> str:
        """A text column read as its UTF-8 bytes."""
        return f"CAST({expr} AS BLOB)"

    def _bbox_clause(self, collection: str) -> str:
        """R-tree candidates, the exact envelope in doubles, and for lines and polygons the geometry itself."""
        rtree = _quote(f"rtree_{collection}_{GEOMETRY}")
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
        return _sqlite_rows(self._db, table, columns)

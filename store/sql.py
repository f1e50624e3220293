"""The SQL both engines run: one template for every query, values always bound, and the catalog read once.

An engine (store.geopackage, store.postgis) gives the dialect: how a parameter is written, a table named, a
number floored, a bbox matched, and how a table's rows are read.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import box

from store.base import BBox, Period, Store
from store.errors import NotFound, QueryError
from store.tables import (
    BASEMAP,
    CATALOG,
    DISPLAY_SUFFIX,
    JSON,
    LAND,
    META,
    OPEN_START,
    STORE_COLUMNS,
    frame_from_rows,
    legacy,
    quote,
)

ALL_ROWS = 2**62  # the LIMIT of a query without one
_INTEGER_TEXT = re.compile(r"^-?[0-9]+$")


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


class SqlStore(Store):
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

    def meta_keys(self) -> list[str]:
        """The keys of the build metadata."""
        return list(self._meta_values())

    def _catalog(self) -> dict:
        catalog = self._meta_values().get(CATALOG)
        if catalog is None:
            raise NotFound("the store was written by an older build without a catalog: run `make data`")
        return catalog if JSON in catalog else legacy(catalog)

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
            self._frames[table] = frame_from_rows(*self._read_table(table, columns), columns)
        return self._frames[table]

    def filterable(self, collection: str) -> dict[str, str]:
        """Properties that can be filtered by equality, the scalar ones: {name: kind (text, real, integer, boolean)}."""
        self._check(collection)
        return {
            c: k for c, k in self._kinds(collection).items() if k not in (JSON, "legacy") and c not in STORE_COLUMNS
        }

    def geometry_type(self, collection: str) -> str | None:
        """The collection's geometry type as the GeoPackage declares it (POINT, MULTIPOLYGON, ...; GEOMETRY: mixed)."""
        self._check(collection)
        return self._catalog()["geometry"].get(collection)

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
                raise QueryError(column, f"not a filterable property; allowed: {list(self.filterable(collection))}")
            clauses.append(f"t.{quote(column)} = {self._param(f'v{i}')}")
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
        period: Period | None = None,
        bbox: BBox | None = None,
        equals: dict[str, str] | None = None,
        limit: int | None = None,
        offset: int = 0,
        display: bool = False,
    ) -> tuple[gpd.GeoDataFrame, int]:
        """Features overlapping `period` and `bbox` whose `equals` properties match (as text).

        Returns (page, number matched): the rows of the decoded frame (display=True: of its display copy, which
        holds the same rows in the same order), selected in SQL.
        """
        self._check(collection)
        filters = {"period": period, "bbox": bbox, "equals": equals}
        rows, matched = self._select(collection, "t.fid", filters, limit, offset)
        positions = self._positions(collection, [r[0] for r in rows])
        return self.frame(collection, display=display).iloc[positions], matched

    def items(
        self,
        collection: str,
        *,
        period: Period | None = None,
        bbox: BBox | None = None,
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
        period: Period | None = None,
        bbox: BBox | None = None,
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
        bbox: BBox,
        cells: int,
        period: Period | None = None,
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

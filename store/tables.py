"""What a store holds and how its rows are read: table and column names, and stored rows back as a frame.

Shared by the writer (store.writer), the SQL both engines run (store.sql) and the PostGIS loader (store.postgis).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from layers import schema

DISPLAY_SUFFIX = "__display"
BASEMAP = "_basemap"  # country outlines for the offline base map; not a collection
LAND = "_soviet_land"  # the Soviet-side land the zones are clipped to (for "what applied here")
META = "_meta"  # build metadata (key, JSON value), e.g. the data-quality report
CATALOG = "_catalog"  # meta key: {"collections": [...], "columns": {table: [[name, kind], ...]}, "geometry": {...}}
JSON = "json"  # the kind of a column holding lists or mappings as JSON text
OPEN_START, OPEN_END = date.min.toordinal(), date.max.toordinal()
BBOX_COLUMNS = ["bbox_minx", "bbox_miny", "bbox_maxx", "bbox_maxy"]
STORE_COLUMNS = ["start_min", "end_max", *BBOX_COLUMNS, "feature_json"]
GEOMETRY = "geom"  # the geometry column GDAL writes in a GeoPackage, kept in PostGIS

# Declared column types (GeoPackage / SQLite) -> the kind the store decodes and compares by.
KINDS = {"TEXT": "text", "REAL": "real", "FLOAT": "real", "DOUBLE": "real", "INTEGER": "integer"}
KINDS |= {"INT": "integer", "MEDIUMINT": "integer", "SMALLINT": "integer", "TINYINT": "integer"}
KINDS |= {"BOOLEAN": "boolean", "DATE": "text", "DATETIME": "text"}


def quote(identifier: str) -> str:
    """An SQL identifier, quoted (the names come from the store's own catalog, never from a request)."""
    return '"' + identifier.replace('"', '""') + '"'


def gpkg_wkb(blob: bytes | None) -> bytes | None:
    """The WKB inside a GeoPackage geometry blob (header: magic, version, flags, srs id, envelope)."""
    if blob is None:
        return None
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(blob[3] >> 1) & 0b111]
    return bytes(blob[8 + envelope :])


def _bound(blob: bytes | None, i: int) -> float | None:
    geometry = shapely.from_wkb(gpkg_wkb(blob)) if blob is not None else None
    return None if geometry is None or geometry.is_empty else float(shapely.bounds(geometry)[i])


# The GeoPackage functions GDAL's R-tree triggers call on any update of a table (as SpatiaLite or GDAL would give).
_GPKG_FUNCTIONS = {
    "ST_IsEmpty": lambda blob: None if blob is None else int(shapely.from_wkb(gpkg_wkb(blob)).is_empty),
    "ST_MinX": lambda blob: _bound(blob, 0),
    "ST_MinY": lambda blob: _bound(blob, 1),
    "ST_MaxX": lambda blob: _bound(blob, 2),
    "ST_MaxY": lambda blob: _bound(blob, 3),
}


def gpkg_connect(path) -> sqlite3.Connection:
    """A connection to a GeoPackage GDAL wrote, able to update its tables (the functions their triggers call)."""
    db = sqlite3.connect(path)
    for name, function in _GPKG_FUNCTIONS.items():
        db.create_function(name, 1, function, deterministic=True)
    return db


def add_columns(db: sqlite3.Connection, table: str, columns: dict[str, str], rows: list[tuple], key: str = "fid"):
    """Add `columns` ({name: declared type}) to a table and fill them: each row holds their values, then its key."""
    for name, kind in columns.items():
        db.execute(f"ALTER TABLE {quote(table)} ADD COLUMN {quote(name)} {kind}")
    assignments = ", ".join(f"{quote(name)} = ?" for name in columns)
    db.executemany(f"UPDATE {quote(table)} SET {assignments} WHERE {quote(key)} = ?", rows)  # noqa: S608 - our names


def declared_columns(db: sqlite3.Connection, table: str) -> list[list[str]]:
    """[[name, kind]] of a GeoPackage table's attribute columns (not its fid and geometry)."""
    rows = db.execute("SELECT name, type FROM pragma_table_info(?)", (table,)).fetchall()
    return [[name, KINDS.get(kind.upper(), "text")] for name, kind in rows if name not in ("fid", GEOMETRY)]


def sqlite_rows(db: sqlite3.Connection, table: str, columns: list[list[str]]) -> tuple[list, list, list]:
    """(fids, WKB geometries, attribute rows) of a GeoPackage table, in fid order."""
    names = ", ".join(quote(name) for name, _ in columns)
    has_geometry = any(r[0] == GEOMETRY for r in db.execute("SELECT name FROM pragma_table_info(?)", (table,)))
    geometry = GEOMETRY if has_geometry else "NULL"
    select = f"SELECT fid, {geometry} {', ' + names if names else ''} FROM {quote(table)} ORDER BY fid"  # noqa: S608
    rows = db.execute(select).fetchall()
    return [r[0] for r in rows], [gpkg_wkb(r[1]) for r in rows], [r[2:] for r in rows]


def _legacy(value):
    """A text of a store whose catalogue does not name its JSON columns (written before it did): a list or mapping
    parsed, any other text as it is."""
    if isinstance(value, str) and value[:1] in "[{" and value:
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def legacy(catalog: dict) -> dict:
    """The catalogue of a store written before catalogues named the JSON columns: its text columns read as
    `_legacy` (a list or mapping parsed)."""
    columns = {t: [[n, "legacy" if k == "text" else k] for n, k in cs] for t, cs in catalog["columns"].items()}
    return catalog | {"columns": columns, JSON: False}


# How a stored value of each kind is read back as the layer built it.
READ = {
    "text": lambda v: v,
    JSON: lambda v: json.loads(v) if isinstance(v, str) else v,
    "legacy": _legacy,
    "real": lambda v: None if v is None or v != v else float(v),  # noqa: PLR0124 - NaN check
    "integer": lambda v: None if v is None else int(v),
    "boolean": lambda v: None if v is None else bool(v),
}


def frame_from_rows(fids: list, wkbs: list, rows: list, columns: list[list[str]]) -> gpd.GeoDataFrame:
    """A decoded GeoDataFrame (object columns, JSON columns parsed) from stored rows; the fids in attrs."""
    data = {}
    for i, (name, kind) in enumerate(columns):
        read = READ[kind]
        data[name] = pd.Series([read(r[i]) for r in rows], dtype=object)
    geometry = shapely.from_wkb(np.array(wkbs, dtype=object)) if wkbs else np.array([], dtype=object)
    frame = gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geometry, crs=schema.CRS), crs=schema.CRS)
    frame.attrs["fid"] = list(fids)
    return frame

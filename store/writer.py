"""Writing a store: one GeoPackage holding every layer, full precision and a light display copy, atomically.

Each collection table carries, besides the layer's own columns, the columns the queries use (STORE_COLUMNS):
the period as day numbers (`start_min`, `end_max`; an open start or end is the first or last day Python
knows), the exact envelope (`bbox_*`, doubles: the R-tree keeps 32-bit floats) and the feature as the
API serves it (`feature_json`, RFC 7946 text), so that an items response is a join of stored text.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import closing
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from layers import schema
from layers.dates import parse_partial
from layers.geojson import feature_text
from store.tables import (
    BASEMAP,
    CATALOG,
    DISPLAY_SUFFIX,
    LAND,
    META,
    OPEN_END,
    OPEN_START,
    STORE_COLUMNS,
    add_columns,
    declared_columns,
    frame_from_rows,
    gpkg_connect,
    quote,
    sqlite_rows,
)


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
        columns = {t: declared_columns(db, t) for t in tables}
        geometry = dict(db.execute("SELECT table_name, geometry_type_name FROM gpkg_geometry_columns"))
    return {"collections": collections, "columns": columns, "geometry": {t: geometry.get(t) for t in tables}}


def _add_query_columns(path: Path, collections: list[str], catalog: dict) -> None:
    """Add the period, envelope and pre-encoded feature columns to each collection, with their indexes."""
    kinds = dict(zip(STORE_COLUMNS, ["INTEGER"] * 2 + ["REAL"] * 4 + ["TEXT"], strict=True))
    with closing(gpkg_connect(path)) as db, db:
        for cid in collections:
            frame = frame_from_rows(*sqlite_rows(db, cid, catalog["columns"][cid]), catalog["columns"][cid])
            add_columns(db, cid, kinds, _query_values(frame))
            for column in ("start_min", "end_max", "id"):
                db.execute(f"CREATE INDEX {quote(f'idx_{cid}_{column}')} ON {quote(cid)} ({column})")


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

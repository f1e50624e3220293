"""Writing a store: one GeoPackage holding every layer, full precision and a light display copy, atomically.

Each collection table carries, besides the layer's own columns, the columns the queries use (STORE_COLUMNS):
the period as day numbers (`start_min`, `end_max`; an open start or end is the first or last day Python
knows), the exact envelope (`bbox_*`, doubles: the R-tree keeps 32-bit floats) and the feature as the
API serves it (`feature_json`, RFC 7946 text), so that an items response is a join of stored text.

Each write has a temporary file of its own beside the store, renamed into place when complete. Builds of one
store take its lock (`building`, a file beside it) so that one builds at a time and the replace of the store is
theirs; the lock's holder removes what killed builds left.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import sqlite3
from collections.abc import Iterator
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
    JSON,
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
    *,
    json_columns=frozenset(),
) -> None:
    """Write {id: (full, display)}, the basemap and build metadata to `path` atomically (temp file, then rename).

    `json_columns` are the columns that hold lists or mappings (kept as JSON text); a column holding one is taken
    as such too. The catalogue names them (kind "json"), so that a reader decodes them without the builders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{temporary_prefix(path)}{secrets.token_hex(4)}{path.suffix}")
    tables = {BASEMAP: basemap} | ({LAND: land} if land is not None else {})
    for name, (full, display) in layers.items():
        tables |= {name: full, name + DISPLAY_SUFFIX: display}
    try:
        for table, frame in tables.items():
            encoded = frame.copy()
            for column in encoded.columns.drop(encoded.geometry.name):
                encoded[column] = encoded[column].map(schema.encode)
            pyogrio.write_dataframe(encoded, tmp, layer=table, driver="GPKG")
        json_columns = set(json_columns) | {c for frame in tables.values() for c in _holding_json(frame)}
        catalog = _catalog(tmp, list(layers), list(tables), json_columns)
        _add_query_columns(tmp, list(layers), catalog)
        meta = (meta or {}) | {CATALOG: catalog}
        rows = {"key": list(meta), "value": [json.dumps(v, ensure_ascii=False) for v in meta.values()]}
        pyogrio.write_dataframe(pd.DataFrame(rows), tmp, layer=META, driver="GPKG")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def temporary_prefix(path: Path) -> str:
    """The start of the name of a temporary file of a write of `path` (`.atlas.tmp-`)."""
    return f".{path.stem}.tmp-"


def lock_path(path: Path) -> Path:
    """The lock file beside a store that its builds take (`.atlas.gpkg.lock`)."""
    return path.with_name(f".{path.name}.lock")


@contextlib.contextmanager
def building(path: Path, *, wait: bool = True) -> Iterator[bool]:
    """One build of the store at `path` at a time, across processes (`make data`, `border-atlas publish`, the web's
    publishing): an exclusive lock on a file beside the store, released when the block ends or the process dies.
    Yields True when held; False only when `wait` is false and another build holds it. Once held, the temporary files
    of killed builds are removed and the lock file names this process (`builder` reads it)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path(path), "a+", encoding="utf-8") as lock:  # "a+": a waiter must not clear the holder's pid
        try:
            fcntl.flock(lock, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        for leftover in path.parent.glob(temporary_prefix(path) + "*"):
            leftover.unlink(missing_ok=True)
        _name_holder(lock, str(os.getpid()))
        try:
            yield True
        finally:
            _name_holder(lock, "")


def _name_holder(lock, text: str) -> None:
    lock.seek(0)
    lock.truncate()
    lock.write(text)
    lock.flush()


def builder(path: Path) -> int | None:
    """The process building the store at `path` now, or None (read from its lock file, without taking the lock)."""
    try:
        pid = int(lock_path(Path(path)).read_text(encoding="utf-8").strip() or 0)
    except (FileNotFoundError, ValueError):
        return None
    if not pid:
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None  # killed while it built
    except PermissionError:
        pass  # alive, another user's
    try:
        if Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()[0] == "Z":
            return None  # killed, and not yet reaped by the process that started it
    except (OSError, IndexError):
        pass
    return pid


def _holding_json(frame: gpd.GeoDataFrame) -> list[str]:
    """The columns of a frame that hold a list or a mapping."""
    columns = frame.columns.drop(frame.geometry.name)
    return [c for c in columns if frame[c].map(lambda v: isinstance(v, (list, dict))).any()]


def _catalog(path: Path, collections: list[str], tables: list[str], json_columns: set[str]) -> dict:
    """What the readers need to know of each table: its columns and their kinds (JSON text: "json"), its geometry
    type."""
    with sqlite3.connect(path) as db:
        declared = {t: declared_columns(db, t) for t in tables}
        columns = {t: [[n, "json" if n in json_columns else k] for n, k in cs] for t, cs in declared.items()}
        geometry = dict(db.execute("SELECT table_name, geometry_type_name FROM gpkg_geometry_columns"))
    geometry = {t: geometry.get(t) for t in tables}
    return {"collections": collections, "columns": columns, "geometry": geometry, JSON: True}


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

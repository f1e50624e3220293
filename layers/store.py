"""The store: one GeoPackage holding every layer, full precision and a light display copy.

Behind a small interface (`collections`, `frame`, `query`, `get`) so that PostGIS can later
serve what the GeoPackage serves. Writes are atomic: a failed build leaves the old file.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
from shapely.geometry import box

from layers import schema
from layers.dates import overlaps, parse_partial
from layers.errors import NotFound

DISPLAY_SUFFIX = "__display"
BASEMAP = "_basemap"  # country outlines for the offline base map; not a collection
LAND = "_soviet_land"  # the Soviet-side land the zones are clipped to (for "what applied here")
META = "_meta"  # build metadata (key, JSON value), e.g. the data-quality report


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
        rows = {
            "key": list((meta or {}).keys()),
            "value": [json.dumps(v, ensure_ascii=False) for v in (meta or {}).values()],
        }
        pyogrio.write_dataframe(pd.DataFrame(rows), tmp, layer=META, driver="GPKG")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


class GeoPackageStore:
    """Read access to the built GeoPackage; frames are read once and kept in memory."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._frames: dict[str, gpd.GeoDataFrame] = {}

    @property
    def version(self) -> str:
        """A short content hash of the store: the data version cited with every export."""
        if not hasattr(self, "_version"):
            self._version = hashlib.sha256(self.path.read_bytes()).hexdigest()[:12]
        return self._version

    def soviet_land(self):
        """The Soviet-side land polygon the zones are clipped to."""
        return self._read(LAND).geometry.iloc[0]

    def meta(self, key: str):
        """A build metadata value (e.g. "quality"), or None."""
        table = pyogrio.read_dataframe(self.path, layer=META)
        values = dict(zip(table["key"], table["value"], strict=True))
        return json.loads(values[key]) if key in values else None

    def collections(self) -> list[str]:
        """Ids of the collections in the store, in the order they were written."""
        names = [name for name, _ in pyogrio.list_layers(self.path)]
        return [n for n in names if not n.endswith(DISPLAY_SUFFIX) and not n.startswith("_")]

    def first_date(self) -> date | None:
        """The earliest date any feature of the store can have (its earliest start), or None."""
        if not hasattr(self, "_first_date"):
            starts = [
                parse_partial(s)[0]
                for cid in self.collections()
                for s in self.frame(cid)["start"]
                if isinstance(s, str) and s
            ]
            self._first_date = min(starts, default=None)
        return self._first_date

    def basemap(self) -> gpd.GeoDataFrame:
        """Country outlines for the offline base map."""
        return self._read(BASEMAP)

    def frame(self, collection: str, display: bool = False) -> gpd.GeoDataFrame:
        """The whole layer, decoded (display=True: the simplified copy for the map page)."""
        if collection not in self.collections():
            raise NotFound(f"no collection {collection!r}; available: {self.collections()}")
        return self._read(collection + (DISPLAY_SUFFIX if display else ""))

    def _read(self, table: str) -> gpd.GeoDataFrame:
        if table not in self._frames:
            frame = pyogrio.read_dataframe(self.path, layer=table)
            info = pyogrio.read_info(self.path, layer=table)
            integers = {f for f, t in zip(info["fields"], info["dtypes"], strict=True) if t.startswith("int")}
            for column in frame.columns.drop(frame.geometry.name):
                values = [schema.decode(column, _plain(v)) for v in frame[column]]
                if column in integers:  # a nullable integer column is read as float
                    values = [None if v is None else int(v) for v in values]
                frame[column] = pd.Series(values, index=frame.index, dtype=object)
            self._frames[table] = frame
        return self._frames[table]

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

        Returns (page, number matched).
        """
        frame = self.frame(collection)
        for column, value in (equals or {}).items():
            frame = frame[[as_text(v) == value for v in frame[column]]]
        if period is not None:
            keep = [overlaps(s, e, *period) for s, e in zip(frame["start"], frame["end"], strict=True)]
            frame = frame[keep]
        if bbox is not None:
            frame = frame[frame.intersects(box(*bbox))]
        matched = len(frame)
        stop = None if limit is None else offset + limit
        return frame.iloc[offset:stop], matched

    def filterable(self, collection: str) -> list[str]:
        """Properties that can be filtered by equality: the scalar ones."""
        frame = self.frame(collection)
        return [c for c in frame.columns if c != frame.geometry.name and c not in schema.JSON_COLUMNS]

    def get(self, collection: str, fid: str) -> gpd.GeoDataFrame:
        """One feature by id, as a one-row frame."""
        frame = self.frame(collection)
        row = frame[frame["id"] == fid]
        if row.empty:
            raise NotFound(f"no feature {fid!r} in collection {collection!r}")
        return row


def as_text(value) -> str | None:
    """A property value as a filter compares it: 22000.0 -> "22000", True -> "true", None -> None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _plain(value):
    """NaN and NaT as None."""
    try:
        return None if value != value else value  # noqa: PLR0124 - NaN check
    except (TypeError, ValueError):
        return value

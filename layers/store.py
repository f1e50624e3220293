"""The store: one GeoPackage holding every layer, full precision and a light display copy.

Behind a small interface (`collections`, `frame`, `query`, `get`) so that PostGIS can later
serve what the GeoPackage serves. Writes are atomic: a failed build leaves the old file.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
from shapely.geometry import box

from layers import schema
from layers.dates import overlaps
from layers.errors import NotFound

DISPLAY_SUFFIX = "__display"
BASEMAP = "_basemap"  # country outlines for the offline base map; not a collection


def write_store(
    layers: dict[str, tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]], basemap: gpd.GeoDataFrame, path: Path
) -> None:
    """Write {id: (full, display)} and the basemap to `path` atomically (temp file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")
    tmp.unlink(missing_ok=True)
    tables = {BASEMAP: basemap}
    for name, (full, display) in layers.items():
        tables |= {name: full, name + DISPLAY_SUFFIX: display}
    try:
        for table, frame in tables.items():
            encoded = frame.copy()
            for column in encoded.columns.drop(encoded.geometry.name):
                encoded[column] = encoded[column].map(schema.encode)
            pyogrio.write_dataframe(encoded, tmp, layer=table, driver="GPKG")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


class GeoPackageStore:
    """Read access to the built GeoPackage; frames are read once and kept in memory."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._frames: dict[str, gpd.GeoDataFrame] = {}

    def collections(self) -> list[str]:
        """Ids of the collections in the store, in the order they were written."""
        names = [name for name, _ in pyogrio.list_layers(self.path)]
        return [n for n in names if not n.endswith(DISPLAY_SUFFIX) and not n.startswith("_")]

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
            for column in frame.columns.drop(frame.geometry.name):
                values = [schema.decode(column, _plain(v)) for v in frame[column]]
                frame[column] = pd.Series(values, index=frame.index, dtype=object)
            self._frames[table] = frame
        return self._frames[table]

    def query(
        self,
        collection: str,
        period: tuple[date | None, date | None] | None = None,
        bbox: tuple[float, float, float, float] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> tuple[gpd.GeoDataFrame, int]:
        """Features overlapping `period` and `bbox`; returns (page, number matched)."""
        frame = self.frame(collection)
        if period is not None:
            keep = [overlaps(s, e, *period) for s, e in zip(frame["start"], frame["end"], strict=True)]
            frame = frame[keep]
        if bbox is not None:
            frame = frame[frame.intersects(box(*bbox))]
        matched = len(frame)
        stop = None if limit is None else offset + limit
        return frame.iloc[offset:stop], matched

    def get(self, collection: str, fid: str) -> gpd.GeoDataFrame:
        """One feature by id, as a one-row frame."""
        frame = self.frame(collection)
        row = frame[frame["id"] == fid]
        if row.empty:
            raise NotFound(f"no feature {fid!r} in collection {collection!r}")
        return row


def _plain(value):
    """NaN and NaT as None."""
    try:
        return None if value != value else value  # noqa: PLR0124 - NaN check
    except (TypeError, ValueError):
        return value

"""The store's interface: what the web app may ask of the atlas, whichever engine holds it.

Two engines implement it with the same SQL (store.sql): the GeoPackage (store.geopackage) and PostGIS
(store.postgis). A query names a collection; an unknown one raises NotFound, a bad filter QueryError (both
carry their HTTP meaning, answered in one place by the web app).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import geopandas as gpd
import shapely

Period = tuple[date | None, date | None]  # the first and last day (None: open)
BBox = tuple[float, float, float, float]  # minlon, minlat, maxlon, maxlat (WGS84)


class Store:
    """The atlas as the web app reads it: collections of features, their metadata, and queries over them."""

    version: str  # the data version: a short content hash of the build, cited with every export

    def collections(self) -> list[str]:
        """Ids of the collections in the store, in the order they were written."""
        raise NotImplementedError

    def meta(self, key: str):
        """A build metadata value (e.g. "quality"), or None."""
        raise NotImplementedError

    def meta_keys(self) -> list[str]:
        """The keys of the build metadata."""
        raise NotImplementedError

    def frame(self, collection: str, display: bool = False) -> gpd.GeoDataFrame:
        """The whole layer, decoded (display=True: the simplified copy for the map page)."""
        raise NotImplementedError

    def filterable(self, collection: str) -> dict[str, str]:
        """Properties that can be filtered by equality, the scalar ones: {name: kind (text, real, integer, boolean)}."""
        raise NotImplementedError

    def geometry_type(self, collection: str) -> str | None:
        """The collection's geometry type as the GeoPackage declares it (POINT, MULTIPOLYGON, ...; GEOMETRY: mixed)."""
        raise NotImplementedError

    def first_date(self) -> date | None:
        """The earliest date any feature of the store can have (its earliest start), or None."""
        raise NotImplementedError

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
        """(page, number matched): the features overlapping `period` and `bbox` whose `equals` properties match.

        The page holds rows of the decoded frame (of its display copy with display=True), in fid order.
        """
        raise NotImplementedError

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
        """As `query`, but the page as the stored RFC 7946 text of each feature, in UTF-8: (texts, number matched)."""
        raise NotImplementedError

    def texts(
        self,
        collection: str,
        *,
        period: Period | None = None,
        bbox: BBox | None = None,
        equals: dict[str, str] | None = None,
    ) -> Iterator[bytes]:
        """Every matching feature's stored text (UTF-8), read as it is sent (constant memory)."""
        raise NotImplementedError

    def grid(
        self, collection: str, *, bbox: BBox, cells: int, period: Period | None = None
    ) -> list[tuple[int, int, int]]:
        """[(column, row, count)] of the non-empty cells of a cells x cells grid over the bbox."""
        raise NotImplementedError

    def get(self, collection: str, fid: str) -> gpd.GeoDataFrame:
        """One feature by id, as a one-row frame; NotFound when there is none."""
        raise NotImplementedError

    def feature_text(self, collection: str, fid: str) -> str:
        """One feature by id as its stored RFC 7946 text, the text `items` serves."""
        raise NotImplementedError

    def basemap(self) -> gpd.GeoDataFrame:
        """Country outlines for the offline base map."""
        raise NotImplementedError

    def soviet_land(self) -> shapely.Geometry:
        """The Soviet-side land polygon the zones are clipped to."""
        raise NotImplementedError

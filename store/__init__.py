"""The atlas's storage: one small interface (store.base.Store) and two engines with the same SQL.

GeoPackageStore(path)            the GeoPackage a build writes (write_store), queried through sqlite3
PostGISStore(Database(url), v, schema)   a release loaded into PostGIS (load; python -m store.pg_admin load)
selected(config, cache)          the one a configuration (STORE, DATABASE) selects
"""

from store.base import Store
from store.config import engine, selected
from store.geopackage import GeoPackageStore
from store.pg_load import load
from store.postgis import Database, PostGISStore
from store.sql import as_text
from store.tables import STORE_COLUMNS
from store.writer import write_store

__all__ = [
    "STORE_COLUMNS",
    "Database",
    "GeoPackageStore",
    "PostGISStore",
    "Store",
    "as_text",
    "engine",
    "load",
    "selected",
    "write_store",
]

"""Opening the store the configuration selects: the GeoPackage at STORE (default) or PostGIS at DATABASE."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from layers.errors import NotFound
from store.base import Store


def _geopackage(config: Mapping, cache: dict) -> tuple[object, Callable[[], Store]]:
    """The GeoPackage at STORE; a rebuilt file (new mtime) is a new key."""
    from store.geopackage import GeoPackageStore

    path = config["STORE"]
    if not path.exists():
        raise NotFound(f"the data has not been built yet: run `make data` to create {path}")
    return path.stat().st_mtime_ns, lambda: GeoPackageStore(path)


def _postgis(config: Mapping, cache: dict) -> tuple[object, Callable[[], Store]]:
    """The atlas in PostGIS at DATABASE; a new load (new data version) is a new key."""
    from store.postgis import Database, PostGISStore

    database = cache.get("atlas_database")
    if database is None:
        database = cache["atlas_database"] = Database(config["DATABASE"])
    version = database.version()
    return version, lambda: PostGISStore(database, version)


ENGINES = {"gpkg": _geopackage, "postgis": _postgis}


def engine(config: Mapping) -> str:
    """The engine a configuration selects: "postgis" when DATABASE is set, else "gpkg"."""
    return "postgis" if config.get("DATABASE") else "gpkg"


def selected(config: Mapping, cache: dict) -> tuple[object, Callable[[], Store]]:
    """(key, open) of the configured store: the key changes when its data does (a rebuilt file, a new load).

    `cache` keeps what outlives one store (the PostGIS connections); NotFound when there is no data yet.
    """
    return ENGINES[engine(config)](config, cache)

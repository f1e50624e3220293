"""Opening the store the configuration selects: the GeoPackage at STORE (default) or PostGIS at DATABASE."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from store.base import Store
from store.errors import NotFound

STORE = Path(__file__).resolve().parent.parent / "data" / "build" / "atlas.gpkg"  # the GeoPackage a build writes


def _geopackage(config: Mapping, cache: dict) -> tuple[object, Callable[[], Store]]:
    """The GeoPackage at STORE; a rebuilt file (new mtime) is a new key."""
    from store.geopackage import GeoPackageStore

    path = config["STORE"]
    if not path.exists():
        raise NotFound(f"the data has not been built yet: run `make data` to create {path}")
    return path.stat().st_mtime_ns, lambda: GeoPackageStore(path)


def _postgis(config: Mapping, cache: dict) -> tuple[object, Callable[[], Store]]:
    """The latest release in PostGIS at DATABASE (known without a query while its listener is connected); a new
    latest release is a new key."""
    from store.postgis import PostGISStore

    latest = database(config, cache).latest()
    return latest.schema, lambda: PostGISStore(cache["atlas_database"], latest.version, latest.schema)


def database(config: Mapping, cache: dict):
    """The app's one store.postgis.Database (its connections and its listener), kept in `cache`."""
    from store.postgis import Database

    found = cache.get("atlas_database")
    if found is None:
        found = cache["atlas_database"] = Database(config["DATABASE"])
    return found


ENGINES = {"gpkg": _geopackage, "postgis": _postgis}


def engine(config: Mapping) -> str:
    """The engine a configuration selects: "postgis" when DATABASE is set, else "gpkg"."""
    return "postgis" if config.get("DATABASE") else "gpkg"


def selected(config: Mapping, cache: dict) -> tuple[object, Callable[[], Store]]:
    """(key, open) of the configured store: the key changes when its data does (a rebuilt file, a new load).

    `cache` keeps what outlives one store (the PostGIS connections); NotFound when there is no data yet.
    """
    return ENGINES[engine(config)](config, cache)

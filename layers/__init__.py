"""Border Atlas layers: read data/sources and data/reference, validate, build GeoDataFrames.

The registry maps each OGC API collection id to the module that builds it; each module has
TITLE and DESCRIPTION.
"""

from layers import areas, border, customs, diplomacy, incidents, migration, outposts, places, zones
from layers.errors import DataError, NotFound, QueryError
from layers.store import GeoPackageStore, write_store

REGISTRY = {
    "border": border,
    "zones": zones,
    "places": places,
    "outposts": outposts,
    "customs": customs,
    "diplomacy": diplomacy,
    "incidents": incidents,
    "migration": migration,
    "areas": areas,
}

__all__ = ["REGISTRY", "DataError", "GeoPackageStore", "NotFound", "QueryError", "write_store"]

"""Border Atlas layers: read data/sources and data/reference, validate, build GeoDataFrames.

The registry maps each OGC API collection id to the module that builds it; each module has
TITLE, DESCRIPTION and JSON_COLUMNS (its columns that hold lists or mappings).
"""

from layers import areas, border, customs, diplomacy, incidents, migration, outposts, places, schema, zones
from layers.errors import DataError, NotFound, QueryError

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
# Every column that holds lists or mappings (the store keeps them as JSON text): the common ones and each layer's.
JSON_COLUMNS = frozenset(schema.COMMON_JSON).union(*(module.JSON_COLUMNS for module in REGISTRY.values()))

__all__ = ["JSON_COLUMNS", "REGISTRY", "DataError", "NotFound", "QueryError"]

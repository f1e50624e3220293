"""The layers the build makes: each OGC API collection id -> the module that builds it.

Each module has TITLE, DESCRIPTION and JSON_COLUMNS (its columns that hold lists or mappings).
"""

from layers import areas, border, customs, diplomacy, incidents, migration, outposts, places, schema, zones

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
# Every column that holds lists or mappings (the store keeps them as JSON text, and its catalogue names them): the
# common ones and each layer's.
JSON_COLUMNS = frozenset(schema.COMMON_JSON).union(*(module.JSON_COLUMNS for module in REGISTRY.values()))

__all__ = ["JSON_COLUMNS", "REGISTRY"]

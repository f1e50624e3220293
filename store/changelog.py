"""The changes between two stores: per layer, the features added, removed and changed (each changed field, old -> new).

Read through the store interface (either engine): each layer's features as the RFC 7946 text the API serves,
compared as text first, so that only the features that differ are decoded.
"""

from __future__ import annotations

import json

import shapely
from shapely.geometry import shape

from store.base import Store

GEOMETRY = "geometry"  # the field a changed geometry is listed under
SHORT_WKT = 120  # a changed geometry is shown as WKT up to this length, else described
# The build metadata a reader is told changed, in words (store.tables: the keys of the `_meta` table).
OTHER_WORDS = {
    "quality": "the data-quality report",
    "tariff_1923": "the 1923 customs tariff",
    "statistics": "the yearly figures",
    "texts": "the source texts",
    "citations": "the index of cited passages",
    "_catalog": "the layers' fields",
}


def _features(store: Store, collection: str) -> dict[str, str]:
    """{feature id: its stored text} of one layer."""
    texts, _ = store.items(collection)
    return {_id_of(text): text for text in texts}


def _id_of(text: str) -> str:
    return json.loads(text)["id"]


def _geometry_words(geometry: dict | None) -> str | None:
    """A changed geometry as a reader can compare it: short WKT, or its type, size and bounds."""
    if geometry is None:
        return None
    geom = shape(geometry)
    wkt = shapely.to_wkt(geom, rounding_precision=5)
    if len(wkt) <= SHORT_WKT:
        return wkt
    bounds = ", ".join(f"{v:.4f}" for v in geom.bounds)
    return f"{geom.geom_type} of {shapely.get_num_coordinates(geom)} points within ({bounds})"


def _fields(old_text: str, new_text: str) -> dict[str, list]:
    """{field: [old, new]} of every property (and the geometry) that differs between two feature texts."""
    old, new = json.loads(old_text), json.loads(new_text)
    before, after = old["properties"], new["properties"]
    fields = {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }
    if old["geometry"] != new["geometry"]:
        fields[GEOMETRY] = [_geometry_words(old["geometry"]), _geometry_words(new["geometry"])]
    return fields


def layer_changes(old: dict[str, str], new: dict[str, str]) -> dict:
    """{added: [ids], removed: [ids], changed: [{id, fields}]} between two layers given as {id: text}."""
    both = sorted(old.keys() & new.keys())
    changed = [{"id": fid, "fields": _fields(old[fid], new[fid])} for fid in both if old[fid] != new[fid]]
    return {
        "added": sorted(new.keys() - old.keys()),
        "removed": sorted(old.keys() - new.keys()),
        "changed": [c for c in changed if c["fields"]],
    }


def changes(old: Store | None, new: Store) -> dict:
    """The changelog from `old` to `new` (old None: every feature of `new` added).

    {"layers": {collection: {added, removed, changed}} (only the layers with a change), "other": [the build
    metadata that changed, e.g. "statistics"]}.
    """
    layers = {}
    old_collections = old.collections() if old is not None else []
    for collection in dict.fromkeys([*new.collections(), *old_collections]):
        before = _features(old, collection) if collection in old_collections else {}
        after = _features(new, collection) if collection in new.collections() else {}
        found = layer_changes(before, after)
        if any(found.values()):
            layers[collection] = found
    other = [] if old is None else [key for key in new.meta_keys() if old.meta(key) != new.meta(key)]
    return {"layers": layers, "other": other}


def other_words(keys: list[str]) -> list[str]:
    """The changed build metadata of a changelog as a reader is told it: "the yearly figures", not "statistics"."""
    return [OTHER_WORDS.get(key) or key.strip("_").replace("_", " ") for key in keys]


def summary(changelog: dict) -> dict:
    """{collection: {added: n, removed: n, changed: n}} and the total number of changes, for lists and banners."""
    layers = {
        cid: {kind: len(found[kind]) for kind in ("added", "removed", "changed")}
        for cid, found in changelog["layers"].items()
    }
    total = sum(sum(counts.values()) for counts in layers.values())
    return {"layers": layers, "total": total, "other": list(changelog["other"])}

"""The common schema: each layer declares the columns that hold lists or mappings, and only those do."""

from __future__ import annotations

import pytest

from layers import schema
from layers.registry import JSON_COLUMNS, REGISTRY


def nested(value) -> bool:
    return isinstance(value, (list, dict))


def declared(cid: str, frame) -> set[str]:
    return (schema.COMMON_JSON | REGISTRY[cid].JSON_COLUMNS) & set(frame.columns)


def undeclared(cid: str, frame) -> set[str]:
    """The columns of a layer that hold a list or a mapping but are not declared as such."""
    columns = set(frame.columns) - {frame.geometry.name}
    return {c for c in columns if frame[c].map(nested).any()} - declared(cid, frame)


@pytest.mark.parametrize("cid", list(REGISTRY))
def test_every_list_or_mapping_column_is_declared_and_holds_nothing_else(layers, cid):
    frame = layers[cid]
    assert undeclared(cid, frame) == set()
    for column in declared(cid, frame):
        assert frame[column].map(lambda v: v is None or nested(v)).all(), f"{cid}.{column} holds plain values too"


def test_the_check_can_fail(layers):
    """A layer holding a list in a column it does not declare is caught."""
    frame = layers["customs"].assign(note=[["a list"]] * len(layers["customs"]))
    assert undeclared("customs", frame) == {"note"}


def test_the_store_decodes_every_declared_column():
    assert set(schema.COMMON_JSON).union(*(m.JSON_COLUMNS for m in REGISTRY.values())) == JSON_COLUMNS
    assert {"acts", "general_acts", "population", "zones_containing", "rule"} <= JSON_COLUMNS

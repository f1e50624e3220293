"""Fixtures shared by the layer tests."""

import pytest

from layers import places
from layers.build import SOURCES


@pytest.fixture(scope="module")
def gazetteer() -> list[dict]:
    """The gazetteer as data/sources/places.yaml gives it."""
    return places.read_places(SOURCES)

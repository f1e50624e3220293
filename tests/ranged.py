"""A build of the real sources whose figures have a best value inside a range (the real ones have none), so that
the tests can see how every page and the map say "about 50 (40–60)"."""

from __future__ import annotations

import shutil
from pathlib import Path

from layers.build import SOURCES
from pipeline.build import build
from tests.contrib.quick import simplified_reference

ZAYSAN = "households: {low: null, best: 50, high: null, approximate: true}"  # the incident and its flow
PUCHKOV = "value: {low: 500, best: null, high: 700, approximate: true}"  # the 1932 report of White émigrés
EDITS = {
    "incidents.yaml": (ZAYSAN, "households: {low: 40, best: 50, high: 60, approximate: true}"),
    "migration.yaml": (ZAYSAN, "households: {low: 40, best: 50, high: 60, approximate: true}"),
    "statistics.yaml": (PUCHKOV, "value: {low: 500, best: 600, high: 700, approximate: true}"),
}
ZAYSAN_SAID, PUCHKOV_SAID = "about 50 (40–60)", "about 600 (500–700)"


def ranged_store(root: Path) -> Path:
    """Build the altered sources under `root`; the store's path."""
    sources = root / "sources"
    shutil.copytree(SOURCES, sources)
    for name, (old, new) in EDITS.items():
        text = (sources / name).read_text(encoding="utf-8")
        assert old in text, f"{name} no longer has {old}: the test would prove nothing"
        (sources / name).write_text(text.replace(old, new), encoding="utf-8")
    store = root / "atlas.gpkg"
    build(
        sources, simplified_reference(root / "reference"), store, progress=lambda *_: None, releases=root / "releases"
    )
    return store

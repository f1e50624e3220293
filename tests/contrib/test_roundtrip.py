"""Every download of the atlas imports back unchanged: export, import, identical records, per layer and format."""

from __future__ import annotations

import pytest

from contrib import readers, records
from contrib.columns import LAYERS
from contrib.compare import canonical, differences
from layers import customs, incidents, migration, outposts, places
from layers.build import SOURCES
from layers.sources import strip_lines

SOURCE_RECORDS = {
    "incidents": lambda: incidents.read_incidents(SOURCES),
    "places": lambda: strip_lines(places.read_places(SOURCES)),
    "units": lambda: outposts.read_outposts(SOURCES),
    "customs": lambda: customs.read_customs(SOURCES).posts,
    "migration": lambda: migration.read_migration(SOURCES)[1],
}
FORMATS = ("geojson", "gpkg", "csv")
# What Linked Places Format carries of a place (it cites by label, not by quote, and has no precision class).
LPF_FIELDS = ("id", "name", "name_ru", "name_zh", "feature_type", "side", "geonames_id", "relative_location",
              "admin_1920s", "in_1927_list")  # fmt: skip


def imported(path, layer: str, context) -> dict[str, dict]:
    entries = records.entries(readers.read(path, collection=LAYERS[layer].collection), layer, context)
    assert [str(p) for e in entries for p in e.problems] == []
    return {e.record["id"]: e.record for e in entries}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_a_download_imports_back_as_the_same_records(layer, fmt, download, context):
    source = {r["id"]: r for r in SOURCE_RECORDS[layer]()}
    got = imported(download(LAYERS[layer].collection, fmt), layer, context)
    assert sorted(got) == sorted(source)
    changed = {i: differences(source[i], got[i], layer) for i in source if differences(source[i], got[i], layer)}
    assert changed == {}


def test_linked_places_import_back_with_what_lpf_carries(download, context):
    source = {r["id"]: canonical(r, "places") for r in SOURCE_RECORDS["places"]()}
    got = {i: canonical(r, "places") for i, r in imported(download("places", "lpf"), "places", context).items()}
    assert sorted(got) == sorted(source)
    for pid, record in source.items():
        assert {k: got[pid].get(k) for k in LPF_FIELDS} == {k: record.get(k) for k in LPF_FIELDS}, pid
        if record["precision_class"] in ("exact", "near"):
            assert (got[pid]["lon"], got[pid]["lat"]) == pytest.approx((record["lon"], record["lat"]))


def test_the_comparison_can_fail(download, context):
    source = {r["id"]: r for r in SOURCE_RECORDS["incidents"]()}
    got = imported(download("incidents", "geojson"), "incidents", context)
    got["sarkand-1927-08-18"]["counts"]["detained"]["best"] += 1
    assert differences(source["sarkand-1927-08-18"], got["sarkand-1927-08-18"]) == ["counts"]

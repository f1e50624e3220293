"""The migration layer (data/sources/migration.yaml)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from layers import migration, places
from layers.errors import DataError

SOURCES = Path(__file__).resolve().parents[2] / "data" / "sources"


@pytest.fixture(scope="module")
def records():
    return migration.read_migration(SOURCES)


def _write(tmp_path, old, new):
    shutil.copy(SOURCES / "places.yaml", tmp_path / "places.yaml")
    text = (SOURCES / "migration.yaml").read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "migration.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path


def test_both_household_estimates_with_their_authorities(records):
    flows = {f["id"]: f for f in records[1]}
    ogpu, republic = flows["households-to-western-china-ogpu"], flows["households-to-china-mongolia-republic"]
    assert ogpu["households"]["low"] == 40000 and ogpu["authority"] == "OGPU"
    assert republic["households"]["best"] == 83000 and republic["authority"] == "republican authorities"


def test_flows_of_003_are_there(records):
    ids = {f["id"] for f in records[1]}
    assert {
        "emigration-1930-1933", "revolt-1916-ili", "russians-1920-1921", "return-early-1930s",
        "kazakhs-in-xinjiang-late-1930s", "russians-in-xinjiang-late-1930s", "summer-1927-collective-migration",
        "zaysan-households-1931-02",
    } <= ids  # fmt: skip
    flows = {f["id"]: f for f in records[1]}
    assert flows["revolt-1916-ili"]["people"] == {"low": 150000, "best": None, "high": 160000, "approximate": False}


def test_build_draws_lines_between_anchors(records):
    frame = migration.build(records, places.read_places(SOURCES)).set_index("id")
    assert frame.loc["households-to-western-china-ogpu"].geometry.geom_type == "LineString"
    assert frame.loc["emigration-1930-1933"].geometry.geom_type == "MultiLineString"
    assert frame.loc["kazakhs-in-xinjiang-late-1930s"].geometry is None
    assert frame["approximate_geometry"].all()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "to: xinjiang",
            "to: atlantis",
            r"migration.yaml:\d+: entry 'households-to-western-china-ogpu': area 'atlantis'",
        ),
        ("place: tashkent", "place: nowhere", r"entry 'central-asia': anchor place 'nowhere' is not in the gazetteer"),
        ('start: "1916"', 'start: "1917"', r"entry 'revolt-1916-ili': end 1916 is before start 1917"),
        (
            "{low: 150000, best: null, high: 160000",
            "{low: 150000, best: 170000, high: 160000",
            r"best 170000 is outside",
        ),
        ("{low: 40000, best: null", "{low: -4, best: null", r"households low is negative"),
        ("    kind: emigration", "    kind: tourism", r"kind 'tourism' is not one of"),
        ("authority: OGPU\n", "authority: OGPU\n    colour: red\n", r"unknown field\(s\) \['colour'\]"),
        ("    who: Russians\n", "", r"entry 'russians-in-xinjiang-late-1930s': a `presence` \(stock\) must say whom"),
    ],
)
def test_faults(tmp_path, old, new, message):
    with pytest.raises(DataError, match=message):
        migration.read_migration(_write(tmp_path, old, new))

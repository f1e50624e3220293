"""The incidents layer (data/sources/incidents.yaml) and the statistics table."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pyproj import Geod

from layers import border, incidents, placenames, places, statistics
from layers.build import build_areas
from layers.errors import DataError

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "data" / "sources"
REFERENCE = ROOT / "data" / "reference"
EXPECTED = {
    "sarkand-1927-08-18", "santos-1927-08-24", "chulak-1927-08-15", "tokhty-1927-08", "ush-bulak-1927-summer",
    "masanov-1928", "makulbayev-1929", "zaysan-1931-02-11", "matveyevka-1932-spring",
    "kyzyl-aul-khabarasu-1932-10", "uryl-1933", "six-kazakhs-1935-07-18", "kaldybaev-crossing-1935-11",
    "kaldybaev-1935-12-13",
}  # fmt: skip
GOOD = """# incidents.yaml made by the test
incidents:
  - id: one
    name: One
    event_type: detention
    subtype: null
    start: "1927-08-18"
    end: "1927-08-18"
    date_precision: day
    date_text: On August 18
    actors: [{who: guards, side: USSR}]
    unit: outpost-49-9
    counts: {detained: {low: 12, best: 12, high: 12, approximate: false}}
    direction: null
    goods: []
    location_text: in the village
    location: {place: sarkand, phrase: null}
    precision_m: null
    sources:
      - {document: ablazhey-zhanbossinova-2026, note: null, quote: one two three four five}
    quote: one two three four five
"""


@pytest.fixture(scope="module")
def records():
    return incidents.read_incidents(SOURCES)


@pytest.fixture(scope="module")
def frame(records):
    gazetteer = places.read_places(SOURCES)
    return incidents.build(records, gazetteer, border.border_line(REFERENCE), build_areas(gazetteer))


def _write(tmp_path, text):
    for name in ("places.yaml", "outposts.yaml", "areas.yaml"):
        shutil.copy(SOURCES / name, tmp_path / name)
    (tmp_path / "incidents.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_every_incident_of_003_is_there(records):
    missing = EXPECTED - {r["id"] for r in records}
    assert not missing, f"incidents missing: {sorted(missing)}"


def test_a_good_fixture_reads(tmp_path):
    assert [r["id"] for r in incidents.read_incidents(_write(tmp_path, GOOD))] == ["one"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("place: sarkand", "place: nowhere", r"incidents.yaml:3: entry 'one': location place 'nowhere' is not in"),
        ('end: "1927-08-18"', 'end: "1927-08-01"', r"end 1927-08-01 is before start"),
        ("low: 12, best: 12", "low: -1, best: 12", r"detained low is negative"),
        ("low: 12, best: 12, high: 12", "low: 12, best: 12, high: 5", r"low 12 is above high 5"),
        ("low: 12, best: 12, high: 12", "low: 12, best: 20, high: 15", r"best 20 is outside low..high"),
        ("event_type: detention", "event_type: picnic", r"event_type 'picnic' is not one of"),
        ("    name: One\n", "    name: One\n    colour: red\n", r"unknown field\(s\) \['colour'\]"),
        ("unit: outpost-49-9", "unit: outpost-99", r"unit 'outpost-99' is not a unit id in outposts.yaml"),
        ("side: USSR", "side: Mars", r"actor side 'Mars'"),
        ("detained: {", "wounded: {", r"count kind 'wounded'"),
    ],
)
def test_faults_name_file_line_id_and_reason(tmp_path, old, new, message):
    assert old in GOOD
    with pytest.raises(DataError, match=message):
        incidents.read_incidents(_write(tmp_path, GOOD.replace(old, new)))


def test_duplicate_id(tmp_path):
    twice = GOOD + GOOD.split("incidents:\n", 1)[1]
    with pytest.raises(DataError, match=r"entry 'one': duplicate id"):
        incidents.read_incidents(_write(tmp_path, twice))


def test_santos_resolves_4_km_south_east_of_narynkol(frame):
    narynkol = placenames.find_place("Narynkol", places.read_places(SOURCES))
    santos = frame.set_index("id").loc["santos-1927-08-24"]
    azimuth, _, distance = Geod(ellps="WGS84").inv(
        narynkol["lon"], narynkol["lat"], santos.geometry.x, santos.geometry.y
    )
    assert distance == pytest.approx(4000, rel=0.01)
    assert azimuth == pytest.approx(135, abs=1)
    assert 2000 < santos["precision_m"] < 5000
    assert "measured from Narynkol (offset)" in santos["location_basis"]


def test_a_band_from_the_border_gives_an_area_not_a_point(frame):
    row = frame.set_index("id").loc["six-kazakhs-1935-07-18"]
    assert "a line 500 m (+-10%) from the border" in row["location_basis"]
    assert (row["where_prec"], row["area_id"]) == ("area", "bakhty-500m")


def test_unresolved_anchor_falls_back_to_the_area(frame):
    row = frame.set_index("id").loc["chulak-1927-08-15"]
    assert "cannot be measured: Selke has no point" in row["location_basis"]
    assert "“Zone of responsibility of the 49th (Jarkent) border detachment”" in row["location_basis"]
    assert (row["where_prec"], row["area_id"]) == ("area", "sector-49-jarkent")


def test_without_any_clue_an_incident_stays_unlocated(frame):
    row = frame.set_index("id").loc["uryl-1933"]
    assert row.geometry is None and not row["located"] and row["where_prec"] == "unlocated"
    assert "Uryl is unlocated (probably the modern village" in row["location_basis"]


def test_the_1930_figures_are_statistics_not_incidents(records):
    assert not any(r["start"].startswith("1930") for r in records)
    table = {r["id"]: r for r in statistics.rows(statistics.read_statistics(SOURCES))}
    assert table["detained-into-ussr-1930"]["best"] == 1093
    assert table["detained-out-of-ussr-1930"]["best"] == 2538
    assert table["violators-killed-1930"]["best"] == 734
    assert table["border-guards-killed-1930"]["best"] == 24
    assert table["gangs-1927"]["best"] == 23 and table["bai-farms-deported-1928"]["best"] == 1027
    assert "geometry" not in table["gangs-1927"]


def test_statistics_reject_a_bad_range(tmp_path):
    text = (SOURCES / "statistics.yaml").read_text(encoding="utf-8")
    text = text.replace("{low: 23, best: 23, high: 23", "{low: 23, best: 23, high: 2", 1)
    (tmp_path / "statistics.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"statistics.yaml:\d+: entry 'gangs-1927': value: low 23 is above high 2"):
        statistics.read_statistics(tmp_path)

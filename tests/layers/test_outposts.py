"""data/sources/outposts.yaml: the units of seed 003, their names and counts by year, and malformed-file errors."""

from __future__ import annotations

import pytest
import yaml
from shapely.geometry import Point

from layers import DataError
from layers.build import SOURCES, build_areas
from layers.outposts import (
    UNIT_TYPES,
    build,
    facts_in_year,
    name_in_year,
    read_outposts,
    read_places_lonlat,
    seat_in_year,
)

# Units the brief and seed 003 name, each of which must be in outposts.yaml.
EXPECTED_UNITS = [
    "turkestan-border-division", "semipalatinsk-provincial-border-detachment", "siberian-border-district",
    "zaysan-border-squad", "zaysan-border-detachment", "jetisu-border-detachment", "kazakh-border-district",
    "detachment-30-bakhty", "detachment-49-jarkent", "detachment-50-zaysan", "bakhty-commandant-office",
    "commandant-office-10-chingistai", "commandant-office-11-lepsinsk", "commandant-office-12-saryzhak",
    "outpost-49-1", "outpost-49-9", "outpost-49-10", "section-49-3-4", "command-49-3", "outpost-matveyevka",
    "outpost-kyzyl-aul", "outpost-dzhimanchi", "outpost-chiganak", "mobile-groups",
    "air-detachments-kazakh-district", "air-squadron-kazakh-district", "directorate-border-troops-kazakh-ssr",
]  # fmt: skip


@pytest.fixture(scope="module")
def units():
    return {u["id"]: u for u in read_outposts(SOURCES)}


@pytest.mark.parametrize("unit_id", EXPECTED_UNITS)
def test_every_unit_is_there(units, unit_id):
    assert unit_id in units


def _values(unit, what, year):
    return [f["value"] for f in facts_in_year(unit, year, what)]


@pytest.mark.parametrize(("year", "outposts"), [(1926, []), (1927, [4]), (1929, []), (1930, [8]), (1932, [14])])
def test_bakhty_outposts_by_year(units, year, outposts):
    assert _values(units["bakhty-commandant-office"], "outposts", year) == outposts


def test_bakhty_border_length_and_origin(units):
    bakhty = units["bakhty-commandant-office"]
    assert _values(bakhty, "border_km", 1930) == [526]
    assert bakhty["formed_from"] == "zaysan-border-detachment"
    assert bakhty["seat"] == "bakhty"


@pytest.mark.parametrize(
    ("what", "year", "value", "qualifier"),
    [
        ("border_km", 1930, 1636, None),
        ("personnel", 1935, 3400, "nearly"),
        ("personnel", 1939, 5600, "over"),
        ("air_detachments", 1934, 2, None),
    ],
)
def test_district_counts(units, what, year, value, qualifier):
    [fact] = facts_in_year(units["kazakh-border-district"], year, what)
    assert (fact["value"], fact.get("qualifier")) == (value, qualifier)
    assert fact["sources"][0]["quote"]


@pytest.mark.parametrize(
    ("unit_id", "year", "name"),
    [
        ("zaysan-border-detachment", 1923, "Zaysan squadron"),
        # the squadron "later became known as" the detachment: renamed between February 1924 and 1927
        ("zaysan-border-detachment", 1924, "Zaysan squadron"),
        ("zaysan-border-detachment", 1927, "Zaysan border detachment"),
        ("zaysan-border-detachment", 1931, "Zaysan border detachment"),
        ("directorate-border-troops-kazakh-ssr", 1938, "Directorate of border and internal troops of the Kazakh SSR"),
        ("directorate-border-troops-kazakh-ssr", 1939, "Directorate of border troops of the Kazakh SSR"),
        ("detachment-49-jarkent", 1927, "49th Jarkent border detachment"),
        ("bakhty-commandant-office", 1930, "Separate Bakhty commandant's office"),  # no names_by_period
    ],
)
def test_name_in_year(units, unit_id, year, name):
    assert name_in_year(units[unit_id], year) == name


@pytest.mark.parametrize(
    ("year", "seat"), [(1925, "kyzylorda"), (1928, "kyzylorda"), (1929, "alma-ata"), (1936, "alma-ata")]
)
def test_district_seat_by_year(units, year, seat):
    assert seat_in_year(units["kazakh-border-district"], year) == seat


def test_every_unit_type_and_parent_is_known(units):
    assert {u["unit_type"] for u in units.values()} <= set(UNIT_TYPES)
    assert {u["parent"] for u in units.values()} - {None} <= set(units)


def test_build_places_units_at_their_seats(gazetteer):
    areas = build_areas(gazetteer)
    frame = build(read_outposts(SOURCES), read_places_lonlat(SOURCES), areas=areas)
    assert frame["id"].is_unique
    by_id = frame.set_index("id")
    bakhty = by_id.loc["bakhty-commandant-office"]
    assert (round(bakhty.geometry.x, 2), round(bakhty.geometry.y, 2)) == (82.78, 46.68)
    assert bakhty["precision_m"] == 8000
    assert by_id.loc["outpost-49-1"].geometry is None  # seat unknown
    assert "not placed" in by_id.loc["outpost-49-1"]["location_basis"]
    # the district moved its command: one feature per seat, each with its own period
    assert by_id.loc["kazakh-border-district"][["seat", "start", "end"]].tolist() == ["kyzylorda", "1925", "1929"]
    assert by_id.loc["kazakh-border-district@1929"][["seat", "start"]].tolist() == ["alma-ata", "1929"]


def test_the_matveyevka_outpost_is_drawn_where_its_seizure_is(layers):
    """Issue 27: the outpost and its spring 1932 seizure were drawn at the 1927 list's Semipalatinsk marker (the
    Tarbagatai stretch) in the units layer, while the incidents layer put the seizure on the Southern Altai stretch."""
    units, incidents = layers["outposts"].set_index("id"), layers["incidents"].set_index("id")
    outpost, seizure = units.loc["outpost-matveyevka"], incidents.loc["matveyevka-1932-spring"]
    assert outpost["area_id"] == seizure["area_id"] == "southern-altai-stretch"
    assert outpost["where_prec"] == "area" and outpost.geometry.equals(seizure.geometry)
    province = layers["areas"].set_index("id").loc["semipalatinsk-7-5km"]
    assert outpost.geometry.distance(Point(province["marker_lon"], province["marker_lat"])) > 0.5  # degrees
    assert all(e.get("place") != "matveyevka" for e in outpost["events"])
    assert "not the unit's position" in outpost["location_basis"]


@pytest.mark.parametrize(
    ("changes", "area"),
    [({"area": "a1"}, "a1"), ({"area": "a2", "seat": None, "seat_note": "unknown"}, "a2")],
)
def test_a_unit_in_an_area_has_no_seat_and_a_known_area(tmp_path, changes, area):
    (tmp_path / "areas.yaml").write_text(yaml.safe_dump({"areas": [{"id": "a1"}]}), encoding="utf-8")
    message = rf"entry 'u1': area '{area}': a unit in an area of possibility has a null seat and the area is an id"
    with pytest.raises(DataError, match=message):
        _read(tmp_path, _unit(**changes))


# --- malformed files -----------------------------------------------------------------------------

CITE = {"document": "ablazhey-zhanbossinova-2026", "note": None, "quote": "one two three four five"}
EVENT = {"date": "1927", "date_precision": "year", "text": "t", "sources": [CITE]}
NAME = {"name": "N", "start": "1930", "end": None, "date_precision": "year", "sources": [CITE]}
MOVE = {"seat": "there", "date": "1929", "date_precision": "year", "sources": [CITE]}
FACT = {"what": "outposts", "value": 4, "year": 1927, "date_precision": "year", "text": "t", "sources": [CITE]}


def _unit(ident="u1", **changes) -> dict:
    unit = {
        "id": ident, "name": "Unit", "unit_type": "outpost", "parent": None, "seat": "here", "start": "1925",
        "date_precision": "year", "end": None, "sources": [CITE],
    }  # fmt: skip
    unit.update(changes)
    return {k: v for k, v in unit.items() if v != "DROP"}


def _read(tmp_path, *units):
    (tmp_path / "places.yaml").write_text(yaml.safe_dump([{"id": "here"}, {"id": "there"}]), encoding="utf-8")
    data = {"units": list(units)}
    (tmp_path / "outposts.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return read_outposts(tmp_path)


def test_a_valid_file_reads(tmp_path):
    """The check can pass: the base entry of the error cases below is valid."""
    full = {"facts": [FACT], "events": [EVENT], "names_by_period": [NAME], "seat_moves": [MOVE]}
    units = _read(tmp_path, _unit(), _unit("u2", parent="u1", seat=None, seat_note="unknown", **full))
    assert [u["id"] for u in units] == ["u1", "u2"]
    assert "__line__" not in units[1]["facts"][0]


@pytest.mark.parametrize(
    ("units", "message"),
    [
        ([_unit(parent="nowhere")], r"outposts.yaml:\d+: entry 'u1': parent 'nowhere' is not another unit's id"),
        ([_unit(seat="atlantis")], r"entry 'u1': seat 'atlantis' is not in the gazetteer \(places.yaml\)"),
        ([_unit(facts=[{**FACT, "year": None}])], r"a count \(outposts\) without a year"),
        ([_unit(facts=[{k: v for k, v in FACT.items() if k != "year"}])], r"a count \(outposts\) without a year"),
        ([_unit(unit_type="battalion")], r"unit_type 'battalion' is not one of \['directorate'"),
        ([_unit(start="1925", end="1920")], r"end 1920 is before start 1925"),
        ([_unit(colour="red")], r"unknown field\(s\) \['colour'\]; allowed:"),
        ([_unit(), _unit()], r"entry 'u1': duplicate id"),
        ([_unit(seat=None)], r"seat is null \(the seat is unknown\): say so in `seat_note`"),
        ([_unit(start=None, date_precision=None)], r"start is null \(the unit is undated\): say so in `start_note`"),
        ([_unit(start="1925-13")], r"'1925-13' is not a valid date"),
        ([_unit(parent="u2"), _unit("u2", parent="u1")], r"its chain of parents loops back"),
        ([_unit(facts=[{**FACT, "what": "horses"}])], r"fact kind 'horses' is not one of \['outposts'"),
        ([_unit(facts=[{**FACT, "value": None}])], r"needs `value`, or `low` and `high` for a range"),
        ([_unit(facts=[{**FACT, "value": None, "low": 9, "high": 3}])], r"range 9–3: high is below low"),
        ([_unit(sources=[{**CITE, "quote": "too short"}])], r"a quote must be 5–30 words, not 2"),
        ([_unit(sources=[])], r"`sources` must be a non-empty list of citations"),
        ([_unit(events=[{**EVENT, "place": "atlantis"}])], r"event place 'atlantis' is not in the gazetteer"),
        ([_unit(names_by_period=[{**NAME, "end": "1929"}])], r"name 'N': end 1929 is before start 1930"),
        ([_unit(seat_moves=[{**MOVE, "seat": "atlantis"}])], r"seat 'atlantis' is not in the gazetteer"),
    ],
)  # fmt: skip
def test_malformed_units_are_rejected(tmp_path, units, message):
    with pytest.raises(DataError, match=message):
        _read(tmp_path, *units)


def test_missing_gazetteer_is_reported(tmp_path):
    (tmp_path / "outposts.yaml").write_text("units: []\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"places.yaml: cannot read the gazetteer"):
        read_outposts(tmp_path)

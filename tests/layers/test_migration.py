"""The migration layer (data/sources/migration.yaml): flows between areas, as the sources put them (issue 27)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import shapely
from shapely.geometry import Point

from geo.crs import to_metric
from layers import border, migration, places
from layers.build import REFERENCE, build_areas
from layers.errors import DataError

SOURCES = Path(__file__).resolve().parents[2] / "data" / "sources"
CAPITALS = ("alma-ata", "kyzylorda", "urumqi")  # the capitals a flow was once drawn between
KM = 1000.0


@pytest.fixture(scope="module")
def records():
    return migration.read_migration(SOURCES)


@pytest.fixture(scope="module")
def gazetteer_points():
    return {p["id"]: Point(p["lon"], p["lat"]) for p in places.read_places(SOURCES) if p.get("lon") is not None}


@pytest.fixture(scope="module")
def drawn(records):
    """(flows by id, areas by id, the border line, the crossing sectors by id) as the build makes them."""
    gazetteer = places.read_places(SOURCES)
    sectors = build_areas(gazetteer)
    line = border.border_line(REFERENCE)
    flows, areas = migration.build(records, gazetteer, sectors, line, REFERENCE)
    return flows.set_index("id", drop=False), areas.set_index("id", drop=False), line, sectors.set_index("id")


def _write(tmp_path, old, new):
    for name in ("places.yaml", "areas.yaml"):
        shutil.copy(SOURCES / name, tmp_path / name)
    text = (SOURCES / "migration.yaml").read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "migration.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path


def _ends(geometry) -> list[Point]:
    """The first and last points of each line of a flow."""
    lines = getattr(geometry, "geoms", [geometry])
    return [Point(line.coords[i]) for line in lines for i in (0, -1)]


def _km(a, b) -> float:
    return to_metric(a).distance(to_metric(b)) / KM


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


def test_no_flow_ends_at_a_capital_its_sources_do_not_name(drawn, gazetteer_points):
    flows = drawn[0]
    arrows = flows[flows["kind"] != "presence"]
    assert len(arrows) >= 6
    for fid, row in arrows.iterrows():
        quoted = " ".join(s["quote"] for s in row["sources"]).lower()
        for capital in CAPITALS:
            if capital.replace("-", "") in quoted.replace("-", ""):
                continue
            nearest = min(_km(end, gazetteer_points[capital]) for end in _ends(row.geometry))
            assert nearest > 100, f"{fid} ends {nearest:.0f} km from {capital}"


def test_the_kazakh_assr_is_not_anchored_at_alma_ata(drawn, gazetteer_points):
    flows, areas = drawn[0], drawn[1]
    start = _ends(flows.loc["summer-1927-collective-migration"].geometry)[0]
    assert areas.loc["kazakh-assr"].geometry.contains(start)
    assert _km(start, gazetteer_points["alma-ata"]) > 500
    assert "Alma-Ata became the capital only in 1929" in areas.loc["kazakh-assr", "location_basis"]


def test_the_1930_1933_flows_end_in_the_districts_the_article_names(drawn):
    flows, areas = drawn[0], drawn[1]
    districts = areas.loc["xinjiang-border-districts"]
    assert districts["rule"]["extent"] == {"areas": ["ili-district", "tarbagatai-district", "altay-district"]}
    for district in ("ili-district", "tarbagatai-district", "altay-district"):
        area = areas.loc[district]
        assert area["side"] == "China" and area["geometry"].area > 0
        assert "the district's boundary of the time is not known" in area["location_basis"]
        assert any(s["note"] == 38 and "Ili, Tarbagatai, and Altay" in s["quote"] for s in area["sources"])
    for fid in ("emigration-1930-1933", "households-to-western-china-ogpu", "households-to-china-mongolia-republic"):
        row = flows.loc[fid]
        assert "xinjiang-border-districts" in row["to_areas"] and "xinjiang" not in row["to_areas"]
        lines = getattr(row.geometry, "geoms", [row.geometry])
        into = [line for line in lines if districts.geometry.buffer(0.01).contains(Point(line.coords[-1]))]
        assert len(into) == 1, fid


def test_a_total_not_split_by_destination_is_one_flow(drawn):
    flows = drawn[0]
    assert (flows["id"] == "emigration-1930-1933").sum() == 1
    total = flows.loc["emigration-1930-1933"]
    assert total["split"] and total.geometry.geom_type == "MultiLineString" and len(total.geometry.geoms) == 4
    assert (total["count_unit"], total["count"], total["count_open"]) == ("people", 400000, True)
    assert "one total whose split by destination is not given" in total["location_basis"]
    assert not flows.loc["households-to-western-china-ogpu", "split"]


def test_a_flow_through_a_named_sector_passes_through_it(drawn):
    flows, _, _, sectors = drawn
    through = flows[flows["via_area"].notna()]
    assert len(through) >= 1
    for fid, row in through.iterrows():
        sector = sectors.loc[row["via_area"], "geometry"]
        assert to_metric(row.geometry).distance(to_metric(sector)) < 1.0, fid


def test_the_stopped_zaysan_crossing_ends_at_the_border(drawn, gazetteer_points):
    flows, areas, line, _ = drawn
    row = flows.loc["zaysan-households-1931-02"]
    assert row.geometry.geom_type == "LineString" and row["outcome"] == "stopped"
    start, end = _ends(row.geometry)
    assert areas.loc["zaysan-district"].geometry.contains(start)
    assert _km(end, line) < 1.0  # the end lies on the border line, not in Xinjiang
    assert "(stopped at the border)" in row["name"] and "the crossing was stopped there" in row["location_basis"]
    assert (row["count_unit"], row["count"]) == ("households", 50)


def test_a_stock_is_its_area_never_an_arrow(drawn):
    flows, areas = drawn[0], drawn[1]
    stock = flows.loc["russians-1920-1921"]
    assert stock["kind"] == "presence" and pd.isna(stock["from_area"]) and stock["area_id"] == "xinjiang"
    assert shapely.equals(stock.geometry, shapely.boundary(areas.loc["xinjiang"].geometry))
    assert "never as an arrow" in stock["location_basis"]
    assert "present in" in stock["name"] and "→" not in stock["name"]


def test_the_province_of_xinjiang_takes_in_its_cities_south_and_north(drawn, gazetteer_points):
    """The stand-in for the province is not a circle around Urumqi that leaves Kashgar out (new-user walk)."""
    province = drawn[1].loc["xinjiang"].geometry
    for city in ("kashgar", "urumqi", "kuldja"):
        assert province.contains(gazetteer_points[city]), city
    assert not province.contains(Point(91.1, 29.65))  # Lhasa, in Tibet


def test_width_is_the_best_count_households_apart_from_people(drawn):
    flows = drawn[0]
    revolt_like = flows.loc["russians-in-xinjiang-late-1930s"]
    assert (revolt_like["count_low"], revolt_like["count_high"]) == (15000, 20000)
    republic = flows.loc["households-to-china-mongolia-republic"]
    assert (republic["count_unit"], republic["count"]) == ("households", 83000)
    assert flows.loc["emigration-1930-1933", "figure_text"] == "at least 400,000 people (286,000 households)"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("to: xinjiang-border-districts\n", "to: atlantis\n", r"'households-to-western-china-ogpu': area 'atlantis'"),
        ("place: zaysan-district,", "place: nowhere,", r"entry 'zaysan-district': circle place 'nowhere'"),
        ('start: "1930"\n    end: "1933"', 'start: "1933"\n    end: "1930"', r"end 1930 is before start 1933"),
        ("{low: 150000, best: null, high: 1600", "{low: 150000, best: 170000, high: 1600", r"best 170000 is outside"),
        ("{low: 40000, best: null", "{low: -4, best: null", r"households low is negative"),
        ("    kind: emigration", "    kind: tourism", r"kind 'tourism' is not one of"),
        ("authority: OGPU\n", "authority: OGPU\n    colour: red\n", r"unknown field\(s\) \['colour'\]"),
        ("    who: Russians\n", "", r"entry 'russians-in-xinjiang-late-1930s': a `presence` \(stock\) must say whom"),
        ("from: null\n    to: xinjiang\n", "from: china\n    to: xinjiang\n", r"a `presence` \(stock\) is counted"),
        ("    via: sector-50-zaysan\n", "", r"a crossing stopped at the border must name its sector"),
        ("via: sector-50-zaysan", "via: sector-99", r"via 'sector-99' is not an area of areas.yaml"),
        ("extent: {countries: [MNG]}", "extent: {countries: [ATL]}", r"countries \['ATL'\] are not on the outline map"),
        ("box: [60, 49, 90, 58]", "box: [90, 49, 60, 58]", r"box must be \[west, south, east, north\]"),
    ],
)  # fmt: skip
def test_faults(tmp_path, old, new, message):
    with pytest.raises(DataError, match=message):
        migration.read_migration(_write(tmp_path, old, new))


def test_a_flow_must_say_why_its_ends(tmp_path):
    text = (SOURCES / "migration.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: households-to-western-china-ogpu")
    ends = text.index("    ends:", start)
    cut = text.index("    sources:", ends)
    shutil.copy(SOURCES / "places.yaml", tmp_path / "places.yaml")
    shutil.copy(SOURCES / "areas.yaml", tmp_path / "areas.yaml")
    (tmp_path / "migration.yaml").write_text(text[:ends] + text[cut:], encoding="utf-8")
    with pytest.raises(DataError, match=r"'households-to-western-china-ogpu': `ends` must say which passage"):
        migration.read_migration(tmp_path)

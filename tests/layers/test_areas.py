"""Areas of possibility and the levels features are located to: every level rests on what it claims."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, Point, box

import geo
from geo import areas as geo_areas
from layers import areas, border, flow_areas, migration, placenames
from layers.build import REFERENCE, SOURCES, build_areas
from layers.errors import DataError
from layers.schema import LEVELS

URL = re.compile(r"https?://\S+")


# --- geo/areas.py on tiny hand-made geometries (metric CRS) -----------------------------------------


@pytest.fixture()
def straight():
    """A 100 km line along y = 0 in the metric CRS, land to its north (y > 0)."""
    return LineString([(0, 0), (100_000, 0)]), box(-50_000, 0, 150_000, 80_000)


def _metric(geom):
    return geo.to_metric(geom)


def test_a_strip_is_the_land_within_the_depth_of_the_stretch(straight):
    line, land = straight
    area = _metric(geo_areas.strip(line, land, (20_000, 60_000), 5_000))
    # 40 km long and 5 km deep, plus the two quarter-circle caps (admit, never exclude)
    assert area.area == pytest.approx(40_000 * 5_000 + 3.14159 * 5_000**2 / 2, rel=0.01)
    assert area.covers(Point(40_000, 4_900)) and not area.covers(Point(40_000, 5_100))
    assert not area.covers(Point(10_000, 100)), "outside the stretch and its cap"


def test_an_inner_depth_leaves_a_line_at_a_distance(straight):
    line, land = straight
    ring = _metric(geo_areas.strip(line, land, (20_000, 60_000), 550, inner_m=450))
    assert ring.covers(Point(40_000, 500)) and not ring.covers(Point(40_000, 300))


def test_a_disc_cuts_the_area(straight):
    line, land = straight
    centre = geo.to_lonlat(Point(30_000, 0))
    area = _metric(geo_areas.strip(line, land, (0, 100_000), 5_000, disc=(centre.x, centre.y, 10_000)))
    assert area.covers(Point(30_000, 1_000)) and not area.covers(Point(70_000, 1_000))


def test_an_empty_stretch_is_an_error(straight):
    line, land = straight
    with pytest.raises(ValueError, match="the stretch from 60000 m to 20000 m along the line is empty"):
        geo_areas.strip(line, land, (60_000, 20_000), 5_000)


def test_the_marker_is_in_the_area_near_the_middle_of_its_stretch(straight):
    line, land = straight
    area = geo_areas.strip(line, land, (20_000, 60_000), 5_000)
    point, radius = geo_areas.marker_point(area, line, 20_000, 60_000)
    assert _metric(point).distance(Point(40_000, 0)) < 1.0
    assert radius == pytest.approx(((20_000 + 5_000) ** 2) ** 0.5, rel=0.01)  # to the far end of a cap


def test_a_marker_stands_inside_its_area_off_the_line_and_apart_from_others(straight):
    """layers.areas.marker_in: at mid-depth (here 2.5 km in), by the middle of the stretch; never within
    MARKER_APART_M of a marker already taken, even for the same area again."""
    line, land = straight
    area = geo_areas.strip(line, land, (20_000, 60_000), 5_000)
    first, radius = areas.marker_in(area, line, (20_000, 60_000), (0.0, 5_000), [])
    first_m = _metric(first)
    assert first_m.distance(Point(40_000, 2_500)) < 50.0 and _metric(area).contains(first_m)
    assert radius == pytest.approx(((20_000 + 5_000) ** 2 + 2_500**2) ** 0.5, rel=0.01)
    second, _ = areas.marker_in(area, line, (20_000, 60_000), (0.0, 5_000), [first_m])
    assert _metric(second).distance(first_m) >= areas.MARKER_APART_M - 1.0
    assert line.distance(_metric(second)) > 0 and _metric(area).contains(_metric(second))


def test_a_ring_at_a_distance_has_its_marker_in_the_ring(straight):
    line, land = straight
    ring = geo_areas.strip(line, land, (20_000, 60_000), 550, inner_m=450)
    point, _ = areas.marker_in(ring, line, (20_000, 60_000), (450.0, 550.0), [])
    assert _metric(point).distance(Point(40_000, 500)) < 5.0


# --- the real data ----------------------------------------------------------------------------------


def test_every_marker_is_inside_its_area_off_the_line_and_no_two_areas_share_one(layers):
    """Issue 27: the markers stood on the border line itself, at the point of the line nearest the middle of the
    stretch, so areas on the same stretch (the Bakhty sector and the Tarbagatai passes, the Jetisu 7.5 km zone and
    the 49th detachment's sector) shared one, and the incidents placed in them were drawn at one point."""
    built = layers["areas"]
    line = geo.prepare(border.border_line(REFERENCE))
    markers = {row["id"]: geo.to_metric(Point(row["marker_lon"], row["marker_lat"])) for _, row in built.iterrows()}
    for _, row in built.iterrows():
        marker = markers[row["id"]]
        assert geo.to_metric(row.geometry).contains(marker), row["id"]
        if pd.isna(row["depth_m"]):  # a migration area (a province, a district): no strip along the line
            continue
        inner = 0.0 if pd.isna(row["inner_m"]) else row["inner_m"]
        assert line.distance(marker) >= 0.9 * (inner + row["depth_m"]) / 2, row["id"]
    ids = sorted(markers)
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            assert markers[a].distance(markers[b]) >= areas.MARKER_APART_M - 1.0, (a, b)


def test_incidents_in_different_areas_are_drawn_apart(layers):
    incidents = layers["incidents"].set_index("id")
    bakhty = incidents.loc["masanov-1928"].geometry
    assert bakhty.equals(incidents.loc["makulbayev-1929"].geometry), "one area, one marker"
    assert not bakhty.equals(incidents.loc["kyzyl-aul-khabarasu-1932-10"].geometry)
    assert not incidents.loc["chulak-1927-08-15"].geometry.equals(layers["places"].set_index("id").loc[
        "narynkol"].geometry)  # fmt: skip


def test_every_area_rebuilds_from_its_rule(layers, gazetteer):
    """The areas of possibility (areas.yaml) and those migration flows go between (migration.yaml), each from its
    rule, with its basis and sources."""
    ends = flow_areas.build(migration.read_migration(SOURCES)[0], {p["id"]: p for p in gazetteer}, REFERENCE)
    rebuilt = pd.concat([build_areas(gazetteer), ends]).set_index("id")
    built = layers["areas"].set_index("id")
    assert set(built.index[built["role"] == "possibility"]) == {a["id"] for a in areas.read_areas(SOURCES)}
    assert set(built.index[built["role"] == "migration"]) == set(ends["id"])
    assert set(rebuilt.index) == set(built.index)
    for aid, row in built.iterrows():
        assert shapely.equals_exact(row.geometry, rebuilt.loc[aid, "geometry"], tolerance=1e-9)
        assert row["location_basis"] and row["sources"] and row["rule"]["text"]


@pytest.mark.parametrize("cid", ["places", "incidents", "outposts", "customs"])
def test_every_level_rests_on_what_it_claims(layers, gazetteer, cid):
    frame = layers[cid]
    assert set(frame["where_prec"]) <= set(LEVELS)
    area_ids = set(layers["areas"]["id"])
    line = border.border_line(REFERENCE)
    for row in frame.to_dict("records"):
        level, basis = row["where_prec"], row["location_basis"] or ""
        drawn = row["geometry"] is not None and not row["geometry"].is_empty
        assert drawn == (level != "unlocated"), row["id"]
        if level == "exact" and cid == "places":
            assert row["geonames_id"] is not None or URL.search(basis), row["id"]
        if level == "near" and cid == "places":
            assert row["relative_location"] or URL.search(basis), row["id"]
        if level == "near" and cid == "incidents":
            loc = placenames.resolve_in_gazetteer(row["location_phrase"], gazetteer, line)
            assert Point(loc.point).distance(row["geometry"]) < 1e-9, "the offset resolves to the point drawn"
        if level == "area":
            assert row["area_id"] in area_ids, row["id"]
            area = layers["areas"].set_index("id").loc[row["area_id"], "geometry"]
            assert area.buffer(1e-6).covers(row["geometry"]), "the marker stands inside its area"
        if level == "unlocated":
            assert basis, f"{row['id']}: an unlocated feature says why"


def test_figures_by_level(layers):
    """The figures the README and the closing note give."""
    counts = {cid: layers[cid]["where_prec"].value_counts().to_dict() for cid in ("places", "incidents")}
    assert counts["incidents"] == {"area": 11, "near": 1, "exact": 1, "unlocated": 1}
    assert sum(counts["places"].values()) == 77 and counts["places"]["unlocated"] == 9
    listed = layers["places"][layers["places"]["in_1927_list"].astype(bool)]
    assert len(listed) == 21 and (listed["where_prec"] != "unlocated").all(), "every place of the 1927 list"


def test_1927_list_places_sit_in_their_province_area(layers):
    listed = layers["places"][(layers["places"]["where_prec"] == "area") & layers["places"]["in_1927_list"]]
    expected = {"Jetisu province": "jetisu-7-5km", "Semipalatinsk province": "semipalatinsk-7-5km"}
    assert {expected[a] for a in listed["admin_1920s"]} == set(listed["area_id"])
    assert all(expected[a] == aid for a, aid in zip(listed["admin_1920s"], listed["area_id"], strict=True))


def _copy_sources(tmp_path):
    for path in SOURCES.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("to: {place: bakhty, km: 0}\n    depth_m: 7500", "to: {place: bakhty, km: 0}\n    depth_m: -1",
         r"areas.yaml:\d+: entry 'jetisu-7-5km': `depth_m` is negative"),
        ("from: start\n    to: {place: bakhty, km: 0}", "from: middle\n    to: {place: bakhty, km: 0}",
         r"entry 'jetisu-7-5km': `from` was 'middle' but must be one of \['start', 'end'\]"),
        ("to: {place: bakhty, km: 0}\n    depth_m: 7500", "to: {place: bakhty, km: east}\n    depth_m: 7500",
         r"`km` was 'east' but must be a number"),
        ("to: {place: bakhty, km: 0}\n    depth_m: 7500", "to: {place: uryl, km: 0}\n    depth_m: 7500",
         r"entry 'jetisu-7-5km': place 'uryl' is not located to a point"),
    ],
)  # fmt: skip
def test_a_bad_rule_names_file_line_and_reason(tmp_path, gazetteer, old, new, message):
    sources = _copy_sources(tmp_path)
    text = (sources / "areas.yaml").read_text(encoding="utf-8")
    assert old in text
    (sources / "areas.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataError, match=message):
        build_areas(gazetteer, sources)


def test_an_unknown_area_is_named(tmp_path):
    from layers import incidents

    sources = _copy_sources(tmp_path)
    text = (
        (sources / "incidents.yaml").read_text(encoding="utf-8").replace("area: sector-bakhty}", "area: atlantis}", 1)
    )
    (sources / "incidents.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"incidents.yaml:\d+: entry 'masanov-1928': location area 'atlantis'"):
        incidents.read_incidents(sources)

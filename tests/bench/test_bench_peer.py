"""The pure parts of `make bench-peer` (tests/bench/bench_peer.py): pygeoapi's configuration, the reference answers
and the wrong-answer check. Needs neither pygeoapi's environment nor a server."""

from __future__ import annotations

import json
import sqlite3

import geopandas as gpd
from shapely.geometry import Point

from tests.bench import bench_peer, peers


def test_config_serves_each_collection_with_its_provider():
    providers = peers.gpkg_providers("/tmp/peer.gpkg")
    config = peers.pygeoapi_config(8123, providers)
    assert config["server"]["url"] == "http://127.0.0.1:8123"
    assert config["server"]["limits"]["max_items"] == peers.MAX_ITEMS
    assert set(config["resources"]) == set(peers.COLLECTIONS)
    provider = config["resources"]["places"]["providers"][0]
    assert provider == {
        "type": "feature",
        "id_field": "id",
        "table": "places",
        "name": "SQLiteGPKG",
        "data": "/tmp/peer.gpkg",
    }
    temporal = config["resources"]["zones"]["extents"]["temporal"]
    assert temporal["begin"].tzinfo is not None  # pygeoapi refuses a datetime query against text extents


def _tables(gpkg, columns: str):
    """A file with a table of these columns per collection (all that layer_columns reads)."""
    with sqlite3.connect(gpkg) as db:
        for cid in peers.COLLECTIONS:
            db.execute(f'CREATE TABLE "{cid}" (fid INTEGER PRIMARY KEY, geom BLOB, {columns})')
    return gpkg


def test_postgis_providers_use_our_database_and_the_layer_columns(tmp_path):
    gpkg = _tables(tmp_path / "a.gpkg", "id TEXT, start TEXT, start_min INTEGER")
    providers = peers.postgis_providers("postgresql://postgres@127.0.0.1:5433/postgres", gpkg)
    provider = providers["incidents"]
    assert provider["data"]["host"] == "127.0.0.1" and provider["data"]["port"] == 5433
    assert provider["data"]["dbname"] == "postgres" and provider["data"]["user"] == "postgres"
    assert provider["data"]["search_path"][0] == "atlas"  # the views of the latest release (store.pg_releases)
    assert provider["time_field"] == "start"
    assert provider["properties"] == ["id", "start"]  # not our engine's start_min


def test_reference_is_period_overlap_and_bbox(tmp_path):
    gpkg = tmp_path / "r.gpkg"
    rows = [
        ("in-1930", "1930", "1930", Point(80, 44)),
        ("spans-1930", "1928", "1932", Point(80, 44)),
        ("open-end", "1925", None, Point(80, 44)),
        ("before", "1927-08", "1927-08", Point(80, 44)),
        ("outside-box", "1930", "1930", Point(90, 44)),
        ("no-point", "1930", "1930", None),
    ]
    frame = gpd.GeoDataFrame(
        {"id": [r[0] for r in rows], "start": [r[1] for r in rows], "end": [r[2] for r in rows]},
        geometry=[r[3] for r in rows],
        crs="EPSG:4326",
    )
    frame.to_file(gpkg, layer="places", driver="GPKG")
    assert peers.reference_ids(gpkg, "places") == {"in-1930", "spans-1930", "open-end"}


def test_wrong_answers():
    collection = {"type": "FeatureCollection", "features": [{"type": "Feature", "id": "a"}, {"id": "b"}]}
    body = json.dumps(collection).encode()
    assert peers.answer_ids(body) == {"a", "b"}
    assert not peers.wrong(body, {"b", "a"})
    assert peers.wrong(body, {"a"})  # one too many
    assert peers.wrong(body, {"a", "b", "c"})  # one missing
    assert not peers.wrong(json.dumps({"type": "Feature", "id": "a"}).encode(), {"a"})
    assert peers.wrong(b"<html>", {"a"})
    assert peers.wrong(b'{"code": "NotFound"}', {"a"})


def test_report_marks_the_queries_below_the_goal():
    fast, slow = bench_peer.Tally(times=[0.01] * 5), bench_peer.Tally(times=[0.05] * 5)
    rows = [
        {"scale": "1x", "engine": "gpkg", "clients": "1 client", "query": "places items", "ours": fast, "theirs": slow},
        {"scale": "1x", "engine": "gpkg", "clients": "1 client", "query": "zones item", "ours": fast, "theirs": fast},
    ]
    lines = bench_peer.report(rows).splitlines()
    assert "5.0x" in lines[1] and "< goal" not in lines[1]
    assert "1.0x" in lines[2] and "< goal" in lines[2]
    assert "nan" in lines[1]  # no figures without the cache in these rows


def test_cached_verdicts_ignore_only_the_time_stamp():
    right = b'{"type":"FeatureCollection","features":[{"id":"a"}],"timeStamp":"2026-01-01T00:00:00Z","links":[]}'
    later = right.replace(b"00:00:00Z", b"00:00:07Z")
    other = b'{"type":"FeatureCollection","features":[{"id":"b"}],"timeStamp":"2026-01-01T00:00:07Z","links":[]}'
    assert not peers.wrong_cached(right, {"a"})
    assert not peers.wrong_cached(later, {"a"})
    assert peers.wrong_cached(other, {"a"})
    assert peers.wrong_cached(right, {"b"})  # the expected set is part of the key


def test_percentiles_by_nearest_rank():
    tally = bench_peer.Tally(times=[0.3, 0.1])
    assert tally.p(50) == 0.2 and tally.p(95) == 0.3


def test_tipg_serves_our_three_tables_with_their_own_columns_and_id(tmp_path):
    gpkg = _tables(tmp_path / "t.gpkg", "id TEXT, name TEXT, feature_json TEXT")
    env = peers.tipg_env("postgresql://postgres@127.0.0.1:5433/postgres", gpkg)
    assert env["DATABASE_URL"] == "postgresql://postgres@127.0.0.1:5433/postgres"
    assert json.loads(env["TIPG_DB_TABLES"]) == ["atlas.places", "atlas.incidents", "atlas.zones"]
    assert env["TIPG_TABLE_CONFIG__atlas_zones__PK"] == "id"
    assert json.loads(env["TIPG_TABLE_CONFIG__atlas_places__PROPERTIES"]) == ["id", "name"]  # not feature_json
    assert env["TIPG_MAX_FEATURES_PER_QUERY"] == str(peers.MAX_ITEMS)


def test_the_tipg_report_holds_ours_to_tipg_only_where_tipg_answers_right_with_and_without_the_cache():
    fast, slow = bench_peer.Tally(times=[0.01] * 5), bench_peer.Tally(times=[0.05] * 5)
    refused = bench_peer.Tally(times=[0.001] * 5, errors=5)
    row = {"scale": "1x", "engine": "postgis", "clients": "1 client", "ours": fast, "bare": slow, "theirs": slow}
    rows = [
        row | {"query": "places bbox", "tipg": slow},
        row | {"query": "zones item", "ours": slow, "tipg": fast},
        row | {"query": "zones items", "tipg": refused},
    ]
    lines = bench_peer.report_tipg(rows).splitlines()
    assert "ours (nginx cache)" in lines[1] and "5.0x" in lines[1] and "< goal" not in lines[1]
    assert "ours (no cache)" in lines[2] and "1.0x" in lines[2] and "< goal" not in lines[2]
    assert "0.2x" in lines[3] and "< goal" in lines[3] and "0.2x" in lines[4] and "< goal" in lines[4]
    assert all("cannot answer it right" in line and "< goal" not in line for line in lines[5:7])

"""The synthetic scale build: N times the data, queries still right; the served atlas never holds it."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
import shapely

from store import GeoPackageStore
from tests.synthetic import SCALED, SYNTHETIC, scale, write_scaled_store
from webapp import create_app

FACTOR = 10
PAGE_LIMIT = 1_500_000  # bytes of the map page, whatever the number of incidents, places and flows


@pytest.fixture(scope="module")
def scaled(tmp_path_factory, layers):
    out = tmp_path_factory.mktemp("scaled") / "atlas.gpkg"
    written = write_scaled_store(out, FACTOR, layers=layers)
    return GeoPackageStore(out), written


def test_the_scaled_store_holds_n_times_the_data(scaled, layers):
    store, written = scaled
    for cid in SCALED:
        _, matched = store.query(cid)
        assert matched == FACTOR * len(layers[cid]) == len(written[cid])


def test_queries_on_the_scaled_store_match_a_plain_filter(scaled):
    store, written = scaled
    frame = written["incidents"]
    year = date(1930, 1, 1), date(1930, 12, 31)
    page, matched = store.query("incidents", period=year, bbox=(80.0, 44.0, 84.0, 47.0), limit=50)
    inside = frame.geometry.notna() & frame.intersects(shapely.box(80.0, 44.0, 84.0, 47.0))
    in_year = [
        s is not None and int(s[:4]) <= 1930 and (e is None or int(e[:4]) >= 1930)
        for s, e in zip(frame["start"], frame["end"], strict=True)
    ]
    assert matched == int((inside & np.array(in_year)).sum())
    assert len(page) == min(50, matched)


def test_synthetic_features_say_so(scaled):
    _, written = scaled
    synthetic = written["incidents"][written["incidents"]["id"].str.startswith("syn-")]
    assert len(synthetic) == (FACTOR - 1) * (len(written["incidents"]) // FACTOR)
    assert all(s == [SYNTHETIC] for s in synthetic["sources"])
    assert all(n.startswith("Synthetic ") for n in synthetic["name"])


def test_copies_keep_the_unlocated_unlocated(layers):
    rng = np.random.default_rng(1)
    grown = scale(layers["incidents"], 3, rng)
    unlocated = layers["incidents"].geometry.isna().sum()
    assert grown.geometry.isna().sum() == 3 * unlocated


def test_the_served_atlas_never_holds_synthetic_data(layers):
    for cid, frame in layers.items():
        documents = {c.get("document") for sources in frame["sources"] for c in (sources or [])}
        assert "synthetic" not in documents, cid


def test_the_map_page_stays_small_with_the_scaled_build(scaled, app):
    """The page carries no point or flow: N times the data adds only the summary's few hundred bytes."""
    store, written = scaled
    with create_app({"STORE": store.path, "DATABASE": None}).test_client() as client:
        big = len(client.get("/map").data)
        index = client.get("/map/places.json").get_json()
    small = len(app.test_client().get("/map").data)
    assert big < PAGE_LIMIT and big < small * 1.05, (big, small)
    assert len(index) == len(written["places"]), "the places index is fetched, not in the page"


def test_a_layer_can_grow_by_its_own_factor(tmp_path, layers):
    written = write_scaled_store(tmp_path / "atlas.gpkg", 2, layers=layers, factors={"incidents": 5})
    assert len(written["incidents"]) == 5 * len(layers["incidents"])
    assert len(written["places"]) == 2 * len(layers["places"])
    store = GeoPackageStore(tmp_path / "atlas.gpkg")
    assert store.query("incidents")[1] == len(written["incidents"])

"""Real GIS clients against the server: GDAL's OAPIF driver, OWSLib, geojsonhint, a GeoPackage round trip."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely
from shapely.geometry import shape

from layers.registry import REGISTRY

ROOT = Path(__file__).resolve().parents[3]
GEOJSONHINT = ROOT / "node_modules" / ".bin" / "geojsonhint"
COLLECTIONS = list(REGISTRY)


@pytest.fixture(scope="module")
def oapif(server_process):
    return f"OAPIF:{server_process}"


def test_gdal_lists_every_collection(oapif):
    assert sorted(name for name, _ in pyogrio.list_layers(oapif)) == sorted(COLLECTIONS)


@pytest.mark.parametrize("cid", COLLECTIONS)
def test_gdal_reads_every_feature_with_its_attributes(oapif, layers, cid):
    read = pyogrio.read_dataframe(oapif, layer=cid)
    source = layers[cid].set_index("id")
    assert len(read) == len(source)
    read = read.set_index("id")
    assert set(read.index) == set(source.index)
    for fid in read.index:
        assert read.loc[fid, "name"] == source.loc[fid, "name"]
        got, want = read.loc[fid, "geometry"], source.loc[fid, "geometry"]
        assert (got is None) == (want is None)
        if want is not None and cid == "areas":  # polygons: GDAL may turn the rings; compare the shapes
            assert shapely.symmetric_difference(got, want).area < 2e-7 * want.length  # 7 decimals on the outline
        elif want is not None and cid != "zones":  # zones: compared in the GeoPackage round trip
            # GDAL may read a LineString of a mixed layer as a one-part MultiLineString: compare coordinates
            assert np.allclose(shapely.get_coordinates(got), shapely.get_coordinates(want), atol=1e-7)


def test_owslib_reads_collections_and_items(live_server):
    from owslib.ogcapi.features import Features

    api = Features(live_server.url)
    ids = [c["id"] for c in api.collections()["collections"]]
    assert ids == COLLECTIONS
    items = api.collection_items("zones", datetime_="1930")
    assert {f["id"] for f in items["features"]} >= {"zone-22-km", "zone-100-km"}
    assert "zone-21-verst" not in {f["id"] for f in items["features"]}
    assert api.conformance()["conformsTo"]


def _hint(path: Path) -> list:
    node = shutil.which("node")
    assert node and GEOJSONHINT.exists(), "run `make setup` (npm ci) for @mapbox/geojsonhint"
    source = json.dumps(str(path))
    script = "const h=require('@mapbox/geojsonhint'); const fs=require('fs'); "
    script += f"console.log(JSON.stringify(h.hint(fs.readFileSync({source}, 'utf8'))))"
    out = subprocess.run([node, "-e", script], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.mark.parametrize(
    "url",
    [f"/collections/{c}/download?format=geojson" for c in COLLECTIONS]
    + ["/collections/zones/items?datetime=1930", "/collections/places/items?limit=1000"],
)
def test_geojson_passes_geojsonhint(client, tmp_path, url):
    path = tmp_path / "out.geojson"
    path.write_bytes(client.get(url).data)
    assert _hint(path) == []


def test_geojsonhint_can_fail(tmp_path):
    path = tmp_path / "bad.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]},
                "properties": {},
            }
        )
    )
    assert _hint(path), "a clockwise polygon is reported"


def _citations(value):
    """Every citation in a feature's properties: its sources, and those of its acts, facts and events."""
    if isinstance(value, dict):
        if "reference" in value and "quote" in value:
            yield value
        for item in value.values():
            yield from _citations(item)
    elif isinstance(value, list):
        for item in value:
            yield from _citations(item)


@pytest.mark.parametrize("cid", COLLECTIONS)
def test_geopackage_round_trip(client, tmp_path, cid):
    path = tmp_path / f"{cid}.gpkg"
    path.write_bytes(client.get(f"/collections/{cid}/download?format=gpkg").data)
    served = client.get(f"/collections/{cid}/items?limit=10000").get_json()["features"]
    read = pyogrio.read_dataframe(path, layer=cid).set_index("id")
    assert len(read) == len(served)
    layers_in_file = {name for name, _ in pyogrio.list_layers(path)}
    named_areas = {f["properties"].get("area_id") for f in served} - {None}
    assert layers_in_file == {cid, "sources", "layer_styles"} | ({"areas"} if named_areas else set()), "they travel"
    sources = pyogrio.read_dataframe(path, layer="sources")
    cited = {f["id"]: len({(c["document"], c["quote"]) for c in _citations(f["properties"])}) for f in served}
    own = sources[sources["collection"] == cid]
    assert own.groupby("feature_id").size().to_dict() == {k: v for k, v in cited.items() if v}
    assert set(sources["collection"]) <= {cid, "areas"} and sources["reference"].str.len().min() > 40
    if named_areas:
        assert set(pyogrio.read_dataframe(path, layer="areas")["id"]) == named_areas
    info = pyogrio.read_info(path, layer=cid)
    types = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert types["start_date"].startswith("datetime64") and types["end_date"].startswith("datetime64")
    assert "citation" not in types and "ODbL" in pyogrio.read_info(path)["dataset_metadata"]["LICENSE"]
    for feature in served:
        row = read.loc[feature["id"]]
        assert row["name"] == feature["properties"]["name"]
        start = row["start"] if isinstance(row["start"], str) else None  # GDAL reads a null text as NaN
        assert start == feature["properties"]["start"]
        if feature["geometry"] is None:
            assert row["geometry"] is None
            continue
        got = shapely.get_coordinates(row["geometry"])
        want = shapely.get_coordinates(shape(feature["geometry"]))
        assert got.shape == want.shape or shapely.equals_exact(
            shapely.normalize(row["geometry"]), shapely.normalize(shape(feature["geometry"])), tolerance=1e-7
        )
        if got.shape == want.shape:
            assert np.abs(np.sort(got, axis=0) - np.sort(want, axis=0)).max() <= 1e-7

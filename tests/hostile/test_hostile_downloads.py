"""Every download of a build whose every text field carries a payload: CSV neutralised, KML escaped, the rest exact."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import xml.etree.ElementTree as ET
import zipfile

import pyogrio
import pytest

from layers.registry import JSON_COLUMNS
from tests.payloads import FORMULA_PREFIXES, PAYLOADS
from webapp import create_app

COLLECTIONS = ["border", "zones", "places", "outposts", "customs", "diplomacy", "incidents", "migration", "areas"]
KML = "{http://www.opengis.net/kml/2.2}"
csv.field_size_limit(10**7)  # the 10,000-character name, inside JSON lists


@pytest.fixture(scope="module")
def hostile_client(hostile_store):
    return create_app({"STORE": hostile_store, "TESTING": True}).test_client()


def strings(value):
    """Every text inside a JSON value."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return [value] if isinstance(value, str) else []


def download(client, cid: str, fmt: str) -> bytes:
    response = client.get(f"/collections/{cid}/download?format={fmt}")
    assert response.status_code == 200, response.data[:300]
    return response.data


def geojson_features(client, cid: str) -> dict[str, dict]:
    body = json.loads(download(client, cid, "geojson"))
    return {f["id"]: f["properties"] for f in body["features"]}


def test_geojson_and_geopackage_keep_every_payload_exactly(hostile_client, tmp_path):
    texts = {s for cid in COLLECTIONS for p in geojson_features(hostile_client, cid).values() for s in strings(p)}
    path = tmp_path / "all.gpkg"
    path.write_bytes(hostile_client.get("/download?format=gpkg").data)
    in_gpkg = set()
    for name, _ in pyogrio.list_layers(path):
        frame = pyogrio.read_dataframe(path, layer=name)
        for column in frame.columns.drop("geometry", errors="ignore"):  # layer_styles and sources have none
            decoded = [json.loads(v) if column in JSON_COLUMNS else v for v in frame[column] if isinstance(v, str)]
            in_gpkg |= {s for v in decoded for s in strings(v)}
    for name, payload in PAYLOADS.items():
        assert any(payload in t for t in texts), f"{name} is not in the GeoJSON as it was written"
        assert any(payload in t for t in in_gpkg), f"{name} is not in the GeoPackage as it was written"
    assert texts <= in_gpkg | {t for t in texts if not t.strip()}


@pytest.mark.parametrize("cid", COLLECTIONS)
def test_csv_cells_never_start_a_formula(hostile_client, cid):
    archive = zipfile.ZipFile(io.BytesIO(download(hostile_client, cid, "csv")))
    rows = [
        row
        for name in (f"{cid}.csv", "sources.csv")  # the features, and their citations
        for row in csv.DictReader(io.StringIO(archive.read(name).decode(), newline=""))
    ]
    cells = [c for row in rows for c in row.values() if c]
    assert not [c for c in cells if c.startswith(FORMULA_PREFIXES)], "a cell a spreadsheet would evaluate"
    if cid == "places":  # the formula payloads are there, each behind a single quote
        for name in ("hyperlink", "plus_cmd", "at_sum", "minus", "tab", "carriage_return"):
            assert any(c.startswith("'" + PAYLOADS[name]) for c in cells), name


@pytest.mark.parametrize("cid", COLLECTIONS)
def test_kml_is_well_formed_and_keeps_the_text(hostile_client, cid):
    root = ET.fromstring(download(hostile_client, cid, "kml"))  # a `]]>` or `&` breaking out fails here
    assert not [e for e in root.iter() if e.tag.removeprefix(KML) not in KML_TAGS], "markup from the data"
    expected = geojson_features(hostile_client, cid)
    placemarks = list(root.iter(KML + "Placemark"))
    assert len(placemarks) == len(expected)
    for placemark in placemarks:
        properties = expected[placemark.get("id")]
        assert placemark.find(KML + "name").text == (properties["name"] or placemark.get("id"))
        for data in placemark.iter(KML + "SimpleData"):
            value = properties[data.get("name")]
            text = json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else str(value)
            assert data.text == text or float(data.text) == value


KML_TAGS = {
    "kml", "Document", "name", "description", "Schema", "SimpleField", "Folder", "Placemark", "TimeSpan", "begin",
    "end", "ExtendedData", "SchemaData", "SimpleData", "Point", "LineString", "Polygon", "MultiGeometry",
    "outerBoundaryIs", "innerBoundaryIs", "LinearRing", "coordinates",
}  # fmt: skip


@pytest.mark.parametrize(
    ("fmt", "lang"), [("svg", "name"), ("svg", "name_ru"), ("svg", "name_kk"), ("pdf", "name_ru"), ("png", "name")]
)
def test_the_figure_draws_hostile_text_as_written(hostile_client, fmt, lang):
    """Labels, legend and caption from the data: a `$` pair is not mathtext (it was a 500), markup is escaped."""
    years = "1918-1940" if fmt == "svg" else "1930"  # PDF and PNG embed the fonts of a 10,000-character name
    response = hostile_client.get(f"/figure?format={fmt}&year={years}&lang={lang}")
    assert response.status_code == 200, response.data[:300]
    if fmt == "svg":
        root = ET.fromstring(response.data)  # well-formed: no markup from the data broke out
        assert not [e for e in root.iter() if e.tag.rpartition("}")[2] in ("script", "foreignObject", "image")]
        texts = "".join(root.itertext())
        assert "<img src=x onerror=window.__xss=5>" in texts
        if lang == "name_ru":
            assert "${1} `${2}`" in texts, "a Cyrillic label with two `$`, drawn as written"


def test_every_collection_download_carries_its_payloads(hostile_client):
    """The payloads reach every collection's files, the areas of possibility included."""
    for cid in COLLECTIONS:
        texts = [s for p in geojson_features(hostile_client, cid).values() for s in strings(p)]
        assert any("__xss" in t or "HYPERLINK" in t for t in texts), cid
        assert b"__xss" in download(hostile_client, cid, "kml") or b"HYPERLINK" in download(hostile_client, cid, "kml")


def test_qgis_styles_and_project_keep_hostile_zone_names_as_text(hostile_client, tmp_path):
    """Zone names become the categories of the zones' style and the project's: escaped, kept exactly."""
    archive = zipfile.ZipFile(io.BytesIO(hostile_client.get("/download?format=qgis").data))
    archive.extractall(tmp_path)
    names = {f["properties"]["name"] for f in json.loads(download(hostile_client, "zones", "geojson"))["features"]}
    assert any("<img" in n for n in names), "the hostile build has a payload in a zone name"
    with sqlite3.connect(tmp_path / "border-atlas.gpkg") as db:
        (qml,) = db.execute("SELECT styleQML FROM layer_styles WHERE f_table_name = 'zones'").fetchone()
    project = (tmp_path / "border-atlas.qgs").read_text(encoding="utf-8")
    for document in (qml, project):
        root = ET.fromstring(document.split("\n", 1)[1])  # well-formed: no name broke out of its attribute
        labels = {c.get("label") for c in root.iter("category")}
        assert names <= labels
        assert not list(root.iter("img"))

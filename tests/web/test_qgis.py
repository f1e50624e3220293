"""QGIS styles: every downloaded GeoPackage carries each layer's style in `layer_styles`, and the project opens them.

Read back from the downloads themselves (always); and, where Debian's python3-qgis is installed, opened by QGIS
(offscreen, tests/web/qgis_check.py run with Debian's Python): each layer takes its style as QGIS opens it.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pyogrio
import pytest

from layers.registry import REGISTRY
from webapp import qgis, vocabulary

COLLECTIONS = list(REGISTRY)  # every layer the build makes
TYPED = ["places", "outposts", "customs", "incidents", "migration"]
SLD = "{http://www.opengis.net/sld}"
OGC = "{http://www.opengis.net/ogc}"
DEBIAN_PYTHON = "/usr/bin/python3"
CHECK = Path(__file__).with_name("qgis_check.py")


def stored_styles(path: Path) -> dict[str, dict]:
    """{layer: its row of `layer_styles`} of a GeoPackage, read with sqlite3 as QGIS's provider reads it."""
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        return {row["f_table_name"]: dict(row) for row in db.execute("SELECT * FROM layer_styles")}


def qml_categories(qml: str) -> tuple[str, dict[str, dict]]:
    """(the column, {value: the first symbol layer's properties}) of a categorized QML style."""
    renderer = ET.fromstring(qml.split("\n", 1)[1]).find("renderer-v2")
    symbols = {s.get("name"): s for s in renderer.find("symbols")}
    categories = {}
    for category in renderer.find("categories"):
        layer = symbols[category.get("symbol")].find("layer")
        categories[category.get("value")] = {o.get("name"): o.get("value") for o in layer.find("Option")}
    return renderer.get("attr"), categories


def download(client, url: str, tmp_path: Path, name: str) -> Path:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    path = tmp_path / name
    path.write_bytes(response.data)
    return path


@pytest.fixture(scope="module")
def atlas(app, tmp_path_factory) -> Path:
    """The whole build as one GeoPackage download."""
    return download(app.test_client(), "/download?format=gpkg", tmp_path_factory.mktemp("atlas"), "border-atlas.gpkg")


def test_every_layer_of_the_whole_build_has_its_default_style(atlas):
    styles = stored_styles(atlas)
    layers = {name for name, _ in pyogrio.list_layers(atlas)} - {"layer_styles", "sources"}  # sources: no geometry
    assert set(styles) == layers == set(COLLECTIONS)
    for cid, row in styles.items():
        assert row["useAsDefault"] == 1 and row["f_geometry_column"] == "geom", cid
        assert row["f_table_schema"] == "" and row["f_table_catalog"] == "", "QGIS looks for '' here"
        assert ET.fromstring(row["styleQML"].split("\n", 1)[1]).tag == "qgis"
        assert ET.fromstring(row["styleSLD"].split("\n", 1)[1]).tag == f"{SLD}StyledLayerDescriptor"


@pytest.mark.parametrize("cid", TYPED)
def test_a_layer_download_styles_every_type_as_the_map_does(client, tmp_path, cid):
    path = download(client, f"/collections/{cid}/download?format=gpkg", tmp_path, f"{cid}.gpkg")
    row = stored_styles(path)[cid]
    column, categories = qml_categories(row["styleQML"])
    layer = vocabulary.LAYERS[cid]
    assert column == layer.column
    assert set(categories) == set(layer.types)
    for kind, look in layer.types.items():
        props = categories[kind]
        if cid == "migration":
            assert props["line_color"].split(",")[:3] == qgis.rgba(look.colour).split(",")[:3]
            if kind == "presence":  # a stock: its area's outline, never an arrow
                assert props["line_style"] == vocabulary.LINES[look.shape].qgis
        else:
            assert props["color"].split(",")[:3] == qgis.rgba(look.colour).split(",")[:3], kind
            assert props["name"] == vocabulary.SHAPES[look.shape].qgis, kind
            assert float(props["size"]) == 2 * look.size
    rules = ET.fromstring(row["styleSLD"].split("\n", 1)[1]).iter(f"{SLD}Rule")
    assert {r.find(f".//{OGC}Literal").text for r in rules} == set(layer.types)


def test_the_zones_take_the_maps_colours_by_depth(atlas, layers):
    _, categories = qml_categories(stored_styles(atlas)["zones"]["styleQML"])
    by_depth = layers["zones"].sort_values("depth_m")["id"]
    for rank, zid in enumerate(by_depth):
        assert categories[zid]["color"].split(",")[:3] == qgis.rgba(vocabulary.ZONE_COLOURS[rank]).split(",")[:3]


def test_the_qgis_project_opens_the_geopackage_beside_it(client, tmp_path):
    response = client.get("/download?format=qgis")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert set(archive.namelist()) == {"README.txt", "border-atlas.qgs", "border-atlas.gpkg"}
    archive.extractall(tmp_path)
    project = ET.fromstring((tmp_path / "border-atlas.qgs").read_text(encoding="utf-8").split("\n", 1)[1])
    in_file = {name for name, _ in pyogrio.list_layers(tmp_path / "border-atlas.gpkg")}
    sources = [m.find("datasource").text for m in project.iter("maplayer")]
    assert {s.split("layername=")[1] for s in sources} == set(COLLECTIONS) <= in_file
    assert all(s.startswith("./border-atlas.gpkg|") for s in sources), "relative to the project"
    order = [n.get("id") for n in project.find("layer-tree-group")]
    assert order[0] == "incidents" and order[-1] == "zones", "the map's order: incidents on top, zones at the bottom"


def test_the_read_back_check_can_fail(atlas, tmp_path):
    """A GeoPackage whose style table was never written is caught."""
    copy = tmp_path / "copy.gpkg"
    shutil.copyfile(atlas, copy)
    with sqlite3.connect(copy) as db:
        db.execute("DELETE FROM layer_styles WHERE f_table_name = 'incidents'")
    with pytest.raises(KeyError):
        stored_styles(copy)["incidents"]


# ---------------------------------------------------------------- QGIS itself


def pyqgis() -> str | None:
    """Why PyQGIS cannot be used here, or None when it can."""
    if not Path(DEBIAN_PYTHON).exists():
        return f"{DEBIAN_PYTHON} is missing"
    probe = subprocess.run([DEBIAN_PYTHON, "-c", "import qgis.core"], capture_output=True, check=False)
    return None if probe.returncode == 0 else "PyQGIS is not installed (Debian's python3-qgis; make qgis installs it)"


@pytest.fixture(scope="module")
def opened(app, tmp_path_factory) -> dict:
    """What QGIS makes of the QGIS download (its GeoPackage and its project), as tests/web/qgis_check.py reports it."""
    reason = pyqgis()
    if reason:
        pytest.skip(f"QGIS is not installed, so the styles are checked by reading them back only: {reason}")
    folder = tmp_path_factory.mktemp("qgis")
    zipfile.ZipFile(io.BytesIO(app.test_client().get("/download?format=qgis").data)).extractall(folder)
    command = [DEBIAN_PYTHON, str(CHECK), str(folder / "border-atlas.gpkg"), ",".join(COLLECTIONS)]
    command += [str(folder / "border-atlas.qgs"), qgis.flow_width_expression()]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(folder)}
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("cid", COLLECTIONS)
def test_qgis_opens_each_layer_with_its_style(opened, cid):
    layer = opened["layers"][cid]
    assert layer["valid"], cid
    if cid in ("border", "areas"):
        assert layer["renderer"] == "singleSymbol"
        look = vocabulary.BORDER if cid == "border" else vocabulary.AREA
        assert layer["symbol"]["colour"] == look.colour
        return
    assert layer["renderer"] == "categorizedSymbol"
    if cid == "zones":
        assert len(layer["categories"]) == 9 and layer["column"] == "id"
        return
    style = vocabulary.LAYERS[cid]
    assert layer["column"] == style.column and set(layer["categories"]) == set(style.types)
    for kind, look in style.types.items():
        got = layer["categories"][kind]
        assert got["colour"] == look.colour, (cid, kind)
        if cid != "migration":
            shape = vocabulary.SHAPES[look.shape]
            assert (got["shape"], got["angle"]) == (shape.qgis, shape.qgis_angle), (cid, kind)
    assert layer["labelled"] == (cid == "places")


def test_qgis_draws_the_places_rings_and_the_flows_widths_as_the_map(opened, client):
    places = opened["layers"]["places"]["categories"]["town"]["defined"]
    assert "in_1927_list" in places["outlineColor"] and vocabulary.RINGS["listed"]["color"] in places["outlineColor"]
    flows = client.get("/collections/migration/items?limit=1000").get_json()["features"]
    widths = opened["layers"]["migration"]["widths"]
    assert len(widths) == len(flows) and len(set(widths.values())) > 2
    for flow in flows:
        expected = vocabulary.flow_width(vocabulary.flow_range(flow["properties"])[1])
        assert widths[flow["id"]] == pytest.approx(expected), flow["id"]


def test_qgis_reads_the_project_with_every_layer_valid(opened):
    project = opened["project"]
    assert project["read"]
    names = {qgis.TITLES[cid] for cid in COLLECTIONS}
    assert set(project["layers"]) == names
    assert all(layer["valid"] and layer["count"] > 0 for layer in project["layers"].values())
    assert project["order"][0] == qgis.TITLES["incidents"] and project["order"][-1] == qgis.TITLES["zones"]


def flow_symbols(qml: str) -> dict[str, tuple[str, list[ET.Element]]]:
    """{kind: (its legend label, its symbol's layers)} of the migration style."""
    renderer = ET.fromstring(qml.split("\n", 1)[1]).find("renderer-v2")
    symbols = {s.get("name"): s for s in renderer.find("symbols")}
    return {
        c.get("value"): (c.get("label"), list(symbols[c.get("symbol")].findall("layer")))
        for c in renderer.find("categories")
    }


def test_the_flows_style_says_schematic_keeps_ranges_and_households_apart_and_stops_at_the_border(atlas):
    """Issue 27, in QGIS as on the map: a flow's band (its range), its line by count (dashed for households), an
    arrowhead or a bar where the crossing was stopped, labelled schematic; a stock its outline, with no arrowhead."""
    flows = flow_symbols(stored_styles(atlas)["migration"]["styleQML"])
    for kind, (label, layers) in flows.items():
        classes = [layer.get("class") for layer in layers]
        if kind == "presence":
            assert classes == ["SimpleLine"] and "schematic" not in label
            continue
        assert "schematic line from area to area" in label, label
        assert classes == ["SimpleLine", "SimpleLine", "MarkerLine"], (kind, classes)
        band, line = (ET.tostring(layer, encoding="unicode") for layer in layers[:2])
        assert "count_high" in band and "count_open" in band, "the band spans the range ('at least': dotted)"
        assert "households" in line and "dash" in line, "households dashed apart from people"
        assert "stopped" in ET.tostring(layers[2], encoding="unicode"), "a stopped crossing ends in a bar"

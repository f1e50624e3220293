"""An EDTF date in a contributed file (the `when` column) is imported, checked and published as it was written."""

from __future__ import annotations

import shutil

import pytest

from layers.build import SOURCES
from pipeline.build import build
from pipeline.cli import main
from tests.contrib.quick import incident_csv
from webapp import create_app


def _with_when(csv: str, value: str) -> str:
    header, row = csv.rstrip("\r\n").split("\r\n")
    return f"{header},when\r\n{row},{value}\r\n"


@pytest.fixture(scope="module")
def atlas(small_reference, tmp_path_factory):
    root = tmp_path_factory.mktemp("when-import")
    build(SOURCES, small_reference, root / "atlas.gpkg", progress=lambda *_: None, releases=root / "releases")
    return root, small_reference


def _base(root, reference) -> list[str]:
    return ["--contributions", str(root / "c.sqlite"), "--store", str(root / "atlas.gpkg"),
            "--reference", str(reference), "--by", "historian"]  # fmt: skip


def test_an_edtf_string_imported_comes_back_the_same_in_the_api(atlas):
    root, reference = atlas
    (root / "about.csv").write_text(_with_when(incident_csv("about-1930"), "1930~"), encoding="utf-8")
    assert main([*_base(root, reference), "import", str(root / "about.csv"), "--layer", "incidents"]) == 0
    assert main([*_base(root, reference), "publish", "about"]) == 0
    client = create_app({"STORE": root / "atlas.gpkg", "TESTING": True}).test_client()
    feature = client.get("/collections/incidents/items/about-1930").get_json()
    assert feature["properties"]["when"] == "1930~"
    assert feature["properties"]["bounds"]["start"] == {"earliest": "1930-01-01", "latest": "1930-12-31"}


def test_an_edtf_that_contradicts_the_dates_is_an_error_naming_the_cell(atlas, capsys, tmp_path):
    root, reference = atlas
    shutil.copy(root / "atlas.gpkg", tmp_path / "atlas.gpkg")
    (tmp_path / "late.csv").write_text(_with_when(incident_csv("late-1930"), "1935"), encoding="utf-8")
    assert main([*_base(tmp_path, reference), "import", str(tmp_path / "late.csv"), "--layer", "incidents"]) == 1
    out = capsys.readouterr().out
    assert "when '1935' contradicts start 1930" in out

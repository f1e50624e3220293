"""The templates: CSV and XLSX per layer, from the same column tables as the checks."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from contrib import readers, templates
from contrib.columns import LAYERS


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_the_xlsx_template_lists_the_codes_and_explains_every_column(layer):
    book = load_workbook(io.BytesIO(templates.xlsx_bytes(layer)))
    assert book.sheetnames == [layer, "lists", "columns"]
    header = [c.value for c in book[layer][1]]
    assert header == templates.columns(layer)
    explained = [row[0] for row in book["columns"].iter_rows(min_row=2, values_only=True)]
    assert explained == header
    coded = {c.name for c in LAYERS[layer].columns if c.codes and c.template}
    validated = {
        header[ord(str(v.sqref)[0]) - ord("A")] for v in book[layer].data_validations.dataValidation
    }  # fmt: skip
    assert validated == coded and coded


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_an_empty_template_reads_back_as_its_columns(tmp_path, layer):
    (tmp_path / "t.csv").write_text(templates.csv_text(layer), encoding="utf-8")
    (tmp_path / "t.xlsx").write_bytes(templates.xlsx_bytes(layer))
    for name in ("t.csv", "t.xlsx"):
        table = readers.read(tmp_path / name, collection=layer)
        assert (table.columns, table.rows) == (templates.columns(layer), [])


def test_the_csv_zip_has_an_example_that_checks_and_a_readme_of_every_column(tmp_path, context):
    from contrib.checks import check
    from contrib.reconcile import Gazetteer

    archive = zipfile.ZipFile(io.BytesIO(templates.zip_bytes("incidents")))
    assert archive.namelist() == ["incidents.csv", "incidents-example.csv", "README.txt"]
    readme = archive.read("README.txt").decode()
    assert all(f"\n{name} (" in readme for name in templates.columns("incidents"))
    assert "detained_best (counts.detained)\n    the best number of detained (empty: unknown)" in readme
    (tmp_path / "example.csv").write_bytes(archive.read("incidents-example.csv"))
    table = readers.read(tmp_path / "example.csv", collection="incidents")
    assert table.rows[0].cells["detained_best"] == "12" and table.rows[0].cells["counts"] is None
    report = check(table, "incidents", context, Gazetteer.of(context))
    # the example keeps the first of the record's citations only: the rest of it is the atlas's record unchanged
    assert report.errors == [] and [p.what for p in report.problems] == ["a correction of the atlas's record: sources"]


def test_counts_given_as_columns_are_read_as_the_counts_field(tmp_path, context):
    from contrib.checks import check
    from contrib.reconcile import Gazetteer
    from tests.contrib.quick import incident_csv

    header, row = incident_csv("c-1930").splitlines()
    (tmp_path / "c.csv").write_text(
        f"{header},detained_low,detained_best,detained_high,detained_approximate,"
        f"killed_best\r\n{row},2,3,4,yes,\r\n{row.replace('c-1930', 'c-1931')},5,3,,,two\r\n"
    )
    report = check(
        readers.read(tmp_path / "c.csv", collection="incidents"), "incidents", context, Gazetteer.of(context)
    )
    assert [r["record"]["counts"] for r in report.records] == [
        {"detained": {"low": 2, "best": 3, "high": 4, "approximate": True}}
    ]
    assert [str(p) for p in report.errors] == [
        "c.csv:3:R (counts.killed): 'two' is not a number; allowed: a number or empty",
        "c.csv:3:N (counts.detained): the count of detained: best 3 is outside low..high (5..empty)",
    ]


@pytest.mark.parametrize("layer", ["incidents", "customs", "migration"])
def test_a_dated_layer_template_has_a_when_column(tmp_path, layer):
    assert "when" in templates.columns(layer)
    assert "when" in templates.csv_text(layer).splitlines()[0].split(",")
    header = [c.value for c in load_workbook(io.BytesIO(templates.xlsx_bytes(layer)))[layer][1]]
    assert "when" in header
    assert "EDTF" in dict((row[0], row[2]) for row in templates.explained(layer))["when"]

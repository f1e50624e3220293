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


def test_every_atlas_incidents_actors_and_goods_read_back_from_their_cells_as_the_json_held():
    from contrib.lists import ACTORS, GOODS
    from layers.build import SOURCES
    from layers.sources import read_entries

    records = read_entries(SOURCES / "incidents.yaml", "incidents")
    assert sum(len(r["goods"] or []) for r in records) > 5  # amounts, units, goods without either
    for record in records:
        for form, name in ((ACTORS, "actors"), (GOODS, "goods")):
            given = [{k: v for k, v in item.items() if not k.startswith("_")} for item in record[name] or []]
            assert form.read(form.cell(given)) == given, (record["id"], form.cell(given))


def test_actors_and_goods_are_filled_as_words_json_still_read_and_a_mistake_named_at_its_cell(tmp_path, context):
    from contrib.checks import check
    from contrib.reconcile import Gazetteer
    from tests.contrib.quick import incident_csv

    header, row = incident_csv("a-1930").splitlines()
    json_actors = '"[{""who"": ""a patrol"", ""side"": ""USSR""}]"'
    (tmp_path / "a.csv").write_text(
        f"{header},actors,goods\r\n"
        f"{row},two herders (china); outpost No. 9 (of the 49th) (USSR),"
        "tea: 3 bars; furs; Soviet currency: 19.28 rubles\r\n"
        f"{row.replace('a-1930', 'a-1931')},{json_actors},\r\n"
        f"{row.replace('a-1930', 'a-1932')},border violators,tea: three bars\r\n"
    )  # fmt: skip
    report = check(
        readers.read(tmp_path / "a.csv", collection="incidents"), "incidents", context, Gazetteer.of(context)
    )
    assert [(r["record"]["actors"], r["record"]["goods"]) for r in report.records] == [
        (
            [{"who": "two herders", "side": "China"}, {"who": "outpost No. 9 (of the 49th)", "side": "USSR"}],
            [{"what": "tea", "value": 3, "unit": "bars"}, {"what": "furs", "value": None, "unit": None},
             {"what": "Soviet currency", "value": 19.28, "unit": "rubles"}],
        ),
        ([{"who": "a patrol", "side": "USSR"}], None),
    ]  # fmt: skip
    assert [str(p).split("; allowed: ")[0] for p in report.errors] == [
        "a.csv:4:N (actors): the actor “border violators” does not end with its side in brackets",
        "a.csv:4:O (goods): the goods “tea: three bars” do not give a number after the colon",
    ]
    assert "allowed: who (side); who (side), each side one of USSR, China or unknown" in str(report.errors[0])


def test_the_templates_explain_actors_and_goods_with_an_example():
    archive = zipfile.ZipFile(io.BytesIO(templates.zip_bytes("incidents")))
    readme = archive.read("README.txt").decode()
    assert "example: outpost No. 9 of the 49th border detachment (USSR); border violators (unknown);" in readme
    assert "JSON" not in readme.split("\nactors (actors)\n")[1].split("\n")[0]
    book = load_workbook(io.BytesIO(templates.xlsx_bytes("incidents")))
    rows = {r[0]: r for r in book["columns"].iter_rows(min_row=2, values_only=True)}
    assert rows["actors"][3].startswith("who (side); who (side)") and "(USSR)" in rows["actors"][4]
    assert rows["goods"][3].startswith("what: amount unit; what")

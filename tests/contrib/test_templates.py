"""The templates: CSV and XLSX per layer, from the same column tables as the checks."""

from __future__ import annotations

import io

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

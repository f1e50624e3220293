"""Templates a contributor fills in: one per layer, as CSV and as XLSX.

The XLSX has the layer's sheet (a header row; a drop-down list on every column with a code list), a
`columns` sheet saying what every column holds and allows, and a `lists` sheet the drop-downs read.
Both are made from contrib.columns, the tables the checks read, so a template never disagrees with them.
"""

from __future__ import annotations

import csv
import io

from contrib.columns import CITATION_COLUMNS, LAYERS, Column

CITATION_HELP = {
    "cite_document": "a document of the atlas (an id listed at /texts), or leave empty and give cite_archive",
    "cite_note": "the document's footnote that covers the quote (46, or 6.2 for a note by page)",
    "cite_archive": "an archival file: ARCHIVE, f. FOND, op. OPIS, d. DELO (SGA KNB RK, f. 9, op. 1, d. 438)",
    "cite_locator": "where in it: l. 86 (a sheet), p. 12 (a page)",
    "cite_quote": "the source's words, 5–30 of them (a quote or a comment is required)",
    "cite_comment": "what the source says, when it is not quoted",
}
ROWS_WITH_LISTS = 2000  # rows of the sheet the drop-down lists cover


def columns(layer: str) -> list[str]:
    """The template's columns: the layer's own, then one citation's."""
    return [c.name for c in LAYERS[layer].columns if c.template] + list(CITATION_COLUMNS)


def csv_text(layer: str) -> str:
    """The CSV template: the header row only."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(columns(layer))
    return out.getvalue()


def explained(layer: str) -> list[tuple[str, str, str, str]]:
    """(column, field, what it holds, what it allows) for every column of the template."""
    spec = LAYERS[layer]
    rows = []
    for name in columns(layer):
        column = spec.column(name)
        if column is None:
            rows.append((name, "sources", CITATION_HELP[name], "a text or empty"))
        else:
            required = column.path.split(".")[0] in spec.fields[0] and "null" not in column.kinds
            rows.append((name, column.path, column.help, column.allowed + ("; required" if required else "")))
    return rows


def xlsx_bytes(layer: str) -> bytes:
    """The XLSX template: the layer's sheet with drop-downs, `columns` explaining them, `lists` they read."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = layer
    sheet.append(columns(layer))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    lists = book.create_sheet("lists")
    coded = [c for c in LAYERS[layer].columns if c.template and c.codes]
    for i, column in enumerate(coded, 1):
        _list_column(lists, i, column)
        letter, where = get_column_letter(columns(layer).index(column.name) + 1), get_column_letter(i)
        codes = [c for c in column.codes if c is not None]
        check = DataValidation(type="list", formula1=f"lists!${where}$2:${where}${len(codes) + 1}", allow_blank=True)
        check.error, check.errorTitle = f"{column.name}: {column.allowed}", "Not in the list"
        check.add(f"{letter}2:{letter}{ROWS_WITH_LISTS}")
        sheet.add_data_validation(check)
    explain = book.create_sheet("columns")
    explain.append(["column", "field", "what it holds", "what it allows"])
    for row in explained(layer):
        explain.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _list_column(sheet, index: int, column: Column) -> None:
    sheet.cell(row=1, column=index, value=column.name)
    for row, code in enumerate((c for c in column.codes if c is not None), 2):
        sheet.cell(row=row, column=index, value=code)

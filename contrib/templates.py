"""Templates a contributor fills in: one per layer, as CSV and as XLSX.

The CSV zip has the layer's CSV to fill in, an example of it (the first record of the layer in the atlas's own
sources, written as the template's columns) and a README saying what every column holds and allows. The XLSX
has the layer's sheet (a header row; a drop-down list on every column with a code list), a
`columns` sheet saying what every column holds and allows, and a `lists` sheet the drop-downs read.
Both are made from contrib.columns, the tables the checks read, so a template never disagrees with them.
"""

from __future__ import annotations

import csv
import io
import zipfile

from contrib.columns import CITATION_COLUMNS, COUNT_PARTS, LAYERS, Column, count_columns
from contrib.lists import FORMS

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
    """The template's columns: the layer's own, one citation's, then each kind of count as four columns."""
    return [c.name for c in LAYERS[layer].columns if c.template] + list(CITATION_COLUMNS) + count_columns(layer)


def csv_text(layer: str, rows: list[dict] = ()) -> str:
    """The CSV template: the header row (and `rows`, {column: cell})."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns(layer))
    writer.writerows([[row.get(c, "") for c in columns(layer)] for row in rows])
    return out.getvalue()


def zip_bytes(layer: str) -> bytes:
    """The CSV template as a zip: the CSV to fill in, an example of it, and a README of its columns."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{layer}.csv", csv_text(layer))
        found = example(layer)
        if found:
            archive.writestr(f"{layer}-example.csv", csv_text(layer, [found]))
        archive.writestr("README.txt", readme(layer, found))
    return out.getvalue()


def readme(layer: str, found: dict | None) -> str:
    """What the zip holds, then every column: what it holds and what it allows."""
    lines = [f"Border Atlas: a template for records of the {layer} layer.", "",
             f"Fill in {layer}.csv (UTF-8, one record a row) and upload it at /contribute, or import it with",
             f"`border-atlas import {layer}.csv --layer {layer}`."]  # fmt: skip
    if found:
        lines += [f"{layer}-example.csv holds one record of the atlas ({found['id']}), written in these columns: "
                  "an example to read, not to upload."]  # fmt: skip
    lines += ["", "Columns (with the example's cell where it fills one):", ""]
    for name, field, what, allowed in explained(layer):
        lines += [f"{name} ({field})", f"    {what}", f"    allowed: {allowed}"]
        lines += [f"    example: {found[name]}"] if found and found.get(name) else []
    return "\n".join(lines) + "\n"


def example(layer: str) -> dict | None:
    """The first record of the layer in the atlas's sources as the template's cells, or None if it has none."""
    from layers.build import SOURCES
    from layers.errors import DataError
    from layers.sources import read_entries, strip_lines

    try:
        record = strip_lines(read_entries(SOURCES / LAYERS[layer].module.FILE, layer)[0])
    except (AttributeError, OSError, IndexError, KeyError, DataError):
        return None
    cells = {c.name: _written(c, _get(record, c.path)) for c in LAYERS[layer].columns if c.template}
    for kind, count in (record.get("counts") or {}).items():
        cells |= {f"{kind}_{part}": _cell(count.get(part)) for part in COUNT_PARTS} | {"counts": ""}
    cite = (record.get("sources") or [{}])[0]
    if "archive" in cite:
        cells["cite_archive"] = f"{cite['archive']}, f. {cite['fond']}, op. {cite['opis']}, d. {cite['delo']}"
    cells |= {f"cite_{k}": _cell(cite.get(k)) for k in ("document", "note", "locator", "quote")}
    return cells | ({"cite_comment": cells.pop("cite_note"), "cite_note": ""} if "archive" in cite else {})


def _written(column: Column, value) -> str:
    """A record's value as its template cell: a list in the column's own form (who (side); ...), else as read."""
    return FORMS[column.form].cell(value) if column.form else _cell(value)


def _cell(value) -> str:
    import json

    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else str(value)


def _get(record: dict, path: str):
    for part in path.split("."):
        record = record.get(part) if isinstance(record, dict) else None
    return record


def explained(layer: str) -> list[tuple[str, str, str, str]]:
    """(column, field, what it holds, what it allows) for every column of the template."""
    spec = LAYERS[layer]
    rows = []
    for name in columns(layer):
        column = spec.column(name)
        if name in CITATION_HELP:
            rows.append((name, "sources", CITATION_HELP[name], "a text or empty"))
        elif column is None:
            kind, part = name.rsplit("_", 1)
            what = {"approximate": f"true when the source gives the number of {kind} as approximate (empty: false)"}
            allowed = "true or false or empty" if part == "approximate" else "a number or empty"
            rows.append((name, f"counts.{kind}", what.get(part, f"the {part} number of {kind} (empty: unknown)"),
                         allowed))  # fmt: skip
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
    explain.append(["column", "field", "what it holds", "what it allows", "an example (a record of the atlas)"])
    found = example(layer) or {}
    for row in explained(layer):
        explain.append([*row, found.get(row[0]) or None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _list_column(sheet, index: int, column: Column) -> None:
    sheet.cell(row=1, column=index, value=column.name)
    for row, code in enumerate((c for c in column.codes if c is not None), 2):
        sheet.cell(row=row, column=index, value=code)

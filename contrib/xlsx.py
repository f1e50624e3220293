"""Reading an XLSX sheet safely: no formula computed, no external link followed, bounded in size and rows.

openpyxl reads the workbook in read-only mode (rows streamed from the sheet's XML, parsed with defusedxml, so that
a DTD declaring entities is refused, never expanded), with `data_only=False` so that a formula cell gives its
formula's text, never a value computed from it (the cached value a spreadsheet program stored is not read
either), and `keep_links=False`.
"""

from __future__ import annotations

import warnings
import zipfile
from datetime import date, datetime, time
from pathlib import Path

from defusedxml import DefusedXmlException

from contrib.limits import LIMITS, ReadError, check_zip

FORMULA_NOTE = "{where}: a formula ({text}) is kept as its text, never computed"


def read(path: Path, name: str, sheet_name: str | None = None) -> tuple[str, list[str], list, list[str]]:
    """(sheet, columns, [(row number, {column: value})], notes) of the data sheet of an XLSX.

    The data sheet is the one named `sheet_name` if there is one, else the first; its first non-empty row
    is the header.
    """
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as archive:
            check_zip(archive, name)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns of data validation and styles it does not read
            book = load_workbook(path, read_only=True, data_only=False, keep_links=False, keep_vba=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        if isinstance(exc, ReadError):
            raise
        raise _refusal(exc, name) from None
    try:
        sheet = book[sheet_name] if sheet_name in book.sheetnames else book.worksheets[0]
        return (sheet.title, *_rows(sheet, name))
    except DefusedXmlException as exc:
        raise _refusal(exc, name) from None
    finally:
        book.close()


def _refusal(exc: Exception, name: str) -> ReadError:
    """The error of a workbook openpyxl could not read: a DTD (entities) named as such, else not an XLSX."""
    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, DefusedXmlException):
        cause = cause.__cause__ or cause.__context__
    if cause is not None:
        what = f"its XML declares a document type with entities (a DTD: {type(cause).__name__}), never expanded"
        return ReadError(name, f"{what}; allowed: an .xlsx file as a spreadsheet program saves it")
    return ReadError(name, f"not an XLSX workbook ({type(exc).__name__}); allowed: an .xlsx file")


def _rows(sheet, name: str) -> tuple[list[str], list, list[str]]:
    from openpyxl.utils import get_column_letter

    columns, rows, notes = None, [], []
    for number, values in enumerate(sheet.iter_rows(values_only=True, max_col=LIMITS["columns"]), 1):
        if number > LIMITS["rows"] + 1:
            raise ReadError(name, f"more than {LIMITS['rows']:,} rows; allowed: at most {LIMITS['rows']:,}")
        if not any(v is not None and str(v).strip() for v in values):
            continue
        if columns is None:
            width = max(i for i, v in enumerate(values, 1) if v is not None and str(v).strip())
            columns = [str(v).strip() if v is not None else f"column {i}" for i, v in enumerate(values[:width], 1)]
            continue
        cells = {}
        for i, (column, value) in enumerate(zip(columns, values, strict=False), 1):
            cells[column] = _value(value)
            if isinstance(value, str) and value.startswith("="):
                where = f"{sheet.title}!{get_column_letter(i)}{number}"
                notes.append(FORMULA_NOTE.format(where=where, text=value[:40]))
        rows.append((number, cells))
    if columns is None:
        raise ReadError(name, f"sheet {sheet.title} is empty; allowed: a header row, then one row per record")
    return columns, rows, notes


def _value(value):
    """A cell's value as the checks read it: dates as ISO text, whole floats as whole numbers."""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value if value.strip() else None
    return value

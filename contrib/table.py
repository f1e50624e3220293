"""A contributed file read into rows of cells (contrib.readers makes them; the checks and records read them)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Row:
    """One row of a file: its number as the user sees it, its cells by column, and its geometry if any."""

    number: int
    cells: dict
    geometry: object = None


@dataclass
class Table:
    """A file read into rows; `where` names a cell the way the user's program shows it."""

    file: str
    kind: str
    columns: list[str]
    rows: list[Row]
    sheet: str | None = None
    letters: dict = field(default_factory=dict)  # column -> spreadsheet letter (CSV, XLSX)
    notes: list[str] = field(default_factory=list)  # what the reader did (formulas kept as text, ...)

    def where(self, row: Row | None, column: str | None) -> str:
        """`Sheet1!D14` (XLSX), `14:D` (CSV), `feature 3:event_type` (GeoJSON, GeoPackage, LPF)."""
        number = row.number if row is not None else 1
        letter = self.letters.get(column)
        if self.kind == "xlsx":
            return f"{self.file}:{self.sheet}!{letter or 'A'}{number}"
        if self.kind == "csv":
            return f"{self.file}:{number}:{letter}" if letter else f"{self.file}:{number}"
        return f"{self.file}:feature {number}" + (f":{column}" if column else "")

"""Aggregate figures of seed 003 (counts over a territory and a period): a table, never points on the map."""

from __future__ import annotations

from pathlib import Path

from layers.errors import DataError
from layers.sources import (
    LINE,
    check_citations,
    check_fields,
    check_period,
    check_range,
    read_entries,
    strip_lines,
)

FILE = "statistics.yaml"
FIELDS = (
    {"id", "scope", "measure", "value", "unit", "text", "sources"},
    {"year", "start", "end", "note"},
    {"value": ("mapping", "null")},  # {low, best, high, approximate}
)


def read_statistics(sources: Path) -> list[dict]:
    """Read and validate data/sources/statistics.yaml; raise DataError (file, line, id, reason) on a fault."""
    path = sources / FILE
    records = read_entries(path, "statistics")
    for record in records:
        check_fields(path, record, *FIELDS)
        line, ident = record[LINE], record["id"]
        if (record.get("year") is None) == (record.get("start") is None):
            raise DataError(path, line, ident, "give either `year` or a period `start`/`end`")
        if record.get("year") is not None and not isinstance(record["year"], int):
            raise DataError(path, line, ident, f"year must be a whole year, not {record['year']!r}")
        period = {"start": record.get("start"), "end": record.get("end"), "date_precision": "month"}
        check_period(path, line, ident, period)
        if record["value"] is not None:
            check_range(path, line, ident, record["value"], "value")
        check_citations(path, ident, record)
    return [strip_lines(r) for r in records]


def rows(records: list[dict]) -> list[dict]:
    """One flat row per figure: id, start, end, scope, measure, low, best, high, approximate, unit, text, sources."""
    table = []
    for record in records:
        value = record["value"] or {}
        start = str(record["year"]) if record.get("year") is not None else record["start"]
        end = str(record["year"]) if record.get("year") is not None else record.get("end")
        table.append(
            {
                **{k: record.get(k) for k in ("id", "scope", "measure", "unit", "text", "sources")},
                "start": start,
                "end": end,
                **{k: value.get(k) for k in ("low", "best", "high", "approximate")},
            }
        )
    return table

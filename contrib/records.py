"""Rows of a contributed file read as records in the atlas's source form (what data/sources holds).

Each cell is read as a value of its field's kinds (contrib.values), set at its field's path, and the
layer's derived forms are undone (FINISH): a download's resolved citations back to {document, note,
locator, quote}, a place's names back to its name fields and variants, a unit's seat periods back to one
unit, an incident's derived radius and area dropped. Problems of single cells are collected, not raised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import shapely

from contrib import citing, values
from contrib.columns import CITATION_COLUMNS, COUNT_PARTS, LAYERS, Layer
from contrib.lists import FORMS
from contrib.report import NOTE, Problem
from contrib.table import Row, Table
from contrib.wholes import cite_label
from layers import when
from layers.sources import FIELD_TYPES, KINDS

_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass
class Entry:
    """One row as a record, with the problems of its cells and the column each record field came from."""

    row: Row
    record: dict
    required: set = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field path -> column


def entries(table: Table, layer: str, context=None) -> list[Entry]:
    """Every row of the table as an Entry of `layer` (context: the atlas, for the derived forms)."""
    spec = LAYERS[layer]
    rows = _main_rows(table, spec)
    out = [_entry(table, spec, row) for row in rows]
    for entry in out:
        FINISH.get(layer, lambda *_: None)(entry, table, context)
        _finish_when(entry, spec)
    return out


def _finish_when(entry: Entry, spec: Layer) -> None:
    """A download's `when` dropped where it is the one the build derives from start and end (layers.when), its
    acts', name periods' and seat moves' too."""
    for column, kind in when.NESTED.items():
        if column in entry.record:
            entry.record[column] = when.without_derived(entry.record[column], kind)
    given = entry.record.get("when")
    if isinstance(given, str) and given == when.to_edtf(
        when.derive({**entry.record, "when": None}, when.is_window(spec.collection, entry.record))
    ):
        entry.record.pop("when")


def _main_rows(table: Table, spec: Layer) -> list[Row]:
    """The rows that are records: for a units download, the first seat period of each unit (its end made the
    unit's, the later periods being derived from its seat moves)."""
    if spec.id_column not in table.columns or spec.id_column == "id":
        return table.rows
    last: dict = {}
    for row in table.rows:
        last[row.cells.get(spec.id_column)] = row
    mains = [r for r in table.rows if r.cells.get("id") == r.cells.get(spec.id_column)]
    return [Row(r.number, r.cells | {"id": r.cells[spec.id_column], "end": last[r.cells["id"]].cells.get("end")},
                r.geometry) for r in mains]  # fmt: skip


def _entry(table: Table, spec: Layer, row: Row) -> Entry:
    required = spec.fields[0]
    entry = Entry(
        row, {name: _default(name) for name in required}, required=required | {"location.place", "location.phrase"}
    )
    for column in spec.columns:
        if column.name not in table.columns and column.name not in row.cells:
            continue
        entry.columns[column.path] = column.name
        _set(entry, table, column, row.cells.get(column.name))
    _citation(entry, table, spec)
    _counts(entry, table, spec)
    if entry.record.get("id") is None and "id" not in [p.field for p in entry.problems]:
        entry.record["id"] = _generated_id(spec, row)
        entry.problems.append(Problem(table.where(row, "id"), "id", f"no id: given {entry.record['id']}",
                                      severity=NOTE, row=row.number))  # fmt: skip
    return entry


def _default(name: str):
    """A required field's value when its column is absent: empty for a list or a mapping, else None."""
    if name == "location":
        return {"place": None, "phrase": None}  # incidents: a location names a place, a phrase, or neither
    try:
        return values.parse(None, FIELD_TYPES.get(name, ("null",)))
    except values.CellError:
        return None


def _set(entry: Entry, table: Table, column, value) -> None:
    """The cell read as its field's kinds, set at the field's path; a CellError becomes a problem."""
    limit = values_limit(column.kinds)
    if isinstance(value, str) and len(value) > limit:
        entry.problems.append(_problem(table, entry.row, column, f"the cell is {len(value):,} characters long",
                                       f"at most {limit:,} characters"))  # fmt: skip
        return
    if values.empty(value) and column.path not in entry.required:
        return  # an optional field left empty is not given
    try:
        typed = _written(column, value) if column.form else values.parse(value, column.kinds)
    except values.CellError as exc:
        entry.problems.append(_problem(table, entry.row, column, exc.what, column.allowed))
        return
    put(entry.record, column.path, citing.to_source(typed))


def _written(column, value):
    """A list written in one cell (who (side); ...), or JSON as the downloads write it."""
    if not isinstance(value, str) or values.empty(value) or value.lstrip()[:1] in ("[", "{"):
        return values.parse(value, column.kinds)
    return FORMS[column.form].read(value)


def values_limit(kinds: tuple) -> int:
    """The longest a cell may be: a text's limit, or a JSON list's (a download's citations run long)."""
    from contrib.limits import LIMITS

    return LIMITS["json_chars"] if set(kinds) & set(values.STRUCTURED) else LIMITS["cell_chars"]


def put(record: dict, path: str, value) -> None:
    """Set a value at a dotted field path of a record."""
    *parents, leaf = path.split(".")
    for parent in parents:
        if not isinstance(record.get(parent), dict):
            record[parent] = _default(parent)
        record = record[parent]
    record[leaf] = value


def _problem(table: Table, row: Row, column, what: str, allowed: str | None) -> Problem:
    return Problem(table.where(row, column.name), column.path, what, allowed, row=row.number)


def _citation(entry: Entry, table: Table, spec: Layer) -> None:
    """One citation from the cite_* columns, added to the `sources` column's."""
    if not any(c in table.columns for c in CITATION_COLUMNS):
        return
    try:
        cite = citing.from_columns(entry.row.cells)
    except ValueError as exc:
        where = table.where(entry.row, "cite_archive")
        label = cite_label(table.columns, entry.row.cells)
        entry.problems.append(Problem(where, label, str(exc).split("; allowed: ")[0], citing.ARCHIVE_FORM,
                                      row=entry.row.number))  # fmt: skip
        return
    entry.columns.setdefault("sources", next(c for c in CITATION_COLUMNS if c in table.columns))
    entry.record["sources"] = [*(entry.record.get("sources") or []), *([cite] if cite else [])]


def _counts(entry: Entry, table: Table, spec: Layer) -> None:
    """The counts given as columns a person fills (detained_low, detained_best, detained_high, detained_approximate),
    added to those of the `counts` column: an empty low, best or high is unknown, an empty approximate is false."""
    for kind in getattr(spec.module, "COUNT_KINDS", ()):
        names = {part: f"{kind}_{part}" for part in COUNT_PARTS}
        if all(values.empty(entry.row.cells.get(name)) for name in names.values()):
            continue
        entry.columns[f"counts.{kind}"] = next(n for n in names.values() if n in table.columns)
        count = {}
        for part, name in names.items():
            try:
                count[part] = values.parse(entry.row.cells.get(name), COUNT_PARTS[part])
            except values.CellError as exc:
                allowed = " or ".join(KINDS[k][1] for k in COUNT_PARTS[part] if k != "null") + " or empty"
                entry.problems.append(Problem(table.where(entry.row, name), f"counts.{kind}", exc.what, allowed,
                                              row=entry.row.number))  # fmt: skip
                return
        count["approximate"] = bool(count["approximate"])
        counts = entry.record.get("counts") if isinstance(entry.record.get("counts"), dict) else {}
        entry.record["counts"] = counts | {kind: count}


def _generated_id(spec: Layer, row: Row) -> str:
    name = str(row.cells.get("name") or spec.name)
    return f"{_SLUG.sub('-', name.lower()).strip('-')[:40] or spec.name}-r{row.number}"


# --- the derived forms of each layer, undone -------------------------------------------------------------


def _finish_places(entry: Entry, table: Table, context) -> None:
    record = entry.record
    point = _point(entry.row, table)
    if record.get("lat") is None and record.get("lon") is None and point is not None:
        record["lon"], record["lat"] = point
    if record.get("precision_class") in ("area", "unlocated"):
        for key in ("lat", "lon"):
            record.pop(key, None)
        if record.get("precision_class") == "area":
            record.pop("precision_m", None)  # the build gives the area's covering radius
    variants = list(record.get("variants") or [])
    for name in (record.get(k) for k in ("name_zh", "name_kk", "name_ru", "modern_name")):
        if name and variants and _key(variants[-1]) == _key(name):
            variants.pop()  # the build lists every other name after the variants (layers.places.all_names)
    if record.get("variants"):
        record["variants"] = variants or None


def _point(row: Row, table: Table):
    geometry = row.geometry
    if geometry is None and row.cells.get("geometry_wkt"):
        try:
            geometry = shapely.from_wkt(row.cells["geometry_wkt"])
        except shapely.errors.GEOSException:
            return None
    if geometry is None or geometry.is_empty or geometry.geom_type != "Point":
        return None
    return geometry.x, geometry.y


def _key(name) -> str:
    return " ".join(str(name).split()).casefold()


def _finish_incidents(entry: Entry, table: Table, context) -> None:
    location = entry.record.get("location")
    if not isinstance(location, dict):
        return
    if context is not None and location.get("area") is not None:
        if location["area"] == context.place_area(location.get("place")):
            location.pop("area")  # the build places it in its place's area anyway
    if "where_prec" in table.columns and context is not None and entry.record.get("precision_m") is not None:
        if entry.record["precision_m"] == context.derived_precision(entry.record):
            entry.record["precision_m"] = None  # the radius the location gives, not a stated one


def _finish_migration(entry: Entry, table: Table, context) -> None:
    to = entry.record.get("to")
    if isinstance(to, list) and len(to) == 1:
        entry.record["to"] = to[0]


FINISH = {"places": _finish_places, "incidents": _finish_incidents, "migration": _finish_migration}

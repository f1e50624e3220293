"""The checks of a contributed file: every problem at once, one line each, and the names still to place.

In turn, for every row: each cell against its field's kinds (contrib.records), each code against the
layer's list, each reference against the atlas's ids; each place name and offset phrase against the
gazetteer (taken when sure, else listed with its candidates for the contributor to choose); then the
record as a whole against the layer's own check (`check_record` of its module in layers/, the one
data/sources is read with). Warnings (a date outside 1918–1940, a Soviet-side unit seated in China, a
formula kept as text) are listed and do not block. A record the atlas already has, unchanged, is skipped;
a changed one is a correction of it.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from contrib import choices as choosing
from contrib import wholes
from contrib.columns import LAYERS
from contrib.compare import canonical, differences
from contrib.records import Entry, entries, put
from contrib.report import ERROR, NOTE, WARNING, Problem
from contrib.table import Table
from layers import customs, incidents, migration, outposts, placenames, places
from layers.dates import parse_partial
from layers.errors import DataError
from layers.sources import LINE

YEARS = (1918, 1940)
# A record's id, as data/sources writes them: it names the record in URLs, file names and other records.
ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ID_CHARS = 80
ID_RULE = f"a slug of at most {ID_CHARS} characters: lowercase letters a-z, digits and single hyphens (kegen-1929-04)"


def id_problem(ident) -> str | None:
    """What is wrong with a record's id, or None when it is a slug."""
    if isinstance(ident, str) and len(ident) <= ID_CHARS and ID.fullmatch(ident):
        return None
    return f"id {ident!r} is not a slug" if isinstance(ident, str) else f"id {ident!r} is not a text"


def _slug_checked(check):
    def checked(path, record, ids):
        what = id_problem(record.get("id"))
        if what:
            raise DataError(path, record.get(LINE), None, f"{what}; allowed: {ID_RULE}")
        check(path, record, ids)

    return checked


RECORD_CHECKS = {layer: _slug_checked(check) for layer, check in {
    "incidents": lambda path, r, ids: incidents.check_record(path, r, ids["place"], ids["unit"], ids["area"]),
    "places": lambda path, r, ids: places.check_record(path, r),
    "units": lambda path, r, ids: outposts.check_record(path, r, ids["unit"], ids["place"]),
    "customs": lambda path, r, ids: customs.check_record(path, r, ids["place"]),
    "migration": lambda path, r, ids: migration.check_record(path, r, ids["migration_area"]),
}.items()}  # fmt: skip


@dataclass
class Match:
    """A name (or an offset phrase's anchor) the gazetteer does not settle by itself, and what was chosen."""

    row: int
    where: str
    field: str
    text: str
    candidates: list = field(default_factory=list)
    chosen: str | None = None

    def as_dict(self) -> dict:
        shown = [c.as_dict() for c in self.candidates]
        return {"row": self.row, "where": self.where, "field": self.field, "text": self.text, "candidates": shown,
                "chosen": self.chosen}  # fmt: skip


@dataclass
class Report:
    """What the checks found: the records ready to stage (new places included), problems, matches."""

    file: str
    layer: str
    records: list[dict] = field(default_factory=list)  # (layer, row, record) as dicts
    problems: list[Problem] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def pending(self) -> list[Match]:
        return [m for m in self.matches if m.chosen is None]

    @property
    def ok(self) -> bool:
        """Nothing blocks staging: no error, no name left to choose."""
        return not self.errors and not self.pending

    @property
    def nothing_new(self) -> bool:
        """Every row is as the atlas has it: nothing to fix and nothing to stage."""
        return self.ok and not self.records

    def lines(self) -> list[str]:
        """Every problem, then every name to choose, one line each."""
        out = [f"{p.severity}: {p}" for p in self.problems]
        for m in self.pending:
            shown = "; ".join(str(c) for c in m.candidates[:3]) or "no candidate"
            out.append(f"choose: {m.where} ({m.field}): {m.text!r} is not settled; candidates: {shown}")
        return out


def check(table: Table, layer: str, context, gazetteer, chosen: dict | None = None) -> Report:
    """Check every row of a contributed file of `layer` against the atlas (`context`, `gazetteer`).

    `chosen`: {(row, field): choices.Choice} the contributor made for names the gazetteer does not settle.
    """
    return _Run(table, layer, context, gazetteer, chosen or {}).report


class _Run:
    """One check of one file: the rows in turn, then the records as wholes."""

    def __init__(self, table: Table, layer: str, context, gazetteer, chosen: dict):
        self.table, self.layer, self.context, self.gazetteer, self.chosen = table, layer, context, gazetteer, chosen
        self.report = Report(table.file, layer)
        for note in table.notes:
            where, what = note.split(": ", 1)
            self.report.problems.append(Problem(f"{table.file}:{where}", None, what, severity=WARNING))
        if self._wrong_layer():
            return
        rows = entries(table, layer, context)
        self.taken = set(context.ids["place"]) | ({e.record.get("id") for e in rows} if layer == "places" else set())
        self.added: list[tuple[Entry, dict]] = []
        self.reported: set[Problem] = set()  # the rows' problems already in the report (a list: quadratic)
        for entry in rows:
            self._report_new(entry)
            self._codes_and_references(entry)
            self._places(entry)
        self.unsettled = {m.row for m in self.report.matches if m.chosen is None}
        _duplicates(table, rows)
        self.ids = _ids(layer, context, rows, self.added)
        for entry in rows:
            self._finish(entry)
        for entry, place in self.added:
            self._record_check(entry, place)
        self.report.problems.sort(key=lambda p: (p.row or 0, p.severity != ERROR))

    def _wrong_layer(self) -> bool:
        """Whether the file's columns fit another layer better (said, and its rows left unchecked); the columns
        no layer of the atlas knows are listed as ignored."""
        better = wholes.fitting_layer(self.table.columns, self.layer)
        if better:
            what = f"its columns are those of the {better} layer, not of {self.layer}"
            self.report.problems.append(Problem(self.table.file, None, what, f"import it as {better}"))
            return True
        for column in self.table.columns:
            if column not in wholes.known_columns(self.layer) and column != "geometry":
                what = f"the column {column!r} is not one of the {self.layer} layer's; its cells are ignored"
                self.report.problems.append(Problem(self.table.where(None, column), None, what, severity=WARNING))
        return False

    def _report_new(self, entry: Entry) -> None:
        """The entry's problems not yet in the report, added to it."""
        new = [p for p in entry.problems if p not in self.reported]
        self.report.problems += new
        self.reported.update(new)

    def _codes_and_references(self, entry: Entry) -> None:
        spec = LAYERS[self.layer]
        for path, name in entry.columns.items():
            column, value = spec.column(name), _get(entry.record, path)
            if column is None or value is None or any(p.field == path for p in entry.problems):
                continue
            if column.codes and value not in column.codes:
                entry.problems.append(self._at(entry, name, path, f"{value!r} is not in the list", column.allowed))
            elif column.refers and column.refers != "place":
                known = self.context.ids[column.refers]
                if any(v not in known for v in (value if isinstance(value, list) else [value])):
                    allowed = f"an id of the atlas's {column.refers.replace('_', ' ')}s ({len(known)} of them)"
                    entry.problems.append(self._at(entry, name, path, f"{value!r} is not known", allowed))

    def _places(self, entry: Entry) -> None:
        """Settle every place name and offset phrase of the entry (taking the places its choices add)."""
        for path, name in list(entry.columns.items()):
            text = self._to_settle(entry, path, name)
            if text is None:
                continue
            match = Match(entry.row.number, self.table.where(entry.row, name), path, text)
            choice = self.chosen.get((entry.row.number, path))
            sure = self.gazetteer.sure(text) if choice is None else None
            if choice is None and sure is not None:
                choice = choosing.Choice("place", sure.place)
                self.report.problems.append(self._at(entry, name, path, f"{text!r} taken as {sure}", None, NOTE))
            if choice is None:
                match.candidates = self.gazetteer.candidates(text)
            else:
                match.chosen = choice.text
                self._apply(entry, name, path, text, choice)
            self.report.matches.append(match)

    def _to_settle(self, entry: Entry, path: str, name: str) -> str | None:
        """The name the gazetteer must settle in this field, or None."""
        column, value = LAYERS[self.layer].column(name), _get(entry.record, path)
        if not isinstance(value, str) or any(p.field == path for p in entry.problems):
            return None
        if column.refers == "place":
            return None if value in self.context.ids["place"] else value
        if path != "location.phrase":
            return None
        try:
            anchor = self.gazetteer.anchor(value)
        except ValueError as exc:
            entry.problems.append(self._at(entry, name, path, str(exc).split("; allowed")[0], _PHRASES))
            return None
        try:
            return None if anchor is None or placenames.find_place(anchor, self.gazetteer.records) else anchor
        except ValueError:
            return anchor

    def _apply(self, entry: Entry, name: str, path: str, text: str, choice) -> None:
        """Put a choice into the record: an atlas id, an area, or a place it adds."""
        if choice.kind == "area" and path.startswith("location."):
            entry.record["location"] |= {"area": choice.value, path.split(".")[1]: None}
            return
        sources = entry.record.get("sources") or []
        try:
            place = choosing.new_place(choice, text, sources, self.taken, self.context.side_of)
        except ValueError as exc:
            entry.problems.append(self._at(entry, name, path, str(exc), choosing.FORMS))
            return
        target = choice.value if place is None else place["id"]
        if place is None and target not in self.context.ids["place"]:
            what = f"place:{target} is not an atlas place"
            entry.problems.append(self._at(entry, name, path, what, choosing.FORMS))
            return
        if place is not None:
            self.added.append((entry, place))
        label = (place or self.context.places_by_id.get(target, {})).get("name", target)
        if path == "location.phrase":
            entry.record["location"]["phrase"] = _get(entry.record, path).replace(text, label)
        else:
            put(entry.record, path, target)

    def _finish(self, entry: Entry) -> None:
        """The layer's check, every problem of it (the fields with a problem already, or a name to choose, left
        out); then warnings, and the record staged or skipped unchanged."""
        stuck = {"sources" if (p.field or "").startswith("citation") else p.field for p in entry.problems
                 if p.severity == ERROR and p.field} | {m.field for m in self.pending_of(entry)}  # fmt: skip

        def check_it(record):
            RECORD_CHECKS[self.layer](self.table.file, with_lines(record, entry.row.number), self.ids)

        for path, what in wholes.problems(check_it, entry.record, stuck, self.layer, self.ids):
            entry.problems.append(self._whole(entry, path, what))
        self._report_new(entry)
        if entry.row.number in self.unsettled or _blocking(entry.problems):
            return
        self.report.problems += _warnings(self.table, self.layer, entry, self.context)
        old = self.context.existing(self.layer).get(entry.record["id"])
        if old is not None and canonical(old, self.layer) == canonical(entry.record, self.layer):
            what = "unchanged: the atlas has this record as it is"
            self.report.problems.append(self._at(entry, "id", "id", what, None, NOTE))
            return
        if old is not None:
            what = "a correction of the atlas's record: " + ", ".join(differences(old, entry.record, self.layer))
            self.report.problems.append(self._at(entry, "id", "id", what, None, NOTE))
        self.report.records.append({"layer": self.layer, "row": entry.row.number, "record": entry.record})

    def pending_of(self, entry: Entry) -> list[Match]:
        return [m for m in self.report.matches if m.row == entry.row.number and m.chosen is None]

    def _whole(self, entry: Entry, path: str, what: str) -> Problem:
        """A problem of the record as a whole at its cell: a count's at the counts column, a citation's at the
        cite_* column it is about (its field naming the citation's columns)."""
        what, _, allowed = what.partition("; allowed: ")
        column = entry.columns.get(path) or entry.columns.get(path.split(".", maxsplit=1)[0])
        shown = path
        if path == "sources" and wholes.cite_column(what, entry.columns, self.table.columns):
            column = wholes.cite_column(what, entry.columns, self.table.columns)
            shown = wholes.cite_label(self.table.columns, entry.row.cells)
        return Problem(self.table.where(entry.row, column), shown, what, allowed or None, ERROR, entry.row.number)

    def _record_check(self, entry: Entry, place: dict) -> None:
        """A place a choice adds, checked as the places layer checks it; staged when it passes."""
        try:
            RECORD_CHECKS["places"](self.table.file, with_lines(place, entry.row.number), self.ids)
        except DataError as exc:
            path = wholes.field_of(exc.reason, place)
            self.report.problems.append(self._whole(entry, path, wholes.words(exc.reason)))
            return
        self.report.records.append({"layer": "places", "row": entry.row.number, "record": place})

    def _at(self, entry: Entry, column: str, path: str, what: str, allowed, severity: str = ERROR) -> Problem:  # noqa: PLR0917
        return _at(self.table, entry, column, path, what, allowed, severity)


_PHRASES = "a distance, a direction and a place: 4 km SE of Narynkol, в 25 верстах к югу от Бахты"


def _blocking(problems: list[Problem]) -> bool:
    """Whether any of a row's problems is an error (a note, such as the id given to a row without one, is not)."""
    return any(p.severity == ERROR for p in problems)


def _duplicates(table: Table, rows: list[Entry]) -> None:
    """Ids that are not slugs, and ids used twice."""
    seen: dict[str, int] = {}
    for entry in rows:
        ident = entry.record.get("id")
        what = id_problem(ident) if "id" not in [p.field for p in entry.problems] else None
        if what:
            entry.problems.append(_at(table, entry, entry.columns.get("id", "id"), "id", what, ID_RULE))
        if ident in seen:
            what = f"id {ident!r} is also the id of row {seen[ident]}"
            entry.problems.append(_at(table, entry, entry.columns.get("id", "id"), "id", what, "an id used once"))
        seen.setdefault(ident, entry.row.number)


def _ids(layer: str, context, rows: list[Entry], added) -> dict[str, set]:
    ids = {kind: set(values) for kind, values in context.ids.items()}
    ids["place"] |= {place["id"] for _, place in added}
    own = {"places": "place", "units": "unit"}.get(layer)
    if own:
        ids[own] |= {e.record.get("id") for e in rows}
    return ids


def with_lines(value, line: int):
    """A copy with every mapping carrying the row as its line (the layer checks name it)."""
    value = copy.deepcopy(value)
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            item[LINE] = line
            stack += list(item.values())
        elif isinstance(item, list):
            stack += item
    return value


def _warnings(table: Table, layer: str, entry: Entry, context) -> list[Problem]:
    out = []
    for path in ("start", "end"):
        value = entry.record.get(path)
        if value is not None and not YEARS[0] <= parse_partial(str(value))[0].year <= YEARS[1]:
            what = f"{value} is outside {YEARS[0]}–{YEARS[1]}, the atlas's years; kept"
            out.append(_at(table, entry, entry.columns.get(path, path), path, what, None, WARNING))
    if layer == "units" and entry.record.get("seat"):
        place = context.places_by_id.get(entry.record["seat"]) or {}
        if place.get("lon") is not None and context.side_of(place["lon"], place["lat"]) == "China":
            what = f"the seat {place['name']} lies on the Chinese side of the line: is this a Soviet unit?"
            out.append(_at(table, entry, entry.columns.get("seat", "seat"), "seat", what, None, WARNING))
    if layer == "places" and entry.record.get("lon") is not None:
        side = context.side_of(entry.record["lon"], entry.record["lat"])
        if side is not None and side != entry.record.get("side"):
            what = f"the point lies on the {side} side of the line, but the side is {entry.record.get('side')}"
            out.append(_at(table, entry, entry.columns.get("side", "side"), "side", what, None, WARNING))
    return out


def _at(table: Table, entry: Entry, column: str, path: str, what: str, allowed, severity: str = ERROR) -> Problem:  # noqa: PLR0917
    return Problem(table.where(entry.row, column), path, what, allowed, severity, entry.row.number)


def _get(record: dict, path: str):
    for part in path.split("."):
        record = record.get(part) if isinstance(record, dict) else None
    return record

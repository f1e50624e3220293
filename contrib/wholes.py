"""A row's record checked as a whole, every problem at once, in a historian's words.

The layer's own check (`check_record` of its module in layers/) stops at its first problem. To report every
problem of a row in one pass, each count is checked by itself first, then the layer's check is run again and
again: after each problem, the field it is about is given a neutral value in a working copy (an empty list, a
code of the list, a known id...), until the record passes or a problem is about a field already reported (its
fix comes first). Fields whose cells already have a problem, and names still to choose, start neutral, so that
a row with a mistyped code or an unsettled place still gets the rest of its problems.
"""

from __future__ import annotations

import copy
import re

from contrib.columns import CITATION_COLUMNS, LAYERS, count_columns
from layers.errors import DataError
from layers.sources import check_range

ROUNDS = 12  # at most this many problems of one row's record, found one after another
# A neutral citation: an archival file with a note passes the citation check whatever the atlas holds.
NEUTRAL_CITE = {"archive": "archive", "fond": "1", "opis": "1", "delo": "1", "locator": "l. 1", "quote": None,
                "note": "a note"}  # fmt: skip
NEUTRAL = {
    "counts": {}, "actors": [], "goods": [], "unit": None, "precision_m": None, "location.place": None,
    "location.phrase": None, "location.area": None, "sources": [NEUTRAL_CITE], "id": "row", "note": None,
    "period": {"start": "1930", "end": "1930", "date_precision": "year"},
}  # fmt: skip
NO_CITATION = (
    "no citation; allowed: a document of the atlas (cite_document, cite_note) or an archival file "
    "(cite_archive), with cite_locator, and cite_quote or cite_comment"
)
PERIOD = {"start", "end", "date_precision"}
# Words of a layer check's reason -> the field it is about, where the reason does not start with the field.
REASON_FIELDS = {"location place": "location.place", "location phrase": "location.phrase",
                 "location area": "location.area", "a quote must": "sources", "document ": "sources",
                 "note ": "sources", "an archival citation": "sources", "citation": "sources",
                 "actor": "actors", "goods": "goods", "count": "counts", "`counts`": "counts"}  # fmt: skip
# Python's spellings in a layer check's reason -> a historian's words.
WORDS = ((re.compile(r"missing field\(s\) \[([^]]*)\]"), lambda m: "missing " + _listed(m[1])),
         (re.compile(r"`(\w+)` was None but"), lambda m: f"{m[1]} is empty but"),
         (re.compile(r" \((?:in )?\w+\.yaml\)| in \w+\.yaml"), lambda m: ""),
         (re.compile(r"`sources` must be a non-empty list of citations"), lambda m: NO_CITATION),
         (re.compile(r"is not in data/texts; known:"), lambda m: "is not a document of the atlas; allowed:"),
         (re.compile(r"\bNone\b"), lambda m: "empty"),
         (re.compile(r"\[([^]]*)\]"), lambda m: _listed(m[1])))  # fmt: skip


def words(reason: str) -> str:
    """A layer check's reason without Python's spellings (None, ['a', 'b']) or the sources' file names."""
    for pattern, replace in WORDS:
        reason = pattern.sub(replace, reason)
    return reason


def _listed(inside: str) -> str:
    items = [i.strip().strip("'\"") for i in inside.split(",") if i.strip()]
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def count_problems(record: dict, kinds) -> list[tuple[str, str]]:
    """(field, what) for each count of the record that is not {low, best, high, approximate}; the bad counts are
    taken out of the record's working copy."""
    counts = record.get("counts")
    if not isinstance(counts, dict):
        return []
    out = []
    for kind, value in list(counts.items()):
        if kinds and kind not in kinds:
            out.append((f"counts.{kind}", f"{kind!r} is not a kind of count; allowed: {', '.join(kinds)}"))
            counts.pop(kind)
            continue
        try:
            check_range("", None, None, value, kind)
        except DataError as exc:
            what = words(exc.reason).removeprefix(f"{kind}: ").removeprefix(f"{kind} ")
            out.append((f"counts.{kind}", f"the count of {kind}: {what}"))
            counts.pop(kind)
    return out


def problems(check, record: dict, stuck: set[str], layer: str, ids: dict) -> list[tuple[str, str]]:
    """(field, what) of every problem the layer's `check` finds in `record`, one after another; `stuck`: the fields
    already reported (neutral from the start, and a further problem about one of them ends the search)."""
    work = copy.deepcopy(record)
    kinds = getattr(LAYERS[layer].module, "COUNT_KINDS", ())
    found = count_problems(work, kinds)
    stuck = set(stuck) | {f for f, _ in found}
    for path in sorted(stuck):
        _neutral(work, path, layer, ids)
    for _ in range(ROUNDS):
        try:
            check(work)
            return found
        except DataError as exc:
            path = field_of(exc.reason, record)
            if path in stuck or path.split(".")[0] in stuck:
                return found
            found.append((path, words(exc.reason)))
            stuck.add(path)
            if not _neutral(work, path, layer, ids):
                return found
    return found


def _neutral(record: dict, path: str, layer: str, ids: dict) -> bool:
    """Give a field a value the layer's check accepts, in the working copy; False when none is known."""
    if path in PERIOD:
        record.update(NEUTRAL["period"])
        return True
    if path.startswith("counts."):
        return True  # taken out already
    column = next((c for c in LAYERS[layer].columns if c.path == path), None)
    if path in NEUTRAL:
        value = copy.deepcopy(NEUTRAL[path])
    elif column is not None and column.codes:
        value = next(c for c in column.codes if c is not None)
    elif column is not None and column.refers and ids.get(column.refers):
        value = min(ids[column.refers])
    else:
        return False
    *parents, leaf = path.split(".")
    for parent in parents:
        record = record.setdefault(parent, {}) if isinstance(record.get(parent), dict) else {}
    record[leaf] = value
    return True


def field_of(reason: str, record: dict) -> str:
    """The field a layer check's reason is about: the words it starts with, else the first field it names."""
    lower = reason.lower().lstrip("`")
    for start, path in REASON_FIELDS.items():
        if lower.startswith(start):
            return path
    names = [k for k in record if isinstance(k, str)] + [f"location.{k}" for k in record.get("location") or {}]
    found = [(lower.find(p.split(".")[-1]), p) for p in names if re.search(rf"\b{p.split('.')[-1]}\b", lower)]
    return min(found)[1] if found else "id"


def cite_column(what: str, columns: dict, table_columns) -> str | None:
    """The cite_* column a citation problem is about (the quote's, the document's...), when the file has them."""
    present = [c for c in CITATION_COLUMNS if c in table_columns]
    if not present or columns.get("sources") not in CITATION_COLUMNS:
        return None
    for word, column in (("quote", "cite_quote"), ("document", "cite_document"), ("locator", "cite_locator"),
                         ("note", "cite_note"), ("archiv", "cite_archive")):  # fmt: skip
        if word in what and column in present:
            return column
    return present[0]


def cite_label(table_columns, cells: dict) -> str:
    """The citation's field as a message names it: its columns the row fills (else all the file has)."""
    filled = [c for c in CITATION_COLUMNS if c in table_columns and cells.get(c) not in (None, "")]
    return "citation: " + ", ".join(filled or [c for c in CITATION_COLUMNS if c in table_columns])


def known_columns(layer: str) -> set[str]:
    """The columns a file of `layer` may have: its own, the derived ones of its downloads, the citation's."""
    spec = LAYERS[layer]
    return (
        {c.name for c in spec.columns}
        | spec.ignored
        | set(CITATION_COLUMNS)
        | {spec.id_column}
        | set(count_columns(layer))
    )


def _fits(columns) -> dict[str, int]:
    """How many of the file's columns each layer knows."""
    given = set(columns)
    return {name: len(given & known_columns(name)) for name in LAYERS}


def fitting_layer(columns, layer: str) -> str | None:
    """The layer whose columns the file's fit better than `layer`'s, if one does."""
    fits = _fits(columns)
    best = max(fits, key=fits.get)
    return best if fits[best] > fits[layer] else None


def layer_of(columns) -> str:
    """The one layer whose columns the file's fit best, for a file imported without a layer; none: a ValueError."""
    fits = _fits(columns)
    best = max(fits, key=fits.get)
    if not fits[best] or list(fits.values()).count(fits[best]) > 1:
        raise ValueError(f"its columns fit no one layer of the atlas; add --layer LAYER, one of {', '.join(LAYERS)}")
    return best

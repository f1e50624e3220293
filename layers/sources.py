"""Reading curated YAML sources with the line number of every entry, and the checks the layers share.

The shared checks: periods and dates, citations, gazetteer references, dated counts and low/best/high ranges.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import yaml

from evidence import citations
from layers.dates import PRECISIONS, parse_partial
from layers.errors import DataError

LINE = "__line__"
PLACES_FILE = "places.yaml"
FACT_FIELDS = (
    {"what", "year", "date_precision", "text", "sources"},
    {"value", "low", "high", "qualifier", "approximate", "year_end", "date", "date_text", "note"},
)
QUOTE_WORDS = (5, 30)
CITATION_SHAPE = "{document, note, locator, quote}"
CITATION_TYPES = {"note": ("whole", "text", "null")}  # a citation's note is a footnote (46, or 6.2 by page)
# An archival file cited directly (a contributor's own archive work): the file, the sheet(s), and a quote or a note.
ARCHIVAL_FIELDS = ({"archive", "fond", "opis", "delo", "locator"}, {"quote", "note"})
RANGE_FIELDS = ({"low", "best", "high", "approximate"}, set())
SHOWN = 60  # characters of a wrong value a message quotes

# --- what a field may hold -----------------------------------------------------------------------
# Every field of every entry is checked against this table by name (check_fields), before any other
# check reads it, so a value of the wrong type anywhere stops the build with `file:line: reason` and
# what is allowed. A layer whose field of the same name holds something else gives its own kinds
# as the third member of its FIELDS (`from`, `to`, the top-level `zones`, the statistics `value`).


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _list_of(test):
    return lambda value: isinstance(value, list) and all(test(item) for item in value)


KINDS = {
    "text": (lambda v: isinstance(v, str), "a text"),
    "number": (_finite, "a number"),
    "whole": (_whole, "a whole number"),
    "flag": (lambda v: isinstance(v, bool), "true or false"),
    "date": (lambda v: isinstance(v, (str, date)) or _whole(v), "a date (1927, 1927-05 or 1927-05-14)"),
    "mapping": (lambda v: isinstance(v, dict), "a mapping"),
    "texts": (_list_of(lambda v: isinstance(v, str)), "a list of texts"),
    "numbers": (_list_of(_finite), "a list of numbers"),
    "mappings": (_list_of(lambda v: isinstance(v, dict)), "a list of mappings"),
    "null": (lambda v: v is None, "null"),
}
TEXT, TEXT_OR_NULL = ("text",), ("text", "null")
FIELD_TYPES = {
    **dict.fromkeys(("document", "name", "quote", "basis", "note_basis", "archive", "fond", "opis", "delo"), TEXT),
    "id": TEXT_OR_NULL,  # null only in the id a nested mapping is checked under when its owner has none;
    # an entry's own id is required to be a non-empty text by check_unique (places: its slug check)
    **dict.fromkeys(
        (
            # names and notes
            "name_ru", "name_kk", "name_zh", "modern_name", "admin_1920s", "relative_location", "location_basis",
            "location_text", "note", "outcome", "end_note", "start_note", "seat_note", "place_note", "date_note",
            "counts_note", "when",
            "date_text", "text", "title", "title_ru", "title_en", "body", "did", "general_note_ru", "general_note_en",
            "locator", "authority", "who", "group", "scope", "measure", "phrase",
            "goods_ru", "goods_en", "duty_ru", "unit_ru", "unit_en", "asian_tariff_ref", "point",
            # choices (the layer names the allowed values) and references to other entries
            "date_precision", "feature_type", "side", "precision_class", "unit_type", "post_type", "event_type",
            "subtype", "direction", "kind", "category", "effect", "what", "unit", "place", "seat", "parent",
            "formed_from", "area", "within", "qualifier",
        ),
        TEXT_OR_NULL,
    ),
    **dict.fromkeys(("start", "end", "date"), ("date", "null")),
    **dict.fromkeys(("lat", "lon", "precision_m", "inner_m", "low", "best", "high", "value"), ("number", "null")),
    **dict.fromkeys(("depth_m", "km", "radius_m"), ("number",)),
    **dict.fromkeys(("year", "year_end", "geonames_id"), ("whole", "null")),
    **dict.fromkeys(("count", "article", "duty_kopecks"), ("whole",)),
    **dict.fromkeys(("footnote", "source_footnote"), ("whole", "text", "null")),
    **dict.fromkeys(("approximate", "in_1927_list", "border_zone_town", "duty_free"), ("flag",)),
    **dict.fromkeys(("depth", "citation", "location", "counts", "tariff"), ("mapping",)),
    **dict.fromkeys(("people", "households", "ratio_of_emigration"), ("mapping", "null")),
    **dict.fromkeys(("sources", "acts", "rules", "articles", "rates"), ("mappings",)),
    **dict.fromkeys(
        ("actors", "goods", "events", "facts", "names_by_period", "seat_moves", "population"), ("mappings", "null")
    ),
    # the lists of entries at the top of a file
    **dict.fromkeys(("incidents", "units", "posts", "areas", "flows", "statistics"), ("mappings",)),
    "variants": ("texts", "null"),
    "zones": ("texts",),  # an act's or a rule's zones; zones.yaml's own list is typed there
    "lonlat": ("numbers", "null"),
}  # fmt: skip


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records in each mapping the line it starts on (1-based)."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE] = node.start_mark.line + 1
        return mapping


def load_yaml(path: Path, top: type = dict, what: str = "entries"):
    """Load a YAML source whose top level is a `top` (dict, or a list of mappings).

    A syntax error, a top level of another kind or an entry that is not a mapping becomes a DataError
    with the file and line.
    """
    try:
        with open(path, encoding="utf-8") as fh:
            node, data = _compose_and_construct(fh)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise DataError(path, mark.line + 1 if mark else 1, None, f"not valid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:  # a reader error (a character YAML does not allow) has a position, not a mark
        raise DataError(path, _error_line(path, exc), None, f"not valid YAML: {str(exc).splitlines()[0]}") from None
    except UnicodeDecodeError as exc:
        line = Path(path).read_bytes().count(b"\n", 0, exc.start) + 1
        raise DataError(path, line, None, f"not UTF-8 text: byte {exc.object[exc.start]:#x} ({exc.reason})") from None
    except OSError as exc:
        raise DataError(path, None, None, f"cannot read: {exc.strerror}") from None
    if not isinstance(data, top):
        raise DataError(
            path, 1, None, f"expected {'a list of ' + what if top is list else 'a mapping'} at the top level"
        )
    if top is list:
        for entry, item in zip(data, node.value, strict=True):
            if not isinstance(entry, dict):
                line = item.start_mark.line + 1
                raise DataError(path, line, None, f"every entry must be a mapping, found {shown(entry)}")
    return data


def _compose_and_construct(stream):
    """(node, value) of a one-document YAML stream, mappings carrying their line."""
    loader = _LineLoader(stream)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def _error_line(path: Path, exc: yaml.YAMLError) -> int:
    """The line of a reader error's position in the file, else 1."""
    position = getattr(exc, "position", None)
    if position is None:
        return 1
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    return text.count("\n", 0, position) + 1


def check_fields(
    path: Path, entry: dict, required: set[str], optional: set[str], types: dict[str, tuple] | None = None
) -> None:
    """Every required field present, no field outside required | optional, each of a kind FIELD_TYPES allows.

    `types` gives a layer's own kinds for fields whose name means something else there.
    """
    line, ident = entry.get(LINE), _ident(entry)
    missing = sorted(required - entry.keys())
    if missing:
        raise DataError(path, line, ident, f"missing field(s) {missing}")
    unknown = sorted(entry.keys() - required - optional - {LINE}, key=str)
    if unknown:
        raise DataError(path, line, ident, f"unknown field(s) {unknown}; allowed: {sorted(required | optional)}")
    check_types(path, entry, types)


def check_types(path: Path, entry: dict, types: dict[str, tuple] | None = None) -> None:
    """Each field's value is of a kind the table (FIELD_TYPES, then `types`) allows for its name."""
    table = {**FIELD_TYPES, **(types or {})}
    for key, value in entry.items():
        kinds = table.get(key, ())
        if kinds and not any(KINDS[kind][0](value) for kind in kinds):
            allowed = " or ".join(KINDS[kind][1] for kind in kinds)
            raise DataError(path, entry.get(LINE), _ident(entry), f"`{key}` was {shown(value)} but must be {allowed}")


def shown(value) -> str:
    """A value as a message quotes it, cut short."""
    text = repr(strip_lines(value))
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


def _ident(entry: dict):
    ident = entry.get("id")
    return ident if isinstance(ident, str) else None


def entries(path: Path, data: dict, key: str) -> list[dict]:
    """The list under `key`, which must hold mappings."""
    items = data[key]
    if not isinstance(items, list) or not all(isinstance(e, dict) for e in items):
        raise DataError(path, data.get(LINE), None, f"`{key}` must be a list of mappings")
    return items


def read_entries(path: Path, key: str) -> list[dict]:
    """The entries under `key` of a source file laid out as {key: [...]}: mappings with unique ids."""
    data = load_yaml(path)
    check_fields(path, data, {key}, set())
    records = entries(path, data, key)
    check_unique(path, records)
    return records


def check_unique(path: Path, items: list[dict]) -> None:
    """No id twice."""
    seen = set()
    for item in items:
        if not isinstance(item.get("id"), str) or not item["id"].strip():
            raise DataError(path, item.get(LINE), None, f"`id` must be a non-empty text, found {item.get('id')!r}")
        if item.get("id") in seen:
            raise DataError(path, item[LINE], item["id"], "duplicate id")
        seen.add(item.get("id"))


def strip_lines(value):
    """A copy of a loaded value without the line-number keys."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k != LINE}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value


# --- dates, citations, gazetteer references, dated counts ----------------------------------------


def check_period(path: Path, line: int, ident: str, entry: dict, what: str = "") -> None:
    """start/end are partial ISO dates or null, end not before start, a known date_precision with a start."""
    label = f"{what} " if what else ""
    precision = entry.get("date_precision")
    if precision is not None and precision not in PRECISIONS:
        raise DataError(path, line, ident, f"{label}date_precision {precision!r} is not one of {list(PRECISIONS)}")
    if entry.get("start") is not None and precision is None:
        raise DataError(path, line, ident, f"{label}start {entry['start']} needs a date_precision")
    first, last = (_bound(path, line, ident, entry.get(k), i) for k, i in (("start", 0), ("end", 1)))
    if first and last and last < first:
        raise DataError(path, line, ident, f"{label}end {entry['end']} is before start {entry['start']}")


def check_date(path: Path, line: int, ident: str, value, precision) -> None:
    """A required partial ISO date with a known precision."""
    if value is None:
        raise DataError(path, line, ident, "a date is required")
    _bound(path, line, ident, value, 0)
    if precision not in PRECISIONS:
        raise DataError(path, line, ident, f"date_precision {precision!r} is not one of {list(PRECISIONS)}")


def check_citations(path: Path, ident: str, owner: dict, key: str = "sources") -> None:
    """A non-empty list of citations (check_citation)."""
    cites = owner.get(key)
    if not isinstance(cites, list) or not cites:
        raise DataError(path, owner.get(LINE), ident, f"`{key}` must be a non-empty list of citations")
    for cite in cites:
        check_citation(path, owner.get(LINE), ident, cite)


def check_citation(path: Path, line: int | None, ident: str | None, cite) -> None:
    """{document, note, locator, quote}: a known document and note, a 5–30-word quote (or an archival file)."""
    if not isinstance(cite, dict):
        raise DataError(path, line, ident, f"a citation must be {CITATION_SHAPE}, found {shown(cite)}")
    if "archive" in cite:
        return check_archival(path, line, ident, cite)
    check_fields(path, {**cite, "id": ident}, citations.CITATION_FIELDS[0] | {"id"}, citations.CITATION_FIELDS[1],
                 CITATION_TYPES)  # fmt: skip
    citations.check(path, cite.get(LINE, line), ident, cite)
    words = len(str(cite["quote"] or "").split())
    if not QUOTE_WORDS[0] <= words <= QUOTE_WORDS[1]:
        raise DataError(
            path, cite[LINE], ident, f"a quote must be {QUOTE_WORDS[0]}–{QUOTE_WORDS[1]} words, not {words}"
        )


def check_archival(path: Path, line: int | None, ident: str | None, cite: dict) -> None:
    """{archive, fond, opis, delo, locator, quote, note}: the file and its sheets, with a quote or a note."""
    own = {"note": TEXT_OR_NULL, "quote": TEXT_OR_NULL}
    check_fields(path, {**cite, "id": ident}, ARCHIVAL_FIELDS[0] | {"id"}, ARCHIVAL_FIELDS[1], own)
    line = cite.get(LINE, line)
    empty = [k for k in sorted(ARCHIVAL_FIELDS[0]) if not str(cite[k]).strip()]
    if empty:
        raise DataError(path, line, ident, f"an archival citation needs {', '.join(empty)}")
    if not (cite.get("quote") or "").strip() and not (cite.get("note") or "").strip():
        raise DataError(path, line, ident, "an archival citation needs a quote or a note")
    words = len((cite.get("quote") or "").split())
    if cite.get("quote") and not QUOTE_WORDS[0] <= words <= QUOTE_WORDS[1]:
        raise DataError(path, line, ident, f"a quote must be {QUOTE_WORDS[0]}–{QUOTE_WORDS[1]} words, not {words}")


def check_place(path: Path, line: int, ident: str, place, places: set[str], *, what: str) -> None:
    """A place reference is null or an id of the gazetteer."""
    if place is not None and (not isinstance(place, str) or place not in places):
        raise DataError(path, line, ident, f"{what} {place!r} is not in the gazetteer ({PLACES_FILE})")


def check_facts(path: Path, line: int, ident: str | None, facts, kinds: dict[str, str]) -> None:
    """Dated counts: a known kind, a year, a value or a low–high range, and citations (`line`: the owner's)."""
    if not isinstance(facts, list) or not all(isinstance(fact, dict) for fact in facts):
        raise DataError(path, line, ident, "`facts` must be a list of {what, year, date_precision, text, sources, ...}")
    for fact in facts:
        line, what = fact.get(LINE), fact.get("what")
        if fact.get("year") is None:
            raise DataError(path, line, ident, f"a count ({what}) without a year: every count is a dated fact")
        check_fields(path, {**fact, "id": ident}, FACT_FIELDS[0] | {"id"}, FACT_FIELDS[1])
        if what not in kinds:
            raise DataError(path, line, ident, f"fact kind {what!r} is not one of {list(kinds)}")
        _check_fact_dates(path, line, ident, fact)
        _check_fact_value(path, line, ident, fact)
        check_citations(path, ident, fact)


def _check_fact_dates(path: Path, line: int, ident: str, fact: dict) -> None:
    year, year_end = fact["year"], fact.get("year_end")
    if not isinstance(year, int) or (year_end is not None and not isinstance(year_end, int)):
        raise DataError(path, line, ident, f"a count's year must be a whole year (e.g. 1927), not {year!r}")
    if year_end is not None and year_end < year:
        raise DataError(path, line, ident, f"year_end {year_end} is before year {year}")
    if fact["date_precision"] not in PRECISIONS:
        raise DataError(
            path, line, ident, f"date_precision {fact['date_precision']!r} is not one of {list(PRECISIONS)}"
        )
    if fact.get("date") is not None and _bound(path, line, ident, fact["date"], 0).year != year:
        raise DataError(path, line, ident, f"date {fact['date']} is not in year {year}")


def _check_fact_value(path: Path, line: int, ident: str, fact: dict) -> None:
    value, low, high = fact.get("value"), fact.get("low"), fact.get("high")
    if value is None and (low is None or high is None):
        raise DataError(path, line, ident, f"a count ({fact['what']}) needs `value`, or `low` and `high` for a range")
    numbers = [v for v in (value, low, high) if v is not None]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 for v in numbers):
        raise DataError(path, line, ident, f"count values must be numbers >= 0, not {numbers}")
    if low is not None and high is not None and high < low:
        raise DataError(path, line, ident, f"range {low}–{high}: high is below low")


def _bound(path: Path, line: int, ident: str, value, index: int) -> date | None:
    if value is None:
        return None
    try:
        return parse_partial(str(value))[index]
    except ValueError as exc:
        raise DataError(path, line, ident, str(exc)) from None


# --- low/best/high ranges ------------------------------------------------------------------------


def check_counts(path: Path, line: int, ident: str, counts, kinds) -> None:
    """{kind: {low, best, high, approximate}}: known kinds, numbers >= 0, low <= best <= high."""
    if not isinstance(counts, dict):
        raise DataError(path, line, ident, "`counts` must be a mapping of kind -> {low, best, high, approximate}")
    for kind, value in counts.items():
        if kind == LINE:
            continue
        if kind not in kinds:
            raise DataError(path, line, ident, f"count kind {kind!r} is not one of {list(kinds)}")
        check_range(path, line, ident, value, kind)


def check_range(path: Path, line: int, ident: str, value, what: str) -> None:
    """A {low, best, high, approximate} range: numbers >= 0 or null, low <= high, best within low..high."""
    if not isinstance(value, dict):
        raise DataError(path, line, ident, f"{what} must be {{low, best, high, approximate}}")
    check_fields(path, {**value, "id": ident}, RANGE_FIELDS[0] | {"id"}, set())
    low, best, high = value["low"], value["best"], value["high"]
    for name, number in (("low", low), ("best", best), ("high", high)):
        check_number(path, line, ident, number, f"{what} {name}")
    if low is not None and high is not None and high < low:
        raise DataError(path, line, ident, f"{what}: low {low} is above high {high}")
    if best is not None and ((low is not None and best < low) or (high is not None and best > high)):
        raise DataError(path, line, ident, f"{what}: best {best} is outside low..high ({low}..{high})")
    if not isinstance(value["approximate"], bool):
        raise DataError(path, line, ident, f"{what}: approximate must be true or false")


def check_number(path: Path, line: int, ident: str, number, what: str) -> None:
    """A number >= 0 or null; DataError naming the entry and what was found otherwise."""
    if number is None:
        return
    if isinstance(number, bool) or not isinstance(number, (int, float)):
        raise DataError(path, line, ident, f"{what} must be a number, not {number!r}")
    if number < 0:
        raise DataError(path, line, ident, f"{what} is negative ({number})")

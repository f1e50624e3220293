"""GET /changes?from=1927&to=1935: what changed between two moments, in a reader's words, each line cited.

Between the years `from` and `to` (the changes of the years after `from` up to the end of `to`): the zones that came
into force or lapsed and the acts passed, the units formed, renamed, moved or dissolved, the customs posts opened
and closed, the incidents and the migration flows of the span with their counts. Each line names its date as the
source words it, its reference (rendered) and the passage in the reader, and links to the feature. A change whose
dates straddle the span's edge (layers.when: its bounds reach beyond it) is only possible, and says so.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, jsonify, render_template, request, url_for

from geo import measure
from layers import when
from layers.schema import YEARS
from layers.words import count_words, date_words
from store.errors import QueryError
from webapp import params, regime
from webapp.store import get_store

bp = Blueprint("changes", __name__)
COLLECTIONS = ("zones", "outposts", "customs", "incidents", "migration")
# A geometry that changed by less than this between two periods (a seat "moved" 300 m: the same place digitised
# again) is not a change; docs/dates.md says so, and the JSON answer gives it.
GEOMETRY_TOLERANCE_M = 1000
TOLERANCE_WORDS = (
    f"a place that moved less than {GEOMETRY_TOLERANCE_M:,} m between two periods (the same place digitised again) "
    "is not reported as a change"
)


def _year(name: str, default: int) -> int:
    text = request.args.get(name, str(default))
    allowed = f"allowed: a year from {YEARS[0]} to {YEARS[1]}"
    if not text.isascii() or not text.isdigit() or len(text) > 4:
        raise QueryError(name, f"{text[:20]!r} is not a year; {allowed}")
    value = int(text)
    if value < YEARS[0]:
        raise QueryError(name, f"{value} is before {YEARS[0]}; {allowed}")
    if value > YEARS[1]:
        raise QueryError(name, f"{value} is after {YEARS[1]}; {allowed}")
    return value


def _within(pair, span: tuple[date, date]) -> str | None:
    """Whether a day known to lie between pair's bounds falls in the span: certain, possible or None."""
    first, last = pair
    if (first and first > span[1]) or (last and last < span[0]):
        return None
    return "certain" if first and last and first >= span[0] and last <= span[1] else "possible"


def _refs(cites) -> list[dict]:
    """The first two references of a change, each note once (at its first passage: a record quoting one note twice
    names it once)."""
    kept: dict = {}
    for c in cites or []:
        if c:
            kept.setdefault(c.get("cited_as"), c)
    return [{k: c.get(k) for k in ("cited_as", "reference", "passage", "quote")} for c in kept.values()][:2]


def _line(kind: str, text: str, dated: tuple, page: tuple[str, str], cites, *, words: str | None = None) -> dict:
    """One change: `dated` is (the bounds of its day, certain or possible); `page` the feature's (collection, id)."""
    pair, certainty = dated
    day = pair[0] or pair[1]
    said = words or (date_words(day.isoformat()) if pair[0] == pair[1] and day else _span_words(pair))
    return {"kind": kind, "date": said, "sort": (day or date.max).isoformat(), "text": text, "certainty": certainty,
            "feature": url_for("api.item", cid=page[0], fid=page[1], f="html"), "collection": page[0], "id": page[1],
            "references": _refs(cites)}  # fmt: skip


def _span_words(pair) -> str:
    """A span of days as written: "1932", "August 1927", else its first and last day."""
    form = when.to_edtf(when.Bounds(pair, pair)) if all(pair) else None
    if form and not form.startswith("[") and int(form[5:7] or 0) <= 12:
        return date_words(form)
    if all(pair) and (pair[0].month, pair[0].day, pair[1].month, pair[1].day) == (1, 1, 12, 31):
        return f"{pair[0].year}–{pair[1].year}"
    return " – ".join(date_words(d.isoformat()) if d else "…" for d in pair)


# --- each collection's changes ---------------------------------------------------------------------


def _sides(cid: str, row: dict, span) -> list[tuple[str, tuple, str]]:
    """(what, bounds, certainty) of a feature's start and end that fall in the span."""
    bounds = when.from_json(row.get("bounds"))
    out = []
    words = SIDE_WORDS[cid]
    for side, pair in ((0, bounds.start), (1, bounds.end)):
        hit = pair and (pair != (date.min, date.min)) and _within(pair, span)
        if hit and bounds != when.UNDATED:
            out.append((words[side], pair, hit))
    return out


SIDE_WORDS = {
    "zones": ("Came into force", "Lapsed"),
    "outposts": ("Formed", "Dissolved"),
    "customs": ("Opened", "Closed"),
}


def _zones(frame, border, span) -> list[dict]:
    """The zones that came into force or lapsed, and the acts (of a zone, or on the border zone as a whole)."""
    lines, acts = [], {}
    for row in frame.to_dict("records"):
        for what, pair, hit in _sides("zones", row, span):
            lines.append(_line(what, row["name"], (pair, hit), ("zones", row["id"]), row["sources"]))
        for act in row.get("acts") or []:
            acts.setdefault(act["id"], (act, ("zones", row["id"])))
    for row in border.to_dict("records"):
        for act in row.get("general_acts") or []:
            acts.setdefault(act["id"], (act, ("border", row["id"])))
    for act, zone in acts.values():
        if not act.get("date"):
            continue
        pair = when.nested_bounds(act, "day").start
        hit = _within(pair, span)
        if hit:
            text = f"{act['title']} ({act['body']}): {act['did']}"
            cites = [act.get("citation")]
            lines.append(_line("Act", text, (pair, hit), zone, cites, words=act.get("date_text")))
    return lines


def _moved(row: dict, periods: list[dict]) -> bool:
    """Whether a later seat period's point lies farther than GEOMETRY_TOLERANCE_M from the one before it (`periods`:
    its unit's, in order; an unlocated seat counts as a move: nothing says it is the same place)."""
    at = next(i for i, r in enumerate(periods) if r is row)
    before, here = periods[at - 1]["geometry"] if at else None, row["geometry"]
    if before is None or here is None or before.is_empty or here.is_empty:
        return True
    return measure.geodesic_distance(before, here) >= GEOMETRY_TOLERANCE_M


def _units(frame, span) -> list[dict]:
    lines = []
    rows = frame.to_dict("records")
    by_unit: dict[str, list[dict]] = {}
    for row in rows:
        by_unit.setdefault(row.get("unit_id") or row["id"], []).append(row)
    for periods in by_unit.values():
        periods.sort(key=lambda r: str(r.get("start") or ""))
    for row in rows:
        unit = row.get("unit_id") or row["id"]
        page = ("outposts", unit)
        if row["id"] != unit:  # a later seat period: the unit moved (if farther than the tolerance)
            if not _moved(row, by_unit[unit]):
                continue
            for _what, pair, hit in _sides("outposts", row, span)[:1]:
                lines.append(_line("Moved", f"{row['name']} moved its seat", (pair, hit), page, row["sources"]))
            continue
        ends_here = len(by_unit[unit]) == 1  # else its last seat period ends it
        for what, pair, hit in _sides("outposts", row, span):
            if what == "Formed" or ends_here:
                lines.append(_line(what, row["name"], (pair, hit), page, row["sources"]))
        names = row.get("names_by_period") or []
        for earlier, name in zip(names, names[1:], strict=False):
            if not name.get("start"):
                continue
            pair = when.nested_bounds(name, "interval").start
            hit = _within(pair, span)
            if hit:
                text = f"{earlier['name']} renamed {name['name']}"
                lines.append(_line("Renamed", text, (pair, hit), page, name.get("sources") or row["sources"]))
    return lines


def _posts(frame, span) -> list[dict]:
    return [
        _line(what, row["name"], (pair, hit), ("customs", row["id"]), row["sources"])
        for row in frame.to_dict("records")
        for what, pair, hit in _sides("customs", row, span)
    ]


def _events(cid: str, frame, span) -> list[dict]:
    """The incidents or flows of the span, each once: an event in it, or a flow that ran in it."""
    kind = {"incidents": "Incident", "migration": "Migration"}[cid]
    lines = []
    for row in frame.to_dict("records"):
        bounds = when.from_json(row.get("bounds"))
        if bounds == when.UNDATED:
            continue
        whole = (bounds.start[0], (bounds.end or (None, None))[1])
        hit = _within(whole, span)
        if hit:
            figures = row.get("figure_text") or _counts_words(row.get("counts"))
            text = row["name"] + (f": {figures}" if figures else "")
            said = row.get("date_text") or None
            lines.append(_line(kind, text, (whole, hit), (cid, row["id"]), row["sources"], words=said))
    return lines


def _counts_words(counts: dict | None) -> str:
    """An incident's counts, each as every count is said: "detained about 500 (400–600), killed 1"."""
    said = ((kind, count_words(value)) for kind, value in (counts or {}).items())
    return ", ".join(f"{kind} {words}" for kind, words in said if words)


def changes(store, first: int, last: int) -> dict:
    """The changes between the years `first` and `last` (those of the years after `first`, up to `last`)."""
    span = (date(first + 1, 1, 1), date(last, 12, 31))
    frames = {cid: store.frame(cid) for cid in COLLECTIONS if cid in store.collections()}
    lines = (
        _zones(frames["zones"], store.frame("border"), span)
        + _units(frames["outposts"], span)
        + _posts(frames["customs"], span)
    )
    lines += _events("incidents", frames["incidents"], span) + _events("migration", frames["migration"], span)
    lines.sort(key=lambda line: (line["sort"], line["kind"], line["text"]))
    counts = {}
    for line in lines:
        counts[line["kind"]] = counts.get(line["kind"], 0) + 1
    tolerance = {"metres": GEOMETRY_TOLERANCE_M, "meaning": TOLERANCE_WORDS}
    return {"from": first, "to": last, "counts": counts, "geometry_tolerance": tolerance, "changes": lines}


def _point() -> tuple[float, float] | None:
    """The point `lon`, `lat` asked about (both or neither), or None."""
    given = [name for name in ("lon", "lat") if name in request.args]
    if len(given) == 1:
        missing = ({"lon", "lat"} - set(given)).pop()
        raise QueryError(
            missing, "missing; give both lon and lat (WGS84 degrees) for the regime at a point, or neither"
        )
    if not given:
        return None
    return params.parse_number("lon", request.args["lon"]), params.parse_number("lat", request.args["lat"])


def _at_point(point: tuple[float, float], first: int, last: int) -> dict:
    """The regime at the point at both moments (webapp.regime), and its zones side by side: each zone's status then."""
    moments = [regime.answer_at(*point, str(year), date_name=name) for name, year in (("from", first), ("to", last))]
    statuses = [{z["id"]: z["status"] for z in m["zones"]} for m in moments]
    names = {z["id"]: z["name"] for m in moments for z in m["zones"]}
    rows = [{"id": zid, "name": name, "status": [s.get(zid, "not around this point") for s in statuses]}
            for zid, name in names.items()]  # fmt: skip
    return {"lon": point[0], "lat": point[1], "side": moments[1]["side"], "zones": rows, "moments": moments}


@bp.get("/changes")
def changes_page():
    """What changed between two years (HTML; JSON with f=json)."""
    params.check_known(request.args, {"from", "to", "f", "lon", "lat"})
    first, last = _year("from", YEARS[0]), _year("to", YEARS[1])
    if last <= first:
        raise QueryError("to", f"{last} is not after from={first}; allowed: a year after `from`, up to {YEARS[1]}")
    body = changes(get_store(), first, last)
    point = _point()
    if point:
        body["at_point"] = _at_point(point, first, last)
    if params.wants_html():
        json_url = url_for("changes.changes_page", **{"from": first, "to": last, "f": "json"})
        return render_template("period_changes.html", title=f"What changed, {first} to {last}", body=body,
                               json_url=json_url)  # fmt: skip
    return jsonify(body)

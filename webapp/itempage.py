"""A feature's page for any layer (`/collections/<id>/items/<fid>?f=html`): its properties in words, for a
historian, not as a dump of the API's fields. Codes give way to their `*_label` words, dates are said in words,
lists read as lists, and the sources are cited as on every page; the JSON keeps every field as it is."""

from __future__ import annotations

from flask import url_for

from layers.customs import FACT_KINDS as CUSTOMS_FACTS
from layers.outposts import FACT_KINDS as UNIT_FACTS
from layers.words import count_words, date_words, when
from webapp import vocabulary
from webapp.mapurl import map_url
from webapp.store import per_build

# The fields a page shows elsewhere, or that only a program needs.
SHOWN_ELSEWHERE = {"id", "name", "sources", "start", "end", "date_precision", "bbox", "zones_containing"}
# Field -> its label on the page (a field not listed is named by its words: "seat_note" -> "Seat note").
LABELS = {
    "name_ru": "Russian",
    "name_kk": "Kazakh",
    "name_zh": "Chinese",
    "variants": "Other names and spellings",
    "unit_type": "Type",
    "post_type": "Type",
    "event_type": "Type",
    "kind": "Kind",
    "feature_type": "Type",
    "parent": "Parent unit",
    "formed_from": "Formed from",
    "seat": "Seat",
    "where_prec": "Located to",
    "precision_m": "Uncertainty radius",
    "rule": "Its outline",
    "when": "Dates as the sources give them (EDTF)",
    "bounds": "Earliest and latest dates",
    "marker_lon": "Marker's longitude",
    "marker_lat": "Marker's latitude",
    "marker_radius_m": "Farthest edge from its marker",
    "used_by": "Used by",
    "role": "Drawn for",
    "location_basis": "How it is located",
    "border_distance_m": "Distance from the border",
    "names_by_period": "Names over time",
    "seat_moves": "Seats over time",
    "facts": "Dated facts",
    "events": "Events",
    "first_attested": "First named for",
    "last_attested": "Last named for",
    "date_text": "Date, as the source words it",
}
UNITS = {
    "precision_m": lambda v: f"{v:,.0f} m",
    "border_distance_m": lambda v: f"{v / 1000:,.1f} km",
    "marker_radius_m": lambda v: f"{v / 1000:,.0f} km",
    "depth_m": lambda v: f"{v:,.0f} m",
    "marker_lon": lambda v: f"{v:.4f}°",
    "marker_lat": lambda v: f"{v:.4f}°",
    "inner_m": lambda v: f"{v:,.0f} m",
}
# Fields that name another feature by its id: the layer it is in (shown by its name, linked to its page).
REFS = {"parent": "outposts", "formed_from": "outposts", "seat": "places", "place": "places", "unit": "outposts"}
REF_LAYERS = sorted(set(REFS.values()))


def _names(store) -> dict:
    """{layer: {id: name}} of the layers features refer to, made once per build."""
    return {cid: dict(zip(f["id"], f["name"], strict=True)) for cid, f in ((c, store.frame(c)) for c in REF_LAYERS)}


def _words(key: str) -> str:
    return LABELS.get(key) or key.replace("_", " ").capitalize()


PAGES = {"places": lambda fid: url_for("places.place_page", pid=fid)}  # layers with a page of their own


def _ref(key: str, value: str) -> dict:
    """Another feature, by its name, linked to its page (its id where the build has no such feature)."""
    cid = REFS[key]
    name = per_build("item_names", _names).get(cid, {}).get(value)
    page = PAGES.get(cid, lambda fid: url_for("api.item", cid=cid, fid=fid, f="html"))
    return {"text": name or value, "url": page(value) if name else None}


def _is_date(value) -> bool:
    return isinstance(value, str) and len(value) in (4, 7, 10) and value[:4].isdigit() and value[4:5] in ("", "-")


def _is_citations(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) and "cited_as" in v for v in value)


def _text(value) -> str:
    """A value inside a sentence: a reference by its name."""
    return value["text"] if isinstance(value, dict) and "text" in value else str(value)


def _mapping(key: str, value: dict, props: dict) -> str:
    """A record inside a record (an act, a dated fact) in one line, its id and its EDTF `when` left out (its dates
    are said in words; the API gives `when`)."""
    left_out = {"id", "when"}
    kept = ((k, v) for k, v in value.items() if k not in left_out and not k.endswith("_id") and v not in (None, "", []))
    return " · ".join(f"{_words(k)}: {_text(_value(k, v, props))}" for k, v in kept)


COUNT_KEYS = {"low", "best", "high", "approximate"}


def _is_count(value) -> bool:
    return isinstance(value, dict) and bool(value) and set(value) <= COUNT_KEYS


def _count(value: dict) -> str:
    """A count as the source gives it (layers.words.count_words): "about 500 (400–600)", "at least 400,000"."""
    return count_words(value) or "not given"


# How a value is said, by what it is: the first rule that applies (key, value -> bool; key, value, props -> shown).
FACT_WORDS = {**UNIT_FACTS, **CUSTOMS_FACTS}  # a dated fact's kind, in words ("border violators deported")
RULES = (
    (lambda k, v: k == "what" and v in FACT_WORDS, lambda k, v, p: FACT_WORDS[v]),
    (lambda k, v: k == "when", lambda k, v, p: v),  # EDTF ("1927-22": summer 1927), not a date to put in words
    (lambda k, v: k == "rule" and isinstance(v, dict) and "text" in v, lambda k, v, p: v["text"]),  # an area's rule
    (lambda k, v: isinstance(v, bool), lambda k, v, p: "yes" if v else "no"),
    (lambda k, v: k in UNITS and isinstance(v, int | float), lambda k, v, p: UNITS[k](v)),
    (lambda k, v: k == "where_prec", lambda k, v, p: vocabulary.LEVEL_WORDS.get(v, v)),
    (lambda k, v: k in REFS and isinstance(v, str), lambda k, v, p: _ref(k, v)),
    (lambda k, v: _is_citations(v), lambda k, v, p: "; ".join(dict.fromkeys(c["cited_as"] for c in v))),
    (lambda k, v: isinstance(v, dict) and "cited_as" in v, lambda k, v, p: v["cited_as"]),
    (lambda k, v: _is_date(v), lambda k, v, p: date_words(v)),
    (lambda k, v: _is_count(v), lambda k, v, p: _count(v)),
    (lambda k, v: isinstance(v, dict), _mapping),
    (lambda k, v: isinstance(v, list), lambda k, v, p: [_value(k, x, p) for x in v if x not in (None, "", [])]),
    (lambda k, v: isinstance(v, int) and not k.startswith("year"), lambda k, v, p: f"{v:,}"),
)


def _value(key: str, value, props: dict):
    """A value as a page says it: a code by its label, a number with its unit, a date in words, a list as items."""
    return next((show(key, value, props) for applies, show in RULES if applies(key, value)), value)


def rows(props: dict) -> list[tuple[str, object]]:
    """(label, value) of each field worth showing, a code replaced by its `*_label` twin, empty ones left out."""
    out = []
    for key, value in props.items():
        if key in SHOWN_ELSEWHERE or key.endswith("_label") or value in (None, "", [], {}) or value == props.get("id"):
            continue
        shown = props.get(f"{key}_label") or value
        out.append((_words(key), _value(key, shown, props)))
    return out


EVENTS = {"incidents", "diplomacy"}  # layers of things that happened (the others lasted: zones, units, posts)


def _period(cid: str, props: dict) -> str:
    """When: an event "on 18 August 1927"; a zone, a unit or a post "from 1923 to 1935" (or with no end given)."""
    start, end = props["start"], props.get("end")
    if cid in EVENTS:
        return when(start, end, props.get("date_precision"))
    return f"from {date_words(start)} " + (f"to {date_words(end)}" if end else "(no end given in the sources)")


def context(cid: str, feature: dict) -> dict:
    """What item.html needs: the rows, the period in words, the map link, the citation exports."""
    props = feature["properties"]
    start = props.get("start")
    year = int(str(start)[:4]) if start else None
    return {
        "rows": rows(props),
        "period": _period(cid, props) if start else None,
        "map_url": map_url(year=(year, year) if year else None, sel=props["id"]) if feature.get("geometry") else None,
        "cite_url": url_for("cite.feature_citations", cid=cid, fid=props["id"]),
    }

"""Certain or possible: each dated feature's standing in the period of a `datetime` query (layers.when).

The items and the downloads mark each feature `certainty: certain|possible` when the request gives a `datetime`:
certain when every reading of its dates (its four bounds) overlaps the period, possible when only some does (a
feature the sources do not date is possible in every year). Places, the border and the areas are not dated things
and are not marked.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator
from datetime import date

from layers import when

_DECODER = json.JSONDecoder()
_ID_AT = len(b'{"type":"Feature","id":')
_CACHE: dict[tuple[str, str], dict[str, when.Bounds]] = {}
_LOCK = threading.Lock()


def marked(cid: str) -> bool:
    """Whether a collection's features are dated things (marked certain or possible)."""
    return cid not in when.TIMELESS


def bounds_by_id(store, cid: str) -> dict[str, when.Bounds]:
    """{feature id: its bounds} of a collection, read once per store version."""
    key = (store.version, cid)
    with _LOCK:
        if key not in _CACHE:
            frame = store.frame(cid)
            values = frame["bounds"] if "bounds" in frame.columns else [None] * len(frame)
            _CACHE[key] = {fid: when.from_json(b) for fid, b in zip(frame["id"], values, strict=True)}
        return _CACHE[key]


def of(store, cid: str, fid: str, period) -> str | None:
    """A feature's certainty in the period (lo, hi), or None where the collection is not marked."""
    if period is None or not marked(cid):
        return None
    bounds = bounds_by_id(store, cid).get(fid, when.UNDATED)
    return when.certainty(bounds, *period) or "possible"


def mark_texts(store, cid: str, texts: Iterable[bytes], period) -> Iterator[bytes]:
    """The stored feature texts with `certainty` as their last property (unchanged without a period)."""
    if period is None or not marked(cid):
        yield from texts
        return
    for text in texts:
        fid = _DECODER.raw_decode(text.decode(), _ID_AT)[0]
        yield text[:-2] + b',"certainty":"' + of(store, cid, fid, period).encode() + b'"}}'


def with_column(store, cid: str, frame, period):
    """The frame with a `certainty` column (unchanged without a period)."""
    if period is None or not marked(cid):
        return frame
    return frame.assign(certainty=[of(store, cid, fid, period) for fid in frame["id"]])


def year_counts(frame, years: tuple[int, int]) -> tuple[list[int], list[int]]:
    """(certain, possible): how many features are certainly, and how many only possibly, there in each year (an
    undated one, or one dated only "by" a day, is possible in every year it may fall in)."""
    values = frame["bounds"] if "bounds" in frame.columns else []
    bounds = [when.from_json(b) for b in values]
    certain, possible = [], []
    for year in range(years[0], years[1] + 1):
        marks = [when.certainty(b, date(year, 1, 1), date(year, 12, 31)) for b in bounds]
        certain.append(marks.count("certain"))
        possible.append(marks.count("possible"))
    return certain, possible


class Marking:
    """A store whose `query` and `texts` answers carry each feature's certainty in the query's period."""

    def __init__(self, store):
        self._store = store

    def __getattr__(self, name):
        return getattr(self._store, name)

    def query(self, cid: str, **query):
        frame, matched = self._store.query(cid, **query)
        return with_column(self._store, cid, frame, query.get("period")), matched

    def texts(self, cid: str, **query):
        return mark_texts(self._store, cid, self._store.texts(cid, **query), query.get("period"))

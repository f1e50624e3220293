"""An incident's actors and goods as a person writes them in one cell, read back as the record's lists.

- actors: `who (side); who (side)`: each actor as the source words it, then its side in brackets, one of
  USSR, China or unknown (`outpost No. 9 (USSR); four Chinese citizens (China)`).
- goods: `what: amount unit; what`: what was seized, then, where the source gives them, a colon, the amount
  and its unit (`opium poppies: 4 dessiatine; furs; Soviet currency: 19.28 rubles`).

A cell that starts with `[` is JSON, as the downloads write it, and is read as such (contrib.values). Writing a
list back (`cell`) gives the text that reads back as the same list.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from contrib.values import READ, CellError
from layers.incidents import SIDES

_ACTOR = re.compile(r"^(?P<who>.*\S)\s*\((?P<side>[^()]*)\)$", re.S)
_GOOD = re.compile(r"^(?P<what>.*?\S)\s*:\s*(?P<rest>.*)$", re.S)
_AMOUNT = re.compile(r"^(?P<value>[+-]?[\d.,]+(?:[eE][+-]?\d+)?)(?:\s+(?P<unit>.*\S))?\s*$", re.S)
SIDE_WORDS = {side.casefold(): side for side in SIDES}


def _parts(text: str) -> list[str]:
    return [part.strip() for part in str(text).split(";") if part.strip()]


def read_actors(text: str) -> list[dict]:
    """`who (side); who (side)` as [{who, side}]; CellError naming the first actor not written so."""
    out = []
    for part in _parts(text):
        found = _ACTOR.match(part)
        side = SIDE_WORDS.get(found["side"].strip().casefold()) if found else None
        if side is None:
            raise CellError(f"the actor “{part}” does not end with its side in brackets", ACTORS.allowed)
        out.append({"who": found["who"], "side": side})
    return out


def read_goods(text: str) -> list[dict]:
    """`what: amount unit; what` as [{what, value, unit}]; CellError naming the first goods not written so."""
    out = []
    for part in _parts(text):
        found = _GOOD.match(part)
        if found is None:
            out.append({"what": part, "value": None, "unit": None})
            continue
        amount = _AMOUNT.match(found["rest"])
        try:
            value = READ["number"](amount["value"]) if amount else None
        except ValueError:
            value = None
        if value is None:
            raise CellError(f"the goods “{part}” do not give a number after the colon", GOODS.allowed)
        out.append({"what": found["what"], "value": value, "unit": amount["unit"]})
    return out


def _actor_text(actor: dict) -> str:
    return f"{actor.get('who')} ({actor.get('side')})"


def _good_text(good: dict) -> str:
    amount = " ".join(str(v) for v in (good.get("value"), good.get("unit")) if v is not None)
    return f"{good.get('what')}: {amount}" if amount else str(good.get("what"))


@dataclass(frozen=True)
class Form:
    """How a list is written in one cell: read it, write it, and what is allowed, with an example."""

    read: Callable[[str], list]
    write_one: Callable[[dict], str]
    allowed: str

    def cell(self, items) -> str:
        return "; ".join(self.write_one(item) for item in items or [])


ACTORS = Form(
    read_actors,
    _actor_text,
    "who (side); who (side), each side one of USSR, China or unknown "
    "(two herders (China); outpost No. 9 of the 49th border detachment (USSR)), or empty",
)
GOODS = Form(
    read_goods,
    _good_text,
    "what: amount unit; what, the amount and unit where the source gives them "
    "(opium poppies: 4 dessiatine; furs; Soviet currency: 19.28 rubles), or empty",
)
FORMS = {"actors": ACTORS, "goods": GOODS}

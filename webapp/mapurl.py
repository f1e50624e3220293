"""A map view's URL (`/map#year=…&z=…&c=…`), as the map page writes and reads it: one place for its parts."""

from __future__ import annotations

from urllib.parse import quote

from flask import url_for


def _years(years) -> str:
    return str(years[0]) if years[0] == years[1] else f"{years[0]}-{years[1]}"


# What a map URL's hash holds, in the order the page writes it, and how each value is written.
HASH = {
    "year": _years,
    "z": str,
    "c": lambda centre: f"{centre[0]:.4f},{centre[1]:.4f}",
    "off": lambda names: ",".join(quote(name, safe="") for name in names),
    "on": lambda names: ",".join(quote(name, safe="") for name in names),
    "sel": lambda fid: quote(fid, safe=""),
    "place": lambda pid: quote(pid, safe=""),
    "lang": lambda key: quote(key, safe=""),
    "certain": lambda only: "1" if only else None,  # only what is certain (static/atlas/certainty.js)
    "compare": _years,  # the years of the second map (static/atlas/compare.js)
}


def map_url(external: bool = False, **view) -> str:
    """The URL of a map view: `/map#year=1927-1932&z=8&c=44.2000,80.4000&off=Places&sel=<id>`, as the page writes it.

    `view` takes `year` (first, last), `z`, `c` (lat, lon), `off` (overlays shown by default, switched off), `on`
    (overlays hidden by default, switched on), `sel` (a feature id), `place` (a place id), `lang` (the label
    language, a key of vocabulary.LANGUAGES), `certain` (True: only what is certain is drawn) and `compare` (first,
    last: the years of a second map beside the first); a value of None, False or an empty list is left out.
    """
    unknown = sorted(set(view) - set(HASH))
    if unknown:
        raise TypeError(f"map_url got {unknown}; allowed: {list(HASH)}")
    parts = [f"{key}={write(view[key])}" for key, write in HASH.items() if view.get(key) not in (None, [], (), False)]
    return url_for("mapview.page", _external=external) + "#" + "&".join(parts)

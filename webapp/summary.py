"""What the map page needs about every feature, small whatever the size of the layers.

The histogram's counts per year (the charts draw the same), the legend's count of undated units, the units popups
name, and the index of every place under every name (fetched by the page once, `/map/places.json`).
"""

from __future__ import annotations

import html

from flask import url_for

from layers.dates import year_counts
from layers.registry import REGISTRY
from layers.schema import YEARS
from webapp import certainty
from webapp.vocabulary import HISTOGRAM_SERIES


def histogram_series(store) -> list[dict]:
    """Features per year of each dated layer in HISTOGRAM_SERIES, located or not (undated ones are not counted in
    `counts`); and of all of them, how many are certainly (`certain`) and only possibly (`possible`) there."""
    series = []
    for cid, colour in HISTOGRAM_SERIES.items():
        frame = store.frame(cid)
        counts, _ = year_counts(zip(frame["start"], frame["end"], strict=True), YEARS)
        certain, possible = certainty.year_counts(frame, YEARS)
        item = {"id": cid, "title": REGISTRY[cid].TITLE, "colour": colour, "counts": counts}
        series.append(item | {"certain": certain, "possible": possible})
    return series


def histogram(store, zone_names: list[str]) -> dict:
    """The histogram of the time control: the series, each with the overlays (by name) it counts."""
    series = histogram_series(store)
    for item in series:
        item["layers"] = zone_names if item["id"] == "zones" else [html.escape(item["title"])]
    return {"years": YEARS, "series": series}


def _unit_refs(store) -> dict:
    """What popups need to name and link the units they refer to, by the name each had in a year."""
    units = {}
    for row in store.frame("outposts").to_dict("records"):
        periods = [{k: n.get(k) for k in ("name", "start", "end")} for n in row["names_by_period"] or []]
        url = url_for("api.item", cid="outposts", fid=row["unit_id"], f="html")  # its first record: the unit's page
        units.setdefault(row["unit_id"], {"name": row["name"], "names_by_period": periods, "url": url})
    return units


def _undated(store) -> int:
    """Units and posts with a point and no known date (drawn in every year, lighter, with a dashed ring)."""
    return sum(int((f["start"].isna() & f.geometry.notna()).sum()) for f in map(store.frame, ("outposts", "customs")))


def summary(store, zone_names: list[str]) -> dict:
    """The histogram's counts, the legend's count of undated units, and the units popups name."""
    return {
        "histogram": histogram(store, zone_names),
        "undated": _undated(store),
        "units": _unit_refs(store),
    }


def search_index(places) -> list[list]:
    """Every place (located or not) under every name, for the search box and the popups' place links.

    One compact row per place: [id, located (0/1), name, other names...]; the name comes first.
    """
    index = []
    for row in places.to_dict("records"):
        names = [row[k] for k in ("name", "modern_name", "name_ru", "name_kk", "name_zh") if row.get(k)]
        names += [v for v in row.get("variants") or [] if v not in names]
        index.append([row["id"], int(bool(row["located"])), *names])
    return index

"""The charts page: detentions and deaths by year, migration by period and by year and direction, features per year;
sources under each.

The charts are SVG drawn on the server from the store (no chart library, nothing from a CDN). Each chart
is a dict of plain numbers and texts, laid out here and written out by templates/charts.html, where every
text is escaped. `?f=json` gives the same charts as data.
"""

from __future__ import annotations

import math
import textwrap

from flask import Blueprint, jsonify, render_template, request, url_for

from layers.dates import parse_partial
from layers.schema import YEARS
from layers.words import count_words, span
from webapp import params
from webapp.migration_chart import chart as migration_years
from webapp.store import get_store
from webapp.summary import histogram_series
from webapp.vocabulary import CHART_INCIDENT_COUNTS, CHART_TOTALS, HISTOGRAM_SERIES

bp = Blueprint("charts", __name__)
bp.add_app_template_filter(count_words, "count")  # a count said one way on every page: "about 500 (400–600)"

UNITS = {"people": "People", "households": "Households"}
WIDTH, PLOT_HEIGHT, LEFT, BOTTOM = 760, 180, 64, 36
# A migration row: at least ROW high, its label in lines of at most LABEL_CHARS characters (at the page's 11 px
# a line of 46 characters is under LABEL_WIDTH), LINE apart; AXIS_TITLE under the value axis.
ROW, LABEL_WIDTH, LABEL_CHARS, LINE, AXIS_TITLE = 26, 330, 46, 13, 16
# Round axis maxima (times a power of ten) and how many intervals divide each into round ticks.
AXIS_STEPS = ((1, 5), (2, 4), (2.5, 5), (4, 4), (5, 5), (10, 5))
SPAN = WIDTH - LABEL_WIDTH - 150  # room right of the longest bar for its figure
# A year axis spans the years with data and a year either side, at least MIN_YEARS; every year is labelled up to
# EVERY_YEAR_UP_TO years, every other one beyond.
PAD_YEARS, MIN_YEARS, EVERY_YEAR_UP_TO = 1, 5, 12


@bp.get("/charts")
def charts_page():
    """Every chart as SVG with its sources (HTML), or as data (f=json)."""
    params.check_known(request.args, {"f"})
    store = get_store()
    statistics = store.meta("statistics") or []
    charts = [
        year_chart(
            "totals",
            "Detentions and deaths on the border: yearly totals the sources report",
            total_series(statistics),
            "Aggregates for a whole territory or unit (their scope is under the chart); never drawn on the map.",
            "People",
        ),
        year_chart(
            "incident-counts",
            "Detained and killed in the single incidents of the atlas, by year",
            incident_series(store.frame("incidents")),
            "Sums over the incidents recorded here, not totals: most incidents of those years are not in the sources.",
            "People",
        ),
        migration_chart(store.frame("migration")),
        migration_years(store.frame("migration"), _sources),
        year_chart(
            "features",
            "Features per year in each dated layer (what the map's histogram shows)",
            feature_series(store),
            "A feature counts in every year its period overlaps; undated units and posts are not counted.",
            "Features",
        ),
    ]
    if not params.wants_html():
        return jsonify({"charts": [_public(c) for c in charts]})
    return render_template(
        "charts.html", title="Charts", charts=charts, json_url=url_for("charts.charts_page", f="json")
    )


# --- the data of each chart -------------------------------------------------------------------------


def total_series(statistics: list[dict]) -> list[dict]:
    """One series per reported measure in CHART_TOTALS, with the figures by year and their sources."""
    series = []
    for measure, (label, colour) in CHART_TOTALS.items():
        rows = [r for r in statistics if r["measure"] == measure and r["start"] and _one_year(r["start"], r["end"])]
        points = [_point(_year(r["start"]), r, r.get("scope")) for r in rows if _has_figure(r)]
        series.append({"label": label, "colour": colour, "points": points, "sources": _sources(rows)})
    return series


def incident_series(incidents) -> list[dict]:
    """Per kind in CHART_INCIDENT_COUNTS, the sum of the incidents' counts in each year (low, best, high)."""
    series = []
    records = incidents.to_dict("records")
    for kind, (label, colour) in CHART_INCIDENT_COUNTS.items():
        by_year: dict[int, list[dict]] = {}
        for r in records:
            value = (r.get("counts") or {}).get(kind)
            if value and r["start"] and _one_year(r["start"], r["end"]):
                by_year.setdefault(_year(r["start"]), []).append(value)
        points = [_sum_point(year, values) for year, values in sorted(by_year.items())]
        counted = [r for r in records if (r.get("counts") or {}).get(kind)]
        series.append({"label": label, "colour": colour, "points": points, "sources": _sources(counted)})
    return series


def feature_series(store) -> list[dict]:
    """Features per year of each dated layer, as in the map's histogram."""
    series = []
    for item in histogram_series(store):
        points = [
            {"year": YEARS[0] + i, "low": n, "best": n, "high": n, "approximate": False, "note": None}
            for i, n in enumerate(item["counts"])
            if n
        ]
        series.append({"label": item["title"], "colour": HISTOGRAM_SERIES[item["id"]], "points": points})
    return series


def migration_chart(migration) -> dict:
    """One bar per flow or stock with a figure, by unit (people, households), in order of period."""
    records = sorted(migration.to_dict("records"), key=lambda r: (r["start"] or "", r["end"] or ""))
    panels = []
    for unit, label in UNITS.items():
        rows = [r for r in records if _has_figure(r.get(unit))]
        bars = [_migration_bar(r, r[unit]) for r in rows]
        axis = round_axis(max([_top(b) for b in bars] or [1]))
        ticks = [{"x": LABEL_WIDTH + v / axis["max"] * SPAN, "value": v} for v in axis["ticks"]]
        height = _lay_out_bars(bars, axis["max"]) + BOTTOM + AXIS_TITLE
        panel = {"unit": label, "bars": bars, "ticks": ticks, "height": height, "title_x": LABEL_WIDTH + SPAN / 2}
        panels.append(panel)
    without = [r["name"] for r in records if not any(_has_figure(r.get(u)) for u in UNITS)]
    return {
        "id": "migration",
        "kind": "bars",
        "title": "Migration by period: people and households, as each authority gave them",
        "note": "A bar reaches the best figure (or the lowest); a whisker spans a range; an arrow means 'at least'. "
        "Figures of different authorities overlap and must not be added up.",
        "panels": panels,
        "without_figure": without,
        "sources": _sources(records),
    }


# --- layout -----------------------------------------------------------------------------------------


def year_chart(ident: str, title: str, series: list[dict], note: str, counts: str) -> dict:
    """Grouped bars, one slot per year of the years with data (year_span), one bar per series, whiskers for ranges;
    `counts` titles the count axis."""
    first, last = year_span([p["year"] for s in series for p in s["points"]])
    years = list(range(first, last + 1))
    top = max([_top(p) for s in series for p in s["points"]] or [1])
    axis = round_axis(top)
    slot = (WIDTH - LEFT - 8) / len(years)
    width = slot * 0.8 / max(len(series), 1)
    for index, s in enumerate(series):
        for p in s["points"]:
            x = LEFT + (p["year"] - first) * slot + slot * 0.1 + index * width
            p["box"] = _vertical(x, width, p, axis["max"])
    sources = [c for s in series for c in s.get("sources", [])]
    every = 1 if len(years) <= EVERY_YEAR_UP_TO else 2
    ticks = [{"x": LEFT + (y - first + 0.5) * slot, "year": y} for y in years if y % every == 0]
    return {
        "id": ident,
        "kind": "years",
        "title": title,
        "note": note,
        "series": series,
        "axis": axis | {"title": counts},
        "ticks": ticks,
        "size": {"width": WIDTH, "height": PLOT_HEIGHT + BOTTOM, "plot": PLOT_HEIGHT, "left": LEFT},
        "empty": not any(s["points"] for s in series),
        "sources": _unique(sources),
    }


def year_span(years: list[int]) -> tuple[int, int]:
    """The first and last year of an axis: those with data, a year's pad either side (not beyond the atlas's years
    unless the data are), widened to MIN_YEARS; the atlas's years when there are no data."""
    if not years:
        return YEARS
    low, high = min(years), max(years)
    first, last = min(low, max(low - PAD_YEARS, YEARS[0])), max(high, min(high + PAD_YEARS, YEARS[1]))
    short = max(MIN_YEARS - (last - first + 1), 0)
    return first - short // 2, last + short - short // 2


def _vertical(x: float, width: float, p: dict, top: float) -> dict:
    def y(v):
        return PLOT_HEIGHT - v / top * (PLOT_HEIGHT - 10)

    value = p["best"] if p["best"] is not None else p["low"]
    box = {"x": x, "width": max(width - 1, 1), "y": y(value), "height": PLOT_HEIGHT - y(value)}
    if p["low"] is not None and p["high"] is not None and p["high"] != p["low"]:
        box["whisker"] = {"x": x + width / 2, "y1": y(p["low"]), "y2": y(p["high"])}
    return box


def _lay_out_bars(bars: list[dict], top: float) -> float:
    """Each bar's row: its label in lines (never cut), the bar, whisker and arrow at the row's middle; the rows'
    height."""

    def x(v):
        return LABEL_WIDTH + v / top * SPAN

    y = 0.0
    for b in bars:
        lines = textwrap.wrap(b["label"], LABEL_CHARS, break_long_words=False)
        height = max(ROW, len(lines) * LINE + 8)
        middle = y + height / 2
        b["lines"] = [{"text": t, "y": middle + (i - (len(lines) - 1) / 2) * LINE + 4} for i, t in enumerate(lines)]
        value = b["best"] if b["best"] is not None else b["low"]
        box = {"y": middle - ROW / 2 + 4, "height": ROW - 8, "x": LABEL_WIDTH, "width": max(x(value) - LABEL_WIDTH, 1)}
        b["box"] = box | {"text_x": x(_top(b)) + (18 if b["open"] else 6), "text_y": middle + 4}
        if b["low"] is not None and b["high"] is not None and b["high"] != b["low"]:
            b["box"]["whisker"] = {"x1": x(b["low"]), "x2": x(b["high"]), "y": middle}
        if b["open"]:
            b["box"]["arrow"] = {"x": x(_top(b)), "y": middle}
        y += height
    return y


def round_axis(top: float) -> dict:
    """A rounded maximum at or above `top`, and ticks at round steps up to it."""
    top = max(top, 1)
    step = 10 ** math.floor(math.log10(top))
    k, intervals = next((k, n) for k, n in AXIS_STEPS if step * k >= top)
    rounded = step * k
    return {"max": rounded, "ticks": [rounded * i / intervals for i in range(intervals + 1)]}


# --- small helpers ----------------------------------------------------------------------------------


def _migration_bar(record: dict, value: dict) -> dict:
    period = span(record["start"], record["end"]) if record["start"] else f"No year ({record['date_text']})"
    open_ended = (
        value.get("high") is None and value.get("low") is not None and value.get("best") in (None, value["low"])
    )
    return {
        "label": f"{period} · {record['name']}",
        "authority": record.get("authority") or "authority not named",
        **{k: value.get(k) for k in ("low", "best", "high", "approximate")},
        "open": open_ended,
        "text": count_words(value),
    }


def _point(year: int, row: dict, note: str | None) -> dict:
    return {
        "year": year,
        **{k: row.get(k) for k in ("low", "best", "high", "approximate")},
        "note": note,
    }


def _sum_point(year: int, values: list[dict]) -> dict:
    def total(key):
        parts = [v.get(key) if v.get(key) is not None else v.get("best") for v in values]
        return None if any(p is None for p in parts) else sum(parts)

    best = sum(v["best"] if v.get("best") is not None else v["low"] for v in values)
    return {
        "year": year,
        "low": total("low"),
        "best": best,
        "high": total("high"),
        "approximate": any(v.get("approximate") for v in values),
        "note": f"{len(values)} incident{'s' if len(values) != 1 else ''}",
    }


def _top(p: dict) -> float:
    return max(v for v in (p.get("low"), p.get("best"), p.get("high")) if v is not None)


def _has_figure(value) -> bool:
    return bool(value) and any(value.get(k) is not None for k in ("low", "best", "high"))


def _one_year(start: str, end: str | None) -> bool:
    return end is None or parse_partial(start)[0].year == parse_partial(end)[1].year


def _year(start: str) -> int:
    return parse_partial(start)[0].year


def _sources(records: list[dict]) -> list[dict]:
    return _unique([c for r in records for c in (r.get("sources") or [])])


def _unique(citations: list[dict]) -> list[dict]:
    seen, out = set(), []
    for c in citations:
        key = (c.get("document"), c.get("note"), c.get("quote"))
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


LAYOUT = {"box", "size", "ticks", "height", "lines", "title_x"}  # what only the drawing needs


def _public(chart: dict) -> dict:
    """A chart as data: without the drawing boxes."""

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in LAYOUT}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(chart)

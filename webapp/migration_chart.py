"""The chart of migration by year and direction (/charts#migration-years), linked from every flow's popup.

Each flow or stock with a figure is a bar along the years its period spans (a figure for 1930–1933 is one bar over
four years, never split by year), at the height of its figure on a logarithmic axis (50 households and 286,000 on
one axis); a range is a whisker, "at least" an arrow upwards; people and households in panels of their own, never
added; the colour says the direction (webapp.vocabulary.DIRECTION_COLOURS). Plain numbers and texts, written out by
templates/_timeline_chart.html.
"""

from __future__ import annotations

import math

from layers.dates import parse_partial
from layers.words import count_words, span
from webapp.vocabulary import DIRECTION_COLOURS

ID = "migration-years"
UNITS = {"people": "People", "households": "Households"}
WIDTH, PLOT, LEFT, RIGHT, BOTTOM = 760, 200, 70, 12, 40
TICK_ROOM, LABEL_ROOM = 36, 16  # pixels: a year's slot wide enough for its label; a bar's figure's height
MARK_INSET, CHAR_WIDTH = 6, 5.0  # pixels: a whisker or arrow from the bar's end; a character of a bar's figure


def chart(migration, charts_sources) -> dict:
    """The chart's data from the migration layer; `charts_sources` gathers its citations (webapp.charts._sources)."""
    records = migration.to_dict("records")
    dated = [r for r in records if r["start"]]
    panels = [_panel(unit, label, [r for r in dated if _value(r, unit)]) for unit, label in UNITS.items()]
    used = {p["direction"] for panel in panels for p in panel["rows"]}
    return {
        "id": ID,
        "kind": "timeline",
        "title": "Migration by year and direction: people and households, as each authority gave them",
        "note": "Each figure is a bar over the years it covers (a total for 1930–1933 is not split by year), on a "
        "logarithmic axis; a whisker spans a range, an arrow means 'at least'. Figures of different authorities "
        "overlap and must not be added up; households and people are never added either.",
        "directions": [{"label": d, "colour": c} for d, c in DIRECTION_COLOURS.items() if d in used],
        "panels": [p for p in panels if p["rows"]],
        "undated": [f"{r['name']}: {r['figure_text']} ({r['date_text']})" for r in records if not r["start"]],
        "without_figure": [r["name"] for r in dated if not any(_value(r, u) for u in UNITS)],
        "sources": charts_sources(records),
    }


# --- private -------------------------------------------------------------------------------------


def _value(record: dict, unit: str) -> dict | None:
    value = record.get(unit) or {}
    return value if any(value.get(k) is not None for k in ("low", "best", "high")) else None


def _years(record: dict) -> tuple[int, int]:
    return parse_partial(record["start"])[0].year, parse_partial(record["end"] or record["start"])[1].year


def _panel(unit: str, label: str, records: list[dict]) -> dict:
    if not records:
        return {"unit": label, "rows": []}
    spans = [_years(r) for r in records]
    first, last = min(s[0] for s in spans) - 1, max(s[1] for s in spans) + 1
    slot = (WIDTH - LEFT - RIGHT) / (last - first + 1)
    numbers = [v for r in records for v in (_value(r, unit)[k] for k in ("low", "best", "high")) if v]
    low, high = math.floor(math.log10(min(numbers))), math.ceil(math.log10(max(numbers)) + 0.01)

    def y(v: float) -> float:
        return PLOT - (math.log10(max(v, 10**low)) - low) / (high - low) * (PLOT - 10)

    rows = []
    for record, (start, end) in sorted(zip(records, spans, strict=True), key=lambda p: p[1]):
        value = _value(record, unit)
        best = next(v for v in (value["best"], value["low"], value["high"]) if v is not None)
        x1, x2 = LEFT + (start - first) * slot + 2, LEFT + (end - first + 1) * slot - 2
        box = {"x1": x1, "x2": x2, "y": y(best)}
        middle = x2 - MARK_INSET  # whisker and arrow at the bar's end, clear of its figure written from its start
        if value["low"] is not None and value["high"] is not None and value["high"] != value["low"]:
            box["whisker"] = {"x": middle, "y1": y(value["low"]), "y2": y(value["high"])}
        if value["high"] is None and value["low"] is not None and value["best"] in (None, value["low"]):
            box["arrow"] = {"x": middle, "y": box["y"]}
        rows.append(_row(record, unit, value, box))
    _place_labels(rows)
    return {
        "unit": label,
        "title": f"{label} (logarithmic scale)",
        "rows": rows,
        "y_ticks": [{"y": y(10**k), "value": 10**k} for k in range(low, high + 1)],
        "x_ticks": [
            {"x": LEFT + (year - first + 0.5) * slot, "year": year}
            for year in range(first, last + 1)
            if slot >= TICK_ROOM or year % 5 == 0  # every year where there is room, else every fifth
        ],
        "size": {"width": WIDTH, "height": PLOT + BOTTOM, "plot": PLOT, "left": LEFT},
    }


def _row(record: dict, unit: str, value: dict, box: dict) -> dict:
    return {
        "id": record["id"],
        "label": f"{span(record['start'], record['end'])} · {record['name']}",
        "direction": record["direction"],
        "colour": DIRECTION_COLOURS[record["direction"]],
        "text": count_words(value) + " " + unit,
        "figure": count_words(value),
        "authority": record.get("authority") or "authority not named",
        **{k: value.get(k) for k in ("low", "best", "high", "approximate")},
        "box": box,
    }


def _place_labels(rows: list[dict]) -> None:
    """Each bar's figure written above it, or under it where another bar over the same years lies just above."""
    for row in rows:
        box = row["box"]
        crowded = any(
            other is not row and other["box"]["x1"] < box["x2"] and box["x1"] < other["box"]["x2"]
            and 0 < box["y"] - other["box"]["y"] < LABEL_ROOM
            for other in rows
        )  # fmt: skip
        box["label_y"] = box["y"] + LABEL_ROOM - 2 if crowded else box["y"] - 5
        box["label_x"], box["label_anchor"] = _label_x(box, len(row["figure"]) * CHAR_WIDTH)


def _label_x(box: dict, width: float) -> tuple[float, str]:
    """From the bar's start if it holds the figure, else after its end if there is room, else ending at its end."""
    if box["x2"] - box["x1"] - MARK_INSET * 2 >= width:
        return box["x1"] + 1, "start"
    if box["x2"] + 4 + width <= WIDTH:
        return box["x2"] + 4, "start"
    return box["x2"] - MARK_INSET * 2, "end"

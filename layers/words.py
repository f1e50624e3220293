"""Texts in a reader's words where code makes them: a date or a period as a historian writes it, and a note
joined to the sentence before it.

The map's popups say dates the same way (webapp/static/atlas/util.js, `when`).
"""

from __future__ import annotations

from calendar import month_name

# First words of a note that are ordinary words, not names: lower-cased when the note follows a semicolon.
OPENERS = ("A", "An", "The", "Its", "Their", "Inferred", "Named", "Placed", "Undated")


def date_words(iso: str) -> str:
    """A partial ISO date as written: "18 August 1927", "August 1927", "1927"."""
    year, month, day = ([*iso.split("-"), None, None])[:3]
    return " ".join(part for part in (day and str(int(day)), month and month_name[int(month)], year) if part)


def moment_words(iso: str) -> str:
    """A UTC timestamp as written: "7 December 2026, 06:00 UTC" (a date alone as date_words says it)."""
    day, _, clock = iso.partition("T")
    return date_words(day) + (f", {clock[:5]} UTC" if clock else "")


def when(start: str | None, end: str | None, precision: str | None = None) -> str:
    """A period as a historian writes it: "on 18 August 1927", "in August 1927", "in 1929" for one known day,
    month or year; "between June 1927 and August 1927, known to the season" for a span."""
    if not start:
        return "date unknown"
    if not end or end == start:
        return ("on " if start.count("-") == 2 else "in ") + date_words(start)
    known = f", known to the {precision}" if precision else ""
    return f"between {date_words(start)} and {date_words(end)}{known}"


def span(start: str, end: str | None) -> str:
    """A period as a label names it, what both ends share said once: "1930–1933", "11–12 February 1931",
    "June–August 1927", "30 June – 2 July 1927", "December 1930 – January 1931", "1914"."""
    if not end or end == start:
        return date_words(start)
    first, last = start.split("-"), end.split("-")
    if len(first) != len(last) or len(first) == 1 or first[0] != last[0]:
        return date_words(start) + ("–" if len(first) == len(last) == 1 else " – ") + date_words(end)
    year = first[0]
    if len(first) == 3 and first[1] == last[1]:
        return f"{int(first[2])}–{int(last[2])} {month_name[int(first[1])]} {year}"
    return date_words(start).removesuffix(f" {year}") + ("–" if len(first) == 2 else " – ") + date_words(end)


def count_words(value: dict | None) -> str | None:
    """A count as the source gives it (low, best, high, approximate), said one way everywhere: "about 500
    (400–600)" (a best figure inside a range), "150,000–160,000", "about 83,000", "at least 400,000", "at most
    600"; None if it has no number. The map says counts the same way (webapp/static/atlas/util.js, `countWords`)."""
    low, best, high = ((value or {}).get(k) for k in ("low", "best", "high"))
    numbers = [v for v in (low, best, high) if v is not None]
    if not numbers:
        return None
    lo, hi = min(numbers), max(numbers)
    about = "about " if (value or {}).get("approximate") else ""
    if high is None and low is not None and best in (None, lo):
        return f"at least {about}{lo:,}"
    if low is None and best is None:
        return f"at most {about}{hi:,}"
    if lo == hi:
        return f"{about}{lo:,}"
    if best is not None and lo < best < hi:
        return f"about {best:,} ({lo:,}–{hi:,})"
    return f"{about}{lo:,}–{hi:,}"


def clause(note: str) -> str:
    """A note made to follow a semicolon: its first word lower-cased when it is an ordinary word, not a name."""
    first = note.split(" ", 1)[0]
    return note[0].lower() + note[1:] if first in OPENERS else note

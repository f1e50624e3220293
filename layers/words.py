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


def when(start: str | None, end: str | None, precision: str | None = None) -> str:
    """A period as a historian writes it: "on 18 August 1927", "in August 1927", "in 1929" for one known day,
    month or year; "between June 1927 and August 1927, known to the season" for a span."""
    if not start:
        return "date unknown"
    if not end or end == start:
        return ("on " if start.count("-") == 2 else "in ") + date_words(start)
    known = f", known to the {precision}" if precision else ""
    return f"between {date_words(start)} and {date_words(end)}{known}"


def clause(note: str) -> str:
    """A note made to follow a semicolon: its first word lower-cased when it is an ordinary word, not a name."""
    first = note.split(" ", 1)[0]
    return note[0].lower() + note[1:] if first in OPENERS else note

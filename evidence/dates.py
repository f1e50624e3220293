"""Partial ISO 8601 dates ("1927", "1927-08", "1927-08-18") read as the earliest and the latest day they can mean."""

from __future__ import annotations

import calendar
import re
from datetime import date

_PARTIAL = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")  # ASCII digits only


def parse_partial(text: str) -> tuple[date, date]:
    """The earliest and the latest day a partial ISO date can mean.

    >>> parse_partial("1927-02")
    (datetime.date(1927, 2, 1), datetime.date(1927, 2, 28))
    """
    match = _PARTIAL.match(str(text).strip())
    if not match:
        raise ValueError(f"{text!r} is not an ISO 8601 date; allowed: YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if day:
            return date(year, month, day), date(year, month, day)
        if month:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid date: {exc}") from None
    return date(year, 1, 1), date(year, 12, 31)

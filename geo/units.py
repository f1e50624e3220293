"""Length units of the sources, in metres."""

from __future__ import annotations

# A verst is 500 sazhen; a sazhen is 3 arshin = 7 English feet = 2.1336 m.
UNITS: dict[str, float] = {
    "m": 1.0,
    "km": 1000.0,
    "verst": 1066.8,
    "sazhen": 2.1336,
}


def to_metres(value: float, unit: str) -> float:
    """Convert a length in one of UNITS to metres."""
    try:
        factor = UNITS[unit]
    except KeyError:
        raise ValueError(f"`unit` was {unit!r} but is expected to be one of {sorted(UNITS)}") from None
    if not value >= 0:
        raise ValueError(f"`value` was {value!r} but a length must be a number >= 0")
    return float(value) * factor

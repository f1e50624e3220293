"""Relative locations ("4 km SE of Narynkol", "в 25 верстах к югу от Бахты") -> a point, a radius, an area.

`parse` reads a phrase in English or Russian into a distance, a compass bearing (or none)
and an anchor (a place name, or the border). `resolve` turns it into a location given the
anchor's point and uncertainty radius. Pure: no I/O, no gazetteer (layers.places does the look-up).

How uncertain a resolved location is (the choices, so that a reader can weigh them):

- Distance: a stated distance is taken as good to +-10% (DISTANCE_ERROR): sources round
  "4 km" or "25 versts", and measure along paths rather than straight lines.
- Direction: a compass word names a sector of the compass rose, not a ray. A word of the
  8-wind rose (north, north-east, ...) covers +-22.5 degrees; a word only the 16-wind rose
  has (north-north-east, ...) covers +-11.25 degrees (SECTOR_HALF_WIDTH).
- With a bearing, the point is the geodesic offset (pyproj.Geod.fwd) of the anchor by the
  distance; the area is the annular sector (distance +-10%, bearing +- the half-width) grown
  by the anchor's radius, and the radius is the anchor's radius plus the distance from the
  point to the sector's farthest corner: about 0.42 d for an 8-wind word, 0.23 d for a
  16-wind word (for "4 km south-east of Narynkol": 2 km + 1.7 km).
- Without a bearing ("120 km from Gmenovka"), the area is the ring between 0.9 d and 1.1 d
  grown by the anchor's radius; the point is the anchor itself with radius d + the anchor's
  radius, which covers the whole ring.
- From the border ("500 meters from the border"), the area is the band of both sides of the
  border line between 0.9 d and 1.1 d from it; there is no point unless an anchor is given,
  and then the point is the part of the band nearest the anchor.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import Point, Polygon
from shapely.ops import nearest_points

from geo.crs import to_lonlat, to_metric
from geo.units import to_metres

_GEOD = Geod(ellps="WGS84")
DISTANCE_ERROR = 0.10  # a stated distance is good to +-10%
SECTOR_HALF_WIDTH = {1: 22.5, 2: 22.5, 3: 11.25}  # compass-code length -> half-width of its sector, degrees
ARC_STEP_DEG = 2.0  # vertex spacing of drawn arcs and circles

# Unit words (a regular expression each, matched whole and case-insensitively) -> geo.units key.
UNIT_WORDS = {
    r"m|meters?|metres?|м|метр\w*": "m",
    r"km|kilometers?|kilometres?|км|километр\w*": "km",
    r"versts?|верст\w*|вёрст\w*": "verst",
    r"sazhens?|sazhen'|сажен\w*|саж": "sazhen",
}
# Compass words -> the letters they contribute; Russian in nominative, dative ("к югу") and
# combining ("юго-") forms.
COMPASS_WORDS = {
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "север": "n",
    "северу": "n",
    "северо": "n",
    "юг": "s",
    "югу": "s",
    "юго": "s",
    "восток": "e",
    "востоку": "e",
    "запад": "w",
    "западу": "w",
}
# The 16 winds, clockwise from north, as letter codes.
COMPASS_POINTS = "n nne ne ene e ese se sse s ssw sw wsw w wnw nw nnw".split()
BEARINGS = {code: i * 22.5 for i, code in enumerate(COMPASS_POINTS)}

_NUMBER = re.compile(r"(?P<value>\d+(?:[.,]\d+)?)\s*(?P<unit>[^\W\d_]+'?)?(?P<rest>.*)$", re.S)
_CONNECTOR = re.compile(r"(?:^|\s)(?:of|from|от)\s+", re.I)
_DIRECTION_LEAD = re.compile(r"^(?:to\s+the\s+|to\s+|on\s+the\s+|к\s+|ко\s+|на\s+)", re.I)
_ANCHOR_KIND = (
    r"village|town|settlement|urban-type settlement|aul|farmstead|fortification|tract|pass|valley|area|outpost"
)
_ANCHOR_LEAD = re.compile(
    rf"^(?:the(?:\s+|$))?(?:(?:{_ANCHOR_KIND})\s+of\s+(?:the\s+)?)?"
    r"(?:(?:села|селения|деревни|посёлка|поселка|аула|города|урочища|перевала|долины|заставы|укрепления)\s+)?",
    re.I,
)
_BORDER = re.compile(
    r"(?:the\s+)?(?:state\s+|soviet-chinese\s+)?(?:border|frontier)(?:\s+line)?"
    r"|(?:линии\s+)?(?:государственной\s+)?границы",
    re.I,
)
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—"})


@dataclass(frozen=True)
class Relative:
    """A parsed relative-location phrase."""

    distance_m: float
    bearing_deg: float | None
    anchor: str
    anchor_is_border: bool
    phrase: str
    value: float
    unit: str
    direction: str | None = None  # the compass code ("se"), None without a bearing


@dataclass(frozen=True)
class Location:
    """A resolved relative location: point (lon, lat) or None, its radius, and the area it may be in."""

    point: tuple[float, float] | None
    radius_m: float | None
    geometry: shapely.Geometry
    method: str


def parse(phrase: str) -> Relative:
    """Read "4 km southeast of the village of Narynkol", "в 25 верстах к югу от Бахты", ...

    Raises ValueError naming the phrase and what was not understood.
    """
    text = " ".join(str(phrase).translate(_DASHES).split())
    number = _NUMBER.search(text)
    if number is None:
        raise _error(phrase, "no distance (a number with a unit, such as '4 km' or '25 versts')")
    value = float(number["value"].replace(",", "."))
    unit = _unit(phrase, number["value"], number["unit"])
    direction_text, anchor = _split(phrase, number["rest"])
    code = _direction(phrase, direction_text)
    anchor = _ANCHOR_LEAD.sub("", anchor).strip(" .,;:")
    if not anchor:
        raise _error(phrase, "no place after 'of', 'from' or 'от'")
    return Relative(
        distance_m=to_metres(value, unit),
        bearing_deg=None if code is None else BEARINGS[code],
        anchor=anchor,
        anchor_is_border=_BORDER.fullmatch(anchor) is not None,
        phrase=phrase,
        value=value,
        unit=unit,
        direction=code,
    )


def resolve(
    parsed: Relative,
    anchor_point: tuple[float, float] | None,
    anchor_radius_m: float = 0.0,
    border_line: shapely.Geometry | None = None,
) -> Location:
    """The location a parsed phrase describes.

    Parameters
    ----------
    parsed : from `parse`
    anchor_point : (lon, lat) of the anchor place; None for a phrase about the border alone
    anchor_radius_m : the anchor's own uncertainty radius in metres
    border_line : the border in lon/lat; needed when the phrase is measured from the border

    Returns
    -------
    A Location; see the module docstring for how radius and area are chosen.
    """
    if not anchor_radius_m >= 0:
        raise ValueError(f"`anchor_radius_m` was {anchor_radius_m!r} but must be a number >= 0")
    if parsed.anchor_is_border:
        if border_line is None:
            raise _error(parsed.phrase, "it is measured from the border, so `border_line` is needed")
        return _from_border(parsed, border_line, anchor_point, anchor_radius_m)
    if anchor_point is None:
        raise _error(parsed.phrase, f"the anchor {parsed.anchor!r} has no point to measure from")
    if parsed.bearing_deg is None:
        return _ring(parsed, anchor_point, anchor_radius_m)
    return _offset(parsed, anchor_point, anchor_radius_m)


def _error(phrase: str, reason: str) -> ValueError:
    return ValueError(f"cannot read the relative location {phrase!r}: {reason}")


def _unit(phrase: str, value: str, word: str | None) -> str:
    if not word:
        raise _error(
            phrase, f"no unit after the distance {value!r}; allowed: m, km, verst, sazhen (English or Russian)"
        )
    for pattern, unit in UNIT_WORDS.items():
        if re.fullmatch(pattern, word, re.I):
            return unit
    raise _error(phrase, f"unknown unit {word!r}; allowed: m, km, verst, sazhen (English or Russian)")


def _split(phrase: str, rest: str) -> tuple[str, str]:
    """(direction text, anchor text) around the first 'of' / 'from' / 'от'."""
    connector = _CONNECTOR.search(rest)
    if connector is None:
        raise _error(phrase, "no place it is measured from ('... of X', '... from X' or '... от X')")
    return rest[: connector.start()].strip(), rest[connector.end() :].strip()


def _direction(phrase: str, text: str) -> str | None:
    """The 16-wind code of a compass word ("south-east", "SSW", "к юго-востоку"); None if there is none."""
    word = _DIRECTION_LEAD.sub("", text).strip().lower().replace("ё", "е")
    if not word:
        return None
    code = _compass_code(word)
    if code not in BEARINGS:
        raise _error(phrase, f"unknown direction {text!r}; allowed: the 16 compass winds in English or Russian")
    return code


def _compass_code(word: str) -> str | None:
    """ "southeast" / "south-east" / "se" / "юго-востоку" -> "se"; None if not compass words."""
    if re.fullmatch(r"[nsew]{1,3}", word):
        return word
    compact = re.sub(r"[\s-]", "", word)
    if re.fullmatch(r"(?:north|south|east|west)+", compact):
        return "".join(COMPASS_WORDS[p] for p in re.findall(r"north|south|east|west", compact))
    parts = re.split(r"[\s-]+", word)
    if all(p in COMPASS_WORDS for p in parts):
        return "".join(COMPASS_WORDS[p] for p in parts)
    return None


def _local(lon: float, lat: float) -> tuple[Transformer, Transformer]:
    """To and from an azimuthal equidistant projection centred on the anchor (true distances and
    azimuths from the centre)."""
    aeqd = f"+proj=aeqd +lat_0={lat} +lon_0={lon} +ellps=WGS84 +units=m"
    return (
        Transformer.from_crs("EPSG:4326", aeqd, always_xy=True),
        Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True),
    )


def _to_lonlat(geom: shapely.Geometry, inverse: Transformer) -> shapely.Geometry:
    return shapely.transform(geom, lambda xy: np.column_stack(inverse.transform(xy[:, 0], xy[:, 1])))


def _arc(radius: float, start_deg: float, stop_deg: float) -> list[tuple[float, float]]:
    """Points of a circular arc about the origin, azimuths clockwise from north."""
    steps = max(2, math.ceil(abs(stop_deg - start_deg) / ARC_STEP_DEG) + 1)
    azimuths = np.radians(np.linspace(start_deg, stop_deg, steps))
    return list(zip(radius * np.sin(azimuths), radius * np.cos(azimuths), strict=True))


def _offset(parsed: Relative, anchor: tuple[float, float], anchor_radius_m: float) -> Location:
    d, bearing = parsed.distance_m, parsed.bearing_deg
    half = SECTOR_HALF_WIDTH[len(parsed.direction)]
    lon, lat, _ = _GEOD.fwd(anchor[0], anchor[1], bearing, d)
    near, far = (1 - DISTANCE_ERROR) * d, (1 + DISTANCE_ERROR) * d
    sector = Polygon(_arc(far, bearing - half, bearing + half) + _arc(near, bearing + half, bearing - half))
    _, inverse = _local(*anchor)
    area = _to_lonlat(sector.buffer(anchor_radius_m) if anchor_radius_m else sector, inverse)
    corner = max(math.sqrt(r * r + d * d - 2 * r * d * math.cos(math.radians(half))) for r in (near, far))
    return Location((lon, lat), anchor_radius_m + corner, area, "offset")


def _ring(parsed: Relative, anchor: tuple[float, float], anchor_radius_m: float) -> Location:
    d = parsed.distance_m
    outer = Polygon(_arc((1 + DISTANCE_ERROR) * d + anchor_radius_m, 0, 360))
    inner_radius = (1 - DISTANCE_ERROR) * d - anchor_radius_m
    ring = outer.difference(Polygon(_arc(inner_radius, 0, 360))) if inner_radius > 0 else outer
    _, inverse = _local(*anchor)
    return Location(tuple(anchor), d + anchor_radius_m, _to_lonlat(ring, inverse), "ring")


def _from_border(
    parsed: Relative, border_line: shapely.Geometry, anchor: tuple[float, float] | None, anchor_radius_m: float
) -> Location:
    d = parsed.distance_m
    line = to_metric(shapely.segmentize(border_line, 0.001))
    if anchor is not None:  # only the stretch of border that can matter, for speed
        centre = to_metric(Point(anchor))
        reach = centre.distance(line) + anchor_radius_m + 2 * d
        line = shapely.clip_by_rect(line, *centre.buffer(reach).bounds)
    band = line.buffer((1 + DISTANCE_ERROR) * d).difference(line.buffer((1 - DISTANCE_ERROR) * d))
    if anchor is None:
        return Location(None, None, to_lonlat(band), "border band")
    disc = centre.buffer(max(anchor_radius_m, centre.distance(band)) + 1.0)
    area = band.intersection(disc)
    nearest = nearest_points(area, centre)[0]
    radius = shapely.hausdorff_distance(nearest, area)
    point = to_lonlat(nearest)
    return Location((point.x, point.y), radius, to_lonlat(area), "border band near anchor")

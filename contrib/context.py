"""What the checks know of the atlas, read from the built store (the web app never reads data/sources).

The gazetteer and the ids a contributed record may name (places, units, areas, migration areas), the
border line and the Soviet side, and every published record in its source form (read back from the store
through the same column tables as a contributed file, so that a download compares equal to its record).
"""

from __future__ import annotations

from functools import cached_property

import shapely

from contrib.columns import LAYERS
from contrib.table import Row, Table


def frame_table(frame, name: str) -> Table:
    """A built layer (the store's decoded frame) as a Table, as if it had been downloaded and read."""
    columns = [c for c in frame.columns if c != frame.geometry.name]
    rows = [
        Row(i, dict(zip(columns, values, strict=True)), geometry)
        for i, (values, geometry) in enumerate(
            zip(frame[columns].itertuples(index=False), frame.geometry, strict=True), 1
        )  # fmt: skip
    ]
    return Table(name, "atlas", columns, rows)


class Context:
    """The atlas a contribution is checked against: a store (store.GeoPackageStore or PostGIS)."""

    def __init__(self, store):
        self.store = store
        self._existing: dict[str, dict] = {}

    def frame(self, collection: str):
        return self.store.frame(collection)

    @cached_property
    def place_records(self) -> list[dict]:
        """The gazetteer in source form (what the layers' builders take)."""
        from contrib.records import entries

        return [e.record for e in entries(frame_table(self.frame("places"), "places"), "places")]

    @cached_property
    def places_by_id(self) -> dict[str, dict]:
        return {p["id"]: p for p in self.place_records}

    @cached_property
    def ids(self) -> dict[str, set[str]]:
        """The ids each kind of reference may name: place, unit, area, migration_area."""
        migration = self.frame("migration")
        areas = set(migration["from_area"].dropna()) | {a for t in migration["to_areas"] for a in (t or [])}
        return {
            "place": set(self.frame("places")["id"]),
            "unit": set(self.frame("outposts")["unit_id"]),
            "area": set(self.frame("areas")["id"]),
            "migration_area": areas,
        }

    @cached_property
    def border_line(self):
        return shapely.line_merge(shapely.union_all(self.frame("border").geometry.values))

    @cached_property
    def outlines(self) -> list[tuple[str, object]]:
        """(side, prepared outline) of today's countries the basemap has: China, or a Soviet successor state."""
        from layers.lpf import ALPHA3_TO_2
        from layers.places import SIDE_COUNTRIES

        basemap = self.store.basemap()
        sides = {code: side for side, codes in SIDE_COUNTRIES.items() for code in codes}
        return [(sides.get(ALPHA3_TO_2.get(a3)), shapely.prepared.prep(g)) for a3, g in zip(basemap["a3"],
                basemap.geometry, strict=True)]  # fmt: skip

    def existing(self, layer: str) -> dict[str, dict]:
        """The published records of a layer by id, in source form."""
        if layer not in self._existing:
            from contrib.records import entries

            spec = LAYERS[layer]
            table = frame_table(self.frame(spec.collection), spec.collection)
            self._existing[layer] = {e.record["id"]: e.record for e in entries(table, layer, self)}
        return self._existing[layer]

    def place_area(self, place: str | None) -> str | None:
        """The area of possibility the gazetteer puts a place in, if any."""
        return (self.places_by_id.get(place) or {}).get("area") if place else None

    def derived_precision(self, record: dict):
        """The radius an incident's location gives it (what the build sets when the record states none)."""
        from layers import incidents

        try:
            frame = incidents.build([{**record, "precision_m": None}], self.place_records, self.border_line,
                                    self.frame("areas"))  # fmt: skip
        except (ValueError, KeyError, TypeError):
            return None
        value = frame["precision_m"].iloc[0]
        return None if value is None or value != value else value  # noqa: PLR0124 - NaN

    def side_of(self, lon: float, lat: float) -> str | None:
        """The side of the border a point is on by today's countries (China, else USSR); None outside them."""
        point = shapely.Point(lon, lat)
        return next((side for side, outline in self.outlines if side and outline.contains(point)), None)

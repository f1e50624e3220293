"""The accepted contributions as the build takes them (the hook layers.build calls): their records join each
layer's, checked again by the layer's own check against today's sources, and every feature they make names
its contributor and submission (columns `contributor`, `submission`).

A contributed record whose id is an atlas record's is a correction: it replaces that record.
"""

from __future__ import annotations

from pathlib import Path

from contrib.checks import RECORD_CHECKS, with_lines
from contrib.columns import LAYERS
from contrib.store import configured
from layers import migration, outposts
from layers.areas import read_areas
from layers.errors import DataError

COLUMNS = ("contributor", "submission")


class Accepted:
    """Accepted contributions: [(submission name, contributor, [{layer, row, record}])], oldest first."""

    def __init__(self, submissions: list[tuple[str, str, list[dict]]], sources: Path):
        self.sources = sources
        self.by_layer: dict[str, list[tuple[str, str, int, dict]]] = {name: [] for name in LAYERS}
        for name, contributor, staged in submissions:
            for item in staged:
                self.by_layer[item["layer"]].append((name, contributor, item["row"], item["record"]))
        self._ids: dict | None = None

    def __bool__(self) -> bool:
        return any(self.by_layer.values())

    def join(self, layer: str, records):
        """The layer's records with the contributed ones, each checked; a correction replaces its record."""
        if layer == "migration":
            areas, flows = records
            return areas, self._joined("migration", flows)
        return self._joined(layer, records)

    def _joined(self, layer: str, records: list[dict]) -> list[dict]:
        contributed = {}
        for name, _, row, record in self.by_layer[layer]:
            try:
                RECORD_CHECKS[layer](f"contributions/{name}", with_lines(record, row), self.ids())
            except DataError as exc:
                raise DataError(exc.path, exc.line, exc.entry, exc.reason + " (an accepted contribution)") from None
            contributed[record["id"]] = record
        kept = [contributed.pop(r["id"], r) for r in records]
        return kept + list(contributed.values())

    def ids(self) -> dict[str, set]:
        """What contributed records may name: today's sources and the contributed places and units."""
        if self._ids is None:
            added = {layer: {r["id"] for *_, r in items} for layer, items in self.by_layer.items()}
            units = {u["id"] for u in outposts.read_outposts(self.sources)}
            self._ids = {
                "place": outposts.read_place_ids(self.sources) | added["places"],
                "unit": units | added["units"],
                "area": {a["id"] for a in read_areas(self.sources)},
                "migration_area": {a["id"] for a in migration.read_migration(self.sources)[0]},
            }
        return self._ids

    def label(self, built: dict) -> dict:
        """Every layer with `contributor` and `submission` (null for the atlas's own features)."""
        if not self:
            return built
        out = dict(built)
        for layer, items in self.by_layer.items():
            spec = LAYERS[layer]
            who = {record["id"]: (contributor, name) for name, contributor, _, record in items}
            frame = out[spec.collection]
            keys = frame["unit_id"] if spec.collection == "outposts" else frame["id"]
            out[spec.collection] = frame.assign(
                contributor=[who.get(k, (None, None))[0] for k in keys],
                submission=[who.get(k, (None, None))[1] for k in keys],
            )
        return out


def accepted(sources: Path, store=None) -> Accepted | None:
    """The accepted contributions of the configured store (None when it has none, or there is no store)."""
    store = store or configured()
    if not store.postgres and not Path(store.url).exists():
        return None
    return of_submissions(store.submissions(status="accepted"), sources)


def of_submissions(submissions: list[dict], sources: Path) -> Accepted | None:
    """The contributions of these accepted submissions (None when they hold no record)."""
    found = sorted(((s["name"], s["contributor"], s["records"] or []) for s in submissions), key=lambda s: s[0])
    contributions = Accepted(found, Path(sources))
    return contributions or None


__all__ = ["COLUMNS", "Accepted", "accepted", "of_submissions"]

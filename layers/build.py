"""Build every layer from the sources (and the accepted contributions the pipeline hands down): the layers' frames,
their display copies and the build's tables (the yearly figures, the tariff, the citations, the coverage of the
texts and the data-quality report). Writing them to the store and keeping a release is the pipeline's
(pipeline.build); `python -m layers.build` is an alias of `border-atlas build`.

A malformed source stops the build with the file, line and reason.
"""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

import geo
from evidence import citations
from evidence import texts as reader
from evidence.documents import TEXTS
from layers import (
    areas,
    border,
    caveats,
    coverage,
    customs,
    diplomacy,
    incidents,
    migration,
    outposts,
    places,
    quality,
    regime,
    schema,
    statistics,
    when,
    zones,
)

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "data" / "sources"
REFERENCE = ROOT / "data" / "reference"
DISPLAY_TOLERANCE_M = 250.0  # simplification for the map page; exports keep full precision
DISPLAY_DECIMALS = 1e-4  # about 10 m


class NoContributions:
    """The build's hook for accepted contributions (the pipeline hands down contrib.accepted's): none."""

    def join(self, layer: str, records):
        """The layer's records with the contributed ones (a contributed correction replaces its record)."""
        return records

    def label(self, built: dict) -> dict:
        """The layers with every contributed feature naming its contributor and submission."""
        return built


def build_layers(
    sources: Path = SOURCES, reference: Path = REFERENCE, progress=print, texts: Path = TEXTS, *, contributions=None
) -> dict:
    """{collection id: full-precision GeoDataFrame} for every layer (with the accepted `contributions`, if any)."""
    extra = contributions or NoContributions()
    progress("reading data/sources/zones.yaml")
    regime = zones.read_regime(sources)
    progress("reading data/sources/places.yaml and checking it against GeoNames")
    records = extra.join("places", places.read_places(sources))
    for line in places.check_geonames(records, sources / places.FILE):
        progress("  " + line)
    progress(f"building {len(regime.zones)} zones from {len(regime.acts)} acts")
    built = {
        "border": border.build(sources, reference, regime.general_acts),
        "zones": zones.build(regime, reference, progress),
    }
    progress("reading data/sources/areas.yaml and building the areas of possibility")
    built["areas"] = build_areas(records, sources, reference)
    built["places"] = places.build(records, built["areas"])
    lonlat = _lonlat(built["places"])
    progress("reading data/sources/outposts.yaml and customs.yaml")
    names = dict(zip(built["places"]["id"], built["places"]["name"], strict=True))
    units = extra.join("units", outposts.read_outposts(sources))
    built["outposts"] = outposts.build(units, lonlat, names, built["areas"])
    built["customs"] = customs.build(extra.join("customs", customs.read_customs(sources).posts), lonlat, names)
    built["customs"]["tariff_1923"] = customs.on_tariff_stretch(built["customs"], built["places"])
    progress("reading data/sources/diplomacy.yaml")
    built["diplomacy"] = diplomacy.build(diplomacy.read_diplomacy(sources), lonlat, names)
    for name, column in (("outposts", "seat"), ("customs", "place"), ("diplomacy", "place")):
        built[name]["where_prec"] = _levels_at_places(built[name], column, built["places"])
    line = border.border_line(reference)
    progress("reading data/sources/incidents.yaml and migration.yaml; resolving incident locations")
    built["incidents"] = incidents.build(extra.join("incidents", incidents.read_incidents(sources)), records, line,
                                         built["areas"])  # fmt: skip
    flows = extra.join("migration", migration.read_migration(sources))
    built["migration"], ends = migration.build(flows, records, built["areas"], line, reference)
    built["areas"] = _with_flow_areas(built["areas"], ends)
    users = areas.used_by(built)
    for aid, flows_there in migration.users(built["migration"]).items():
        users.setdefault(aid, []).extend(flows_there)
    built["areas"]["used_by"] = [users.get(aid, []) for aid in built["areas"]["id"]]
    progress("measuring each place's, post's and incident's distance to the border and the zones it lies in")
    for name in ("places", "outposts", "customs", "incidents"):
        built[name] = _with_regime_columns(built[name], built["zones"], line)
    built = extra.label(built)
    built |= _with_caveats(built)
    built |= {name: _with_when(frame, name) for name, frame in built.items() if name not in when.TIMELESS}
    built |= {name: frame.assign(**when.nested_columns(frame)) for name, frame in built.items()}  # acts, names…
    progress("resolving every citation to its full reference (data/texts)")
    return {name: _with_references(frame, texts) for name, frame in built.items()}


def _with_caveats(built: dict) -> dict:
    """The border's, each zone's and each out-of-band listed place's caveat (layers.caveats)."""
    zones, places = built["zones"], built["places"]
    outside = caveats.outside(places, zones)
    depths = [f"{v:g} {u}" for v, u in zip(zones["depth_value"], zones["depth_unit"], strict=True)]
    texts = [caveats.zone_text(d, outside, z) for d, z in zip(depths, zones["id"], strict=True)]
    notes = caveats.place_notes(outside)
    return {
        "border": built["border"].assign(caveat=caveats.BORDER),
        "zones": zones.assign(caveat=texts),
        "places": places.assign(zone_caveat=[notes.get(pid) for pid in places["id"]]),
    }


def _with_when(frame, collection: str):
    """The frame with each feature's dates as EDTF (`when`) and as four bounds (`bounds`), beside start and end."""
    derived = when.columns(frame, collection)
    frame = frame.drop(columns=[c for c in derived if c in frame.columns])
    at = list(frame.columns).index("end") + 1 if "end" in frame.columns else len(frame.columns) - 1
    for offset, (name, values) in enumerate(derived.items()):
        frame.insert(at + offset, name, values)
    return frame


def _with_references(frame, texts: Path = TEXTS):
    """The frame with every citation in its cells resolved (evidence.citations): the reference a reader sees."""
    columns = [c for c in frame.columns if c != frame.geometry.name and frame[c].dtype == object]
    return frame.assign(**{c: [citations.resolve_all(v, texts) for v in frame[c]] for c in columns})


def build_areas(records: list[dict], sources: Path = SOURCES, reference: Path = REFERENCE):
    """The areas of possibility, anchored on the places that have a point."""
    by_id = {r["id"]: {**r, "where_prec": places.where_prec(r)} for r in records}
    line_m, land_m = geo.prepare(border.border_line(reference)), geo.prepare(border.soviet_land(reference))
    return areas.build(areas.read_areas(sources), by_id, line_m, land_m)


def _with_flow_areas(possibility, flow_ends):
    """The areas layer: the areas of possibility (role "possibility", all on the Soviet side) and the areas the
    migration flows go between (role "migration", layers/flow_areas.py)."""
    ours = possibility.assign(role="possibility", side="USSR")
    return gpd.GeoDataFrame(pd.concat([ours, flow_ends[ours.columns]], ignore_index=True), crs=ours.crs)


def _lonlat(places_frame) -> dict:
    """Place id -> (lon, lat, precision_m), or None for a place without a point of its own.

    A place in an area of possibility has only a marker inside the area: units and posts seated
    there are not drawn at it.
    """
    return {
        pid: None if geom is None or geom.is_empty or level in schema.POINTLESS else (geom.x, geom.y, precision)
        for pid, geom, precision, level in zip(
            places_frame["id"],
            places_frame.geometry,
            places_frame["precision_m"],
            places_frame["where_prec"],
            strict=True,
        )
    }


def _levels_at_places(frame, column: str, places_frame) -> list[str]:
    """The level of each feature drawn at the gazetteer place in `column`: that place's, or unlocated; a feature
    drawn at the marker of an area of possibility (`area_id`) is located to the area."""
    levels = dict(zip(places_frame["id"], places_frame["where_prec"], strict=True))
    areas = frame["area_id"] if "area_id" in frame else [None] * len(frame)
    return [
        "area" if isinstance(area, str) else levels.get(pid, "unlocated") if located else "unlocated"
        for pid, located, area in zip(frame[column], frame["located"], areas, strict=True)
    ]


def _with_regime_columns(frame, zones_frame, line):
    """`border_distance_m` and `zones_containing` (any date) for every feature with a point of its own.

    A marker inside an area of possibility is not a location: it gets neither.
    """
    distances, containing = [], []
    levels = frame["where_prec"] if "where_prec" in frame else [None] * len(frame)
    for geom, level in zip(frame.geometry, levels, strict=True):
        if geom is None or geom.is_empty or level in schema.POINTLESS:
            distances.append(None)
            containing.append([])
            continue
        distance, ids = regime.distance_and_zones(geom.x, geom.y, zones_frame, line)
        distances.append(round(distance, 1))
        containing.append(ids)
    return frame.assign(border_distance_m=distances, zones_containing=containing)


def _cited(tables: dict) -> list[dict]:
    """Every citation of a document the build holds: the layers' (one per feature and passage), the yearly
    figures' and the 1923 tariff's."""
    return [
        *tables["citations"],
        *coverage.citations_in(tables["statistics"], "statistics"),
        *coverage.citations_in(tables["tariff_1923"], "tariff_1923"),
    ]


def _tariff(sources: Path) -> dict:
    """Seed 001's 1923 tariff as the web app shows it: its heading and one row per rate."""
    tariff = customs.read_tariff(sources)
    head = {k: v for k, v in tariff.items() if k != "articles" and not k.startswith("__")}
    return {**head, "rows": customs.tariff_rows(tariff)}


def display_copy(frame):
    """A light copy for the map page: simplified in the metric CRS, coordinates rounded.

    A strip narrower than the simplification would collapse; it is drawn as its outline,
    which runs along the border (its full geometry stays in the exports).
    """
    depths = frame["depth_m"] if "depth_m" in frame else [None] * len(frame)
    geoms = [_light(geom, depth) for geom, depth in zip(frame.geometry, depths, strict=True)]
    return frame.copy().set_geometry(geoms)


def _light(geom, depth_m: float | None):
    tolerance = DISPLAY_TOLERANCE_M if depth_m is None else min(DISPLAY_TOLERANCE_M, depth_m / 5)
    if tolerance < DISPLAY_TOLERANCE_M / 10:  # thinner than a pixel at any useful zoom
        geom, tolerance = shapely.boundary(geom), DISPLAY_TOLERANCE_M
    simple = geo.to_lonlat(shapely.simplify(geo.to_metric(geom), tolerance))
    return shapely.set_precision(simple, DISPLAY_DECIMALS)


def build_tables(layers: dict, sources: Path, reference: Path, texts: Path = TEXTS, progress=print) -> dict:
    """The build's tables beside its layers: the 1923 tariff, the yearly figures, the citations, the texts with their
    coverage and the data-quality report (which the build prints)."""
    tables = {
        "tariff_1923": citations.resolve_all(_tariff(sources), texts),
        "statistics": citations.resolve_all(statistics.rows(statistics.read_statistics(sources)), texts),
        "citations": reader.citation_rows(layers),
    }
    progress("checking that every paragraph of the texts is cited or explained (data/texts/*.coverage.yaml)")
    covered = coverage.report(_cited(tables), texts)
    land = border.soviet_land(reference)
    findings = quality.report(layers["places"], layers["zones"], layers["border"], land, layers)
    findings["coverage"] = {doc: {k: v for k, v in c.items() if k != "paragraphs"} for doc, c in covered.items()}
    progress(quality.format_report(findings))
    return {"quality": findings, "texts": reader.documents_meta(texts, covered), **tables}


if __name__ == "__main__":  # an alias of `border-atlas build`
    from pipeline.build import main

    sys.exit(main())

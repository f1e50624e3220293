"""Synthetic builds for `make bench` and the scale test: N times today's data, never served by `make run`.

Every synthetic feature is a copy of a real one with a new id (`syn-<k>-<id>`), a name that says it is
synthetic, a random point (or line) inside the region, random but valid dates, and one citation whose
seed is `synthetic`: nothing in it can pass for a fact of the sources.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import LineString, Point

from layers.build import REFERENCE, build_layers, display_copy
from layers.store import write_store

SCALED = ("incidents", "places", "migration")  # the layers a research group would grow
REGION = (78.0, 42.0, 88.0, 50.0)  # lon/lat box of the Kazakh–Xinjiang border region
YEARS = (1918, 1940)
SYNTHETIC = {
    "seed": "synthetic",
    "footnote": None,
    "reference": None,
    "quote": "a synthetic feature made for the benchmark, not a fact of any source",
}


def scale(frame: gpd.GeoDataFrame, factor: int, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """The frame and factor-1 synthetic copies of each of its rows."""
    copies = [frame]
    for k in range(1, factor):
        copy = frame.copy()
        copy["id"] = [f"syn-{k}-{i}" for i in frame["id"]]
        copy["name"] = [f"Synthetic {k}: {n}" for n in frame["name"]]
        copy["sources"] = [[SYNTHETIC]] * len(frame)
        copy["location_basis"] = "synthetic: a random point in the region"
        if frame["start"].notna().any():
            copy["start"], copy["end"], copy["date_precision"] = _dates(len(frame), rng)
        copy = copy.set_geometry([_shape(g, rng) for g in frame.geometry], crs=frame.crs)
        copies.append(copy)
    return gpd.GeoDataFrame(pd.concat(copies, ignore_index=True), crs=frame.crs)


def _dates(n: int, rng: np.random.Generator) -> tuple[list[str], list[str], list[str]]:
    first = rng.integers(YEARS[0], YEARS[1] + 1, n)
    span = rng.integers(0, 3, n)
    last = np.minimum(first + span, YEARS[1])
    return [str(y) for y in first], [str(y) for y in last], ["year"] * n


def _point(rng: np.random.Generator) -> Point:
    return Point(rng.uniform(REGION[0], REGION[2]), rng.uniform(REGION[1], REGION[3]))


def _shape(template, rng: np.random.Generator):
    """A random geometry of the template's kind (None stays None: an unlocated feature stays so)."""
    if template is None or template.is_empty:
        return None
    if template.geom_type == "Point":
        return _point(rng)
    return LineString([_point(rng), _point(rng)])


def write_scaled_store(out: Path, factor: int, seed: int = 0, layers: dict | None = None) -> dict:
    """Build the atlas, grow SCALED by `factor`, write it to `out`; returns the layers written."""
    layers = dict(layers or build_layers(progress=lambda *_: None))
    rng = np.random.default_rng(seed)
    for cid in SCALED:
        layers[cid] = scale(layers[cid], factor, rng)
    basemap = gpd.read_file(REFERENCE / "basemap.geojson")
    write_store({cid: (frame, display_copy(frame)) for cid, frame in layers.items()}, basemap, out, {})
    return layers

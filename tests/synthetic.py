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
import shapely

from layers.build import REFERENCE, build_layers, display_copy
from layers.registry import JSON_COLUMNS
from store import write_store

SCALED = ("incidents", "places", "migration")  # the layers a research group would grow
REGION = (78.0, 42.0, 88.0, 50.0)  # lon/lat box of the Kazakh–Xinjiang border region
YEARS = (1918, 1940)
SYNTHETIC = {  # a citation as the build resolves it (evidence.citations.resolve), of no document
    "document": "synthetic",
    "cited_as": "synthetic",
    "note": None,
    "locator": None,
    "quote": "a synthetic feature made for the benchmark, not a fact of any source",
    "reference": "A synthetic feature made for the benchmark, not a fact of any source.",
    "csl": None,
    "passage": None,
}


def scale(frame: gpd.GeoDataFrame, factor: int, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """The frame and factor-1 synthetic copies of each of its rows (made column by column: 100,000 in seconds)."""
    n = len(frame)
    if factor <= 1 or n == 0:
        return frame.copy()
    copy_of = np.repeat(np.arange(1, factor), n)  # copy k of row i: k = copy_of[j], i = j % n
    copy = frame.iloc[np.tile(np.arange(n), factor - 1)].reset_index(drop=True)
    copy["id"] = [f"syn-{k}-{i}" for k, i in zip(copy_of, copy["id"], strict=True)]
    copy["name"] = [f"Synthetic {k}: {name}" for k, name in zip(copy_of, copy["name"], strict=True)]
    copy["sources"] = [[SYNTHETIC]] * len(copy)
    copy["location_basis"] = "synthetic: a random point in the region"
    if frame["start"].notna().any():
        copy["start"], copy["end"], copy["date_precision"] = _dates(len(copy), rng)
    copy = copy.set_geometry(_shapes(copy.geometry.values, rng), crs=frame.crs)
    return gpd.GeoDataFrame(pd.concat([frame, copy], ignore_index=True), crs=frame.crs)


def _dates(n: int, rng: np.random.Generator) -> tuple[list[str], list[str], list[str]]:
    first = rng.integers(YEARS[0], YEARS[1] + 1, n)
    span = rng.integers(0, 3, n)
    last = np.minimum(first + span, YEARS[1])
    return [str(y) for y in first], [str(y) for y in last], ["year"] * n


def _points(n: int, rng: np.random.Generator) -> np.ndarray:
    return shapely.points(rng.uniform(REGION[0], REGION[2], n), rng.uniform(REGION[1], REGION[3], n))


def _shapes(templates: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random geometry of each template's kind: a point for a point, else a line between two random points
    (None stays None: an unlocated feature stays so)."""
    n = len(templates)
    kinds = np.array([None if g is None or g.is_empty else g.geom_type for g in templates], dtype=object)
    starts, ends = shapely.get_coordinates(_points(n, rng)), shapely.get_coordinates(_points(n, rng))
    lines = shapely.linestrings(np.stack([starts, ends], axis=1))
    shapes = np.where(kinds == "Point", shapely.points(starts), lines).astype(object)
    shapes[kinds == None] = None  # noqa: E711 - elementwise
    return shapes


def write_scaled_store(
    out: Path, factor: int, seed: int = 0, layers: dict | None = None, factors: dict[str, int] | None = None
) -> dict:
    """Build the atlas, grow SCALED by `factor` (or a layer by its own in `factors`, e.g. {"incidents": 7143}),
    write it to `out`; returns the layers written."""
    layers = dict(layers or build_layers(progress=lambda *_: None))
    rng = np.random.default_rng(seed)
    factors = {cid: factor for cid in SCALED} | (factors or {})
    for cid, n in factors.items():
        layers[cid] = scale(layers[cid], n, rng)
    basemap = gpd.read_file(REFERENCE / "basemap.geojson")
    write_store(
        {cid: (frame, display_copy(frame)) for cid, frame in layers.items()},
        basemap,
        out,
        {},
        json_columns=JSON_COLUMNS,
    )
    return layers

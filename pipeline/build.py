"""The data build: the sources and the accepted contributions -> the layers -> the store -> a release.

Usage: border-atlas build [--sources DIR] [--reference DIR] [--out FILE] [--releases DIR | --no-release]
(`python -m layers.build` is an alias.)

A build whose content differs from the latest release's is then kept as a new release (store.releases;
data/releases for the default store, else a `releases` directory beside --out).

A malformed source stops the build with the file, line and reason; the store already built stays as it was.
One build of a store at a time: the command holds the store's lock (store.writer.building) from reading the
accepted contributions to the release.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import geopandas as gpd

from contrib.accepted import accepted
from contrib.tours import accepted_tours
from evidence.documents import TEXTS
from layers import border, tours
from layers.build import REFERENCE, SOURCES, build_layers, build_tables, display_copy
from layers.errors import DataError
from layers.registry import JSON_COLUMNS
from store import releases as kept
from store import write_store
from store.config import STORE
from store.writer import building


def build(
    sources: Path = SOURCES,
    reference: Path = REFERENCE,
    out: Path = STORE,
    progress=print,
    texts: Path = TEXTS,
    *,
    releases: Path | None = None,
    contributions=None,
    tours_dir: Path | None = None,
    contributed_tours: list[tuple] = (),
) -> dict:
    """Build all layers (with the accepted `contributions`, if any) and the tours (`tours_dir`, by default beside
    `sources`) and write the store, then (with `releases`) keep it as a release if its content is new; returns the
    full-precision layers."""
    started = time.perf_counter()
    try:
        layers = build_layers(sources, reference, progress, texts, contributions=contributions)
    except DataError as exc:  # raised while building from records already read: find the entry's line
        raise exc.located(sources) from None
    progress("checking the tours (data/tours) against the build")
    guided = tours.compile_all(tours_dir or tours.folder(sources), layers, texts, contributed_tours)
    meta = build_tables(layers, sources, reference, texts, progress) | {"tours": guided}
    progress("simplifying for display")
    basemap = gpd.read_file(reference / "basemap.geojson")
    land = gpd.GeoDataFrame({"side": ["USSR"]}, geometry=[border.soviet_land(reference)], crs=basemap.crs)
    frames = {name: (frame, display_copy(frame)) for name, frame in layers.items()}
    write_store(frames, basemap, out, meta, land=land, json_columns=JSON_COLUMNS)
    progress(f"wrote {out} in {time.perf_counter() - started:.1f} s")
    if releases is not None:
        kept.publish(out, releases, progress)
    return layers


def parser(prog: str | None = None) -> argparse.ArgumentParser:
    command = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    command.add_argument("--sources", type=Path, default=SOURCES)
    command.add_argument("--reference", type=Path, default=REFERENCE)
    command.add_argument("--out", type=Path, default=STORE)
    command.add_argument("--releases", type=Path, help="where releases are kept (default: beside --out)")
    command.add_argument("--no-release", action="store_true", help="write the store only, keep no release")
    command.add_argument("--traceback", action="store_true", help="show the traceback of an unexpected error")
    command.add_argument("--no-contributions", action="store_true", help="leave out the accepted contributions")
    return command


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    args = parser(prog).parse_args(argv)
    try:
        releases = None if args.no_release else (args.releases or kept.beside(args.out))
        with building(args.out):  # one build of the store at a time, from the accepted contributions of now
            contributions = None if args.no_contributions else accepted(args.sources)
            guided = [] if args.no_contributions else accepted_tours()
            build(args.sources, args.reference, args.out, releases=releases, contributions=contributions,
                  contributed_tours=guided)  # fmt: skip
    except DataError as exc:
        print(f"build failed: {exc}\n(the store at {args.out} was left as it was)", file=sys.stderr)
        return 1
    except Exception as exc:  # a fault of the build itself, not of the sources: no traceback unless asked
        if args.traceback:
            raise
        print(
            f"build failed: unexpected {type(exc).__name__}: {exc}\n(the store at {args.out} was left as it was; "
            "this is a fault of the build, not of the sources: rerun with --traceback and report it)",
            file=sys.stderr,
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The command line of the PostGIS engine: load a build as a new release, list the releases, prune old ones.

    border-atlas postgis load  [--gpkg data/build/atlas.gpkg] [--database postgresql://...]
    border-atlas postgis list  [--database ...]            (python -m store.pg_admin ... too)
    border-atlas postgis prune [--keep N] [--yes] [--database ...]

`--database` defaults to $BORDER_ATLAS_DATABASE. See store.pg_load (loading) and store.pg_releases (the catalogue).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from pathlib import Path

import psycopg

from store import pg_releases, releases
from store.pg_load import DEFAULT_GPKG, load


def _list(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        latest = pg_releases.latest_number(conn)
        for r in reversed(pg_releases.read_all(conn)):
            mark = " (latest)" if r.number == latest else ""
            print(f"{r.number}{mark}\t{r.id}\t{r.created}\t{r.where}\t{releases.state(r)}")
    return 0


def _prune(url: str, keep: int, yes: bool) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        try:
            plan = releases.prune_plan(pg_releases.read_all(conn), keep)
        except ValueError as exc:
            print(f"prune: {exc}", file=sys.stderr)
            return 2
        latest = pg_releases.latest_number(conn)
        plan = [r for r in plan if r.number != latest]
        remove = lambda release: pg_releases.prune(conn, release)  # noqa: E731
        releases.prune_each(plan, keep, yes, remove, where=lambda r: f"schema {r.where}, ")
    return 0


def main(argv: list[str] | None = None, prog: str = "python -m store.pg_admin") -> int:
    parser = argparse.ArgumentParser(prog=prog, description="The atlas's releases in PostGIS.")
    commands = parser.add_subparsers(dest="command", required=True)
    loader = commands.add_parser("load", help="load a GeoPackage build as a new release and make it the latest")
    loader.add_argument("--gpkg", type=Path, default=DEFAULT_GPKG, help="the build to load (default: %(default)s)")
    commands.add_parser("list", help="the releases loaded, newest first")
    pruner = commands.add_parser("prune", help="list (or, with --yes, drop) all but the newest releases")
    pruner.add_argument("--keep", type=int, default=5, help="how many of the newest releases to keep (default 5)")
    pruner.add_argument("--yes", action="store_true", help="drop them (without it, only list them)")
    for command in commands.choices.values():
        command.add_argument(
            "--database",
            default=os.environ.get("BORDER_ATLAS_DATABASE"),
            help="postgresql://... (default: $BORDER_ATLAS_DATABASE)",
        )
    args = parser.parse_args(argv)
    if not args.database:
        parser.error("`--database` is missing: give postgresql://user@host:port/db or set BORDER_ATLAS_DATABASE")
    try:
        if args.command == "list":
            return _list(args.database)
        if args.command == "prune":
            return _prune(args.database, args.keep, args.yes)
        load(args.gpkg, args.database, progress=lambda text: print(text, flush=True))
    except (OSError, ValueError, sqlite3.Error, psycopg.Error) as exc:
        print(
            f"{args.command} failed: {exc}\n(every release PostGIS holds is unchanged; the latest still serves)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Contributions at scale (issue 21): a 50,000-row XLSX of incidents read, checked and reconciled (time and peak
memory), and the build with those incidents accepted against the build without them, in the same run.

    .venv/bin/python -m tests.bench.bench_contrib [--rows 50000] [--store data/build/atlas.gpkg] [--repeat 3]

The spreadsheet is the incidents template filled with detentions, crossings and smuggling at places named as
historians write them (Cyrillic, inflected, transliterated), every row distinct. The check runs in a process of its
own, so its peak resident memory is its own; the memory before the file is read (the atlas's context and gazetteer
loaded) is printed beside it.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLACES = ["у Нарынкола", "в Джаркенте", "Jarkent", "Жаркент", "Bakhty", "в Бахтах", "Khorgos", "Makanchi", "Нарынкол"]
TYPES = ["detention", "crossing", "smuggling"]


def rows(n: int) -> list[dict]:
    """n distinct incident rows of the template."""
    from tests.contrib.sheets import incident

    out = []
    for i in range(n):
        day = f"19{28 + i % 8}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        place = PLACES[i % len(PLACES)]
        out.append(incident(
            name=f"Register entry {i + 1}", event_type=TYPES[i % len(TYPES)], start=day, end=day,
            date_text=f"On {day}", location_text=place, location_place=place,
            quote=f"entry {i + 1} of the register", cite_locator=f"l. {1 + i // 40}",
            cite_quote=f"запись {i + 1} журнала пограничной комендатуры о задержании",
        ))  # fmt: skip
    return out


def write_workbook(path: Path, n: int) -> float:
    """The XLSX at `path`; seconds it took."""
    from tests.contrib.sheets import workbook

    started = time.perf_counter()
    workbook(path, rows(n))
    return time.perf_counter() - started


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def check_file(path: Path, store: Path) -> dict:
    """Read and check the file against the atlas at `store` (run in a process of its own)."""
    from contrib import checks, readers
    from contrib.context import Context
    from contrib.reconcile import Gazetteer
    from store import GeoPackageStore

    context = Context(GeoPackageStore(store))
    gazetteer = Gazetteer.of(context)
    context.place_records  # noqa: B018 - loaded before the clock starts, like the gazetteer
    before = _rss_mb()
    started = time.perf_counter()
    table = readers.read(path, path.name, "incidents")
    read = time.perf_counter() - started
    report = checks.check(table, "incidents", context, gazetteer)
    total = time.perf_counter() - started
    return {"rows": len(table.rows), "records": len(report.records), "errors": len(report.errors),
            "pending": len(report.pending), "read_s": read, "check_s": total - read, "total_s": total,
            "rss_before_mb": before, "rss_peak_mb": _rss_mb()}  # fmt: skip


def accept(path: Path, store: Path, folder: Path):
    """The file imported, checked, submitted and accepted in a contributions store in `folder`; its contributions."""
    from contrib import workflow
    from contrib.accepted import accepted
    from contrib.context import Context
    from contrib.reconcile import Gazetteer
    from contrib.store import ContributionStore
    from layers.build import SOURCES
    from store import GeoPackageStore

    contributions = ContributionStore(folder / "contributions.sqlite")
    name = workflow.import_file(contributions, path.read_bytes(), path.name, layer="incidents", contributor="bench")
    context = Context(GeoPackageStore(store))
    report = workflow.check(contributions, name, context, Gazetteer.of(context), "bench")
    if not report.ok:
        raise SystemExit(f"the bench's file does not check: {report.lines()[:5]}")
    workflow.submit(contributions, name, "bench")
    workflow.review(contributions, name, {"name": "bench", "role": "admin"}, "accept", "bench")
    return accepted(SOURCES, contributions)


def build_seconds(out: Path, contributions) -> float:
    from pipeline.build import build

    started = time.perf_counter()
    build(out=out, progress=lambda *_: None, contributions=contributions)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--store", type=Path, default=ROOT / "data" / "build" / "atlas.gpkg")
    parser.add_argument("--repeat", type=int, default=3, help="builds of each kind, alternated (medians)")
    args = parser.parse_args()
    if not args.store.exists():
        raise SystemExit(f"no build at {args.store}: run `make data` first")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        xlsx = folder / "register.xlsx"
        made = write_workbook(xlsx, args.rows)
        size = xlsx.stat().st_size / 2**20
        print(f"contributions: {args.rows:,} rows written as XLSX ({size:.1f} MB) in {made:.1f} s")
        print_check(checked_apart(xlsx, args.store))
        contributions = accept(xlsx, args.store, folder)
        plain, more = [], []
        for i in range(args.repeat):
            plain.append(build_seconds(folder / f"plain-{i}.gpkg", None))
            more.append(build_seconds(folder / f"more-{i}.gpkg", contributions))
        p, m = statistics.median(plain), statistics.median(more)
        print(f"  build with the {args.rows:,} accepted incidents: {m:.1f} s, without: {p:.1f} s "
              f"(medians of {args.repeat}; ratio {m / p:.2f})")  # fmt: skip


def checked_apart(xlsx: Path, store: Path) -> dict:
    """check_file's figures, measured in a Python process of its own."""
    code = (
        "import json; from pathlib import Path; from tests.bench.bench_contrib import check_file; "
        f"print(json.dumps(check_file(Path({str(xlsx)!r}), Path({str(store)!r}))))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def print_check(got: dict) -> None:
    print(f"  read {got['read_s']:.1f} s, checked and reconciled {got['check_s']:.1f} s "
          f"(total {got['total_s']:.1f} s): {got['records']:,} records, {got['errors']} errors, "
          f"{got['pending']} names to choose")  # fmt: skip
    print(f"  peak memory {got['rss_peak_mb']:.0f} MB (before the file: {got['rss_before_mb']:.0f} MB, "
          f"so {got['rss_peak_mb'] - got['rss_before_mb']:.0f} MB for the file)")  # fmt: skip


if __name__ == "__main__":
    main()

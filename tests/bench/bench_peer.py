"""`make bench-peer` (part of `make bench`): Border Atlas against pygeoapi and tipg serving the same data, in one run.

Each server is served the way its documentation says, one after the other, on the same builds: the real build
(1x) and a synthetic 100x build (tests/synthetic.py). Ours as `make run` serves it (the README's serving path:
nginx in front of gunicorn, 3 workers x 4 threads, webapp/serve.py, with nginx's micro-cache), and for
transparency the same without the cache (`--no-cache`: every request reaches gunicorn); pygeoapi under
gunicorn with the same workers and threads; tipg (FastAPI, asyncpg; PostGIS only) under uvicorn with 3 worker
processes. Two engines:

  gpkg     ours: the GeoPackage (SQL, R-tree); pygeoapi: its SQLiteGPKG provider on the same layers, in a
           copy of the file without the columns only our engine reads (start_min, end_max, bbox_*,
           feature_json), so that it answers with the same properties and does not carry our encoded copy
  postgis  ours: store.postgis; pygeoapi: its PostgreSQL provider, and tipg, on the same tables of the same
           database (a throwaway tests/pgcluster.py cluster loaded by store.postgis), their properties set to
           the layer's own columns for the same reason (tipg: `id` as the feature id)

pygeoapi runs in its own virtual environment, .bench/pygeoapi-venv, made with Debian's /usr/bin/python3:
the SQLiteGPKG provider loads SpatiaLite (libsqlite3-mod-spatialite) into sqlite3, which needs
`enable_load_extension`, and our .venv's Python is built without it. pygeoapi 0.21.0 is the newest release
that runs on Debian 12's Python 3.11 (0.22 and later need 3.12). tipg 1.6.1 has .bench/tipg-venv, made the
same way, with uvicorn[standard] (uvloop, httptools).

Queries, per collection (places, incidents, zones):
  items    bbox=79,42,84,47 and the year 1930. Ours: datetime=1930, every feature whose period (start to end,
           at their precision) overlaps 1930. pygeoapi 0.21 has one `time_field` per collection, compared as
           a single instant (`=`) or BETWEEN the two ends of an interval; our periods are two text columns
           (`start`, `end`, partial dates such as 1927 or 1927-08). It is given time_field `start` and
           datetime=1930-01-01/1930-12-31: the features whose start, as text, lies in 1930 (a start of
           `1930` alone sorts before `1930-01-01` and is missed; a feature in force since 1928 is missed; an
           undated place is missed). Its SQLiteGPKG provider ignores `datetime` altogether (it answers the
           bbox alone). Both are counted as wrong answers: the question is the same, the answer is not.
           tipg filters `datetime` on a date or timestamp column only, and our periods are text: it answers
           500 ("Must have timestamp/timestamptz/date typed column"), counted as errors.
  bbox     the same bbox, no datetime: a question both can answer right, so that the times compare like
           with like.
  item     one feature by id (the feature in the middle of the table).
All with limit=10000 (every server's maximum) and f=json for pygeoapi. Every answer is checked: status 200,
and its set of feature ids against the reference answer, worked out from the GeoPackage directly
(geopandas, layers.dates.overlaps, shapely), not by either server.

One client: REQUESTS requests per query in turn (fewer past ONE_CLIENT_SECONDS, at least MIN_REQUESTS).
Under load: CLIENTS client processes for LOAD_SECONDS per server, engine and scale, each cycling through
the nine queries from its own starting point (a mix, not each query alone: each alone at both scales and
engines would take 2 x 36 x 30 s = 36 min; the mix takes 8 x 30 s), latencies kept per query. So a
query's latency under load includes waiting behind the others (the zones answers are 15-19 MB). Each
request has a connection of its own; latency is to the last byte. The clients share the machine's two
cores with the servers.
"""

from __future__ import annotations

import http.client
import math
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.peers import (  # noqa: E402
    BBOX,
    CLIENTS,
    GOAL,
    LOAD_SECONDS,
    LOGS,
    MIN_REQUESTS,
    ONE_CLIENT_SECONDS,
    OURS_TIME,
    REQUESTS,
    THEIRS_TIME,
    THREADS,
    TIPG_TIME,
    WORKERS,
    Server,
    ensure_peer,
    ensure_tipg,
    gpkg_providers,
    ours_server,
    peer_copy,
    postgis_providers,
    pygeoapi_server,
    queries,
    tipg_server,
    wrong_cached,
)

# ---------------------------------------------------------------------------------------------------- measuring


@dataclass
class Tally:
    times: list[float] = field(default_factory=list)
    errors: int = 0  # not 200, or an exception
    wrong: int = 0  # 200, but not the reference's ids
    first_error: str = ""

    def p(self, q: float) -> float:
        """The median (q=50) or the nearest-rank q-th percentile of the times."""
        times = sorted(self.times)
        return statistics.median(times) if q == 50 else times[max(math.ceil(q / 100 * len(times)) - 1, 0)]


def _one(port: int, path: str, expected: set[str], tally: Tally) -> None:
    """One request on a connection of its own (gunicorn closes idle keep-alive connections after 2 s, and a
    client busy checking a large answer would find its connection closed), timed to the last byte."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
    except (OSError, http.client.HTTPException) as exc:
        tally.errors += 1
        tally.first_error = tally.first_error or f"{type(exc).__name__}: {exc}"
        return
    finally:
        conn.close()
    tally.times.append(time.perf_counter() - started)
    if response.status != 200:
        tally.errors += 1
        tally.first_error = tally.first_error or f"{response.status}: {body[:200]!r}"
    elif wrong_cached(body, expected):
        tally.wrong += 1


def one_client(port: int, paths: list[tuple[str, set[str]]], requests: int = REQUESTS) -> list[Tally]:
    """Each path `requests` times (fewer, at least MIN_REQUESTS, past ONE_CLIENT_SECONDS), after one warm-up."""
    tallies = []
    for path, expected in paths:
        _one(port, path, expected, Tally())
        tally, stop = Tally(), time.perf_counter() + ONE_CLIENT_SECONDS
        for i in range(requests):
            if i >= MIN_REQUESTS and time.perf_counter() > stop:
                break
            _one(port, path, expected, tally)
        tallies.append(tally)
    return tallies


def _load_client(port: int, paths: list[tuple[str, set[str]]], k: int, stop: float) -> list[Tally]:
    """One load client (a process of its own): the paths in turn from the k-th until `stop` (time.time())."""
    tallies, i = [Tally() for _ in paths], k
    while time.time() < stop:
        j = i % len(paths)
        _one(port, *paths[j], tallies[j])
        i += 1
    return tallies


def under_load(port: int, paths: list[tuple[str, set[str]]], clients: int = CLIENTS, seconds: float | None = None):
    """`clients` client processes for `seconds` (LOAD_SECONDS), each cycling through the paths from its own
    starting point. Processes, not threads: checking large answers would hold one GIL and delay every client."""
    import multiprocessing

    stop = time.time() + (seconds or LOAD_SECONDS)
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        results = pool.starmap(_load_client, [(port, paths, k, stop) for k in range(clients)])
    merged = []
    for j in range(len(paths)):
        tally = Tally()
        for tallies in results:
            t = tallies[j]
            tally.times += t.times
            tally.errors += t.errors
            tally.wrong += t.wrong
            tally.first_error = tally.first_error or t.first_error
        merged.append(tally)
    return merged


# ---------------------------------------------------------------------------------------------------- the run


def measure(server: Server, paths: list[tuple[str, set[str]]], load: bool) -> dict[str, list[Tally]]:
    figures = {"1 client": one_client(server.port, paths)}
    if load:
        figures[f"{CLIENTS} clients"] = under_load(server.port, paths)
    return figures


def bench_scale(
    label: str, gpkg: Path, pg_url: str, peer: Path, work: Path, load: bool = True, tipg: Path | None = None
) -> list[dict]:
    """Rows of the figures table for one build: both engines, both peers (tipg: PostGIS only), one client and
    under load."""
    from store import load as pg_load

    qs = queries(gpkg)
    peer_gpkg = peer_copy(gpkg, work / f"peer-{label}.gpkg")
    pg_load(gpkg, pg_url, progress=lambda *_: None)
    engines = {
        "gpkg": ({"BORDER_ATLAS_STORE": str(gpkg)}, gpkg_providers(peer_gpkg)),
        "postgis": (
            {"BORDER_ATLAS_STORE": str(gpkg), "BORDER_ATLAS_DATABASE": pg_url},
            postgis_providers(pg_url, gpkg),
        ),
    }
    rows = []
    for engine, (env, providers) in engines.items():
        print(f"-- {label} {engine}: ours (nginx cache)", flush=True)
        with ours_server(env, work) as server:
            ours = measure(server, [(q.ours, q.expected) for q in qs], load)
        print(f"-- {label} {engine}: ours (no cache)", flush=True)
        with ours_server(env, work, cache=False) as server:
            bare = measure(server, [(q.ours, q.expected) for q in qs], load)
        print(f"-- {label} {engine}: pygeoapi", flush=True)
        with pygeoapi_server(peer, providers, work, f"{label}-{engine}") as server:
            theirs = measure(server, [(q.theirs, q.expected) for q in qs], load)
        third = {}
        if tipg and engine == "postgis":
            print(f"-- {label} {engine}: tipg", flush=True)
            with tipg_server(tipg, pg_url, gpkg) as server:
                third = measure(server, [(q.tipg, q.expected) for q in qs], load)
        for clients in ours:
            for i, (q, a, b) in enumerate(zip(qs, ours[clients], theirs[clients], strict=True)):
                row = {"scale": label, "engine": engine, "clients": clients, "query": q.name, "ours": a, "theirs": b}
                row["bare"] = bare[clients][i]
                rows.append(row | ({"tipg": third[clients][i]} if third else {}))
    return rows


def _cells(t: Tally) -> str:
    if not t.times:
        return f"{'-':>8s} {'-':>8s} {0:5d} {t.errors:3d} {t.wrong:5d}"
    return f"{t.p(50) * 1000:6.1f}ms {t.p(95) * 1000:6.1f}ms {len(t.times):5d} {t.errors:3d} {t.wrong:5d}"


def ratio(row: dict, peer: str = "theirs", ours: str = "ours") -> float:
    """The peer's p50 over ours (pygeoapi's, or tipg's): how many times faster ours is (`ours="bare"`: ours without
    nginx's cache)."""
    a, b = row.get(ours, Tally()), row[peer]
    return b.p(50) / a.p(50) if a.times and b.times else float("nan")


HEAD = f"{'p50':>8s} {'p95':>8s} {'n':>5s} {'err':>3s} {'wrong':>5s}"


def report(rows: list[dict]) -> str:
    lines = [
        f"{'scale':5s} {'engine':7s} {'clients':10s} {'query':15s} | ours (nginx cache) {HEAD} | pygeoapi {HEAD} "
        "| ratio | no cache"
    ]
    for r in rows:
        mark = "" if ratio(r) >= GOAL and r["ours"].errors == 0 else "  < goal"
        mark += "  (pygeoapi answers wrong)" if r["theirs"].wrong else ""
        where = f"{r['scale']:5s} {r['engine']:7s} {r['clients']:10s} {r['query']:15s}"
        cells = f"ours (nginx cache) {_cells(r['ours'])} | pygeoapi {_cells(r['theirs'])}"
        lines.append(f"{where} | {cells} | {ratio(r):5.1f}x | {ratio(r, ours='bare'):5.1f}x{mark}")
    return "\n".join(lines)


def right(t: Tally) -> bool:
    """Did a server answer every request of a query, and right?"""
    return bool(t.times) and t.errors == 0 and t.wrong == 0


def report_tipg(rows: list[dict]) -> str:
    """Ours against tipg (PostGIS): the goal is ours at least as fast at p50 on every query tipg answers right."""
    lines = [f"{'scale':5s} {'clients':10s} {'query':15s} | {'who':18s} {HEAD} | tipg {HEAD} | ratio"]
    for r in (r for r in rows if "tipg" in r):
        where = f"{r['scale']:5s} {r['clients']:10s} {r['query']:15s}"
        for who, key in (("ours (nginx cache)", "ours"), ("ours (no cache)", "bare")):
            mark = "" if right(r["tipg"]) else "  (tipg cannot answer it right)"
            mark += "  < goal" if right(r["tipg"]) and not ratio(r, "tipg", key) >= 1 else ""
            cells = f"{who:18s} {_cells(r.get(key, Tally()))} | tipg {_cells(r['tipg'])}"
            lines.append(f"{where} | {cells} | {ratio(r, 'tipg', key):5.1f}x{mark}")
    return "\n".join(lines)


def main(store: Path | None = None, scales: tuple[int, ...] = (1, 100)) -> None:
    """Build (or take) the 1x store, make the 100x one, and measure both servers on both engines."""
    from layers.build import REFERENCE, SOURCES
    from pipeline.build import build
    from tests import pgcluster
    from tests.synthetic import write_scaled_store

    started = time.perf_counter()
    peer, tipg = ensure_peer(), ensure_tipg()
    LOGS.mkdir(parents=True, exist_ok=True)
    for log in LOGS.glob("*.log"):
        log.unlink()
    print(f"Border Atlas (make run: nginx, gunicorn {WORKERS} workers x {THREADS} threads) against pygeoapi 0.21.0")
    print(f"(gunicorn, the same) and tipg 1.6.1 (uvicorn, {WORKERS} workers)", flush=True)
    with tempfile.TemporaryDirectory(prefix="border-atlas-peer-") as tmp, pgcluster.cluster() as pg_url:
        work = Path(tmp)
        if store is None:
            store = work / "atlas.gpkg"
            build(SOURCES, REFERENCE, store, progress=lambda *_: None)
        rows = []
        for factor in scales:
            gpkg = store
            if factor != 1:
                gpkg = work / f"atlas-{factor}x.gpkg"
                write_scaled_store(gpkg, factor)
            rows += bench_scale(f"{factor}x", gpkg, pg_url, peer, work, tipg=tipg)
        bbox = ",".join(f"{v:g}" for v in BBOX)
        print(f"items: bbox={bbox}, ours {OURS_TIME}, pygeoapi {THEIRS_TIME} (time_field start; SQLiteGPKG ignores")
        print(f"datetime); item: one feature by id. 1 client: up to {REQUESTS} requests per query; {CLIENTS} clients:")
        print(f"{LOAD_SECONDS:g} s of the nine queries in turn. ratio = pygeoapi p50 / ours p50 (goal {GOAL:g}x)")
        print(report(rows))
        print(f"\nours against tipg (PostGIS; tipg {TIPG_TIME}: no date column, it refuses)")
        print("ratio = tipg p50 / ours p50 (goal: at least 1 where tipg answers right)")
        print(report_tipg(rows))
        for r in rows:
            for who in ("ours", "theirs", "tipg") if "tipg" in r else ("ours", "theirs"):
                if r[who].first_error:
                    where = f"{r['scale']} {r['engine']} {r['clients']} {r['query']}"
                    print(f"  first error, {who}, {where}: {r[who].first_error}")
    met = all(r["ours"].errors == 0 and ratio(r) >= GOAL for r in rows)
    print(f"goal (ours >= {GOAL:g}x faster at p50 on every query, 0 errors): {'met' if met else 'NOT met'}")
    against = [r for r in rows if "tipg" in r and right(r["tipg"])]
    met = all(r["ours"].errors == 0 and ratio(r, "tipg") >= 1 for r in against)
    print(
        f"goal (ours at least as fast as tipg at p50 on the {len(against)} queries it answers right, with and without"
    )
    print(f"load): {'met' if met else 'NOT met'}")
    bare = all(r["bare"].errors == 0 and ratio(r, "tipg", "bare") >= 1 for r in against)
    print(f"(the same without nginx's cache: {'met' if bare else 'NOT met'})")
    print(f"bench-peer took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="the 1x build to use (default: a fresh build in a temp dir)")
    parser.add_argument("--scales", default="1,100", help="builds to measure, as factors (default: %(default)s)")
    parser.add_argument("--load-seconds", type=float, default=LOAD_SECONDS, help="seconds under load per server")
    args = parser.parse_args()
    LOAD_SECONDS = args.load_seconds
    main(args.store, tuple(int(f) for f in args.scales.split(",")))

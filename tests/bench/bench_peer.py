"""`make bench-peer` (part of `make bench`): Border Atlas against pygeoapi and tipg serving the same data, in one run.

Each server is served the way its documentation says, one after the other, on the same builds: the real build
(1x) and a synthetic 100x build (tests/synthetic.py). Ours as `make run` serves it (the README's serving path:
nginx in front of gunicorn, 3 workers x 4 threads, webapp/serve.py); pygeoapi under gunicorn with the same
workers and threads; tipg (FastAPI, asyncpg; PostGIS only) under uvicorn with 3 worker processes. Two engines:

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

import contextlib
import hashlib
import http.client
import json
import math
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from store import STORE_COLUMNS  # noqa: E402

VENV = ROOT / ".bench" / "pygeoapi-venv"
TIPG_VENV = ROOT / ".bench" / "tipg-venv"
# tipg (FastAPI, asyncpg) as its README serves it: uvicorn, with its fast loop and parser ([standard]).
TIPG_REQUIREMENTS = ["tipg==1.6.1", "uvicorn[standard]==0.55.0"]
TIPG_SCHEMA = "atlas"  # tipg names a collection schema.table
LOGS = ROOT / ".bench" / "logs"  # both servers' gunicorn logs, kept after the run
DEBIAN_PYTHON = Path("/usr/bin/python3")
SPATIALITE_PACKAGE = "libsqlite3-mod-spatialite"
# gunicorn as in our .venv; psycopg2 and GeoAlchemy2 for the PostgreSQL provider.
REQUIREMENTS = ["pygeoapi==0.21.0", "gunicorn==27.0.1", "psycopg2-binary==2.9.13", "geoalchemy2==0.20.0"]
WORKERS, THREADS = 3, 4  # as `make run`
COLLECTIONS = ("places", "incidents", "zones")
BBOX = (79.0, 42.0, 84.0, 47.0)
YEAR = 1930
OURS_TIME = f"datetime={YEAR}"
THEIRS_TIME = f"datetime={YEAR}-01-01/{YEAR}-12-31"
TIPG_TIME = f"datetime={YEAR}-01-01T00:00:00Z/{YEAR}-12-31T23:59:59Z"  # it filters a date or timestamp column only
MAX_ITEMS = 10_000  # our MAX_LIMIT; pygeoapi is given the same maximum
REQUESTS, MIN_REQUESTS, ONE_CLIENT_SECONDS = 30, 5, 10.0
CLIENTS, LOAD_SECONDS = 20, 30
PERIOD = (datetime(1918, 1, 1, tzinfo=UTC), datetime(1940, 12, 31, 23, 59, 59, tzinfo=UTC))
GOAL = 3.0  # ours at least this many times faster at p50


# ---------------------------------------------------------------------------------------------------- set-up


def _spatialite_loads(python: Path) -> str | None:
    """None if `python`'s sqlite3 can load SpatiaLite, else what is missing."""
    probe = (
        "import sqlite3; c = sqlite3.connect(':memory:'); c.enable_load_extension(True); "
        "c.execute(\"SELECT load_extension('mod_spatialite.so')\")"
    )
    done = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, check=False)
    return None if done.returncode == 0 else done.stderr.strip().splitlines()[-1]


def ensure_peer() -> Path:
    """The Python of pygeoapi's venv, made (and SpatiaLite installed, as root) if missing; exits naming what is."""
    if not DEBIAN_PYTHON.exists():
        sys.exit(f"bench-peer: {DEBIAN_PYTHON} is missing (Debian's python3 and python3-venv)")
    if _spatialite_loads(DEBIAN_PYTHON):
        if os.geteuid() == 0 and shutil.which("apt-get"):
            print(f"== installing Debian {SPATIALITE_PACKAGE} for pygeoapi's SQLiteGPKG provider", flush=True)
            env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            subprocess.run(["apt-get", "install", "-y", "-qq", SPATIALITE_PACKAGE], check=False, env=env)
        missing = _spatialite_loads(DEBIAN_PYTHON)
        if missing:
            sys.exit(
                f"bench-peer: {DEBIAN_PYTHON} cannot load SpatiaLite ({missing}): apt-get install {SPATIALITE_PACKAGE}"
            )
    return _venv(VENV, REQUIREMENTS, "pygeoapi")


def ensure_tipg() -> Path:
    """The Python of tipg's venv (.bench/tipg-venv, Debian's python3), made if missing."""
    if not DEBIAN_PYTHON.exists():
        sys.exit(f"bench-peer: {DEBIAN_PYTHON} is missing (Debian's python3 and python3-venv)")
    return _venv(TIPG_VENV, TIPG_REQUIREMENTS, "tipg")


def _venv(venv: Path, requirements: list[str], name: str) -> Path:
    """The Python of a virtual environment made with Debian's python3 holding `requirements` (pinned)."""
    python, marker = venv / "bin" / "python", venv / ".installed"
    if not marker.exists() or marker.read_text() != "\n".join(requirements):
        print(f"== {name}'s environment ({venv.relative_to(ROOT)}): {' '.join(requirements)}", flush=True)
        if not python.exists():
            subprocess.run([str(DEBIAN_PYTHON), "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *requirements], check=True)
        marker.write_text("\n".join(requirements))
    return python


def peer_copy(gpkg: Path, out: Path, collections=COLLECTIONS) -> Path:
    """A copy of the GeoPackage without our engine's own columns in `collections` (their indexes dropped first)."""
    shutil.copyfile(gpkg, out)
    with sqlite3.connect(out) as db:
        for cid in collections:
            for column in ("start_min", "end_max"):
                db.execute(f'DROP INDEX IF EXISTS "idx_{cid}_{column}"')
            for column in STORE_COLUMNS:
                db.execute(f'ALTER TABLE "{cid}" DROP COLUMN "{column}"')
    with sqlite3.connect(out) as db:
        db.execute("VACUUM")
    return out


def layer_columns(gpkg: Path, collection: str) -> list[str]:
    """The layer's own columns (no fid, geometry or store column)."""
    with sqlite3.connect(f"file:{gpkg}?mode=ro", uri=True) as db:
        names = [r[0] for r in db.execute("SELECT name FROM pragma_table_info(?)", (collection,))]
    return [n for n in names if n not in ("fid", "geom", *STORE_COLUMNS)]


def pygeoapi_config(port: int, providers: dict[str, dict], bbox=(78.0, 42.0, 88.0, 50.0)) -> dict:
    """A pygeoapi configuration serving one collection per provider definition ({collection: provider})."""
    url = f"http://127.0.0.1:{port}"
    resources = {
        cid: {
            "type": "collection",
            "title": cid,
            "description": f"Border Atlas {cid} (benchmark)",
            "keywords": [cid],
            "links": [],
            "extents": {
                "spatial": {"bbox": list(bbox), "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"},
                "temporal": {"begin": PERIOD[0], "end": PERIOD[1]},  # datetimes: pygeoapi wants them parsed
            },
            "providers": [{"type": "feature", "id_field": "id", "table": cid} | provider],
        }
        for cid, provider in providers.items()
    }
    return {
        "server": {
            "bind": {"host": "127.0.0.1", "port": port},
            "url": url,
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "languages": ["en-US"],
            "limits": {"default_items": 100, "max_items": MAX_ITEMS},
            "map": {"url": f"{url}/tiles/{{z}}/{{x}}/{{y}}.png", "attribution": "none"},
            "admin": False,
        },
        "logging": {"level": "ERROR"},
        "metadata": {
            "identification": {
                "title": "Border Atlas (benchmark peer)",
                "description": "The Border Atlas build served by pygeoapi for make bench",
                "keywords": ["benchmark"],
                "keywords_type": "theme",
                "terms_of_service": "",
                "url": url,
            },
            "license": {"name": "CC-BY 4.0", "url": url},
            "provider": {"name": "Border Atlas", "url": url},
            "contact": {"name": "Border Atlas", "email": "none@localhost", "url": url},
        },
        "resources": resources,
    }


def gpkg_providers(gpkg: Path) -> dict[str, dict]:
    return {cid: {"name": "SQLiteGPKG", "data": str(gpkg)} for cid in COLLECTIONS}


def postgis_providers(url: str, gpkg: Path) -> dict[str, dict]:
    """pygeoapi's PostgreSQL provider on the atlas schema store.postgis loads, given our database URL."""
    user_host, dbname = url.removeprefix("postgresql://").rsplit("/", 1)
    user, host_port = user_host.split("@")
    host, port = host_port.split(":")
    data = {
        "host": host,
        "port": int(port),
        "dbname": dbname,
        "user": user,
        "password": "",
        "search_path": ["atlas", "public"],
    }
    return {
        cid: {
            "name": "PostgreSQL",
            "data": data,
            "geom_field": "geom",
            "time_field": "start",
            "properties": layer_columns(gpkg, cid),
        }
        for cid in COLLECTIONS
    }


def tipg_env(url: str, gpkg: Path) -> dict[str, str]:
    """tipg's configuration (its environment) for the same tables of the same database: our three collections, each
    with the layer's own columns as properties and `id` as the feature id, and the same largest page."""
    env = {
        "DATABASE_URL": url,
        "TIPG_DB_SCHEMAS": json.dumps([TIPG_SCHEMA]),
        "TIPG_DB_TABLES": json.dumps([f"{TIPG_SCHEMA}.{cid}" for cid in COLLECTIONS]),
        "TIPG_MAX_FEATURES_PER_QUERY": str(MAX_ITEMS),
    }
    for cid in COLLECTIONS:
        env[f"TIPG_TABLE_CONFIG__{TIPG_SCHEMA}_{cid}__PK"] = "id"
        env[f"TIPG_TABLE_CONFIG__{TIPG_SCHEMA}_{cid}__PROPERTIES"] = json.dumps(layer_columns(gpkg, cid))
    return env


# ---------------------------------------------------------------------------------------------------- answers


def reference_ids(gpkg: Path, collection: str, dated: bool = True) -> set[str]:
    """The ids an items query (BBOX, and YEAR if `dated`) must answer, worked out from the GeoPackage with geopandas."""
    import geopandas as gpd
    import shapely

    from layers.dates import overlaps

    frame = gpd.read_file(gpkg, layer=collection, columns=["id", "start", "end"])
    lo, hi = date(YEAR, 1, 1), date(YEAR, 12, 31)
    text = lambda v: v if isinstance(v, str) and v else None  # noqa: E731 - an open end is null (NaN in pandas)
    in_year = [
        not dated or overlaps(text(s), text(e), lo, hi) for s, e in zip(frame["start"], frame["end"], strict=True)
    ]
    inside = frame.geometry.intersects(shapely.box(*BBOX)).to_numpy()
    return {i for i, d, b in zip(frame["id"], in_year, inside, strict=True) if d and b}


def middle_id(gpkg: Path, collection: str) -> str:
    with sqlite3.connect(f"file:{gpkg}?mode=ro", uri=True) as db:
        (n,) = db.execute(f'SELECT count(*) FROM "{collection}"').fetchone()  # noqa: S608 - our collections
        return db.execute(f'SELECT id FROM "{collection}" ORDER BY fid LIMIT 1 OFFSET ?', (n // 2,)).fetchone()[0]  # noqa: S608


def answer_ids(body: bytes) -> set[str] | None:
    """The feature ids of a GeoJSON answer (one feature or a collection), or None if it is not one."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    if data.get("type") == "Feature":
        return {str(data.get("id"))}
    if data.get("type") == "FeatureCollection" and isinstance(data.get("features"), list):
        return {str(f.get("id")) for f in data["features"]}
    return None


def wrong(body: bytes, expected: set[str]) -> bool:
    """Is this 200 answer's set of ids other than the reference's?"""
    return answer_ids(body) != expected


_VERDICTS: dict[tuple[bytes, frozenset], bool] = {}  # per process: an answer seen before is not parsed again


def wrong_cached(body: bytes, expected: set[str]) -> bool:
    """`wrong`, remembered by a hash of the answer without its `timeStamp` (the one part that changes): a load
    client parsing every 15 MB zones answer would take the CPU the servers are measured on."""
    at = body.rfind(b'"timeStamp"')
    if at >= 0:
        end = body.find(b'"', body.find(b'"', at + 11) + 1) + 1  # the closing quote of the value
        body_key = body[:at] + body[end:]
    else:
        body_key = body
    key = (hashlib.sha1(body_key).digest(), frozenset(expected))  # noqa: S324 - a cache key, not security
    if key not in _VERDICTS:
        _VERDICTS[key] = wrong(body, expected)
    return _VERDICTS[key]


@dataclass
class Query:
    name: str  # e.g. "places items"
    ours: str  # path on our server
    theirs: str  # path on pygeoapi
    expected: set[str]
    tipg: str = ""  # path on tipg (PostGIS only)


def queries(gpkg: Path) -> list[Query]:
    """Per collection: items with bbox and the year, items with the bbox alone, one item by id."""
    bbox = ",".join(f"{v:g}" for v in BBOX)
    found = []
    tipg = lambda path: path.replace("/collections/", f"/collections/{TIPG_SCHEMA}.", 1)  # noqa: E731
    for cid in COLLECTIONS:
        items = f"/collections/{cid}/items?bbox={bbox}&limit={MAX_ITEMS}"
        expected = reference_ids(gpkg, cid)
        theirs, year = f"{items}&{THEIRS_TIME}&f=json", tipg(f"{items}&{TIPG_TIME}")
        found.append(Query(f"{cid} items", f"{items}&{OURS_TIME}", theirs, expected, year))
    for cid in COLLECTIONS:
        items = f"/collections/{cid}/items?bbox={bbox}&limit={MAX_ITEMS}"
        expected = reference_ids(gpkg, cid, dated=False)
        found.append(Query(f"{cid} bbox", items, f"{items}&f=json", expected, tipg(items)))
    for cid in COLLECTIONS:
        fid = middle_id(gpkg, cid)
        item = f"/collections/{cid}/items/{fid}"
        found.append(Query(f"{cid} item", item, f"{item}?f=json", {fid}, tipg(item)))
    return found


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


class Server:
    """A server process started with `command` on `port`, waited for until `probe` answers 200."""

    def __init__(self, command: list[str], port: int, env: dict, probe: str, log: Path):
        self.command, self.port = command, port
        self.env, self.probe, self.log = {**os.environ, **env}, probe, log

    def __enter__(self) -> Server:
        self.out = self.log.open("ab")
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=self.out, stderr=self.out)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited ({self.process.returncode}); see {self.log}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                conn.request("GET", self.probe)
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server did not answer {self.probe} in 120 s; see {self.log}")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)
        self.out.close()


def gunicorn(python: Path, app: str, port: int) -> list[str]:
    """gunicorn with `make run`'s workers and threads, as pygeoapi's documentation serves it."""
    command = [str(python), "-m", "gunicorn", "--workers", str(WORKERS), "--threads", str(THREADS)]
    return command + ["--bind", f"127.0.0.1:{port}", "--timeout", "120", "--no-control-socket", app]


def pygeoapi_server(python: Path, providers: dict[str, dict], work: Path, name: str) -> Server:
    """pygeoapi under gunicorn serving `providers`, its OpenAPI document generated by pygeoapi itself."""
    import yaml

    from tests.pgcluster import free_port

    port = free_port()
    config = pygeoapi_config(port, providers)
    config_path, openapi = work / f"pygeoapi-{name}.yml", work / f"pygeoapi-{name}-openapi.yml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    env = {"PYGEOAPI_CONFIG": str(config_path), "PYGEOAPI_OPENAPI": str(openapi)}
    subprocess.run(
        [str(python.parent / "pygeoapi"), "openapi", "generate", str(config_path), "--output-file", str(openapi)],
        check=True,
        env={**os.environ, **env},
        capture_output=True,
    )
    command = gunicorn(python, "pygeoapi.flask_app:APP", port)
    return Server(command, port, env, "/collections?f=json", LOGS / "pygeoapi.log")


def tipg_server(python: Path, url: str, gpkg: Path) -> Server:
    """tipg as its README serves it, under uvicorn, with as many worker processes as ours."""
    from tests.pgcluster import free_port

    port = free_port()
    command = [str(python), "-m", "uvicorn", "tipg.main:app", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(WORKERS), "--no-access-log"]
    return Server(command, port, tipg_env(url, gpkg), "/collections", LOGS / "tipg.log")


@contextlib.contextmanager
def ours_server(env: dict, work: Path) -> Iterator[Server]:
    """Ours as `make run` serves it (the README's serving path): nginx in front of gunicorn, 3 workers x 4 threads."""
    from tests.front import front

    log = {"GUNICORN_CMD_ARGS": f"--error-logfile {LOGS / 'ours.log'}"}
    with front(Path(env["BORDER_ATLAS_STORE"]), env={**env, **log}, workers=WORKERS, threads=THREADS) as server:
        server.port = server.options.port
        yield server


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
        print(f"-- {label} {engine}: ours", flush=True)
        with ours_server(env, work) as server:
            ours = measure(server, [(q.ours, q.expected) for q in qs], load)
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
                rows.append(row | ({"tipg": third[clients][i]} if third else {}))
    return rows


def _cells(t: Tally) -> str:
    if not t.times:
        return f"{'-':>8s} {'-':>8s} {0:5d} {t.errors:3d} {t.wrong:5d}"
    return f"{t.p(50) * 1000:6.1f}ms {t.p(95) * 1000:6.1f}ms {len(t.times):5d} {t.errors:3d} {t.wrong:5d}"


def ratio(row: dict, peer: str = "theirs") -> float:
    """The peer's p50 over ours (pygeoapi's, or tipg's): how many times faster ours is."""
    a, b = row["ours"], row[peer]
    return b.p(50) / a.p(50) if a.times and b.times else float("nan")


HEAD = f"{'p50':>8s} {'p95':>8s} {'n':>5s} {'err':>3s} {'wrong':>5s}"


def report(rows: list[dict]) -> str:
    lines = [f"{'scale':5s} {'engine':7s} {'clients':10s} {'query':15s} | ours {HEAD} | pygeoapi {HEAD} | ratio"]
    for r in rows:
        mark = "" if ratio(r) >= GOAL and r["ours"].errors == 0 else "  < goal"
        mark += "  (pygeoapi answers wrong)" if r["theirs"].wrong else ""
        where = f"{r['scale']:5s} {r['engine']:7s} {r['clients']:10s} {r['query']:15s}"
        lines.append(f"{where} | ours {_cells(r['ours'])} | pygeoapi {_cells(r['theirs'])} | {ratio(r):5.1f}x{mark}")
    return "\n".join(lines)


def right(t: Tally) -> bool:
    """Did a server answer every request of a query, and right?"""
    return bool(t.times) and t.errors == 0 and t.wrong == 0


def report_tipg(rows: list[dict]) -> str:
    """Ours against tipg (PostGIS): the goal is ours at least as fast at p50 on every query tipg answers right."""
    lines = [f"{'scale':5s} {'clients':10s} {'query':15s} | ours {HEAD} | tipg {HEAD} | ratio"]
    for r in (r for r in rows if "tipg" in r):
        mark = "" if right(r["tipg"]) else "  (tipg cannot answer it right)"
        mark += "  < goal" if right(r["tipg"]) and not ratio(r, "tipg") >= 1 else ""
        where = f"{r['scale']:5s} {r['clients']:10s} {r['query']:15s}"
        lines.append(f"{where} | ours {_cells(r['ours'])} | tipg {_cells(r['tipg'])} | {ratio(r, 'tipg'):5.1f}x{mark}")
    return "\n".join(lines)


def main(store: Path | None = None, scales: tuple[int, ...] = (1, 100)) -> None:
    """Build (or take) the 1x store, make the 100x one, and measure both servers on both engines."""
    from layers.build import REFERENCE, SOURCES, build
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

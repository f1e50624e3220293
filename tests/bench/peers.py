"""The peers of `make bench-peer` (tests/bench/bench_peer.py) and what they are served: their virtual
environments (pygeoapi and tipg, made with Debian's Python), pygeoapi's configuration and providers, tipg's
environment, the peer copy of a GeoPackage; and the constants the bench shares."""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from store import STORE_COLUMNS

ROOT = Path(__file__).resolve().parents[2]

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
    """pygeoapi's PostgreSQL provider on the schema `atlas` (views of the latest release, store.pg_releases), given
    our database URL."""
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


# ---------------------------------------------------------------------------------------------------- servers


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
def ours_server(env: dict, work: Path, cache: bool = True) -> Iterator[Server]:
    """Ours as `make run` serves it (the README's serving path): nginx in front of gunicorn, 3 workers x 4 threads,
    with nginx's micro-cache (or, `cache=False`, without it: `make run`'s server with --no-cache)."""
    from tests.front import front

    log = {"GUNICORN_CMD_ARGS": f"--error-logfile {LOGS / 'ours.log'}"}
    store = Path(env["BORDER_ATLAS_STORE"])
    with front(store, env={**env, **log}, workers=WORKERS, threads=THREADS, cache=cache) as server:
        server.port = server.options.port
        yield server

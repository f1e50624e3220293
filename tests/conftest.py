"""Shared fixtures: one data build per test session, the Flask app on it, a live server.

The tests are in folders by floor: geo/, layers/, store/, web/ (web/api/ the OGC API), browser/, hostile/ and
bench/ (the benchmarks and their helpers). The folders whose tests must hold on both storage engines (store/,
web/api/) run them against the GeoPackage and PostGIS (both_engines, named in their conftest.py), PostGIS in a
throwaway cluster this session starts (tests/pgcluster.py), loaded with the same build.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from evidence.documents import TEXTS
from layers.build import REFERENCE, SOURCES
from pipeline.build import build
from tests import pgcluster
from tests.payloads import poison, poison_texts
from webapp import create_app

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """(store path, full-precision layers) from the real sources."""
    out = tmp_path_factory.mktemp("build") / "atlas.gpkg"
    layers = build(SOURCES, REFERENCE, out, progress=lambda *_: None)
    return out, layers


@pytest.fixture(scope="session")
def layers(built):
    return built[1]


ENGINES = ["gpkg", "postgis"]


def both_engines(metafunc) -> None:
    """Every test that uses the app, a server or the store runs once per storage engine, with the same expectations.

    A folder whose tests must hold on both engines says so in its conftest.py:
    `from tests.conftest import both_engines as pytest_generate_tests`.
    """
    if "engine" in metafunc.fixturenames:
        metafunc.parametrize("engine", ENGINES, indirect=True, scope="session")


@pytest.fixture(scope="session")
def engine(request):
    """The storage engine the app uses: "gpkg" unless the test's folder asks for both (both_engines)."""
    return getattr(request, "param", "gpkg")


@pytest.fixture(scope="session")
def postgis(built):
    """The postgresql:// URL of a throwaway PostGIS cluster holding the session's build."""
    from store import load

    if pgcluster.binaries() is None:
        pytest.fail(f"PostgreSQL is not installed: {pgcluster.INSTALL_HINT}")
    with pgcluster.cluster() as url:
        load(built[0], url, progress=lambda *_: None)
        yield url


@pytest.fixture(scope="session")
def store(built, engine, request):
    """The session's build behind the engine's store (the interface the web app uses)."""
    from store import Database, GeoPackageStore
    from store.postgis import open_latest

    if engine == "gpkg":
        return GeoPackageStore(built[0])
    return open_latest(Database(request.getfixturevalue("postgis")))


@pytest.fixture(scope="session")
def app(built, engine, request):
    database = request.getfixturevalue("postgis") if engine == "postgis" else None
    return create_app({"STORE": built[0], "DATABASE": database, "TESTING": True})


@pytest.fixture()
def client(app):
    return app.test_client()


PAYLOAD = (
    "<img src=x onerror=window.__xss=1> ${window.__xss=2} `${window.__xss=3}` </script><script>window.__xss=4</script>"
)


PLACE_PAYLOAD = "Narynkol <img src=x onerror=window.__xss=6> ${window.__xss=7}"


CHART_PAYLOAD = "<script>window.__xss=8</script><img src=x onerror=window.__xss=9>"
HOSTILE_CHART_TEXTS = [
    ("statistics.yaml", "scope: Kazakh ASSR border\n", f"scope: {CHART_PAYLOAD!r}\n"),
    ("migration.yaml", "authority: OGPU\n", f"authority: {CHART_PAYLOAD!r}\n"),
]


@pytest.fixture(scope="session")
def hostile_store(tmp_path_factory):
    """A data build where every text field of every layer carries a payload of tests/payloads.py.

    Some are set first, for the tests that look for them: the 22 km zone's name and a rule, Narynkol's name
    and chart texts.
    """
    root = tmp_path_factory.mktemp("hostile")
    sources = root / "sources"
    shutil.copytree(SOURCES, sources)
    text = (sources / "zones.yaml").read_text(encoding="utf-8")
    text = text.replace("text: Entry only with the permission of the state security agencies.", f"text: {PAYLOAD!r}")
    text = text.replace("name: 22 km border zone", "name: '22 km <img src=x onerror=window.__xss=5>'")
    (sources / "zones.yaml").write_text(text, encoding="utf-8")
    text = (sources / "places.yaml").read_text(encoding="utf-8")
    (sources / "places.yaml").write_text(
        text.replace("  name: Narynkol\n", f"  name: {PLACE_PAYLOAD!r}\n", 1), encoding="utf-8"
    )
    for name, old, new in HOSTILE_CHART_TEXTS:  # texts the charts page shows
        text = (sources / name).read_text(encoding="utf-8")
        (sources / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    poison(sources)
    texts = root / "texts"
    shutil.copytree(TEXTS, texts)
    poison_texts(texts)
    article = texts / "ablazhey-zhanbossinova-2026.txt"
    with open(article, "a", encoding="utf-8") as copy:  # the text is data too
        copy.write(f"\n\n{PAYLOAD} <sup>{PAYLOAD}</sup> *{PAYLOAD}*\n")
    account_for_every_paragraph(texts, article)
    store = root / "atlas.gpkg"
    build(sources, REFERENCE, store, progress=lambda *_: None, texts=texts)
    return store


def account_for_every_paragraph(texts: Path, article: Path) -> None:
    """Give the coverage tables (layers/coverage.py) what the poisoned quotes no longer cite: a reason for every
    entry that has none, and an entry for the paragraph the tests add at the end of the article."""
    import yaml

    from layers.coverage import SUFFIX, first_words

    for table in texts.glob(f"*{SUFFIX}"):
        entries = yaml.safe_load(table.read_text(encoding="utf-8"))
        entries = [{"reason": "background: the tests poison the quotes that cite it"} | e for e in entries]
        if table.name == article.name.replace(".txt", SUFFIX):
            lines = article.read_text(encoding="utf-8").splitlines()
            last = max(n for n, line in enumerate(lines, 1) if line.strip() and (n == 1 or not lines[n - 2].strip()))
            words = first_words(" ".join(lines[last - 1 :]))
            entries.append({"line": last, "words": words, "reason": "background: a paragraph the tests add"})
        table.write_text(yaml.safe_dump(entries, allow_unicode=True, width=10**6), encoding="utf-8")


class LiveServer:
    """A real HTTP server on 127.0.0.1 in a thread, stopped by the fixture."""

    def __init__(self, app):
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._thread.join(timeout=5)

    def get_json(self, path: str):
        """GET a path of this server and decode its JSON."""
        with urllib.request.urlopen(self.url + path, timeout=30) as response:  # noqa: S310 - our own server
            return json.loads(response.read())


GUNICORN = [
    sys.executable,
    "-m",
    "gunicorn",
    "--workers",
    "2",
    "--threads",
    "4",
    "--no-control-socket",
    "webapp:create_app()",
]


@pytest.fixture(scope="session")
def server_process(built, engine, request):
    """The app under gunicorn in its own processes (as `make run`), for clients that hold the GIL (GDAL)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "BORDER_ATLAS_DATABASE"} | {"BORDER_ATLAS_STORE": str(built[0])}
    if engine == "postgis":
        env["BORDER_ATLAS_DATABASE"] = request.getfixturevalue("postgis")
    command = [*GUNICORN, "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/conformance", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(f"the server did not start on {url}")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def hostile_server(hostile_store):
    """The app on the hostile build (a payload in every text field)."""
    with LiveServer(create_app({"STORE": hostile_store})) as server:
        yield server


@pytest.fixture(scope="session")
def live_server(app):
    with LiveServer(app) as server:
        yield server


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright; never a downloaded browser."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "Debian's chromium is not installed: `apt-get install -y chromium chromium-driver` (make test does it)"
        )
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()

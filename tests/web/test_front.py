"""The serving path `make run` starts (nginx in front of gunicorn, webapp/serve.py) against the findings of issue 19:
injected headers right after a start, slow and idle connections, concurrent figures, parallel downloads, memory,
a request past its time limit. Each server is started here on 127.0.0.1 (a free port, a temporary directory) and
stopped after.

The thresholds are generous (a shared 2-core machine); `make bench` prints the precise figures.
"""

from __future__ import annotations

import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
import urllib.request
from urllib.parse import urlsplit

import pytest

from tests.browser.pages import wait_loaded
from tests.front import UNCACHED, Hostile, PeakMemory, clients, front, get, parallel, rss_mb, workers
from tests.web.test_origin import links, script_sources, without_nonces
from webapp.serve import GUNICORN_CONF

SCRIPT_ROOTS = ["//evil.example", "/x"]
FORGED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example", "X-Forwarded-Prefix": "/x"}
ZONES = "/collections/zones/download?format=geojson"


@pytest.fixture(scope="module")
def served(built):
    """One server for the tests that do not need a fresh one, every worker warmed (store opened, map page built)."""
    with front(built[0]) as server:
        parallel(server.options.port, "/map", 12)
        yield server


def _unix_get(path: str, target: str, headers: dict[str, str]) -> bytes:
    """A GET sent to gunicorn's socket itself, bypassing nginx (as a proxy that passes every header would)."""
    with socket.socket(socket.AF_UNIX) as conn:
        conn.connect(path)
        lines = [f"GET {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        return b"".join(iter(lambda: conn.recv(65536), b""))


@pytest.mark.browser
def test_script_roots_and_forged_headers_right_after_a_start_change_nothing_other_clients_get(built, browser):
    """Issue 19: twelve requests with `SCRIPT_NAME: //<another origin>` right after a start, and the map page of
    every later visitor loaded a script from that origin. Here also through gunicorn's own socket."""
    with front(built[0]) as server:
        port = server.options.port
        sock = str(server.runtime / "gunicorn.sock")
        for i in range(12):
            root = SCRIPT_ROOTS[i % 2]
            _unix_get(sock, "/map", {"SCRIPT_NAME": root, **FORGED})
            get(port, "/map", {"SCRIPT_NAME": root, "SCRIPT-NAME": root, **FORGED})
            get(port, "/collections", {"Host": f"127.0.0.1:{port}", **FORGED})
        pages = [get(port, "/map")[2].decode() for _ in range(9)]
        assert len({without_nonces(p) for p in pages}) == 1
        sources = script_sources(pages[0])
        assert sources and all(re.match(r"/[^/x]", s) for s in sources), sources
        assert "evil" not in pages[0]
        assert all(u.startswith(f"http://127.0.0.1:{port}/") for u in links(get(port, "/collections")[2]))
        page = browser.new_page()
        try:
            requests = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(f"http://127.0.0.1:{port}/map#year=1930")
            wait_loaded(page)
            assert requests and all(urlsplit(u).hostname == "127.0.0.1" for u in requests)
        finally:
            page.close()


def test_forged_host_and_forwarded_headers_change_no_link_caption_or_document(served):
    port = served.options.port
    own = f"http://127.0.0.1:{port}"
    for path in ("/collections", "/api", "/collections/places/lpf", "/collections/zones/items?limit=2"):
        status, _, body = get(port, path, FORGED)
        assert status == 200 and links(body) and all(u.startswith(own) for u in links(body)), path
    status, _, body = get(port, "/figure?format=svg&year=1931", FORGED)
    assert status == 200 and f"{own}/map#year=1931".encode() in body and b"evil" not in body
    status, _, body = get(port, "/collections", {"Host": "evil.example"})
    assert status == 400 and b'"parameter":"Host"' in body


def test_slow_and_idle_connections_do_not_starve_ordinary_clients(served):
    """100 connections held (50 idle after one byte, 25 sending headers a byte a second, 25 reading the 12 MB zones
    1 KB a second) beside 20 ordinary clients: no errors, p95 within 3x of the same clients without them."""
    port = served.options.port
    base = clients(port, seconds=8)
    with Hostile(port).idle(50).slow_senders(25).slow_readers(25):
        time.sleep(8)  # the slow readers' answers made and handed to nginx: now they are only held
        held = clients(port, seconds=8)
        assert get(port, "/conformance")[0] == 200
    print(f"without: {base.summary()}; with 100 held: {held.summary()}")
    assert base.errors == [] and held.errors == []
    assert held.p(95) <= 3 * max(base.p(95), 0.1)


def test_24_concurrent_figures_leave_items_requests_answering(served):
    port = served.options.port
    views = [f"/figure?format=png&year={1918 + i % 23}&lang={'name_ru' if i >= 23 else 'name'}" for i in range(24)]
    answers: list[tuple[int, dict]] = []

    def figure(path: str) -> None:
        status, headers, _ = get(port, path, timeout=120)
        answers.append((status, headers))

    threads = [threading.Thread(target=figure, args=(v,)) for v in views]
    for thread in threads:
        thread.start()
    items = clients(port, seconds=6, n=4, paths=["/collections/places/items?limit=20", "/collections/zones"])
    for thread in threads:
        thread.join()
    print(f"items beside 24 figures: {items.summary()}; figures: {sorted(s for s, _ in answers)}")
    assert items.errors == [] and items.p(95) < 10
    assert {s for s, _ in answers} <= {200, 503} and 200 in {s for s, _ in answers}
    assert all(h.get("Retry-After", "").isdigit() for s, h in answers if s == 503)


# The rise allowed per format. GeoJSON streams rows from the store (+3 MB measured); CSV and KML stream what they
# write, but each request still reads the layer as a frame (+72 MB measured for KML, +90 to +250 MB for CSV on this
# machine, against +423 and +534 MB before issue 31): the CSV bound catches a download held whole again, not more.
RISE_MB = {"geojson": 100, "kml": 100, "csv": 300}


@pytest.mark.parametrize("fmt", ["geojson", "csv", "kml"])
def test_20_parallel_zone_downloads_raise_memory_within_their_bound(built, fmt):
    """Issue 19 (GeoJSON: +730 MB), issue 31 (CSV +534 MB, KML +423 MB): each streamed in constant memory. A server
    of its own per format (what a worker's heap kept from whole downloads of another format would hide what these
    take), warmed with whole GeoJSON downloads (the store opened, what a worker keeps) and of this format one zone
    (the layer decoded)."""
    path = ZONES.replace("geojson", fmt)
    with front(built[0]) as server:
        port = server.options.port
        for warm in (ZONES, f"{path}&id=zone-22-km"):
            assert parallel(port, warm, 12, headers=UNCACHED) == [200] * 12
        with PeakMemory(server) as memory:  # each download made by gunicorn, none answered from nginx's cache
            statuses = parallel(port, path, 20, headers=UNCACHED)
    print(f"20 parallel zone downloads as {fmt}: memory {memory.before:.0f} MB -> peak {memory.peak:.0f} MB")
    assert statuses == [200] * 20
    assert memory.rise < RISE_MB[fmt]


def test_workers_stay_under_their_memory_bound_after_load(served):
    port = served.options.port
    clients(port, seconds=5, paths=["/map", ZONES, "/collections/places/items?limit=10000", "/charts"])
    sizes = [rss_mb([pid]) for pid in workers(served)]
    print(f"worker memory after load: {[round(s) for s in sizes]} MB")
    assert len(sizes) == 3 and max(sizes) < 512


def test_nginx_serves_the_static_files_and_refuses_oversized_requests_in_json(served):
    port = served.options.port
    status, headers, body = get(port, "/static/atlas/main.js")
    assert status == 200 and headers["Server"].startswith("nginx") and "X-Data-Version" not in headers
    assert body == (served.runtime / "files" / "static" / "atlas" / "main.js").read_bytes()
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Access-Control-Allow-Origin"] == "*"
    status, headers, _ = get(port, "/vendor/leaflet/leaflet.js")
    assert status == 200 and "max-age=86400" in headers["Cache-Control"]
    assert get(port, "/static/no-such-file.js")[2].startswith(b'{"code":"NotFound"')  # the app's 404
    status, headers, _ = get(port, "/collections/zones/items?datetime=1930", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("Content-Encoding") == "gzip"
    status, _, body = get(port, "/collections?" + "a" * 10_000)
    assert status == 414 and body.startswith(b'{"code":"URITooLong"')


def test_a_request_past_its_time_limit_ends_its_worker_and_the_server_goes_on(built, tmp_path):
    """Also: workers over their memory bound are recycled, and no gunicorn control socket is made."""
    env = {"BORDER_ATLAS_REQUEST_SECONDS": "0.5", "BORDER_ATLAS_WORKER_MB": "1", "HOME": str(tmp_path)}
    with front(built[0], env=env, workers=2) as server:
        port = server.options.port
        first = set(workers(server))
        status, headers, body = get(port, "/figure?format=png&year=1918-1940", timeout=120)
        assert status == 503 and headers["Retry-After"].isdigit() and b"ServiceUnavailable" in body
        assert [get(port, "/conformance")[0] for _ in range(4)] == [200] * 4
        time.sleep(1)
        assert not first & set(workers(server)), "every worker was replaced (over 1 MB, or past 0.5 s)"
    assert not (tmp_path / ".gunicorn").exists()


def test_https_with_a_certificate_links_in_https(built, tmp_path):
    if shutil.which("openssl") is None:
        pytest.fail("openssl is not installed: `apt-get install -y openssl` (make test does it)")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    with front(built[0], tls=(str(cert), str(key))) as server:
        context = ssl.create_default_context(cafile=str(cert))
        context.check_hostname = False
        url = f"https://127.0.0.1:{server.options.port}/collections"
        request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "http"})
        with urllib.request.urlopen(request, context=context, timeout=30) as response:
            body, headers = response.read(), response.headers
        assert links(body) and all(u.startswith(f"https://127.0.0.1:{server.options.port}/") for u in links(body))
        assert "max-age" in headers["Strict-Transport-Security"]


def test_gunicorn_takes_no_forwarded_header_and_makes_no_control_socket():
    """Over a Unix socket gunicorn trusts every peer: its own forwarded headers must be off (the app reads them)."""
    from gunicorn.config import Config

    config, settings = Config(), {}
    exec(compile(GUNICORN_CONF.read_text(), str(GUNICORN_CONF), "exec"), settings)  # noqa: S102 - our own file
    for name in ("forwarded_allow_ips", "forwarder_headers", "secure_scheme_headers", "control_socket_disable"):
        config.set(name, settings[name])
    assert config.forwarder_headers == [] and config.secure_scheme_headers == {}
    assert config.forwarded_allow_ips == [] and config.control_socket_disable is True
    assert settings["max_requests"] > 0 and settings["max_requests_jitter"] > 0

"""The serving path `make run` starts (nginx in front of gunicorn, webapp/serve.py), for the tests and `make bench`.

A server on a free port of 127.0.0.1 with a temporary runtime directory, stopped after; connections that misbehave
(idle after one byte, headers sent a byte a second, answers read 1 KB a second); ordinary clients timed to the
last byte; the server's processes and their memory.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from webapp.serve import Options, Server

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def front(store: Path, env: dict | None = None, workers: int = 3, threads: int = 4, **options) -> Iterator[Server]:
    """The build at `store` served as `make run` serves it (nginx + gunicorn), on 127.0.0.1:<free port>."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("BORDER_ATLAS_")}
    environment = base | {"BORDER_ATLAS_STORE": str(store)} | (env or {})
    settings = Options(port=free_port(), workers=workers, threads=threads, access_log="off", **options)
    with Server(settings, environment) as server:
        yield server


def _headers(response) -> dict:
    """A response's headers; "Set-Cookie" the session's cookie where several are set (a device cookie beside it)."""
    headers = dict(response.getheaders())
    cookies = response.msg.get_all("Set-Cookie") or []
    session = [c for c in cookies if c.startswith("session=")]
    if session:
        headers["Set-Cookie"] = session[0]
    return headers


def get(port: int, path: str, headers: dict | None = None, timeout: float = 60) -> tuple[int, dict, bytes]:
    """(status, headers, body) of one GET on a connection of its own."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, _headers(response), response.read()
    finally:
        conn.close()


# A request with a cookie is never answered from nginx's micro-cache (deploy/nginx.conf): each reaches gunicorn.
UNCACHED = {"Cookie": "border-atlas-test=uncached"}


# ---------------------------------------------------------------------------------------------------- hostile


# Another address than the ordinary clients' (127.0.0.1): nginx counts the requests of each address (limit_conn).
ELSEWHERE = "127.0.0.2"


class Hostile:
    """Connections that hold a server's attention: idle after one byte, headers a byte a second, a large answer
    read 1 KB a second; from `source` (another address than the ordinary clients', as an attacker's would be).
    Closed by `close` (or the context manager)."""

    def __init__(self, port: int, source: str = ELSEWHERE):
        self.port, self.source, self.sockets, self._stop = port, source, [], threading.Event()
        self._threads: list[threading.Thread] = []
        self.statuses: list[int] = []  # of the slow readers' answers, as their first bytes arrive

    def _connect(self) -> socket.socket:
        conn = socket.create_connection(("127.0.0.1", self.port), timeout=10, source_address=(self.source, 0))
        self.sockets.append(conn)
        return conn

    def idle(self, n: int) -> Hostile:
        """`n` connections that send one byte and then nothing."""
        for _ in range(n):
            self._connect().sendall(b"G")
        return self

    def _trickle(self, data: bytes) -> None:
        conn = self._connect()
        for byte in data:
            if self._stop.wait(1.0):
                return
            with contextlib.suppress(OSError):
                conn.sendall(bytes([byte]))

    def _drain(self, path: str, headers: str = "") -> None:
        conn = self._connect()
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        conn.settimeout(60)  # the answer may be slow to start (a server just started, a busy machine)
        conn.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n".encode())
        first = True
        while first or not self._stop.wait(1.0):
            try:
                data = conn.recv(1024)
            except OSError:
                return
            if first and data.startswith(b"HTTP/1.1 "):
                self.statuses.append(int(data[9:12]))
            if not data:
                return
            first = False

    def _start(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self._threads.append(thread)

    def slow_senders(self, n: int) -> Hostile:
        """`n` connections that send a request's headers one byte a second."""
        for _ in range(n):
            self._start(self._trickle, b"GET /collections HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"s" * 200)
        return self

    def slow_readers(self, n: int, path: str = "/collections/zones/download?format=geojson", uncached=False) -> Hostile:
        """`n` connections that ask for a large answer and read 1 KB of it a second (uncached: each answer made by
        the app, none from nginx's micro-cache)."""
        headers = "".join(f"{k}: {v}\r\n" for k, v in UNCACHED.items()) if uncached else ""
        for _ in range(n):
            self._start(self._drain, path, headers)
        return self

    def close(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        for conn in self.sockets:
            conn.close()

    def __enter__(self) -> Hostile:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# ---------------------------------------------------------------------------------------------------- clients

# Ordinary requests: a page of places, one zone, the regime at a point, the incidents of a year, the map page.
MIX = [
    "/collections/places/items?bbox=79,42,84,47&limit=50",
    "/collections/zones/items/zone-22-km",
    "/regime?lat=44.2234&lon=80.3852&date=1933-06-01",
    "/collections/incidents/items?datetime=1930",
    "/map",
]


def _all(target, n: int) -> None:
    """`target(0)` ... `target(n - 1)` at once, each in a thread of its own; returns when all have."""
    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@dataclass
class Run:
    """What ordinary clients saw: each request's seconds, and the failures (status other than 200, or an error)."""

    times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def p(self, q: float) -> float:
        """The median (q=50) or the q-th percentile of the times, in seconds."""
        times = sorted(self.times)
        return statistics.median(times) if q == 50 else times[int(q / 100 * (len(times) - 1))]

    def summary(self) -> str:
        return (
            f"{len(self.times)} requests, {len(self.errors)} errors, p50 {self.p(50) * 1000:.0f} ms, "
            f"p95 {self.p(95) * 1000:.0f} ms"
        )


def clients(port: int, seconds: float, n: int = 20, paths: list[str] = MIX, timeout: float = 30) -> Run:
    """`n` client threads for `seconds`, each going through `paths` in turn from its own starting point."""
    run, lock, stop = Run(), threading.Lock(), time.monotonic() + seconds

    def client(k: int) -> None:
        while time.monotonic() < stop:
            path = paths[k % len(paths)]
            k += 1
            started = time.perf_counter()
            try:
                status, _, _ = get(port, path, timeout=timeout)
                error = None if status == 200 else f"{path}: {status}"
            except (OSError, http.client.HTTPException) as exc:
                error = f"{path}: {type(exc).__name__} {exc}"
            with lock:
                run.times.append(time.perf_counter() - started)
                if error:
                    run.errors.append(error)

    _all(client, n)
    return run


# ---------------------------------------------------------------------------------------------------- processes


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def workers(server: Server) -> list[int]:
    """The pids of the server's gunicorn workers."""
    return _children(server.processes[0].pid)


def processes(server: Server) -> list[int]:
    """Every process of the server: gunicorn's master and workers, nginx's master and workers."""
    masters = [p.pid for p in server.processes]
    return masters + [c for m in masters for c in _children(m)]


def rss_mb(pids: list[int]) -> float:
    """The resident memory of these processes, summed, in MB (a process gone meanwhile counts 0)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return total / 2**20


class PeakMemory:
    """The highest summed resident memory of a server's processes while the block runs, sampled every 20 ms."""

    def __init__(self, server: Server):
        self.server, self.peak, self._stop = server, 0.0, threading.Event()

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss_mb(processes(self.server)))

    def __enter__(self) -> PeakMemory:
        self.before = rss_mb(processes(self.server))
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def rise(self) -> float:
        return max(self.peak - self.before, 0.0)


def parallel(port: int, path: str, n: int, timeout: float = 120, headers: dict | None = None) -> list[int]:
    """`n` GETs of `path` at once, each read to the end; their statuses."""
    statuses = [0] * n

    def one(i: int) -> None:
        with contextlib.suppress(OSError, http.client.HTTPException):
            statuses[i] = get(port, path, headers=headers, timeout=timeout)[0]

    _all(one, n)
    return statuses


# ---------------------------------------------------------------------------------------------------- contributors


def post(
    port: int, path: str, body: bytes, headers: dict, timeout: float = 120, source: str | None = None
) -> tuple[int, dict, bytes]:
    """(status, headers, body) of one POST on a connection of its own, from the address `source` if given (a refusal
    before the body is all sent, as nginx's 413, is read all the same)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=source and (source, 0))
    try:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, _headers(response), response.read()
    finally:
        conn.close()


def csrf_token(page: bytes) -> str:
    return re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()


def sign_in(port: int, name: str, password: str) -> str:
    """The session cookie (`session=...`) of `name` signed in through nginx."""
    _, headers, page = get(port, "/sign-in")
    form = urlencode({"name": name, "password": password, "csrf_token": csrf_token(page)}).encode()
    kinds = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": headers["Set-Cookie"].split(";")[0]}
    status, headers, _ = post(port, "/sign-in", form, kinds)
    assert status == 302, status
    return headers["Set-Cookie"].split(";")[0]


def upload(port: int, cookie: str, file_name: str, data: bytes, layer: str = "incidents", headers=None, source=None):
    """(status, headers, body) of a file uploaded at /contribute as the signed-in user of `cookie`, as the page's
    form sends it (multipart/form-data), from the address `source` if given."""
    _, got, page = get(port, "/contribute", {"Cookie": cookie})
    token = csrf_token(page)
    cookie = got.get("Set-Cookie", cookie).split(";")[0]  # the page's token may come with the session it is kept in
    boundary = "atlas-test-boundary-7e1d"
    fields = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
              for k, v in (("csrf_token", token), ("layer", layer))]  # fmt: skip
    quoted = file_name.replace('"', "%22")
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{quoted}"\r\n'
    head += "Content-Type: application/octet-stream\r\n\r\n"
    body = "".join(fields).encode() + head.encode() + data + f"\r\n--{boundary}--\r\n".encode()
    kinds = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Cookie": cookie} | (headers or {})
    return post(port, "/contribute", body, kinds, source=source)

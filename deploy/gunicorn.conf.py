"""gunicorn as `make run` starts it behind nginx (webapp/serve.py): the app's workers, and their limits.

Read by `python -m gunicorn -c deploy/gunicorn.conf.py`. Workers and threads come from WORKERS and THREADS; the
limits from BORDER_ATLAS_REQUEST_SECONDS and BORDER_ATLAS_WORKER_MB.
"""

import os
import threading
import time

workers = int(os.environ.get("WORKERS", "3"))  # a 2-core machine: the work is CPU-bound Python
threads = int(os.environ.get("THREADS", "4"))  # for requests that wait on SQLite or PostgreSQL
worker_class = "gthread"
# Recycled after about 20,000 requests (the jitter keeps them from all restarting at once), or when over WORKER_MB.
max_requests, max_requests_jitter = 20000, 2000
timeout, graceful_timeout = 30, 30  # a worker whose main loop is silent this long is killed; then 30 s to finish
keepalive = 2  # nginx opens a connection per request
limit_request_line, limit_request_fields, limit_request_field_size = 8190, 100, 8190
# No header from a client or a proxy sets the scheme or the path prefix (over a Unix socket gunicorn would trust
# them from anyone): webapp/origin.py reads forwarded headers, and only as configured.
forwarded_allow_ips = ""
forwarder_headers = ""
secure_scheme_headers = {}
control_socket_disable = True  # no control socket (gunicorn's default is one shared by every server of the user)
accesslog = None  # nginx logs the requests

REQUEST_SECONDS = float(os.environ.get("BORDER_ATLAS_REQUEST_SECONDS", "60"))  # any request, from start to end
WORKER_MB = float(os.environ.get("BORDER_ATLAS_WORKER_MB", "512"))  # a worker larger than this is recycled
_started: dict[int, tuple[float, str]] = {}  # thread -> (when its request started, what it asked)


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _watch(worker) -> None:
    """A request past REQUEST_SECONDS ends its worker (a thread cannot be stopped; the arbiter starts another)."""
    while True:
        time.sleep(min(1.0, REQUEST_SECONDS / 4))
        now = time.monotonic()
        for started, what in list(_started.values()):
            if now - started > REQUEST_SECONDS:
                worker.log.error("request over %.1f s, worker %s ends: %s", REQUEST_SECONDS, worker.pid, what)
                os._exit(1)


def post_worker_init(worker) -> None:
    """Start the worker's request watchdog."""
    threading.Thread(target=_watch, args=(worker,), name="request-watchdog", daemon=True).start()


def pre_request(worker, req) -> None:
    """Note when this thread's request started."""
    _started[threading.get_ident()] = (time.monotonic(), f"{req.method} {req.uri}"[:200])


def post_request(worker, req, environ, resp) -> None:
    """Forget the request; a worker over WORKER_MB finishes what it has and is replaced."""
    _started.pop(threading.get_ident(), None)
    if worker.alive and _rss_mb() > WORKER_MB:
        worker.log.info("worker %s at %.0f MB (over %.0f MB) is recycled", worker.pid, _rss_mb(), WORKER_MB)
        worker.alive = False

"""`make bench`, the contribution door under attack (issue 31): 20 clients fetching items through `make run`'s serving
path (nginx in front of gunicorn) alone, then beside 12 hostile uploads (a 73 KB zip that unpacks to 62 MB of cells)
and 24 sign-in attempts with a wrong password (from 24 addresses) a second; items p95 of each, medians of ROUNDS
rounds, as a ratio (goal <= 3), and the clients' errors (goal 0).

Runnable alone: .venv/bin/python -m tests.bench.bench_hostile [--store data/build/atlas.gpkg]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import statistics
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from contrib import accounts
from contrib.store import ContributionStore
from tests import front
from tests.contrib.sheets import wide_csv_zip

ROUNDS, SECONDS = 3, 8.0
UPLOADS, SIGN_INS = 12, 24  # a second
ITEMS = ["/collections/places/items?limit=20", "/collections/incidents/items?datetime=1930"]
PASSWORD = "a long enough password 2"


def _sign_in_attempt(port: int, i: int) -> int:
    """A wrong password for the account, from the i-th of 24 addresses: the status of the POST."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(f"127.0.1.{1 + i % 24}", 0))
    try:
        conn.request("GET", "/sign-in")
        page = conn.getresponse()
        cookie, token = page.getheader("Set-Cookie", "").split(";")[0], front.csrf_token(page.read())
        form = urlencode({"name": "con", "password": f"wrong {i}", "csrf_token": token}).encode()
        kinds = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        conn.request("POST", "/sign-in", body=form, headers=kinds)
        answer = conn.getresponse()
        answer.read()
        return answer.status
    finally:
        conn.close()


@contextlib.contextmanager
def attack(port: int, cookie: str):
    """UPLOADS hostile uploads (from another address than the clients') and SIGN_INS sign-in attempts a second,
    each started on time whatever the others take, until the block ends; yields the Counter of their statuses (or
    error names)."""
    seen, stop, data = Counter(), threading.Event(), wide_csv_zip()
    shots = [(1 / UPLOADS, lambda i: front.upload(port, cookie, "wide.csv.zip", data, source=front.ELSEWHERE)[0]),
             (1 / SIGN_INS, lambda i: _sign_in_attempt(port, i))]  # fmt: skip

    def fire(pool: ThreadPoolExecutor, every: float, shot) -> None:
        i, start = 0, time.monotonic()
        while not stop.wait(max(0.0, start + i * every - time.monotonic())):
            pool.submit(_count, seen, shot, i)
            i += 1

    with ThreadPoolExecutor(128) as pool:
        firing = [threading.Thread(target=fire, args=(pool, every, shot)) for every, shot in shots]
        for thread in firing:
            thread.start()
        try:
            yield seen
        finally:
            stop.set()
            for thread in firing:
                thread.join()


def _count(seen: Counter, shot, i: int) -> None:
    try:
        seen[shot(i)] += 1
    except (OSError, http.client.HTTPException) as exc:
        seen[type(exc).__name__] += 1


def measure(store: Path, rounds: int = ROUNDS, seconds: float = SECONDS) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        accounts.add_user(ContributionStore(Path(tmp) / "c.sqlite"), "con", "contributor", PASSWORD, "admin")
        env = {"BORDER_ATLAS_CONTRIBUTIONS": str(Path(tmp) / "c.sqlite"), "BORDER_ATLAS_SECRET_KEY": "bench"}
        with front.front(store, env=env) as server:
            port = server.options.port
            front.parallel(port, "/map", 12)
            cookie = front.sign_in(port, "con", PASSWORD)
            runs = {"alone": [], "attacked": []}
            attacks = Counter()
            for _ in range(rounds):
                runs["alone"].append(front.clients(port, seconds, paths=ITEMS))
                with attack(port, cookie) as seen:
                    runs["attacked"].append(front.clients(port, seconds, paths=ITEMS))
                attacks += seen
    return {"runs": runs, "attacks": attacks, "rounds": rounds}


def report(result: dict) -> str:
    runs = result["runs"]
    alone, attacked = (statistics.median(r.p(95) for r in runs[k]) * 1000 for k in ("alone", "attacked"))
    errors = sum(len(r.errors) for r in runs["alone"] + runs["attacked"])
    seen = ", ".join(f"{k}: {v}" for k, v in sorted(result["attacks"].items(), key=str))
    return (
        f"contribution door under attack, medians of {result['rounds']} rounds: 20 clients' items p95 alone "
        f"{alone:.0f} ms, beside {UPLOADS} hostile uploads and {SIGN_INS} sign-in attempts a second {attacked:.0f} ms; "
        f"ratio {attacked / alone:.2f} (goal <= 3); errors {errors} (goal 0); the attack's answers: {seen}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=front.ROOT / "data" / "build" / "atlas.gpkg")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    options = parser.parse_args()
    print(report(measure(options.store, options.rounds, options.seconds)))

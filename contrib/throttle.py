"""The sign-in throttle: per address, per account and for everyone, counted in the contributions store (so every
worker of the app counts the same attempts), and a bound on the password hashes checked at once.

Each attempt is an argon2 hash (64 MiB, tens of milliseconds). Before one is made the recent attempts are counted:

- per address: at most 10 attempts a minute, whatever their outcome;
- per account: at most 5 failed attempts in 5 minutes from browsers the account has not signed in from;
- everyone: at most 30 failed attempts in 10 seconds from such browsers, all accounts together.

Beyond a bound the answer is 429 with Retry-After, and no hash is made. A browser where an account signed in
carries a signed cookie saying so (webapp.contribute.web): its attempts for that account count only per address, so the
right password keeps working for its owner however many attempts others make on the account (the bounds are
sliding windows, never a lock). At most HASHES_AT_ONCE hashes run at once in a process; an attempt that cannot
start one within HASH_WAIT seconds is answered 503 with Retry-After.
"""

from __future__ import annotations

import math
import threading
from contextlib import contextmanager
from dataclasses import dataclass

from contrib.store import milliseconds

# bound -> (at most, window in seconds)
LIMITS = {"address": (10, 60), "account": (5, 300), "everyone": (30, 10)}
HASHES_AT_ONCE = 1  # per process: gunicorn's 3 workers hash at most 3 passwords at once (3 x 64 MiB)
HASH_WAIT = 5.0  # seconds an attempt may wait for a hash to start
_HASHING = threading.BoundedSemaphore(HASHES_AT_ONCE)


@dataclass
class Throttled(Exception):
    """An attempt refused before its hash: why, in words, and when to try again (seconds)."""

    why: str
    retry_after: int
    status: int = 429


def check(store, address: str, account: str, *, trusted: bool) -> None:
    """Throttled if an attempt from `address` for `account` now would pass a bound (`trusted`: from a browser where
    the account signed in before)."""
    stamp = milliseconds()
    recent = store.attempts(stamp - max(window for _, window in LIMITS.values()) * 1000)
    counted = {
        "address": [a for a in recent if a["address"] == address],
        "account": [] if trusted else [a for a in recent if a["account"] == account and not (a["ok"] or a["trusted"])],
        "everyone": [] if trusted else [a for a in recent if not (a["ok"] or a["trusted"])],
    }
    for bound, (most, window) in LIMITS.items():
        inside = [a["at"] for a in counted[bound] if a["at"] >= stamp - window * 1000]
        if len(inside) >= most:
            wait = math.ceil((inside[-most] + window * 1000 - stamp) / 1000)
            raise Throttled(WORDS[bound].format(most=most, window=window), max(wait, 1))


WORDS = {
    "address": "Too many sign-in attempts from this address: at most {most} in {window} seconds.",
    "account": "Too many failed sign-ins for this account from browsers it has not signed in from: at most {most} in "
    "{window} seconds. From a browser where you signed in before, your password still works.",
    "everyone": "Too many failed sign-ins on this atlas just now: at most {most} in {window} seconds.",
}


@contextmanager
def hashing():
    """A turn to check a password (at most HASHES_AT_ONCE at once in this process); Throttled (503) when none comes
    within HASH_WAIT seconds."""
    if not _HASHING.acquire(timeout=HASH_WAIT):
        raise Throttled("The server is busy checking other sign-ins.", 2, 503)
    try:
        yield
    finally:
        _HASHING.release()

"""Costly answers bounded per worker process: figures and the changes between two releases are made a few at a
time (beyond that, 503 and Retry-After at once, so that they never hold the threads every other request needs),
and one made once is kept, by its key, in a cache of bounded size.

Configuration: FIGURES_AT_ONCE (drawn at once per worker), FIGURE_RETRY_AFTER (seconds), FIGURE_CACHE_BYTES;
CHANGES_AT_ONCE, CHANGES_RETRY_AFTER, CHANGES_CACHE_BYTES for the changes between two releases.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from flask import Flask, current_app

from store.errors import Busy
from webapp import caching

DEFAULTS = {
    "FIGURES_AT_ONCE": 1,
    "FIGURE_RETRY_AFTER": 5,
    "FIGURE_CACHE_BYTES": 32 * 2**20,
    "CHANGES_AT_ONCE": 1,
    "CHANGES_RETRY_AFTER": 5,
    "CHANGES_CACHE_BYTES": 16 * 2**20,
}
# kind -> (its extension name, its configuration keys: at once, retry after, cache bytes; what a refused one is told)
KINDS = {
    "figures": (
        "atlas_figures",
        ("FIGURES_AT_ONCE", "FIGURE_RETRY_AFTER", "FIGURE_CACHE_BYTES"),
        "every figure slot of this server process is drawing; try again shortly (figures already drawn are served "
        "from a cache)",
    ),
    "changes": (
        "atlas_changes",
        ("CHANGES_AT_ONCE", "CHANGES_RETRY_AFTER", "CHANGES_CACHE_BYTES"),
        "this server process is comparing as many pairs of releases as it compares at once; try again shortly "
        "(a pair compared once is served from a cache)",
    ),
}


class BytesCache:
    """A least-recently-used map of keys to bytes, holding at most `capacity` bytes in all (thread-safe)."""

    def __init__(self, capacity: int):
        self.capacity, self.size = capacity, 0
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        """The bytes kept under `key` (now the most recently used), or None."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
            return self._items.get(key)

    def put(self, key: str, value: bytes) -> None:
        """Keep `value` under `key`, dropping the least recently used beyond the capacity (never a larger one)."""
        if len(value) > self.capacity:
            return
        with self._lock:
            self.size += len(value) - len(self._items.pop(key, b""))
            self._items[key] = value
            while self.size > self.capacity:
                self.size -= len(self._items.popitem(last=False)[1])


class Bounded:
    """The slots and the cache of one kind of costly answer, of one app in one worker process."""

    def __init__(self, at_once: int, retry_after: int, cache_bytes: int, busy: str):
        self.slots = threading.BoundedSemaphore(at_once)
        self.retry_after, self.busy = retry_after, busy
        self.cache = BytesCache(cache_bytes)

    def get(self, key: str, make: Callable[[], bytes]) -> bytes:
        """The answer kept under `key`: from the cache, or made now if a slot is free, or Busy."""
        body = self.cache.get(key)
        if body is not None:
            return body
        if not self.slots.acquire(blocking=False):
            raise Busy(self.busy, self.retry_after)
        try:
            body = make()
        finally:
            self.slots.release()
        self.cache.put(key, body)
        return body


def bounded(kind: str, key: str, make: Callable[[], bytes]) -> bytes:
    """`make()`'s answer kept under `key`, within this worker's limits for `kind` (webapp.errors.Busy beyond them)."""
    return current_app.extensions[KINDS[kind][0]].get(key, make)


def figure(draw: Callable[[], bytes]) -> bytes:
    """`draw()`'s figure for this request, keyed by its ETag (the data version, the view and the origin its caption
    cites)."""
    return bounded("figures", caching.etag(), draw)


def register(app: Flask) -> None:
    """The app's slots and caches (each worker process that imports the app has its own)."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    for extension, keys, busy in KINDS.values():
        app.extensions[extension] = Bounded(*(app.config[k] for k in keys), busy)

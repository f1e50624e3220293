"""Costly answers bounded per worker process: figures are drawn a few at a time (beyond that, 503 and
Retry-After at once, so that they never hold the threads every other request needs), and a figure drawn once
is kept, by its ETag, in a cache of bounded size.

Configuration: FIGURES_AT_ONCE (drawn at once per worker), FIGURE_RETRY_AFTER (seconds), FIGURE_CACHE_BYTES.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from flask import Flask, current_app

from layers.errors import Busy
from webapp import caching

DEFAULTS = {"FIGURES_AT_ONCE": 1, "FIGURE_RETRY_AFTER": 5, "FIGURE_CACHE_BYTES": 32 * 2**20}


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


class Figures:
    """The figure slots and the figure cache of one app in one worker process."""

    def __init__(self, config):
        self.slots = threading.BoundedSemaphore(config["FIGURES_AT_ONCE"])
        self.retry_after = config["FIGURE_RETRY_AFTER"]
        self.cache = BytesCache(config["FIGURE_CACHE_BYTES"])

    def get(self, draw: Callable[[], bytes]) -> bytes:
        """The figure this request asks for: from the cache, or drawn now if a slot is free, or Busy."""
        key = caching.etag()  # the data version, the view and the origin its caption cites
        body = self.cache.get(key)
        if body is not None:
            return body
        if not self.slots.acquire(blocking=False):
            raise Busy(
                "every figure slot of this server process is drawing; try again shortly (figures already drawn "
                "are served from a cache)",
                self.retry_after,
            )
        try:
            body = draw()
        finally:
            self.slots.release()
        self.cache.put(key, body)
        return body


def figure(draw: Callable[[], bytes]) -> bytes:
    """`draw()`'s figure for this request, within this worker's limits (webapp.errors.Busy beyond them)."""
    return current_app.extensions["atlas_figures"].get(draw)


def register(app: Flask) -> None:
    """The app's figure slots and cache (each worker process that imports the app has its own)."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.extensions["atlas_figures"] = Figures(app.config)

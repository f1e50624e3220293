"""A contributed GeoPackage looked at before GDAL opens it: a SQLite database whose tables are tables.

A view runs its SQL whenever it is read: a recursive one never ends, and one may call functions (load_extension,
readfile) that GDAL's SQLite refuses only once it is running. So a GeoPackage holding any view is refused, by
reading the schema alone (no view is run); the look itself is bounded by a progress handler.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path

from contrib.limits import ReadError

ALLOWED = "a GeoPackage of feature tables, as GDAL and QGIS write one (no views)"
SECONDS = 2  # the longest a look at the schema may take


def tables(path: Path, name: str) -> set[str]:
    """The names of the tables of the GeoPackage at `path`; ReadError if it is no SQLite database or holds a view."""
    deadline = time.monotonic() + SECONDS
    try:
        with closing(sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro&immutable=1", uri=True)) as db:
            db.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)  # non-zero: the statement stops
            schema = db.execute("SELECT type, name FROM sqlite_master").fetchall()
    except sqlite3.DatabaseError as exc:
        raise ReadError(name, f"not a GeoPackage ({exc}); allowed: {ALLOWED}") from None
    views = sorted(str(n) for kind, n in schema if kind == "view")
    if views:
        shown = ", ".join(repr(v[:60]) for v in views[:3]) + (f" and {len(views) - 3} more" if len(views) > 3 else "")
        raise ReadError(name, f"it holds a view ({shown}), which would run SQL as it is read; allowed: {ALLOWED}")
    return {str(n) for kind, n in schema if kind == "table"}

"""The store stands without the layer builders: the build writes which columns hold JSON into the store's catalogue,
and both engines read them from there."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys

from layers.registry import JSON_COLUMNS
from store import GeoPackageStore
from store.tables import CATALOG, META

BUILDERS = ("layers.registry", "layers.build", "layers.zones", "layers.incidents", "layers.places", "contrib", "webapp")


def test_the_catalogue_names_the_json_columns(store):
    columns = store.meta(CATALOG)["columns"]
    for collection in store.collections():
        marked = {name for name, kind in columns[collection] if kind == "json"}
        assert marked == JSON_COLUMNS & {name for name, _ in columns[collection]}, collection
    assert ["counts", "json"] in columns["incidents"]


def test_json_columns_are_read_back_as_built_and_are_not_filterable(store, layers):
    frame = store.frame("incidents")
    counts = dict(zip(frame["id"], frame["counts"], strict=True))
    assert counts == dict(zip(layers["incidents"]["id"], layers["incidents"]["counts"], strict=True))
    assert any(isinstance(value, dict) for value in counts.values())
    assert "counts" not in store.filterable("incidents") and "event_type" in store.filterable("incidents")


READ_EVERYTHING = """
import sys
from store import Database, GeoPackageStore
from store.postgis import open_latest
store = GeoPackageStore(sys.argv[1]) if sys.argv[1].endswith(".gpkg") else open_latest(Database(sys.argv[1]))
for collection in store.collections():
    store.frame(collection)
    store.filterable(collection)
print(" ".join(sorted(sys.modules)))
"""


def test_a_store_is_read_without_loading_the_builders(built, engine, request):
    where = str(built[0]) if engine == "gpkg" else request.getfixturevalue("postgis")
    done = subprocess.run([sys.executable, "-c", READ_EVERYTHING, where], capture_output=True, text=True, check=True)
    loaded = done.stdout.split()
    assert "store.sql" in loaded
    assert [m for m in loaded if m.startswith(BUILDERS)] == []


def test_a_store_written_before_the_catalogue_named_json_columns_is_still_read(built, tmp_path, engine):
    old = tmp_path / "old.gpkg"
    shutil.copy(built[0], old)
    with sqlite3.connect(old) as db:
        catalog = json.loads(db.execute(f"SELECT value FROM {META} WHERE key = ?", (CATALOG,)).fetchone()[0])
        catalog.pop("json")
        catalog["columns"] = {
            t: [[n, "text" if k == "json" else k] for n, k in c] for t, c in catalog["columns"].items()
        }
        db.execute(f"UPDATE {META} SET value = ? WHERE key = ?", (json.dumps(catalog), CATALOG))  # noqa: S608
    frame = GeoPackageStore(old).frame("incidents")
    assert any(isinstance(value, dict) for value in frame["counts"])
    assert all(isinstance(value, str) for value in frame["id"])

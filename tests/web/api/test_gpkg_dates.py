"""GeoPackages whose dates GDAL reads without a warning: the build's store and the downloads, on both engines.

The GeoPackage standard's data types: a DATE is text `YYYY-MM-DD`, a DATETIME text `YYYY-MM-DDTHH:MM:SS.SSSZ` (UTC;
version 1.4 also allows leaving out the seconds' fraction, which GDAL 3.6, Debian 12's, calls "non-conformant").
The partial dates of the sources (1927, 1927-08) stay text in `start`/`end`; `start_date`/`end_date` are DATE
columns holding the first and last day they can mean.
"""

from __future__ import annotations

import ctypes.util
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyogrio
import pytest

from store.tables import gpkg_connect

READER = Path(__file__).resolve().parents[1] / "gdal_warnings.py"
FORMS = {
    "DATE": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "DATETIME": re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"),
}
ABOUT_DATES = re.compile(r"Non-conformant content|Invalid content|Unexpected data type")
DOWNLOADS = {"dataset": "/download?format=gpkg", "incidents": "/collections/incidents/download?format=gpkg"}


def gdal_libraries() -> dict[str, str | None]:
    """The GDAL pyogrio brings (the tests read with it) and the system's (Debian's, which QGIS on Debian uses)."""
    bundled = sorted(Path(pyogrio.__file__).parent.parent.glob("pyogrio.libs/libgdal*"))
    return {"pyogrio": str(bundled[0]) if bundled else None, "system": ctypes.util.find_library("gdal")}


@pytest.fixture(params=list(DOWNLOADS))
def download(request, client, tmp_path) -> Path:
    path = tmp_path / f"{request.param}.gpkg"
    response = client.get(DOWNLOADS[request.param])
    assert response.status_code == 200
    path.write_bytes(response.data)
    return path


def dates_off_form(path: Path) -> list[tuple]:
    """(table, column, value) of every DATE or DATETIME value of the file's tables not in the standard's form."""
    with sqlite3.connect(path) as db:
        tables = [t for (t,) in db.execute("SELECT table_name FROM gpkg_contents")]
        columns = [
            (t, n, k.upper())
            for t in tables
            for n, k in db.execute("SELECT name, type FROM pragma_table_info(?)", (t,))
        ]
        return [
            (table, name, value)
            for table, name, kind in columns
            if kind in FORMS
            for (value,) in db.execute(f'SELECT "{name}" FROM "{table}" WHERE "{name}" IS NOT NULL')  # noqa: S608
            if not (isinstance(value, str) and FORMS[kind].match(value))
        ]


def gdal_says(library: str, path: Path) -> dict:
    done = subprocess.run([sys.executable, str(READER), library, str(path)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_the_downloads_type_their_days_as_dates(download):
    with sqlite3.connect(download) as db:
        kinds = dict(db.execute("SELECT name, type FROM pragma_table_info('incidents')").fetchall())
        start, start_date, end_date = db.execute(
            "SELECT start, start_date, end_date FROM incidents WHERE id = 'sarkand-1927-08-18'"
        ).fetchone()
    assert (kinds["start"], kinds["start_date"], kinds["end_date"]) == ("TEXT", "DATE", "DATE")
    assert (start, start_date, end_date) == ("1927-08-18", "1927-08-18", "1927-08-18")
    read = pyogrio.read_dataframe(download, layer="incidents").set_index("id")
    assert str(read.loc["sarkand-1927-08-18", "start_date"].date()) == "1927-08-18"


def test_a_partial_date_keeps_its_precision_beside_its_days(download):
    with sqlite3.connect(download) as db:
        partial = db.execute("SELECT start, start_date, end_date FROM incidents WHERE length(start) < 10").fetchall()
    assert partial, "the incidents hold a date known to the month or the year"
    for start, first, last in partial:
        assert first.startswith(start) and first <= last


def test_the_downloads_dates_are_in_the_standards_form(download):
    assert dates_off_form(download) == []


def test_the_stores_dates_are_in_the_standards_form(built):
    assert dates_off_form(built[0]) == []


@pytest.mark.parametrize("gdal", list(gdal_libraries()))
def test_gdal_reads_the_downloads_without_a_word_on_dates(download, gdal):
    library = gdal_libraries()[gdal]
    if library is None:
        pytest.skip(f"no {gdal} GDAL library here")
    said = gdal_says(library, download)
    assert [s for s in said["said"] if ABOUT_DATES.search(s)] == [], said["version"]


@pytest.mark.parametrize("gdal", list(gdal_libraries()))
def test_gdal_reads_the_store_without_a_word_on_dates(built, gdal):
    library = gdal_libraries()[gdal]
    if library is None:
        pytest.skip(f"no {gdal} GDAL library here")
    said = gdal_says(library, built[0])
    assert [s for s in said["said"] if ABOUT_DATES.search(s)] == [], said["version"]


def test_the_checks_can_fail(client, tmp_path):
    """A partial date in a DATE column and a DATETIME without its milliseconds are caught, by both checks."""
    path = tmp_path / "bad.gpkg"
    path.write_bytes(client.get(DOWNLOADS["incidents"]).data)
    with gpkg_connect(path) as db:
        db.execute("UPDATE incidents SET start_date = '1927-08' WHERE id = 'sarkand-1927-08-18'")
        db.execute("UPDATE layer_styles SET update_time = '2026-12-07T04:19:42Z'")
    assert set(dates_off_form(path)) == {
        ("incidents", "start_date", "1927-08"),
        ("layer_styles", "update_time", "2026-12-07T04:19:42Z"),
    }
    for library in filter(None, gdal_libraries().values()):
        said = gdal_says(library, path)["said"]
        assert any("start_date" in s and ABOUT_DATES.search(s) for s in said), said

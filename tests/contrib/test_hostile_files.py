"""Hostile files are refused, or read with their text kept as text, in bounded time and memory."""

from __future__ import annotations

import io
import re
import time
import tracemalloc

import pytest

from contrib import accounts, readers, records
from contrib.checks import ID_RULE
from contrib.limits import ReadError
from contrib.store import ContributionStore
from tests.contrib.conftest import TWO_INCIDENTS
from tests.contrib.sheets import gpkg_with_view, raw_xlsx, xlsx_with_dtd, zip_bomb
from tests.contrib.test_web import PASSWORD, said, signed_in, token
from webapp import create_app


def bounded(func, seconds: float, megabytes: float):
    """func() must finish within `seconds` and allocate at most `megabytes` at its peak."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = func()
    finally:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    assert time.perf_counter() - started < seconds
    assert peak < megabytes, f"peak {peak:.0f} MB"
    return result


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    path = tmp_path / "bomb.xlsx"
    zip_bomb(path)
    assert path.stat().st_size < 2**20
    with pytest.raises(ReadError, match=r"bomb.xlsx: xl/worksheets/sheet1.xml unpacks [\d,]+ times its size"):
        bounded(lambda: readers.read(path), seconds=5, megabytes=20)


def test_ten_thousand_rows_of_long_strings_are_read_and_refused_cell_by_cell(tmp_path):
    path, long = tmp_path / "long.xlsx", "ж" * 30_000
    # the cells share one string: a small file that reads as 10,000 rows of 90,000 characters each
    raw_xlsx(path, "incidents", ["id", "name", "date_text", "quote", long], [[0, 1, 2, 3]] + [[4, 4, 4, 4]] * 10_000)

    def read():
        return records.entries(readers.read(path, collection="incidents"), "incidents")

    entries = bounded(read, seconds=120, megabytes=400)
    assert len(entries) == 10_000
    assert {str(p).split("!")[1][:1] + ":" + p.what for e in entries for p in e.problems} == {
        f"{column}:the cell is 30,000 characters long" for column in "ABCD"
    }  # fmt: skip


def test_a_workbook_with_too_many_rows_is_refused(tmp_path, monkeypatch):
    monkeypatch.setitem(readers.LIMITS, "rows", 50)
    path = tmp_path / "many.csv"
    path.write_text("id,name\r\n" + "".join(f"r{n},x\r\n" for n in range(51)), encoding="utf-8")
    with pytest.raises(ReadError, match="many.csv: more than 50 rows; allowed: at most 50"):
        readers.read(path)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("x.csv", b"id,name\r\n\xff\xfe,x\r\n", "x.csv: line 2 is not UTF-8 text; allowed: a CSV saved as UTF-8"),
        ("x.xlsx", b"not a zip", r"x.xlsx: not an XLSX workbook \(BadZipFile\); allowed: an .xlsx file"),
        ("x.geojson", b"{", r"x.geojson: not JSON: .*; allowed: a GeoJSON FeatureCollection"),
        ("x.gpkg", b"not sqlite", r"x.gpkg: not a GeoPackage"),
        ("x.exe", b"MZ", r"x.exe: files ending .exe are not read; allowed: .csv, .csv.zip, .zip, .xlsx"),
    ],
)
def test_a_file_that_cannot_be_read_says_what_is_allowed(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReadError, match=message):
        readers.read(path)


# ---------------------------------------------------------------------------------------------------- the web door

VIEWS = {
    "load_extension": "SELECT fid, geom, load_extension('/tmp/evil') AS id FROM t",
    "readfile": "SELECT fid, geom, readfile('/etc/passwd') AS id FROM t",
    "recursive": "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x AS fid, "
    "(SELECT geom FROM t) AS geom, 'a' AS id FROM n",
}


def _hostile(kind: str, folder) -> tuple[str, bytes]:
    """(file name, bytes) of one hostile file."""
    if kind == "deep":
        nested = b"[" * 5000 + b"]" * 5000
        return "deep.geojson", b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":' + (
            nested + b'},"geometry":null}]}'
        )
    if kind == "dtd":
        xlsx_with_dtd(folder / "dtd.xlsx")
        return "dtd.xlsx", (folder / "dtd.xlsx").read_bytes()
    if kind == "long name":
        return "a" * 296 + ".csv", TWO_INCIDENTS.encode()
    gpkg_with_view(folder / f"{kind}.gpkg", VIEWS[kind])
    return f"{kind}.gpkg", (folder / f"{kind}.gpkg").read_bytes()


@pytest.fixture(scope="module")
def door(built, tmp_path_factory):
    """A client of the web door signed in as a contributor."""
    root = tmp_path_factory.mktemp("hostile-door")
    accounts.add_user(ContributionStore(root / "c.sqlite"), "con", "contributor", PASSWORD, "admin")
    app = create_app({"STORE": built[0], "CONTRIBUTIONS": str(root / "c.sqlite"), "TESTING": True,
                      "SECRET_KEY": "test"})  # fmt: skip
    return app, signed_in(app, "con")


def _submitted(response, stem: str) -> str:
    """The submission an upload made: its name is the file's stem with a random part added."""
    name = response.headers["Location"].rsplit("/", 1)[1]
    assert response.headers["Location"] == f"/contribute/{name}" and name.startswith(stem + "-"), name
    return name


def _upload(door, name: str, data: bytes):
    _, client = door
    form = {"layer": "incidents", "file": (io.BytesIO(data), name), "csrf_token": token(client, "/contribute")}
    return client.post("/contribute", data=form)


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("deep", r"^deep.geojson: lists and mappings nest too deeply; allowed: at most 32 levels$"),
        ("dtd", r"^dtd.xlsx: its XML declares a document type with entities \(a DTD: EntitiesForbidden\), never "
         r"expanded; allowed: an .xlsx file as a spreadsheet program saves it$"),
        ("load_extension", r"^load_extension.gpkg: it holds a view \('incidents'\), which would run SQL as it is read;"
         r" allowed: a GeoPackage of feature tables"),
        ("readfile", r"^readfile.gpkg: it holds a view \('incidents'\)"),
        ("recursive", r"^recursive.gpkg: it holds a view \('incidents'\)"),
        ("long name", r"^'a{40}…': the file's name is 300 characters long \(300 bytes\); allowed: at most 200 bytes"),
    ],
)  # fmt: skip
def test_a_hostile_upload_gets_a_400_naming_the_file_and_what_is_allowed(door, tmp_path, kind, message):
    """Issue 31: each of these was a 500 (a GeoPackage view spun a thread for 60 s, until the worker was killed)."""
    name, data = _hostile(kind, tmp_path)
    started = time.monotonic()
    response = _upload(door, name, data)
    assert time.monotonic() - started < 10
    assert response.status_code == 400, response.data[:300]
    assert re.search(message, said(response)[0]), said(response)


def test_a_json_cell_nested_5000_deep_is_a_problem_of_its_cell(door):
    """A CSV's JSON cell (actors) nested 5,000 deep: its own line in the report, not an error of the server."""
    app, _ = door
    deep = '"' + "[" * 5000 + "]" * 5000 + '"'
    data = TWO_INCIDENTS.replace("\r\n", ",actors\r\n", 1).replace("\r\n", f",{deep}\r\n").replace(
        f",actors,{deep}\r\n", ",actors\r\n", 1
    )  # fmt: skip
    response = _upload(door, "nested.csv", data.encode())
    assert response.status_code == 302
    lines = app.extensions["contributions"].get(_submitted(response, "nested"))["report"]["lines"]
    assert any(line.startswith("error: nested.csv:2:N (actors): '[[[[") for line in lines), lines


def test_an_id_that_is_not_a_slug_is_refused_in_the_report(door):
    """Issue 31: a contributed id became a file name (`evil.html`) and a header (a non-Latin-1 id: a 500)."""
    app, _ = door
    data = TWO_INCIDENTS.replace("kegen-1929-04", "кеген-1929-04").replace("jarkent-1930", "evil.html")
    response = _upload(door, "ids.csv", data.encode())
    assert response.status_code == 302
    report = app.extensions["contributions"].get(_submitted(response, "ids"))["report"]
    assert not report["ok"]
    for row, ident in ((2, "кеген-1929-04"), (3, "evil.html")):
        assert f"error: ids.csv:{row}:A (id): id '{ident}' is not a slug; allowed: {ID_RULE}" in report["lines"]

"""Hostile files are refused, or read with their text kept as text, in bounded time and memory."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from contrib import readers, records
from contrib.limits import ReadError
from tests.contrib.sheets import raw_xlsx, zip_bomb


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

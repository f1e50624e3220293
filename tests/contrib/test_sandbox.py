"""A contributed file is read in a child process bounded in processor time, memory and wall-clock time, a few at a
time per server process (contrib/sandbox.py, issue 31): each bound is met by a reader that would break it, and the
caller gets a ReadError naming the file and what is allowed (never the reader's own exception), in bounded time,
with the server process's memory unchanged.

The readers below run in the child (the sandbox finds them by their module and name, as it finds contrib.readers).
"""

from __future__ import annotations

import os
import resource
import signal
import threading
import time
import tracemalloc

import pytest

from contrib import readers, sandbox
from contrib.limits import READING, ReadError
from store.errors import Busy
from tests.contrib.sheets import wide_csv_zip


def spin(path, name):
    while True:
        pass


def sleep(path, name):
    time.sleep(60)


def allocate(path, name):
    return bytearray(2**30)  # 1 GB


def crash(path, name):
    os.kill(os.getpid(), signal.SIGSEGV)


def fail(path, name):
    return {}["a key no mapping has"]


def echo(path, name, *args):
    return (path, name, *args, os.getpid())


def test_a_reader_gets_its_arguments_and_runs_in_another_process(tmp_path):
    assert sandbox.run(echo, tmp_path / "x.csv", "x.csv", "incidents")[:3] == (str(tmp_path / "x.csv"), "x.csv",
                                                                                "incidents")  # fmt: skip
    assert sandbox.run(echo, tmp_path, "x.csv")[-1] != os.getpid()


@pytest.mark.parametrize(
    ("reader", "bound", "value", "message"),
    [
        (spin, "cpu_seconds", 1, r"x.csv: reading it takes more than 1 s of processor time; allowed: a CSV"),
        (sleep, "wall_seconds", 1, r"x.csv: reading it takes longer than 1 s; allowed: a CSV"),
        (allocate, "memory_mb", 256, r"x.csv: reading it takes more than 256 MB of memory; allowed: a CSV"),
    ],
)
def test_a_reader_past_a_bound_is_stopped_and_the_file_refused_saying_which(
    tmp_path, monkeypatch, reader, bound, value, message
):
    monkeypatch.setitem(READING, bound, value)
    started = time.monotonic()
    with pytest.raises(ReadError, match=message) as refused:
        sandbox.run(reader, tmp_path / "x.csv", "x.csv")
    assert time.monotonic() - started < 10
    assert "of at most 64 MB" in str(refused.value) and "s of processor time" in str(refused.value)


def test_a_reader_that_crashes_or_raises_its_own_error_gives_a_read_error(tmp_path):
    with pytest.raises(ReadError, match=r"x.gpkg: it cannot be read \(the reader stopped: SIGSEGV\); allowed:"):
        sandbox.run(crash, tmp_path / "x.gpkg", "x.gpkg")
    with pytest.raises(ReadError, match=r"x.gpkg: it cannot be read \(the reader stopped: KeyError\); allowed:"):
        sandbox.run(fail, tmp_path / "x.gpkg", "x.gpkg")


def test_beyond_the_reads_a_process_runs_at_once_a_read_waits_then_is_busy(tmp_path, monkeypatch):
    monkeypatch.setitem(READING, "wait_seconds", 0.2)
    place = sandbox._place()  # noqa: SLF001 - taken, as by a read in another thread
    assert place.acquire(blocking=False)
    try:
        with pytest.raises(Busy, match=r"x.csv: another file is being read by this server process; try again"):
            sandbox.run(echo, tmp_path, "x.csv")
    finally:
        place.release()
    assert sandbox.run(echo, tmp_path, "x.csv")[1] == "x.csv"
    monkeypatch.setitem(READING, "wait_seconds", 5)
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(sandbox.run(echo, tmp_path, "x.csv"))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 4  # one after the other, within the wait


def test_a_wide_zip_costs_the_server_process_nothing(tmp_path):
    """Issue 31: a 73 KB zip whose CSV is one row of 32 million cells cost 650 MB while it was read."""
    path = tmp_path / "wide.csv.zip"
    path.write_bytes(wide_csv_zip())
    assert path.stat().st_size < 100_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    try:
        try:
            table = readers.read(path, collection="incidents")
        except ReadError as exc:  # read within its bounds, or refused for its memory: either way, not here
            assert "reading it takes more than 512 MB of memory" in str(exc)
        else:
            assert table.columns == ["id", "name"] and len(table.rows) == 1
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    rise = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert peak < 20 and rise < 50, (peak, rise)

"""Contributed files read in a bounded place: a child process with limits on its processor time, its memory and
its wall-clock time, a few at a time per server process (contrib.limits.READING).

The child is forked from a server process that has the readers' libraries loaded (multiprocessing's forkserver,
started once per process that reads: a fork costs milliseconds, a new Python the second its imports take). It
lowers its priority, sets RLIMIT_CPU and RLIMIT_AS, reads, and sends back what the reader returned or the reason
it refused. The parent waits at most the wall-clock bound, then kills it. Whatever ends the child (a refusal, its
memory or its time running out, a crash in a library), the caller gets a ReadError naming the file and what is
allowed, never a library's own exception; a zip that unpacks to hundreds of MB costs the server process nothing.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import threading
from collections.abc import Callable

from contrib.limits import ALLOWED, LIMITS, READING, ReadError, megabytes
from store.errors import Busy

# What the child has loaded before it forks: the readers and the libraries they call.
PRELOAD = ["contrib.readers", "contrib.xlsx", "openpyxl", "pyogrio", "geopandas", "shapely"]
_forks = multiprocessing.get_context("forkserver")
_forks.set_forkserver_preload(PRELOAD)
_places: dict[int, threading.BoundedSemaphore] = {}  # per process (a forked server process gets its own)
_lock = threading.Lock()


def _place() -> threading.BoundedSemaphore:
    with _lock:
        return _places.setdefault(os.getpid(), threading.BoundedSemaphore(READING["at_once"]))


def run(reader: Callable, path, name: str, *args):
    """`reader(path, name, *args)` in a bounded child process: what it returns, or ReadError; Busy when every place
    to read in this process stays taken for READING["wait_seconds"]."""
    place = _place()
    if not place.acquire(timeout=READING["wait_seconds"]):
        raise Busy(
            f"{name}: another file is being read by this server process; try again in a few seconds",
            READING["wait_seconds"] * 2,
        )
    try:
        return _in_child(reader, str(path), name, args)
    finally:
        place.release()


def _in_child(reader: Callable, path: str, name: str, args: tuple):
    receive, send = _forks.Pipe(duplex=False)
    child = _forks.Process(
        target=_child, args=(send, reader, path, name, args, dict(LIMITS), dict(READING)), daemon=True
    )
    child.start()
    send.close()
    answer, timed_out = None, False
    try:
        if receive.poll(READING["wall_seconds"]):
            answer = receive.recv()
        else:
            timed_out = True
    except EOFError:  # the child ended without an answer: its exit status says why
        pass
    finally:
        receive.close()
        child.join(timeout=0 if timed_out else READING["wall_seconds"])  # it has answered or ended: it exits now
        if child.is_alive():
            child.kill()
            child.join()
    if answer is None:
        raise ReadError(name, _ended(-signal.SIGALRM if timed_out else child.exitcode))
    kind, *value = answer
    if kind == "read":
        return value[0]
    raise ReadError(*value) if kind == "refused" else ReadError(name, _ended(kind))


def _ended(why) -> str:
    """Why a read ended without an answer (a signal the child ended by, or what it caught), and what is allowed."""
    within = (
        f"allowed: {ALLOWED} of at most {megabytes(LIMITS['file_bytes'])} that reads within "
        f"{READING['memory_mb']} MB of memory, {READING['cpu_seconds']} s of processor time and "
        f"{READING['wall_seconds']} s"
    )
    reasons = {
        "memory": f"reading it takes more than {READING['memory_mb']} MB of memory",
        -signal.SIGXCPU: f"reading it takes more than {READING['cpu_seconds']} s of processor time",
        -signal.SIGALRM: f"reading it takes longer than {READING['wall_seconds']} s",
        "nested": f"it is nested more deeply than Python reads (at most {LIMITS['depth']} levels are allowed)",
    }
    default = f"it cannot be read (the reader stopped: {_words(why)})"
    return f"{reasons.get(why, default)}; {within}"


def _words(why) -> str:
    if isinstance(why, int) and why < 0:
        return signal.Signals(-why).name
    return str(why)


def _child(send, reader: Callable, path: str, name: str, args: tuple, limits: dict, reading: dict) -> None:  # noqa: PLR0917
    """In the child: bounded, read, and send back ("read", result), ("refused", file, reason) or (what stopped it,)."""
    os.nice(10)  # the server's own requests first
    cpu = reading["cpu_seconds"]
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))  # SIGXCPU, then SIGKILL a second later
    space = _address_space() + reading["memory_mb"] * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (space, space))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    LIMITS.update(limits)
    try:
        answer = ("read", reader(path, name, *args))
    except ReadError as exc:
        answer = ("refused", exc.file, exc.reason)
    except MemoryError:
        answer = ("memory",)
    except RecursionError:
        answer = ("nested",)
    except Exception as exc:  # noqa: BLE001 - whatever a library raises, the parent says it in words
        answer = (type(exc).__name__,)
    try:
        send.send(answer)
    except MemoryError:
        send.send(("memory",))


def _address_space() -> int:
    """The child's address space now, in bytes (what it starts with: the libraries it has loaded)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")

"""A throwaway PostgreSQL + PostGIS cluster for the tests and the benchmark: initdb and pg_ctl under a temp dir.

Debian's binaries (postgresql-15-postgis-3; `make postgresql` installs them). As root, the server runs as the
`postgres` user (PostgreSQL refuses to run as root). Stopped and deleted on exit.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg

INSTALL_HINT = "apt-get install -y postgresql-15-postgis-3 (`make postgresql` does it)"


def binaries() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin holding initdb, or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def cluster() -> Iterator[str]:
    """Start a private cluster on 127.0.0.1 with PostGIS enabled; yields its postgresql:// URL."""
    bin_dir = binaries()
    if bin_dir is None:
        raise RuntimeError(f"PostgreSQL is not installed: {INSTALL_HINT}")
    root = Path(tempfile.mkdtemp(prefix="border-atlas-pg-"))
    data, port = root / "data", free_port()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    run = lambda *args: subprocess.run(_as_owner([str(bin_dir / args[0]), *args[1:]]), check=True, capture_output=True)  # noqa: E731
    try:
        run("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
        run("pg_ctl", "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start")
        url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        yield url
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                _as_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]), check=False
            )
        shutil.rmtree(root, ignore_errors=True)

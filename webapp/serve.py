"""`make run`: nginx in front of gunicorn on HOST:PORT, started together and stopped together.

    python -m webapp.serve [--host 127.0.0.1] [--port 8000] [--workers 3] [--threads 4] [--runtime DIR]
                           [--per-address 32] [--no-cache]

nginx (deploy/nginx.conf, filled in here) listens on HOST:PORT: it holds every client connection, serves the
static files and passes each whole request to gunicorn (deploy/gunicorn.conf.py), which listens on a Unix
socket in this server's own runtime directory (a temporary one unless --runtime is given): two servers on two
ports share nothing. The static files are copied there at start (restart to serve edited ones; `python -m webapp`,
Flask's development server, serves them as they are). Ctrl-C or SIGTERM stops both; if either stops, so does the other.

Micro-cache: nginx keeps the answers the app marks shareable (webapp/caching.py: 1 s for a build's public answers,
5 min for a pinned release's) in the runtime directory, emptied at each start; `--no-cache` turns it off.

TLS: with BORDER_ATLAS_TLS_CERT and BORDER_ATLAS_TLS_KEY (PEM files) nginx answers HTTPS (HTTP/2) on PORT.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
NGINX_HINT = "nginx is not installed: `apt-get install -y nginx` (Debian; `make run` does it when run as root)"
READ_SECONDS = 60  # nginx waits this long for gunicorn's answer (the watchdog ends a request at the same time)
TEMP_FILE_MB = 32  # an answer nginx holds for a slow client: in memory, then a temporary file up to this size
PER_ADDRESS = 32  # requests of one address the app answers at once (beyond: 429)
FORM_BYTES = 2**20  # room for the form around an uploaded file (the file's own limit: contrib/limits.py)
STARTUP_SECONDS = 60
HSTS = {"Strict-Transport-Security": "max-age=31536000"}  # with TLS: browsers come back over HTTPS only


@dataclass
class Options:
    """What a server is started with."""

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 3
    threads: int = 4
    runtime: Path | None = None  # a temporary directory, removed at the end, if None
    access_log: str = "/dev/stdout"  # or a file, or "off"
    tls: tuple[str, str] | None = None  # (certificate, key) PEM files
    cache: bool = True  # nginx's micro-cache of the answers the app marks shareable (deploy/nginx.conf)
    per_address: int = PER_ADDRESS  # requests of one address answered at once
    temp_file_mb: int = TEMP_FILE_MB  # the largest temporary file of one answer nginx holds for its client

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}"


def nginx_binary() -> str:
    """The nginx program (Debian's /usr/sbin/nginx is not on a normal user's PATH)."""
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
    if found is None:
        raise SystemExit(NGINX_HINT)
    return found


def _add_headers(headers: dict[str, str], indent: str = " " * 12) -> str:
    return "\n".join(f'{indent}add_header {name} "{value}" always;' for name, value in headers.items())


def _file_headers() -> dict[str, str]:
    """The headers the app sends on every answer that suit a static file (webapp/security.py, webapp/cors.py)."""
    from webapp import cors, security

    return {**security.HEADERS, **cors.HEADERS}


def copy_files(target: Path) -> None:
    """The files nginx serves, copied where its workers can read them whoever owns the checkout: static/ (the
    app's own) and vendor/<package>/ (webapp/assets.py VENDOR, from node_modules)."""
    from webapp.assets import VENDOR

    shutil.copytree(ROOT / "webapp" / "static", target / "static", copy_function=shutil.copyfile)
    for package, folder in VENDOR.items():
        source = ROOT / "node_modules" / folder
        if source.is_dir():  # else the app answers (a 404 saying to run `make setup`)
            shutil.copytree(source, target / "vendor" / package, copy_function=shutil.copyfile)
    for path in [target, *target.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def _tls(options: Options) -> str:
    if not options.tls:
        return ""
    cert, key = options.tls
    return (
        f"        ssl_certificate {cert};\n        ssl_certificate_key {key};\n"
        "        ssl_protocols TLSv1.2 TLSv1.3;\n        ssl_session_cache shared:tls:10m;\n"
        f"{_add_headers(HSTS, ' ' * 8)}\n"
    )


def nginx_config(options: Options, runtime: Path, upstream: str) -> str:
    """deploy/nginx.conf with this server's values in place of its @NAMES@."""
    from contrib.limits import LIMITS, megabytes

    host = f"[{options.host}]" if ":" in options.host else options.host
    values = {
        "WORKER_PROCESSES": "auto",
        "RUNTIME": str(runtime),
        "USER": "user nobody nogroup;" if os.geteuid() == 0 else "",  # root only binds; workers run as nobody
        "ACCESS_LOG": options.access_log,
        "UPSTREAM": upstream,
        "LISTEN": f"{host}:{options.port}" + (" ssl http2" if options.tls else ""),
        "TLS": _tls(options),
        "FILES": str(runtime / "files"),
        "STATIC_HEADERS": _add_headers(_file_headers() | (HSTS if options.tls else {})),
        "READ_SECONDS": str(READ_SECONDS),
        "CACHE": "atlas" if options.cache else "off",
        "TEMP_FILE": f"{options.temp_file_mb}m",
        "PER_ADDRESS": str(options.per_address),
        "UPLOAD_BODY": str(LIMITS["file_bytes"] + FORM_BYTES),
        "UPLOAD_MB": megabytes(LIMITS["file_bytes"]),
    }
    text = NGINX_CONF.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    return text


def _wait_for(connect, what: str, processes: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"{what}: {process.args[0]} exited with status {process.returncode}")
        with contextlib.suppress(OSError), connect():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start within {STARTUP_SECONDS} s")


def _check_free(host: str, port: int) -> None:
    """Refuse a HOST:PORT that another program listens on (nginx would retry for seconds, then stop)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise RuntimeError(f"cannot listen on {host}:{port} ({exc.strerror}): set another HOST or PORT") from None


def _unix(path: Path):
    conn = socket.socket(socket.AF_UNIX)
    try:
        conn.connect(str(path))
    except OSError:
        conn.close()
        raise
    return conn


class Server:
    """nginx and gunicorn for one HOST:PORT, as a context manager (started on entry, both stopped on exit)."""

    def __init__(self, options: Options, env: dict | None = None):
        self.options, self.env = options, env
        self.processes: list[subprocess.Popen] = []

    def __enter__(self) -> Server:
        options = self.options
        _check_free(options.host, options.port)
        self._temporary = options.runtime is None
        self.runtime = Path(options.runtime or tempfile.mkdtemp(prefix=f"border-atlas-{options.port}-"))
        self.runtime.mkdir(parents=True, exist_ok=True)
        self.runtime.chmod(0o711)  # nginx's workers (nobody, under root) reach the socket; no one lists the files
        sock = self.runtime / "gunicorn.sock"
        sock.unlink(missing_ok=True)
        shutil.rmtree(self.runtime / "files", ignore_errors=True)
        shutil.rmtree(self.runtime / "cache", ignore_errors=True)  # nothing kept from another run (or build)
        copy_files(self.runtime / "files")
        conf = self.runtime / "nginx.conf"
        conf.write_text(nginx_config(options, self.runtime, f"unix:{sock}"), encoding="utf-8")
        nginx = [nginx_binary(), "-e", str(self.runtime / "error.log"), "-p", str(self.runtime), "-c", str(conf)]
        checked = subprocess.run([*nginx, "-t", "-q"], capture_output=True, text=True, check=False)
        if checked.returncode:
            raise RuntimeError(f"nginx refused the configuration {conf}: {checked.stderr.strip()}")
        try:
            self._start_gunicorn(sock)
            _wait_for(lambda: _unix(sock), "gunicorn", self.processes)
            self.processes.append(subprocess.Popen(nginx, cwd=self.runtime))
            _wait_for(lambda: socket.create_connection((options.host, options.port), 1), "nginx", self.processes)
        except BaseException:
            self.__exit__()
            raise
        return self

    def _start_gunicorn(self, sock: Path) -> None:
        env = {**(self.env if self.env is not None else os.environ)}
        env |= {"WORKERS": str(self.options.workers), "THREADS": str(self.options.threads)}
        env |= {"BORDER_ATLAS_PROXIES": "1", "BORDER_ATLAS_FORWARDED": "for,proto"}  # nginx sets both, overwriting
        # glibc gives each thread its own heap and keeps what a 2 MB zone left in it; two heaps keep a worker flat
        env.setdefault("MALLOC_ARENA_MAX", "2")
        command = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "--bind", f"unix:{sock}"]
        self.processes.append(subprocess.Popen([*command, "webapp:create_app()"], cwd=ROOT, env=env))

    def wait(self) -> int:
        """Until either process ends (then the other is stopped); its exit status."""
        while True:
            for process in self.processes:
                if process.poll() is not None:
                    return process.returncode
            time.sleep(0.5)

    def __exit__(self, *exc) -> None:
        for process in reversed(self.processes):  # nginx first: no new requests reach a stopping gunicorn
            if process.poll() is None:
                process.terminate()
        for process in reversed(self.processes):
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes = []
        if self._temporary:
            shutil.rmtree(self.runtime, ignore_errors=True)


def _options(argv: list[str] | None, prog: str = "python -m webapp.serve") -> Options:
    env = os.environ
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=env.get("HOST", "127.0.0.1"), help="address nginx listens on (HOST)")
    parser.add_argument("--port", type=int, default=int(env.get("PORT", "8000")), help="port nginx listens on (PORT)")
    parser.add_argument("--workers", type=int, default=int(env.get("WORKERS", "3")), help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=int(env.get("THREADS", "4")), help="threads per process")
    parser.add_argument("--runtime", type=Path, help="directory for the socket, configuration, logs (default: temp)")
    parser.add_argument("--access-log", default="/dev/stdout", help="nginx's access log (default: standard output)")
    parser.add_argument("--no-cache", action="store_true", help="no nginx micro-cache (every request reaches the app)")
    parser.add_argument(
        "--per-address", type=int, default=PER_ADDRESS, help=f"requests of one address answered at once ({PER_ADDRESS})"
    )
    args = parser.parse_args(argv)
    cert, key = env.get("BORDER_ATLAS_TLS_CERT"), env.get("BORDER_ATLAS_TLS_KEY")
    if bool(cert) != bool(key):
        parser.error("BORDER_ATLAS_TLS_CERT and BORDER_ATLAS_TLS_KEY go together: set both (PEM files) or neither")
    tls = (cert, key) if cert else None
    return Options(
        args.host,
        args.port,
        args.workers,
        args.threads,
        args.runtime,
        args.access_log,
        tls,
        not args.no_cache,
        args.per_address,
    )


def main(argv: list[str] | None = None, prog: str = "python -m webapp.serve") -> int:
    """Serve until interrupted or until nginx or gunicorn stops."""
    options = _options(argv, prog)
    stop = lambda *_: sys.exit(0)  # noqa: E731 - unwinds through the Server's exit: both stopped
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        with Server(options) as server:
            print(
                f"== Border Atlas on {options.url} (nginx in front of gunicorn, {options.workers} workers x "
                f"{options.threads} threads; runtime {server.runtime})",
                flush=True,
            )
            return server.wait()
    except RuntimeError as exc:  # nginx or gunicorn did not start: say why, in one line
        print(f"serve: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

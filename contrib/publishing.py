"""Publishing: the accepted contributions built into the atlas, one build at a time.

Every build of a store holds its lock (store.writer.building, a file beside the store) from reading the
accepted submissions to the replace of the store and its release: `make data`, `border-atlas publish` and
the web's acceptances share it. A build takes every submission accepted when it starts; one accepted while it
runs waits for the next: the acceptance starts a publisher that builds at once if the lock is free, or leaves
the submission to the build that holds it, which looks for waiting submissions once it has let go and builds
again. Each submission says where its publication is (`publication`: building, published or failed with the
reason); a failed one is built again by the next publish (`border-atlas publish`, or a reviewer's "Publish
again").
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from contrib.accepted import of_submissions
from contrib.store import now
from layers.errors import DataError
from store.writer import builder, building


class PublishError(RuntimeError):
    """A build that failed: the store and its releases are as they were; the reason is kept on the submissions."""


def publish(store, who: str, *, sources: Path, reference: Path, out: Path, database: str | None = None,
            progress=print, wait: bool = True) -> bool:  # fmt: skip
    """Build the store at `out` with every accepted contribution, kept as a new release beside it (and loaded into
    PostGIS at `database`), then again while submissions accepted meanwhile wait. With `wait` false, build only if no
    other build holds the lock and a submission waits. Returns whether it built; PublishError if a build failed."""
    where = {"sources": sources, "reference": reference, "out": Path(out), "database": database, "progress": progress}
    built, failed, blocking = False, None, wait
    while True:
        with building(out, wait=blocking) as held:
            if held and (blocking or waiting(store)):
                built = True
                try:
                    _once(store, who, **where)
                except PublishError as exc:
                    failed = failed or exc
        if not held or not waiting(store):  # a build holding the lock looks again once it has let go
            break
        blocking = False
    if failed:
        raise failed
    return built


def waiting(store) -> list[str]:
    """The accepted submissions no build has taken yet."""
    return [s["name"] for s in store.submissions(status="accepted") if not s["publication"]]


def _once(store, who: str, *, sources, reference, out: Path, database, progress) -> None:
    """One build (the lock held): every accepted submission in, the new ones marked building, then published or
    failed with the reason."""
    from layers.build import build
    from store import releases

    accepted = store.submissions(status="accepted")
    new = [s["name"] for s in accepted if (s["publication"] or {}).get("state") != "published"]
    started = now()
    _mark(store, new, "building", at=started)
    contributions = of_submissions(accepted, sources)
    progress = _shown(store, new, started, progress)
    try:
        build(sources, reference, out, progress=progress, releases=releases.beside(out), contributions=contributions)
        if database:
            from store.pg_load import load

            load(out, database, progress=progress)
    except Exception as exc:  # any failure of the build: said on each submission it left out, and in the history
        reason = _reason(exc)
        _mark(store, new, "failed", reason=reason)
        store.log(who, "publish failed", None, {"submissions": new}, why=reason)
        raise PublishError(reason) from exc
    latest = releases.Directory(releases.beside(out)).latest()
    _mark(store, new, "published", release=latest.number if latest else None)
    names = sorted({name for items in (contributions.by_layer.values() if contributions else []) for name, *_ in items})
    store.log(who, "publish", None, {"submissions": names, "store": str(out), "release": latest and latest.number})


STEP_SECONDS = 2  # a build's step is kept on its submissions at most this often


def _shown(store, names: list[str], started: str, progress):
    """The build's progress, its steps also kept on the submissions it builds (their pages say where it is)."""
    last = [0.0]

    def said(text="", *more):
        progress(text, *more)
        step = str(text)
        if step.strip() and not step.startswith(" ") and time.monotonic() - last[0] >= STEP_SECONDS:
            last[0] = time.monotonic()
            _mark(store, names, "building", at=started, step=re.sub(r"(?:data/sources/)?(\w+)\.yaml", r"\1", step))

    return said


def _mark(store, names: list[str], state: str, **more) -> None:
    with store.transaction():
        for name in names:
            store.update(name, publication={"state": state, "at": now()} | more)


def _reason(exc: Exception) -> str:
    """Why a build failed, as a contributor and a reviewer read it."""
    if isinstance(exc, DataError):
        return str(exc)
    return f"the build stopped on an unexpected {type(exc).__name__}: {str(exc)[:300]}"


def state(sub: dict, out: Path) -> str | None:
    """Where an accepted submission's publication is, in words (None for a submission not accepted)."""
    if sub["status"] != "accepted":
        return None
    done = sub["publication"] or {}
    if done.get("state") == "published":
        return f"published in release {done['release']}" if done.get("release") else f"published {done['at']}"
    if done.get("state") == "failed":
        return f"not published: {done['reason']}"
    if done.get("state") == "building" and builder(out) is None:
        return "not published: the build stopped before it finished; publish again"
    if done.get("state") == "building":
        step = f"; now {done['step']}" if done.get("step") else ""
        return f"being published (the build started {done['at']}{step})"
    return "waiting for the build"


def retriable(sub: dict, out: Path) -> bool:
    """Whether an accepted submission needs a publish again (its build failed or stopped)."""
    words = state(sub, out) or ""
    return words.startswith("not published")

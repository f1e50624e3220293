"""Publishing: the accepted contributions built into the atlas, one build at a time, kept as a release and loaded
into PostGIS when a database is set.

A build takes every submission accepted when it starts; one accepted while it runs waits for the next: the
acceptance starts a publisher (`border-atlas publish --pending`) that builds at once if the lock is free, or
leaves the submission to the build that holds it, which looks for waiting submissions once it has let go and
builds again. Each submission says where its publication is (contrib.publishing).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from contrib import workflow
from contrib.accepted import of_submissions
from contrib.publishing import mark, step_words, waiting
from contrib.store import now
from contrib.tours import accepted_tours
from layers.errors import DataError
from pipeline.build import build
from store import releases
from store.writer import building


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


def _once(store, who: str, *, sources, reference, out: Path, database, progress) -> None:
    """One build (the lock held): every accepted submission in, the new ones marked building, then published or
    failed with the reason."""
    accepted = store.submissions(status="accepted")
    new = [s["name"] for s in accepted if (s["publication"] or {}).get("state") != "published"]
    started = now()
    mark(store, new, "building", at=started)
    contributions = of_submissions(accepted, sources)
    progress = _shown(store, new, started, progress)
    try:
        build(sources, reference, out, progress=progress, releases=releases.beside(out), contributions=contributions,
              contributed_tours=accepted_tours(store))  # fmt: skip
        if database:
            from store.pg_load import load

            load(out, database, progress=progress)
    except Exception as exc:  # any failure of the build: said on each submission it left out, and in the history
        reason = _reason(exc)
        mark(store, new, "failed", reason=reason)
        store.log(who, "publish failed", None, {"submissions": new}, why=reason)
        raise PublishError(reason) from exc
    latest = releases.Directory(releases.beside(out)).latest()
    mark(store, new, "published", release=latest.number if latest else None)
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
            mark(store, names, "building", at=started, step=step_words(step))

    return said


def _reason(exc: Exception) -> str:
    """Why a build failed, as a contributor and a reviewer read it."""
    if isinstance(exc, DataError):
        return str(exc)
    return f"the build stopped on an unexpected {type(exc).__name__}: {str(exc)[:300]}"


def command(args, store) -> int:
    """`border-atlas publish [NAME] [--pending]`: accept a checked submission (its own contributor's too: an admin's
    override, written in the history), then rebuild the store with every accepted one."""
    if args.name:
        sub = workflow.submission(store, args.name)
        if sub["status"] == "checked":
            workflow.submit(store, args.name, args.by)
        if sub["status"] in ("checked", "submitted"):
            operator = {"name": args.by, "role": "admin"}
            workflow.review(store, args.name, operator, "accept", "published from the command line", override=True)
        elif sub["status"] != "accepted":
            raise ValueError(f"submission {args.name!r} is {sub['status']}; allowed: a checked one (run check)")
    database = os.environ.get("BORDER_ATLAS_DATABASE")
    built = publish(store, args.by, sources=args.sources, reference=args.reference, out=args.store,
                    database=database, progress=lambda *_: None, wait=not args.pending)  # fmt: skip
    if built:
        print(f"published: {args.store} rebuilt with {len(store.submissions(status='accepted'))} accepted submissions")
    else:
        print("nothing to publish: no submission waits, or the build running takes it")
    return 0

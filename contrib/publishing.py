"""Where an accepted submission's publication is: waiting, building, published or failed with the reason.

Publishing itself (the build of every accepted contribution, one at a time) is the pipeline's (pipeline.publish):
every build of a store holds its lock (store.writer.building, a file beside the store) from reading the
accepted submissions to the replace of the store and its release: `make data`, `border-atlas publish` and
the web's acceptances share it. A build takes every submission accepted when it starts; one accepted while it
runs waits for the next. Each submission says where its publication is (`publication`); a failed one is built
again by the next publish (`border-atlas publish`, or a reviewer's "Publish again").
"""

from __future__ import annotations

import re
from pathlib import Path

from contrib.store import now
from store.writer import builder


def waiting(store) -> list[str]:
    """The accepted submissions no build has taken yet."""
    return [s["name"] for s in store.submissions(status="accepted") if not s["publication"]]


def mark(store, names: list[str], state: str, **more) -> None:
    """Say on each named submission where its publication is (`state`: building, published or failed)."""
    with store.transaction():
        for name in names:
            store.update(name, publication={"state": state, "at": now(), **more})


STEPS = (  # a build's step as a historian reads it: no paths, no file names, no timings
    (r"^wrote .*", "writing the atlas"),
    (r"^making release (\d+).*", r"making release \1"),
    (r"^release (\d+) \(.*", r"release \1 made"),
    (r"\s*\((?:data/|/)[^)]*\)", ""),
    (r"(?:data/sources/)?(\w+)\.yaml", r"\1"),
    (r"\s+(?:in|at|to|from)\s+/\S+", ""),
)


def step_words(step: str) -> str:
    """A build's step in a historian's words: `wrote /…/atlas.gpkg in 36.5 s` -> `writing the atlas`."""
    for pattern, words in STEPS:
        step = re.sub(pattern, words, step)
    return step


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
        step = f"; now {step_words(done['step'])}" if done.get("step") else ""
        return f"being published (the build started {done['at']}{step})"
    return "waiting for the build"


def progress(sub: dict, out: Path) -> dict:
    """Where the publication is, as the submission and review pages poll it: its words, and whether it has ended
    (published, or failed and why; a submission not accepted has nothing to follow)."""
    words = state(sub, out)
    ongoing = bool(words) and words.startswith(("being published", "waiting"))
    return {"name": sub["name"], "words": words, "done": not ongoing, "failed": retriable(sub, out)}


def retriable(sub: dict, out: Path) -> bool:
    """Whether an accepted submission needs a publish again (its build failed or stopped)."""
    words = state(sub, out) or ""
    return words.startswith("not published")

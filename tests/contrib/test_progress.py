"""A build in progress says where it is on the submissions it builds (its current step, in words), and its end."""

from __future__ import annotations

import re

import pytest

from contrib import publishing
from contrib.store import ContributionStore
from pipeline import publish as publisher


def test_a_build_in_progress_shows_its_step_then_why_it_failed(tmp_path, monkeypatch):
    store = ContributionStore(tmp_path / "c.sqlite")
    store.create("ogpu", "incidents", file_name="ogpu.csv", data=b"-", contributor="h", status="accepted")
    out, seen = tmp_path / "atlas.gpkg", []

    def build(sources, reference, where, *, progress, releases, contributions, contributed_tours):
        progress("reading data/sources/zones.yaml")
        progress("  a detail of that step")
        seen.append(publishing.state(store.get("ogpu"), out))
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(publisher, "build", build)
    monkeypatch.setattr(publisher, "of_submissions", lambda accepted, sources: None)
    with pytest.raises(publisher.PublishError):
        publisher.publish(store, "op", sources=tmp_path, reference=tmp_path, out=out, progress=lambda *_: None)
    assert len(seen) == 1 and re.fullmatch(r"being published \(the build started [0-9T:+-]+; now reading zones\)",
                                           seen[0]), seen  # fmt: skip
    assert publishing.state(store.get("ogpu"), out) == (
        "not published: the build stopped on an unexpected RuntimeError: the disk is full"
    )


def test_a_build_step_is_said_without_paths_nor_timings(tmp_path, monkeypatch):
    store = ContributionStore(tmp_path / "c.sqlite")
    store.create("ogpu", "incidents", file_name="ogpu.csv", data=b"-", contributor="h", status="accepted")
    out, seen = tmp_path / "atlas.gpkg", []

    def build(sources, reference, where, *, progress, releases, contributions, contributed_tours):
        for step in ("checking the tours (data/tours) against the build", f"wrote {where} in 36.5 s"):
            progress(step)
            seen.append(publishing.state(store.get("ogpu"), out).split("; now ")[1])
        raise RuntimeError("stop here")

    monkeypatch.setattr(publisher, "STEP_SECONDS", 0)
    monkeypatch.setattr(publisher, "build", build)
    monkeypatch.setattr(publisher, "of_submissions", lambda accepted, sources: None)
    with pytest.raises(publisher.PublishError):
        publisher.publish(store, "op", sources=tmp_path, reference=tmp_path, out=out, progress=lambda *_: None)
    assert seen == ["checking the tours against the build)", "writing the atlas)"]

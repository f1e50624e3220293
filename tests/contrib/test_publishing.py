"""Publishing under concurrency: one build at a time, every accepted record in the latest release whichever door
accepted it and when; a failed or stopped build said on its submissions, and published again.

The builds here are the real ones, from the real sources, on a simplified border line (tests/contrib/quick.py): a
few seconds each.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from contrib import accounts, publishing, workflow
from contrib.context import Context
from contrib.reconcile import Gazetteer
from contrib.store import ContributionStore
from layers.build import SOURCES
from pipeline.build import build
from pipeline.cli import main
from store import GeoPackageStore
from store.releases import Directory
from store.writer import builder, temporary_prefix
from tests.conftest import ROOT
from tests.contrib.quick import incident_csv
from tests.contrib.test_web import PASSWORD, signed_in, token
from webapp import create_app

OFFSETS = [0.5 * n for n in range(10)]  # seconds between the two publishes of each trial: 0 to 4.5
IDLE_SECONDS = 300


@pytest.fixture(scope="module")
def atlas(small_reference, tmp_path_factory):
    """A quick build with its releases, a contributions store (a contributor, a reviewer), and the app on them."""
    root = tmp_path_factory.mktemp("publishing")
    out = root / "atlas.gpkg"
    build(SOURCES, small_reference, out, progress=lambda *_: None, releases=root / "releases")
    store = ContributionStore(root / "c.sqlite")
    for name, role in (("con", "contributor"), ("rev", "reviewer")):
        accounts.add_user(store, name, role, PASSWORD, "admin")
    app = create_app({"STORE": out, "CONTRIBUTIONS": str(root / "c.sqlite"), "REFERENCE": small_reference,
                      "SECRET_KEY": "publishing", "TESTING": True})  # fmt: skip
    context = Context(GeoPackageStore(out))
    base = ["--contributions", str(root / "c.sqlite"), "--store", str(out), "--reference", str(small_reference)]
    return SimpleNamespace(root=root, out=out, store=store, app=app, checks=(context, Gazetteer.of(context)),
                           reviewer=signed_in(app, "rev"), cli=base)  # fmt: skip


def submitted(atlas, name: str) -> None:
    """A one-incident file (its id the submission's name) imported by the contributor and submitted."""
    context, gazetteer = atlas.checks
    workflow.import_file(atlas.store, incident_csv(name).encode(), f"{name}.csv", layer="incidents",
                         contributor="con", name=name, context=context, gazetteer=gazetteer)  # fmt: skip
    workflow.submit(atlas.store, name, "con")


def cli_publish(atlas, *args: str, sources: Path | None = None) -> subprocess.Popen:
    command = [sys.executable, "-m", "pipeline", *atlas.cli, "--by", "operator"]
    command += ["--sources", str(sources)] if sources else []
    return subprocess.Popen([*command, "publish", *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip


def web_accept(atlas, name: str) -> None:
    reviewer = atlas.reviewer
    sent = reviewer.post(f"/review/{name}", data={"decision": "accept", "comment": "checked against the register",
                                                  "csrf_token": token(reviewer, "/review")})  # fmt: skip
    assert sent.status_code == 302, sent.get_data(as_text=True)


def idle(atlas, until=lambda: True) -> None:
    """Wait until no build runs and no accepted submission waits for one (the web's publishers are done), and
    `until()` holds."""
    deadline = time.monotonic() + IDLE_SECONDS
    while time.monotonic() < deadline:
        if until() and builder(atlas.out) is None and not publishing.waiting(atlas.store):
            time.sleep(0.5)  # a publisher that found nothing to do lets go of the lock
            if builder(atlas.out) is None and not publishing.waiting(atlas.store):
                return
        time.sleep(0.2)
    raise AssertionError(f"still building or waiting after {IDLE_SECONDS} s")


def latest_ids(atlas) -> set[str]:
    latest = Directory(atlas.root / "releases").latest()
    return set(GeoPackageStore(Path(latest.where)).frame("incidents")["id"])


@pytest.mark.parametrize("trial", range(len(OFFSETS)))
def test_concurrent_publishes_from_the_command_line_and_the_web_lose_no_record(atlas, trial):
    """Trial n: a submission published with `border-atlas publish NAME` and another accepted on the web (which
    publishes in the background), `OFFSETS[n]` seconds apart, the command line first in even trials: both builds
    succeed, every submission accepted so far is published, and every accepted record is in the latest release."""
    on_cli, on_web = f"race-{trial}-cli", f"race-{trial}-web"
    submitted(atlas, on_cli)
    submitted(atlas, on_web)
    if trial % 2 == 0:
        process = cli_publish(atlas, on_cli)
        time.sleep(OFFSETS[trial])
        web_accept(atlas, on_web)
    else:
        web_accept(atlas, on_web)
        time.sleep(OFFSETS[trial])
        process = cli_publish(atlas, on_cli)
    out, err = process.communicate(timeout=IDLE_SECONDS)
    assert (process.returncode, err) == (0, ""), out + err
    idle(atlas)
    all_published(atlas, {on_cli, on_web})


def all_published(atlas, names: set[str]) -> None:
    """Every accepted submission published, every accepted record in the latest release, no build failed or left
    its temporary file."""
    accepted = atlas.store.submissions(status="accepted")
    assert {s["name"]: s["publication"]["state"] for s in accepted} == {s["name"]: "published" for s in accepted}
    assert {s["name"] for s in accepted} | names <= latest_ids(atlas)  # each record's id is its submission's name
    log = (atlas.out.with_name("publish.log")).read_text(encoding="utf-8")
    assert "Traceback" not in log and "border-atlas:" not in log, log[-3000:]
    assert not [h for h in atlas.store.history() if h["action"] == "publish failed"]
    assert not list(atlas.out.parent.glob(temporary_prefix(atlas.out) + "*"))


@pytest.mark.parametrize("seconds", [0, 1, 2])
def test_two_acceptances_on_the_web_seconds_apart_lose_no_record(atlas, seconds):
    """The issue's own case: two reviewers' "Accept" 0, 1 and 2 seconds apart, each starting a publisher in the
    background: both submissions are published and both records are in the latest release."""
    first, second = f"web-{seconds}-a", f"web-{seconds}-b"
    submitted(atlas, first)
    submitted(atlas, second)
    web_accept(atlas, first)
    time.sleep(seconds)
    web_accept(atlas, second)
    idle(atlas, until=lambda: all(atlas.store.get(n)["publication"] for n in (first, second)))
    all_published(atlas, {first, second})


def broken_sources(folder: Path) -> Path:
    """A copy of data/sources whose first incident has an event type the atlas does not know."""
    shutil.copytree(SOURCES, folder)
    text = (folder / "incidents.yaml").read_text(encoding="utf-8")
    (folder / "incidents.yaml").write_text(text.replace("event_type: detention", "event_type: riot", 1), "utf-8")
    return folder


def test_a_failed_build_is_said_on_its_submissions_and_published_again(atlas, tmp_path, capsys):
    submitted(atlas, "fails-1")
    process = cli_publish(atlas, "fails-1", sources=broken_sources(tmp_path / "sources"))
    _, err = process.communicate(timeout=IDLE_SECONDS)
    assert process.returncode == 2 and "incidents.yaml:" in err and "riot" in err, err
    sub = atlas.store.get("fails-1")
    assert sub["status"] == "accepted" and sub["publication"]["state"] == "failed"
    reason = sub["publication"]["reason"]
    assert "riot" in reason and "fails-1" not in latest_ids(atlas)
    assert main([*atlas.cli, "list"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("fails-1\t"))
    assert line.endswith(f"\taccepted\tcon\tfails-1.csv\tnot published: {reason}")
    contributor = signed_in(atlas.app, "con")
    for who, client in (("contributor", contributor), ("reviewer", atlas.reviewer)):
        page = client.get("/contribute/fails-1").get_data(as_text=True)
        assert "Publication: not published:" in page and "riot" in page, who
        assert ('id="publish-again"' in page) == (who == "reviewer"), who
    assert 'id="publish-again"' in atlas.reviewer.get("/review").get_data(as_text=True)
    refused = contributor.post("/review/publish", data={"csrf_token": token(contributor, "/contribute")})
    assert refused.status_code == 403
    again = atlas.reviewer.post("/review/publish", data={"csrf_token": token(atlas.reviewer, "/review")})
    assert again.status_code == 302
    idle(atlas, until=lambda: atlas.store.get("fails-1")["publication"]["state"] != "failed")
    assert atlas.store.get("fails-1")["publication"]["state"] == "published" and "fails-1" in latest_ids(atlas)
    assert "published in release" in atlas.reviewer.get("/contribute/fails-1").get_data(as_text=True)
    actions = [h["action"] for h in atlas.store.history()]
    assert actions.count("publish failed") == 1 and "publish again" in actions


def test_a_stopped_build_is_said_and_the_next_publish_takes_its_submissions(atlas, capsys):
    submitted(atlas, "stopped-1")
    process = cli_publish(atlas, "stopped-1")
    deadline = time.monotonic() + IDLE_SECONDS
    while (atlas.store.get("stopped-1")["publication"] or {}).get("state") != "building":
        assert time.monotonic() < deadline and process.poll() is None, "the build did not start"
        time.sleep(0.05)
    time.sleep(1.5)  # well inside the build
    process.send_signal(signal.SIGKILL)
    process.communicate()
    assert builder(atlas.out) is None
    words = publishing.state(atlas.store.get("stopped-1"), atlas.out)
    assert words == "not published: the build stopped before it finished; publish again"
    assert 'id="publish-again"' in atlas.reviewer.get("/review").get_data(as_text=True)
    assert main([*atlas.cli, "--by", "operator", "publish"]) == 0
    assert atlas.store.get("stopped-1")["publication"]["state"] == "published"
    assert "stopped-1" in latest_ids(atlas)
    assert not list(atlas.out.parent.glob(temporary_prefix(atlas.out) + "*"))
    capsys.readouterr()


# Where an import is stopped: (what is stalled, after it does its work)
STALLS = {"while the file is checked": "check", "with the submission written, before its history": "create"}
STALL = """
import sys, time
from contrib import checks, store
from pipeline import cli

def stalled(real):
    def wait(*args, **kwargs):
        out = real(*args, **kwargs)
        print("stalled", flush=True)
        time.sleep(600)
        return out
    return wait

if sys.argv[1] == "check":
    checks.check = stalled(checks.check)
else:
    store.ContributionStore.create = stalled(store.ContributionStore.create)
sys.exit(cli.main(sys.argv[2:]))
"""


@pytest.mark.parametrize("where", STALLS)
def test_an_import_killed_midway_leaves_no_submission(atlas, tmp_path, where):
    """`border-atlas import` killed (SIGKILL) while it checks the file, or once the submission's row is written but
    not its history: no submission is left "imported", nothing is in the history, and the name is free again."""
    name = f"killed-{STALLS[where]}"
    (tmp_path / f"{name}.csv").write_text(incident_csv(name), encoding="utf-8")
    command = [sys.executable, "-c", STALL, STALLS[where], *atlas.cli, "--by", "con", "import",
               str(tmp_path / f"{name}.csv"), "--layer", "incidents", "--as", name]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "stalled", process.stderr.read()
    process.send_signal(signal.SIGKILL)
    process.communicate()
    assert atlas.store.get(name) is None
    assert not atlas.store.history(name)
    assert [s for s in atlas.store.submissions() if s["status"] == "imported"] == []
    assert main([*atlas.cli, "--by", "con", "import", str(tmp_path / f"{name}.csv"), "--layer", "incidents",
                 "--as", name]) == 0  # fmt: skip
    assert atlas.store.get(name)["status"] == "checked"

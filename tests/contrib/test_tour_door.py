"""A guided tour proposed through the contributions' door (contrib/tours.py): uploaded as a Markdown file, checked by
the build's own check (its report names the line and the step), submitted, reviewed, and published by a build that
compiles it with the atlas's tours; by the web door and by the command line."""

from __future__ import annotations

import io
import re
import shutil

import pytest

from contrib import accounts
from contrib.store import ContributionStore
from contrib.tours import accepted_tours
from pipeline import build as builder
from pipeline.cli import main
from tests.contrib.test_web import PASSWORD, signed_in, token
from tests.layers.test_tours import line_of, tour_text
from webapp import create_app
from webapp.contribute import pages

GOOD = tour_text("years: 1931\ncentre: [47.4, 84.9]\nzoom: 8\nselect: [zaysan-1931-02-11]\n")
BAD = tour_text("years: 1931\ncentre: [47.4, 84.9]\nzoom: 8\nselect: [zaysan-1931-02-11, nowhere]\n")


@pytest.fixture(scope="module")
def door(built, tmp_path_factory):
    """(app, contributions store, store path): a copy of the session's build with a contributor and a reviewer."""
    root = tmp_path_factory.mktemp("tour-door")
    shutil.copy(built[0], root / "atlas.gpkg")
    store = ContributionStore(root / "c.sqlite")
    for name, role in (("con", "contributor"), ("rev", "reviewer")):
        accounts.add_user(store, name, role, PASSWORD, "admin")
    app = create_app({"STORE": root / "atlas.gpkg", "CONTRIBUTIONS": str(root / "c.sqlite"), "TESTING": True,
                      "SECRET_KEY": "test"})  # fmt: skip
    return app, store, root / "atlas.gpkg"


def upload(client, text: str, file_name: str, layer: str = "tour"):
    data = {"layer": layer, "file": (io.BytesIO(text.encode()), file_name)}
    return client.post("/contribute", data=data | {"csrf_token": token(client, "/contribute")})


def test_a_malformed_tour_is_reported_by_line_and_step(door):
    app, store, _ = door
    client = signed_in(app, "con")
    assert "tour (a guided tour" in client.get("/contribute").get_data(as_text=True)
    sent = upload(client, BAD, "a-broken-tour.md")
    name = re.fullmatch(r"/contribute/(a-broken-tour-[0-9a-f]{6})", sent.headers["Location"])[1]
    page = client.get(f"/contribute/{name}").get_data(as_text=True)
    second = BAD.rindex("```step\n") + len("```step\n")
    assert "needs work" in page and "Layer <strong>tour</strong>" in page
    assert f"line {line_of(BAD, 'years', second)}, step 2: no feature &#39;nowhere&#39; in the build" in page
    refused = client.post(f"/contribute/{name}/submit", data={"csrf_token": token(client, "/contribute")})
    assert refused.status_code == 400 and "allowed: a checked submission" in refused.get_data(as_text=True)


def test_a_tour_uploaded_reviewed_and_accepted_is_published_by_the_next_build(door, layers, monkeypatch):
    app, store, out = door
    published = []
    monkeypatch.setattr(pages, "_publish_in_background", lambda *args: published.append(args))
    client = signed_in(app, "con")
    sent = upload(client, GOOD, "a-proposed-tour.md", layer="")  # a Markdown file without a layer: a tour
    name = sent.headers["Location"].rsplit("/", 1)[1]
    page = client.get(f"/contribute/{name}").get_data(as_text=True)
    assert "checked" in page and "No problem found." in page
    assert (
        client.post(f"/contribute/{name}/submit", data={"csrf_token": token(client, "/contribute")}).status_code == 302
    )
    reviewer = signed_in(app, "rev")
    assert name in reviewer.get("/review").get_data(as_text=True)
    done = reviewer.post(f"/review/{name}", data={"decision": "accept", "comment": "the passages say so",
                                                  "csrf_token": token(reviewer, "/review")})  # fmt: skip
    assert done.status_code == 302 and published == [("rev", "--pending")]
    assert accepted_tours(store) == [("a-proposed-tour.md", GOOD.encode(), name)]
    monkeypatch.setattr(builder, "build_layers", lambda *args, **kwargs: layers)  # the tours are what change
    guided = accepted_tours(store)
    builder.build(builder.SOURCES, builder.REFERENCE, out, progress=lambda *_: None, contributed_tours=guided)
    reader = create_app({"STORE": out, "TESTING": True}).test_client()
    listed = {t["slug"] for t in reader.get("/tours?f=json").get_json()["tours"]}
    assert listed == {"a-proposed-tour", "closing-the-border", "flight-to-xinjiang"}
    tour = reader.get("/tours/a-proposed-tour?f=json").get_json()
    assert tour["file"] == "contributions/a-proposed-tour.md" and tour["steps"][1]["select"] == ["zaysan-1931-02-11"]
    assert reader.get("/tours/a-proposed-tour/2").status_code == 200


def test_the_command_line_imports_a_tour_by_its_extension(door, tmp_path, capsys):
    _, _, out = door
    (tmp_path / "closing-the-border.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "by-the-command.md").write_text(BAD, encoding="utf-8")
    base = ["--contributions", str(tmp_path / "c.sqlite"), "--store", str(out), "--by", "h"]
    assert main([*base, "import", str(tmp_path / "by-the-command.md"), "--as", "cli-tour"]) == 1
    said = capsys.readouterr().out
    assert "imported by-the-command.md as cli-tour" in said and "step 2: no feature 'nowhere' in the build" in said
    assert said.splitlines()[-1] == "cli-tour: 1 errors, 2 steps checked; needs work"
    (tmp_path / "a-good-one.md").write_text(GOOD, encoding="utf-8")
    assert main([*base, "import", str(tmp_path / "a-good-one.md"), "--layer", "tour"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "a-good-one: 0 errors, 2 steps checked; checked"
    assert main([*base, "import", str(tmp_path / "closing-the-border.md"), "--as", "taken"]) == 1
    assert "'closing-the-border', and the atlas already has a tour of that name" in capsys.readouterr().out
    assert ContributionStore(tmp_path / "c.sqlite").get("cli-tour")["layer"] == "tour"


def test_every_steps_problem_is_in_the_first_report(door):
    """Two steps wrong in two ways (a layer the atlas has not, a feature not in it): both in one report, each at its
    step and line, not one per upload."""
    app, store, _ = door
    text = BAD.replace("layers: [border]", "layers: [rivers]", 1)
    client = signed_in(app, "con")
    name = upload(client, text, "two-broken-steps.md").headers["Location"].rsplit("/", 1)[1]
    page = client.get(f"/contribute/{name}").get_data(as_text=True)
    assert f"line {line_of(text, 'years')}, step 1: unknown layer &#39;rivers&#39;" in page
    second = text.rindex("```step\n") + len("```step\n")
    assert f"line {line_of(text, 'years', second)}, step 2: no feature &#39;nowhere&#39;" in page

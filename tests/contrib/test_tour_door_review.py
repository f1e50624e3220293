"""A proposed tour's name, versions and review (contrib/tours.py, contrib/workflow.py, the door's pages): a slug the
atlas or another proposal has is refused; an accepted tour that breaks the build names itself and can be withdrawn
or rejected, so that publishing goes on."""

from __future__ import annotations

import io
import re

import pytest

from contrib import accounts, publishing, tours, workflow
from contrib.context import Context
from contrib.store import ContributionStore
from layers import tours as built_tours
from layers.errors import DataError
from pipeline.cli import main
from store import GeoPackageStore
from tests.contrib.test_tour_door import BAD, GOOD, door, upload  # noqa: F401 - the fixture
from tests.contrib.test_web import PASSWORD, signed_in, token
from webapp import create_app


@pytest.fixture(scope="module")
def context(door):  # noqa: F811
    return Context(GeoPackageStore(door[2]))


def test_a_tour_of_the_built_atlas_is_refused_even_when_data_tours_lacks_it(context, tmp_path):
    """The atlas's tours are those it was built with (data/tours and the accepted ones): not only data/tours."""
    report = tours.check(GOOD.encode(), "closing-the-border.md", context, sources=tmp_path / "sources")
    assert not report.ok
    assert "the tour 'closing-the-border', and the atlas already has a tour of that name" in report.lines()[0]
    assert tours.check(GOOD.encode(), "a-new-one.md", context, sources=tmp_path / "sources").ok


def test_a_tour_another_live_proposal_has_is_refused_until_it_is_withdrawn(context, tmp_path):
    store = ContributionStore(tmp_path / "c.sqlite")
    kept = {"contributor": "con", "context": context, "gazetteer": None, "layer": "tour"}
    first, report = workflow.import_file(store, GOOD.encode(), "steppe-crossings.md", name="first", **kept)
    assert report.ok
    second, report = workflow.import_file(store, GOOD.encode(), "steppe-crossings.md", name="second", **kept)
    assert not report.ok and store.get("second")["status"] == "needs work"
    assert "the submission 'first' already proposes a tour of that name" in report.lines()[0]
    for name in (first, second):
        workflow.withdraw(store, name, "con", "proposed again under another name")
    assert workflow.import_file(store, GOOD.encode(), "steppe-crossings.md", name="third", **kept)[1].ok


def test_an_accepted_tour_that_breaks_the_build_is_named_and_can_be_rejected_or_withdrawn(door, layers, tmp_path):  # noqa: F811
    app, store, out = door
    for name in ("dup-web", "dup-cli"):
        store.create(name, "tour", file_name="closing-the-border.md", data=GOOD.encode(), contributor="con",
                     kind="tour", status="accepted", report={}, records=None)  # fmt: skip
    with pytest.raises(DataError) as failed:
        built_tours.compile_all(built_tours.folder(tours.SOURCES), layers, contributed=tours.accepted_tours(store))
    reason = str(failed.value)
    assert "a tour 'closing-the-border' is already in the atlas" in reason
    assert "withdraw or reject the accepted submission 'dup-cli'" in reason
    publishing.mark(store, ["dup-web", "dup-cli"], "failed", reason=reason)
    reviewer = signed_in(app, "rev")
    page = reviewer.get("/contribute/dup-web").get_data(as_text=True)
    assert "Reject it, so that publishing goes on" in page and "withdraw or reject the accepted submission" in page
    done = reviewer.post("/review/dup-web", data={"decision": "reject", "comment": "a tour of that name exists",
                                                  "csrf_token": token(reviewer, "/review")})  # fmt: skip
    assert done.status_code == 302 and store.get("dup-web")["status"] == "rejected"
    base = ["--contributions", store.url, "--store", str(out), "--by", "admin"]
    assert main([*base, "withdraw", "dup-cli", "--reason", "a tour of that name exists"]) == 0
    assert store.get("dup-cli")["status"] == "withdrawn"
    assert tours.accepted_tours(store) == []
    with pytest.raises(ValueError, match="allowed: one not yet accepted"):
        workflow.withdraw(store, "dup-cli", "con", "again")


def test_a_tour_is_fixed_by_a_new_version_on_the_web_and_by_the_command_line(door, tmp_path, capsys):  # noqa: F811
    app, store, out = door
    client = signed_in(app, "con")
    name = upload(client, BAD, "a-tour-to-fix.md").headers["Location"].rsplit("/", 1)[1]
    page = client.get(f"/contribute/{name}").get_data(as_text=True)
    assert "Replace the tour with its fixed Markdown file" in page
    fixed = {"file": (io.BytesIO(GOOD.encode()), "a-tour-to-fix.md"), "csrf_token": token(client, "/contribute")}
    assert client.post(f"/contribute/{name}/replace", data=fixed).status_code == 302
    assert store.get(name)["status"] == "checked" and len(store.versions(name)) == 1
    assert "Earlier versions of the file: 1. a-tour-to-fix.md" in client.get(f"/contribute/{name}").get_data(
        as_text=True
    )
    base = ["--contributions", store.url, "--store", str(out), "--by", "con"]
    (tmp_path / "a-tour-to-fix.md").write_text(BAD, encoding="utf-8")
    assert main([*base, "import", str(tmp_path / "a-tour-to-fix.md"), "--as", name]) == 1
    assert f"imported a-tour-to-fix.md as version 3 of {name}" in capsys.readouterr().out
    assert main([*base, "check", name]) == 1
    said = capsys.readouterr().out.splitlines()
    assert "step 2: no feature 'nowhere' in the build" in said[0]
    assert said[-1] == f"{name}: 1 errors, 2 steps checked; needs work"


def test_the_door_links_the_tour_format_as_a_page_and_the_guides_link_each_other(door):  # noqa: F811
    app, _, _ = door
    page = signed_in(app, "con").get("/contribute").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)" id="tour-guide">', page)[1]
    reader = app.test_client()  # the guides are for anyone
    tours_guide = reader.get(link)
    text = tours_guide.get_data(as_text=True)
    assert tours_guide.status_code == 200 and '<h2 id="proposing-a-tour">Proposing a tour</h2>' in text
    assert '<a href="/contribute/guide">contributions.md</a>' in text  # tours.md's link to contributions.md
    assert 'href="map.md"' not in text and "map.md" in text  # a document not served here: its words only
    guide = reader.get("/contribute/guide").get_data(as_text=True)
    assert '<a href="/contribute/guide/tours#proposing-a-tour">' in guide
    assert reader.get(re.search(r'<a href="(/contribute/guide/tours)#', guide)[1]).status_code == 200
    assert reader.get("/contribute/guide/nothing").status_code == 404


def test_a_feature_the_atlas_lacks_is_said_with_where_to_find_ids(context):
    report = tours.check(BAD.encode(), "where-ids-are.md", context)
    assert "no feature 'nowhere' in the build; allowed: the id of a feature of the atlas" in report.lines()[0]
    assert "after sel=" in report.lines()[0] and "/collections/<layer>/items" in report.lines()[0]


def test_a_markdown_file_sent_with_a_records_layer_is_told_to_choose_the_layer_tour(door):  # noqa: F811
    app, _, _ = door
    client = signed_in(app, "con")
    refused = upload(client, GOOD, "my-tour.md", layer="incidents")  # the form's first layer, left as it was
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "not read" not in page
    said = re.search(r'<span class="error" role="alert">([^<]*)</span>', page)[1]
    assert said.startswith(
        "layer &#39;incidents&#39;: my-tour.md is a Markdown file, a guided tour; allowed: the layer tour"
    )


def test_the_reviewer_reads_a_tours_steps_before_deciding(door):  # noqa: F811
    app, store, _ = door
    text = GOOD.replace("years: 1931\ncentre: [47.4, 84.9]\nzoom: 8\nselect:", "title: Zaysan\nyears: [1930, 1931]\n"
                        "centre: [47.4, 84.9]\nzoom: 8\nselect:", 1)  # fmt: skip
    client = signed_in(app, "con")
    name = upload(client, text, "steps-to-read.md").headers["Location"].rsplit("/", 1)[1]
    assert (
        client.post(f"/contribute/{name}/submit", data={"csrf_token": token(client, "/contribute")}).status_code == 302
    )
    reviewer = signed_in(app, "rev")
    queue = reviewer.get("/review").get_data(as_text=True)
    row = re.search(rf"<tr><td><a [^>]*>{name}</a>.*?</tr>", queue, re.S)[0]
    assert "<td>2 steps</td>" in row
    page = reviewer.get(f"/contribute/{name}").get_data(as_text=True)
    rows = re.findall(r"<tr><td>(\d)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", page)
    assert rows == [("1", "", "1931", "", "The first step."), ("2", "Zaysan", "1930–1931", "zaysan-1931-02-11",
                                                                "The second.")]  # fmt: skip


def test_a_door_closed_at_start_says_to_restart_once_accounts_are_added(built, tmp_path):
    app = create_app({"STORE": built[0], "CONTRIBUTIONS": str(tmp_path / "c.sqlite"), "TESTING": True})
    client = app.test_client()
    assert "has no accounts" in client.get("/contribute").get_data(as_text=True)
    accounts.add_user(ContributionStore(tmp_path / "c.sqlite"), "first", "admin", PASSWORD, "admin")
    closed = client.get("/contribute")
    assert closed.status_code == 404 and "Restart the server to open it" in closed.get_data(as_text=True)

"""The contributors' forms answer a refusal with the form again, the message beside its field and what was typed
kept (never the app's JSON error); a fix replaces the file of a submission (a new version, choices kept); a
withdrawal says why; the review queue decides from the list; the contribute page links the guide."""

from __future__ import annotations

import html
import io
import re

from tests.contrib.conftest import TWO_INCIDENTS
from tests.contrib.test_web import said, signed_in, token, web  # noqa: F401 - `web` is the fixture

MISTAKEN = TWO_INCIDENTS.replace(",detention,1930", ",riot,1930")


def _upload(client, text: str, file_name: str = "ogpu.csv", **form):
    data = {"layer": "incidents", "file": (io.BytesIO(text.encode()), file_name), "csrf_token": token(client,
            "/contribute")} | form  # fmt: skip
    return client.post("/contribute", data=data)


def test_an_upload_with_a_bad_extension_is_the_form_again_with_its_message(web):  # noqa: F811
    client = signed_in(web, "con")
    refused = _upload(client, TWO_INCIDENTS, "ogpu.txt", name="my-register")
    assert refused.status_code == 400
    assert said(refused) == ["ogpu.txt: files ending .txt are not read; allowed: .csv, .csv.zip, .zip, .xlsx, "
                             ".geojson, .json, .jsonld, .gpkg"]  # fmt: skip
    page = refused.get_data(as_text=True)
    assert 'id="file-error"' in page and 'value="my-register"' in page and "<option selected>incidents" in page


def test_a_contributor_opening_the_review_queue_is_told_on_the_contribute_page(web):  # noqa: F811
    client = signed_in(web, "con")
    answer = client.get("/review", follow_redirects=True)
    assert answer.status_code == 200 and answer.request.path == "/contribute"
    assert said(answer) == ["The review queue is for a reviewer or above; you are signed in as con, a contributor."]


def test_bad_coordinates_are_the_page_again_with_the_message_beside_that_name(web):  # noqa: F811
    client = signed_in(web, "con")
    name = _upload(client, TWO_INCIDENTS).headers["Location"].rsplit("/", 1)[1]
    sent = client.post(f"/contribute/{name}/choose", data={"row": "2", "field": "location.place", "choice": "lonlat",
                                                           "lonlat": "800,43", "basis": "a 1930 map",
                                                           "csrf_token": token(client, "/contribute")})  # fmt: skip
    assert sent.status_code == 400
    assert said(sent) and "800,43" in said(sent)[0]
    page = sent.get_data(as_text=True)
    assert 'value="800,43"' in page and 'value="a 1930 map"' in page
    assert re.search(r'<input name="area" placeholder="[^"]*" value="">', page)  # its own input, apart from a point


def test_replace_the_file_makes_a_new_version_and_keeps_the_choices(web):  # noqa: F811
    client = signed_in(web, "con")
    name = _upload(client, MISTAKEN).headers["Location"].rsplit("/", 1)[1]
    csrf = token(client, "/contribute")
    client.post(f"/contribute/{name}/choose", data={"row": "2", "field": "location.place", "choice": "geonames:1522818",
                                                    "csrf_token": csrf})  # fmt: skip
    contributions = web.extensions["contributions"]
    assert contributions.get(name)["status"] == "needs work"
    bad = client.post(f"/contribute/{name}/replace", data={"file": (io.BytesIO(b"x"), "fixed.doc"), "csrf_token": csrf})
    assert bad.status_code == 400 and said(bad)[0].startswith("fixed.doc: files ending .doc are not read")
    fixed = {"file": (io.BytesIO(TWO_INCIDENTS.encode()), "fixed.csv"), "csrf_token": csrf}
    assert client.post(f"/contribute/{name}/replace", data=fixed).status_code == 302
    sub = contributions.get(name)
    assert (sub["status"], sub["file_name"], list(sub["choices"])) == ("checked", "fixed.csv", ["2:location.place"])
    assert [h["action"] for h in contributions.history(name)].count("new version") == 1
    page = client.get(f"/contribute/{name}").get_data(as_text=True)
    assert "Earlier versions of the file: 1. ogpu.csv" in page
    why = "2 of them are the file's records; 1 is a new place of the gazetteer that a choice adds: Kegen."
    assert f'<span id="staged-why">{html.escape(why, quote=False)}</span>' in page
    assert len([s for s in contributions.submissions() if s["name"] == name]) == 1


def test_withdraw_needs_a_reason_and_is_in_the_history(web):  # noqa: F811
    client = signed_in(web, "con")
    name = _upload(client, MISTAKEN).headers["Location"].rsplit("/", 1)[1]
    csrf = token(client, "/contribute")
    refused = client.post(f"/contribute/{name}/withdraw", data={"reason": " ", "csrf_token": csrf})
    assert refused.status_code == 400 and said(refused) == [
        "a withdrawal needs a reason: say why the submission is withdrawn"]  # fmt: skip
    assert client.post(f"/contribute/{name}/withdraw", data={"reason": "wrong year", "csrf_token": csrf}).status_code \
        == 302  # fmt: skip
    last = web.extensions["contributions"].history(name)[-1]
    assert (last["action"], last["why"], web.extensions["contributions"].get(name)["status"]) == (
        "withdraw", "wrong year", "withdrawn")  # fmt: skip


def test_the_queue_decides_from_the_list_and_the_contribute_page_links_the_guide(web, monkeypatch):  # noqa: F811
    from webapp.contribute import pages

    monkeypatch.setattr(pages, "_publish_in_background", lambda *args: None)
    client = signed_in(web, "con")
    page = client.get("/contribute").get_data(as_text=True)
    guide = re.search(r'<a href="([^"]+)" id="guide">', page).group(1)
    assert re.search(r"<h1[^>]*>Contributions: a historian", client.get(guide).get_data(as_text=True))
    template = client.get(re.search(r'<a href="([^"]+\.zip)">', page).group(1))
    assert (template.status_code, template.mimetype, template.data[:2]) == (200, "application/zip", b"PK")
    name = _upload(client, TWO_INCIDENTS.replace("near Kegen,Kegen,", "near Kegen,Jarkent,")).headers["Location"]
    name = name.rsplit("/", 1)[1]
    client.post(f"/contribute/{name}/submit", data={"csrf_token": token(client, "/contribute")})
    reviewer = signed_in(web, "rev")
    queue = reviewer.get("/review").get_data(as_text=True)
    assert f'action="/review/{name}" class="decide"' in queue
    refused = reviewer.post(f"/review/{name}", data={"decision": "reject", "back": "queue", "comment": "",
                                                     "csrf_token": token(reviewer, "/review")})  # fmt: skip
    assert refused.status_code == 400 and said(refused) == ["a rejection needs a comment saying why"]
    assert "Waiting for review" in refused.get_data(as_text=True)
    done = reviewer.post(f"/review/{name}", data={"decision": "reject", "back": "queue", "comment": "not 1930",
                                                  "csrf_token": token(reviewer, "/review")})  # fmt: skip
    assert done.headers["Location"] == "/review" and web.extensions["contributions"].get(name)["status"] == "rejected"


def test_the_pages_follow_a_build_until_it_is_published_or_fails(web, monkeypatch):  # noqa: F811
    """The submission and review pages poll publication.json (static/contribute/progress.js) while a build runs."""
    from contrib import publishing
    from webapp.contribute import pages

    monkeypatch.setattr(pages, "_publish_in_background", lambda *args: None)
    monkeypatch.setattr(publishing, "builder", lambda out: 4242)  # a build is running
    client = signed_in(web, "con")
    name = _upload(client, TWO_INCIDENTS.replace("near Kegen,Kegen,", "near Kegen,Jarkent,")).headers["Location"]
    name = name.rsplit("/", 1)[1]
    client.post(f"/contribute/{name}/submit", data={"csrf_token": token(client, "/contribute")})
    reviewer = signed_in(web, "rev")
    accept = {"decision": "accept", "comment": "", "csrf_token": token(reviewer, "/review")}
    reviewer.post(f"/review/{name}", data=accept)
    polled = f"/contribute/{name}/publication.json"
    page = client.get(f"/contribute/{name}").get_data(as_text=True)
    assert f'data-follow="{polled}" data-words="Publication: %s.">Publication: waiting for the build.' in page
    assert '<script type="module" src="/static/contribute/progress.js"></script>' in page
    assert client.get("/static/contribute/progress.js").mimetype == "text/javascript"
    assert client.get(polled).get_json() == {"name": name, "words": "waiting for the build", "done": False,
                                             "failed": False}  # fmt: skip
    store = web.extensions["contributions"]
    publishing.mark(store, [name], "building", step="drawing the incidents")
    assert f'data-follow="{polled}"' in reviewer.get("/review").get_data(as_text=True)
    now = reviewer.get(polled).get_json()
    assert now["words"].endswith("; now drawing the incidents)") and not now["done"]
    publishing.mark(store, [name], "published", release=7)
    assert client.get(polled).get_json() == {"name": name, "words": "published in release 7", "done": True,
                                             "failed": False}  # fmt: skip
    assert "data-follow" not in client.get(f"/contribute/{name}").get_data(as_text=True)
    publishing.mark(store, [name], "failed", reason="the disk is full")
    assert client.get(polled).get_json()["words"] == "not published: the disk is full"
    assert client.get(polled).get_json()["done"] and client.get(polled).get_json()["failed"]
    assert signed_in(web, "reader").get(polled).status_code in (403, 404)  # not the reader's submission

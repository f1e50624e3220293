"""What a submission's page offers follows its state: nothing new said plainly, the choices made listed, only the
forms its status allows; the build's progress in a historian's words; the map's links know who is signed in."""

from __future__ import annotations

import io

from tests.contrib.test_web import signed_in, token, web  # noqa: F401 - `web` is the fixture


def _upload(client, data: bytes, file_name: str) -> str:
    form = {"layer": "incidents", "file": (io.BytesIO(data), file_name), "csrf_token": token(client, "/contribute")}
    return client.post("/contribute", data=form).headers["Location"].rsplit("/", 1)[1]


def test_a_file_the_atlas_has_already_is_said_to_be_nothing_new(web, download):  # noqa: F811
    client = signed_in(web, "con")
    name = _upload(client, download("incidents", "geojson").read_bytes(), "incidents.geojson")
    page = client.get(f"/contribute/{name}").get_data(as_text=True)
    assert '<p id="nothing-new">Nothing new: every row is as the atlas has it. Nothing needs fixing' in page


def test_the_choices_made_are_listed_and_a_missing_preview_is_explained(web):  # noqa: F811
    from tests.contrib.test_forms import MISTAKEN

    client = signed_in(web, "con")
    name = _upload(client, MISTAKEN.encode(), "ogpu.csv")
    choose = {"row": "2", "field": "location.place", "choice": "geonames:1522818", "csrf_token": token(client)}
    client.post(f"/contribute/{name}/choose", data=choose)
    page = client.get(f"/contribute/{name}").get_data(as_text=True)
    assert "<li>“Kegen” → Kegen, GeoNames 1522818 (row 2, location.place)</li></ul>" in page
    assert '<span id="no-preview">The preview on the map is offered once no error' in page
    assert 'id="preview"' not in page


def test_a_withdrawn_or_published_submission_offers_only_what_its_status_allows(web, monkeypatch):  # noqa: F811
    from contrib import publishing
    from tests.contrib.conftest import TWO_INCIDENTS
    from webapp.contribute import pages

    monkeypatch.setattr(pages, "_publish_in_background", lambda *args: None)
    client = signed_in(web, "con")
    withdrawn = _upload(client, TWO_INCIDENTS.encode(), "ogpu.csv")  # Kegen to choose
    client.post(f"/contribute/{withdrawn}/withdraw", data={"reason": "wrong year", "csrf_token": token(client)})
    page = client.get(f"/contribute/{withdrawn}").get_data(as_text=True)
    assert "withdrawn" in page and "Places to choose" not in page and 'id="no-preview"' not in page
    name = _upload(client, TWO_INCIDENTS.replace("near Kegen,Kegen,", "near Kegen,Jarkent,").encode(), "ogpu.csv")
    client.post(f"/contribute/{name}/submit", data={"csrf_token": token(client)})
    reviewer = signed_in(web, "rev")
    reviewer.post(f"/review/{name}", data={"decision": "accept", "comment": "", "csrf_token": token(reviewer)})
    publishing.mark(web.extensions["contributions"], [name], "published", release=7)
    page = client.get(f"/contribute/{name}").get_data(as_text=True)
    assert 'id="preview"' not in page and "Preview the" not in page
    assert '<a id="published" href="/map#year=1929-1930&amp;sel=kegen-1929-04">' in page


def test_the_map_offers_no_sign_in_to_a_reader_signed_in_and_the_door_says_why_to_sign_in(web):  # noqa: F811
    page = signed_in(web, "con").get("/map").get_data(as_text=True)
    assert '"Contribute": "/contribute"' in page and '"Sign in"' not in page
    door = web.test_client().get("/contribute", follow_redirects=True)
    assert door.request.path == "/sign-in"
    assert '<p id="why-sign-in">Sign in to contribute records to the atlas' in door.get_data(as_text=True)

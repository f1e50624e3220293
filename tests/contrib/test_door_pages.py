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

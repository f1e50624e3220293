"""The map page embeds the light layers only: the point layers and flows are fetched by the browser."""

from __future__ import annotations

import pytest

# one feature of each fetched layer, and of each embedded one
FETCHED = {
    "incidents": "santos-1927-08-24",
    "places": "narynkol",
    "outposts": "jetisu-border-detachment",
    "customs": "customs-post-khorgos",
    "migration": "emigration-1930-1933",
}
EMBEDDED = {"zones": "zone-22-km", "border": "kazakh-xinjiang-border"}


@pytest.fixture(scope="module")
def page_html(app):
    return app.test_client().get("/map").get_data(as_text=True)


@pytest.mark.parametrize(("cid", "fid"), FETCHED.items())
def test_the_page_holds_no_feature_of_a_fetched_layer(client, page_html, cid, fid):
    feature = client.get(f"/collections/{cid}/items/{fid}").get_json()
    assert feature["id"] == fid, "the feature exists: the check below can fail"
    assert f'"id": "{fid}"' not in page_html, "no feature of it in the page"


def test_no_incident_is_in_the_page(page_html, layers):
    assert not [fid for fid in layers["incidents"]["id"] if fid in page_html]


@pytest.mark.parametrize(("cid", "fid"), EMBEDDED.items())
def test_the_light_layers_stay_in_the_page(page_html, cid, fid):
    assert f'"id": "{fid}"' in page_html, cid


def test_the_page_loads_its_modules_and_names_the_items_api(page_html):
    assert '<script nonce="' in page_html and 'type="module" src="/static/atlas/main.js"' in page_html
    assert '"itemsUrl": "/collections/CID/items"' in page_html
    assert "BorderAtlasQueue" in page_html


def test_the_modules_are_served_as_javascript(client):
    for name in ("main", "util", "records", "popups", "regime", "time", "layers", "search", "urlstate", "controls"):
        response = client.get(f"/static/atlas/{name}.js")
        assert response.status_code == 200 and "javascript" in response.mimetype, name


def test_the_places_index_names_every_place_under_every_name(client, layers):
    index = {row[0]: row for row in client.get("/map/places.json").get_json()}
    assert set(index) == set(layers["places"]["id"])
    kuldja = index["kuldja"]
    assert kuldja[1] == 1 and kuldja[2] == "Kuldja" and "Ghulja" in kuldja and "伊宁" in kuldja
    assert index["uryl"][1] == 0, "unlocated: offered as a link to its page"

"""An error answers a browser with a small page (its status, the message, the way back) and every API client with
the JSON it always had (webapp/errors.py, the choice in webapp/params.error_in_html)."""

from __future__ import annotations

import re

import pytest

from tests.web.readable import html_text
from webapp import create_app

# What Chromium sends for a page it navigates to.
BROWSER = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
    "application/signed-exchange;v=b3;q=0.7"
}
XSS = "<img src=x onerror=alert(1)>"
# path -> (status, the JSON's parameter (None: none), words the message holds, the page listing what exists)
ERRORS = {
    "/places/nowhere": (404, None, "No feature 'nowhere' in collection 'places'", "/collections/places/items?f=html"),
    "/figure?width=99": (400, "width", "'99' is not a journal column width; allowed: single (84 mm)", None),
    "/collections/zones/items?bbox-crs=EPSG:4326&bbox=1,2,3,4": (
        400, "bbox-crs", "'EPSG:4326' is not offered (the features are in WGS 84 longitude/latitude); allowed:",
        "/collections/zones?f=html",
    ),
    "/sign-in": (404, None, "This atlas is read-only: it has no accounts", None),
    "/texts/nowhere": (404, None, "nowhere", "/texts"),
    "/collections/nowhere": (404, None, "nowhere", "/collections?f=html"),
    "/tours/nowhere": (404, None, "No tour 'nowhere'; the tours are listed at /tours", "/tours"),
}  # fmt: skip
# Clients that keep the JSON, by the Accept header they send.
API_CLIENTS = {"no Accept": {}, "curl": {"Accept": "*/*"}, "JSON": {"Accept": "application/json"},
               "GeoJSON": {"Accept": "application/geo+json"}}  # fmt: skip


@pytest.fixture(scope="module")
def read_only(built, tmp_path_factory):
    """A client of the atlas with no accounts (read-only: no sign-in)."""
    none = tmp_path_factory.mktemp("read-only") / "none.sqlite"
    return create_app({"STORE": built[0], "CONTRIBUTIONS": str(none), "TESTING": True}).test_client()


@pytest.mark.parametrize("path", ERRORS)
def test_a_browser_gets_a_page_naming_the_status_the_message_and_the_way_back(read_only, path):
    status, parameter, words, listing = ERRORS[path]
    response = read_only.get(path, headers=BROWSER)
    assert (response.status_code, response.mimetype) == (status, "text/html")
    assert "Accept" in response.vary
    page = response.get_data(as_text=True)
    name = {400: "400 Bad Request", 404: "404 Not Found"}[status]
    assert re.search(rf"<title>{name} — Border Atlas</title>", page) and f"<h1>{name}</h1>" in page
    text = " ".join(html_text(page).split())
    assert words in text, text
    if parameter:
        assert f"The parameter {parameter}: " in text and "allowed:" in text, text
    links = re.findall(r'href="([^"]+)"', page.split("<main>")[1])
    tours = [] if listing == "/tours" else ["/tours"]  # every error page offers the guided tours, once
    assert links[0] == "/map" and links[1:] == ([listing] if listing else []) + tours, links
    assert "or follow a guided tour" in text or listing == "/tours", text
    assert "Cite this page" not in page and "cite-page" not in page


@pytest.mark.parametrize("client_name", API_CLIENTS)
@pytest.mark.parametrize("path", ERRORS)
def test_an_api_client_keeps_the_json(read_only, path, client_name):
    status, parameter, words, _ = ERRORS[path]
    response = read_only.get(path, headers=API_CLIENTS[client_name])
    assert (response.status_code, response.mimetype) == (status, "application/json")
    body = response.get_json()
    assert set(body) == {"code", "description"} | ({"parameter"} if parameter else set())
    assert body["code"] == {400: "InvalidParameterValue", 404: "NotFound"}[status]
    if parameter:
        assert body["parameter"] == parameter and body["description"].startswith(f"`{parameter}`: ")
    assert words.lower() in body["description"].lower()


@pytest.mark.parametrize("path", [p for p in ERRORS if not p.startswith(("/figure", "/sign-in"))])
def test_a_browser_asking_f_json_gets_the_json(read_only, path):
    asked = read_only.get(path + ("&" if "?" in path else "?") + "f=json", headers=BROWSER)
    assert asked.mimetype == "application/json" and asked.get_json() == read_only.get(path).get_json()


def test_a_data_format_keeps_the_json_in_a_browser(read_only):
    for path in ("/figure?width=99&format=pdf", "/collections/zones/download?format=csv&bbox=1,2", "/cite?format=x"):
        response = read_only.get(path, headers=BROWSER)
        assert (response.status_code, response.mimetype) == (400, "application/json"), path
    page = read_only.get("/figure?part=sources&format=html&width=99", headers=BROWSER)
    assert (page.status_code, page.mimetype) == (400, "text/html")


@pytest.mark.parametrize(
    "path",
    [f"/collections/zones/items?limit={XSS}", f"/figure?width={XSS}", f"/places/{XSS}", f"/collections?f={XSS}",
     f"/collections/zones/items?bbox-crs={XSS}"],
)  # fmt: skip
def test_the_page_escapes_the_value_it_names(read_only, path):
    response = read_only.get(path, headers=BROWSER)
    page = response.get_data(as_text=True)
    assert response.status_code in (400, 404) and response.mimetype == "text/html"
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert XSS in html_text(page)  # shown as the text it is

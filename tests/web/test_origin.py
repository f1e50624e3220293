"""Nothing a request sends shapes what another client gets (issue 19): links from the configured public URL or a
trusted Host, no path prefix from a header, forwarded headers only as configured; read-only CORS."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from webapp import create_app

FORGED = {
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "evil.example",
    "X-Forwarded-Prefix": "/x",
    "X-Forwarded-Port": "1",
    "X-Forwarded-For": "203.0.113.9",
}
SCRIPT_ROOTS = [{"SCRIPT_NAME": "//evil.example"}, {"SCRIPT_NAME": "/x"}]


@pytest.fixture(scope="module")
def fresh(built):
    """A new app on the session's build for each call: nothing built yet, so the first request builds the map."""
    return lambda **config: create_app({"STORE": built[0], "DATABASE": None, "TESTING": True, **config})


# this server's names, and a forged one
OURS = {"localhost", "127.0.0.1", "atlas.example.org", "maps.example.net", "evil.example"}


def links(body) -> list[str]:
    """Every URL in a JSON answer that names this server (or the forged host): not the vocabularies it cites."""
    urls = re.findall(r'"(https?://[^"]*)"', body if isinstance(body, str) else body.decode())
    return [u for u in urls if urlsplit(u).hostname in OURS or "evil" in u]


def script_sources(html: str) -> list[str]:
    return re.findall(r'<script[^>]* src="([^"]*)"', html)


def without_nonces(html: str) -> str:
    """The page without what differs from one response, or one worker, to another: the nonce, Folium's ids."""
    return re.sub(r"_[0-9a-f]{32}(?![0-9a-f])", "_id", re.sub(r'nonce="[^"]*"', 'nonce=""', html))


@pytest.mark.parametrize("environ", SCRIPT_ROOTS)
def test_a_script_root_from_the_first_request_is_in_no_later_page(fresh, environ):
    """The map page is made once per build: the first request of a new build must not shape it."""
    client = fresh().test_client()
    assert client.get("/map", environ_base=environ).status_code == 200
    pages = [client.get("/map").get_data(as_text=True) for _ in range(3)]
    assert len({without_nonces(p) for p in pages}) == 1
    assert script_sources(pages[0]) and all(re.match(r"/[^/]", s) for s in script_sources(pages[0]))
    assert "evil" not in pages[0] and '"/x/' not in pages[0]


@pytest.mark.parametrize("environ", SCRIPT_ROOTS)
def test_a_script_root_a_server_took_from_a_header_changes_no_link(fresh, environ):
    response = fresh().test_client().get("/collections", environ_base=environ)
    assert all(u.startswith("http://localhost/collections") for u in links(response.data))


def test_an_untrusted_host_is_refused_naming_the_host(fresh):
    response = fresh().test_client().get("/collections", headers={"Host": "evil.example"})
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == "Host" and "evil.example" in body["description"]
    assert "BORDER_ATLAS_PUBLIC_URL" in body["description"]


def test_forwarded_headers_are_ignored_unless_configured(fresh):
    client = fresh().test_client()
    plain = client.get("/collections")
    forged = client.get("/collections", headers=FORGED)
    assert links(forged.data) == links(plain.data)
    assert all(u.startswith("http://localhost/") for u in links(forged.data))
    assert forged.headers["ETag"] == plain.headers["ETag"]


def test_a_configured_proxy_sets_the_scheme_and_http_and_https_answers_have_their_own_etag(fresh):
    client = fresh(PROXIES=1, FORWARDED=["proto"]).test_client()
    http = client.get("/collections", headers={"X-Forwarded-Proto": "http"})
    https = client.get("/collections", headers={"X-Forwarded-Proto": "https"})
    assert all(u.startswith("https://localhost/") for u in links(https.data))
    assert all(u.startswith("http://localhost/") for u in links(http.data))
    assert http.headers["ETag"] != https.headers["ETag"]
    # only what was configured: the host and the prefix are still not taken from the headers
    forged = client.get("/collections", headers=FORGED)
    assert all(u.startswith("https://localhost/collections") for u in links(forged.data))


PUBLIC = "https://atlas.example.org/atlas"


@pytest.mark.parametrize(
    "path", ["/collections", "/api", "/collections/places/lpf", "/collections/zones/items?limit=2", "/?f=json"]
)
def test_with_a_public_url_every_link_is_built_from_it_whatever_the_request_says(fresh, path):
    client = fresh(PUBLIC_URL=PUBLIC).test_client()
    answers = [
        client.get(path),
        client.get(path, headers={"Host": "evil.example", **FORGED}),
        client.get(path, environ_base={"SCRIPT_NAME": "//evil.example"}),
        client.get("/atlas" + path),  # a front proxy that passes the prefix on
    ]
    assert all(a.status_code == 200 for a in answers)
    urls = links(answers[0].data)
    assert urls and all(u.startswith(PUBLIC + "/") or u == PUBLIC for u in urls)
    assert all(links(a.data) == urls for a in answers)
    assert len({a.headers["ETag"] for a in answers}) == 1


def test_with_a_public_url_the_map_and_the_figure_cite_it(fresh):
    client = fresh(PUBLIC_URL=PUBLIC).test_client()
    page = client.get("/map", environ_base={"SCRIPT_NAME": "//evil.example"}).get_data(as_text=True)
    assert all(s.startswith("/atlas/") for s in script_sources(page))
    svg = client.get("/figure?format=svg", headers={"Host": "evil.example", **FORGED}).get_data(as_text=True)
    assert f"{PUBLIC}/map#year=1930" in svg and "evil" not in svg
    assert client.get("/api").get_json()["servers"] == [{"url": PUBLIC}]


def test_without_a_public_url_the_figure_cites_the_trusted_host_not_a_forged_one(fresh):
    svg = fresh().test_client().get("/figure?format=svg", headers=FORGED).get_data(as_text=True)
    assert "http://localhost/map#year=1930" in svg and "evil" not in svg and "https://localhost" not in svg


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"PUBLIC_URL": "atlas.example.org"}, "BORDER_ATLAS_PUBLIC_URL was 'atlas.example.org'"),
        ({"PUBLIC_URL": "ftp://atlas.example.org"}, "must be an http"),
        ({"PROXIES": 1, "FORWARDED": ["proto", "cookie"]}, r"BORDER_ATLAS_FORWARDED named \['cookie'\]"),
    ],
)
def test_a_bad_configuration_is_refused_at_start_saying_what_is_allowed(fresh, config, message):
    with pytest.raises(ValueError, match=message):
        fresh(**config)


def test_the_environment_configures_the_origin(fresh, monkeypatch):
    monkeypatch.setenv("BORDER_ATLAS_PUBLIC_URL", "http://maps.example.net:8080")
    monkeypatch.setenv("BORDER_ATLAS_PROXIES", "2")
    monkeypatch.setenv("BORDER_ATLAS_FORWARDED", "for, proto")
    app = fresh()
    assert app.config["PROXIES"] == 2 and app.config["FORWARDED"] == ["for", "proto"]
    body = app.test_client().get("/collections", headers={"Host": "evil.example"}).get_json()
    assert body["links"][0]["href"] == "http://maps.example.net:8080/collections"


# ---------------------------------------------------------------------------------------------------- CORS


@pytest.mark.parametrize("path", ["/collections", "/collections/zones/items?limit=1", "/api", "/nonexistent"])
def test_every_answer_may_be_read_from_any_origin_without_credentials(client, path):
    response = client.get(path, headers={"Origin": "https://notebook.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]


def test_a_preflight_allows_reading_only(client):
    response = client.options(
        "/collections/zones/items",
        headers={
            "Origin": "https://notebook.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert set(response.headers["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert "If-None-Match" in response.headers["Access-Control-Allow-Headers"]
    assert client.post("/collections/zones/items").status_code == 405

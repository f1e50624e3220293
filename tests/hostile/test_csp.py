"""Security headers: a Content-Security-Policy with a nonce on every response, and the map works under it."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from tests.browser.pages import open_map, wait_until

PAGES = ["/", "/map", "/collections?f=html", "/charts", "/statistics?f=html", "/quality?f=html", "/places/jarkent"]
VIOLATIONS = """
    window.__violations = [];
    document.addEventListener('securitypolicyviolation',
        e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""
INJECTED = "<script>window.__injected = 1</script><img src=x onerror='window.__injected = 2'>"


def directives(header: str) -> dict[str, str]:
    return dict(d.strip().split(" ", 1) for d in header.split(";"))


@pytest.mark.parametrize("path", PAGES + ["/collections/zones/items", "/api", "/nonexistent"])
def test_every_response_has_the_headers(client, path):
    response = client.get(path, headers={"Accept": "text/html"})
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == "'self'"
    assert re.fullmatch(r"'self' 'nonce-[A-Za-z0-9_-]{20,}'", policy["script-src"]), "no 'unsafe-inline' script"
    framed = "'self'" if path == "/map" else "'none'"  # the map only, by its own comparison of two moments
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == framed
    assert response.headers["X-Frame-Options"] == ("SAMEORIGIN" if path == "/map" else "DENY")
    assert policy["base-uri"] == "'self'"
    hosts = [urlparse(s).hostname for s in policy["img-src"].split() if s.startswith("https://")]
    assert sorted(hosts) == ["*.tile.opentopomap.org", "tile.openstreetmap.org"], "the online tiles only"
    assert "http:" not in response.headers["Content-Security-Policy"].replace("https:", "")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_nonce_is_new_for_every_response_and_only_on_the_inline_scripts_of_the_map(client):
    """A script loaded by URL is allowed by 'self' alone: with the nonce, one from any origin would run too."""
    nonces = []
    for _ in range(2):
        response = client.get("/map")
        nonce = directives(response.headers["Content-Security-Policy"])["script-src"].split("'nonce-")[1][:-1]
        scripts = re.findall(r"<script\b[^>]*>", response.get_data(as_text=True))
        inline = [s for s in scripts if " src=" not in s]
        loaded = [s for s in scripts if " src=" in s]
        assert inline and all(f'nonce="{nonce}"' in s for s in inline)
        assert loaded and not any("nonce" in s for s in loaded)
        assert all(re.search(r' src="/[^/]', s) for s in loaded), "scripts are loaded from this origin only"
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


@pytest.mark.browser
def test_the_map_works_under_the_policy_and_an_injected_script_is_blocked(browser, live_server):
    """The policy is what stops it: the same page with a script and a handler slipped in, without the nonce."""
    context = browser.new_context()
    context.add_init_script(VIOLATIONS)

    def inject(route):
        response = route.fetch()
        body = response.text().replace("<body>", "<body>" + INJECTED, 1)
        route.fulfill(response=response, body=body)

    context.route(re.compile(r".*/map$"), inject)
    page = context.new_page()
    try:
        page.requests, page.dialogs, page.errors = [], [], []
        page.on("request", lambda r: page.requests.append(r.url))
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.goto(live_server.url + "/map#year=1930")
        page.wait_for_selector("path.border-path")
        page.wait_for_selector("path.zone-path.zone-22-km")
        page.wait_for_timeout(300)  # let the injected image's error handler fire, if it may
        assert page.evaluate("window.__injected") is None, "the injected script ran"
        wait_until(page, "window.__violations.length >= 2")
        violations = page.evaluate("window.__violations")
        assert all(v.startswith("script-src") for v in violations), violations
        assert page.errors == []
        assert all(urlparse(u).hostname == "127.0.0.1" for u in page.requests)
    finally:
        context.close()


@pytest.mark.browser
def test_no_page_breaks_the_policy(browser, live_server):
    page = open_map(browser, live_server.url + "/map#year=1927")
    try:
        page.add_init_script(VIOLATIONS)
        for path in PAGES:
            page.goto(live_server.url + path)
            page.wait_for_load_state("load")
            assert page.evaluate("window.__violations") == [], path
    finally:
        page.close()

"""nginx's micro-cache on the serving path `make run` starts (deploy/nginx.conf, webapp/caching.py): a repeated
answer comes from the cache, a new build shows within about a second, no request header shapes what another
client gets from it, nothing per user (a cookie, credentials, a private or no-store page) is kept or served
from it, and a pinned release's answers are kept. Each server is started on 127.0.0.1 and stopped after."""

from __future__ import annotations

import http.client
import os
import shutil
import sqlite3
import time

import pytest

from contrib import accounts
from contrib.store import ContributionStore
from store import releases
from store.geopackage import content_id
from tests.front import front, get, sign_in
from tests.web.test_origin import links

ITEMS = "/collections/places/items?limit=2"
ITEM = "/collections/places/items/narynkol"
BYPASS = {"Cookie": "probe=1"}  # a request nginx answers from the app itself, neither looked up nor kept
PASSWORD = "a long enough password 1"


def status(headers: dict) -> str | None:
    return headers.get("X-Cache-Status")


def stored(server) -> int:
    """How many answers the server's nginx keeps in its cache."""
    return sum(1 for p in (server.runtime / "cache").rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def site(built, tmp_path_factory):
    """(server, release): a copy of the session's build kept as a release, served with its releases and with
    contributions (an account) enabled."""
    root = tmp_path_factory.mktemp("microcache")
    out, kept = root / "build" / "atlas.gpkg", root / "releases"
    out.parent.mkdir()
    shutil.copyfile(built[0], out)
    release = releases.publish(out, kept, progress=lambda *_: None)
    accounts.add_user(ContributionStore(root / "c.sqlite"), "con", "contributor", PASSWORD, "admin")
    env = {
        "BORDER_ATLAS_RELEASES": str(kept),
        "BORDER_ATLAS_CONTRIBUTIONS": str(root / "c.sqlite"),
        "BORDER_ATLAS_SECRET_KEY": "test",
    }
    with front(out, env=env, workers=2, threads=2) as server:
        yield server, release


def test_a_repeated_answer_comes_from_the_cache_and_nginx_keeps_its_header(site):
    port = site[0].options.port
    first, again = get(port, ITEMS), get(port, ITEMS)
    assert first[0] == again[0] == 200 and (status(first[1]), status(again[1])) == ("MISS", "HIT")
    assert again[1]["ETag"] == first[1]["ETag"] and again[1]["Cache-Control"] == "public, max-age=60"
    assert "X-Accel-Expires" not in first[1] and "X-Accel-Expires" not in again[1]  # for nginx only
    code, headers, body = get(port, ITEMS, {"If-None-Match": first[1]["ETag"]})
    assert code == 304 and status(headers) == "HIT" and body == b""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("HEAD", ITEMS)
    head = conn.getresponse()
    assert head.status == 200 and head.getheader("X-Cache-Status") == "HIT" and head.read() == b""
    conn.close()
    time.sleep(2.1)  # expired (1 s, counted by nginx in whole seconds): revalidated with the ETag, the app says 304
    assert status(get(port, ITEMS)[1]) == "REVALIDATED" and status(get(port, ITEMS)[1]) == "HIT"


def test_each_representation_is_kept_apart(site):
    port = site[0].options.port
    url = "/collections/places/items?limit=4"
    html = get(port, url, {"Accept": "text/html"})
    plain = get(port, url)
    assert html[1]["Content-Type"].startswith("text/html") and plain[1]["Content-Type"].startswith("application/")
    assert status(plain[1]) == "MISS" and status(get(port, url)[1]) == "HIT"


def test_a_new_build_is_served_within_about_two_seconds(built, tmp_path):
    out = tmp_path / "atlas.gpkg"
    shutil.copyfile(built[0], out)
    with front(out, workers=1, threads=2) as server:
        port = server.options.port
        old = get(port, ITEMS)[1]["X-Data-Version"]
        assert status(get(port, ITEMS)[1]) == "HIT"
        following = tmp_path / "next.gpkg"
        shutil.copyfile(built[0], following)
        with sqlite3.connect(following) as db:
            db.execute("INSERT INTO _meta (key, value) VALUES ('test_marker', '\"next\"')")
        new = content_id(following)  # the data version: the content's id
        os.replace(following, out)
        switched, deadline = time.monotonic(), time.monotonic() + 10
        while (headers := get(port, ITEMS)[1])["X-Data-Version"] != new and time.monotonic() < deadline:
            time.sleep(0.05)
        assert old != new == headers["X-Data-Version"] and time.monotonic() - switched < 2.5
        assert status(get(port, ITEMS)[1]) in ("HIT", "REVALIDATED")  # and kept again


def _absolute(port: int, path: str) -> None:
    """A request whose request line names another host (absolute form), its Host header our own."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", f"http://evil.example{path}")
        conn.getresponse().read()
    finally:
        conn.close()


def _forged(port: int) -> list[dict]:
    return [
        {"SCRIPT_NAME": "//evil.example"},
        {"SCRIPT-NAME": "/x"},
        {"X-Forwarded-Prefix": "/x"},
        {"X-Forwarded-Host": "evil.example"},
        {"X-Forwarded-Proto": "https", "X-Forwarded-Port": "444"},
        {"Host": "evil.example"},  # not a trusted host: 400
        {"Host": "127.0.0.1"},  # trusted, without the port: links to port 80 (nginx's $host would not tell)
        {"Host": f"localhost:{port}"},
        {"Accept": "text/html"},
        {"absolute": "yes"},
    ]


def test_no_request_header_shapes_what_the_next_client_gets_from_the_cache(site):
    server = site[0]
    port = server.options.port
    own = f"http://127.0.0.1:{port}/"
    for n, forged in enumerate(_forged(port), start=10):
        url = f"/collections/places/items?limit={n}"  # asked for the first time, with the forged header
        if "absolute" in forged:
            _absolute(port, url)
        else:
            get(port, url, forged)
        code, headers, body = get(port, url)
        truth = get(port, url, BYPASS)
        assert code == 200 and headers["ETag"] == truth[1]["ETag"], forged
        assert links(body) == links(truth[2]) and all(u.startswith(own) for u in links(body)), forged
        assert b"evil" not in body and headers["Content-Type"].startswith("application/"), forged
        kept = status(get(port, url)[1])  # and what the cache keeps is the ordinary answer
        assert kept in ("HIT", "REVALIDATED"), (forged, kept)


def test_a_request_with_a_cookie_or_credentials_is_neither_served_nor_kept(site):
    server = site[0]
    port = server.options.port
    for n, private in enumerate([{"Cookie": "session=abc"}, {"Authorization": "Basic Zm9vOmJhcg=="}], start=40):
        url = f"/collections/places/items?limit={n}"
        before = stored(server)
        assert status(get(port, url, private)[1]) == "BYPASS" and stored(server) == before
        assert status(get(port, url)[1]) == "MISS" and status(get(port, url, private)[1]) == "BYPASS"


def never_kept(server, paths) -> list[int]:
    """Each path asked twice, neither answer from the cache nor kept in it; the statuses."""
    before, codes = stored(server), []
    for path in paths:
        answers = [get(server.options.port, path) for _ in range(2)]
        assert [status(h) for _, h, _ in answers] == ["MISS", "MISS"], path
        codes += [code for code, _, _ in answers]
    assert stored(server) == before
    return codes


def test_errors_are_never_kept(site):
    paths = ("/collections/nowhere/items", "/collections/places/items?limit=-1", "/v/999/collections")
    assert all(code >= 400 for code in never_kept(site[0], paths))


def test_private_and_no_store_pages_are_never_kept(site):
    server = site[0]
    port = server.options.port
    before = stored(server)
    never_kept(server, ("/sign-in", "/map", "/contribute"))
    session = {"Cookie": sign_in(port, "con", PASSWORD)}
    code, headers, body = get(port, "/contribute", session)
    assert code == 200 and status(headers) == "BYPASS" and headers["Cache-Control"] == "no-store"
    code, headers, _ = get(port, "/contribute")  # anyone else: sent to sign in, not shown the contributor's page
    assert code == 302 and status(headers) == "MISS" and stored(server) == before


def test_a_pinned_answer_is_kept_and_stays_immutable_to_browsers(site):
    server, release = site
    port = server.options.port
    url = f"/v/{release.number}{ITEM}"
    first, again = get(port, url), get(port, url)
    assert first[0] == 200 and (status(first[1]), status(again[1])) == ("MISS", "HIT")
    assert again[1]["Cache-Control"] == "public, max-age=31536000, immutable" and not again[1]["ETag"].startswith("W/")
    time.sleep(2.1)  # past a plain answer's time: still fresh
    assert status(get(port, url)[1]) == "HIT"

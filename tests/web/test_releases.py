"""Releases on the web: build, change one record, build again; the pinned URLs of the first release keep
answering as it did, the plain ones with the new data; /releases, the changes, the banner and the citations."""

from __future__ import annotations

import re
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from evidence.documents import TEXTS
from layers.build import REFERENCE, SOURCES
from layers.words import moment_words
from pipeline.build import build
from store import changelog, releases
from tests.web.test_figure import svg_text
from webapp import create_app

PUBLIC = "https://atlas.example.org/atlas"
ITEM = "/collections/places/items/narynkol"


@pytest.fixture(scope="module")
def rebuilt(built, tmp_path_factory):
    """(app, first release, second release): the session's build kept as a release, then a build of the sources
    with Narynkol's modern name changed, kept as the next."""
    root = tmp_path_factory.mktemp("rebuilt")
    out, kept = root / "build" / "atlas.gpkg", root / "releases"
    out.parent.mkdir()
    shutil.copyfile(built[0], out)
    first = releases.publish(out, kept, progress=lambda *_: None)
    sources = root / "sources"
    shutil.copytree(SOURCES, sources)
    text = (sources / "places.yaml").read_text(encoding="utf-8")
    changed = text.replace("- id: narynkol\n  name: Narynkol\n", "- id: narynkol\n  name: Narynkol-Sumbe\n", 1)
    assert changed != text
    (sources / "places.yaml").write_text(changed, encoding="utf-8")
    build(sources, REFERENCE, out, progress=lambda *_: None, texts=TEXTS, releases=kept)
    second = releases.Directory(kept).latest()
    said = []
    build(sources, REFERENCE, out, progress=said.append, texts=TEXTS, releases=kept)  # the same content again
    assert any(f"that of release {second.number}" in line for line in said), said
    app = create_app({"STORE": out, "RELEASES": kept, "PUBLIC_URL": PUBLIC, "TESTING": True})
    return app, first, second


def test_two_builds_two_releases_and_the_changelog_names_the_field(rebuilt):
    _app, first, second = rebuilt
    assert first is not None and second.number != first.number and second.manifest["previous"] == first.number
    assert second.manifest["changes"]["layers"]["places"]["added"] == []  # an incident that names it changes too
    (changed,) = second.manifest["changes"]["layers"]["places"]["changed"]
    assert changed["id"] == "narynkol" and changed["fields"]["name"] == ["Narynkol", "Narynkol-Sumbe"]


def test_a_rebuild_of_the_same_content_still_cites_its_release(rebuilt):
    """Built twice in a row: the second build rewrites the file (other bytes), no new release is made, and every
    citation still names the release that holds this content (the data version is the content's id)."""
    app, _first, second = rebuilt
    assert [r.number for r in releases.Directory(app.config["RELEASES"]).all()][-1] == second.number
    client = app.test_client()
    answer = client.get(f"{ITEM}?f=json")
    assert answer.headers["X-Data-Version"] == second.id == second.version
    assert f'"citeUrl": "{PUBLIC}/v/{second.number}/map"' in client.get("/map").get_data(as_text=True)
    assert f"Release {second.number}" in client.get("/collections/places/download?format=geojson").json["citation"]
    text = " ".join(svg_text(client.get("/figure?year=1930&format=svg").data).split())
    assert f"Release {second.number}" in text


def test_pinned_urls_keep_the_old_value_and_plain_urls_give_the_new(rebuilt):
    app, first, second = rebuilt
    client = app.test_client()
    old = client.get(f"/v/{first.number}{ITEM}?f=json")
    assert old.status_code == 200 and old.json["properties"]["name"] == "Narynkol"
    assert client.get(f"/v/{first.id}{ITEM}?f=json").json["properties"]["name"] == "Narynkol"  # by id too
    assert client.get(f"{ITEM}?f=json").json["properties"]["name"] == "Narynkol-Sumbe"
    assert client.get(f"/v/{second.number}{ITEM}?f=json").json["properties"]["name"] == "Narynkol-Sumbe"


def test_a_pinned_answer_is_immutable_with_a_strong_etag(rebuilt):
    app, first, _second = rebuilt
    client = app.test_client()
    answer = client.get(f"/v/{first.number}/collections/places/items?limit=2")
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    tag = answer.headers["ETag"]
    assert not tag.startswith("W/") and first.id in tag
    again = client.get(f"/v/{first.number}/collections/places/items?limit=2", headers={"If-None-Match": tag})
    assert again.status_code == 304
    later = client.get(f"/v/{first.number}/collections/places/items?limit=2")
    assert later.data == answer.data and answer.json["timeStamp"] == first.created  # the same bytes, always
    assert client.get("/collections/places/items?limit=2").headers["Cache-Control"] == "public, max-age=60"


@pytest.mark.parametrize(
    "path",
    [
        "/statistics?f=json",
        "/charts",
        "/quality?f=json",
        "/texts?f=json",
        "/collections/zones/download?format=kml",
        "/changes?from=1927&to=1935&f=json",
    ],
)
def test_every_kind_of_route_answers_pinned(rebuilt, path):
    app, first, _second = rebuilt
    answer = app.test_client().get(f"/v/{first.number}{path}")
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        (f"/v/1999.1.1-1{ITEM}", 404, "no release '1999.1.1-1'"),
        ("/v/<script>/map", 404, "names no release"),
        ("/releases/1999.1.1-1", 404, "no release"),
        ("/releases/a...b...c", 400, "is not `<release>`"),
        ("/releases/latest/cite?format=word", 400, "format"),
    ],
)
def test_bad_release_names_are_clear_errors(rebuilt, path, status, words):
    answer = rebuilt[0].test_client().get(path)
    assert answer.status_code == status and words in answer.json["description"]


def test_the_releases_page_lists_newest_first(rebuilt):
    app, first, second = rebuilt
    listed = app.test_client().get("/releases?f=json").json["releases"]
    assert [r["number"] for r in listed] == [second.number, first.number]
    assert (
        listed[0]["summary"]["layers"]["places"]["changed"] == 1
        and listed[0]["counts"]["places"] == first.manifest["counts"]["places"]
    )
    page = app.test_client().get("/releases?f=html").get_data(as_text=True)
    assert f'href="/atlas/v/{second.number}/map"' in page
    made = listed[0]["created"]  # the JSON keeps the ISO timestamp; the page says it in words
    assert made not in page and moment_words(made) in page and moment_words(made).endswith(" UTC")


def test_the_changes_link_the_feature_at_both_releases(rebuilt):
    app, first, second = rebuilt
    body = app.test_client().get(f"/releases/{first.number}...{second.number}?f=json").json
    (row,) = [r for r in body["changes"] if r["id"] == "narynkol"]
    assert row["before"] == f"/atlas/v/{first.number}{ITEM}" and row["after"] == f"/atlas/v/{second.number}{ITEM}"
    assert row["fields"]["name"] == ["Narynkol", "Narynkol-Sumbe"]
    page = app.test_client().get(f"/releases/{first.number}...{second.number}?f=html").get_data(as_text=True)
    assert "Narynkol-Sumbe" in page and f'href="/atlas/v/{first.number}{ITEM}"' in page


def test_an_older_release_says_so_in_a_banner(rebuilt):
    app, first, second = rebuilt
    client = app.test_client()
    total = second.manifest["summary"]["total"]
    words = f"release {first.number} of {first.date}; the latest is {second.number}, with {total} changes"
    for path in ("/quality?f=html", "/map"):
        assert words in client.get(f"/v/{first.number}{path}").get_data(as_text=True)
    assert "release-banner" not in client.get(f"/v/{second.number}/quality?f=html").get_data(as_text=True)
    assert "release-banner" not in client.get("/map").get_data(as_text=True)


@pytest.fixture()
def compared(rebuilt, monkeypatch):
    """(a client of a new app over the same releases: its own slots and cache; the pairs computed), each computation
    held for a second (as a costly one would be)."""
    app, computed, compute = rebuilt[0], [], changelog.changes

    def slow(a, b):
        computed.append((a, b))
        time.sleep(1)
        return compute(a, b)

    monkeypatch.setattr(changelog, "changes", slow)
    fresh = create_app({key: app.config[key] for key in ("STORE", "RELEASES", "PUBLIC_URL", "TESTING")})
    return fresh, computed


def test_a_burst_of_new_release_pairs_beyond_the_bound_gets_503_and_a_repeated_pair_comes_from_the_cache(
    rebuilt, compared
):
    """Issue 31: each new pair cost about 3 s of CPU with no limit. One pair is computed at a time per worker
    (CHANGES_AT_ONCE); the others asked meanwhile get 503 and Retry-After at once; a pair computed once is kept."""
    _app, first, second = rebuilt
    app, computed = compared
    span = f"/releases/{second.number}...{first.number}?f=json"  # backwards: not a manifest's own changelog
    start = threading.Barrier(6)

    def ask(_):
        client = app.test_client()
        start.wait()
        answer = client.get(span)
        return answer.status_code, answer.headers.get("Retry-After"), answer.get_json()

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(ask, range(6)))
    assert sorted(status for status, _, _ in answers) == [200] + [503] * 5 and len(computed) == 1
    assert all(after == "5" for status, after, _ in answers if status == 503)
    assert all("try again" in body["description"] for status, _, body in answers if status == 503)
    (done,) = [body for status, _, body in answers if status == 200]
    (row,) = [r for r in done["changes"] if r["id"] == "narynkol"]
    assert row["change"] == "changed" and row["fields"]["name"] == ["Narynkol-Sumbe", "Narynkol"]
    again = app.test_client().get(span)
    assert again.status_code == 200 and again.get_json() == done and len(computed) == 1  # from the cache


def test_a_figure_of_each_release_cites_its_own_pinned_url(rebuilt):
    app, first, second = rebuilt
    client = app.test_client()
    for prefix, release in ((f"/v/{first.number}", first), ("", second)):
        text = " ".join(svg_text(client.get(f"{prefix}/figure?year=1930&format=svg").data).split())
        assert f"Release {release.number}" in text
        assert f"{PUBLIC}/v/{release.number}/map#year=1930" in text.replace(" ", "")


def test_cite_this_view_and_downloads_cite_the_pinned_url_on_the_public_base(rebuilt):
    app, first, second = rebuilt
    client = app.test_client()
    page = client.get("/map").get_data(as_text=True)
    assert f'"citeUrl": "{PUBLIC}/v/{second.number}/map"' in page
    pinned_page = client.get(f"/v/{first.number}/map").get_data(as_text=True)
    assert f'"citeUrl": "{PUBLIC}/v/{first.number}/map"' in pinned_page
    place = client.get("/places/narynkol?f=html").get_data(as_text=True)
    assert f"Release {second.number}" in place and f"{PUBLIC}/v/{second.number}/places/narynkol?f=html" in place
    old_place = client.get(f"/v/{first.number}/places/narynkol?f=html").get_data(as_text=True)
    assert f"{PUBLIC}/v/{first.number}/places/narynkol?f=html" in old_place and "Narynkol-Sumbe" not in old_place
    download = client.get("/collections/places/download?format=geojson").json
    assert f"Release {second.number}" in download["citation"]
    assert f"{PUBLIC}/v/{second.number}/collections/places/download" in download["citation"]
    assert "127.0.0.1" not in download["citation"] and "localhost" not in download["citation"]


@pytest.mark.parametrize("fmt", ["csl-json", "ris", "bibtex"])
def test_a_release_cites_itself(rebuilt, fmt):
    app, first, _second = rebuilt
    answer = app.test_client().get(f"/releases/{first.number}/cite?format={fmt}")
    assert answer.status_code == 200
    text = answer.get_data(as_text=True)
    assert f"{PUBLIC}/v/{first.number}/map" in text and first.number in text


def test_citation_cff_names_the_atlas():
    text = (SOURCES.parent.parent / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r"^cff-version: 1\.2\.0$", text, re.M) and "Border Atlas" in text


def test_without_a_public_url_the_map_cites_a_pinned_path_on_its_own_origin(rebuilt):
    app, _first, second = rebuilt
    local = create_app({"STORE": app.config["STORE"], "RELEASES": app.config["RELEASES"], "TESTING": True})
    assert f'"citeUrl": "/v/{second.number}/map"' in local.test_client().get("/map").get_data(as_text=True)

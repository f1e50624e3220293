"""Guided tours on the web (webapp/tours.py): the list, a tour's player and its step permalinks, its JSON and
StoryMapJS exports, the print view, Markdown rendered without raw HTML, references linked to their passages, and a
tour pinned with its release (/v/<release>/tours/<slug> plays it as it was)."""

from __future__ import annotations

import re
import shutil
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest

from layers.build import REFERENCE, SOURCES
from pipeline import build as builder
from store import releases
from tests.layers.test_tours import TOURS
from webapp import create_app
from webapp.tours import markdown, overlay_names, selection, step_hash

SLUG = "flight-to-xinjiang"


def test_the_list_names_both_tours(client):
    page = client.get("/tours").get_data(as_text=True)
    assert "Closing the border, 1918–1935" in page and "Flight to Xinjiang, 1927–1933" in page
    assert "This tour follows the section" in page, "each tour's introduction"
    listed = client.get("/tours?f=json").get_json()["tours"]
    assert {t["slug"]: t["steps"] for t in listed} == {"closing-the-border": 6, SLUG: 7}
    assert 'href="/tours"' in client.get("/texts?f=html").get_data(as_text=True), "every page's menu names the tours"


def test_a_step_permalink_opens_that_step_with_its_map_state(client):
    tour = client.get(f"/tours/{SLUG}?f=json").get_json()
    step = tour["steps"][3]
    page = client.get(f"/tours/{SLUG}/4").get_data(as_text=True)
    assert 'data-current="4"' in page
    shown = re.findall(r'<section class="tour-step" id="step-(\d+)"[^>]*?( hidden)?>', page)
    assert [n for n, hidden in shown if not hidden] == ["4"]
    assert f'data-hash="{step["hash"]}"' in page.replace("&amp;", "&")
    assert step["hash"].startswith("year=1931&z=8&c=47.4000,84.9000&off=") and "sel=zaysan-1931-02-11" in step["hash"]
    assert "Border-guard%20units" not in step["hash"], "a layer the step names is not switched off"
    assert "tour.js" in page and "leaflet" in page  # the player is the map page with its panel


def test_a_step_can_show_the_uncertainty_and_the_layers_hidden_at_first(app):
    step = {"years": [1930, 1932], "centre": [44.0, 80.0], "zoom": 7, "layers": ["heat", "incidentCircles", "border"]}
    with app.test_request_context("/tours"):
        names, hidden = overlay_names()
    state = step_hash(step, names, hidden)
    assert state.startswith("year=1930-1932&z=7&c=44.0000,80.0000&off=")
    off, on = state.split("&off=")[1].split("&on=")
    assert on == "Incidents%3A%20heat%20map"
    assert "Incidents%3A%20uncertainty" not in off and "Border%20line" not in off
    circles = "Places%3A%20uncertainty%20%28radius%29"
    assert {"Places", "Incidents", "22%20km%20border%20zone", circles} <= set(off.split(","))
    assert "Places%3A%20areas%20of%20possibility" not in off, "hidden at first: never in off"


def test_a_step_of_several_features_opens_the_first_and_outlines_the_others(client):
    step = client.get("/tours/closing-the-border?f=json").get_json()["steps"][4]
    assert step["select"] == ["customs-post-khorgos", "customs-office-bakhty", "customs-office-zaysan"]
    assert step["hash"].endswith("&sel=customs-post-khorgos")
    page = client.get("/tours/closing-the-border/5").get_data(as_text=True)
    assert 'id="step-5" data-n="5"' in page
    assert re.search(r'id="step-5"[^>]* data-also="customs-office-bakhty customs-office-zaysan"', page)
    assert re.search(r'id="step-4"[^>]* data-also=""', page)
    assert selection({"select": "zaysan"}) == ["zaysan"], "a tour of an older release selects one, as a text"
    assert selection({"select": None}) == selection({}) == []


@pytest.mark.parametrize("slug", ["closing-the-border", SLUG])
def test_references_link_to_their_passages_in_the_reader(client, slug):
    page = client.get(f"/tours/{slug}").get_data(as_text=True)
    links = set(re.findall(r'class="tour-passage" href="([^"]+)"', page))
    assert len(links) >= 6
    readers = {}
    for link in links:
        path, anchor = link.split("#")
        reader = readers.setdefault(path, client.get(path + "?f=html").get_data(as_text=True))
        assert f'id="{anchor}"' in reader, link


def test_unknown_tour_step_and_format_are_refused_in_words(client):
    assert client.get("/tours/nowhere").status_code == 404
    missing = client.get(f"/tours/{SLUG}/8")
    assert missing.status_code == 404 and "steps 1 to 7" in missing.get_data(as_text=True)
    for wrong in ("0", "x", "٣", "1.5"):
        answer = client.get(f"/tours/{SLUG}/{wrong}")
        assert answer.status_code == 404 and "steps 1 to 7" in answer.get_data(as_text=True), wrong
    bad = client.get(f"/tours/{SLUG}?f=xml")
    assert bad.status_code == 400 and "storymapjs" in bad.get_data(as_text=True)
    assert client.get(f"/tours/{SLUG}?x=1").status_code == 400


def test_markdown_is_rendered_without_raw_html():
    shown = str(markdown("**bold** <script>alert(1)</script> <img src=x onerror=alert(2)> [a](javascript:alert(3))"))
    assert "<strong>bold</strong>" in shown
    assert "<script" not in shown and "<img" not in shown and "href" not in shown  # the javascript: link is text
    assert "&lt;script&gt;" in shown


def test_storymapjs_export_has_a_slide_per_step(client):
    story = client.get(f"/tours/{SLUG}?f=storymapjs").get_json()["storymap"]
    tour = client.get(f"/tours/{SLUG}?f=json").get_json()
    assert story["slides"][0]["type"] == "overview" and len(story["slides"]) == len(tour["steps"]) + 1
    first = story["slides"][1]
    assert first["location"] == {"lat": tour["steps"][0]["centre"][0], "lon": tour["steps"][0]["centre"][1],
                                 "zoom": tour["steps"][0]["zoom"]}  # fmt: skip
    assert first["date"] == "1927" and "Ablazhey" in first["text"]["text"]
    for slide, step in zip(story["slides"][1:], tour["steps"], strict=True):  # each slide says its step's years
        first, last = step["years"]
        years = f"{first}" if first == last else f"{first}–{last}"
        assert slide["date"] == years and years in slide["text"]["headline"], slide["text"]["headline"]
        assert slide["text"]["headline"].count(years) == 1


def test_print_view_has_one_section_per_step_with_its_references(client):
    page = client.get(f"/tours/{SLUG}/print").get_data(as_text=True)
    sections = page.split('<section class="tour-print-step">')[1:]
    assert len(sections) == 7
    assert all("<h3>References</h3>" in s and "Ablazhey" in s for s in sections)
    assert "cited in" in unescape(sections[3])


def test_each_printed_step_holds_its_figure_of_its_years_view_and_layers(client):
    tour = client.get(f"/tours/{SLUG}?f=json").get_json()
    page = client.get(f"/tours/{SLUG}/print").get_data(as_text=True)
    sources = [unescape(src) for src in re.findall(r'<img class="tour-figure" data-src="([^"]+)"', page)]
    assert len(sources) == len(tour["steps"])
    for src, step in zip(sources, tour["steps"], strict=True):
        first, last = step["years"]
        args = dict(parse_qsl(urlsplit(src).query))
        assert urlsplit(src).path == "/figure" and args["year"] == (f"{first}" if first == last else f"{first}-{last}")
        assert ("bbox" in args) != ("c" in args), src
        off = set(args.get("off", "").split(","))
        assert "Border line" not in off and ("Migration" in off) == ("migration" not in step["layers"]), src
        assert args["sel"].split(",") == step["select"], src  # the step's features, ringed
        figure = client.get(src)
        assert figure.status_code == 200 and figure.mimetype == "image/svg+xml", src
        assert 'id="selected-' in figure.get_data(as_text=True), src
        title = re.search(r"<title>([^<]*)</title>", figure.get_data(as_text=True)).group(1)
        assert title.endswith(f", {first}" if first == last else f", {first}–{last}"), (src, title)


def test_cite_this_step_names_the_tour_the_step_and_its_url(client):
    page = unescape(client.get(f"/tours/{SLUG}/5").get_data(as_text=True))
    assert re.search(r"Border Atlas team\. “Flight to Xinjiang, 1927–1933,” step 5, “The Matveyevka outpost seized, "
                     r"spring 1932”\. Guided tour in Border Atlas", page)  # fmt: skip
    assert f"/tours/{SLUG}/5" in page


@pytest.fixture(scope="module")
def two_releases(built, tmp_path_factory, monkeypatch_module):
    """(app, first release, second): the session's build kept as a release, then a build whose tour was retitled."""
    out, layers = built
    root = tmp_path_factory.mktemp("tour-releases")
    store, kept = root / "atlas.gpkg", root / "releases"
    shutil.copy(out, store)
    first = releases.publish(store, kept, progress=lambda *_: None)
    changed = root / "tours"
    shutil.copytree(TOURS, changed)
    path = changed / f"{SLUG}.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title: Flight to", "title: Fleeing to"), encoding="utf-8")
    monkeypatch_module.setattr(builder, "build_layers", lambda *args, **kwargs: layers)  # the tours are what change
    builder.build(SOURCES, REFERENCE, store, progress=lambda *_: None, releases=kept, tours_dir=changed)
    second = releases.Directory(kept).latest()
    assert second.number != first.number
    return create_app({"STORE": store, "RELEASES": kept, "TESTING": True}), first, second


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_a_tour_is_pinned_with_its_release(two_releases):
    app, first, second = two_releases
    client = app.test_client()
    assert client.get(f"/tours/{SLUG}?f=json").get_json()["title"].startswith("Fleeing to")
    assert client.get(f"/v/{first.number}/tours/{SLUG}?f=json").get_json()["title"].startswith("Flight to")
    pinned = client.get(f"/v/{first.number}/tours/{SLUG}/2").get_data(as_text=True)
    assert "Flight to Xinjiang" in pinned and f"/v/{first.number}/tours/{SLUG}/2" in pinned

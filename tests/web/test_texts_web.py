"""The source reader (/texts) linked to the map both ways, and no broken reference anywhere the atlas serves."""

from __future__ import annotations

import io
import re
import zipfile
from collections import defaultdict
from html.parser import HTMLParser

import pytest

from evidence import passages as passages_of
from layers.registry import REGISTRY

HTML = {"Accept": "text/html"}
CORE = "ablazhey-zhanbossinova-2026"
COLLECTIONS = tuple(REGISTRY)


@pytest.fixture(scope="module")
def core_page(app):
    return app.test_client().get(f"/texts/{CORE}", headers=HTML).data.decode()


def test_the_documents_are_listed_with_their_records_and_licences(client):
    docs = {d["id"]: d for d in client.get("/texts?f=json").get_json()["documents"]}
    assert set(docs) == {
        CORE,
        "shemetova-2020",
        "shemetova-2020-abstract",
        "mongolian-talks-1921",
        "siegelbaum-trade-pacts",
    }
    core = docs[CORE]
    assert core["licence"] == "CC BY 4.0" and core["shipped"] == "full" and core["cited_passages"] > 100
    assert core["reference"].startswith("Natalia N. Ablazhey and Albina S. Zhanbossinova, “Kazakh-Xinjiang Section")
    assert docs["mongolian-talks-1921"]["cited_passages"] == 0
    page = client.get("/texts", headers=HTML).data.decode()
    assert f'href="/texts/{CORE}"' in page and "CC BY 4.0" in page


def test_every_cited_passage_is_marked_and_lists_its_features(client, core_page):
    data = client.get(f"/texts/{CORE}?f=json").get_json()
    assert len(data["passages"]) > 100
    for passage in data["passages"]:
        assert f'<mark id="{passage["anchor"]}"' in core_page, passage["features"][0]["quote"]
        assert f'id="{passage["anchor"]}-features"' in core_page
    santos = next(p for p in data["passages"] if any(f["id"] == "santos-1927-08-24" for f in p["features"]))
    feature = next(f for f in santos["features"] if f["id"] == "santos-1927-08-24")
    assert feature["map_url"] == "/map#year=1927&sel=santos-1927-08-24"
    assert feature["page_url"] == "/incidents/santos-1927-08-24"
    assert 'href="/map#year=1927&amp;sel=santos-1927-08-24"' in core_page


def test_the_article_reads_as_text_with_its_notes(core_page):
    body = re.search(r'<article class="document">(.*)</article>', core_page, re.S).group(1)
    assert "*" not in body and "&lt;sup&gt;" not in body  # emphasis and superscripts are markup, not text
    assert '<sup class="marker"><a href="#n-46">46</a></sup>' in body
    assert '<li id="n-46" value="46">Ibid., l. 75.<br><span class="ref">f. 9, op. 1, d. 438, l. 75, Spetsial’nyi' in (
        core_page
    )
    assert "49</mark><sup>th</sup>" in body or "49<sup>th</sup>" in body
    assert '<h3 id="p-25">Introduction</h3>' in body and '<h2 id="p-132">Conclusion</h2>' in body  # headings
    assert "## " not in body and "](mailto:" not in body  # the copy's Markdown is not shown as text
    assert "ablazhey@academ.org" in body


def test_excerpts_show_their_gaps_and_their_notes_by_page(client):
    page = client.get("/texts/shemetova-2020", headers=HTML).data.decode()
    assert '<p class="gap">[…]</p>' in page and "Only excerpts are shipped" in page
    assert '<li id="n-6.2" value="2">(page 6 of the copy) Ibid. Л. 80.' in page
    assert '<pre id="p-' in page and "ПОСТАНОВЛЕНИЕ СОВЕТА НАРОДНЫХ КОМИССАРОВ" in page


def test_an_unknown_document_is_a_404_that_says_where_to_look(client):
    response = client.get("/texts/no-such-document?f=json")
    assert response.status_code == 404
    assert "/texts" in response.get_json()["description"]


def test_every_incident_page_links_to_its_passages_in_the_reader(client, layers, core_page):
    for iid in layers["incidents"]["id"]:
        page = client.get(f"/incidents/{iid}", headers=HTML).data.decode()
        anchors = re.findall(rf'href="/texts/{CORE}#(q-[0-9a-f]+)"', page)
        assert anchors, iid
        for anchor in anchors:
            assert f'<mark id="{anchor}"' in core_page, (iid, anchor)


def _served_texts(client, cid: str) -> dict[str, str]:
    """The items as JSON and as an HTML page, and every file of the CSV download."""
    texts = {path: client.get(path).data.decode() for path in (f"/collections/{cid}/items?limit=1000",)}
    texts[f"/collections/{cid}/items?f=html"] = client.get(f"/collections/{cid}/items?f=html&limit=1000").data.decode()
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/collections/{cid}/download?format=csv").data))
    return texts | {name: archive.read(name).decode() for name in archive.namelist()}


@pytest.mark.parametrize("cid", COLLECTIONS)
def test_no_served_text_holds_ibid_or_markdown(client, cid):
    """Items (JSON and HTML) and the CSV download (the features and sources.csv) carry whole references."""
    texts = _served_texts(client, cid)
    assert "sources.csv" in texts
    for path, text in texts.items():
        assert "Ibid" not in text, path
        assert not re.search(r"\*[A-Za-z«]", text), path
    features = client.get(f"/collections/{cid}/items?limit=1000").get_json()["features"]
    for feature in features:
        for source in feature["properties"].get("sources") or []:
            assert source["reference"] and source["csl"]["type"], (cid, feature["id"])


def test_the_figure_bibliography_has_whole_references(client):
    text = client.get("/figure?year=1930&part=sources&format=txt").data.decode()
    assert "Ibid" not in text and "*Pogranichnyye" not in text
    assert "Spetsial" in text and "Pogranichnyye voiska SSSR" in text


class _Marked(HTMLParser):
    """The text inside the marks of each passage ({anchor: text}), nested marks and raised ordinals included."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.text: dict[str, str] = defaultdict(str)

    def handle_starttag(self, tag, attrs):
        if tag == "mark" and dict(attrs).get("data-passage"):
            self.open.append(dict(attrs)["data-passage"])
        elif tag == "mark":
            self.open.append("")

    def handle_endtag(self, tag):
        if tag == "mark":
            self.open.pop()

    def handle_data(self, data):
        for anchor in set(self.open) - {""}:
            self.text[anchor] += data


def _article(page: str) -> str:
    return re.search(r'<article class="document">(.*)</article>', page, re.S).group(1)


def test_each_passage_is_marked_whole_and_nothing_else(client, core_page):
    """The marked text of every passage is its quote: a raised ordinal inside it is marked with it ("30th
    Bakhty", not "30" and " Bakhty" with an unmarked "th" between), no mark holds only a space."""
    marked = _Marked()
    marked.feed(core_page)
    passages = client.get(f"/texts/{CORE}?f=json").get_json()["passages"]
    for passage in passages:
        quote = passages_of.plain(passage["features"][0]["quote"])
        assert " ".join(marked.text[passage["anchor"]].split()) == " ".join(quote.split()), passage["anchor"]
    assert "30<sup>th</sup> Bakhty" in _article(core_page)
    assert not re.search(r"<mark[^>]*>\s*</mark>", core_page), "a mark holding only a space"
    assert not re.search(r"</mark><sup>(?:st|nd|rd|th)</sup><mark", core_page), "a passage cut around an ordinal"


def test_a_passage_is_cut_into_marks_only_where_it_crosses_another(core_page):
    body = _article(core_page)
    assert body.count("<mark data-passage=") < body.count("<mark id=") / 4  # 111 pieces for 183 passages before


def test_a_feature_is_listed_once_per_passage(client, core_page):
    """A unit whose seat moved has a record per seat (`<unit>@<date>`): its passages list it once."""
    for anchor, items in re.findall(r'<li id="(q-[0-9a-f]+)-features">(.*?)</li>', core_page):
        names = re.findall(r'<a href="/map[^"]*">([^<]*)</a> \(<a href="[^"]*">([^<]*)</a>\)', items)
        assert len(names) == len(set(names)), (anchor, names)
    district = [
        p for p in client.get(f"/texts/{CORE}?f=json").get_json()["passages"]
        if any(f["id"].startswith("kazakh-border-district") for f in p["features"])
    ]  # fmt: skip
    assert district
    for passage in district:
        assert [f["id"] for f in passage["features"]].count("kazakh-border-district") == 1
        assert "kazakh-border-district@1929" not in [f["id"] for f in passage["features"]]


# --- every paragraph accounted for, and quotes as a reader reads them (issue 27) --------------------------


def test_the_reader_says_how_much_of_the_text_the_atlas_cites(client, core_page):
    data = client.get(f"/texts/{CORE}?f=json").get_json()
    assert data["coverage"]["neither"] == 0 and data["coverage"]["cited"] > 80
    uncited = {p["line"]: p["uncited"] for p in data["paragraphs"] if p["uncited"]}
    assert uncited[92] == "method: the purpose of the study" and 100 not in uncited
    assert f"{data['coverage']['cited']} are cited by a record of the atlas" in core_page
    assert 'class="uncited"' not in core_page, "the marks are for a signed-in reviewer (tests/contrib/test_web.py)"


def test_every_paragraph_a_record_cites_shows_its_passage_and_what_cites_it(client, core_page):
    """A paragraph cited only by the yearly figures (p-93: 23 gangs, 670 people) showed neither a mark nor a reason."""
    data = client.get(f"/texts/{CORE}?f=json").get_json()
    bodies = re.findall(r'<p id="p-(\d+)"[^>]*>(.*?)</p>', core_page, flags=re.S)
    shown = {int(index): "<mark" in html for index, html in bodies}
    cited = [p["index"] for p in data["paragraphs"] if p["kind"] == "body" and not p["uncited"]]
    assert cited and [i for i in cited if not shown.get(i)] == []
    gangs = [f for p in data["passages"] for f in p["features"] if f["id"] == "gang-members-1927"]
    assert gangs and gangs[0]["map_url"] == "/statistics#gang-members-1927"
    assert 'id="gang-members-1927"' in client.get("/statistics", headers=HTML).data.decode()
    listed = {d["id"]: d for d in client.get("/texts?f=json").get_json()["documents"]}
    assert listed[CORE]["cited_passages"] == len(data["passages"]), "the list counts what the page marks"


def test_the_reader_joins_the_words_the_copy_cut_at_a_line_end(client):
    page = client.get("/texts/shemetova-2020", headers=HTML).data.decode()
    assert "Максумханов" in page and "Мак- сумханов" not in page
    assert "по-прежнему" in page and "по- прежнему" not in page  # a compound keeps its hyphen
    assert "&lt;sup&gt;" not in page


def test_a_page_shows_a_quote_as_a_reader_reads_it(app, client):
    """Every page cites through one macro (_citation.html), which shows the quote with its cut words joined; the
    data keeps it verbatim, with `quote_shown` beside it for the map's popups."""
    source = next(
        s for s in client.get("/collections/diplomacy/items/russian-chinese-jsc-draft-1923").get_json()[
            "properties"]["sources"] if "сумханов" in s["quote"]
    )  # fmt: skip
    assert source["quote"].endswith("Мак- сумханов") and source["quote_shown"].endswith("Максумханов")
    with app.test_request_context():
        shown = app.jinja_env.from_string('{% from "_citation.html" import citation %}{{ citation(s) }}').render(
            s=source
        )
    assert "<q>С советской стороны договор должен был подписать Агзумхан Габидович Максумханов</q>" in shown

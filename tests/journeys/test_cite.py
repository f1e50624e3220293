"""Citing what one saw: follow a citation to the source reader and back, make a figure of the view at a journal's
column width, export a citation and read it back with another project's parser, rebuild and cite again."""

from __future__ import annotations

import io
import shutil

import pytest
from PIL import Image

from evidence.documents import TEXTS
from layers.build import REFERENCE, SOURCES
from pipeline.build import build
from store import releases
from tests.conftest import LiveServer
from tests.journeys.conftest import DESKTOP, Journey
from tests.journeys.map_state import seen, settle
from tests.web.test_cite_readback import ARCHIVE, read_back
from webapp import create_app

pytestmark = pytest.mark.browser

SARKAND = "/map#year=1927&z=9&c=45.4130,79.9170&sel=sarkand-1927-08-18"
MM_PER_INCH = 25.4


def test_follow_a_citation_to_the_reader_and_back(journey):
    page = journey.go(SARKAND)
    settle(page)
    page.wait_for_timeout(900)  # the popup opened and panned clear of the controls: it holds still
    first = seen(page)
    assert first["popup"].startswith("Detention and deportation")
    page.locator(".leaflet-popup a", has_text="read the passage in Ablazhey and Zhanbossinova 2026").first.click()
    page.wait_for_load_state()
    anchor = page.evaluate("location.hash.slice(1)")
    passage = page.locator(f"[id='{anchor}']")
    box = passage.bounding_box()
    assert passage.is_visible() and 40 <= box["y"] <= 450, box  # the passage, with some text above it in view
    journey.shot("reader-at-the-passage")
    supports = page.locator(f"[id='{anchor}-features'] a").all_inner_texts()
    assert "Detention and deportation of 12 border violators at Sarkono (Sarkand)" in supports
    page.locator(f"[id='{anchor}-features'] a", has_text="Detention and deportation").first.click()
    page.wait_for_selector("path.border-path")
    settle(page)
    assert seen(page)["popup"] == first["popup"], "the reader's link opens the feature on the map"
    page.go_back()
    page.wait_for_load_state()
    assert page.evaluate("location.hash.slice(1)") == anchor
    page.go_back()
    page.wait_for_selector("path.border-path")
    settle(page)
    assert seen(page)["popup"] == first["popup"]


def test_a_figure_of_the_view_is_a_journal_column_wide(journey):
    page = journey.go("/map#year=1930&z=7&c=44.5000,80.0000")
    control = page.locator(".atlas-figure")
    control.locator("select").select_option("png")
    with page.context.expect_page() as opened:
        control.get_by_role("button", name="Figure").click()
    figure = opened.value
    figure.wait_for_load_state()
    image = Image.open(io.BytesIO(figure.request.get(figure.url).body()))
    dpi = image.info["dpi"][0]
    width_mm, height_mm = (n / dpi * MM_PER_INCH for n in image.size)
    assert width_mm == pytest.approx(174, abs=1), "double column by default"
    assert height_mm <= 240, "it fits a journal page with its caption"
    journey.shot("figure-png", figure)
    figure.close()
    with page.context.expect_page() as opened:
        control.get_by_role("link", name="Sources").click()
    sources = opened.value
    sources.wait_for_load_state()
    assert sources.locator("h2", has_text="Ablazhey and Zhanbossinova 2026").count() == 1
    journey.shot("figure-sources", sources)
    sources.close()


@pytest.mark.parametrize("fmt", ["ris", "bibtex"])
def test_a_citation_exported_from_a_page_reads_back_in_a_reference_manager(journey, tmp_path, fmt):
    page = journey.go("/incidents/santos-1927-08-24", map_page=False)
    link = page.locator(".exports a", has_text={"ris": "RIS", "bibtex": "BibTeX"}[fmt]).first
    body = page.request.get(link.evaluate("a => a.href")).body()
    read = read_back(tmp_path, body, fmt)
    apa = " ".join(read["apa"].values())
    assert ARCHIVE in apa and "l. 75" in apa and "cited in ablazhey and zhanbossinova 2026, n. 46" in apa.lower()
    journey.shot(f"export-{fmt}-page")


@pytest.fixture()
def released(built, tmp_path, browser):
    """(journey, the release, the build's path, the releases' directory): the atlas kept as a release, served."""
    out, kept = tmp_path / "build" / "atlas.gpkg", tmp_path / "releases"
    out.parent.mkdir()
    shutil.copyfile(built[0], out)
    release = releases.publish(out, kept, progress=lambda *_: None)
    app = create_app({"STORE": out, "RELEASES": kept, "PUBLIC_URL": "https://atlas.example.org"})
    with LiveServer(app) as server:
        walk = Journey(browser, server.url, DESKTOP)
        yield walk, release, out, kept
        walk.close()


def cite_view(page) -> str:
    page.get_by_role("button", name="Cite this view").click()
    return page.locator(".atlas-cite-text").input_value()


def test_a_rebuild_of_the_same_sources_still_cites_the_release(released):
    journey, release, out, kept = released
    page = journey.go("/map#year=1930&z=7&c=44.5000,80.0000")
    before = cite_view(page)
    assert f"Release {release.number}" in before and f"/v/{release.number}/map#year=1930" in before
    build(SOURCES, REFERENCE, out, progress=lambda *_: None, texts=TEXTS, releases=kept)  # built again, same content
    page = journey.go("/map#year=1930&z=7&c=44.5000,80.0000")
    after = cite_view(page)
    assert f"Release {release.number}" in after and f"/v/{release.number}/map#year=1930" in after
    assert [r.number for r in releases.Directory(kept).all()] == [release.number]
    journey.shot("cite-after-rebuild")

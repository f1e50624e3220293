"""The map's Figure control in headless Chromium: the column width, the zip, and the sources beside the figure."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import parse_qs, urlparse
from urllib.request import urlopen

import pytest

from tests.browser.pages import open_map

pytestmark = pytest.mark.browser


def test_the_figure_control_asks_for_a_column_width_the_zip_and_the_sources(browser, live_server):
    page = open_map(browser, live_server.url + "/#year=1930&z=7&c=44.5000,80.0000")
    try:
        control = page.locator(".atlas-figure")
        assert control.locator("input[name=atlas-figure-width]:checked").get_attribute("value") == "double"
        control.get_by_label("84 mm").check()
        control.locator("select").select_option("zip")
        page.evaluate("() => { window.__opened = []; window.open = (u) => { window.__opened.push(u); }; }")
        control.locator("button").click()
        url = page.evaluate("new URL(window.__opened[0], location.href).href")
        query = parse_qs(urlparse(url).query)
        assert query["width"] == ["single"] and query["part"] == ["all"] and query["format"] == ["pdf"]
        assert query["year"] == ["1930"]
        with urlopen(url, timeout=120) as response:
            archive = zipfile.ZipFile(io.BytesIO(response.read()))
        assert sorted(archive.namelist()) == ["border-atlas-1930-sources.txt", "border-atlas-1930.pdf"]
        with page.context.expect_page() as opened:
            control.get_by_role("link", name="Sources").click()
        sources = opened.value
        sources.wait_for_load_state()
        query = parse_qs(urlparse(sources.url).query)
        assert query["part"] == ["sources"] and query["width"] == ["single"] and "format" not in query
        assert sources.locator("h2", has_text="Ablazhey and Zhanbossinova 2026").count() == 1
        with urlopen(sources.url, timeout=60) as response:
            assert response.headers.get_content_type() == "text/html"
        sources.close()
        assert page.errors == []
    finally:
        page.close()

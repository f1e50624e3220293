"""An error in Chromium is a page with a title naming its status, the message and a way back (not bare JSON), and a
payload in the URL it names stays text."""

from __future__ import annotations

import pytest

from tests.conftest import LiveServer
from tests.web.test_error_pages import ERRORS, XSS
from webapp import create_app


@pytest.fixture(scope="module")
def read_only_server(built, tmp_path_factory):
    none = tmp_path_factory.mktemp("read-only") / "none.sqlite"
    with LiveServer(create_app({"STORE": built[0], "CONTRIBUTIONS": str(none)})) as server:
        yield server


def test_an_error_in_chromium_is_a_page_with_a_title_and_a_way_back(browser, read_only_server):
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        for path, (status, _, words, _) in ERRORS.items():
            response = page.goto(read_only_server.url + path)
            assert response.status == status and response.headers["content-type"].startswith("text/html"), path
            assert page.title().startswith(f"{status} "), page.title()
            assert words in page.locator("main p.error").inner_text()
            assert page.get_by_role("link", name="the map", exact=True).get_attribute("href") == "/map"
        page.goto(f"{read_only_server.url}/collections/zones/items?limit={XSS}")
        assert XSS in page.locator("main p.error").inner_text() and not dialogs
        assert page.locator("main img").count() == 0
    finally:
        page.close()

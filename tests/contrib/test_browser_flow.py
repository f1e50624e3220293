"""The web door in a real headless Chromium: sign in, upload, read the report, choose a match, preview the staged
records on the map, submit; sign in as a reviewer, accept; the build publishes the record, and the map's popup of
it names its contributor."""

from __future__ import annotations

import re
import shutil
import time
import urllib.error
import urllib.request

import pytest

from contrib import accounts
from contrib.store import ContributionStore
from tests.browser.pages import open_map, open_popup, wait_until
from tests.conftest import LiveServer
from tests.contrib.conftest import TWO_INCIDENTS
from webapp import create_app

pytestmark = pytest.mark.browser
PASSWORD = "a-long-password"


@pytest.fixture()
def door(built, tmp_path):
    """A live server on a copy of the session's build, with a contributor and a reviewer."""
    shutil.copy(built[0], tmp_path / "atlas.gpkg")
    store = ContributionStore(tmp_path / "c.sqlite")
    accounts.add_user(store, "historian", "contributor", PASSWORD, "admin")
    accounts.add_user(store, "editor", "reviewer", PASSWORD, "admin")
    app = create_app({"STORE": tmp_path / "atlas.gpkg", "CONTRIBUTIONS": str(tmp_path / "c.sqlite"),
                      "SECRET_KEY": "browser-test"})  # fmt: skip
    with LiveServer(app) as server:
        yield server


def sign_in(browser, url: str, name: str):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(url + "/contribute")  # not signed in: sent to the sign-in page
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/contribute")
    return page


def published(url: str, feature: str, seconds: int = 300) -> dict:
    """The feature once the background build has published it (the app reopens the new GeoPackage)."""
    for _ in range(seconds):
        try:
            with urllib.request.urlopen(f"{url}/collections/incidents/items/{feature}?f=json", timeout=30) as r:  # noqa: S310
                import json

                return json.loads(r.read())
        except urllib.error.HTTPError as exc:
            assert exc.code == 404, exc
        time.sleep(1)
    raise AssertionError(f"{feature} was not published within {seconds} s")


def test_upload_choose_preview_submit_review_publish(browser, door, tmp_path):
    (tmp_path / "ogpu.csv").write_text(TWO_INCIDENTS, encoding="utf-8")
    page = sign_in(browser, door.url, "historian")
    page.select_option("select[name=layer]", "incidents")
    page.set_input_files("input[name=file]", str(tmp_path / "ogpu.csv"))
    page.fill("input[name=name]", "ogpu")
    page.click("#upload button[type=submit]")
    page.wait_for_url(re.compile(re.escape(door.url) + r"/contribute/ogpu-[0-9a-f]{6}$"))  # the name, a random part
    name = page.url.rsplit("/", 1)[1]
    assert page.text_content("#status") == "needs work"
    report = page.locator("ol.report li").all_text_contents()
    assert any(line.startswith("choose: ogpu.csv:2:I (location.place): 'Kegen' is not settled") for line in report)
    match = page.locator("form.match").first
    assert match.locator("input[name=choice]").first.get_attribute("value") == "geonames:1522818"
    match.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.text_content("#status") == "checked"

    page.click("#preview")  # the map, with the staged layer over it
    page.wait_for_selector("path.border-path")
    wait_until(page, "document.querySelector('.leaflet-container').dataset.staged !== undefined")
    assert page.evaluate("document.querySelector('.leaflet-container').dataset.staged") == "3"
    page.go_back()
    page.click("#submit button")
    page.wait_for_load_state()
    assert page.text_content("#status") == "submitted"

    reviewer = sign_in(browser, door.url, "editor")
    reviewer.click("text=Review queue")
    reviewer.click(f"a:text-is('{name}')")
    reviewer.fill("textarea[name=comment]", "checked against the register")
    reviewer.click("button[value=accept]")
    reviewer.wait_for_url(door.url + "/review")
    assert f"{name}: accepted" in reviewer.text_content("main")

    feature = published(door.url, "kegen-1929-04")
    assert (feature["properties"]["contributor"], feature["properties"]["submission"]) == ("historian", name)
    reader = open_map(browser, door.url + "/map#year=1929")
    wait_until(reader, "(() => { let n = 0; BorderAtlas.map.eachLayer(l => { if (l.feature && l.feature.id === "
                       "'kegen-1929-04') n++; }); return n > 0; })()")  # fmt: skip
    open_popup(reader, "kegen-1929-04")
    assert f"Contributed by historian (submission {name})" in reader.text_content(".leaflet-popup-content")
    suggest = reader.locator(".leaflet-popup-content p.suggest a")
    assert suggest.get_attribute("href") == "/suggest/incidents/kegen-1929-04"


def test_a_wrong_password_and_a_bad_extension_show_the_form_again_with_the_message(browser, door, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(door.url + "/sign-in")
    page.fill("input[name=name]", "historian")
    page.fill("input[name=password]", "not the password")
    page.click("button[type=submit]")
    page.wait_for_selector("#sign-in-error")
    assert page.text_content("#sign-in-error") == "The name or the password is wrong."
    assert page.input_value("input[name=name]") == "historian"  # what was typed, kept
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(door.url + "/contribute")
    (tmp_path / "register.txt").write_text(TWO_INCIDENTS, encoding="utf-8")
    page.select_option("select[name=layer]", "places")
    page.set_input_files("input[name=file]", str(tmp_path / "register.txt"))
    page.fill("input[name=name]", "register")
    page.click("#upload button[type=submit]")
    page.wait_for_selector("#file-error")
    assert page.text_content("#file-error").startswith("register.txt: files ending .txt are not read; allowed: .csv")
    assert (page.input_value("input[name=name]"), page.input_value("select[name=layer]")) == ("register", "places")
    assert "application/json" not in page.evaluate("document.contentType")


def test_a_citation_without_a_quote_shows_its_comment_not_empty_quotation_marks(browser, live_server):
    """A contributed archival citation may carry a comment and no quote: its popup line never shows “”."""
    page = browser.new_page()
    page.goto(live_server.url + "/map")
    shown = page.evaluate("""import('/static/atlas/records.js').then(m => {
        const ol = m.sourcesList([{reference: 'SGA KNB RK, f. 9, op. 1, d. 438, l. 3', quote: null,
                                   comment: 'a report of the outpost'}]);
        return [ol.textContent, ol.querySelectorAll('q').length];
    })""")
    assert shown == ["SGA KNB RK, f. 9, op. 1, d. 438, l. 3 a report of the outpost", 0]

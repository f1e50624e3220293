"""The web door in a real headless Chromium: sign in, upload, read the report, choose a match, preview the staged
records on the map, submit; sign in as a reviewer, accept; the build publishes the record, and the map's popup of
it names its contributor."""

from __future__ import annotations

import os
import re
import shutil
import time
import urllib.error
import urllib.request
from pathlib import Path

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
def door(built, small_reference, tmp_path):
    """A live server on a copy of the session's build, with a contributor and a reviewer."""
    shutil.copy(built[0], tmp_path / "atlas.gpkg")
    store = ContributionStore(tmp_path / "c.sqlite")
    accounts.add_user(store, "historian", "contributor", PASSWORD, "admin")
    accounts.add_user(store, "editor", "reviewer", PASSWORD, "admin")
    app = create_app(
        {
            "STORE": tmp_path / "atlas.gpkg",
            "CONTRIBUTIONS": str(tmp_path / "c.sqlite"),
            "SECRET_KEY": "browser-test",
            "REFERENCE": small_reference,
        }
    )  # fmt: skip (a quick build)
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


HEADER = (
    "id,name,event_type,start,end,date_precision,date_text,location_text,location_place,actors,quote,cite_archive,"
    "cite_locator,cite_quote,detained_low,detained_best,detained_high,detained_approximate\r\n"
)
KEGEN = (  # a place only in GeoNames: to choose
    "kegen-1929-04,Crossing of a family near Kegen,crossing,1929-04,1929-04,month,In April 1929,near Kegen,Kegen,"
    'a family of five (China),a family of five crossed near Kegen at night,"SGA KNB RK, f. 9, op. 1, d. 440",l. 3,'
    "семья из пяти человек перешла границу у Кегена ночью,,,,\r\n"
)
JARKENT = (  # a Russian case form of a gazetteer name (Джаркент), which the reconciliation matches
    "jarkent-1930,Detention at Jarkent,detention,1930,1930,year,In 1930,в Джаркенте,в Джаркенте,"
    'a patrol (USSR); two smugglers (unknown),two smugglers were detained in Jarkent,"SGA KNB RK, f. 9, op. 1, d. 441",'
    "l. 7,двое контрабандистов задержаны в Джаркенте,2,2,2,\r\n"
)
MISTAKEN = (  # three mistakes: a code, an actor without its side, a count in words
    "jarkent-1931,Detention of violators at Jarkent,riot,1931,1931,year,In 1931,at Jarkent,jarkent,"
    'border violators,three violators were detained at Jarkent,"SGA KNB RK, f. 9, op. 1, d. 442",l. 9,'
    "трое нарушителей задержаны у Джаркента,3,three,3,\r\n"
)
FIXED = (
    MISTAKEN.replace(",riot,", ",detention,")
    .replace(",border violators,", ",border violators (unknown),")
    .replace(",3,three,3,", ",3,3,3,")
)


def _upload(page, path) -> str:
    page.select_option("select[name=layer]", "incidents")
    page.set_input_files("input[name=file]", str(path))
    page.fill("input[name=name]", "ogpu")
    page.click("#upload button[type=submit]")
    page.wait_for_url(re.compile(r".*/contribute/ogpu-[0-9a-f]{6}$"))  # the name, a random part
    return page.url.rsplit("/", 1)[1]


def _preview(page, shots) -> None:
    """The staged records on the map: zoomed to, filtered by the years, with their legend entry."""
    back = page.url
    assert re.search(r"/map\?staged=ogpu-[0-9a-f]{6}#year=1929-1931$", page.get_attribute("#preview", "href"))
    page.click("#preview")
    page.wait_for_selector("path.border-path")
    wait_until(page, "document.querySelector('.leaflet-container').dataset.staged !== undefined")
    container = "document.querySelector('.leaflet-container').dataset"
    assert page.evaluate(f"[{container}.staged, {container}.stagedShown]") == ["4", "4"]  # 3 rows and Kegen
    legend = page.text_content(".staged-key")
    assert legend == (
        "Staged (not yet published): 4 of 4 drawn in 1929–1931. 3 are the file's rows; 1 is a new place of the "
        "gazetteer made by place choices: Kegen (GeoNames 1522818)"
    )
    inside = page.evaluate("""(() => { const b = BorderAtlas.map.getBounds(); let n = 0;
        BorderAtlas.map.eachLayer(l => { const p = l.feature && l.feature.properties;
                                         if (p && p.staged && b.contains(l.getLatLng())) n++; });
        return [n, BorderAtlas.map.getZoom()]; })()""")
    assert inside[0] == 4 and inside[1] >= 6, inside  # zoomed to them (the whole map opens at zoom 5)
    assert page.evaluate("document.querySelectorAll('.leaflet-staged-pane path').length") == 4  # drawn over the rest
    page.wait_for_timeout(1000)  # the zoom's animation ended
    page.screenshot(path=str(shots / "preview.png"))
    page.evaluate("location.hash = 'year=1930'")
    wait_until(page, f"{container}.stagedShown === '2'")  # jarkent-1930 and Kegen (a place: every year)
    assert page.text_content(".staged-key").startswith("Staged (not yet published): 2 of 4 drawn in 1930. 3 are")
    page.goto(back)


def test_three_rows_upload_fix_choose_preview_submit_review_publish(browser, door, tmp_path):
    """The journey of issue 28: a CSV of three incidents (an inflected name, a place only in GeoNames, a row with
    mistakes) read with every error in its first report, fixed by replacing the file with the choice kept,
    previewed, submitted, accepted, its build followed on the page, published with its contributor named."""
    shots = Path(os.environ.get("BORDER_ATLAS_SHOTS", tmp_path))
    (tmp_path / "ogpu.csv").write_text(HEADER + KEGEN + JARKENT + MISTAKEN, encoding="utf-8")
    (tmp_path / "fixed.csv").write_text(HEADER + KEGEN + JARKENT + FIXED, encoding="utf-8")
    page = sign_in(browser, door.url, "historian")
    assert page.locator("a#guide").count() == 1
    name = _upload(page, tmp_path / "ogpu.csv")
    assert page.text_content("#status") == "needs work"
    report = page.locator("ol.report li").all_text_contents()
    errors = [line.split("; allowed:")[0] for line in report if line.startswith("error:")]
    assert errors == [
        "error: ogpu.csv:4:J (actors): the actor “border violators” does not end with its side in brackets",
        "error: ogpu.csv:4:P (counts.detained): 'three' is not a number",
        "error: ogpu.csv:4:C (event_type): 'riot' is not in the list",
    ], report
    assert any(line.startswith("choose: ogpu.csv:2:I (location.place): 'Kegen' is not settled") for line in report)
    assert not any("Джаркенте" in line for line in report if line.startswith(("choose", "error")))  # matched
    match = page.locator("form.match").first
    assert match.locator("input[name=choice]").first.get_attribute("value") == "geonames:1522818"
    match.locator("button[type=submit]").click()
    page.wait_for_load_state()
    page.set_input_files("#replace input[name=file]", str(tmp_path / "fixed.csv"))
    page.click("#replace button[type=submit]")
    page.wait_for_load_state()
    assert page.text_content("#status") == "checked", page.locator("ol.report li").all_text_contents()  # choice kept
    assert page.url.endswith("/contribute/" + name)
    assert "Earlier versions of the file: 1. ogpu.csv" in page.text_content("main")

    _preview(page, shots)
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
    page.reload()
    following = page.get_attribute("#publication", "data-follow")  # the page follows the build by itself
    assert following == f"/contribute/{name}/publication.json"
    wait_until(page, "document.querySelector('#publication').textContent.startsWith('Publication: being')", 120_000)
    page.screenshot(path=str(shots / "submission-building.png"), full_page=True)
    wait_until(page, "document.querySelector('#publication').dataset.done !== undefined", 300_000)
    assert page.get_attribute("#publication", "data-done") == "published"
    assert re.fullmatch(r"Publication: published in release \S+\.", page.text_content("#publication"))
    page.screenshot(path=str(shots / "submission-published.png"), full_page=True)
    wait_until(reviewer, "document.querySelector('.publication[data-done]') !== null", 30_000)  # the queue too
    assert "published in release" in reviewer.text_content(".publication")

    for feature in ("kegen-1929-04", "jarkent-1931"):
        found = published(door.url, feature)
        assert (found["properties"]["contributor"], found["properties"]["submission"]) == ("historian", name)
    reader = open_map(browser, door.url + "/map#year=1929")
    assert reader.locator(".atlas-links a:text-is('Contribute')").get_attribute("href") == "/contribute"
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

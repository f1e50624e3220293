"""The map's URL state is anyone's to write (a shared link): random and hostile hashes, opened in Chromium, and the
map always starts (issue 19: `#off=__proto__`, `#c=44,1e308` or a malformed `%` stopped it for whoever opened it)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.browser.pages import wait_until

pytestmark = pytest.mark.browser
KEYS = ["year", "z", "c", "off", "sel", "place"]
HOSTILE = [
    "__proto__",
    "constructor",
    "toString",
    "hasOwnProperty",
    "%",
    "%zz",
    "%E0%A4%A",
    "%C0%AF",
    "%FF",
    "1e308",
    "-1e308",
    "44,1e308",
    "1e308,1e308",
    "NaN,NaN",
    "Infinity,-Infinity",
    "90,180",
    "-90,-180",
    "44.2,80.4,5",
    "0x10",
    "99999999999999999999",
    "-5",
    "6.5",
    "",
    ",",
    "1930-1920",
    "0000-9999",
    "22 km border zone,__proto__,%",
    "Places%2C%",
    "<img src=x onerror=window.__xss=1>",
    "javascript:window.__xss=2",
]
value = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers().map(str),
)
pair = st.tuples(st.one_of(st.sampled_from(KEYS), st.text(max_size=5)), value).map(lambda kv: f"{kv[0]}={kv[1]}")
hashes = st.lists(pair, max_size=6).map("&".join)


def _starts(page, url: str) -> None:
    page.errors = []
    page.goto("about:blank")
    page.goto(url)
    wait_until(page, "window.BorderAtlas && window.BorderAtlas.ready === true", timeout_ms=20_000)
    assert page.errors == [], page.errors
    assert page.evaluate("window.__xss") is None
    assert page.evaluate("BorderAtlas.map.getZoom()") >= 0
    centre = page.evaluate("[BorderAtlas.map.getCenter().lat, BorderAtlas.map.getCenter().lng]")
    assert -90 <= centre[0] <= 90 and -180 <= centre[1] <= 180


@pytest.fixture(scope="module")
def page(browser, live_server):
    page = browser.new_page(viewport={"width": 1000, "height": 700})
    page.requests = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("request", lambda r: page.requests.append(r.url))
    yield page
    page.close()
    assert all(urlsplit(u).hostname in ("127.0.0.1", None) for u in page.requests if not u.startswith("about:"))


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(fragment=hashes)
@example(fragment="off=__proto__")
@example(fragment="c=44,1e308&z=6")
@example(fragment="sel=%E0%A4%A")
@example(fragment="place=%")
@example(fragment="off=%zz,Places")
@example(fragment="year=1927-1932&z=1e9&c=44,80")
def test_the_map_starts_whatever_the_hash(page, live_server, fragment):
    _starts(page, f"{live_server.url}/map#{fragment}")


def test_a_good_hash_still_sets_the_view_and_switches_layers_off(page, live_server):
    _starts(page, f"{live_server.url}/map#year=1927&z=8&c=44.2000,80.4000&off=Places")
    assert page.evaluate("BorderAtlas.map.getZoom()") == 8
    assert page.evaluate("BorderAtlas.map.getCenter().lat.toFixed(1)") == "44.2"
    checkbox = page.locator(".leaflet-control-layers-overlays").get_by_role("checkbox", name="Places", exact=True)
    assert not checkbox.is_checked()

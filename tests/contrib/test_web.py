"""The web's way in: read-only without accounts; with them, CSRF on every write, roles checked on the server,
sign-in throttled, cookies HttpOnly/SameSite/Secure, and the upload -> choose -> submit -> review flow."""

from __future__ import annotations

import html
import re

import pytest

from contrib import accounts
from contrib.store import ContributionStore
from tests.contrib.conftest import TWO_INCIDENTS
from webapp import create_app
from webapp.contribute import pages

PASSWORD = "a-long-password"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def writable(app) -> set[str]:
    return {r.rule for r in app.url_map.iter_rules() if r.methods & WRITES}


def test_without_accounts_the_app_is_read_only(built, tmp_path):
    app = create_app({"STORE": built[0], "CONTRIBUTIONS": str(tmp_path / "none.sqlite"), "TESTING": True})
    assert writable(app) == set()
    client = app.test_client()
    assert client.get("/contribute").status_code == 404
    assert client.get("/contribute/templates/incidents.xlsx").status_code == 200
    assert not (tmp_path / "none.sqlite").exists()
    page = client.get("/map").get_data(as_text=True)
    assert '"suggestUrls": {}' in page  # no popup links to a page not served
    assert '"Sign in"' not in page and '"Contribute"' not in page


def test_the_read_only_check_can_fail(web):
    assert writable(web) == {"/contribute", "/contribute/<name>/choose", "/contribute/<name>/submit",
                             "/contribute/<name>/replace", "/contribute/<name>/withdraw",
                             "/review/<name>", "/review/publish", "/sign-in", "/sign-out",
                             "/suggest/<layer>/<feature>"}  # fmt: skip


@pytest.fixture(scope="module")
def web(built, tmp_path_factory):
    root = tmp_path_factory.mktemp("web")
    store = ContributionStore(root / "c.sqlite")
    for name, role in (("reader", "reader"), ("con", "contributor"), ("rev", "reviewer")):
        accounts.add_user(store, name, role, PASSWORD, "admin")
    return create_app({"STORE": built[0], "CONTRIBUTIONS": str(root / "c.sqlite"), "TESTING": True,
                       "SECRET_KEY": "test"})  # fmt: skip


def said(response) -> list[str]:
    """The messages a refused form shows beside its fields (role="alert"), as a reader reads them."""
    assert response.mimetype == "text/html", response.data[:200]
    found = re.findall(r'role="alert"[^>]*>(.*?)</', response.get_data(as_text=True), re.S)
    return [html.unescape(m) for m in found]


def token(client, path: str = "/sign-in") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


ADDRESSES = iter(range(1, 10_000))


def signed_in(web, name: str):
    client = web.test_client()
    client.environ_base["REMOTE_ADDR"] = f"192.0.2.{next(ADDRESSES) % 250}"  # each its own sign-in throttle
    response = client.post("/sign-in", data={"name": name, "password": PASSWORD, "csrf_token": token(client)})
    assert response.status_code == 302
    return client


@pytest.mark.parametrize(
    "path", ["/contribute", "/contribute/x/choose", "/contribute/x/submit", "/review/x", "/sign-out",
             "/suggest/incidents/sarkand-1927-08-18", "/sign-in"],
)  # fmt: skip
def test_a_write_without_a_csrf_token_is_refused(web, path):
    client = signed_in(web, "rev")
    response = client.post(path, data={"name": "rev", "password": PASSWORD, "decision": "accept"})
    assert (response.status_code, response.get_json()["description"]) == (400, "The CSRF token is missing.")


@pytest.mark.parametrize(
    ("who", "path", "data"),
    [("con", "/review/x", {"decision": "accept"}), ("reader", "/contribute", {"layer": "incidents"}),
     ("reader", "/contribute/x/submit", {})],
)  # fmt: skip
def test_the_role_is_checked_on_the_server(web, who, path, data):
    client = signed_in(web, who)
    response = client.post(path, data=data | {"csrf_token": token(client, "/contribute")})
    assert response.status_code == 403
    assert response.get_json()["description"].startswith(f"{who} ({who if who == 'reader' else 'contributor'})")


def test_a_contributor_cannot_review_or_publish(web):
    assert not accounts.may("contributor", "review") and not accounts.may("contributor", "publish")
    with pytest.raises(accounts.Forbidden, match=r"con \(contributor\) may not review; allowed: a reviewer or above"):
        accounts.require({"name": "con", "role": "contributor"}, "review")


def test_sign_in_is_throttled_and_sets_safe_cookies(web):
    client = web.test_client()
    client.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    https = {"base_url": "https://localhost", "headers": {"Referer": "https://localhost/sign-in"}}  # a trusted host
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/sign-in", **https).get_data(as_text=True))[1]
    first = client.post("/sign-in", data={"name": "con", "password": PASSWORD, "csrf_token": csrf}, **https)
    cookie = first.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    plain = web.test_client().get("/sign-in").headers["Set-Cookie"]
    assert "Secure" not in plain and "HttpOnly" in plain
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/sign-in", **https).get_data(as_text=True))[1]
    codes = [client.post("/sign-in", data={"name": "con", "password": "wrong", "csrf_token": csrf}, **https).status_code
             for _ in range(12)]  # fmt: skip
    assert codes[:9] == [401] * 9 and codes[-1] == 429


def test_upload_choose_submit_review(web, tmp_path, monkeypatch):
    published = []
    monkeypatch.setattr(pages, "_publish_in_background", lambda *args: published.append(args))
    client = signed_in(web, "con")
    csrf = token(client, "/contribute")
    (tmp_path / "ogpu.csv").write_bytes(TWO_INCIDENTS.encode())
    with open(tmp_path / "ogpu.csv", "rb") as upload:
        sent = client.post("/contribute", data={"layer": "incidents", "file": (upload, "ogpu.csv"), "csrf_token": csrf})
    name = re.fullmatch(r"/contribute/(ogpu-[0-9a-f]{6})", sent.headers["Location"])[1]  # the file's, a random part
    page = client.get(f"/contribute/{name}").get_data(as_text=True)
    assert "needs work" in page and 'value="geonames:1522818"' in page
    client.post(f"/contribute/{name}/choose", data={"row": "2", "field": "location.place",
                                                    "choice": "geonames:1522818", "csrf_token": csrf})  # fmt: skip
    staged = client.get(f"/contribute/{name}/staged.geojson").get_json()
    assert sorted(f["id"] for f in staged["features"]) == ["jarkent-1930", "kegen", "kegen-1929-04"]
    assert (staged["staged"], staged["rows"], staged["new_places"]) == (3, 2, ["Kegen (GeoNames 1522818)"])
    page = client.get(f"/contribute/{name}").get_data(as_text=True)
    assert f'<a id="preview" href="/map?staged={name}#year=1929-1930">' in page  # opened on the records' years
    assert client.post(f"/contribute/{name}/submit", data={"csrf_token": csrf}).status_code == 302
    reviewer = signed_in(web, "rev")
    assert name in reviewer.get("/review").get_data(as_text=True)
    done = reviewer.post(f"/review/{name}", data={"decision": "accept", "comment": "checked against the register",
                                                  "csrf_token": token(reviewer, "/review")})  # fmt: skip
    assert done.status_code == 302 and published == [("rev", "--pending")]
    actions = [(h["who"], h["action"]) for h in web.extensions["contributions"].history(name)]
    assert actions[-3:] == [("con", "check"), ("con", "submit"), ("rev", "accept")]


def test_the_map_popups_link_to_the_suggest_pages(web):
    page = web.test_client().get("/map").get_data(as_text=True)
    assert '"incidents": "/suggest/incidents/FID"' in page and '"places": "/suggest/places/FID"' in page
    assert '"Contribute": "/contribute"' in page  # accounts: the map links the door
    contribute = signed_in(web, "con").get("/contribute").get_data(as_text=True)
    assert "at most 64 MB)" in contribute


def test_a_signed_in_reader_suggests_a_correction_into_the_queue(web):
    client = signed_in(web, "reader")
    csrf = token(client, "/suggest/incidents/sarkand-1927-08-18")
    sent = client.post("/suggest/incidents/sarkand-1927-08-18", data={
        "field": "date_text", "value": "18 August 1927", "reason": "the register gives the day",
        "cite_archive": "SGA KNB RK, f. 9, op. 1, d. 438", "cite_locator": "l. 75", "cite_quote":
        "задержано 18 августа 1927 года двенадцать нарушителей границы", "csrf_token": csrf})  # fmt: skip
    name = sent.headers["Location"].rsplit("/", 1)[1]
    sub = web.extensions["contributions"].get(name)
    assert (sub["status"], sub["contributor"], sub["records"][0]["record"]["date_text"]) == (
        "submitted", "reader", "18 August 1927")  # fmt: skip
    assert any("a correction of the atlas's record: date_text, sources" in line for line in sub["report"]["lines"])


def test_text_from_a_file_is_escaped_on_the_pages(web, tmp_path):
    client = signed_in(web, "con")
    hostile = TWO_INCIDENTS.replace("near Kegen,Kegen,", "near Kegen,<script>window.__xss=1</script>,")
    assert hostile != TWO_INCIDENTS
    (tmp_path / "x.csv").write_text(hostile, encoding="utf-8")
    with open(tmp_path / "x.csv", "rb") as upload:
        sent = client.post("/contribute", data={"layer": "incidents", "file": (upload, "<i>x<i>.csv"),
                                                "name": "hostile", "csrf_token": token(client)})  # fmt: skip
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "<script>window.__xss" not in page and "<i>x<i>" not in page
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in page and "&lt;i&gt;x&lt;i&gt;.csv" in page


def test_private_pages_offer_no_citation_and_public_pages_do(web, tmp_path):
    """Sign-in, the contributors' pages, the review queue and a private submission are not to be cited; the atlas's
    own pages still are."""
    assert "Cite this page" in web.test_client().get("/places/jarkent?f=html").get_data(as_text=True)
    assert "Cite this page" not in web.test_client().get("/sign-in").get_data(as_text=True)
    contributor, reviewer = signed_in(web, "con"), signed_in(web, "rev")
    (tmp_path / "private.csv").write_text(TWO_INCIDENTS, encoding="utf-8")
    with open(tmp_path / "private.csv", "rb") as upload:
        private = contributor.post("/contribute", data={"layer": "incidents", "file": (upload, "private.csv"),
                                   "name": "private", "csrf_token": token(contributor, "/contribute")})  # fmt: skip
    private = private.headers["Location"]
    pages_seen = [contributor.get(p) for p in ("/contribute", private, "/suggest/places/jarkent")]
    pages_seen += [reviewer.get(p) for p in ("/review", private)]
    for page in pages_seen:
        assert page.status_code == 200, page.request.path
        assert "Cite this page" not in page.get_data(as_text=True), page.request.path


def test_the_pages_of_a_user_are_never_cached_nor_answered_304(web):
    client = signed_in(web, "con")
    page = client.get("/contribute")
    assert page.headers["Cache-Control"] == "no-store" and "ETag" not in page.headers
    again = client.get("/contribute", headers={"If-None-Match": '"*", W/"x"'})
    assert again.status_code == 200 and "Signed in as" in again.get_data(as_text=True)
    public = client.get("/contribute/templates/incidents.csv")
    assert public.status_code == 200


def test_a_reviewer_rejects_with_a_comment_and_nothing_is_published(web, tmp_path, monkeypatch):
    published = []
    monkeypatch.setattr(pages, "_publish_in_background", lambda *args: published.append(args))
    client = signed_in(web, "con")
    (tmp_path / "r.csv").write_text(TWO_INCIDENTS.replace("near Kegen,Kegen,", "near Kegen,Jarkent,"), encoding="utf-8")
    with open(tmp_path / "r.csv", "rb") as upload:
        sent = client.post("/contribute", data={"layer": "incidents", "file": (upload, "r.csv"), "name": "to-reject",
                                                "csrf_token": token(client, "/contribute")})  # fmt: skip
    name = sent.headers["Location"].rsplit("/", 1)[1]
    assert name.startswith("to-reject-") and web.extensions["contributions"].get(name)["status"] == "checked"
    client.post(f"/contribute/{name}/submit", data={"csrf_token": token(client, "/contribute")})
    reviewer = signed_in(web, "rev")
    reviewer.post(f"/review/{name}", data={"decision": "reject", "comment": "the register says 1931",
                                           "csrf_token": token(reviewer, "/review")})  # fmt: skip
    assert web.extensions["contributions"].get(name)["status"] == "rejected" and published == []
    last = web.extensions["contributions"].history(name)[-1]
    assert (last["who"], last["action"], last["why"]) == ("rev", "reject", "the register says 1931")
    refused = reviewer.post(f"/review/{name}", data={"decision": "maybe", "csrf_token": token(reviewer, "/review")})
    assert (refused.status_code, said(refused)) == (400, ["decision 'maybe' is not one of accept, reject"])


def test_a_signed_in_reviewer_sees_the_paragraphs_no_record_cites(web):
    """Issue 27: /texts/<document> marks, for a reviewer, each paragraph no record cites with the reason its coverage
    table gives; a reader or a contributor sees none; what a reviewer sees is never cached nor answered 304 from what
    another was sent."""
    path = "/texts/ablazhey-zhanbossinova-2026"
    anonymous = web.test_client().get(path, headers={"Accept": "text/html"})
    assert 'class="uncited"' not in anonymous.get_data(as_text=True) and anonymous.headers.get("ETag")
    reviewer = signed_in(web, "rev")
    page = reviewer.get(path, headers={"Accept": "text/html", "If-None-Match": anonymous.headers["ETag"]})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store" and "ETag" not in page.headers
    text = page.get_data(as_text=True)
    assert ('<p class="uncited" id="p-43-uncited">No record of the atlas cites this paragraph (method: the purpose of '
            "the study).</p>") in text  # fmt: skip
    assert "No record of the atlas cites this note (historiography: Mozokhin" in text
    assert 'id="p-47-uncited"' not in text, "a cited paragraph is not marked"
    for who in ("con", "reader"):
        assert 'class="uncited"' not in signed_in(web, who).get(path, headers={"Accept": "text/html"}).get_data(
            as_text=True)  # fmt: skip

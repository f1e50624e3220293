"""Sessions and review as promised: only a path of this site after signing in, a session over once signed out, a
new CSRF token at sign-in, nobody accepting their own submission (but an admin who says so), a suggestion that
keeps its record's id and is kept as a suggestion, and names of submissions one may not read never confirmed."""

from __future__ import annotations

import io
import re
from urllib.parse import quote

import pytest

from contrib import accounts
from contrib.store import ContributionStore
from tests.contrib.conftest import TWO_INCIDENTS
from tests.contrib.test_web import ADDRESSES, PASSWORD, said, signed_in, token
from webapp import create_app
from webapp.contribute import pages

USERS = {"reader": "reader", "con": "contributor", "con2": "contributor", "rev": "reviewer", "rev2": "reviewer",
         "boss": "admin"}  # fmt: skip


@pytest.fixture(scope="module")
def door(built, tmp_path_factory):
    root = tmp_path_factory.mktemp("sessions")
    store = ContributionStore(root / "c.sqlite")
    for name, role in USERS.items():
        accounts.add_user(store, name, role, PASSWORD, "admin")
    return create_app({"STORE": built[0], "CONTRIBUTIONS": str(root / "c.sqlite"), "TESTING": True,
                       "SECRET_KEY": "sessions"})  # fmt: skip


def fresh(door):
    """A client of an address of its own (the sign-in throttle counts per address)."""
    client = door.test_client()
    client.environ_base["REMOTE_ADDR"] = f"198.18.{next(ADDRESSES) // 250}.{next(ADDRESSES) % 250}"
    return client


@pytest.fixture()
def no_build(monkeypatch):
    started = []
    monkeypatch.setattr(pages, "_publish_in_background", lambda *args: started.append(args))
    return started


# `next` values that must not lead off this site (a browser drops a tab or a newline: "/\t/host" is "//host")
HOSTILE_NEXT = ["/\t/evil.example", "//evil.example", "\\\\evil.example", "/\\evil.example", "\\/evil.example",
                "/\r\nSet-Cookie: x=1", "/\n/evil.example", "https://evil.example/", " //evil.example",
                "/contribute\x00", "javascript:alert(1)", "/\u3000/evil.example", "///evil.example"]  # fmt: skip


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_only_a_path_of_this_site_is_followed_after_signing_in(door, target):
    client = fresh(door)
    form = client.get(f"/sign-in?next={quote(target, safe='')}")
    assert form.status_code == 200 and "evil" not in form.get_data(as_text=True)
    response = client.post(f"/sign-in?next={quote(target, safe='')}",
                           data={"name": "con", "password": PASSWORD, "csrf_token": token(client)})  # fmt: skip
    assert (response.status_code, response.headers["Location"]) == (302, "/contribute")


def test_a_path_of_this_site_is_followed_after_signing_in(door):
    client = fresh(door)
    response = client.post("/sign-in?next=/review%3Fx%3D1",
                           data={"name": "rev", "password": PASSWORD, "csrf_token": token(client)})  # fmt: skip
    assert response.headers["Location"] == "/review?x=1"


def test_signing_out_ends_the_session_even_for_a_copy_of_its_cookie(door):
    client = signed_in(door, "con")
    cookie = client.get_cookie("session").value
    copy = door.test_client()
    copy.set_cookie("session", cookie)
    assert copy.get("/contribute").status_code == 200  # the copy works while the session is open
    assert client.post("/sign-out", data={"csrf_token": token(client, "/contribute")}).status_code == 302
    copy.set_cookie("session", cookie)  # the cookie as it was before signing out
    response = copy.get("/contribute")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert door.test_client().get("/contribute").status_code == 302


def test_the_csrf_token_is_made_anew_at_sign_in(door):
    client = fresh(door)
    before = token(client)
    assert client.post("/sign-in", data={"name": "con", "password": PASSWORD, "csrf_token": before}).status_code == 302
    after = token(client, "/contribute")
    refused = client.post("/contribute/none-such/submit", data={"csrf_token": before})
    assert (refused.status_code, refused.get_json()["description"]) == (400, "The CSRF tokens do not match.")
    assert client.post("/contribute/none-such/submit", data={"csrf_token": after}).status_code == 404


def uploaded(door, who: str, stem: str) -> str:
    """A checked, submitted submission of `who`; its name."""
    client = signed_in(door, who)
    data = TWO_INCIDENTS.replace("near Kegen,Kegen,", "near Kegen,Jarkent,").encode()
    sent = client.post("/contribute", data={"layer": "incidents", "file": (io.BytesIO(data), "x.csv"),
                                            "name": stem, "csrf_token": token(client, "/contribute")})  # fmt: skip
    name = sent.headers["Location"].rsplit("/", 1)[1]
    submit = client.post(f"/contribute/{name}/submit", data={"csrf_token": token(client, "/contribute")})
    assert submit.status_code == 302
    return name


def decide(door, who: str, name: str, **more):
    client = signed_in(door, who)
    return client.post(f"/review/{name}", data={"decision": "accept", "comment": "checked",
                                                "csrf_token": token(client, "/review"), **more})  # fmt: skip


def test_a_reviewer_cannot_accept_their_own_submission(door, no_build):
    name = uploaded(door, "rev", "own")
    refused = decide(door, "rev", name)
    assert refused.status_code == 403
    assert said(refused) == [f"rev contributed {name!r} and may not accept it; allowed: another reviewer, or an "
                             "admin's explicit override"]  # fmt: skip
    assert door.extensions["contributions"].get(name)["status"] == "submitted" and no_build == []
    assert decide(door, "rev2", name).status_code == 302
    assert door.extensions["contributions"].get(name)["status"] == "accepted"


def test_an_admin_accepts_their_own_submission_only_saying_so_in_the_history(door, no_build):
    name = uploaded(door, "boss", "boss")
    assert decide(door, "boss", name).status_code == 403
    page = signed_in(door, "boss").get(f"/contribute/{name}").get_data(as_text=True)
    assert 'name="override" value="yes"' in page
    assert decide(door, "boss", name, override="yes").status_code == 302
    last = door.extensions["contributions"].history(name)[-1]
    assert (last["who"], last["action"], last["what"]["override"]) == (
        "boss", "accept", "accepted by its own contributor, as an admin")  # fmt: skip
    other = uploaded(door, "con", "other")
    assert decide(door, "boss", other).status_code == 302
    assert "override" not in door.extensions["contributions"].history(other)[-1]["what"]


SUGGESTION = {"reason": "the register gives the day", "cite_archive": "SGA KNB RK, f. 9, op. 1, d. 438",
              "cite_locator": "l. 75",
              "cite_quote": "задержано 18 августа 1927 года двенадцать нарушителей границы"}  # fmt: skip


@pytest.mark.parametrize("value", ["santos-1927-08-24", "sarkand-1927-08-18-x"])
def test_a_suggestion_cannot_change_the_id_of_its_record(door, value):
    """A suggestion carrying another record's id would replace that record on publication."""
    client = signed_in(door, "reader")
    before = len(door.extensions["contributions"].submissions())
    path = "/suggest/incidents/sarkand-1927-08-18"
    assert 'option value="id"' not in client.get(path).get_data(as_text=True)
    sent = client.post(path, data={"field": "id", "value": value, "csrf_token": token(client, path), **SUGGESTION})
    assert sent.status_code == 400
    assert said(sent)[0].startswith("a suggestion cannot change 'id': it corrects the record")
    assert f'value="{value}"' in sent.get_data(as_text=True)  # what was typed, kept
    assert len(door.extensions["contributions"].submissions()) == before


def test_a_suggestion_is_kept_as_a_suggestion(door):
    client = signed_in(door, "reader")
    path = "/suggest/incidents/sarkand-1927-08-18"
    sent = client.post(path, data={"field": "date_text", "value": "18 August 1927", "csrf_token": token(client, path),
                                   **SUGGESTION})  # fmt: skip
    sub = door.extensions["contributions"].get(sent.headers["Location"].rsplit("/", 1)[1])
    assert (sub["kind"], sub["status"], sub["records"][0]["record"]["id"]) == (
        "suggestion", "submitted", "sarkand-1927-08-18")  # fmt: skip


def test_a_suggestion_stopped_before_its_reason_is_written_leaves_nothing(door, monkeypatch):
    """A worker stopped between the suggestion's file and its reason in the history: neither is kept."""
    client, contributions = signed_in(door, "reader"), door.extensions["contributions"]
    before, lines, real = len(contributions.submissions()), len(contributions.history()), ContributionStore.log

    def stopped(self, who, action, *args, **kwargs):
        if action == "suggest":
            raise SystemExit("worker stopped")
        return real(self, who, action, *args, **kwargs)

    monkeypatch.setattr(ContributionStore, "log", stopped)
    path = "/suggest/incidents/sarkand-1927-08-18"
    with pytest.raises(SystemExit):
        client.post(path, data={"field": "date_text", "value": "18 August 1927", "csrf_token": token(client, path),
                                **SUGGESTION})  # fmt: skip
    assert (len(contributions.submissions()), len(contributions.history())) == (before, lines)


@pytest.mark.parametrize("path", ["/contribute/{}", "/contribute/{}/staged.geojson"])
def test_a_submission_one_may_not_read_is_answered_as_a_missing_one(door, path):
    name = uploaded(door, "con", "secret")
    other = signed_in(door, "con2")
    hidden, missing = other.get(path.format(name)), other.get(path.format(name + "x"))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json()["description"] == f"no submission {name!r}"
    assert missing.get_json()["description"] == f"no submission {name + 'x'!r}"
    for write in ("submit", "choose"):
        answers = [other.post(f"/contribute/{n}/{write}", data={"csrf_token": token(other, "/contribute")})
                   for n in (name, name + "x")]  # fmt: skip
        assert [a.status_code for a in answers] == [404, 404], write
    assert signed_in(door, "rev").get(path.format(name)).status_code == 200


def test_the_name_of_a_new_submission_says_nothing_of_names_taken(door):
    first, second = uploaded(door, "con", "ogpu"), uploaded(door, "con2", "ogpu")
    assert re.fullmatch(r"ogpu-[0-9a-f]{6}", first) and re.fullmatch(r"ogpu-[0-9a-f]{6}", second) and first != second

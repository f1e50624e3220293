"""The sign-in throttle: per address, per account and for everyone, counted in the contributions store by every
worker; a bound on the password hashes made at once; and the right password working for its owner whatever others
try (contrib/throttle.py)."""

from __future__ import annotations

import threading
import time

import pytest

from contrib import accounts, throttle
from contrib.store import ContributionStore, milliseconds
from tests.contrib.test_web import PASSWORD, token
from webapp import create_app


@pytest.fixture()
def workers(built, tmp_path):
    """Two apps on one contributions store: two workers of one deployment."""
    store = ContributionStore(tmp_path / "c.sqlite")
    accounts.add_user(store, "con", "contributor", PASSWORD, "admin")
    config = {"STORE": built[0], "CONTRIBUTIONS": str(tmp_path / "c.sqlite"), "TESTING": True, "SECRET_KEY": "t"}
    return create_app(config), create_app(config)


def attempt(app, address: str, name: str, password: str = "wrong", client=None):
    client = client or app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client.post("/sign-in", data={"name": name, "password": password, "csrf_token": token(client)})


def test_an_address_is_throttled_by_every_worker(workers):
    """One address, its attempts shared out between two workers (each on an account of its own): the eleventh in a
    minute is refused, with Retry-After, before any hash."""
    answers = [attempt(workers[n % 2], "203.0.113.9", f"nobody-{n}") for n in range(12)]
    assert [a.status_code for a in answers] == [401] * 10 + [429] * 2
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60
    assert "Too many sign-in attempts from this address" in answers[-1].get_data(as_text=True)


def test_an_account_is_throttled_from_every_address_and_its_owner_still_signs_in(workers, monkeypatch):
    """Twenty-four addresses try one account: after five failures the others are refused; the owner, from the browser
    where they signed in before, still signs in with the right password. The bound is a window, not a lock."""
    owner = workers[0].test_client()
    assert attempt(workers[0], "198.51.100.1", "con", PASSWORD, owner).status_code == 302
    owner.post("/sign-out", data={"csrf_token": token(owner, "/contribute")})
    codes = [attempt(workers[n % 2], f"203.0.113.{n}", "con").status_code for n in range(24)]
    assert codes == [401] * 5 + [429] * 19
    assert attempt(workers[1], "198.51.100.1", "con", PASSWORD, owner).status_code == 302
    stranger = attempt(workers[0], "198.51.100.2", "con", PASSWORD)  # a browser the account never signed in from
    assert stranger.status_code == 429 and "your password still works" in stranger.get_data(as_text=True)
    later = milliseconds() + throttle.LIMITS["account"][1] * 1000 + 1000
    monkeypatch.setattr(throttle, "milliseconds", lambda: later)
    assert attempt(workers[0], "198.51.100.2", "con", PASSWORD).status_code == 302


def test_failures_on_many_accounts_are_throttled_for_everyone(workers, monkeypatch):
    """Forty addresses, each trying an account of its own: after thirty failures in the window, the rest wait (the
    window is widened from 10 s here, so that a slow machine makes the thirty hashes in it)."""
    monkeypatch.setitem(throttle.LIMITS, "everyone", (30, 300))
    answers = [attempt(workers[n % 2], f"192.0.2.{n}", f"nobody-{n}") for n in range(33)]
    assert [a.status_code for a in answers] == [401] * 30 + [429] * 3
    assert "Too many failed sign-ins on this atlas" in answers[-1].get_data(as_text=True)


def test_the_hashes_made_at_once_are_bounded(workers, monkeypatch):
    """Six sign-ins at once in one worker: one hash at a time; one that waits too long is told to come back (503)."""
    running, most = [0], [0]
    real = accounts.verified

    def counted(*args):
        running[0] += 1
        most[0] = max(most[0], running[0])
        time.sleep(0.3)
        try:
            return real(*args)
        finally:
            running[0] -= 1

    monkeypatch.setattr(accounts, "verified", counted)
    answers: list = []
    threads = [threading.Thread(target=lambda n=n: answers.append(attempt(workers[0], f"192.0.2.{n}", f"x-{n}")))
               for n in range(6)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == 1 and sorted(a.status_code for a in answers) == [401] * 6
    monkeypatch.setattr(throttle, "HASH_WAIT", 0.05)
    answers.clear()
    threads = [threading.Thread(target=lambda n=n: answers.append(attempt(workers[0], f"192.0.2.{n}", f"y-{n}")))
               for n in range(10, 13)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 503 in [a.status_code for a in answers] and most[0] == 1
    assert all(a.headers.get("Retry-After") for a in answers if a.status_code == 503)

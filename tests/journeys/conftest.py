"""Journeys: what a newcomer does, in a real headless Chromium, each step asserting what a person would see; a
screenshot of every surface is kept in tests/artifacts/journeys/ (look at them after a run)."""

from __future__ import annotations

import pytest

from tests.browser.pages import wait_loaded
from tests.conftest import ARTIFACTS

SHOTS = ARTIFACTS / "journeys"
DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 740}


class Journey:
    """A page of the live server; `go` opens a path and waits for the map, `shot` keeps a screenshot."""

    def __init__(self, browser, base: str, viewport: dict):
        self.base = base
        self.page = browser.new_page(viewport=viewport)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def go(self, path: str, map_page: bool = True):
        self.page.goto(self.base + path)
        if map_page:
            self.page.wait_for_selector("path.border-path")
            wait_loaded(self.page)
        return self.page

    def shot(self, name: str, page=None) -> None:
        """Keep a screenshot of the journey's page (or of another tab it opened)."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        (page or self.page).screenshot(path=str(SHOTS / f"{name}.png"))

    def close(self) -> None:
        self.page.close()
        assert self.errors == [], self.errors


@pytest.fixture()
def journey(browser, live_server):
    """A newcomer at a desktop screen."""
    walk = Journey(browser, live_server.url, DESKTOP)
    yield walk
    walk.close()


@pytest.fixture()
def phone(browser, live_server):
    """A newcomer on a phone-sized screen."""
    walk = Journey(browser, live_server.url, PHONE)
    yield walk
    walk.close()

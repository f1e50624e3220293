"""A count that is a range with a best figure inside it is said one way on every page that shows a count: "about 50
(40–60)" (layers.words.count_words), on the statistics and charts pages, an incident's page and its item page, a
flow's item page and the change list."""

from __future__ import annotations

import html

import pytest

from tests.ranged import PUCHKOV_SAID, ZAYSAN_SAID, ranged_store
from webapp import create_app


@pytest.fixture(scope="module")
def ranged(tmp_path_factory):
    return create_app({"STORE": ranged_store(tmp_path_factory.mktemp("ranged"))}).test_client()


def _page(client, path: str) -> str:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, path
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/statistics", f"{PUCHKOV_SAID} people"),
        ("/charts", f"{ZAYSAN_SAID} households"),
        ("/incidents/zaysan-1931-02-11", ZAYSAN_SAID),
        ("/collections/incidents/items/zaysan-1931-02-11?f=html", ZAYSAN_SAID),
        ("/collections/migration/items/zaysan-households-1931-02?f=html", ZAYSAN_SAID),
        ("/changes?from=1930&to=1931&f=html", f"households {ZAYSAN_SAID}"),
    ],
)
def test_every_page_says_a_range_with_its_best_figure_the_same_way(ranged, path, said):
    assert said in _page(ranged, path)


def test_the_change_list_gives_the_flow_and_the_incident_their_ranges(ranged):
    body = ranged.get("/changes?from=1930&to=1931&f=json").get_json()
    texts = [line["text"] for line in body["changes"] if "Zaysan" in line["text"]]
    assert any(text.endswith(f": {ZAYSAN_SAID} households") for text in texts), texts  # the flow
    assert any(text.endswith(f": households {ZAYSAN_SAID}") for text in texts), texts  # the incident

"""Costly answers bounded (issue 19): figures a few at a time per worker (503 + Retry-After beyond) and cached by
their ETag; HTML item pages paged like the JSON and made without parsing a feature; downloads streamed (GeoJSON;
CSV and KML, issue 31)."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
import zipfile

import pandas as pd
import pytest

from webapp import create_app, downloads, figure, kml, limits
from webapp.store import get_store


@pytest.fixture()
def app(built):
    """A new app per test: its own figure slots and cache."""
    return create_app({"STORE": built[0], "DATABASE": None, "TESTING": True})


@pytest.fixture()
def drawn(monkeypatch):
    """The views actually drawn (render is counted, then called)."""
    calls, render = [], figure.render
    monkeypatch.setattr(
        figure, "render", lambda store, view, **kw: calls.append(view.years) or render(store, view, **kw)
    )
    return calls


def test_a_figure_is_drawn_once_and_then_served_from_the_cache(app, drawn):
    client = app.test_client()
    first, second = (client.get("/figure?format=svg&year=1927") for _ in range(2))
    assert first.status_code == second.status_code == 200 and first.data == second.data
    assert drawn == [(1927, 1927)]
    assert client.get("/figure?format=svg&year=1928").status_code == 200 and len(drawn) == 2


def test_the_cache_is_keyed_by_the_etag_so_another_origin_gets_its_own_caption(built, drawn):
    app = create_app({"STORE": built[0], "DATABASE": None, "PROXIES": 1, "FORWARDED": ["proto"]})
    client = app.test_client()
    http = client.get("/figure?format=svg", headers={"X-Forwarded-Proto": "http"})
    https = client.get("/figure?format=svg", headers={"X-Forwarded-Proto": "https"})
    assert len(drawn) == 2 and http.headers["ETag"] != https.headers["ETag"]
    assert b"http://localhost/map#" in http.data and b"https://localhost/map#" in https.data


def test_beyond_the_figures_a_worker_draws_at_once_the_answer_is_503_with_retry_after(app, drawn):
    figures = app.extensions["atlas_figures"]
    assert figures.slots.acquire(blocking=False)  # the one slot is taken, as by a figure being drawn
    try:
        response = app.test_client().get("/figure?format=png&year=1930")
    finally:
        figures.slots.release()
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert response.get_json()["code"] == "ServiceUnavailable" and "try again" in response.get_json()["description"]
    assert drawn == []
    assert app.test_client().get("/figure?format=svg&year=1930").status_code == 200  # a free slot again


def test_the_figure_cache_holds_at_most_its_capacity():
    cache = limits.BytesCache(10)
    for key in "abcd":
        cache.put(key, b"xxxx")
    assert cache.size <= 10 and cache.get("a") is None and cache.get("d") == b"xxxx"
    cache.put("big", b"x" * 11)
    assert cache.get("big") is None and cache.size <= 10


@pytest.mark.parametrize(("limit", "offset"), [(3, 0), (3, 3), (2, 8), (100, 0)])
def test_html_items_are_the_json_page_with_the_same_links(client, limit, offset, monkeypatch):
    query = f"limit={limit}&offset={offset}"
    page = client.get(f"/collections/zones/items?{query}").get_json()
    client.get("/collections/zones/items?f=html")  # the layer decoded once per build, as the map page does too
    monkeypatch.setattr(json, "loads", lambda *a, **k: pytest.fail("the HTML page parsed a feature"))
    html = client.get(f"/collections/zones/items?{query}&f=html").get_data(as_text=True)
    ids = [f["id"] for f in page["features"]]
    assert [i for i in ids if f'items/{i}?f=html">{i}</a>' in html] == ids
    assert html.count("MultiPolygon") == len(ids)
    assert f"{len(ids)} of {page['numberMatched']} features" in html
    for rel in ("next", "prev"):
        assert (f">{rel}</a>" in html) == any(link["rel"] == rel for link in page["links"])


@pytest.mark.parametrize("cid", ["zones", "places", "incidents"])
def test_a_streamed_geojson_download_is_the_features_the_items_serve(client, cid):
    download = json.loads(client.get(f"/collections/{cid}/download?format=geojson").data)
    items = client.get(f"/collections/{cid}/items?limit=10000").get_json()
    assert download["features"] == items["features"]
    assert download["citation"].startswith("Border Atlas") and download["licence"].startswith("ODbL")


@pytest.fixture()
def rows_made(monkeypatch):
    """The rows a CSV or KML download has made so far (each slice of CSV counted by its rows, each placemark)."""
    made, csv_text, placemark = [], downloads._csv_text, kml._placemark

    def csv_counted(frame, *args, **options):
        made.extend(frame["id"])
        return csv_text(frame, *args, **options)

    def placemark_counted(parent, cid, row, *args):
        made.append(row["id"])
        return placemark(parent, cid, row, *args)

    monkeypatch.setattr(downloads, "_csv_text", csv_counted)
    monkeypatch.setattr(kml, "_placemark", placemark_counted)
    return made


def _zip_member(body: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return archive.read(name).decode()


# format -> the zones' rows in a download's body
ROWS = {
    "csv": lambda body: pd.read_csv(io.StringIO(_zip_member(body, "zones.csv")), usecols=["id"])["id"].tolist(),
    "kml": lambda body: [p.get("id") for p in ET.fromstring(body).iter(f"{{{kml.NS}}}Placemark")],
}


@pytest.mark.parametrize("fmt", ["csv", "kml"])
def test_csv_and_kml_downloads_are_streamed_and_hold_every_row(app, rows_made, fmt):
    """Issue 31: 20 CSV or KML downloads at once raised a worker's memory by 534 and 423 MB (the whole file made
    before its first byte was sent). Now the first chunk is sent when a few rows are made, and the whole holds every
    row of the items, in order."""
    client = app.test_client()
    ids = [f["id"] for f in client.get("/collections/zones/items?limit=10000").get_json()["features"]]
    response = client.get(f"/collections/zones/download?format={fmt}")
    assert response.is_streamed and len(ids) > 3
    chunks = response.iter_encoded()
    first = next(chunks)
    assert first and 0 < len(rows_made) < len(ids)  # sent before the rest is made
    body = first + b"".join(chunks)
    assert rows_made == ids and ROWS[fmt](body) == ids


def test_a_streamed_csv_is_the_csv_of_the_whole_layer_at_once(app):
    """Made a slice at a time, the CSV is the text made of the whole frame at once (header once, same cells)."""
    body = app.test_client().get("/collections/places/download?format=csv").data
    with app.app_context():
        frame, _ = get_store().query("places")
    assert len(list(downloads._slices(frame, points=40))) > 3  # several slices at this size
    streamed = "".join(part.decode() for part in downloads._csv_parts(frame, points=40))
    assert _zip_member(body, "places.csv") == downloads._csv_text(frame) == streamed

"""Fixtures of the contributions tests: the atlas's context on the session's build, and downloads of it."""

from __future__ import annotations

import shutil

import pytest

from contrib.context import Context
from store import GeoPackageStore


@pytest.fixture(scope="session")
def context(built):
    """What the checks know of the atlas, read from the session's build."""
    return Context(GeoPackageStore(built[0]))


@pytest.fixture(scope="session")
def download(app, tmp_path_factory):
    """download(collection, format) -> the path of that download of the session's build."""
    folder = tmp_path_factory.mktemp("downloads")
    client = app.test_client()

    def get(collection: str, fmt: str):
        extension = {"csv": "csv.zip", "lpf": "lpf.json"}.get(fmt, fmt)
        path = folder / f"{collection}.{extension}"
        if not path.exists():
            url = f"/collections/{collection}/" + ("lpf" if fmt == "lpf" else f"download?format={fmt}")
            response = client.get(url)
            assert response.status_code == 200, response.data[:200]
            path.write_bytes(response.data)
        return path

    return get


TWO_INCIDENTS = (
    "id,name,event_type,start,end,date_precision,date_text,location_text,location_place,quote,cite_archive,"
    "cite_locator,cite_quote\r\n"
    "kegen-1929-04,Crossing of a family near Kegen,crossing,1929-04,1929-04,month,In April 1929,near Kegen,Kegen,"
    'a family of five crossed near Kegen at night,"SGA KNB RK, f. 9, op. 1, d. 440",l. 3,'
    "семья из пяти человек перешла границу у Кегена ночью\r\n"
    "jarkent-1930,Detention at Jarkent,detention,1930,1930,year,In 1930,в Джаркенте,в Джаркенте,"
    'two smugglers were detained in Jarkent,"SGA KNB RK, f. 9, op. 1, d. 441",l. 7,'
    "двое контрабандистов задержаны в Джаркенте\r\n"
)


@pytest.fixture(scope="session")
def published(built, tmp_path_factory):
    """(store path, contributions store path): two incidents imported, a GeoNames place chosen for Kegen,
    published with `border-atlas` into a copy of the session's build."""
    from pipeline.cli import main

    root = tmp_path_factory.mktemp("published")
    (root / "ogpu.csv").write_text(TWO_INCIDENTS, encoding="utf-8")
    shutil.copy(built[0], root / "atlas.gpkg")
    base = ["--contributions", str(root / "c.sqlite"), "--store", str(root / "atlas.gpkg"), "--by", "historian"]
    assert main([*base, "import", str(root / "ogpu.csv"), "--layer", "incidents", "--as", "ogpu"]) == 1
    assert main([*base, "choose", "ogpu", "2", "location.place", "geonames:1522818"]) == 0
    assert main([*base, "publish", "ogpu"]) == 0
    return root / "atlas.gpkg", root / "c.sqlite"


@pytest.fixture(scope="session")
def small_reference(tmp_path_factory):
    """data/reference with its border line and land simplified: a build in a few seconds (tests/contrib/quick.py)."""
    from tests.contrib.quick import simplified_reference

    return simplified_reference(tmp_path_factory.mktemp("small") / "reference")
